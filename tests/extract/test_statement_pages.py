"""Statements printed on pages, read by `process_document` as the service reads them: a bank's text PDF (the
header repeated on each page) and a photographed branch printout (OCR) are classified `statement` and read into
the same fields an export gives, exactly; an amount edited in the PDF breaks its running balance."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from attest.extract.flat import flat_fields
from attest.pipeline import Engines, process_document
from eval.render import flows as fake
from eval.render.flows import Trade, year_of_flows
from eval.render.statement import StatementTruth
from eval.render.statement_pages import photographed, statement_images, statement_pdf

FIELDS = ("holder_name", "period_start", "period_end", "transactions", "total_in", "total_out")


def _truth(rows: int, seed: int = 3) -> StatementTruth:
    t = year_of_flows(random.Random(seed), holder="张晓明", monthly=Decimal(20000), trade=Trade((800, 4000), False),
                      end=date(2026, 11, 27), layout="bank", fmt="csv")
    t.rows = t.rows[:rows]
    t.end = t.rows[-1].at.date()
    return t


def _fields(result) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    flat = flat_fields(result)
    return {k: flat.get(k) for k in FIELDS}


def test_a_text_pdf_of_several_pages_reads_as_its_export_does(engines: Engines) -> None:
    truth = _truth(90)
    result = process_document(statement_pdf(truth), "statement.pdf", engines=engines)
    assert result.classification.kind == "statement" and result.pages == 3
    assert _fields(result) == {k: truth.flat()[k] for k in FIELDS}
    assert {c.code: c.severity for c in result.checks}.get("statement.balance_chain") == "pass"


def test_an_amount_edited_in_the_pdf_breaks_its_running_balance(engines: Engines) -> None:
    truth = _truth(40, seed=5)
    fake.edit_amount(truth, random.Random(1))
    result = process_document(statement_pdf(truth), "statement.pdf", engines=engines)
    assert {c.code: c.severity for c in result.checks}["statement.balance_chain"] == "fail"


def test_a_photographed_printout_is_read_by_ocr_into_the_same_fields(engines: Engines) -> None:
    truth = _truth(38, seed=7)
    page = statement_images(truth, random.Random(1))[0]
    result = process_document(photographed(page, random.Random(2)), "printout.jpg", engines=engines)
    assert result.classification.kind == "statement"
    assert _fields(result) == {k: truth.flat()[k] for k in FIELDS}
    assert {c.code: c.severity for c in result.checks}.get("statement.balance_chain") == "pass"
