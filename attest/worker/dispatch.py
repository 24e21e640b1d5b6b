"""Tell workers about new jobs once the transaction that recorded them commits (never before: a worker must
find the row). In-process: wake the threads. Celery: one message per job; if the broker is down the message is
lost but the job is not — it is a row, and a worker's sweep dispatches it again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from attest.store.db import Database
from attest.store.jobs import NEW_JOBS

log = logging.getLogger("attest.dispatch")
Publish = Callable[[list[str]], None]


def on_commit(db: Database, publish: Publish) -> None:
    """Call `publish(job_ids)` after every commit that enqueued jobs through this database's sessions."""

    # SQLAlchemy fires both hooks for a SAVEPOINT too (`enqueue` adds each job in one): only the outer
    # transaction's end counts. Published on a savepoint's release, a job reached a Celery worker before its row
    # was committed; the worker found nothing to claim, and the job waited for the sweep (13-15 s per job).
    def after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return
        ids = session.info.pop(NEW_JOBS, None)
        if ids:
            try:
                publish(list(ids))
            except Exception:  # a broker outage must not fail the request: the rows are safe, the sweep resends
                log.warning("could not dispatch %d new jobs; a worker's sweep will", len(ids), exc_info=True)

    def after_rollback(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint rolled back (a job another request had enqueued): the jobs noted so far stand
        session.info.pop(NEW_JOBS, None)

    event.listen(db.sessions, "after_commit", after_commit)
    event.listen(db.sessions, "after_rollback", after_rollback)
