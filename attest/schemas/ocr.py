"""OCR output: lines with ids, polygons and confidences, as every later stage sees them."""

from __future__ import annotations

from pydantic import BaseModel, Field

Point = tuple[float, float]
# Engines whose "reading" is the file's own text (a PDF's text layer, an OFD's text objects): exact, no picture.
FILE_TEXT_ENGINES = ("pdf-text", "ofd-text")


class OcrLine(BaseModel):
    """One recognised text line; `id` is stable within a document (`p{page}-l{n}`)."""

    id: str
    text: str
    polygon: list[Point] = Field(description="Four corners, clockwise from top-left, in page pixels.")
    confidence: float
    red_ink: float = Field(0.0, description="Share of the line's ink that is red (seals are red).")

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)


class OcrPage(BaseModel):
    """All lines of one page plus where they came from and what it cost."""

    page: int
    width: int
    height: int
    lines: list[OcrLine]
    engine: str = Field(description="`rapidocr`, `paddleocr`, `pdf-text` (a PDF's own text layer) or `skipped` (a "
                        "middle page of a long scan, not read).")
    engine_version: str
    rotation: int = Field(0, description="Clockwise degrees the page was turned before reading.")
    seconds: float = 0.0
