"""Run one claimed job: renew its lease while it runs, record how it ended. Shared by the in-process worker
and the Celery task, so both run the same task code the same way."""

from __future__ import annotations

import contextlib
import logging
import threading

import httpx
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from attest.ops import context
from attest.ops.metrics import JOBS
from attest.store import jobs
from attest.store.models import Job
from attest.worker import tasks

log = logging.getLogger("attest.worker")


class TransientFault(Exception):
    """The job met a fault that may pass (database or broker connection, a webhook's 5xx): try it again later."""


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | DisconnectionError | ConnectionError | TimeoutError | httpx.TransportError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code >= 500:
        return True
    try:
        import redis.exceptions

        return isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError)
    except ImportError:  # pragma: no cover - redis comes with the celery extra
        return False


def _beat(ctx: tasks.Context, job: Job, stop: threading.Event) -> None:
    while not stop.wait(ctx.settings.service.heartbeat_s):
        try:
            if not jobs.heartbeat(ctx.db, job):
                log.warning("job %s was taken over by another worker", job.id)
                return
        except Exception:  # the database may be away for a moment; the next beat tries again
            log.warning("could not renew the lease of job %s", job.id, exc_info=True)


def execute(ctx: tasks.Context, job: Job) -> None:
    """Run `job` (already claimed). A bug is recorded on the job and its target settles; a transient fault
    raises `TransientFault` with the job still held — the caller releases it for a retry or gives up."""
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(ctx, job, stop), daemon=True, name=f"lease-{job.id}")
    beat.start()
    # application_id is bound by the task once it knows it; unbound again when the job ends.
    with context.bound(job_id=job.id, job_kind=job.kind, target_id=job.target_id, application_id=None):
        try:
            tasks.run(ctx, job.kind, job.target_id)
        except Exception as exc:
            if is_transient(exc):
                raise TransientFault(f"{type(exc).__name__}: {exc}"[:2000]) from exc
            log.exception("job %s failed", job.id)
            fail(ctx, job, f"{type(exc).__name__}: {exc}"[:2000])
            return
        finally:
            stop.set()
        try:
            jobs.finish(ctx.db, job)
            JOBS.labels(kind=job.kind, result="done").inc()
        except Exception as exc:
            if is_transient(exc):  # done, but not recorded: the lease runs out and a re-run finds it done
                raise TransientFault(f"{type(exc).__name__}: {exc}"[:2000]) from exc
            raise


def fail(ctx: tasks.Context, job: Job, error: str) -> None:
    """The job will not succeed: its target reaches a final state saying so, and the job records why."""
    tasks.on_failure(ctx, job.kind, job.target_id, error)
    jobs.finish(ctx.db, job, error=error)
    JOBS.labels(kind=job.kind, result="failed").inc()


def retry_later(ctx: tasks.Context, job: Job, fault: TransientFault) -> None:
    """Give a job that met a transient fault back to the queue. If even that write fails, the lease runs out
    and the sweep (Celery) or the next claim (in-process) takes the job over."""
    log.warning("job %s met a transient fault, retrying: %s", job.id, fault)
    with contextlib.suppress(Exception):
        jobs.release(ctx.db, job, error=str(fault))
    JOBS.labels(kind=job.kind, result="retried").inc()
