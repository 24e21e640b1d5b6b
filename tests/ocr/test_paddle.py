"""The optional PaddleOCR engine: never downloads; runs only with local model folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from attest.errors import EngineUnavailable
from attest.ocr import create_ocr_engine
from attest.settings import OcrSettings

from ..conftest import SAMPLES


def test_refuses_without_local_models(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="local models"):
        create_ocr_engine(OcrSettings(engine="paddleocr", paddle_model_dir=tmp_path))
    with pytest.raises(EngineUnavailable):
        create_ocr_engine(OcrSettings(engine="paddleocr"))


@pytest.mark.paddle
@pytest.mark.skipif(not os.environ.get("ATTEST_TEST_PADDLE_MODEL_DIR"), reason="no local PaddleOCR models")
def test_reads_an_invoice_with_local_models() -> None:
    engine = create_ocr_engine(
        OcrSettings(engine="paddleocr", paddle_model_dir=Path(os.environ["ATTEST_TEST_PADDLE_MODEL_DIR"]))
    )
    page = engine.read(Image.open(SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png").convert("RGB"))
    assert any("83089647" in ln.text for ln in page.lines)
