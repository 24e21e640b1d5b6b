"""RapidOCR engine: PaddleOCR's PP-OCR models as ONNX, shipped inside the `rapidocr` wheel (no network)."""

from __future__ import annotations

import threading
from importlib import metadata
from typing import Any

import numpy as np

from attest.errors import EngineFailed, EngineUnavailable
from attest.ocr.base import RawLine


class RapidOcrReader:
    """Loaded once per process; one lock keeps concurrent callers from interleaving inside rapidocr."""

    name = "rapidocr"

    def __init__(self, *, threads: int = 0, memory_arena: bool = True) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EngineUnavailable("rapidocr is not installed: pip install rapidocr onnxruntime") from exc
        # rapidocr turns onnxruntime's arena off; without it every page's feature maps (100+ MB for a 2000-px
        # page) are fresh mmaps the kernel must fault in: 16 % of the OCR time was system time, 3 % with it.
        params: dict[str, Any] = {"Global.log_level": "error", "Global.use_cls": False,
                                  "EngineConfig.onnxruntime.enable_cpu_mem_arena": memory_arena}
        if threads > 0:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        self._engine = RapidOCR(params=params)
        self.version = f"rapidocr {metadata.version('rapidocr')} PP-OCRv6 small"
        self._lock = threading.Lock()

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        try:
            with self._lock:
                out = self._engine(image, use_det=False, use_cls=False, use_rec=True)
        except Exception as exc:
            raise EngineFailed(f"rapidocr failed: {exc}") from exc
        txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
        if not txts:
            return "", 0.0
        return str(txts[0]), float(scores[0]) if scores else 0.0

    def read_lines(self, image: np.ndarray) -> list[RawLine]:
        try:
            with self._lock:
                # rapidocr keeps call options as engine state: every call states all of them.
                out = self._engine(image, use_det=True, use_cls=False, use_rec=True)
        except Exception as exc:  # rapidocr raises bare exceptions from deep inside onnxruntime
            raise EngineFailed(f"rapidocr failed: {exc}") from exc
        boxes, txts, scores = (getattr(out, k, None) for k in ("boxes", "txts", "scores"))
        if boxes is None or txts is None or scores is None:
            return []
        return [
            RawLine(polygon=[(float(x), float(y)) for x, y in box], text=str(text), score=float(score))
            for box, text, score in zip(boxes, txts, scores, strict=True)
        ]
