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
    overlay: bool = Field(False, description="A note written or stamped across the page (仅供存档, 复印无效): "
                          "shown, never read as a field's value.")

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return min(xs), min(ys), max(xs), max(ys)


class PageQuad(BaseModel):
    """Where a flattened page lies in the uploaded picture: a photo's page found, cut out and squared before OCR.

    The page's lines are in the flattened page's pixels (what the readers need); these corners map them back
    onto the upload for the reviewer (`attest.layout.quad.to_upload`)."""

    width: int = Field(description="The uploaded picture's width, turned upright by its EXIF orientation.")
    height: int = Field(description="The uploaded picture's height, turned upright by its EXIF orientation.")
    corners: list[Point] = Field(description="The read page's top-left, top-right, bottom-right and bottom-left "
                                 "corners in the uploaded picture's pixels.")


class OcrPage(BaseModel):
    """All lines of one page plus where they came from and what it cost."""

    page: int
    width: int
    height: int
    lines: list[OcrLine]
    engine: str = Field(description="`rapidocr`, `paddleocr`, `pdf-text` (a PDF's own text layer) or `skipped` (a "
                        "middle page of a long scan, not read).")
    engine_version: str
    backend: str | None = Field(None, description="Inference runtime that ran the engine's models (`onnxruntime`, "
                                "`openvino` and its version); none for a text layer or a skipped page.")
    precision: str | None = Field(None, description="Arithmetic the backend computed in (`f32`, `bf16`).")
    rotation: int = Field(0, description="Clockwise degrees the page was turned before reading.")
    flattened: PageQuad | None = Field(None, description="Set when the page was found in a photo and flattened "
                                       "before reading; `width`/`height` and the lines are then the flat page's.")
    seconds: float = 0.0
