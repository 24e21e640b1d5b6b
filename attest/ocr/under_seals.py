"""Print hidden under a red seal: the seal's band is read again with the red ink taken out.

A company seal stamped over a contract's title and party line, or a licence's dates, makes the detector miss
the black print under it (seen on a photographed purchase contract: title and 甲方 line not read at all).
Only a seal whose middle no line of print crosses, and under which dark print shows, is re-read: a page whose
print was read, a seal on blank paper and a red shop sign cost nothing.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.ocr.base import OcrEngine
from attest.ocr.ink import annotate_red_ink, seal_blobs, without_red
from attest.schemas.ocr import OcrLine, OcrPage


def box_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection as a share of the smaller box."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / max(smaller, 1.0)


def _seal_own(line: OcrLine, blob: tuple[int, int, int, int]) -> bool:
    """Text of the seal itself: red, and mostly inside the seal."""
    x0, y0, x1, y1 = line.bbox
    area = max((x1 - x0) * (y1 - y0), 1.0)
    w = min(x1, blob[2]) - max(x0, blob[0])
    h = min(y1, blob[3]) - max(y0, blob[1])
    return line.red_ink >= 0.4 and w > 0 and h > 0 and w * h / area >= 0.6


def _hidden(page: OcrPage, blob: tuple[int, int, int, int]) -> bool:
    """No line crosses the seal's middle half but the seal's own ring text: the print under it was not read.

    A line that runs out of the seal is print (an e-invoice's red title under its supervision seal counts too)."""
    x0, y0, x1, y1 = blob
    q = (y1 - y0) / 4
    middle = (x0, y0 + q, x1, y1 - q)
    return not any(box_overlap(ln.bbox, middle) > 0.2 and not _seal_own(ln, blob) for ln in page.lines)


def _dark_print_under(image: Image.Image, blob: tuple[int, int, int, int]) -> bool:
    """Black or blue print shows through the seal's middle (a seal on blank paper or a red sign shows none)."""
    x0, y0, x1, y1 = blob
    q = (y1 - y0) / 4
    crop = np.asarray(image.crop((x0, int(y0 + q), x1, int(y1 - q))).convert("RGB"))
    if crop.size == 0:
        return False
    # In the red channel red ink is as light as paper, print under it stays dark.
    return float((crop[..., 0] < 110).mean()) > 0.01


def _band(image: Image.Image, blob: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The seal's rows, and three seal-widths either side: the lines it hides run on beyond it."""
    w = blob[2] - blob[0]
    return (max(0, blob[0] - 3 * w), max(0, blob[1]), min(image.width, blob[2] + 3 * w), min(image.height, blob[3]))


def read_under_seals(page: OcrPage, image: Image.Image, engine: OcrEngine) -> OcrPage:
    """`page` with the lines found under seals added where nothing had been read."""
    lines = list(page.lines)
    for blob in seal_blobs(image):
        if not _hidden(page, blob) or not _dark_print_under(image, blob):
            continue
        left, top, right, bottom = _band(image, blob)
        found = engine.read(without_red(image.crop((left, top, right, bottom))), page.page, orient=False)
        for ln in found.lines:
            text = ln.text.strip()
            if len(text) < 2 or ln.confidence < 0.8:
                continue
            moved = OcrLine(id=f"p{page.page}-l{len(lines)}", text=ln.text, confidence=ln.confidence,
                            polygon=[(x + left, y + top) for x, y in ln.polygon])
            if any(box_overlap(old.bbox, moved.bbox) > 0.3 for old in lines):
                continue  # what was read there stays as read (red titles of e-invoices are print too)
            lines.append(moved)
    if len(lines) == len(page.lines):
        return page
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    out = page.model_copy(update={"lines": lines})
    annotate_red_ink(out, image)
    return out
