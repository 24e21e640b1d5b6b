"""Verify stage: evidence → `CheckResult`s. Intrinsic invoice checks live here; cross-document ones follow."""

from __future__ import annotations

from datetime import date

from attest.schemas.checks import CheckResult
from attest.schemas.evidence import InvoiceEvidence
from attest.verify.invoice_arithmetic import check_chosen, check_line_tax, check_rates, check_sums, check_words
from attest.verify.invoice_format import check_code_number, check_date, check_qr, check_tax_ids


def check_invoice(ev: InvoiceEvidence, *, document_id: str, today: date) -> list[CheckResult]:
    """Every intrinsic check of one invoice, in a stable order."""
    out: list[CheckResult] = []
    out += check_tax_ids(ev, document_id)
    out += check_code_number(ev, document_id)
    out += check_qr(ev, document_id)
    out += check_chosen(ev, document_id)
    out += check_sums(ev, document_id)
    out += check_line_tax(ev, document_id)
    out += check_rates(ev, document_id)
    out += check_words(ev, document_id)
    out += check_date(ev, document_id, today)
    return out


__all__ = ["check_invoice"]
