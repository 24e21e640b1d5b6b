"""Red ink per line (a seal's text): judged against the paper around it, so a seal in a shadow is still a seal
and black print in a shadow is not."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from attest.ocr.ink import annotate_red_ink
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
