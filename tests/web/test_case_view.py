"""The case page's view of a stored result, without a server: every field found with its box (from its bbox or
the union of its OCR lines), both readings of a disputed field shown under their readers, and text from a
document escaped."""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request

from attest.schemas.document import Classification, DocumentResult
from attest.schemas.evidence import Field, InvoiceEvidence, InvoiceItem
from attest.schemas.ocr import OcrLine, OcrPage
from attest.store.models import Document
from attest.web.case import _doc_view
from attest.web.templating import templates, translate


def _result() -> DocumentResult:
    lines = [OcrLine(id="p1-l0", text="销售方名称：杭州华盛<b>服装</b>有限公司", confidence=0.97,
                     polygon=[(100, 50), (400, 50), (400, 80), (100, 80)]),
             OcrLine(id="p1-l1", text="19,073.03", confidence=0.91, polygon=[(500, 300), (600, 300), (600, 330),
                                                                               (500, 330)]),
             OcrLine(id="p1-l2", text="¥19,073.03", confidence=0.90, polygon=[(480, 340), (620, 340), (620, 372),
                                                                                (480, 372)])]
    invoice = InvoiceEvidence(
        seller_name=Field[str](value="杭州华盛<b>服装</b>有限公司", confidence=0.95, source="llm", lines=["p1-l0"],
                               disputed="杭州华盛服装有限公司"),
        total_amount_excl_tax=Field[Decimal](value=Decimal("19073.03"), confidence=0.9, lines=["p1-l1", "p1-l2"]),
        items=[InvoiceItem(amount=Field[Decimal](value=Decimal("5"), confidence=0.5, bbox=(1, 2, 3, 4)))],
        remarks=Field[str](value="无框", confidence=0.6))
    return DocumentResult(document_id="a" * 64, filename="x.png", media_type="image/png", pages=1,
                          classification=Classification(kind="invoice", confidence=0.99),
                          ocr=[OcrPage(page=1, width=800, height=600, lines=lines, engine="rapidocr",
                                       engine_version="3")], invoice=invoice)


def test_fields_boxes_and_both_readings() -> None:
    row = Document(id="doc_1", application_id="app_1", sha256="a" * 64, filename="x.png", size=1, status="done",
                   result_json=_result().model_dump_json())
    view, _ = _doc_view(row)
    fields = {f.path: f for f in view.fields}
    assert set(fields) == {"seller_name", "total_amount_excl_tax", "items.0.amount", "remarks"}
    assert fields["total_amount_excl_tax"].box == (480, 300, 620, 372)  # the union of its two lines
    assert fields["items.0.amount"].box == (1, 2, 3, 4) and fields["items.0.amount"].name == "amount"
    assert fields["remarks"].box is None  # no line, no box: its select button is disabled
    assert view.pages[0].lines[0] == ("p1-l0", "100,50 400,50 400,80 100,80")

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    html = templates.get_template("_viewer.html").render(
        request=Request(scope), selected=view, field="total_amount_excl_tax", lang="zh",
        t=lambda key, **v: translate("zh", key, **v))
    assert 'rect class="fbox selected" data-field="total_amount_excl_tax"' in html
    assert "<span>大模型</span>杭州华盛&lt;b&gt;服装&lt;/b&gt;有限公司" in html  # the model's reading, escaped
    assert "<span>规则</span>杭州华盛服装有限公司" in html  # and the rules' beside it
    assert "<b>" not in html
    # Read below `sure_at` (0.9 and 0.95 against 0.95): the first is marked unsure, with the words why.
    assert not fields["total_amount_excl_tax"].sure and fields["seller_name"].sure
    assert html.count(f'class="num low" title="{translate("zh", "case.unsure")}"') == 3  # 0.9, 0.5, 0.6


def test_every_feature_of_every_shipped_policy_has_its_words() -> None:
    """The case page names each contribution by `feature.<name>`; a policy feature without words would show the
    raw key (the browser test's English toggle catches it late, this at once)."""
    from importlib import resources

    from attest.score import load_policy
    from attest.web.templating import messages

    names = {p.name.removesuffix(".yaml") for p in resources.files("attest.data").joinpath("policies").iterdir()
             if p.name.endswith(".yaml")}
    features = {f for name in names for f in load_policy(name).features}
    missing = [f for f in sorted(features) if not {"zh", "en"} <= set(messages().get(f"feature.{f}", {}))]
    assert not missing, missing
