"""`assess_when_ready` decides once, even when a submit and the last document's reading commit together: each
waits for the other's lock, so the assessment is enqueued exactly once and never missed (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from attest.store.db import Database, migrate
from attest.store.jobs import assess_when_ready
from attest.store.models import Application, Document, Job

from ..api.conftest import database  # noqa: F401 - the sqlite/postgresql fixture
from .conftest import new_application


def _application(db: Database) -> tuple[str, str]:
    """An open application with one document still being read."""
    app_id = new_application(db)
    with db.session() as s:
        doc = Document(application_id=app_id, sha256="a" * 64, filename="bill.csv", size=1, status="processing")
        s.add(doc)
        s.flush()
        return app_id, doc.id


def test_a_submit_and_the_last_reading_together_enqueue_the_assessment_once(database: str) -> None:  # noqa: F811
    migrate(database)
    db = Database(database)
    app_id, doc_id = _application(db)
    settled = threading.Event()

    def reading_finishes() -> None:  # the worker: the document is done, is the application ready?
        with db.session() as s:
            doc = s.get(Document, doc_id)
            assert doc is not None
            doc.status = "done"
            s.flush()
            assess_when_ready(s, app_id)
        settled.set()

    with db.session() as s:  # the submit: it checks while the document is still being read, then commits late
        app = s.get(Application, app_id)
        assert app is not None
        app.status = "submitted"
        s.flush()
        assert not assess_when_ready(s, app_id)  # the document is still processing as this transaction sees it
        worker = threading.Thread(target=reading_finishes)
        worker.start()
        settled.wait(1.0)  # unlocked, the reading would check now, see the application still open, and commit
    worker.join(30)
    assert settled.is_set()
    with db.session() as s:
        assert [j.kind for j in s.scalars(select(Job))] == ["assess_application"]
