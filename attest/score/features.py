"""Features from verified evidence only: what each invoice says about the merchant, and whether it counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from attest.extract.invoice.identity import counted_amount, invoice_key
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.evidence import InvoiceEvidence
from attest.score.policy import Policy
from attest.verify.roles import Role, role_of

# Beside the amount counted, the readings a use rests on: a low confidence in any makes it doubtful.
_FIGURES = ("issue_date", "seller_tax_id", "buyer_tax_id")


@dataclass
class InvoiceUse:
    """How one invoice counts: its role for this merchant and the weight its value carries."""

    document_id: str
    role: Role
    amount: Decimal
    weight: Decimal
    counterparty: str | None
    reasons: list[str] = field(default_factory=list)
    doubtful: bool = False  # a warned or low-confidence reading: a fact about the evidence, whatever it weighs
    field: str = "total_amount_excl_tax"  # where the amount was read (a roll invoice's one total)


@dataclass
class Features:
    values: dict[str, Decimal]
    refs: dict[str, list[Ref]]
    uses: list[InvoiceUse]
    any_fail: bool
    any_doubt: bool
    reasons: list[str] = field(default_factory=list)


def _use(doc_id: str, ev: InvoiceEvidence, checks: Sequence[CheckResult], merchant: MerchantProfile,
         policy: Policy) -> InvoiceUse:
    role = role_of(ev, merchant)
    counterparty_field = (ev.buyer_tax_id or ev.buyer_name) if role == "sale" else (ev.seller_tax_id or ev.seller_name)
    use = InvoiceUse(doc_id, role, Decimal(0), Decimal(1),
                     counterparty_field.value if counterparty_field is not None else None)
    severities = {c.severity for c in checks}
    window_start = merchant.application_date - timedelta(days=policy.evidence.sales_window_days)
    counted = counted_amount(ev)
    if counted is None or ev.issue_date is None:
        use.weight, use.reasons = Decimal(0), ["AMOUNT_OR_DATE_UNREAD"]
    elif "fail" in severities:
        use.weight, use.reasons = Decimal(0), ["CHECK_FAILED"]
    elif not window_start <= ev.issue_date.value <= merchant.application_date:
        use.weight, use.reasons = Decimal(0), ["OUTSIDE_WINDOW"]
    else:
        doubtful = "warn" in severities or any(
            (f := getattr(ev, name)) is not None and f.confidence < policy.evidence.min_confidence
            for name in (counted[0], *_FIGURES))
        if doubtful:
            use.doubtful = True
            use.weight, use.reasons = policy.evidence.warn_haircut, ["EVIDENCE_DOUBTFUL"]
    if counted is not None:
        use.field, use.amount = counted[0], counted[1].value
    return use


def compute_features(merchant: MerchantProfile, evidence: Sequence[tuple[str, InvoiceEvidence]],
                     checks: Sequence[CheckResult], policy: Policy) -> Features:
    """Feature values with the document refs each rests on; unverified evidence adds nothing."""
    by_doc: dict[str, list[CheckResult]] = {}
    for c in checks:
        for doc in {r.document for r in c.refs}:
            by_doc.setdefault(doc, []).append(c)
    uses = [_use(doc_id, ev, by_doc.get(doc_id, []), merchant, policy) for doc_id, ev in evidence]
    # The same invoice uploaded twice (a PDF and a photo of it) counts once.
    seen: set[str] = set()
    for use, (_, ev) in zip(uses, evidence, strict=True):
        key = invoice_key(ev)
        if key is not None and key in seen and use.weight > 0:
            use.weight, use.reasons = Decimal(0), ["DUPLICATE_IN_APPLICATION"]
        if key is not None:
            seen.add(key)
    sales = [u for u in uses if u.role == "sale" and u.weight > 0]
    purchases = [u for u in uses if u.role == "purchase" and u.weight > 0]
    days = Decimal(policy.evidence.sales_window_days)
    # The window's total, stated per year so that a shorter window reads on the same scale.
    annual = Decimal(365) / days
    net_sales = sum((u.amount * u.weight for u in sales), Decimal(0))
    # Red-letter credit invoices (红字发票) alone net below zero: that is no sales, said so, never a negative.
    reasons = ["SALES_NET_NEGATIVE"] if net_sales < 0 else []
    net_purchases = sum((u.amount * u.weight for u in purchases), Decimal(0))
    values = {
        "verified_annual_sales": (max(net_sales, Decimal(0)) * annual).quantize(Decimal("0.01")),
        "sales_invoice_count": Decimal(len(sales)),
        "counterparty_diversity": Decimal(len({u.counterparty for u in sales if u.counterparty})),
        "verified_annual_purchases": (max(net_purchases, Decimal(0)) * annual).quantize(Decimal("0.01")),
    }
    sale_refs = [Ref(document=u.document_id, field=u.field) for u in sales]
    refs = {
        "verified_annual_sales": sale_refs,
        "sales_invoice_count": sale_refs,
        "counterparty_diversity": [Ref(document=u.document_id, field="buyer_tax_id") for u in sales],
        "verified_annual_purchases": [Ref(document=u.document_id, field=u.field) for u in purchases],
    }
    return Features(values, refs, uses, any_fail=any(c.severity == "fail" for c in checks),
                    any_doubt=any(u.doubtful and u.weight > 0 and u.role in ("sale", "purchase") for u in uses),
                    reasons=reasons)
