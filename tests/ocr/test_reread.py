"""Reading a sign again at a larger scale (attest/ocr/reread.py), with the real recognizer: business words set
small and faint under the name (white on a yellow board) are found in the band under it; an unsure line is
replaced only by a surer reading; a board with nothing under its name gains nothing."""

from __future__ import annotations

from PIL import Image, ImageDraw

from attest.cn.fonts import cjk_font
from attest.ocr.reread import read_sign_band, reread_unsure
from attest.pipeline import Engines
from attest.schemas.ocr import OcrLine, OcrPage

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _board(under: str) -> Image.Image:
    picture = Image.new("RGB", (1600, 1200), (230, 170, 180))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((140, 140, 1400, 430), fill=(250, 215, 20))
    draw.text((770, 230), "嘉禾", font=cjk_font(FONT, 110), fill=(255, 255, 235), anchor="mm")
    if under:
        draw.text((770, 320), under, font=cjk_font(FONT, 44), fill=(255, 255, 240), anchor="mm")
    return picture


def _page(text: str, box: tuple[int, int, int, int], confidence: float = 1.0) -> OcrPage:
    x0, y0, x1, y1 = box
    line = OcrLine(id="p1-l0", text=text, confidence=confidence, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    return OcrPage(page=1, width=1600, height=1200, lines=[line], engine="t", engine_version="1")


def test_faint_business_words_under_the_name_are_found(engines: Engines) -> None:
    page = read_sign_band(_page("嘉禾", (660, 170, 880, 290)), _board("艺术教育"), engines.ocr)
    assert [ln.text for ln in page.lines] == ["嘉禾", "艺术教育"]
    added = page.lines[1]
    assert added.bbox[1] >= 290 and added.confidence >= 0.8  # under the name, where it was printed


def test_a_board_with_nothing_under_its_name_gains_nothing(engines: Engines) -> None:
    page = _page("嘉禾", (660, 170, 880, 290))
    assert read_sign_band(page, _board(""), engines.ocr) is page


def test_an_unsure_line_is_replaced_only_by_a_surer_reading(engines: Engines) -> None:
    picture = _board("")
    unsure = _page("嘉木", (660, 170, 880, 290), confidence=0.6)
    assert [(ln.text, ln.confidence > 0.9) for ln in reread_unsure(unsure, picture, engines.ocr).lines] == [
        ("嘉禾", True)]
    sure = _page("嘉禾", (660, 170, 880, 290), confidence=0.99)
    assert reread_unsure(sure, picture, engines.ocr) is sure  # read sure: not read again
