"""Invoices nobody here has seen, by what they print (hand-placed rows, no OCR): a roll invoice (卷票) prints the
seller above the buyer, each label naming its party; a private buyer has a name and no tax id; a red-letter
invoice prints its total in words after (负数)."""

from __future__ import annotations

from decimal import Decimal

from attest.cn.amount_words import parse_amount_words
from attest.extract.invoice import extract_invoice
from attest.schemas.ocr import OcrLine, OcrPage

SELLER, SELLER_ID = "合肥嘉禾五金制品有限公司", "91340100MA2N7HXQ2C"
BUYER, BUYER_ID = "宁波东方商贸有限公司", "91330200MA2GQ1LT5X"


def _page(rows: list[tuple[str, float, float, float]], width: int = 600, height: int = 1400) -> OcrPage:
    lines = [OcrLine(id=f"p1-l{i}", text=text, confidence=0.99,
                     polygon=[(x0, y), (x1, y), (x1, y + 22), (x0, y + 22)])
             for i, (text, x0, x1, y) in enumerate(rows)]
    return OcrPage(page=1, width=width, height=height, lines=lines, engine="t", engine_version="1")


def _roll(*, buyer_rows: list[tuple[str, float, float, float]]) -> OcrPage:
    return _page([("浙江增值税普通发票（卷票）", 120, 480, 40), ("发票代码：033002000111", 40, 400, 90),
                  ("发票号码：01234567", 40, 300, 120), ("机打号码：01234567", 40, 300, 150),
                  (f"销售方名称：{SELLER}", 40, 560, 190), (f"纳税人识别号：{SELLER_ID}", 40, 560, 220),
                  ("开票日期：2024-05-06", 40, 360, 250), ("收款员：李娜", 40, 260, 280),
                  *buyer_rows,
                  ("项目", 40, 100, 400), ("单价", 220, 280, 400), ("数量", 320, 380, 400), ("金额", 460, 520, 400),
                  ("办公用品", 40, 160, 430), ("100.00", 220, 290, 430), ("1", 330, 345, 430),
                  ("100.00", 460, 530, 430),
                  ("合计金额（小写）：¥100.00", 40, 400, 480), ("合计金额（大写）：壹佰圆整", 40, 400, 510),
                  ("校验码：12345678901234567890", 40, 500, 560)])


def test_a_roll_invoice_prints_the_seller_first() -> None:
    ev = extract_invoice(_roll(buyer_rows=[(f"购买方名称：{BUYER}", 40, 560, 310),
                                            (f"纳税人识别号：{BUYER_ID}", 40, 560, 340)]))
    assert ev.seller_name and ev.seller_name.value == SELLER
    assert ev.seller_tax_id and ev.seller_tax_id.value == SELLER_ID
    assert ev.buyer_name and ev.buyer_name.value == BUYER
    assert ev.buyer_tax_id and ev.buyer_tax_id.value == BUYER_ID


def test_a_private_buyer_has_a_name_and_no_tax_id() -> None:
    ev = extract_invoice(_roll(buyer_rows=[("购买方名称：张伟", 40, 300, 310), ("纳税人识别号：", 40, 300, 340)]))
    assert ev.buyer_name and ev.buyer_name.value == "张伟"
    assert ev.buyer_tax_id is None
    assert ev.seller_name and ev.seller_name.value == SELLER
    assert ev.seller_tax_id and ev.seller_tax_id.value == SELLER_ID


def test_a_red_letter_total_keeps_its_sign_in_words() -> None:
    rows = [("电子发票（普通发票）", 300, 700, 40), ("发票号码：24332000000012345678", 800, 1200, 60),
            ("价税合计（大写）", 60, 240, 600), ("（负数）壹佰壹拾叁圆整", 260, 560, 600),
            ("（小写）¥-113.00", 900, 1100, 600)]
    ev = extract_invoice(_page(rows, width=1300, height=900))
    assert ev.total_amount_incl_tax and ev.total_amount_incl_tax.value == Decimal("-113.00")
    assert ev.total_amount_incl_tax_cn and ev.total_amount_incl_tax_cn.value == "(负数)壹佰壹拾叁圆整"
    assert parse_amount_words(ev.total_amount_incl_tax_cn.value) == Decimal("-113.00")
