"""An OFD page's characters as OCR-shaped lines, through the same run-splitting as a PDF's text layer: the
file's text is exact, so no OCR runs and every extractor reads it unchanged."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.ingest.ofd.content import Glyph, Page
from attest.ingest.pdf_text import glyph_page
from attest.schemas.ocr import OcrPage

# Ink above and below the baseline, as shares of the font size: a CJK character fills its em square; digits
# and Latin letters stand on the baseline and reach cap height. OCR boxes hug the ink, and the layout rules
# compare these boxes' heights and rows, so the file's lines are shaped like OCR's.
_CJK_INK, _LATIN_INK = (0.88, 0.12), (0.74, 0.04)
Char = tuple[str, tuple[float, float, float, float]]  # a glyph and its (left, bottom, right, top), y upwards


# Full-width punctuation inks only half its em square: a label ending in `）` or `：` ends where its ink does.
_HALF_INKED = set("（）：；，。、！？【】《》“”‘’")


def _width(glyph: Glyph) -> float:
    natural = glyph.size * (0.5 if glyph.char in _HALF_INKED else 1.0 if ord(glyph.char) > 0x2E80 else 0.55)
    if glyph.advance is not None and 0 < glyph.advance < natural * 1.2:
        return glyph.advance
    return natural


def page_text(page: Page, scale: float, drawn: Image.Image | None = None) -> OcrPage | None:
    """Lines in pixels of the page rendered at `scale` px/mm, or None when the page carries no Chinese text.
    `drawn` is that rendering: the rules it shows between cells end lines."""
    placed: list[tuple[int, Char]] = []  # (the text object's index, a glyph)
    turned: list[Char] = []
    for index, text in enumerate(page.texts()):
        if text.turned and text.glyphs:
            # Turned text reads as one tall line, as OCR reads a margin note: one "glyph" spanning it all.
            gs, size = text.glyphs, max(g.size for g in text.glyphs)
            left, right = min(g.x for g in gs) - size, max(g.x for g in gs)
            top, bottom = min(g.baseline for g in gs), max(g.baseline for g in gs) + size
            turned.append(("".join(g.char for g in gs).strip(), (left, -bottom, right, -top)))
            turned.append(_BREAK)
            continue
        for g in text.glyphs:
            up, down = _CJK_INK if ord(g.char) > 0x2E80 else _LATIN_INK
            # glyph_page takes boxes with y growing upwards; the OFD's y grows downwards from the top.
            placed.append((index, (g.char, (g.x, -(g.baseline + g.size * down), g.x + _width(g),
                                            -(g.baseline - g.size * up)))))
    grey = np.asarray(drawn.convert("L")) if drawn is not None else None
    return glyph_page(turned + _reading_order(placed, grey, scale), page.index, (0.0, 0.0), scale,
                      engine="ofd-text", engine_version="attest-ofd")


_BREAK: Char = ("\n", (0.0, 0.0, 0.0, 0.0))
_GAP_ENDS_LINE = 0.9  # of a glyph's height, as between the runs of a PDF's text layer
_INK_BELOW = 200  # grey level: a table's rule, black or the brown of an e-invoice's frame, is darker
_RULE_SHARE = 0.95  # of the height from above to below both glyphs, inked in one pixel column: a rule


def _ruled_apart(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                 grey: np.ndarray | None, scale: float) -> bool:
    """Whether the drawn page shows a vertical rule between glyph boxes `a` and `b` (mm, y upwards), running past
    both glyphs above and below: the grid of a form drawn as paths or as its background picture alike — what the
    page shows, not how it was written. A glyph's own stroke ends within its line."""
    if grey is None:
        return False
    reach = max(a[3] - a[1], b[3] - b[1]) * 0.25
    left, right = round(a[2] * scale) + 1, round(b[0] * scale) - 1
    top, bottom = round(-(max(a[3], b[3]) + reach) * scale), round(-(min(a[1], b[1]) - reach) * scale)
    if right <= left or top < 0 or bottom > grey.shape[0]:
        return False
    strip = grey[top:bottom, max(0, left):right] < _INK_BELOW
    return strip.size > 0 and bool((strip.mean(axis=0) >= _RULE_SHARE).any())


