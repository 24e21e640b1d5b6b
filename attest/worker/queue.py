"""Jobs in the database: enqueued once per (kind, target), claimed with a token, taken over when stale."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attest.store.db import Database
from attest.store.models import Job, utcnow


def enqueue(session: Session, kind: str, target_id: str) -> None:
    """Record a job unless one for this target exists (a repeat request adds nothing)."""
    if session.scalar(select(Job.id).where(Job.kind == kind, Job.target_id == target_id)) is not None:
        return
    try:
        with session.begin_nested():
            session.add(Job(kind=kind, target_id=target_id))
    except IntegrityError:
        return  # a concurrent request enqueued it first


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
