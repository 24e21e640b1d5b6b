"""Notes across the page: 仅供存档 written in pen, 复印无效 stamped aslant over a licence copy.

They cover print the readers need (an address, a table row) and their big letters break rows apart. A line is
an overlay when it is far taller than the page's print or runs aslant of it (`data/overlays.yaml`); it is
marked `overlay` (kept for the reviewer, never a value), and the whole page is read again with the note's ink
lifted off (`without_note`): the print under translucent pen or stamp ink stays black, the paper turns white.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

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


def note_strokes(image: Image.Image, letter_px: float, spec: dict[str, Any]) -> list[tuple[float, float, float, float]]:
    """Boxes (picture pixels) of a note's letters that the OCR did not read at all: coloured ink, not a seal's
    red, in strokes far thicker than print's and letters far larger (a translucent 仅供存档 the detector skips),
    clear of the picture's edges.

    A form's coloured rules and frames are long but thin and fill little of their box; a note's letters are
    thick, compact shapes."""
    import cv2

    from attest.ocr.ink import red_ink_mask
    from attest.ocr.workcopy import work_copy

    scale = min(1.0, spec["stroke_work_side"] / max(image.size))
    small = work_copy(image, spec["stroke_work_side"]).astype(np.int16)
    coloured = ((small.max(axis=2) - small.min(axis=2)) > spec["colour_spread"]) & (red_ink_mask(small, 50, 110) == 0)
    mask = coloured.astype(np.uint8)
    width = cv2.distanceTransform(mask, cv2.DIST_L2, 3) * 2
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(mask, np.ones((3, 3), np.uint8)))
    letter = letter_px * scale
    out = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        # What touches the picture's edge is the table or cloth the page lies on, left in the page's crop.
        edge = x == 0 or y == 0 or x + w >= mask.shape[1] or y + h >= mask.shape[0]
        if edge or max(w, h) < spec["height_ratio"] * letter or area < spec["stroke_min_fill"] * w * h:
            continue
        if float(width[labels == i].max()) >= spec["stroke_width_ratio"] * letter:
            out.append((x / scale, y / scale, (x + w) / scale, (y + h) / scale))
    return out


def _paper_brightness(bright: np.ndarray) -> np.ndarray:
    """The paper's own brightness around each pixel: the brightest nearby, at a scale where letters and pen
    strokes are thin, so a shadow or a dim corner is measured and print is not."""
    h, w = bright.shape
    step = max(1, min(h, w) // 150)
    small = Image.fromarray(bright).resize((max(1, w // step), max(1, h // step)), Image.Resampling.BOX)
    paper = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(3))
    out: np.ndarray = np.maximum(np.asarray(paper.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32), 1.0)
    return out


def _hue_distance(hue: np.ndarray, of: float) -> np.ndarray:
    d = np.abs(hue - of)
    out: np.ndarray = np.minimum(d, 256 - d)  # PIL's hue runs 0–255 around the circle
    return out


def without_note(image: Image.Image, note_boxes: list[tuple[float, float, float, float]],
                 spec: dict[str, Any]) -> Image.Image:
    """The picture in even grey light with the note's ink taken off, the print under it kept.

    A note is one ink (blue pen, red stamp) laid over the page, translucent: where it crosses paper it shows
    at one brightness, where it crosses print it is darker. Its hue is read from inside `note_boxes` (the note
    lines the OCR found, in the picture's pixels); every pixel of that hue is un-laid by stretching the ink's
    range back to paper-to-print. Other coloured print (a brown form, a seal) keeps its brightest channel, as
    grey. Each pixel is taken relative to the paper around it, so a note in a shadow fades like one in light.
    """
    rgb = image.convert("RGB")
    arr = np.asarray(rgb).astype(np.float32)
    bright = arr.max(axis=2)
    paper = _paper_brightness(bright.astype(np.uint8))
    coloured = (bright - arr.min(axis=2)) > spec["colour_spread"]
    level = np.where(coloured, bright, arr.mean(axis=2)) / paper
    hue = np.asarray(rgb.convert("HSV"), dtype=np.float32)[..., 0]
    inside = np.zeros(coloured.shape, dtype=bool)
    for x0, y0, x1, y1 in note_boxes:
        inside[max(0, int(y0)):max(0, int(y1)) + 1, max(0, int(x0)):max(0, int(x1)) + 1] = True
    sample = coloured & inside
    if sample.sum() < spec["min_ink_pixels"]:
        ink = np.zeros_like(coloured)
    else:
        counts = np.bincount(hue[sample].astype(np.int64), minlength=256)
        note_hue = float(np.argmax(np.convolve(np.concatenate([counts[-8:], counts, counts[:8]]),
                                               np.ones(17), mode="valid")))
        ink = coloured & (_hue_distance(hue, note_hue) <= spec["hue_tolerance"])
        # The ink's soft edges blend into the paper with less colour: the pixels beside the ink are ink too.
        ink = np.asarray(Image.fromarray(ink).filter(ImageFilter.MaxFilter(5)), dtype=bool)
        over_paper = float(np.median(level[ink & inside & coloured]))
        over_print = over_paper * spec["ink_over_print"]
        # Inside the ink its brightest channel: the rim's blend of ink and paper has too little colour to count
        # as coloured, and its plain grey would draw the note's outline back in.
        stretched = (bright / paper - over_print) / max(over_paper - over_print, 1e-3)
        # What is left light within the ink is its rim (JPEG ringing, a shadow's edge), not print: paper.
        stretched = np.where(stretched >= spec["ink_rim_above"], 1.0, stretched)
        level = np.where(ink, stretched, level)
    grey = (level * 255).clip(0, 255).astype(np.uint8)
    return Image.fromarray(np.stack([grey] * 3, axis=2))


def _strip_phrases(line: OcrLine, phrases: list[str]) -> OcrLine:
    text = line.text
    for phrase in phrases:
        text = text.replace(phrase, "")
    return line if text == line.text else line.model_copy(update={"text": text.strip()})


def read_under_overlays(page: OcrPage, image: Image.Image, engine: OcrEngine, *, max_side: int = 2000) -> OcrPage:
    """`page` with overlay lines marked, the note's phrases cut out of print lines the OCR joined them onto, and
    the print under the notes read again."""
    spec = load("overlays")
    phrases = [p for p in spec["phrases"] if p]
    marked = overlay_ids(page)
    sx, sy = image.width / max(page.width, 1), image.height / max(page.height, 1)
    print_heights = [_height(ln) for ln in page.lines if ln.id not in marked and len(ln.text.strip()) >= 2]
    if len(print_heights) < spec["min_lines"]:
        return page
    typical = statistics.median(print_heights)
    lines = [ln.model_copy(update={"overlay": True}) if ln.id in marked else _strip_phrases(ln, phrases)
             for ln in page.lines]
    # The whole page: the OCR reads a big note only in part (two of its four letters, say), so the lines it
    # found do not tell how far the note's strokes reach; the print they hide can be anywhere under them.
    note_boxes = [(x0 * sx, y0 * sy, x1 * sx, y1 * sy) for x0, y0, x1, y1 in (ln.bbox for ln in lines if ln.overlay)]
    if not note_boxes:  # no note read: one may still be there, in ink the OCR skipped
        note_boxes = note_strokes(image, typical * sy, spec)
        if not note_boxes:
            return page  # no note on the page: a phrase in its print (a scope's 仅供…) is print
        lines = list(page.lines)
    plain = without_note(image, note_boxes, spec)
    # Small print (a low-resolution photo) is enlarged first: the detector misses letters a dozen pixels high.
    # Never beyond what the reader takes in (`max_side`): it would only shrink the picture back.
    zoom = max(1.0, min(spec["max_zoom"], max_side / max(image.size), spec["min_letter_px"] / max(typical * sy, 1.0)))
    if zoom > 1.0:
        plain = plain.resize((round(plain.width * zoom), round(plain.height * zoom)), Image.Resampling.BICUBIC)
    found = engine.read(plain, page.page, orient=False)
    # Re-read pixels → page pixels: x_page = x_read / zoom / sx.
    sx, sy = sx * zoom, sy * zoom
    print_lines = [ln for ln in lines if not ln.overlay]
    added: list[OcrLine] = []
    for ln in found.lines:
        if len(ln.text.strip()) < spec["min_chars"] or ln.confidence < spec["min_confidence"]:
            continue
        box = [(x / sx, y / sy) for x, y in ln.polygon]
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