def _apart(a: tuple[float, float, float, float], b: tuple[float, float, float, float], grey: np.ndarray | None,
           scale: float) -> bool:
    """Whether two glyphs of different objects, side by side in a row, belong to different lines: a gap wide for
    the smaller of them (a heading beside a field's caption), or a rule between them."""
    smaller = min(a[3] - a[1], b[3] - b[1])
    return b[0] - a[2] > _GAP_ENDS_LINE * smaller or _ruled_apart(a, b, grey, scale)


def _rows(placed: list[tuple[int, Char]]) -> list[list[tuple[int, Char]]]:
    """Glyphs in rows from the top, each row from the left. A glyph joins a row when its middle lies within
    half a glyph height of the row's middle (boxes have y growing upwards)."""
    rows: list[tuple[float, float, list[tuple[int, Char]]]] = []  # (mean middle, tallest glyph, glyphs)
    for glyph in sorted(placed, key=lambda p: -(p[1][1][1] + p[1][1][3])):
        box = glyph[1][1]
        middle, height = (box[1] + box[3]) / 2, box[3] - box[1]
        if rows and abs(rows[-1][0] - middle) < max(rows[-1][1], height) / 2:
            row_middle, tallest, row = rows[-1]
            row.append(glyph)
            rows[-1] = (row_middle + (middle - row_middle) / len(row), max(tallest, height), row)
        else:
            rows.append((middle, height, [glyph]))
    return [sorted(row, key=lambda p: p[1][1][0]) for _, _, row in rows]


_STACK_WITHIN = 0.5  # of a glyph's height: characters written top to bottom sit this close, one above the next


def _stacked(rows: list[list[tuple[int, Char]]]) -> set[int]:
    """ids of the Chinese glyphs written top to bottom (a 购买方信息 caption): each nearer the glyph above or below
    it, at the same left, than anything beside it in its row. Read as OCR reads such a caption — each apart from
    the row it stands in — whether the file wrote it as one object per character or not."""
    columns: dict[int, list[tuple[float, float, float, float]]] = {}
    for row in rows:
        for _, (ch, box) in row:
            if ord(ch) > 0x2E80 and ch not in _HALF_INKED:
                columns.setdefault(round(box[0] * 4), []).append(box)
    out: set[int] = set()
    for row in rows:
        for i, (_, (ch, box)) in enumerate(row):
            if ord(ch) <= 0x2E80 or ch in _HALF_INKED:
                continue
            height = box[3] - box[1]
            gaps = ([box[0] - row[i - 1][1][1][2]] if i else []) + (
                [row[i + 1][1][1][0] - box[2]] if i + 1 < len(row) else [])
            beside = min(gaps, default=float("inf"))
            near = [max(box[1] - other[3], other[1] - box[3]) for key in (round(box[0] * 4) + d for d in (-1, 0, 1))
                    for other in columns.get(key, []) if other is not box and abs(other[0] - box[0]) < 0.15 * height]
            above_below = min(near, default=float("inf"))
            if above_below < _STACK_WITHIN * height and above_below < beside:
                out.add(id(row[i][1]))
    return out


def _reading_order(placed: list[tuple[int, Char]], grey: np.ndarray | None, scale: float) -> list[Char]:
    """Glyphs in rows from the top, each row from the left, a break between rows, around a caption written top to
    bottom and wherever a form's rule stands between two objects. Only geometry orders them: a converter may
    write the objects in any order, or one character per object (`校` `验` `码：`), and the page still reads as it
    is printed; the runs are then split by gaps, as a PDF's are."""
    rows = _rows(placed)
    stacked = _stacked(rows)
    out: list[Char] = []
    for row in rows:
        previous: tuple[int, Char] | None = None
        for glyph in row:
            if previous is not None and (id(glyph[1]) in stacked or id(previous[1]) in stacked or (
                    previous[0] != glyph[0] and _apart(previous[1][1], glyph[1][1], grey, scale))):
                out.append(_BREAK)
            out.append(glyph[1])
            previous = glyph
        out.append(_BREAK)
    return out
