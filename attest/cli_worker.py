"""`attest worker`: one Celery worker process (solo pool: one job at a time; run one per core)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from typing import Annotated

import typer


def _announce(app: object, name: str, ocr: str, every_s: float) -> None:
    """Say in Redis that this worker is alive with its OCR loaded (the API's /readyz reads it)."""
    from attest.api.routes_ops import WORKER_KEY

    def loop() -> None:
        while True:
            try:
                with app.connection_for_write() as conn:  # type: ignore[attr-defined]
                    conn.default_channel.client.set(f"{WORKER_KEY}{name}", json.dumps({"ocr": ocr, "pid": os.getpid()}),
                                                    ex=int(every_s * 4))
            except Exception:  # the broker is away; Celery's consumer reconnects on its own
                pass
            time.sleep(every_s)

    threading.Thread(target=loop, name="attest-announce", daemon=True).start()


def worker(metrics_port: Annotated[int, typer.Option(help="Serve this process's Prometheus metrics (0: off).")] = 0,
           metrics_host: Annotated[str, typer.Option(help="Address the metrics listen on (0.0.0.0 in a container)."
                                                     )] = "127.0.0.1",
           name: Annotated[str, typer.Option(help="Worker name; default: host and pid.")] = "") -> None:
    """Run jobs from the broker (ATTEST_SERVICE__WORKER=celery): same task code as the in-process worker."""
    from attest.ops.logs import configure_logging
    from attest.settings import get_settings
    from attest.worker.celery_app import QUEUE, celery_app, start_sweeper, worker_context

    settings = get_settings()
    configure_logging(settings.log)
    if not settings.patterns.chroma_url:
        typer.echo("error: worker processes cannot share an embedded pattern store; run a Chroma server and set "
                   "ATTEST_PATTERNS__CHROMA_URL", err=True)
        raise typer.Exit(code=2)
    name = name or f"{socket.gethostname()}-{os.getpid()}"
    ctx = worker_context()  # engines loaded and the database migrated before the first message is taken
    app = celery_app()
    start_sweeper(ctx, app)
    _announce(app, name, ctx.reader.ocr_version(), settings.service.sweep_s)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host)
    app.worker_main(["worker", "--pool=solo", "--concurrency=1", "-Q", QUEUE, "-n", f"attest-{name}@%h",
                     "--without-gossip", "--without-mingle", "--without-heartbeat", f"--loglevel={settings.log.level}"])


def worker_check() -> None:
    """Exit 0 if a worker on this host has announced itself within the last minute (a container healthcheck)."""
    from attest.api.routes_ops import WORKER_KEY
    from attest.settings import get_settings
    from attest.worker.celery_app import make_celery

    app = make_celery(get_settings())
    with app.connection_for_write() as conn:
        found = next(conn.default_channel.client.scan_iter(f"{WORKER_KEY}{socket.gethostname()}-*", count=100), None)
    raise typer.Exit(code=0 if found else 1)
