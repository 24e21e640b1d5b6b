"""The default worker: threads in the API process that claim jobs from the database and run them."""

from __future__ import annotations

import logging
import threading

from attest.store import jobs
from attest.worker import runner, tasks

log = logging.getLogger("attest.worker")


class InProcessWorker:
    def __init__(self, lanes: list[tasks.Context], *, poll_s: float = 0.2) -> None:
        """One thread per context in `lanes`: each reads with its context's reader (in the service, a reading
        process of its own: `attest.worker.reader_process`); they share the database, stores and settings."""
        self.lanes = lanes
        self.ctx = lanes[0]
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._pool: list[threading.Thread] = []

    def start(self) -> None:
        n = jobs.requeue_running(self.ctx.db)
        if n:
            log.warning("requeued %d jobs left running by a previous process", n)
        for i, lane in enumerate(self.lanes):
            t = threading.Thread(target=self._loop, args=(lane,), name=f"attest-worker-{i}", daemon=True)
            t.start()
            self._pool.append(t)

    def wake(self) -> None:
        self._wake.set()

    def ocr_version(self) -> str:
        return self.ctx.reader.ocr_version()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._pool:
            t.join(timeout=30)

    def _loop(self, ctx: tasks.Context) -> None:
        # Not niced: the thread itself only keeps the books (the reading process is niced), and a niced thread
        # holding SQLite's one writer while the cores read would hold up every upload behind it.
        while not self._stop.is_set():
            try:
                job = jobs.claim(ctx.db, lease_s=ctx.settings.service.job_lease_s)
            except Exception:  # the database is away: keep the thread, try again shortly
                log.warning("could not claim a job", exc_info=True)
                self._stop.wait(2.0)
                continue
            if job is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()
                continue
            try:
                runner.execute(ctx, job)
            except runner.TransientFault as exc:
                # The database (or a webhook) is away for a moment: give the job back and let it cool down.
                runner.retry_later(ctx, job, exc)
                self._stop.wait(min(30.0, 0.5 * 2 ** min(job.attempts, 6)))
            except Exception:  # a bug in the bookkeeping itself must not kill the thread
                log.exception("job %s could not be run", job.id)
            self._wake.set()  # finishing a job may have enqueued the next (an assessment)
