"""The goods table when a note across the page hid part of its header: 金额 placed from what was read around
it, and a count standing where 数量 was not read is still the count (a unit is never a bare number)."""

from __future__ import annotations

from decimal import Decimal

from attest.extract.invoice import extract_invoice
from attest.schemas.ocr import OcrLine, OcrPage


def _page(cells: list[tuple[str, float, float, float]]) -> OcrPage:
    lines = [OcrLine(id=f"p1-l{i}", text=text, confidence=0.99,
                     polygon=[(x0, y), (x1, y), (x1, y + 18), (x0, y + 18)])
             for i, (text, x0, x1, y) in enumerate(cells)]
    return OcrPage(page=1, width=940, height=530, lines=lines, engine="t", engine_version="1")


HEADER_WITHOUT_PRICE_AND_QTY = [  # 数量 and 单价 under the note; of 金额 only 金 read
    ("项目名称", 127, 185, 228), ("规格型号", 302, 358, 228), ("单位", 385, 416, 229), ("金", 671, 701, 229),
    ("税率", 764, 794, 230), ("税额", 869, 899, 230),
]
ROW = [("*现代服务*咨询服务费", 74, 194, 250), ("12", 471, 488, 251), ("59410.80", 678, 728, 251),
       ("1%", 755, 777, 251), ("594.11", 874, 913, 251)]
TOTALS = [("合", 117, 134, 326), ("计", 176, 196, 326), ("¥59410.80", 670, 729, 325), ("¥594.11", 869, 914, 325)]


def test_amount_column_is_the_header_text_nearest_the_rate_and_a_bare_number_is_the_count() -> None:
    ev = extract_invoice(_page(HEADER_WITHOUT_PRICE_AND_QTY + ROW + TOTALS))
    assert len(ev.items) == 1
    item = ev.items[0]
    assert item.qty is not None and item.qty.value == Decimal("12")
    assert item.unit is None
    assert item.amount is not None and item.amount.value == Decimal("59410.80")
    assert item.tax is not None and item.tax.value == Decimal("594.11")
    assert ev.total_amount_excl_tax is not None and ev.total_amount_excl_tax.value == Decimal("59410.80")
    assert ev.total_tax is not None and ev.total_tax.value == Decimal("594.11")


def test_amount_column_stands_between_price_and_rate_when_nothing_was_read_there() -> None:
    header = [("项目名称", 127, 185, 228), ("数量", 440, 470, 229), ("单价", 524, 562, 228),
              ("税率", 764, 794, 230), ("税额", 869, 899, 230)]
    row = [("*现代服务*咨询服务费", 74, 194, 250), ("12", 471, 488, 251), ("4950.9", 577, 620, 251),
           ("59410.80", 678, 728, 251), ("1%", 755, 777, 251), ("594.11", 874, 913, 251)]
    ev = extract_invoice(_page(header + row + TOTALS))
    item = ev.items[0]
    assert item.unit_price is not None and item.unit_price.value == Decimal("4950.9")
    assert item.amount is not None and item.amount.value == Decimal("59410.80")
