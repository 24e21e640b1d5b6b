"""Layout helpers on hand-placed lines: the situations OCR produces on real invoices."""

from __future__ import annotations

import re
from decimal import Decimal

from attest.extract.invoice.items import _merged_qty_price, _unstack
from attest.layout.geometry import Box, Line, page_skew, rows
from attest.layout.normalize import digits_only, find_money, normalize
from attest.layout.pairing import find_value, labels, value_for
from attest.schemas.ocr import OcrLine


def line(text: str, x0: float, y0: float, x1: float, y1: float, id_: str | None = None) -> Line:
    return Line(id_ or text, normalize(text), Box(x0, y0, x1, y1), 0.99, text)


STOP = re.compile("纳税人识别号|名称:|开票人")


def test_normalize_width_punctuation_and_cjk_spacing() -> None:
    assert normalize("名　　称：江苏（南京）公司") == "名称:江苏(南京)公司"
    assert normalize("地 址、电 话:") == "地址、电话:"
    assert normalize("电⼦发票") == "电子发票"  # Kangxi radical from a PDF font
    assert normalize("No 45038815") == "No 45038815"  # spaces between Latin and digits stay


def test_digit_confusions_only_where_numeric() -> None:
    assert digits_only("O33OO2OOO211") == "033002000211"
    assert digits_only("16197 83356 74145 07415") == "16197833567414507415"
    assert find_money("¥5,608.00") == ["5608.00"]
    assert find_money("(小写)¥-90.87") == ["-90.87"]


def test_label_split_over_two_boxes() -> None:
    lines = [line("名", 120, 300, 160, 340), line("称：江苏京利华新材料有限公司", 270, 300, 700, 340)]
    hit = find_value(lines, re.compile("^名称:?|^称:"), stop=STOP)
    assert hit is not None and hit.text == "江苏京利华新材料有限公司"


def test_value_to_the_right_skips_a_lone_mark_and_joins_a_gapped_value() -> None:
    lines = [
        line("价税合计(大写)", 90, 776, 288, 813), line("X", 557, 783, 583, 805),
        line("壹万肆仟肆佰贰拾贰圆", 584, 778, 900, 811), line("伍角叁分", 930, 778, 1050, 811),
        line("(小写)¥14422.53", 1293, 778, 1510, 812),
    ]
    hit = find_value(lines, re.compile("价税合计"), value=re.compile("[壹贰叁肆伍]"), stop=re.compile("小写"))
    assert hit is not None
    assert hit.text == "壹万肆仟肆佰贰拾贰圆 伍角叁分"
    assert [ln.id for ln in hit.lines] == ["壹万肆仟肆佰贰拾贰圆", "伍角叁分"]


def test_value_never_runs_into_the_next_label() -> None:
    buyer = line("名称:", 100, 300, 180, 340)
    lines = [buyer, line("名称:滴滴出行科技有限公司", 1000, 300, 1400, 340)]
    (first, match), (second, match2) = labels(lines, re.compile("^名称:?"))
    assert first is buyer
    assert value_for(first, match, lines, stop=STOP) is None  # the buyer's empty box stays empty
    hit = value_for(second, match2, lines, stop=STOP)
    assert hit is not None and hit.text == "滴滴出行科技有限公司"


def test_value_below_the_label() -> None:
    lines = [line("机器编号：", 151, 429, 221, 454), line("517003102400", 153, 449, 289, 472)]
    hit = find_value(lines, re.compile("机器编号:?"), value=re.compile(r"\d{9,}"), below=True)
    assert hit is not None and hit.text == "517003102400"


def test_rows_do_not_chain_neighbouring_rows() -> None:
    a = [line(f"a{i}", 100, 500 + 44 * i, 300, 537 + 44 * i) for i in range(4)]
    tall = line("tall", 400, 520, 430, 580)  # a box straddling two printed rows
    grouped = rows([*a, tall])
    assert len(grouped) == 4


def test_stacked_single_characters_are_split() -> None:
    pieces = _unstack(line("件项", 745, 509, 792, 600))
    assert [p.text for p in pieces] == ["件", "项"]
    assert pieces[0].box.y1 <= pieces[1].box.y0 + 1


def test_merged_quantity_and_price_split_by_arithmetic() -> None:
    assert _merged_qty_price("3158.415841584158", Decimal("475.25")) == ("3", "158.415841584158")
    assert _merged_qty_price("12.5", Decimal("999")) is None


def test_page_skew_from_long_lines() -> None:
    def tilted(i: int) -> OcrLine:
        return OcrLine(id=str(i), text="x" * 20, confidence=1.0,
                       polygon=[(100, 100 + 50 * i), (900, 135 + 50 * i), (900, 165 + 50 * i), (100, 130 + 50 * i)])
    assert abs(page_skew([tilted(i) for i in range(5)]) - 2.5) < 0.1


def test_value_wrapped_inside_its_box() -> None:
    lines = [
        line("名称:中国移动通信集团广东有限公司河源", 51, 165, 420, 184),
        line("分公司", 51, 188, 110, 206),
        line("统一社会信用代码/纳税人识别号:91441600707924573M", 49, 215, 455, 235),
    ]
    (label_line, m), = labels(lines, re.compile("^名称:?"))
    hit = value_for(label_line, m, lines, stop=STOP, wrap=True)
    assert hit is not None and hit.text == "中国移动通信集团广东有限公司河源分公司"
    assert value_for(label_line, m, lines, stop=STOP).text == "中国移动通信集团广东有限公司河源"  # type: ignore[union-attr]
