"""PaddleOCR engine for users who keep PaddleOCR model folders locally (optional extra `paddle`)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import numpy as np

from attest.errors import EngineFailed, EngineUnavailable
from attest.ocr.base import RawLine


class PaddleOcrReader:
    """Never downloads: it refuses to start unless det/rec model folders exist under `model_dir`."""

    name = "paddleocr"

    def __init__(self, *, model_dir: Path | None) -> None:
        if model_dir is None or not (model_dir / "det").is_dir() or not (model_dir / "rec").is_dir():
            raise EngineUnavailable(
                "paddleocr needs local models: set ATTEST_OCR__PADDLE_MODEL_DIR to a folder with det/ and rec/"
            )
        try:
            from paddleocr import PaddleOCR
        except ImportError as exc:
            raise EngineUnavailable("paddleocr is not installed: pip install 'attest[paddle]'") from exc
        self._engine = PaddleOCR(
            text_detection_model_dir=str(model_dir / "det"),
            text_recognition_model_dir=str(model_dir / "rec"),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
        )
        self.version = f"paddleocr {metadata.version('paddleocr')}"

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        lines = self.read_lines(image)
        text = "".join(ln.text for ln in sorted(lines, key=lambda ln: ln.polygon[0][0]))
        return text, min((ln.score for ln in lines), default=0.0)

    def read_lines(self, image: np.ndarray) -> list[RawLine]:
        try:
            results = self._engine.predict(image[:, :, ::-1])
        except Exception as exc:
            raise EngineFailed(f"paddleocr failed: {exc}") from exc
        lines: list[RawLine] = []
        for res in results:
            for poly, text, score in zip(res["rec_polys"], res["rec_texts"], res["rec_scores"], strict=False):
                lines.append(RawLine([(float(x), float(y)) for x, y in poly], str(text), float(score)))
        return lines
