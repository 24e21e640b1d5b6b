"""Jobs in the database: enqueued once per (kind, target), claimed with a token, taken over when stale."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attest.store.db import Database
from attest.store.models import Application, Document, Job, new_id, utc_moments, utcnow
from attest.store.targets import FINAL, assess_target

NEW_JOBS = "attest.new_jobs"  # session.info key: jobs this transaction created
_NEW_JOBS = insert(Job)  # built once (`enqueue_new` runs on every upload)


def enqueue(session: Session, kind: str, target_id: str) -> None:
    """Record a job unless one for this target exists (a repeat request adds nothing). Its id is noted on the
    session, and dispatched to the workers once the transaction commits (`attest.worker.dispatch`)."""
    if session.scalar(select(Job.id).where(Job.kind == kind, Job.target_id == target_id)) is not None:
        return
    job = Job(kind=kind, target_id=target_id)
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        return  # a concurrent request enqueued it first
    session.info.setdefault(NEW_JOBS, []).append(job.id)


def assess_when_ready(s: Session, application_id: str) -> bool:
    """Enqueue the assessment of a submitted application once its every document is final (once per round);
    the one place that decides an application is ready, for the submit route and the worker alike.

    The application's row is locked first (PostgreSQL; SQLite has one writer anyway): a submit and the last
    document's reading that commit at the same moment would otherwise each see the other's state from before it
    and neither enqueue, leaving the application submitted for ever (a statement read in milliseconds showed it)."""
    app = s.scalars(select(Application).where(Application.id == application_id).with_for_update()
                    .execution_options(populate_existing=True)).one_or_none()
    if app is None or app.status != "submitted":
        return False
    statuses = s.scalars(select(Document.status).where(Document.application_id == application_id)).all()
    if not all(st in FINAL for st in statuses):
        return False
    enqueue(s, "assess_application", assess_target(application_id, app.round))
    return True


def enqueue_new(session: Session, kind: str, target_ids: Sequence[str]) -> None:
    """Jobs for targets created in this same transaction: no job for them can exist yet and no other request
    can race to add one, so they are inserted in one statement, with no lookup and no savepoint (an upload's
    documents; the API acknowledges those while every core reads)."""
    if not target_ids:
        return
    rows = [{"id": new_id("job"), "kind": kind, "target_id": target, "status": "queued", "attempts": 0,
             "created_at": at} for target, at in zip(target_ids, utc_moments(len(target_ids)), strict=True)]
    session.connection().execute(_NEW_JOBS, rows)
    session.info.setdefault(NEW_JOBS, []).extend(row["id"] for row in rows)


def claim(db: Database, *, lease_s: float, now: datetime | None = None) -> Job | None:
    """Take the oldest queued job, or a running one whose lease ran out; None when there is nothing to do.

    The update only succeeds if the row is still as it was read, so two workers never hold one job.
    """
    now = now or utcnow()
    stale = now - timedelta(seconds=lease_s)
    for _ in range(5):
        with db.session() as s:
            job = s.scalar(select(Job).where(or_(Job.status == "queued",
                                                 (Job.status == "running") & (Job.claimed_at < stale)))
                           .order_by(Job.created_at).limit(1))
            if job is None:
                return None
            token = secrets.token_hex(8)
            same_claim = Job.claim.is_(None) if job.claim is None else Job.claim == job.claim
            won = s.execute(update(Job).where(Job.id == job.id, Job.status == job.status, same_claim)
                            .values(status="running", claim=token, claimed_at=now, attempts=Job.attempts + 1))
            if won.rowcount == 1:  # type: ignore[attr-defined]
                job.status, job.claim, job.claimed_at = "running", token, now
                return job
    return None


def claim_job(db: Database, job_id: str, *, lease_s: float, now: datetime | None = None) -> Job | None:
    """Take this job if it is queued or its lease ran out (a Celery message names one job); None otherwise:
    done, failed, or held by a live worker."""
    now = now or utcnow()
    stale = now - timedelta(seconds=lease_s)
    token = secrets.token_hex(8)
    with db.session() as s:
        won = s.execute(update(Job).where(Job.id == job_id, or_(Job.status == "queued",
                                                                (Job.status == "running") & (Job.claimed_at < stale)))
                        .values(status="running", claim=token, claimed_at=now, attempts=Job.attempts + 1))
        if won.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return s.get(Job, job_id)


def heartbeat(db: Database, job: Job) -> bool:
    """Renew the lease of a job this worker holds; False if another worker took it over."""
    with db.session() as s:
        done = s.execute(update(Job).where(Job.id == job.id, Job.claim == job.claim, Job.status == "running")
                         .values(claimed_at=utcnow()))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def release(db: Database, job: Job, *, error: str) -> bool:
    """Give a held job back to the queue after a transient fault (it will be tried again)."""
    with db.session() as s:
        done = s.execute(update(Job).where(Job.id == job.id, Job.claim == job.claim, Job.status == "running")
                         .values(status="queued", claim=None, error=error[:2000]))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def finish(db: Database, job: Job, *, error: str | None = None) -> bool:
    """Mark the job done (or failed); False when another worker took it over meanwhile."""
    with db.session() as s:
        done = s.execute(update(Job).where(Job.id == job.id, Job.claim == job.claim)
                         .values(status="failed" if error else "done", finished_at=utcnow(), error=error))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def requeue_running(db: Database) -> int:
    """At start-up of the only worker process: every `running` job belonged to a process that is gone."""
    with db.session() as s:
        res = s.execute(update(Job).where(Job.status == "running").values(status="queued", claim=None))
        return int(res.rowcount)  # type: ignore[attr-defined]
