"""An invoice's identity: what makes two readings the same invoice, whoever uploaded them."""

from __future__ import annotations

from decimal import Decimal

from attest.data import pattern
from attest.layout.normalize import digits_only
from attest.schemas.evidence import Field, InvoiceEvidence


def invoice_key(ev: InvoiceEvidence) -> str | None:
    """`invoice:<number>` for a 20-digit 数电 number, `invoice:<code>-<number>` for a 税控 invoice; None if unread.

    A 税控 number alone (8 digits) repeats across codes, so it is only an identity together with its code.
    """
    number = digits_only(ev.invoice_number.value) if ev.invoice_number else ""
    code = digits_only(ev.invoice_code.value) if ev.invoice_code else ""
    if len(number) == 20:
        return f"invoice:{number}"
    if len(number) == 8 and len(code) in (10, 12):
        return f"invoice:{code}-{number}"
    return None


def counted_amount(ev: InvoiceEvidence) -> tuple[str, Field[Decimal]] | None:
    """The amount an invoice counts at, with its field's name: its pre-tax total; a roll invoice (卷票), which prints
    one tax-inclusive total and no tax, at that total. A paper invoice whose pre-tax total went unread counts at
    nothing: its tax-inclusive total is not taken for it."""
    if ev.total_amount_excl_tax is not None:
        return "total_amount_excl_tax", ev.total_amount_excl_tax
    one_total = ev.invoice_title is not None and pattern("invoice_layout", "one_total").search(ev.invoice_title.value)
    if one_total and ev.total_tax is None and ev.total_amount_incl_tax is not None:
        return "total_amount_incl_tax", ev.total_amount_incl_tax
    return None
