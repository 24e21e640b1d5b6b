"""Which side of an invoice the applicant is on. Cross-document checks, known-pattern checks and scoring all ask,
so the answer lives here, in the first stage that needs it."""

from __future__ import annotations

from typing import Literal

from attest.layout.normalize import squash
from attest.schemas.decision import MerchantProfile
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
