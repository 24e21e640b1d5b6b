"""The case page's operating flows: each statement's header, the months of takings as a chart the server draws,
and the transactions as a table — the rows a check flagged first and marked with its code, the invoice a payment
corroborates linked beside it, filtered by category. A year of a busy till is thousands of rows: the table shows
the first `limit` of the chosen category and says how many there are."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from attest.schemas.checks import CheckResult
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.schemas.statement import StatementEvidence
from attest.verify.application_spec import application_spec
from attest.verify.flows import application_flows, corroborations, month_of, takings

_ROW_REF = re.compile(r"rows\[(.+)!r(\d+)\]")
CHART_WIDTH, CHART_HEIGHT = 480, 120


@dataclass
class StatementView:
    doc_id: str
    filename: str
    ev: StatementEvidence


@dataclass
class MonthBar:
    month: str
    takings: Decimal
    flagged: bool
    x: float = 0.0
    height: float = 0.0


@dataclass
class FlowRow:
    doc_id: str
    where: str  # sheet!row, the row's provenance in its file
    day: str
    direction: str
    amount: Decimal
    counterparty: str
    memo: str
    category: str
    flags: list[str] = field(default_factory=list)
    invoice: str | None = None  # the document id of the sales invoice this payment corroborates


@dataclass
class FlowsView:
    statements: list[StatementView]
    months: list[MonthBar]
    rows: list[FlowRow]
    total: int  # rows of the chosen category, of which `rows` are the first
    category: str | None
    categories: dict[str, int]
    bar_width: float = 0.0


def _flags(checks: Sequence[CheckResult]) -> dict[tuple[str, str, int], list[str]]:
    """Each flagged row (document, sheet, row) and the codes that flag it."""
    out: dict[tuple[str, str, int], list[str]] = {}
    for c in checks:
        if c.severity not in ("warn", "fail"):
            continue
        for r in c.refs:
            if m := _ROW_REF.fullmatch(r.field):
                out.setdefault((r.document, m.group(1), int(m.group(2))), []).append(c.code)
        if c.details.get("row") and c.details.get("sheet") and c.refs:  # the row a balance chain breaks at
            key = (c.refs[0].document, str(c.details["sheet"]), int(str(c.details["row"])))
            out.setdefault(key, []).append(c.code)
    return out


def _chart(months: list[MonthBar]) -> float:
    top = max((m.takings for m in months), default=Decimal(0)) or Decimal(1)
    width = CHART_WIDTH / max(len(months), 1)
    for n, m in enumerate(months):
        m.x = round(n * width, 1)
        m.height = round(float(m.takings / top) * (CHART_HEIGHT - 20), 1)
    return round(width * 0.8, 1)


def build_flows(results: Sequence[tuple[str, str, DocumentResult]], checks: Sequence[CheckResult],
                merchant: MerchantProfile | None, *, category: str | None, limit: int) -> FlowsView | None:
    """`results`: (case document id, filename, result) of each read document; None when none is a statement."""
    statements = [StatementView(doc_id, name, r.statement) for doc_id, name, r in results if r.statement is not None]
    if not statements:
        return None
    case_id = {r.document_id: doc_id for doc_id, _, r in results}
    documents = [r for _, _, r in results]
    flows = application_flows(documents)
    flags = _flags([*checks, *(c for r in documents for c in r.checks)])
    paid = {}
    if merchant is not None:
        paid = {(m.flow.document, m.flow.row.sheet, m.flow.row.row): case_id.get(m.invoice, m.invoice)
                for m in corroborations(merchant, documents, application_spec())}
    flagged_months = set()
    rows = []
    for f in flows:
        key = (f.document, f.row.sheet, f.row.row)
        row = FlowRow(doc_id=case_id.get(f.document, f.document), where=f"{f.row.sheet}!r{f.row.row}",
                      day=f.row.day.isoformat() if f.row.day else "", direction=f.row.direction, amount=f.row.amount,
                      counterparty=f.row.counterparty or "", memo=f.row.memo or "",
                      category=f.row.category or "", flags=flags.get(key, []), invoice=paid.get(key))
        rows.append(row)
        if row.flags and f.row.day is not None:
            flagged_months.add(month_of(f.row.day))
    monthly: dict[str, Decimal] = {}
    for f in takings(flows):
        month = month_of(f.row.day)  # type: ignore[arg-type]  # application_flows keeps dated rows only
        monthly[month] = monthly.get(month, Decimal(0)) + f.row.amount
    months = [MonthBar(m, monthly[m].quantize(Decimal("0.01")), m in flagged_months) for m in sorted(monthly)]
    width = _chart(months)
    chosen = [r for r in rows if category is None or r.category == category]
    # Flagged rows first, then corroborating payments, then the rest in date order.
    chosen.sort(key=lambda r: (not r.flags, r.invoice is None, r.day))
    return FlowsView(statements=statements, months=months, rows=chosen[:limit], total=len(chosen), category=category,
                     categories=dict(Counter(r.category for r in rows).most_common()), bar_width=width)
