"""Operating flows across one application's statements: every transaction counted once, months of takings, and
the checks of whose flows they are and of flows made to be seen — money sent round and back (round-tripping), a
few payers' round sums (刷流水), an account money only passes through, and a spike just before applying.

Pure: the merchant and the processed documents in, `CheckResult`s out. Thresholds are `data/application.yaml`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median

from rapidfuzz import fuzz

from attest.findings import result_refs
from attest.layout.normalize import fold, squash
from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.schemas.statement import Transaction
from attest.verify.application_spec import ApplicationSpec, PassThrough, RoundTrip, Spike, Wash
from attest.verify.roles import role_of

# Days in one bucket of the spike check: the last 30 days before applying against the 30-day stretches before.
_BUCKET_DAYS = 30


@dataclass(frozen=True)
class Flow:
    """One transaction of the application, from the statement it was first read in."""

    document: str
    row: Transaction

    @property
    def ref(self) -> Ref:
        return Ref(document=self.document, field=f"rows[{self.row.sheet}!r{self.row.row}]")


def _key(t: Transaction) -> tuple[object, ...]:
    return t.day, t.direction, t.amount, squash(t.counterparty or "")


def application_flows(documents: Sequence[DocumentResult]) -> list[Flow]:
    """Every CNY transaction of the application's statements, each counted once: a CSV and an XLSX of one account,
    or two overlapping months, hold the same rows, and the second copy of a row is not more money. Within one
    statement, equal rows are all kept (two customers paying 20.00 on one day)."""
    kept: Counter[tuple[object, ...]] = Counter()
    out = []
    for d in documents:
        if d.statement is None:
            continue
        mine: Counter[tuple[object, ...]] = Counter()
        for t in d.statement.rows:
            if t.currency != "CNY" or t.day is None:
                continue
            key = _key(t)
            mine[key] += 1
            if mine[key] <= kept[key]:
                continue  # an earlier statement of the application already holds this row
            kept[key] += 1
            out.append(Flow(d.document_id, t))
    return out


def takings(flows: Sequence[Flow]) -> list[Flow]:
    return [f for f in flows if f.row.direction == "in" and f.row.category == "takings"]


def _masked(holder: str) -> re.Pattern[str]:
    """A printed holder as a pattern: each masking star stands for one character (张*明, **明)."""
    return re.compile("".join("." if c == "*" else re.escape(c) for c in holder))


def same_party(holder: str, names: Sequence[str], same_name: int) -> bool:
    h = fold(holder)
    if "*" in h:
        return any(_masked(h).fullmatch(fold(n)) for n in names)
    return any(fuzz.ratio(h, fold(n)) >= same_name for n in names)


def applicant_names(merchant: MerchantProfile, documents: Sequence[DocumentResult]) -> list[str]:
    """Whose account is the applicant's: its own name, and the operator or legal representative its licence names
    (a sole proprietor's takings arrive in the operator's own account)."""
    return [merchant.name] + [d.licence.legal_representative.value for d in documents
                              if d.licence is not None and d.licence.legal_representative is not None]


def _holder(merchant: MerchantProfile, documents: Sequence[DocumentResult], same_name: int) -> list[CheckResult]:
    names = applicant_names(merchant, documents)
    out = []
    for d in documents:
        ev = d.statement
        if ev is None or ev.holder_name is None:
            continue
        if same_party(ev.holder_name.value, names, same_name):
            out.append(result_refs("identity.statement_holder", "pass", "流水户名是申请人或其经营者",
                                   "the statement's holder is the applicant or its operator",
                                   [Ref(document=d.document_id, field="holder_name")]))
        else:
            out.append(result_refs("identity.statement_holder", "raised", "流水户名不是申请人，也不是执照上的经营者",
                                   "the statement's holder is neither the applicant nor the operator its licence "
                                   "names", [Ref(document=d.document_id, field="holder_name")],
                                   holder=ev.holder_name.value, applicant=merchant.name))
    return out


def _total(flows: Sequence[Flow]) -> Decimal:
    return sum((f.row.amount for f in flows), Decimal(0))


def _close(a: Decimal, b: Decimal, tolerance: float) -> bool:
    return abs(a - b) <= max(a, b) * Decimal(str(tolerance))


def _pairs(ins: Sequence[Flow], outs: Sequence[Flow], days: int, tolerance: float, *, same_counterparty: bool
           ) -> list[tuple[Flow, Flow]]:
    """Each inflow with the first unused outflow of about its amount within `days` after it (to the same
    counterparty when asked)."""
    by_day: dict[date, list[int]] = {}
    for n, o in enumerate(outs):
        if o.row.day is not None:
            by_day.setdefault(o.row.day, []).append(n)
    used: set[int] = set()
    pairs = []
    for i in sorted(ins, key=lambda f: (f.row.day or date.min, f.row.at or datetime.min)):
        assert i.row.day is not None
        near = (n for k in range(days + 1) for n in by_day.get(i.row.day + timedelta(days=k), ()))
        for n in near:
            o = outs[n]
            if n in used or not _close(i.row.amount, o.row.amount, tolerance):
                continue
            if same_counterparty and squash(o.row.counterparty or "") != squash(i.row.counterparty or ""):
                continue
            used.add(n)
            pairs.append((i, o))
            break
    return pairs


def _named(f: Flow) -> bool:
    """A counterparty printed by name (not blank, not masked to stars)."""
    name = squash(f.row.counterparty or "")
    return bool(name) and name.count("*") < len(name) / 2


def _round_trip(flows: Sequence[Flow], spec: RoundTrip) -> list[CheckResult]:
    ins = [f for f in takings(flows) if _named(f)]
    outs = [f for f in flows if f.row.direction == "out" and _named(f)]
    pairs = _pairs(ins, outs, spec.days, spec.tolerance, same_counterparty=True)
    got = _total([i for i, _ in pairs])
    of = _total(takings(flows))
    if len(pairs) < spec.min_pairs or of == 0 or got < of * Decimal(str(spec.min_share)):
        return []
    return [result_refs("flows.round_trip", "raised", f"{len(pairs)} 笔收款在 {spec.days} 天内原额转回付款方",
                        f"{len(pairs)} inflows went back to their payer within {spec.days} days",
                        [x.ref for p in pairs[:10] for x in p], pairs=len(pairs), share=round(got / of, 3))]


def _wash(flows: Sequence[Flow], spec: Wash) -> list[CheckResult]:
    ins = takings(flows)
    round_ins = [f for f in ins if f.row.amount % spec.round_to == 0 and _named(f)]
    by_payer: dict[str, list[Flow]] = {}
    for f in round_ins:
        by_payer.setdefault(squash(f.row.counterparty or ""), []).append(f)
    top = sorted(by_payer.values(), key=_total, reverse=True)[:spec.max_payers]
    rows = [f for group in top for f in group]
    of = _total(ins)
    if len(rows) < spec.min_rows or of == 0 or _total(rows) < of * Decimal(str(spec.min_share)):
        return []
    return [result_refs("flows.wash", "raised",
                        f"{len(top)} 个付款方的整数金额收款占收入的 {_total(rows) / of:.0%}",
                        f"round sums from {len(top)} payers make {_total(rows) / of:.0%} of the takings",
                        [f.ref for f in rows[:20]], payers=len(top), rows=len(rows), share=round(_total(rows) / of, 3))]


def _pass_through(flows: Sequence[Flow], spec: PassThrough) -> list[CheckResult]:
    ins = takings(flows)
    outs = [f for f in flows if f.row.direction == "out" and f.row.category != "own_transfer"]
    pairs = _pairs(ins, outs, spec.days, spec.tolerance, same_counterparty=False)
    got, of = _total([i for i, _ in pairs]), _total(ins)
    if len(pairs) < spec.min_rows or of == 0 or got < of * Decimal(str(spec.min_share)):
        return []
    return [result_refs("flows.pass_through", "raised", f"收入的 {got / of:.0%} 在 {spec.days} 天内等额转出",
                        f"{got / of:.0%} of the takings left again in the same amounts within {spec.days} days",
                        [x.ref for p in pairs[:10] for x in p], pairs=len(pairs), share=round(got / of, 3))]


def _spike(merchant: MerchantProfile, flows: Sequence[Flow], spec: Spike) -> list[CheckResult]:
    buckets: dict[int, list[Flow]] = {}
    for f in takings(flows):
        assert f.row.day is not None
        back = (merchant.application_date - f.row.day).days
        if back >= 0:
            buckets.setdefault(back // _BUCKET_DAYS, []).append(f)
    earlier = [_total(buckets[k]) for k in sorted(buckets) if 1 <= k < 12]
    last = buckets.get(0, [])
    if len(earlier) < spec.min_months or not last:
        return []
    usual, now = Decimal(median(earlier)), _total(last)  # earlier holds only stretches with takings: usual > 0
    if now <= usual * Decimal(str(spec.factor)):
        return []
    return [result_refs("flows.last_month_spike", "raised",
                        f"申请前 30 天的收入 {now:.2f} 元，是此前月份中位数 {usual:.2f} 元的 {now / usual:.1f} 倍",
                        f"takings in the 30 days before applying ({now:.2f}) are {now / usual:.1f} times the "
                        f"usual month ({usual:.2f})", [f.ref for f in last[:20]], last_30_days=now,
                        usual_month=usual)]


def check_flows(merchant: MerchantProfile, documents: Sequence[DocumentResult], spec: ApplicationSpec
                ) -> list[CheckResult]:
    if not any(d.statement is not None for d in documents):
        return []
    flows = application_flows(documents)
    return [*_holder(merchant, documents, spec.statement_holder.same_name), *_round_trip(flows, spec.round_trip),
            *_wash(flows, spec.wash), *_pass_through(flows, spec.pass_through),
            *_spike(merchant, flows, spec.last_month_spike)]


@dataclass(frozen=True)
class Corroboration:
    """A sales invoice and the inflow from its buyer that paid it."""

    invoice: str
    flow: Flow


def corroborations(merchant: MerchantProfile, documents: Sequence[DocumentResult], spec: ApplicationSpec
                   ) -> list[Corroboration]:
    """Each of the merchant's sales invoices paired with an inflow from its buyer of its total, within the window
    around its issue date; each inflow pays one invoice, the nearest in time wins."""
    c = spec.corroboration
    ins = [f for f in application_flows(documents) if f.row.direction == "in" and _named(f)]
    used: set[int] = set()
    out = []
    sales = [d for d in documents if d.invoice is not None and role_of(d.invoice, merchant) == "sale"]
    for d in sorted(sales, key=lambda d: d.document_id):
        ev = d.invoice
        assert ev is not None
        if ev.issue_date is None or ev.total_amount_incl_tax is None or ev.buyer_name is None:
            continue
        issued, total, buyer = ev.issue_date.value, ev.total_amount_incl_tax.value, squash(ev.buyer_name.value)
        lo, hi = issued - timedelta(days=c.days_before), issued + timedelta(days=c.days_after)
        candidates = [(abs((f.row.day - issued).days), n) for n, f in enumerate(ins)
                      if n not in used and f.row.day is not None and lo <= f.row.day <= hi
                      and abs(f.row.amount - total) <= Decimal(str(c.tolerance))
                      and fuzz.partial_ratio(buyer, squash(f.row.counterparty or "")) >= c.same_name]
        if candidates:
            n = min(candidates)[1]
            used.add(n)
            out.append(Corroboration(d.document_id, ins[n]))
    return out


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
