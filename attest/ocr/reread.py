"""Lines read unsure, and a sign's band under its name, read again from the picture at a larger scale.

A page is read shrunk to `max_side` (a 12 MP photo to 2000 px), and a sign taken at a distance keeps few pixels
per character after that: its name is read unsure or wrong. Each unsure line tall enough to be a sign's words is
cut from the picture at the picture's own resolution, enlarged to a height the recognizer reads well, and
recognised again (recognition only: the line's box is known). The second reading replaces the first only when it
is surer; a line read sure costs nothing, so a clear photo pays for no re-read.

A sign's business words under its name (…艺术教育, …大酒店) are often set small, in a colour close to the
board's (white on yellow): the detector misses them at page scale. The band under the sign's biggest line is
cut out and each pixel's distance from the board's own colour made dark-on-white; each run of inked rows under
the name is recognised as a line; lines found there that no line of the page covers are added.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.data import load
from attest.ocr.base import OcrEngine
from attest.ocr.under_seals import box_overlap
from attest.schemas.ocr import OcrLine, OcrPage


def reread_unsure(page: OcrPage, image: Image.Image, engine: OcrEngine) -> OcrPage:
    """`page` with its unsure sign-sized lines re-read from `image`: the picture `page` was read from, upright
    and at its own resolution, in the coordinates of `page`'s boxes."""
    spec = load("reread")
    heights = [ln.bbox[3] - ln.bbox[1] for ln in page.lines]
    if not heights:
        return page
    tall = max(heights) * spec["min_height_of_tallest"]
    unsure = sorted((ln for ln in page.lines if ln.confidence < spec["unsure_below"]
                     and ln.bbox[3] - ln.bbox[1] >= tall and len(ln.text.strip()) >= 2),
                    key=lambda ln: -(ln.bbox[3] - ln.bbox[1]))[: spec["max_lines"]]
    if not unsure:
        return page
    changed = {}
    for ln in unsure:
        x0, y0, x1, y1 = ln.bbox
        pad = (y1 - y0) * spec["margin"]
        crop = image.crop((max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(image.width, int(x1 + pad)),
                           min(image.height, int(y1 + pad))))
        if crop.width < 2 or crop.height < 2:
            continue
        scale = spec["line_height"] / crop.height
        if scale > 1:  # enlarged only: a crop already taller than the recognizer's input is shrunk by it
            crop = crop.resize((max(1, round(crop.width * scale)), spec["line_height"]), Image.Resampling.BICUBIC)
        text, confidence = engine.read_line(crop)
        if text.strip() and confidence > ln.confidence + spec["surer_by"]:
            changed[ln.id] = ln.model_copy(update={"text": text, "confidence": round(float(confidence), 4)})
    if not changed:
        return page
    return page.model_copy(update={"lines": [changed.get(ln.id, ln) for ln in page.lines]})


def _against_board(crop: Image.Image) -> Image.Image:
    """Each pixel's colour distance from the board's (the crop's median colour), as dark ink on white."""
    rgb = np.asarray(crop.convert("RGB")).astype(np.float32)
    board = np.median(rgb.reshape(-1, 3), axis=0)
    distance = np.sqrt(((rgb - board) ** 2).sum(axis=2))
    top = max(float(np.percentile(distance, 99)), 1.0)
    ink = np.clip(255 - distance / top * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(ink).convert("RGB")


def _ink_rows(ink: np.ndarray, start: int, min_height: int) -> list[tuple[int, int]]:
    """Runs of rows holding ink, from row `start` down, at least `min_height` tall."""
    has = ink.sum(axis=1) > max(2, ink.shape[1] // 100)
    runs, top = [], None
    for y in range(start, ink.shape[0] + 1):
        inked = y < ink.shape[0] and bool(has[y])
        if inked and top is None:
            top = y
        elif not inked and top is not None:
            if y - top >= min_height:
                runs.append((top, y))
            top = None
    return runs


def read_sign_band(page: OcrPage, image: Image.Image, engine: OcrEngine) -> OcrPage:
    """`page` with the lines under its biggest line (a sign's name) that it had missed: the band against the
    board's colour, each run of inked rows under the name recognised as one line (no detection: cheap)."""
    spec = load("reread")["sign_band"]
    named = [ln for ln in page.lines if len(ln.text.strip()) >= 2 and ln.confidence >= spec["name_sure"]]
    if not named:
        return page
    name = max(named, key=lambda ln: ln.bbox[3] - ln.bbox[1])
    x0, y0, x1, y1 = name.bbox
    h = y1 - y0
    box = (max(0, int(x0 - h * spec["sides"])), max(0, int(y0)), min(image.width, int(x1 + h * spec["sides"])),
           min(image.height, int(y1 + h * spec["below"])))
    if box[2] - box[0] < 8 or box[3] - box[1] < 8:
        return page
    band = _against_board(image.crop(box))
    ink = np.asarray(band.convert("L")) < 128
    added: list[OcrLine] = []
    for top, bottom in _ink_rows(ink, int(y1 - box[1]), max(4, int(h * spec["min_line"])))[: spec["max_lines"]]:
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        pad = (bottom - top) // 4
        left, right = max(0, int(columns[0]) - pad), min(band.width, int(columns[-1]) + 1 + pad)
        line = band.crop((left, max(0, top - pad), right, min(band.height, bottom + pad)))
        scale = spec["line_height"] / line.height
        line = line.resize((max(1, round(line.width * scale)), spec["line_height"]), Image.Resampling.BICUBIC)
        text, confidence = engine.read_line(line)
        bbox = (box[0] + left, box[1] + top, box[0] + right, box[1] + bottom)
        if len(text.strip()) < 2 or confidence < spec["keep_above"] or any(
                box_overlap(bbox, old.bbox) > 0.3 for old in page.lines):
            continue
        added.append(OcrLine(id=f"p{page.page}-b{len(added)}", text=text, confidence=round(float(confidence), 4),
                             polygon=[(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[2], bbox[3]),
                                      (bbox[0], bbox[3])]))
    return page.model_copy(update={"lines": [*page.lines, *added]}) if added else page
