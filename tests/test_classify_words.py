"""The classifier on what pages print (hand-placed rows, no OCR): agreements are contracts, whatever they discuss."""

from __future__ import annotations

import numpy as np
from PIL import Image

from attest.classify import classify
from attest.schemas.ocr import OcrLine, OcrPage


def _page(*texts: str) -> OcrPage:
    lines = [OcrLine(id=f"p1-l{i}", text=t, confidence=0.98,
                     polygon=[(100, 100 + 50 * i), (1400, 100 + 50 * i), (1400, 140 + 50 * i), (100, 140 + 50 * i)])
             for i, t in enumerate(texts)]
    return OcrPage(page=1, width=1654, height=2339, lines=lines, engine="t", engine_version="1")


def test_an_agreement_titled_xieyi_is_a_contract() -> None:
    page = _page("合作协议书", "甲方：杭州市餐饮行业协会", "乙方：王建国", "经双方协商，达成如下协议：",
                 "本协议自双方签字之日起生效。")
    assert classify([page]).kind == "contract"


def test_an_agreement_about_invoices_and_accounts_is_still_a_contract() -> None:
    # A framework agreement that prints the invoice's and the statement's words in its own clauses: both kinds
    # reach their full score; the agreement prints more of its own vocabulary, so it is a contract.
    page = _page("框架协议", "甲方（委托方）：成都市人民政府办公室", "乙方（受托方）：成都锦程信息技术有限公司",
                 "第一条 乙方按月开具增值税专用发票，注明发票代码、发票号码、开票日期、税率、税额及价税合计，",
                 "购买方为甲方，销售方为乙方，纳税人识别号以营业执照为准。",
                 "第二条 甲方按月支付，双方核对交易明细与账户余额。",
                 "第三条 违约责任：……争议由双方协商解决，协商不成的，依法履行。", "本协议经双方签字盖章后生效。")
    result = classify([page])
    assert result.kind == "contract", result.reasons


def test_an_invoice_that_prints_a_contract_number_is_an_invoice() -> None:
    page = _page("电子发票（增值税专用发票）", "发票号码：24332000000012345678", "开票日期：2024年05月06日",
                 "购买方 名称：杭州瑞丰贸易有限公司", "销售方 名称：宁波恒通五金制品有限公司", "税率 13% 税额 130.00",
                 "价税合计（大写）壹仟壹佰叁拾圆整", "备注：合同编号HT-2024-001", "开票人：李娜")
    assert classify([page]).kind == "invoice"


def test_the_top_band_of_an_invoice_is_an_invoice() -> None:
    # Only the title, the code and the number in frame (a paper invoice prints them unlabelled, `No` before the
    # number); the rest is bedspread. The heading names an invoice: the picture's colours do not make it a shop.
    page = _page("浙江增值税普通发票", "033002000111", "No 01234567", "发票联")
    rng = np.random.default_rng(3)
    cloth = np.kron(rng.integers(0, 255, (24, 33, 3)), np.ones((70, 50, 1))).astype(np.uint8)  # a patterned spread
    cloth[:300, 80:1500] = 250  # the band of paper at the top
    result = classify([page], [Image.fromarray(cloth)])
    assert result.kind == "invoice", result.reasons
    # A sign that offers invoices is no invoice: the heading must name one (增值税, 电子, 普通 … 发票).
    shop = classify([_page("代开发票", "打印复印")], [Image.fromarray(cloth)])
    assert shop.kind != "invoice", shop.reasons


def test_a_latin_brand_alone_on_a_storefront_is_a_shop() -> None:
    rng = np.random.default_rng(5)
    street = np.kron(rng.integers(0, 255, (24, 32, 3)), np.ones((50, 50, 1))).astype(np.uint8)
    page = _page("GOODLUCK")
    assert classify([page], [Image.fromarray(street)]).kind == "shop_photo"
