"""Features from operating flows: what the application's statements say the business takes in a month, for how
many months, from how many payers, how steadily, what it already owes, and how many of its sales invoices a
payment from the buyer corroborates. Same rule as invoices: a statement with a `fail` adds nothing, one with a
`warn` counts at the policy's haircut, and each counts at the worth the policy gives its provenance (a sealed PDF,
a bank's PDF, paper, an export)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from attest.ingest.table import TABLE_TYPES
from attest.layout.normalize import squash
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.score.policy import Flows, Policy, Provenance
from attest.verify.application_spec import application_spec
from attest.verify.flows import application_flows, corroborations, month_of, takings
from attest.verify.roles import sales_in_window

# A cover with no debt at all: "more than enough", as a number a bin can compare.
_NO_DEBT_COVER = Decimal(99)
_CENT = Decimal("0.01")


@dataclass
class FlowFeatures:
    values: dict[str, Decimal]
    refs: dict[str, list[Ref]]
    doubtful: bool = False  # a warned statement counted (at the haircut)
    reasons: list[str] = field(default_factory=list)


def provenance_of(doc: DocumentResult) -> Provenance:
    """Where a statement came from: a sealed PDF, a bank's text PDF, paper (a picture, or a PDF of scans), or an
    export (rows of cells)."""
    if doc.media_type in TABLE_TYPES:
        return "export"
    if doc.media_type == "application/pdf":
        signatures = doc.einvoice.signatures if doc.einvoice is not None else []
        if signatures and all(s.intact and s.anchored for s in signatures):
            return "sealed_pdf"
        if doc.ocr and all(p.engine == "pdf-text" for p in doc.ocr):
            return "bank_pdf"
    return "paper"


def _worth(doc: DocumentResult, checks: Sequence[CheckResult], policy: Policy, flows: Flows) -> Decimal:
    severities = {c.severity for c in [*doc.checks, *checks]}
    if "fail" in severities:
        return Decimal(0)
    haircut = policy.evidence.warn_haircut if "warn" in severities else Decimal(1)
    return flows.provenance[provenance_of(doc)] * haircut


def _months(start: date, end: date) -> list[str]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _covered(doc: DocumentResult, start: date, end: date) -> list[str]:
    """The months of the window a statement covers: its printed period, else the span of its rows."""
    ev = doc.statement
    assert ev is not None
    days = [t.day for t in ev.rows if t.day is not None]
    first = ev.period_start.value if ev.period_start else min(days, default=None)
    last = ev.period_end.value if ev.period_end else max(days, default=None)
    if first is None or last is None:
        return []
    return _months(max(first, start), min(last, end))


def _trimmed_mean(values: list[Decimal], share: Decimal) -> Decimal:
    drop = int((len(values) * share).to_integral_value(ROUND_FLOOR))
    kept = sorted(values)[drop:len(values) - drop]
    return sum(kept, Decimal(0)) / len(kept)


def compute_flow_features(merchant: MerchantProfile, documents: Sequence[DocumentResult],
                          checks: Sequence[CheckResult], policy: Policy) -> FlowFeatures:
    flows_policy = policy.flows
    assert flows_policy is not None  # the policy's validator asks for the section with any flow feature
    by_doc: dict[str, list[CheckResult]] = {}
    for c in checks:
        for doc_id in {r.document for r in c.refs}:
            by_doc.setdefault(doc_id, []).append(c)
    start = merchant.application_date - timedelta(days=policy.evidence.sales_window_days)
    end = merchant.application_date
    statements = [d for d in documents if d.statement is not None]
    worth = {d.document_id: _worth(d, by_doc.get(d.document_id, []), policy, flows_policy) for d in statements}
    counted = [d for d in statements if worth[d.document_id] > 0]
    months = sorted({m for d in counted for m in _covered(d, start, end)})
    flows = [f for f in application_flows(counted) if f.row.day is not None and start <= f.row.day <= end]
    ins = takings(flows)
    monthly = dict.fromkeys(months, Decimal(0))
    for f in ins:
        month = month_of(f.row.day)  # type: ignore[arg-type]
        if month in monthly:
            monthly[month] += f.row.amount * worth[f.document]
    series = list(monthly.values())
    reasons = []
    mean = Decimal(0)
    if len(series) >= flows_policy.min_months:
        mean = _trimmed_mean(series, flows_policy.trim_share)
    elif ins:
        reasons.append("FLOWS_TOO_SHORT")
    debt = sum((f.row.amount * worth[f.document] for f in flows if f.row.category == "debt_service"), Decimal(0))
    monthly_debt = debt / len(series) if series else Decimal(0)
    cover = Decimal(0) if mean == 0 else min(mean / monthly_debt, _NO_DEBT_COVER) if monthly_debt else _NO_DEBT_COVER
    floats = [float(v) for v in series]
    average = statistics.fmean(floats) if floats else 0.0
    steady = 0.0 if average <= 0 or mean == 0 else max(0.0, 1 - statistics.pstdev(floats) / average)
    matched = corroborations(merchant, documents, application_spec())
    sales = sales_in_window(merchant, documents, policy.evidence.sales_window_days)
    share = Decimal(len({m.invoice for m in matched})) / len(sales) if sales else Decimal(0)
    rows = [Ref(document=d.document_id, field="rows") for d in counted]
    values = {
        "verified_annual_takings": (mean * 12).quantize(_CENT),
        "active_months": Decimal(sum(1 for v in series if v > 0)) if mean else Decimal(0),
        "distinct_payers": Decimal(len({squash(f.row.counterparty or "") for f in ins})) if mean else Decimal(0),
        "takings_stability": Decimal(str(round(steady, 2))),
        "debt_service_cover": cover.quantize(_CENT),
        "corroborated_invoices": share.quantize(_CENT),
    }
    refs = {name: rows for name in values}
    refs["corroborated_invoices"] = [Ref(document=m.invoice, field="total_amount_incl_tax") for m in matched]
    doubtful = any(0 < worth[d.document_id] < flows_policy.provenance[provenance_of(d)] for d in counted) and mean > 0
    return FlowFeatures(values, refs, doubtful, reasons)
