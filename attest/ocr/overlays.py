"""Notes across the page: 仅供存档 written in pen, 复印无效 stamped aslant over a licence copy.

They cover print the readers need (an address, a table row) and their big letters break rows apart. A line is
an overlay when it is far taller than the page's print or runs aslant of it (`data/overlays.yaml`); it is
marked `overlay` (kept for the reviewer, never a value), and its region is read again in the picture's
brightest channel, where blue pen and red stamp ink turn nearly paper-white and black print stays black.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
from PIL import Image

from attest.data import load
from attest.ocr.base import OcrEngine
from attest.ocr.under_seals import box_overlap
from attest.schemas.ocr import OcrLine, OcrPage


def _height(line: OcrLine) -> float:
    """The size of the line's letters: its box's shorter side (a tilted line's, not its bounding box's; a
    vertical label's width)."""
    (x0, y0), (x1, y1), (x3, y3) = line.polygon[0], line.polygon[1], line.polygon[3]
    return min(math.hypot(x3 - x0, y3 - y0), math.hypot(x1 - x0, y1 - y0))


def _tilt(line: OcrLine) -> float:
    (x0, y0), (x1, y1) = line.polygon[0], line.polygon[1]
    return abs(math.degrees(math.atan2(y1 - y0, x1 - x0)))


def overlay_ids(page: OcrPage) -> set[str]:
    """Ids of the page's lines that are notes across it rather than its print."""
    spec = load("overlays")
    text_lines = [ln for ln in page.lines if len(ln.text.strip()) >= 2]
    if len(text_lines) < spec["min_lines"]:
        return set()
    typical = statistics.median(_height(ln) for ln in text_lines)
    tilts = [_tilt(ln) for ln in text_lines if len(ln.text) >= 4]
    level = statistics.median(tilts) if tilts else 0.0
    out = set()
    for ln in page.lines:
        h = _height(ln)
        # A seal's ring text runs aslant too: red aslant lines are seals (attest/extract/seal.py) unless giant.
        aslant = (abs(_tilt(ln) - level) >= spec["tilt_degrees"] and h >= spec["tilted_height_ratio"] * typical
                  and ln.red_ink < spec["seal_red_ink"])
        # Giant letters are a note only where they lie across print and are read one or two at a time (a big
        # note's letters come apart): a title, even with a seal over it, is a run of letters.
        giant = h >= spec["height_ratio"] * typical and len(ln.text.strip()) <= spec["giant_max_chars"] and any(
            other is not ln and _height(other) < spec["height_ratio"] * typical
            and box_overlap(ln.bbox, other.bbox) > 0.3 for other in page.lines)
        if aslant or giant:
            out.add(ln.id)
    return out


def without_colour(image: Image.Image, spread: int) -> Image.Image:
    """Coloured ink (pen, stamp) turned to paper; black and grey print kept as it is."""
    arr = np.asarray(image.convert("RGB")).astype(np.int16)
    coloured = (arr.max(axis=2) - arr.min(axis=2)) > spread
    grey = np.where(coloured, arr.max(axis=2), arr.mean(axis=2)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(np.stack([grey] * 3, axis=2))


def _strip_phrases(line: OcrLine, phrases: list[str]) -> OcrLine:
    text = line.text
    for phrase in phrases:
        text = text.replace(phrase, "")
    return line if text == line.text else line.model_copy(update={"text": text.strip()})


def read_under_overlays(page: OcrPage, image: Image.Image, engine: OcrEngine) -> OcrPage:
    """`page` with overlay lines marked, the note's phrases cut out of print lines the OCR joined them onto, and
    the print under the notes read again."""
    spec = load("overlays")
    phrases = [p for p in spec["phrases"] if p]
    marked = overlay_ids(page)
    if not marked:
        return page  # no note on the page: a phrase in its print (a scope's 仅供…) is print
    lines = [ln.model_copy(update={"overlay": True}) if ln.id in marked else _strip_phrases(ln, phrases)
             for ln in page.lines]
    sx, sy = image.width / max(page.width, 1), image.height / max(page.height, 1)
    y0 = min(ln.bbox[1] for ln in lines if ln.overlay)
    y1 = max(ln.bbox[3] for ln in lines if ln.overlay)
    # The whole width of the rows the notes cross: the print they hide runs on beyond them.
    left, top, right, bottom = 0, max(0, int(y0 * sy)), image.width, min(image.height, int(y1 * sy) + 1)
    if bottom - top < 8:
        return page.model_copy(update={"lines": lines})
    crop = without_colour(image.crop((left, top, right, bottom)), spec["colour_spread"])
    # Small print (a low-resolution photo) is enlarged first: the detector misses letters a dozen pixels high.
    typical = statistics.median(_height(ln) for ln in lines if not ln.overlay and len(ln.text.strip()) >= 2)
    zoom = min(spec["max_zoom"], max(1.0, spec["min_letter_px"] / max(typical * sy, 1.0)))
    if zoom > 1.0:
        crop = crop.resize((round(crop.width * zoom), round(crop.height * zoom)), Image.Resampling.BICUBIC)
    found = engine.read(crop, page.page, orient=False)
    # Crop pixels → page pixels: x_page = (x_crop / zoom + left) / sx.
    sx, sy, left, top = sx * zoom, sy * zoom, round(left * zoom), round(top * zoom)
    print_lines = [ln for ln in lines if not ln.overlay]
    added: list[OcrLine] = []
    for ln in found.lines:
        if len(ln.text.strip()) < spec["min_chars"] or ln.confidence < spec["min_confidence"]:
            continue
        box = [((x + left) / sx, (y + top) / sy) for x, y in ln.polygon]
        moved = _strip_phrases(OcrLine(id=f"p{page.page}-l{len(lines) + len(added)}", text=ln.text,
                                       confidence=ln.confidence, polygon=box), phrases)
        if len(moved.text) < spec["min_chars"]:
            continue
        same = [old for old in print_lines if box_overlap(old.bbox, moved.bbox) > 0.3]
        if same:
            continue  # read before: what was read there stays
        added.append(moved)
    lines += added
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return page.model_copy(update={"lines": lines})
