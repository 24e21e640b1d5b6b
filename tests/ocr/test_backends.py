"""The OCR backend is a setting: the same PP-OCRv6 models on onnxruntime or OpenVINO, and every page says which
ran them and in what precision."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError

from attest.layout.normalize import squash
from attest.ocr import create_ocr_engine
from attest.schemas.ocr import OcrPage
from attest.settings import OcrSettings

REAL = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices"


def test_bf16_is_refused_for_onnxruntime() -> None:
    with pytest.raises(ValidationError, match="needs backend openvino"):
        OcrSettings(backend="onnxruntime", precision="bf16")
    assert OcrSettings(backend="openvino", precision="bf16").precision == "bf16"


@pytest.mark.slow
def test_openvino_in_f32_reads_a_real_invoice_as_onnxruntime_does(engines) -> None:
    page = Image.open(REAL / "inv19_digital_special_2024_changzhou_hotel.png").convert("RGB")
    reference = engines.ocr.read(page)
    openvino = create_ocr_engine(OcrSettings(backend="openvino", precision="f32")).read(page)
    assert reference.backend is not None and reference.backend.startswith("onnxruntime ")
    assert openvino.backend is not None and openvino.backend.startswith("openvino ")
    assert (reference.precision, openvino.precision) == ("f32", "f32")
    # Not bit for bit: OpenVINO's f32 kernels sum in another order, and a colon on the edge between its
    # full- and half-width forms can tip (seen: `银行账号：` for `银行账号:`). What the readers compare is the same.
    def texts(page: OcrPage) -> list[str]:
        return [squash(ln.text) for ln in page.lines]

    assert len(reference.lines) > 30
    assert texts(openvino) == texts(reference)
