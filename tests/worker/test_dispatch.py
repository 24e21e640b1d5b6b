"""New jobs reach the workers once their transaction has committed, all of them, and only then: a Celery
worker that gets a job's message before the row is visible finds nothing to claim, and the job waits for the
sweep."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import select

from attest.store.db import open_database
from attest.store.jobs import claim, enqueue, enqueue_new
from attest.store.models import Job
from attest.worker.dispatch import on_commit


def test_jobs_are_published_once_the_outer_transaction_commits(tmp_path: Path) -> None:
    db = open_database(None, tmp_path)
    published: list[list[str]] = []
    on_commit(db, published.append)
    with db.session() as s:
        for target in ("doc_a", "doc_b", "doc_c"):
            enqueue(s, "process_document", target)  # each job is added in a savepoint of its own
        assert published == []  # nothing is announced while the rows are uncommitted
    assert len(published) == 1 and len(published[0]) == 3
    with db.session() as s:
        queued = set(s.scalars(select(Job.id).where(Job.status == "queued")))
    assert set(published[0]) == queued


def test_a_savepoint_rolled_back_keeps_the_jobs_noted_before_it(tmp_path: Path) -> None:
    db = open_database(None, tmp_path)
    published: list[list[str]] = []
    on_commit(db, published.append)
    with db.session() as s:
        enqueue(s, "process_document", "doc_a")
        with contextlib.suppress(ValueError), s.begin_nested():
            raise ValueError("a concurrent request enqueued the same job first")
        enqueue(s, "process_document", "doc_b")
    assert [len(ids) for ids in published] == [2]


def test_a_rolled_back_transaction_publishes_nothing(tmp_path: Path) -> None:
    db = open_database(None, tmp_path)
    published: list[list[str]] = []
    on_commit(db, published.append)
    with contextlib.suppress(RuntimeError), db.session() as s:
        enqueue(s, "process_document", "doc_a")
        raise RuntimeError("the request failed")
    assert published == []
    with db.session() as s:  # and the next transaction does not publish the rolled-back job either
        enqueue(s, "process_document", "doc_b")
    assert [len(ids) for ids in published] == [1]


def test_an_uploads_new_jobs_are_published_on_commit_and_claimed_in_upload_order(tmp_path: Path) -> None:
    db = open_database(None, tmp_path)
    published: list[list[str]] = []
    on_commit(db, published.append)
    with db.session() as s:
        enqueue_new(s, "process_document", ["doc_c", "doc_a", "doc_b"])  # one insert, no lookups
        enqueue_new(s, "process_document", [])  # an upload of repeats only adds nothing
        assert published == []
    assert len(published) == 1 and len(published[0]) == 3
    claimed = [job.target_id for job in iter(lambda: claim(db, lease_s=60), None)]
    assert claimed == ["doc_c", "doc_a", "doc_b"]
    with contextlib.suppress(RuntimeError), db.session() as s:
        enqueue_new(s, "process_document", ["doc_d"])
        raise RuntimeError("the upload failed after its jobs were added")
    assert len(published) == 1
    with db.session() as s:
        assert s.scalar(select(Job.id).where(Job.target_id == "doc_d")) is None
