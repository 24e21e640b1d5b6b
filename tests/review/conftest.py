"""Decided applications made directly in a database (no OCR): what the review actions and queue need."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from attest.api.accounts import add_tenant
from attest.audit.chain import export_jsonl
from attest.audit.record import record_application
from attest.pipeline import assess_application
from attest.schemas.checks import CheckResult
from attest.schemas.decision import MerchantProfile
from attest.score import load_policy
from attest.store.db import Database, migrate
from attest.store.models import Application, ApplicationCheck, Merchant, utcnow

from ..api.conftest import database  # noqa: F401  (the sqlite/postgresql fixture)


@pytest.fixture()
def db(database: str) -> Iterator[Database]:  # noqa: F811
    migrate(database)
    d = Database(database)
    yield d
    d.engine.dispose()


def tenant(db: Database, name: str = "t") -> str:
    return add_tenant(db, name)


def decided(db: Database, tenant_id: str, *, name: str = "杭州华盛服装有限公司", uscc: str = "913301000000000001",
            uplift: str = "20000", outcome: str = "review", limit: str = "50000",
            checks: tuple[tuple[str, str], ...] = (), submitted: datetime | None = None) -> str:
    """A decided application whose recorded decision is `outcome` with `uplift` (the score itself is real,
    over no documents; the two numbers are then set as a reviewer would find them)."""
    profile = MerchantProfile(id="m", name=name, uscc=uscc, current_limit=Decimal(limit),
                              application_date=date(2026, 11, 29))
    assessment = assess_application(profile, [], policy=load_policy())
    assessment.decision = assessment.decision.model_copy(update={"uplift": Decimal(uplift), "outcome": outcome})
    assessment.checks = [CheckResult(code=c, severity=sev, message="测试 / test") for c, sev in checks]  # type: ignore[arg-type]
    at = submitted or utcnow()
    trail = record_application(profile, [], assessment, at=at)
    with db.session() as s:
        m = Merchant(tenant_id=tenant_id, name=name, uscc=uscc, current_limit=Decimal(limit))
        s.add(m)
        s.flush()
        app = Application(tenant_id=tenant_id, merchant_id=m.id, status="decided", submitted_at=at, decided_at=at,
                          assessment_json=assessment.model_dump_json(), trail_jsonl=export_jsonl(trail),
                          outcome=outcome, uplift=Decimal(uplift))
        s.add(app)
        s.flush()
        s.add_all(ApplicationCheck(application_id=app.id, code=c, severity=sev) for c, sev in checks)
        return app.id


def days_ago(n: float) -> datetime:
    return utcnow() - timedelta(days=n)
