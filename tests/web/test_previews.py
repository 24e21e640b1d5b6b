"""Page pictures line up with the OCR boxes drawn over them: same geometry as the page the OCR read, for a
photo turned sideways and for a multi-page PDF; a missing picture is drawn on request, and an unknown page or
document id is refused."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from attest.pipeline import Engines, ProcessOptions, process_document
from attest.settings import Settings
from attest.store.previews import get_preview, preview_path, write_previews
from eval.render.degrade import degrade
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth
from eval.synth import TODAY

from ..conftest import SAMPLES


def _aspect(data: bytes) -> float:
    img = Image.open(io.BytesIO(data))
    return img.width / img.height


@pytest.mark.slow
def test_pictures_have_the_geometry_the_boxes_were_read_in(engines: Engines, tmp_path: Path) -> None:
    rng = random.Random(5)
    sideways = degrade(render_invoice(make_truth(rng, TODAY), rng), "turn90", rng)
    settings = Settings(data_dir=tmp_path)
    pdf = (SAMPLES / "inv18_digital_normal_transport_discount.pdf").read_bytes()
    for name, data in [("sideways.jpg", sideways), ("inv18.pdf", pdf)]:
        result = process_document(data, name, engines=engines, options=ProcessOptions(today=TODAY))
        write_previews(tmp_path, f"doc_{name[:3]}", data, result, settings)
        for page in result.ocr:
            full = preview_path(tmp_path, f"doc_{name[:3]}", page.page, "full").read_bytes()
            thumb = preview_path(tmp_path, f"doc_{name[:3]}", page.page, "thumb").read_bytes()
            assert abs(_aspect(full) - page.width / page.height) < 0.01, (name, page.rotation)
            assert max(Image.open(io.BytesIO(thumb)).size) <= 240
        if name == "sideways.jpg":
            assert result.ocr[0].rotation in (90, 270)  # it was read turned, and the picture is turned too
            assert result.ocr[0].width > result.ocr[0].height


def test_missing_pictures_are_drawn_and_bad_ids_refused(engines: Engines, tmp_path: Path) -> None:
    data = (SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png").read_bytes()
    result = process_document(data, "inv06.png", engines=engines, options=ProcessOptions(today=TODAY))
    settings = Settings(data_dir=tmp_path)
    calls = []

    def load() -> tuple[bytes, object]:
        calls.append(1)
        return data, result

    first = get_preview(tmp_path, "doc_1", 1, "full", load, settings)  # type: ignore[arg-type]
    again = get_preview(tmp_path, "doc_1", 1, "full", load, settings)  # type: ignore[arg-type]
    assert first and first == again and len(calls) == 1  # drawn once, then read from the cache
    assert get_preview(tmp_path, "doc_2", 9, "full", load, settings) is None  # type: ignore[arg-type]
    for bad in ("../etc", "doc_1/../../x", ""):
        with pytest.raises(ValueError):
            preview_path(tmp_path, bad, 1, "full")
