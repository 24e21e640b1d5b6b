"""onnxruntime's memory arena (`ocr.memory_arena`) is a speed setting only: it reaches the onnxruntime sessions,
and a real invoice reads the same, line for line and box for box, with it on and off."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.ocr import create_ocr_engine
from attest.ocr.rapid import RapidOcrReader
from attest.settings import OcrSettings

from ..conftest import SAMPLES


def _arena_of(reader: RapidOcrReader) -> set[bool]:
    # The reader has rapidocr build its sessions at construction; each wraps an onnxruntime InferenceSession.
    engine = reader._engine  # the one place that says which options onnxruntime really got
    return {part.session.session.get_session_options().enable_cpu_mem_arena
            for part in (engine.text_det, engine.text_rec)}


def test_arena_setting_reaches_onnxruntime_and_changes_nothing_read() -> None:
    page = Image.open(SAMPLES / "inv14_digital_normal_2023_cmcc_heyuan.jpg").convert("RGB")
    readings = {}
    for arena in (False, True):
        engine = create_ocr_engine(OcrSettings(backend="onnxruntime", threads=1, memory_arena=arena))
        ocr_page = engine.read(page)
        reader = engine.reader
        assert isinstance(reader, RapidOcrReader)
        assert _arena_of(reader) == {arena}
        readings[arena] = [(line.text, np.round(line.polygon, 1).tolist()) for line in ocr_page.lines]
    assert len(readings[True]) > 20  # a whole invoice was read, not an empty page
    assert readings[True] == readings[False]
