"""`score`: verified evidence + checks + policy → `Decision`. Deterministic, Decimal money, every number explained."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from functools import cache

from attest.data import load
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import Contribution, Decision, MerchantProfile, Outcome
from attest.schemas.document import DocumentResult
from attest.schemas.evidence import InvoiceEvidence
from attest.score.features import Features, compute_features
from attest.score.flow_features import compute_flow_features
from attest.score.other_features import compute_other_features
from attest.score.policy import FLOW_FEATURES, OPTIONAL_FEATURES, Bin, Policy
from attest.score.spec import score_spec


@cache
def _adverse() -> dict[str, str]:
    """What a merchant is told for each reason code that held its uplift back, most important first
    (`data/adverse.yaml`), as "中文 / English" like the checks' messages."""
    return {code: f"{said['zh']} / {said['en']}" for code, said in load("adverse")["reasons"].items()}


def _bin(value: Decimal, bins: Sequence[Bin]) -> Bin:
    """The first bin (from the top) the value reaches; the bottom bin (minimum 0, checked by the policy) below."""
    return next((b for b in bins if value >= b.min), bins[-1])


def _trust(points: int, policy: Policy) -> Decimal:
    return next((t.factor for t in policy.uplift.trust if points >= t.min_points), policy.uplift.trust[-1].factor)


def _contributions(features: Features, policy: Policy) -> list[Contribution]:
    out = []
    for name, spec in policy.features.items():
        value = features.values[name]
        chosen = _bin(value, spec.bins)
        out.append(Contribution(feature=name, value=str(value), points=chosen.points, reason_code=chosen.reason,
                                evidence=features.refs[name]))
    return out


def _capped(raw: Decimal, merchant: MerchantProfile, policy: Policy) -> tuple[Decimal, list[str]]:
    caps = [(policy.uplift.max_uplift, "CAPPED_ABSOLUTE"),
            (merchant.current_limit * policy.uplift.max_multiple_of_current_limit, "CAPPED_BY_CURRENT_LIMIT")]
    amount, reasons = raw, list[str]()
    for cap, reason in caps:
        if amount > cap:
            amount, reasons = cap, [*reasons, reason]
    step = policy.uplift.round_down_to
    return (amount / step).to_integral_value(ROUND_DOWN) * step, reasons


def score(merchant: MerchantProfile, evidence: Sequence[tuple[str, InvoiceEvidence]],
          checks: Sequence[CheckResult], policy: Policy, *, documents: Sequence[DocumentResult] = ()) -> Decision:
    """The decision for one application; the same inputs and policy always give the same decision.

    `evidence` is the invoices; `documents` the whole application, for the features a policy may read from
    licences, shop photos and contracts.
    """
    features = compute_features(merchant, evidence, checks, policy)
    if any(name in policy.features for name in OPTIONAL_FEATURES):
        other = compute_other_features(merchant, documents, checks, policy)
        features.values.update(other.values)
        features.refs.update(other.refs)
    if any(name in policy.features for name in FLOW_FEATURES):
        flows = compute_flow_features(merchant, documents, checks, policy)
        features.values.update(flows.values)
        features.refs.update(flows.refs)
        features.any_doubt = features.any_doubt or flows.doubtful
        features.reasons += flows.reasons
    contributions = _contributions(features, policy)
    points = sum(c.points for c in contributions)
    trust = _trust(points, policy)
    # The uplift rests on the best-evidenced base (invoiced sales or verified takings); the first listed wins a tie.
    bases = policy.uplift.bases
    base = max(bases, key=lambda name: (features.values[name], -list(bases).index(name)))
    raw = features.values[base] * policy.uplift.share_of_annual_sales * trust
    uplift, cap_reasons = _capped(raw, merchant, policy)
    reasons = [c.reason_code for c in contributions] + cap_reasons
    reasons += sorted({r for u in features.uses for r in u.reasons}) + features.reasons
    if base != next(iter(bases)):
        reasons.append(f"BASED_ON_{base.upper()}")
    outcome: Outcome = "auto_approve"
    raised = {c.code for c in checks if c.severity in ("warn", "fail")}
    held = sorted(raised & set(policy.outcomes.hold_codes))
    to_review = sorted(raised & set(policy.outcomes.review_codes))
    if features.any_fail:
        outcome, uplift = policy.outcomes.fail_means, Decimal(0)
        reasons.append("CHECK_FAILED")
    elif held:
        outcome, uplift = "review", Decimal(0)
        reasons += ["HELD_FOR_REVIEW", *(f"HELD:{code}" for code in held)]
    elif features.values[base] == 0:
        outcome, uplift = policy.outcomes.no_sales_means, Decimal(0)
    elif uplift == 0:
        # Sales exist but earn nothing under this policy (too little, or too little trust): say so.
        outcome = policy.outcomes.no_sales_means
        reasons.append("INSUFFICIENT_EVIDENCE")
    elif features.any_doubt:
        outcome = policy.outcomes.warn_means
    elif to_review:
        outcome = "review"
        reasons += [f"REVIEW:{code}" for code in to_review]
    elif uplift > policy.outcomes.auto_approve_up_to:
        outcome = "review"
        reasons.append("ABOVE_AUTO_APPROVE")
    unread = [c for c in checks if c.severity == "warn" and c.code in policy.outcomes.unreadable_codes]
    retake = [Ref(document=r.document, field=c.code) for c in unread for r in c.refs[:1]]
    if unread and uplift == 0 and outcome == "decline":
        # Nothing to lend against because evidence could not be read: ask for it again rather than decline.
        outcome = policy.outcomes.unreadable_means
        reasons.append("EVIDENCE_UNREADABLE")
    if trust < 1:
        reasons.append("LOW_TRUST")
    told = _adverse()
    # When one base decided, what the others lacked is not the reason: a noodle shop lending on its takings is
    # not told it has no invoices.
    unsaid = {c.reason_code for c in contributions if features.values[base] > 0
              and any(c.feature == other or c.feature in speakers
                      for other, speakers in bases.items() if other != base)}
    adverse = [code for code in told if code in reasons and code not in unsaid]
    return Decision(
        outcome=outcome, uplift=uplift, new_limit=merchant.current_limit + uplift, points=points,
        trust_factor=trust, contributions=contributions, reason_codes=list(dict.fromkeys(reasons)),
        top_reasons=[told[c] for c in adverse[:score_spec().reasons_shown]], policy_version=policy.version,
        retake=retake if outcome == "evidence_requested" else [],
    )
