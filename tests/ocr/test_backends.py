"""The OCR backend is a setting: the same PP-OCRv6 models on onnxruntime or OpenVINO, and every page says which
ran them and in what precision."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError

from attest.ocr import create_ocr_engine, warm_up
from attest.ocr.base import warm_up_page
from attest.settings import OcrSettings

REAL = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices"


def test_bf16_is_refused_for_onnxruntime() -> None:
    with pytest.raises(ValidationError, match="needs backend openvino"):
        OcrSettings(backend="onnxruntime", precision="bf16")
    assert OcrSettings(backend="openvino", precision="bf16").precision == "bf16"


@pytest.mark.slow
def test_openvino_in_f32_reads_a_real_invoice_exactly_as_onnxruntime_does() -> None:
    page = Image.open(REAL / "inv19_digital_special_2024_changzhou_hotel.png").convert("RGB")
    reference = create_ocr_engine(OcrSettings(backend="onnxruntime")).read(page)
    openvino = create_ocr_engine(OcrSettings(backend="openvino", precision="f32")).read(page)
    assert reference.backend is not None and reference.backend.startswith("onnxruntime ")
    assert openvino.backend is not None and openvino.backend.startswith("openvino ")
    assert (reference.precision, openvino.precision) == ("f32", "f32")
    assert len(reference.lines) > 30
    assert [ln.text for ln in openvino.lines] == [ln.text for ln in reference.lines]
    # The confidences agree to their rounding: the f32 hint reached the compiled models. rapidocr compiles on
    # first use, and a hint set only around construction was lost: "f32" then ran in bf16 on this AMX CPU,
    # where confidences differ by up to 0.36 and a line goes missing.
    assert max(abs(a.confidence - b.confidence) for a, b in zip(reference.lines, openvino.lines, strict=True)) < 1e-3


@pytest.mark.slow
def test_bf16_is_what_openvino_computes_in_when_asked() -> None:
    page = Image.open(REAL / "inv19_digital_special_2024_changzhou_hotel.png").convert("RGB")
    f32 = create_ocr_engine(OcrSettings(backend="openvino", precision="f32")).read(page)
    bf16 = create_ocr_engine(OcrSettings(backend="openvino", precision="bf16")).read(page)
    assert bf16.precision == "bf16"
    # The CPU may lack bf16 (then OpenVINO falls back to f32 and the pages agree): only a difference proves
    # the hint, so the assertion is about the scores where bf16 hardware exists.
    if "BF16" in _cpu_capabilities():
        assert [(ln.text, ln.confidence) for ln in bf16.lines] != [(ln.text, ln.confidence) for ln in f32.lines]


def _cpu_capabilities() -> list[str]:
    import openvino

    return list(openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES"))


def test_the_warm_up_page_really_runs_detection_and_recognition(engines) -> None:
    # A blank or unreadable warm-up page would leave the runtime cold without anyone noticing.
    page = engines.ocr.read(warm_up_page(), orient=False)
    assert len(page.lines) >= 10
    assert sum("12345" in ln.text for ln in page.lines) >= 10
    warm_up(engines.ocr)
    assert warm_up(engines.ocr) is None  # once per engine: a second context in the process does not pay again


def test_one_engine_per_configuration_per_process() -> None:
    # Every context (service, worker, each test's app) asks for an engine; each would hold its own models and
    # their working memory (about 1.3 GB after a few pages) if they were not shared.
    assert create_ocr_engine(OcrSettings()) is create_ocr_engine(OcrSettings())
    assert create_ocr_engine(OcrSettings(backend="onnxruntime")) is not create_ocr_engine(OcrSettings())


@pytest.mark.slow
def test_the_table_normalisation_feeds_the_detector_what_rapidocr_itself_would() -> None:
    """attest normalises a page for the detector by table look-up instead of rapidocr's float64 arithmetic:
    a real paper photo read through attest's reader and through rapidocr alone gives the same boxes, text and
    scores, exactly."""
    import numpy as np
    from rapidocr import RapidOCR
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from attest.ocr.rapid import RapidOcrReader

    photo = Image.open(REAL / "inv15_jiangsu_normal_2021_paper_photo.jpg").convert("RGB")
    pixels = np.asarray(photo.resize((photo.width // 2, photo.height // 2)))
    reader = RapidOcrReader(backend="onnxruntime", threads=1)
    # The detector's input itself, bit for bit (rapidocr's own detector object: its API is pinned below 4).
    det = reader._engine.text_det
    own = DetPreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)
    assert np.array_equal(det.get_preprocess()(pixels), own(pixels))
    lines = reader.read_lines(pixels)
    plain = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                             "EngineConfig.onnxruntime.intra_op_num_threads": 1})
    theirs = plain(pixels, use_det=True, use_cls=False, use_rec=True)
    assert len(lines) > 20
    assert [ln.text for ln in lines] == list(theirs.txts)
    assert [ln.score for ln in lines] == [float(s) for s in theirs.scores]
    assert [ln.polygon for ln in lines] == [[(float(x), float(y)) for x, y in box] for box in theirs.boxes]
