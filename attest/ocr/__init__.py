"""OCR stage: one factory, engines created once per process and passed into the core."""

from __future__ import annotations

from attest.ocr.base import OcrEngine, PageReader, turn_upright, warm_up
from attest.settings import OcrSettings


def create_ocr_engine(settings: OcrSettings) -> PageReader:
    """Build the configured engine (heavy imports happen here, once)."""
    if settings.engine == "paddleocr":
        from attest.ocr.paddle import PaddleOcrReader

        return PageReader(PaddleOcrReader(model_dir=settings.paddle_model_dir), max_side=settings.max_side)
    from attest.ocr.rapid import RapidOcrReader

    reader = RapidOcrReader(backend=settings.backend, precision=settings.precision, threads=settings.threads,
                            memory_arena=settings.memory_arena)
    return PageReader(reader, max_side=settings.max_side)


__all__ = ["OcrEngine", "PageReader", "create_ocr_engine", "turn_upright", "warm_up"]
