"""The in-process worker's threads each read with an OCR engine of their own on their share of the cores, unless
the settings fix a thread count (then one engine is shared, as configured)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from attest.settings import OcrSettings, Settings
from attest.worker.build import build_context, lane_ocr, ocr_lanes


def test_lanes_split_the_cores_only_when_the_backend_was_left_to_decide() -> None:
    cores = os.cpu_count() or 1
    assert lane_ocr(OcrSettings(), 2).threads == max(1, cores // 2)
    fixed = OcrSettings(threads=2)
    assert lane_ocr(fixed, 2) is fixed  # an operator's choice stands
    alone = OcrSettings()
    assert lane_ocr(alone, 1) is alone  # one thread of work: one engine on every core


@pytest.mark.slow
def test_each_worker_thread_gets_its_own_warm_engine(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    ocr = lane_ocr(settings.ocr, 2)
    ctx = build_context(settings.model_copy(update={"ocr": ocr}))
    lanes = ocr_lanes(ctx, 2, separate=True)
    first, second = (lane.engines.ocr for lane in lanes)
    assert first is not second and first.warm and second.warm
    assert lanes[0].db is lanes[1].db and lanes[0].patterns is lanes[1].patterns  # only the engine differs
    shared = ocr_lanes(ctx, 2, separate=False)
    assert shared[0].engines.ocr is shared[1].engines.ocr
    ctx.db.engine.dispose()
