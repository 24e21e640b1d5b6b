"""Shop signs nobody here has seen, by what they print (hand-placed boxes, no OCR): an owner's mark before the
name, business words on a line under it, a Latin brand alone."""

from __future__ import annotations

from attest.extract.shop import extract_shop
from attest.schemas.ocr import OcrLine, OcrPage


def _page(*boxes: tuple[str, float, float, float, float]) -> OcrPage:
    lines = [OcrLine(id=f"p1-l{i}", text=t, confidence=0.95, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
             for i, (t, x0, y0, x1, y1) in enumerate(boxes)]
    return OcrPage(page=1, width=1600, height=1200, lines=lines, engine="t", engine_version="1")


def _name(*boxes: tuple[str, float, float, float, float]) -> str | None:
    ev = extract_shop(_page(*boxes), {})
    return ev.shop_name.value if ev.shop_name else None


def test_an_owner_mark_left_of_the_name_or_above_it_is_part_of_the_name() -> None:
    # Smaller, lower and touching the name's box on the left; or above the name's start.
    assert _name(("嘉禾家电维修", 363, 142, 1324, 359), ("阿强", 211, 236, 392, 336),
                 ("电话：18309082237", 591, 308, 987, 370)) == "阿强嘉禾家电维修"
    assert _name(("孙记", 499, 130, 643, 212), ("锦程快餐", 545, 161, 1078, 341)) == "孙记锦程快餐"
    # A word of two characters that is no owner's mark stays out (`欢迎` over the name).
    assert _name(("欢迎", 499, 130, 643, 212), ("锦程快餐", 545, 161, 1078, 341)) == "锦程快餐"


def test_business_words_on_the_line_under_the_name_are_part_of_it() -> None:
    assert _name(("金太阳", 560, 60, 1040, 200), ("艺术教育", 600, 215, 1000, 290)) == "金太阳艺术教育"
    assert _name(("锦江", 600, 60, 1000, 200), ("大酒店", 640, 215, 960, 290)) == "锦江大酒店"


def test_a_latin_brand_alone_is_the_name() -> None:
    assert _name(("Sunny  Cafe", 300, 180, 1240, 380), ("OPEN", 100, 700, 200, 740)) == "Sunny Cafe"
