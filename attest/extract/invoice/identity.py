"""An invoice's identity: what makes two readings the same invoice, whoever uploaded them."""

from __future__ import annotations

from attest.layout.normalize import digits_only
from attest.schemas.evidence import InvoiceEvidence


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
