"""Print hidden under a red seal: the seal's band is read again with the red ink taken out.

A company seal stamped over a contract's title and party line, or a licence's dates, makes the detector miss
the black print under it (seen on a photographed purchase contract: title and 甲方 line not read at all).
Only a seal under whose middle dark print shows where no line was read is re-read (a date's day under a licence's
registry seal, read as `2018` `06` and nothing after): a page whose print was read, a seal on blank paper and a
red shop sign cost nothing.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.data import load
from attest.ocr.base import OcrEngine
from attest.ocr.ink import annotate_red_ink, red_ink_mask, seal_blobs, without_red
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
    return line.red_ink >= load("seals")["line_ink"]["seal_share"] and w > 0 and h > 0 and w * h / area >= 0.6


def _unread_print_under(page: OcrPage, image: Image.Image, blob: tuple[int, int, int, int]) -> bool:
    """Black or blue print shows through the seal where no line was read.

    A seal on blank paper or a red sign shows none; print the OCR read through the seal is covered by its
    line. What a line covers is the line's box (a line that runs out of the seal is print: an e-invoice's red
    title under its supervision seal counts too), but not the seal's own ring text. Long rules are not print."""
    import cv2

    x0, top = blob[0], blob[1]
    crop = np.asarray(image.crop(blob).convert("RGB"))
    if crop.size == 0:
        return False
    # In the red channel red ink is as light as paper, print under it stays dark: darker than the paper by a
    # margin, since a pale scan prints black as grey.
    red = crop[..., 0].astype(np.int16)
    # Deep red (an emblem's outline, a seal's heavy ink) is dark in the red channel too, and so is a blue or
    # purple surface of a photo: print is near grey.
    rgb = crop.astype(np.int16)
    grey = (rgb.max(axis=2) - rgb.min(axis=2)) < 60
    dark = ((red < float(np.percentile(red, 90)) - 45) & grey & (red_ink_mask(crop, 30, 80) == 0)).astype(np.uint8)
    h, w = dark.shape
    rules = np.maximum(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, max(3, w // 2)), np.uint8)),
                       cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((max(3, h // 2), 1), np.uint8)))
    dark[rules > 0] = 0
    for ln in page.lines:
        if _seal_own(ln, blob):
            continue
        lx0, ly0, lx1, ly1 = ln.bbox
        pad = 0.2 * (ly1 - ly0)  # a box hugs its letters: their anti-aliased edges stick out
        dark[max(0, int(ly0 - pad) - top):max(0, int(ly1 + pad) - top + 1),
             max(0, int(lx0 - pad) - x0):max(0, int(lx1 + pad) - x0 + 1)] = 0
    # A two-digit day is a few hundred pixels of a seal's ten thousand.
    return float(dark.mean()) > 0.003


def _band(image: Image.Image, blob: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The seal's rows, and three seal-widths either side: the lines it hides run on beyond it."""
    w = blob[2] - blob[0]
    return (max(0, blob[0] - 3 * w), max(0, blob[1]), min(image.width, blob[2] + 3 * w), min(image.height, blob[3]))


def _squash(text: str) -> str:
    return "".join(text.split())


def _extends(new: OcrLine, old: list[OcrLine]) -> bool:
    """The re-read line holds every line read there before, and more (`2018年06月05日` over `2018年06月`)."""
    text = _squash(new.text)
    return sum(len(_squash(o.text)) for o in old) < len(text) and all(_squash(o.text) in text for o in old)


def read_under_seals(page: OcrPage, image: Image.Image, engine: OcrEngine) -> OcrPage:
    """`page` with the lines found under seals added where nothing had been read, or where the re-read line
    carries on what was read (the rest of it was under the seal)."""
    lines = list(page.lines)
    added = 0
    for blob in seal_blobs(image):
        if not _unread_print_under(page, image, blob):
            continue
        left, top, right, bottom = _band(image, blob)
        found = engine.read(without_red(image.crop((left, top, right, bottom))), page.page, orient=False)
        for ln in found.lines:
            text = ln.text.strip()
            if len(text) < 2 or ln.confidence < 0.8:
                continue
            # Numbered past every line the page had: a replaced line's number is not reused.
            moved = OcrLine(id=f"p{page.page}-l{len(page.lines) + added}", text=ln.text,
                            confidence=ln.confidence, polygon=[(x + left, y + top) for x, y in ln.polygon])
            under = [old for old in lines if box_overlap(old.bbox, moved.bbox) > 0.3]
            if under and not _extends(moved, under):
                continue  # what was read there stays as read (red titles of e-invoices are print too)
            lines = [old for old in lines if old not in under] + [moved]
            added += 1
    if not added:
        return page
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    out = page.model_copy(update={"lines": lines})
    annotate_red_ink(out, image)
    return out
