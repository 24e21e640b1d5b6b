"""Celery workers over Redis, running the same task code as the in-process worker (`runner.execute`).

A message names one job; the job's state stays in the database. Messages are acknowledged late, so a worker
killed mid-job has its message delivered again; the job's lease (renewed while it runs) runs out and the next
worker takes it over. A transient fault releases the job and retries the message with exponential backoff; any
other error is recorded on the job. Each worker also sweeps: jobs queued with no message left in the broker (it
restarted and kept nothing) and jobs whose lease ran out are sent again. Duplicated messages are harmless: a job
is claimed by a compare-and-set update, so only one worker runs it."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from functools import cache

from celery import Celery, Task
from sqlalchemy import select, update

from attest.settings import Settings, get_settings
from attest.store import jobs
from attest.store.models import Job, utcnow
from attest.worker import runner, tasks
from attest.worker.dispatch import Publish

log = logging.getLogger("attest.celery")
QUEUE = "attest"
TASK = "attest.run_job"
MAX_RETRIES = 8


def make_celery(settings: Settings) -> Celery:
    app = Celery("attest", broker=settings.service.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,  # acknowledged after the job ran: a killed worker's message comes back
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one message at a time; OCR jobs are long
        task_default_queue=QUEUE,
        task_ignore_result=True,  # the result is in the database
        # A message not acknowledged within this time is delivered again (Redis has no consumer heartbeats).
        broker_transport_options={"visibility_timeout": max(60, int(settings.service.job_lease_s * 2))},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out a broker restart
        # Publishing must not hold an upload for long when Redis is away: the sweep resends instead.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        worker_hijack_root_logger=False,
        # On a lost broker connection the running job finishes; its acknowledgement may be lost, so its message
        # comes back and finds the job done (claims are compare-and-set). Celery asks for this to be explicit.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_send_task_events=False,
    )
    app.task(name=TASK, bind=True, max_retries=MAX_RETRIES)(run_job)
    return app


@cache
def celery_app() -> Celery:
    return make_celery(get_settings())


def publisher(app: Celery) -> Publish:
    def publish(job_ids: list[str]) -> None:
        for job_id in job_ids:
            app.send_task(TASK, args=[job_id], queue=QUEUE)

    return publish


_context: tasks.Context | None = None
_context_lock = threading.Lock()


def worker_context() -> tasks.Context:
    """The engines, database, blob and pattern stores of this worker process, built on first use."""
    global _context
    with _context_lock:
        if _context is None:
            from attest.worker.build import build_context

            _context = build_context(get_settings(), publish=publisher(celery_app()))
        return _context


def _backoff(task: Task) -> int:
    """Seconds before the next try: 1, 2, 4 … 60."""
    retries = int(task.request.retries)
    return 60 if retries >= 6 else 1 << retries


def run_job(task: Task, job_id: str) -> str:
    ctx = worker_context()
    try:
        job = jobs.claim_job(ctx.db, job_id, lease_s=ctx.settings.service.job_lease_s)
    except Exception as exc:
        if runner.is_transient(exc):  # the database is away: keep the message, try again later
            raise task.retry(exc=exc, countdown=_backoff(task)) from exc
        raise
    if job is None:
        return "skipped"  # done already, or a live worker holds it (a duplicated message)
    try:
        runner.execute(ctx, job)
    except runner.TransientFault as exc:
        if task.request.retries >= MAX_RETRIES:
            runner.fail(ctx, job, f"gave up after {MAX_RETRIES} retries: {exc}")
            return "failed"
        runner.retry_later(ctx, job, exc)
        raise task.retry(exc=exc, countdown=_backoff(task)) from exc
    return "done"


def sweep(ctx: tasks.Context, app: Celery, *, grace_s: float = 5.0) -> int:
    """Resend lost work: running jobs whose lease ran out (their worker died; they go back to the queue first,
    so they are resent once, not on every sweep), and queued jobs when the broker holds no message for this
    queue (it restarted and kept nothing). Returns how many messages were sent."""
    now = utcnow()
    stale = now - timedelta(seconds=ctx.settings.service.job_lease_s)
    waiting = _broker_depth(app)
    with ctx.db.session() as s:
        orphans = list(s.scalars(select(Job.id).where(Job.status == "running", Job.claimed_at < stale).limit(5000)))
        if orphans:
            s.execute(update(Job).where(Job.id.in_(orphans), Job.status == "running", Job.claimed_at < stale)
                      .values(status="queued", claim=None))
        queued: list[str] = []
        if waiting == 0:
            queued = list(s.scalars(select(Job.id).where(Job.status == "queued",
                                                         Job.created_at < now - timedelta(seconds=grace_s))
                                    .order_by(Job.created_at).limit(5000)))
    ids = list(dict.fromkeys([*orphans, *queued]))
    if ids:
        log.warning("sweep: resending %d jobs (%d orphaned by a dead worker; broker queue held %s messages)",
                    len(ids), len(orphans), waiting)
        publisher(app)(ids)
    return len(ids)


def _broker_depth(app: Celery) -> int:
    """Messages waiting in the broker for this queue (Redis lists, one per priority level)."""
    with app.connection_for_read() as conn:
        client = conn.default_channel.client
        keys = [QUEUE, *(f"{QUEUE}\x06\x16{p}" for p in (3, 6, 9))]
        return int(sum(client.llen(k) for k in keys))


def start_sweeper(ctx: tasks.Context, app: Celery) -> threading.Event:
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(ctx.settings.service.sweep_s):
            try:
                sweep(ctx, app)
            except Exception:  # the broker or the database is away: the next sweep tries again
                log.warning("sweep failed", exc_info=True)

    threading.Thread(target=loop, name="attest-sweeper", daemon=True).start()
    return stop
