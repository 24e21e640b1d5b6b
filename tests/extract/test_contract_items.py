"""A contract's price table: header columns (one printed on two lines and naming no known column), names
wrapped in their cell, rows down to the totals; the real 16-page scan's table read exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from attest.extract.contract_items import read_contract_items
from attest.extract.flat import flat_fields
from attest.pipeline import Engines, ProcessOptions, process_document

from ..layout.test_layout import line

REAL = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "contracts"

HEADER = [line("标的物", 238, 893, 361, 948), line("品牌", 463, 890, 554, 949), line("型号", 689, 890, 775, 943),
          line("生产", 908, 846, 999, 905), line("厂家", 908, 926, 1000, 986), line("单位", 1048, 887, 1134, 942),
          line("数量", 1175, 887, 1265, 941), line("不含税单价", 1320, 885, 1502, 936),
          line("金额", 1628, 881, 1721, 941)]
ROW = [line("纯电动搅拌车", 191, 1001, 407, 1051), line("比亚迪牌", 436, 1027, 584, 1076),
       line("BYD5310GJBEV3", 615, 1027, 850, 1072), line("比亚迪", 895, 1021, 1011, 1072),
       line("台", 1068, 1024, 1112, 1072), line("100", 1185, 1023, 1256, 1071),
       line("910619.47", 1330, 1023, 1495, 1067), line("91061947", 1600, 1018, 1750, 1067),
       line("（4轴）", 242, 1052, 358, 1108)]
TOTALS = [line("不含税金额", 518, 1226, 699, 1274), line("91061947", 1577, 1221, 1775, 1263)]


def test_a_row_with_a_wrapped_name_under_a_header_with_an_unknown_column() -> None:
    items = read_contract_items(HEADER + ROW + TOTALS)
    assert len(items) == 1
    it = items[0]
    assert it.name and it.name.value == "纯电动搅拌车(4轴)"
    assert (it.brand and it.brand.value, it.model and it.model.value, it.unit and it.unit.value) == (
        "比亚迪牌", "BYD5310GJBEV3", "台")   # 比亚迪 (生产厂家) is in no one's cell
    assert (it.qty and it.qty.value, it.unit_price and it.unit_price.value, it.amount and it.amount.value) == (
        Decimal("100"), Decimal("910619.47"), Decimal("91061947"))


def test_no_table_and_clause_text_below_a_table_are_no_items() -> None:
    clauses = [line("甲方向乙方采购100台纯电搅拌车，合同总价为274728000.80元。", 150, 700, 1800, 750)]
    assert read_contract_items(clauses) == []
    after = [line("本合同所述纯电动重卡，包括但不限于以上车型，乙方将会以价格说明函的形式于每月10",
                  253, 1400, 1818, 1450)]
    assert len(read_contract_items(HEADER + ROW + after)) == 1


@pytest.mark.slow
def test_the_real_scanned_contract_price_table(engines: Engines) -> None:
    want = next(e for e in json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
                if e["file"].startswith("ct01"))["fields"]["line_items"]
    data = (REAL / "ct01_ev_truck_purchase_sichuan_byd_2023_scan.pdf").read_bytes()
    result = process_document(data, "ct01.pdf", engines=engines, options=ProcessOptions())
    assert result.contract is not None
    got = flat_fields(result)["items"]
    paren = str.maketrans("（）", "()")
    assert [{"name": w["name"].translate(paren), "brand": w["brand"], "model": w["model"], "unit": w["unit"],
             "qty": w["qty"], "unit_price": w["unit_price_excl_tax"], "amount": w["amount_excl_tax"]}
            for w in want] == got


def test_a_first_row_printed_close_under_the_header_is_a_row() -> None:
    # Boxes as read from a photographed synthetic contract: rows barely taller than their letters, so the first
    # row's amount lies in the header's band. It is a figure, and it starts below the header: a row.
    header = [line("序号", 174, 895, 249, 941), line("产品名称", 329, 896, 460, 938),
              line("规格型号", 569, 894, 698, 935), line("单位", 759, 892, 830, 934), line("数量", 873, 891, 945, 933),
              line("单价(元)", 1007, 889, 1127, 935), line("金额(元)", 1205, 889, 1323, 931)]
    first = [line("1", 199, 961, 224, 994), line("不锈钢螺丝", 317, 956, 471, 993),
             line("M6x30", 581, 957, 685, 992), line("盒", 771, 953, 814, 993), line("5", 894, 954, 924, 989),
             line("99,257.40", 998, 952, 1140, 989), line("496,287.00", 1187, 950, 1344, 987)]
    second = [line("2", 197, 1018, 227, 1053), line("大米", 357, 1011, 432, 1056), line("25kg", 594, 1011, 676, 1056),
              line("袋", 771, 1009, 816, 1052), line("20", 887, 1012, 931, 1049),
              line("64,430.05", 998, 1009, 1141, 1049), line("1,288,601.00", 1176, 1008, 1356, 1048)]
    totals = [line("合计", 176, 1071, 249, 1116), line("1,784,888.00", 1175, 1066, 1356, 1106)]
    items = read_contract_items(header + first + second + totals)
    assert [(it.name and it.name.value, it.qty and str(it.qty.value), it.amount and str(it.amount.value))
            for it in items] == [("不锈钢螺丝", "5", "496287.00"), ("大米", "20", "1288601.00")]
