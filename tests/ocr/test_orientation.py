"""Whole-page rotation: a page photographed sideways or upside down is turned upright before reading."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from attest.pipeline import process_document

from ..conftest import SAMPLES


@pytest.mark.slow
@pytest.mark.parametrize("ccw", [90, 180, 270])
def test_turned_page_is_read_upright(ccw: int, engines, options) -> None:
    img = Image.open(SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png").convert("RGB").rotate(ccw, expand=True)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    result = process_document(buf.getvalue(), "turned.png", engines=engines, options=options)
    assert result.ocr[0].rotation == ccw  # turned back clockwise by as much as it was turned away
    assert result.invoice is not None and result.invoice.invoice_number is not None
    assert result.invoice.invoice_number.value == "83089647"
    assert result.invoice.total_amount_incl_tax is not None


def test_concurrent_reads_agree(engines) -> None:
    from concurrent.futures import ThreadPoolExecutor

    img = Image.open(SAMPLES / "inv14_digital_normal_2023_cmcc_heyuan.jpg").convert("RGB")
    with ThreadPoolExecutor(max_workers=3) as pool:
        pages = list(pool.map(lambda _: engines.ocr.read(img), range(3)))
    texts = [[ln.text for ln in p.lines] for p in pages]
    assert texts[0] == texts[1] == texts[2]
    assert pages[0].engine == "rapidocr" and "PP-OCRv6" in pages[0].engine_version


def test_single_line_reading_leaves_page_reading_intact(engines) -> None:
    """rapidocr keeps call options as state; reading a seal strip must not switch detection off."""
    img = Image.open(SAMPLES / "inv14_digital_normal_2023_cmcc_heyuan.jpg").convert("RGB")
    before = [ln.text for ln in engines.ocr.read(img).lines]
    text, score = engines.ocr.read_line(img.crop((700, 40, 930, 70)))
    assert "发票号码" in text and score > 0.5
    assert [ln.text for ln in engines.ocr.read(img).lines] == before
