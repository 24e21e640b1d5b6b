"""Operating flows across an application, through `check_application` on statements read by `process_document`:
a genuine year of takings raises nothing; each way flows are faked raises its own check on the statement; the
holder is matched through masking and traditional characters; an invoice is corroborated by its buyer's payment
of its total, never by the buyer's other payment nor by another payer's equal sum."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from attest.pipeline import Engines, process_document
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.schemas.evidence import Field, InvoiceEvidence
from attest.verify.application import check_application
from attest.verify.application_spec import application_spec
from attest.verify.flows import application_flows, corroborations, same_party
from eval.render import flows as fake
from eval.render.flows import Trade, add_payments, year_of_flows
from eval.render.statement import StatementTruth, render_statement

NO_OCR = Engines(ocr=None)  # type: ignore[arg-type]
DAY = date(2026, 11, 28)
MONTHLY = Decimal(60000)
MERCHANT = MerchantProfile(id="m1", name="杭州瑞丰贸易有限公司", uscc="91330106MA2H000000", application_date=DAY)


def _statement(seed: int, layout: str = "platform", fmt: str = "csv") -> StatementTruth:
    trade = Trade((40, 400), crowd=True) if layout == "platform" else Trade((2000, 9000), crowd=False)
    return year_of_flows(random.Random(seed), holder=MERCHANT.name, monthly=MONTHLY, trade=trade,
                         end=DAY - timedelta(days=1), layout=layout, fmt=fmt, loan=seed % 2 == 0)


def _read(truth: StatementTruth) -> DocumentResult:
    return process_document(render_statement(truth), f"flows.{truth.fmt}", engines=NO_OCR)


def _raised(docs: list[DocumentResult]) -> dict[str, str]:
    return {c.code: c.severity for c in check_application(MERCHANT, docs) if c.severity != "pass"}


@pytest.mark.parametrize(("seed", "layout", "fmt"), [(1, "platform", "csv"), (2, "bank", "xlsx"), (3, "bank", "csv")])
def test_a_genuine_year_of_takings_raises_nothing(seed: int, layout: str, fmt: str) -> None:
    doc = _read(_statement(seed, layout, fmt))
    assert doc.statement is not None and not [c for c in doc.checks if c.severity != "pass"]
    assert _raised([doc]) == {}


@pytest.mark.parametrize(("forgery", "code"), [
    (fake.round_trip, "flows.round_trip"), (fake.wash, "flows.wash"), (fake.pass_through, "flows.pass_through"),
    (fake.spike, "flows.last_month_spike")])
def test_each_way_of_faking_flows_raises_its_check_on_the_statement(forgery, code) -> None:  # type: ignore[no-untyped-def]
    truth = _statement(5)
    forgery(truth, random.Random(9), MONTHLY)
    doc = _read(truth)
    found = [c for c in check_application(MERCHANT, [doc]) if c.code == code]
    assert found and found[0].severity == "warn"
    assert found[0].refs and all(r.document == doc.document_id for r in found[0].refs)


def test_edited_and_inserted_rows_break_what_the_export_prints_about_itself() -> None:
    for layout, code, severity in (("bank", "statement.balance_chain", "fail"),
                                   ("platform", "statement.summary", "warn")):
        for forgery in (fake.edit_amount, lambda t, r: fake.insert_rows(t, r, MONTHLY)):
            truth = _statement(7, layout)
            forgery(truth, random.Random(3))
            assert {c.code: c.severity for c in _read(truth).checks}.get(code) == severity, (layout, forgery)


def test_another_persons_statement_is_not_the_applicants() -> None:
    truth = _statement(4)
    fake.change_holder(truth, random.Random(1))
    assert _raised([_read(truth)]) == {"identity.statement_holder": "warn"}


def test_the_holder_is_matched_through_masking_and_traditional_characters() -> None:
    assert same_party("黃敏", ["黄敏"], 85)  # OCR of the licence read the traditional form
    assert same_party("张*明", ["某公司", "张晓明"], 85) and same_party("**明", ["张晓明"], 85)
    assert not same_party("李*明", ["张晓明"], 85) and not same_party("王芳", ["王芬芳公司"], 85)


def test_the_same_rows_uploaded_twice_count_once() -> None:
    truth = _statement(6)
    csv_doc = _read(truth)
    truth.fmt = "xlsx"
    xlsx_doc = _read(truth)
    assert csv_doc.document_id != xlsx_doc.document_id
    assert len(application_flows([csv_doc, xlsx_doc])) == len(application_flows([csv_doc]))


def _invoice(doc_id: str, buyer: str, total: str, issued: date) -> DocumentResult:
    def f(v):  # type: ignore[no-untyped-def]
        return Field(value=v, confidence=0.99, source="rule")
    ev = InvoiceEvidence(seller_name=f(MERCHANT.name), seller_tax_id=f(MERCHANT.uscc), buyer_name=f(buyer),
                         total_amount_incl_tax=f(Decimal(total)), issue_date=f(issued))
    return DocumentResult.model_validate({"document_id": doc_id, "filename": "i.png", "media_type": "image/png",
                                          "pages": 1, "classification": {"kind": "invoice", "confidence": 1.0},
                                          "ocr": [], "invoice": ev.model_dump()})


def test_an_invoice_is_corroborated_by_its_buyers_payment_of_its_total_only() -> None:
    truth = _statement(8, "bank")
    issued = DAY - timedelta(days=90)
    add_payments(truth, random.Random(2), [
        (issued + timedelta(days=20), "宁波东方机械有限公司", Decimal("11300.00")),   # pays the invoice
        (issued + timedelta(days=5), "宁波东方机械有限公司", Decimal("4181.00")),     # the buyer's other payment
        (issued + timedelta(days=3), "温州锦程五金有限公司", Decimal("11300.00")),    # another payer, same sum
        (issued + timedelta(days=2), "宁波东方机械有限公司", Decimal("22600.00"))])   # another invoice's
    statement = _read(truth)
    paid = _invoice("inv-paid", "宁波东方机械有限公司", "11300.00", issued)
    unpaid = _invoice("inv-unpaid", "台州永达塑料有限公司", "5000.00", issued)
    late = _invoice("inv-late", "宁波东方机械有限公司", "22600.00", issued - timedelta(days=300))
    found = corroborations(MERCHANT, [statement, paid, unpaid, late], application_spec())
    assert [(c.invoice, c.flow.row.counterparty, c.flow.row.amount) for c in found] == [
        ("inv-paid", "宁波东方机械有限公司", Decimal("11300.00"))]
