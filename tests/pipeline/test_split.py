"""Several invoices in one file: every invoice found, none merged, none counted twice; a sales-list page stays
with its invoice. Built from real e-invoice PDFs merged into one file, as merchants download them in batches."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from attest.pipeline import Engines, assess_application, process_document
from attest.pipeline.split import contract_groups, invoice_groups
from attest.schemas.decision import MerchantProfile
from attest.schemas.ocr import OcrLine, OcrPage
from attest.score import load_policy
from eval.realdocs import field_hits

from ..api.conftest import serve, sqlite_settings, wait_decided
from ..conftest import merged_pdf

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices"
MERGED = ["inv16_shanghai_e_normal_catering.pdf", "inv18_digital_normal_transport_discount.pdf",
          "inv19_digital_special_2024_changzhou_hotel.pdf", "inv16_shanghai_e_normal_catering.pdf"]
pytestmark = pytest.mark.skipif(not (BUNDLED / "originals" / MERGED[0]).exists(), reason="bundled PDFs missing")


def _merged() -> bytes:
    return merged_pdf([BUNDLED / "originals" / name for name in MERGED])


def _labels() -> dict[str, dict]:
    return {Path(e["file"]).stem: e["fields"]
            for e in json.loads((BUNDLED / "labels.json").read_text(encoding="utf-8"))}


def test_each_invoice_of_a_merged_file_is_its_own_document(engines: Engines) -> None:
    result = process_document(_merged(), "batch.pdf", engines=engines)
    assert [p.page_span for p in result.parts] == [[1], [2], [3]]  # page 4 repeats page 1's invoice
    assert [p.document_id for p in result.parts] == [f"{result.document_id}:{n}" for n in (1, 2, 3)]
    labels = _labels()
    for part, name in zip(result.parts, MERGED, strict=False):
        hits = field_hits("invoice", {k: v for k, v in _flat(part).items()}, labels[Path(name).stem])
        assert all(hits.values()), (name, [k for k, ok in hits.items() if not ok])
    for part in result.parts:  # each part's findings name the part, so the score weighs them on its invoice
        assert part.checks and all(r.document == part.document_id for c in part.checks for r in c.refs)
    repeated = [c for c in result.checks if c.code == "document.repeated_invoice"]
    assert len(repeated) == 1 and repeated[0].details["pages"] == "4"
    assert result.invoice is None and result.units() == result.parts


def _with_sales_list() -> bytes:
    """inv09 carries its 销货清单 as Pages/Page_1 without listing it; listed, the file is invoice + list."""
    source = BUNDLED / "originals" / "inv09_zhejiang_e_normal_2022_ofd.ofd"
    with zipfile.ZipFile(source) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    entries["Doc_0/Document.xml"] = entries["Doc_0/Document.xml"].replace(
        b'<ofd:Page BaseLoc="Pages/Page_0/Content.xml" ID="2"/>',
        b'<ofd:Page BaseLoc="Pages/Page_0/Content.xml" ID="2"/><ofd:Page BaseLoc="Pages/Page_1/Content.xml" ID="3"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in entries.items():
            z.writestr(name, body)
    return out.getvalue()


def test_a_sales_list_page_stays_with_its_invoice(engines: Engines) -> None:
    result = process_document(_with_sales_list(), "invoice-and-list.ofd", engines=engines)
    assert result.pages == 2 and result.parts == []  # one invoice: the list page is part of it
    assert result.invoice is not None and result.invoice.invoice_number.value == "99934328"  # type: ignore[union-attr]


def test_the_assessment_counts_every_invoice_of_the_file_once(engines: Engines) -> None:
    result = process_document(_merged(), "batch.pdf", engines=engines)
    seller = result.parts[1].invoice.seller_tax_id.value  # type: ignore[union-attr]
    merchant = MerchantProfile(id="m", name="滴滴出行科技有限公司", uscc=seller, current_limit=Decimal("30000"),
                               application_date=date(2026, 1, 10))
    assessment = assess_application(merchant, [result], policy=load_policy("credit-v3"))
    assert assessment.document_ids == [p.document_id for p in result.parts]
    sales = next(c for c in assessment.decision.contributions if c.feature == "verified_annual_sales")
    assert [r.document for r in sales.evidence] == [result.parts[1].document_id]


def test_the_api_lists_each_invoice_of_an_upload(tmp_path: Path) -> None:
    with serve(sqlite_settings(tmp_path)) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        headers = live.key(live.tenant())
        m = c.post("/v1/merchants", json={"name": "滴滴出行科技有限公司", "uscc": "911201163409833307"},
                   headers=headers).json()
        app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
        up = c.post(f"/v1/applications/{app['id']}/documents", headers=headers,
                    files=[("files", ("batch.pdf", _merged(), "application/pdf"))])
        assert up.status_code == 202, up.text
        c.post(f"/v1/applications/{app['id']}/submit", headers=headers).raise_for_status()
        done = wait_decided(c, app["id"], headers)
        upload, *invoices = done["documents"]
        assert upload["status"] == "split"
        assert [(d["id"], d["pages"], d["upload_id"]) for d in invoices] == [
            (f"{upload['id']}~{n}", [n], upload["id"]) for n in (1, 2, 3)]
        assert invoices[1]["invoice_number"] == "25127000000546906425"
        one = c.get(f"/v1/documents/{upload['id']}~2", headers=headers).json()
        assert one["result"]["invoice"]["seller_name"]["value"] == "滴滴出行科技有限公司"
        assert c.get(f"/v1/documents/{upload['id']}~9", headers=headers).status_code == 404


def _flat(part):  # type: ignore[no-untyped-def]
    from attest.extract.flat import flat_fields

    flat = flat_fields(part)
    if flat.get("check_code"):
        flat["check_code"] = flat["check_code"].replace(" ", "")
    return flat


def _text_page(n: int, *texts: str) -> OcrPage:
    """A page of printed rows (no OCR): a title in large type at the top, then rows under it."""
    lines = [OcrLine(id=f"p{n}-l{i}", text=t, confidence=0.98,
                     polygon=[(150, 150 + 80 * i), (1500, 150 + 80 * i), (1500, 190 + 80 * i + (30 if i == 0 else 0)),
                              (150, 190 + 80 * i + (30 if i == 0 else 0))])
             for i, t in enumerate(texts)]
    return OcrPage(page=n, width=1654, height=2339, lines=lines, engine="t", engine_version="1")


def _contract_pages(first: int, title: str, a: str, b: str) -> list[OcrPage]:
    return [_text_page(first, title, "合同编号：HT-2026-0001", f"甲方（买方）：{a}", f"乙方（卖方）：{b}",
                       "第一条 标的：乙方向甲方供应办公用品。",
                       "第二条 合同总价：人民币10,000.00元（大写：壹万圆整）。",
                       *["本条款空行"] * 20),
            _text_page(first + 1, "第五条 违约责任：……", "甲方（盖章）：", "乙方（盖章）：", *["本页空行"] * 20)]


def test_two_contracts_in_one_scan_are_two_parts() -> None:
    pages = [*_contract_pages(1, "购销合同", "杭州瑞丰贸易有限公司", "宁波恒通五金制品有限公司"),
             *_contract_pages(3, "服务协议书", "浙江省教育厅", "王建国")]
    assert contract_groups(pages) == [[0, 1], [2, 3]]


def test_an_approval_sheet_and_an_annex_stay_with_their_contract() -> None:
    # An approval sheet stapled in front (no parties under captions), and a 廉洁合同 annex between the same parties.
    buyer, seller = "苏州永达物流有限公司", "合肥嘉禾五金制品有限公司"
    sheet = _text_page(1, "合同会审会签单", f"合同相对方 {seller}", *["会签意见"] * 20)
    pages = [sheet, *_contract_pages(2, "专用车买卖合同", buyer, seller),
             *_contract_pages(4, "廉洁合同", buyer, seller)]
    assert contract_groups(pages) == [[0, 1, 2, 3, 4]]


def test_invoices_that_refer_to_their_sales_lists_are_each_an_invoice() -> None:
    # Two invoices whose items row says `(详见销货清单)`, each followed by its list: two invoices, each with its list.
    def invoice(n: int, number: str) -> OcrPage:
        return _text_page(n, "增值税普通发票", f"发票号码：{number}", "发票代码：033002000111", "(详见销货清单)")

    def sales_list(n: int, number: str) -> OcrPage:
        return _text_page(n, "销售货物或者提供应税劳务清单", f"所属增值税普通发票代码：033002000111 号码：{number}")

    pages = [invoice(1, "01234567"), sales_list(2, "01234567"), invoice(3, "07654321"), sales_list(4, "07654321")]
    assert invoice_groups(pages) == [[0, 1], [2, 3]]
