"""Features from the other kinds of evidence: business age (licence), physical presence (shop photos) and
contract backlog (contracts where the merchant supplies). Same rule as invoices: only verified evidence
counts — a document with a `fail` or `warn` check, or a figure read below the policy's confidence, adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from attest.layout.normalize import squash
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.score.policy import Policy
from attest.score.spec import score_spec
from attest.verify.roles import role_of


@dataclass
class OtherFeatures:
    values: dict[str, Decimal]
    refs: dict[str, list[Ref]]


def _clean(doc: DocumentResult, by_doc: dict[str, list[CheckResult]]) -> bool:
    return not any(c.severity in ("warn", "fail") for c in [*doc.checks, *by_doc.get(doc.document_id, [])])


def _age(merchant: MerchantProfile, docs: Sequence[DocumentResult], by_doc: dict[str, list[CheckResult]],
         policy: Policy) -> tuple[Decimal, list[Ref]]:
    for d in docs:
        lic = d.licence
        if lic is None or lic.established_date is None or lic.unified_social_credit_code is None:
            continue
        if lic.unified_social_credit_code.value != merchant.uscc or not _clean(d, by_doc):
            continue
        if lic.established_date.confidence < policy.evidence.min_confidence:
            continue
        days = (merchant.application_date - lic.established_date.value).days
        if days >= 0:
            return (Decimal(days) / score_spec().days_per_year).quantize(Decimal("0.1")), [
                Ref(document=d.document_id, field="established_date")]
    return Decimal(0), []


def _presence(docs: Sequence[DocumentResult], by_doc: dict[str, list[CheckResult]]) -> tuple[Decimal, list[Ref]]:
    refs = [Ref(document=d.document_id, field="image") for d in docs
            if d.shop is not None and _clean(d, by_doc)]
    return Decimal(len(refs)), refs


def _signed(merchant: MerchantProfile, docs: Sequence[DocumentResult], by_doc: dict[str, list[CheckResult]],
            policy: Policy) -> tuple[Decimal, list[Ref]]:
    """Sales invoices in the window whose file is signed, intact, by a signer under a trust anchor: the issuing
    system vouches for every figure, the strongest invoice evidence there is."""
    start = merchant.application_date - timedelta(days=policy.evidence.sales_window_days)
    refs = [Ref(document=d.document_id, field="file") for d in docs
            if d.invoice is not None and d.einvoice is not None and role_of(d.invoice, merchant) == "sale"
            and d.invoice.issue_date is not None and start <= d.invoice.issue_date.value <= merchant.application_date
            and any(sig.intact and sig.anchored for sig in d.einvoice.signatures)
            and not any(c.severity == "fail" for c in [*d.checks, *by_doc.get(d.document_id, [])])]
    return Decimal(len(refs)), refs


def _supplies(merchant: MerchantProfile, doc: DocumentResult) -> bool:
    c = doc.contract
    if c is None or c.supplier is None:
        return False
    for name, code in ((c.party_a, c.party_a_tax_id), (c.party_b, c.party_b_tax_id)):
        if name is not None and squash(name.value) == squash(c.supplier.value):
            return code is not None and code.value == merchant.uscc
    return False


def _backlog(merchant: MerchantProfile, docs: Sequence[DocumentResult], by_doc: dict[str, list[CheckResult]],
             policy: Policy) -> tuple[Decimal, list[Ref]]:
    """What is left to deliver: each contract's amount times the share of its term still to run."""
    total, refs = Decimal(0), []
    for d in docs:
        c = d.contract
        if c is None or c.amount is None or c.term_start is None or c.term_end is None:
            continue
        if not _supplies(merchant, d) or not _clean(d, by_doc) or c.amount.confidence < policy.evidence.min_confidence:
            continue
        term = (c.term_end.value - c.term_start.value).days
        left = (c.term_end.value - max(merchant.application_date, c.term_start.value)).days
        if term <= 0 or left <= 0:
            continue
        total += c.amount.value * Decimal(min(left, term)) / Decimal(term)
        refs.append(Ref(document=d.document_id, field="amount"))
    return total.quantize(Decimal("0.01")), refs


def compute_other_features(merchant: MerchantProfile, documents: Sequence[DocumentResult],
                           checks: Sequence[CheckResult], policy: Policy) -> OtherFeatures:
    by_doc: dict[str, list[CheckResult]] = {}
    for c in checks:
        for doc in {r.document for r in c.refs}:
            by_doc.setdefault(doc, []).append(c)
    age, age_refs = _age(merchant, documents, by_doc, policy)
    presence, presence_refs = _presence(documents, by_doc)
    backlog, backlog_refs = _backlog(merchant, documents, by_doc, policy)
    signed, signed_refs = _signed(merchant, documents, by_doc, policy)
    return OtherFeatures(
        values={"business_age_years": age, "physical_presence": presence, "contract_backlog": backlog,
                "signed_einvoices": signed},
        refs={"business_age_years": age_refs, "physical_presence": presence_refs, "contract_backlog": backlog_refs,
              "signed_einvoices": signed_refs})
