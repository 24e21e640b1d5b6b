"""OCR stage: one factory, engines created once per process and passed into the core."""

from __future__ import annotations

import threading

from attest.ocr.base import OcrEngine, PageReader, turn_upright, warm_up
from attest.settings import OcrSettings

# One engine per configuration per process. An engine holds its compiled models and their working memory
# (about 1.3 GB after a few pages), and every caller that builds a context (the service, each worker, each
# test's app) would otherwise hold its own: 16 apps in one test process reached 22 GB. An engine serialises
# its calls with its own lock, so sharing it is safe.
_ENGINES: dict[tuple[object, ...], PageReader] = {}
_ENGINES_LOCK = threading.Lock()


def create_ocr_engine(settings: OcrSettings) -> PageReader:
    """The configured engine, built on the first call for its settings (heavy imports happen here, once). Readers
    that must read side by side each have a process of their own (`attest.worker.reader_process`)."""
    key = (settings.engine, settings.backend, settings.precision, settings.threads, settings.memory_arena,
           settings.max_side, settings.paddle_model_dir)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _build(settings)
        return _ENGINES[key]


def _build(settings: OcrSettings) -> PageReader:
    if settings.engine == "paddleocr":
        from attest.ocr.paddle import PaddleOcrReader

        return PageReader(PaddleOcrReader(model_dir=settings.paddle_model_dir), max_side=settings.max_side)
    from attest.ocr.rapid import RapidOcrReader

    reader = RapidOcrReader(backend=settings.backend, precision=settings.precision, threads=settings.threads,
                            memory_arena=settings.memory_arena)
    return PageReader(reader, max_side=settings.max_side)


__all__ = ["OcrEngine", "PageReader", "create_ocr_engine", "turn_upright", "warm_up"]
