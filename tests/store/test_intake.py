"""An application's intake as store functions: what an upload stores and queues, what submitting sets going, and
each refusal as its own domain error that stores nothing (the API maps them to HTTP in one place)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from attest.api.models import PartId
from attest.api.problems import problem_of
from attest.errors import ApplicationEmpty, ApplicationNotOpen, NotFound, TooManyDocuments
from attest.store.db import Database, open_database
from attest.store.intake import Upload, record_uploads, submit
from attest.store.models import Document, Job

from .conftest import new_application


def _db(tmp_path: Path) -> tuple[Database, str]:
    db = open_database(None, tmp_path)
    return db, new_application(db)


def _mine(_tenant: str, _merchant: str) -> bool:
    return True


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_uploads_are_stored_once_queued_and_submitted(tmp_path: Path) -> None:
    db, app_id = _db(tmp_path)
    a, b = Upload("a.jpg", "a" * 64, 10), Upload("b.pdf", "b" * 64, 20)
    with db.session() as s:
        first = record_uploads(s, app_id, [a, b, a], may_see=_mine, group_id=None, max_documents=5)
    assert sorted(first) == [a.sha256, b.sha256] and _count(db, Document) == 2 and _count(db, Job) == 2
    with db.session() as s:  # the same file again is the stored document, not a new one
        again = record_uploads(s, app_id, [a], may_see=_mine, group_id=None, max_documents=5)
    assert isinstance(again[a.sha256], Document) and _count(db, Document) == 2
    with db.session() as s:
        app = submit(s, app_id, may_see=_mine)
        assert app.status == "submitted" and app.submitted_at is not None
    # Not final yet: no assessment queued until every document is read.
    with db.session() as s:
        assert [j.kind for j in s.scalars(select(Job))] == ["process_document", "process_document"]


def test_each_refusal_is_its_own_error_and_stores_nothing(tmp_path: Path) -> None:
    db, app_id = _db(tmp_path)
    up = [Upload(f"{n}.jpg", str(n) * 64, 1) for n in range(3)]
    with pytest.raises(NotFound), db.session() as s:
        record_uploads(s, app_id, up, may_see=lambda _t, _m: False, group_id=None, max_documents=5)
    with pytest.raises(TooManyDocuments, match="exceed 2 documents"), db.session() as s:
        record_uploads(s, app_id, up, may_see=_mine, group_id=None, max_documents=2)
    with pytest.raises(ApplicationEmpty), db.session() as s:
        submit(s, app_id, may_see=_mine)
    assert _count(db, Document) == 0 and _count(db, Job) == 0
    with db.session() as s:
        record_uploads(s, app_id, up[:1], may_see=_mine, group_id=None, max_documents=5)
        submit(s, app_id, may_see=_mine)
    with pytest.raises(ApplicationNotOpen), db.session() as s:
        record_uploads(s, app_id, up[1:], may_see=_mine, group_id=None, max_documents=5)
    assert _count(db, Document) == 1
    statuses = {type(e).__name__: (problem_of(e).status, problem_of(e).type) for e in (
        NotFound("x"), TooManyDocuments("x"), ApplicationEmpty("x"), ApplicationNotOpen("x"))}
    assert statuses == {"NotFound": (404, "not-found"), "TooManyDocuments": (413, "too-many-documents"),
                        "ApplicationEmpty": (409, "application-empty"),
                        "ApplicationNotOpen": (409, "application-not-open")}


def test_a_part_id_is_one_type() -> None:
    assert str(PartId("doc_1", 2)) == "doc_1~2" and PartId.parse("doc_1~2") == PartId("doc_1", 2)
    assert PartId.parse("doc_1") == PartId("doc_1") and str(PartId("doc_1")) == "doc_1"
    assert PartId.parse("doc_1~0") is None and PartId.parse("doc_1~x") is None
