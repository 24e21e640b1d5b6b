"""The review queue over SQLite and PostgreSQL: cases needing a reviewer first, every filter, search by name
or USCC, pagination, and nothing from another tenant."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from attest.review.actions import ReviewAction, Reviewer, apply_review
from attest.store.db import Database
from attest.store.models import Application
from attest.store.models import Reviewer as ReviewerRow
from attest.web.queue import QueueFilter, load_queue

from .conftest import days_ago, decided, tenant


def _ids(db: Database, t: str, page_size: int = 50, **params: str) -> list[str]:
    with db.session() as s:
        return [r.id for r in load_queue(s, t, QueueFilter.from_query(params), page_size=page_size).rows]


def test_order_filters_search_and_pages(db: Database) -> None:
    t, other = tenant(db), tenant(db, "other")
    auto = decided(db, t, name="宁波东方五金有限公司", uscc="913302000000000001", outcome="auto_approve",
                   uplift="8000", submitted=days_ago(0.2))
    old_review = decided(db, t, name="苏州嘉禾餐饮管理有限公司", uscc="913205000000000002", uplift="150000",
                         checks=(("invoice.arithmetic.items_sum", "fail"),), submitted=days_ago(9))
    new_review = decided(db, t, name="成都瑞丰商贸有限公司", uscc="915101000000000003", uplift="2500",
                         checks=(("identity.invoice_not_party", "warn"),), submitted=days_ago(3))
    declined = decided(db, t, name="合肥恒通物流有限公司", uscc="913401000000000004", outcome="decline", uplift="0",
                       submitted=days_ago(0.5))
    decided(db, other, name="苏州嘉禾餐饮管理有限公司", uscc="913205000000000002")  # another tenant's
    with db.session() as s:
        s.add(ReviewerRow(id="rev_q", tenant_id=t, username="q", password_hash="x", role="reviewer"))
        merchant_id = s.scalar(select(Application.merchant_id).where(Application.id == auto))
        processing = Application(tenant_id=t, merchant_id=merchant_id, status="submitted", submitted_at=days_ago(0.1))
        opened = Application(tenant_id=t, merchant_id=processing.merchant_id, status="open")
        s.add_all([processing, opened])
        s.flush()
        processing_id = processing.id

    # Waiting for a person first, then still being read, then the rest; oldest submission first within each.
    assert _ids(db, t) == [old_review, new_review, processing_id, declined, auto]
    assert _ids(db, t, state="needs_review") == [old_review, new_review]
    assert _ids(db, t, outcome="decline") == [declined]
    assert _ids(db, t, code="identity.invoice_not_party") == [new_review]
    assert _ids(db, t, age="1d") == [processing_id, declined, auto]
    assert _ids(db, t, age="7d") == [new_review]
    assert _ids(db, t, age="old") == [old_review]
    assert _ids(db, t, min_uplift="5000", max_uplift="100000") == [auto]
    assert _ids(db, t, q="嘉禾") == [old_review]
    assert _ids(db, t, q="915101") == [new_review]  # a USCC prefix
    assert _ids(db, t, q="915101000000000003".lower()) == [new_review]
    # Junk in any filter is ignored, never an error; wildcard characters are not wildcards.
    assert _ids(db, t, state="drop table", outcome="x", age="forever", min_uplift="lots", page="-3") == \
        _ids(db, t)
    assert _ids(db, t, q="%") == _ids(db, t)
    assert _ids(db, t, q="_") == _ids(db, t)

    with db.session() as s:
        first = load_queue(s, t, QueueFilter.from_query({}), page_size=2)
        third = load_queue(s, t, QueueFilter.from_query({"page": "3"}), page_size=2)
        beyond = load_queue(s, t, QueueFilter.from_query({"page": "99"}), page_size=2)
    assert (first.total, first.pages, [r.id for r in first.rows]) == (5, 3, [old_review, new_review])
    assert [r.id for r in third.rows] == [auto] and beyond.page == 3
    assert first.rows[0].flags == [("invoice.arithmetic.items_sum", "fail")]
    assert set(first.codes) == {"invoice.arithmetic.items_sum", "identity.invoice_not_party"}

    # A reviewed case leaves the top of the queue.
    apply_review(db, application_id=old_review, tenant_id=t, reviewer=Reviewer(id="rev_q", username="q"),
                 action=ReviewAction("adjust", 1, uplift="1000", reason="只认可部分发票"))
    assert _ids(db, t, state="needs_review") == [new_review]
    assert _ids(db, t, state="reviewed") == [old_review]
    assert _ids(db, t, state="processing") == [processing_id]


def test_filter_query_round_trip() -> None:
    f = QueueFilter.from_query({"q": " 嘉禾 ", "outcome": "review", "min_uplift": "1,000", "page": "2"})
    assert f.q == "嘉禾" and f.min_uplift == Decimal(1000) and f.page == 2
    assert f.query(page=3) == {"q": "嘉禾", "outcome": "review", "min_uplift": "1000", "page": "3"}
    assert f.query(page=1) == {"q": "嘉禾", "outcome": "review", "min_uplift": "1000"}
