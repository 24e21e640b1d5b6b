"""Red ink per line (a seal's text): judged against the paper around it, so a seal in a shadow is still a seal
and black print in a shadow is not."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from attest.extract.seal import read_seals
from attest.ocr.ink import annotate_red_ink, seal_blobs
from attest.ocr.under_seals import read_under_seals
from attest.schemas.ocr import OcrLine, OcrPage
from eval.render.hard import FONT


def _page_with(text_colour: tuple[int, int, int], shade: float) -> tuple[OcrPage, Image.Image]:
    img = Image.new("RGB", (400, 100), (250, 250, 246))
    ImageDraw.Draw(img).text((20, 30), "发票专用章", font=ImageFont.truetype(FONT, 40), fill=text_colour)
    img = Image.fromarray((np.asarray(img, dtype=np.float32) * shade).astype(np.uint8))
    line = OcrLine(id="p1-l0", text="发票专用章", confidence=0.99, polygon=[(15, 25), (230, 25), (230, 80), (15, 80)])
    return OcrPage(page=1, width=400, height=100, lines=[line], engine="t", engine_version="1"), img


def test_a_seal_in_full_light_and_in_a_shadow_is_red_and_black_print_is_not() -> None:
    for shade in (1.0, 0.55):
        seal, img = _page_with((200, 30, 30), shade)
        annotate_red_ink(seal, img)
        assert seal.lines[0].red_ink > 0.6, shade
        black, img = _page_with((25, 25, 25), shade)
        annotate_red_ink(black, img)
        assert black.lines[0].red_ink < 0.1, shade


def _licence_corner(*, faded: bool) -> Image.Image:
    """A licence's bottom right: 登记机关, the date, the registry seal over the date's day, an emblem above."""
    from eval.render.seal import draw_round_seal

    img = Image.new("RGB", (900, 700), (250, 250, 246))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    d.ellipse((60, 40, 200, 180), fill=(210, 30, 30))                 # a solid red emblem
    d.text((120, 420), "登记机关", font=font, fill=(30, 30, 30))
    d.text((380, 520), "2018年06月05日", font=font, fill=(30, 30, 30))
    draw_round_seal(img, (600, 470), 120, "新郑市市场监督管理局", random.Random(3), faded=faded)
    return img


def test_a_seal_ring_is_a_seal_and_a_solid_emblem_is_not() -> None:
    blobs = seal_blobs(_licence_corner(faded=False))
    assert len(blobs) == 1
    x0, y0, x1, y1 = blobs[0]
    assert 460 <= x0 <= 500 and 700 <= x1 <= 740 and 330 <= y0 <= 370 and 570 <= y1 <= 610


def test_a_faded_pink_seal_is_found_and_its_ring_read(engines) -> None:
    seals = read_seals(_licence_corner(faded=True), engines.ocr)
    assert [s.text for s in seals] == ["新郑市市场监督管理局"]


def test_the_day_under_a_seal_is_read_though_the_rest_of_the_date_was(engines) -> None:
    img = _licence_corner(faded=False)
    # What the first pass read: the label and the date up to the month; the seal hid the day.
    read = [OcrLine(id="p1-l0", text="登记机关", confidence=0.99,
                    polygon=[(118, 418), (242, 418), (242, 452), (118, 452)]),
            OcrLine(id="p1-l1", text="2018年06月", confidence=0.99,
                    polygon=[(378, 518), (545, 518), (545, 552), (378, 552)])]
    page = OcrPage(page=1, width=900, height=700, lines=read, engine="t", engine_version="1")
    out = read_under_seals(page, img, engines.ocr)
    assert any("05" in ln.text for ln in out.lines[2:]), [ln.text for ln in out.lines]
    untouched = OcrPage(page=1, width=900, height=700, engine="t", engine_version="1", lines=[*read, OcrLine(
        id="p1-l2", text="05日", confidence=0.99, polygon=[(545, 518), (610, 518), (610, 552), (545, 552)])])
    assert read_under_seals(untouched, img, engines.ocr) is untouched   # all the print read: no second look
