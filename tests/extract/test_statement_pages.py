"""Statements printed on pages, read by `process_document` as the service reads them: a bank's text PDF (the
header repeated on each page) and a photographed branch printout (OCR) are classified `statement` and read into
the same fields an export gives, exactly; an amount edited in the PDF breaks its running balance."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from attest.extract.flat import flat_fields
from attest.pipeline import Engines, process_document
from eval.render import flows as fake
from eval.render.flows import Trade, year_of_flows
from eval.render.statement import StatementTruth
from eval.render.statement_pages import photographed, recomputed_edit, statement_images, statement_pdf

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


def test_an_edit_the_balances_were_recomputed_for_shows_in_the_pdfs_history(engines: Engines) -> None:
    """The statement agrees with itself; the file says it was opened in an editor, or updated after writing."""
    clean = process_document(statement_pdf(_truth(30, seed=9)), "statement.pdf", engines=engines)
    assert {c.code: c.severity for c in clean.checks}["statement.pdf_edited"] == "pass"
    for how in ("editor", "update"):
        result = process_document(recomputed_edit(_truth(30, seed=9), random.Random(4), how=how), "s.pdf",
                                  engines=engines)
        checks = {c.code: c.severity for c in result.checks}
        assert checks["statement.balance_chain"] == "pass" and checks["statement.pdf_edited"] == "warn", how


def test_a_photographed_printout_is_read_by_ocr_into_the_same_fields(engines: Engines) -> None:
    truth = _truth(38, seed=7)
    page = statement_images(truth, random.Random(1))[0]
    result = process_document(photographed(page, random.Random(2)), "printout.jpg", engines=engines)
    assert result.classification.kind == "statement"
    assert _fields(result) == {k: truth.flat()[k] for k in FIELDS}
    assert {c.code: c.severity for c in result.checks}.get("statement.balance_chain") == "pass"


def test_a_bank_sealed_pdf_is_intact_anchored_and_worth_the_most(engines: Engines,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from attest.ingest import anchors
    from attest.score.flow_features import provenance_of
    from eval.render.pdf_pki import bank_pki, sealed

    monkeypatch.setattr(anchors, "trust_anchors", lambda: (bank_pki().ca,))  # as a bank anchors its own seal
    truth = _truth(30, seed=11)
    result = process_document(sealed(statement_pdf(truth)), "sealed.pdf", engines=engines)
    checks = {c.code: c.severity for c in result.checks}
    assert checks["einvoice.signature.intact"] == "pass" and checks["statement.pdf_edited"] == "pass"
    assert provenance_of(result) == "sealed_pdf" and _fields(result) == {k: truth.flat()[k] for k in FIELDS}
    plain = process_document(statement_pdf(truth), "plain.pdf", engines=engines)
    assert provenance_of(plain) == "bank_pdf"
    # Bytes changed after sealing break the seal.
    data = bytearray(sealed(statement_pdf(truth)))
    at = data.index(b"NetBank")
    data[at] = ord("M")
    broken = process_document(bytes(data), "broken.pdf", engines=engines)
    assert {c.code: c.severity for c in broken.checks}["einvoice.signature.intact"] == "fail"
    assert provenance_of(broken) != "sealed_pdf"


def test_a_long_pdf_is_read_from_its_text_and_a_long_scan_is_refused(engines: Engines) -> None:
    """A year's statement runs to dozens of pages: read from its text layer, drawn small. A scan that long is not
    OCR'd: refused with its own error, as before."""
    from PIL import Image

    from attest.errors import TooManyPages
    from attest.settings import LimitSettings
    from eval.render.contract import contract_pdf

    truth = year_of_flows(random.Random(13), holder="张晓明", monthly=Decimal(70000), trade=Trade((600, 1400), False),
                          end=date(2026, 11, 27), layout="bank", fmt="csv")
    result = process_document(statement_pdf(truth), "year.pdf", engines=engines)
    assert result.pages > LimitSettings().max_pages and result.classification.kind == "statement"
    assert _fields(result) == {k: truth.flat()[k] for k in FIELDS}
    scan = contract_pdf([Image.new("RGB", (200, 280), (250, 250, 250))] * (LimitSettings().max_pages + 1))
    with pytest.raises(TooManyPages, match="limit"):
        process_document(scan, "scan.pdf", engines=engines)


def test_every_real_export_printed_reads_as_the_export_does() -> None:
    """Real column sets, blanks, dashes and long names, printed as a text PDF: classified a statement by its header
    words and read into the export's count, totals and period (the one the sheet's name carried is not printed)."""
    from eval.flows import FLOWS
    from eval.statement_formats import real_exports_printed

    if not (FLOWS / "labels.json").exists():
        pytest.skip("shared/realdocs/flows not beside")
    misses = real_exports_printed()
    assert len(misses) == 19 and {f: m for f, m in misses.items() if m} == {}
