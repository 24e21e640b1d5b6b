"""An OFD page's characters as OCR-shaped lines, through the same run-splitting as a PDF's text layer: the
file's text is exact, so no OCR runs and every extractor reads it unchanged."""

from __future__ import annotations

from attest.ingest.ofd.content import Glyph, Page
from attest.ingest.pdf_text import glyph_page
from attest.schemas.ocr import OcrPage

# Ink above and below the baseline, as shares of the font size: a CJK character fills its em square; digits
# and Latin letters stand on the baseline and reach cap height. OCR boxes hug the ink, and the layout rules
# compare these boxes' heights and rows, so the file's lines are shaped like OCR's.
_CJK_INK, _LATIN_INK = (0.88, 0.12), (0.74, 0.04)


# Full-width punctuation inks only half its em square: a label ending in `）` or `：` ends where its ink does.
_HALF_INKED = set("（）：；，。、！？【】《》“”‘’")


def _width(glyph: Glyph) -> float:
    natural = glyph.size * (0.5 if glyph.char in _HALF_INKED else 1.0 if ord(glyph.char) > 0x2E80 else 0.55)
    if glyph.advance is not None and 0 < glyph.advance < natural * 1.2:
        return glyph.advance
    return natural


def page_text(page: Page, scale: float) -> OcrPage | None:
    """Lines in pixels of the page rendered at `scale` px/mm, or None when the page carries no Chinese text."""
    chars: list[tuple[str, tuple[float, float, float, float]]] = []
    for text in page.texts():
        if text.turned and text.glyphs:
            # Turned text reads as one tall line, as OCR reads a margin note: one "glyph" spanning it all.
            gs, size = text.glyphs, max(g.size for g in text.glyphs)
            left, right = min(g.x for g in gs) - size, max(g.x for g in gs)
            top, bottom = min(g.baseline for g in gs), max(g.baseline for g in gs) + size
            chars.append(("".join(g.char for g in gs).strip(), (left, -bottom, right, -top)))
            chars.append(("\n", (0.0, 0.0, 0.0, 0.0)))
            continue
        for g in text.glyphs:
            up, down = _CJK_INK if ord(g.char) > 0x2E80 else _LATIN_INK
            # glyph_page takes boxes with y growing upwards; the OFD's y grows downwards from the top.
            chars.append((g.char, (g.x, -(g.baseline + g.size * down), g.x + _width(g), -(g.baseline - g.size * up))))
    # Objects follow one another without a break: as in a PDF, only geometry ends a run, so a label drawn one
    # character per object (`校` `验` `码：`) is one line, as OCR reads it.
    return glyph_page(chars, page.index, (0.0, 0.0), scale, engine="ofd-text", engine_version="attest-ofd")
