"""A PDF's own text layer, turned into OCR-shaped lines so every later stage reads one format. `glyph_page`
does the same for any positioned glyphs (an OFD page's text objects)."""

from __future__ import annotations

import ctypes
import re
import statistics
from typing import Any

from attest.schemas.ocr import OcrLine, OcrPage

_CID_GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _boxes(textpage: Any, count: int) -> list[tuple[float, float, float, float]]:
    """Every char's (left, bottom, right, top), straight from pdfium: a year's statement holds 150,000 of them."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    for i in range(count):
        pdfium_c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
        out.append((left.value, bottom.value, right.value, top.value))
    return out


def _chars(textpage: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    boxes = _boxes(textpage, count)
    # The page's text at once, one char per index, where pdfium gives exactly that (it may not, around generated
    # or surrogate characters): then each char is asked for alone.
    if len(text) != count:
        return [(textpage.get_text_range(i, 1), box) for i, box in enumerate(boxes)]
    return list(zip(text, boxes, strict=True))


def _split_runs(chars: list[tuple[str, tuple[float, float, float, float]]]) -> list[list[Any]]:
    """Group chars in content-stream order into runs; a line break, a jump or a wide gap ends a run."""
    runs: list[list[Any]] = []
    current: list[Any] = []
    prev = None  # the current run's last glyph: a space's box is a zero-width point, gaps are measured from ink
    for ch, box in chars:
        if ch == "\r" or ch == "\n":
            if current:
                runs.append(current)
            current, prev = [], None
            continue
        blank = ch.isspace()
        if prev is not None and not blank:
            p_height, height = prev[3] - prev[1], box[3] - box[1]
            height = max(p_height, height, 1.0)
            # Same row: the middles within 0.6 of a line height (sums of top and bottom within 1.2).
            same_row = abs(prev[1] + prev[3] - box[1] - box[3]) < height * 1.2
            gap = box[0] - prev[2]
            # Fields printed on one baseline but in different boxes are separate lines, as OCR sees them.
            if not same_row or gap > height * 0.9 or gap < -height:
                runs.append(current)
                current = []
        current.append((ch, box))
        if not blank:
            prev = box
    if current:
        runs.append(current)
    return runs


def text_layer_page(
    textpage: Any, page_index: int, origin: tuple[float, float], scale: float
) -> OcrPage | None:
    """Lines of the text layer in rendered-pixel coordinates, or None when the layer is absent or insane.

    `origin` is the (left, top) of the page's crop box in PDF points: boxes need not start at 0.
    """
    return glyph_page(_chars(textpage), page_index, origin, scale, engine="pdf-text", engine_version="pdfium")


def glyph_page(chars: list[tuple[str, tuple[float, float, float, float]]], page_index: int,
               origin: tuple[float, float], scale: float, *, engine: str, engine_version: str) -> OcrPage | None:
    """Glyphs in content order, each `(char, (left, bottom, right, top))` with y growing upwards, as lines in
    rendered-pixel coordinates; None when the text is absent or not a Chinese document's."""
    x0, y_top = origin
    text = "".join(c for c, _ in chars)
    if len(text.strip()) < 20 or len(_CID_GARBAGE.findall(text)) > len(text) * 0.02:
        return None
    if not _CJK.search(text):
        return None  # a Chinese invoice with no CJK text layer is a scan with stray metadata: OCR it
    lines: list[OcrLine] = []
    for run in _split_runs(chars):
        run_text = "".join(c for c, _ in run).strip()
        if not run_text:
            continue
        boxes = [b for c, b in run if not c.isspace()] or [b for _, b in run]
        left = (min(b[0] for b in boxes) - x0) * scale
        right = (max(b[2] for b in boxes) - x0) * scale
        top = (y_top - max(b[3] for b in boxes)) * scale
        bottom = (y_top - min(b[1] for b in boxes)) * scale
        # Built without validation: every value here is a float or a string this function made.
        lines.append(
            OcrLine.model_construct(
                id=f"p{page_index + 1}-l{len(lines)}",
                text=run_text,
                polygon=[(left, top), (right, top), (right, bottom), (left, bottom)],
                confidence=1.0,
                red_ink=0.0,
                overlay=False,
            )
        )
    heights = [ln.bbox[3] - ln.bbox[1] for ln in lines]
    if not lines or statistics.median(heights) <= 0:
        return None
    return OcrPage(
        page=page_index + 1,
        width=0,
        height=0,
        lines=lines,
        engine=engine,
        engine_version=engine_version,
    )
