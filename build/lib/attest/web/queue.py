"""The review queue: a tenant's submitted applications, cases needing a reviewer first, with filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from attest.store.models import Application, ApplicationCheck, Merchant, utcnow

STATES = ("needs_review", "processing", "evidence_requested", "reviewed", "auto", "failed")
OUTCOMES = ("review", "auto_approve", "decline", "evidence_requested")
AGES = ("1d", "7d", "old")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue's form sends; every value is checked, anything unknown is ignored, not an error."""

    q: str = ""
    state: str = ""
    outcome: str = ""
    code: str = ""
    age: str = ""
    min_uplift: Decimal | None = None
    max_uplift: Decimal | None = None
    page: int = 1

    @classmethod
    def from_query(cls, params: dict[str, str]) -> QueueFilter:
        def amount(name: str) -> Decimal | None:
            try:
                value = Decimal(params.get(name, "").replace(",", "").strip())
            except InvalidOperation:
                return None
            return value if value.is_finite() and value >= 0 else None

        try:
            page = max(1, min(int(params.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        pick = {"state": STATES, "outcome": OUTCOMES, "age": AGES}
        return cls(q=params.get("q", "").strip()[:100],
                   **{k: v if (v := params.get(k, "")) in allowed else "" for k, allowed in pick.items()},
                   code=params.get("code", "").strip()[:80], min_uplift=amount("min_uplift"),
                   max_uplift=amount("max_uplift"), page=page)

    def query(self, **change: Any) -> dict[str, str]:
        """These filters as URL parameters (with `change` applied), empty ones left out."""
        values = {"q": self.q, "state": self.state, "outcome": self.outcome, "code": self.code, "age": self.age,
                  "min_uplift": "" if self.min_uplift is None else str(self.min_uplift),
                  "max_uplift": "" if self.max_uplift is None else str(self.max_uplift), "page": str(self.page)}
        values.update({k: str(v) for k, v in change.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass
class QueueRow:
    id: str
    merchant: str
    uscc: str
    state: str
    outcome: str | None
    uplift: Decimal | None
    review_action: str | None
    submitted_at: datetime | None
    flags: list[tuple[str, str]] = field(default_factory=list)  # (code, severity), worst first


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    codes: list[str]


def _state() -> Any:
    """Each application's queue state, as SQL (so it can be filtered and sorted on)."""
    a = Application
    return case(
        (and_(a.status == "decided", a.review_action.is_(None), a.outcome == "review"), "needs_review"),
        (a.status == "submitted", "processing"),
        (a.status == "evidence_requested", "evidence_requested"),
        (a.status == "failed", "failed"),
        (a.review_action.is_not(None), "reviewed"),
        else_="auto")


def _filtered(tenant_id: str, f: QueueFilter, now: datetime) -> Select[Any]:
    a, m = Application, Merchant
    # Only the columns a row shows: the stored results and trails are large, and sorting rows that carry
    # them costs more than everything else here.
    stmt = (select(a.id, a.outcome, a.uplift, a.review_action, a.submitted_at, m.name, m.uscc,
                   _state().label("state")).join(m, m.id == a.merchant_id)
            .where(a.tenant_id == tenant_id, a.status != "open"))
    if f.q:
        like = f"%{f.q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(m.name.ilike(like), m.uscc.startswith(f.q.upper())))
    if f.state:
        stmt = stmt.where(_state() == f.state)
    if f.outcome:
        stmt = stmt.where(a.outcome == f.outcome)
    if f.code:
        stmt = stmt.where(exists().where(ApplicationCheck.application_id == a.id, ApplicationCheck.code == f.code))
    if f.age == "1d":
        stmt = stmt.where(a.submitted_at >= now - timedelta(days=1))
    elif f.age == "7d":
        stmt = stmt.where(a.submitted_at < now - timedelta(days=1), a.submitted_at >= now - timedelta(days=7))
    elif f.age == "old":
        stmt = stmt.where(a.submitted_at < now - timedelta(days=7))
    if f.min_uplift is not None:
        stmt = stmt.where(a.uplift >= f.min_uplift)
    if f.max_uplift is not None:
        stmt = stmt.where(a.uplift <= f.max_uplift)
    return stmt


def load_queue(s: Session, tenant_id: str, f: QueueFilter, *, page_size: int, now: datetime | None = None) -> QueuePage:
    now = now or utcnow()
    stmt = _filtered(tenant_id, f, now)
    total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    # Cases waiting for a person first, then the rest still in play; oldest submission first within each.
    order = case((_state() == "needs_review", 0), (_state() == "processing", 1),
                 (_state() == "evidence_requested", 2), else_=3)
    found = s.execute(stmt.order_by(order, Application.submitted_at, Application.id)
                      .limit(page_size).offset((page - 1) * page_size)).all()
    ids = [r.id for r in found]
    flags: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
    if ids:
        for c in s.scalars(select(ApplicationCheck).where(ApplicationCheck.application_id.in_(ids))):
            flags[c.application_id].append((c.code, c.severity))
    rows = [QueueRow(id=r.id, merchant=r.name, uscc=r.uscc, state=r.state, outcome=r.outcome, uplift=r.uplift,
                     review_action=r.review_action, submitted_at=r.submitted_at,
                     flags=sorted(flags[r.id], key=lambda x: (x[1] != "fail", x[0])))
            for r in found]
    codes = list(s.scalars(select(ApplicationCheck.code).join(Application)
                           .where(Application.tenant_id == tenant_id).distinct().order_by(ApplicationCheck.code)))
    return QueuePage(rows=rows, total=total, page=page, pages=pages, codes=codes)
