"""Which side of an invoice the applicant is on, and its own sales in a window. Cross-document checks,
known-pattern checks and scoring all ask, so the answer lives here, in the first stage that needs it (and light:
the reviewer pages load scoring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from attest.extract.invoice.identity import counted_amount
from attest.layout.normalize import squash
from attest.schemas.checks import Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.schemas.evidence import InvoiceEvidence

Role = Literal["sale", "purchase", "unrelated"]


def _same_party(ev: InvoiceEvidence, side: str, merchant: MerchantProfile) -> bool:
    tax = getattr(ev, f"{side}_tax_id")
    name = getattr(ev, f"{side}_name")
    if tax is not None:
        return bool(tax.value == merchant.uscc)
    # Without a readable tax id the printed name must match exactly; a near match is not identity.
    return name is not None and squash(name.value) == squash(merchant.name)


def role_of(ev: InvoiceEvidence, merchant: MerchantProfile) -> Role:
    """`sale` when the merchant sold, `purchase` when it bought, `unrelated` when it is neither party."""
    if _same_party(ev, "seller", merchant):
        return "sale"
    if _same_party(ev, "buyer", merchant):
        return "purchase"
    return "unrelated"


def sales_in_window(merchant: MerchantProfile, documents: Sequence[DocumentResult], window_days: int
           ) -> list[tuple[DocumentResult, date, Decimal]]:
    """The merchant's own sales invoices in the window, with their date and the amount they count at."""
    start = merchant.application_date - timedelta(days=window_days)
    out = []
    for d in documents:
        ev = d.invoice
        counted = counted_amount(ev) if ev is not None else None
        if ev is None or ev.issue_date is None or counted is None:
            continue
        if role_of(ev, merchant) == "sale" and start <= ev.issue_date.value <= merchant.application_date:
            out.append((d, ev.issue_date.value, counted[1].value))
    return out


def amount_ref(d: DocumentResult) -> Ref:
    """Where an invoice's counted amount was read: its pre-tax total, or a roll invoice's one total."""
    counted = counted_amount(d.invoice) if d.invoice is not None else None
    return Ref(document=d.document_id, field=counted[0] if counted else "total_amount_excl_tax")
