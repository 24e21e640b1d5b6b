"""`create_app(settings)`: the service as one FastAPI app — the REST API (`attest.api`), the reviewer pages
(`attest.web`), and the engines, database, blob store and worker they hold.

This is the composition root: the only module that knows every shell. The API and the pages depend on the
core, the store and the job rows' small vocabulary (`store.jobs`, `store.targets`), never on each other's
wiring; what they need of the worker they see through `api.state.Worker`."""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from attest.api import routes_applications, routes_auth, routes_merchants, routes_ops
from attest.api.auth import Authenticator, RateLimiter, SharedRateLimiter
from attest.api.openapi import finish
from attest.api.problems import HANDLERS
from attest.api.state import AppState
from attest.ops.metrics import registry_with_queue
from attest.ops.requests import RequestContext
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import open_database
from attest.web.mount import install_review_pages


def build_state(settings: Settings, *, start_worker: bool = True) -> AppState:
    """Migrate and open the stores; with the in-process worker, start its reading processes (one per worker
    thread, engines built and warmed) and its threads; with Celery, send each new job to the broker (the workers
    build their own engines)."""
    from attest.engines import load_knowledge
    from attest.review.rules import load_review_rules
    from attest.worker.build import build_context, lane_ocr
    from attest.worker.dispatch import on_commit
    from attest.worker.inprocess import InProcessWorker
    from attest.worker.reader_process import reading_lanes

    load_knowledge()  # a bad knowledge file stops the service here, naming the file and the key
    load_review_rules()  # the reviewer actions' rules too (data/review.yaml)
    worker, broker = None, None
    probe: Callable[[], object] | None = None
    if settings.service.worker == "celery":
        from attest.worker.celery_app import make_celery, publisher

        broker = make_celery(settings)
        db = open_database(settings.service.database_url, settings.data_dir)
        on_commit(db, publisher(broker))
        probe = _server_probe(settings)
    elif start_worker:
        threads = settings.service.workers or os.cpu_count() or 1
        lane_settings = settings.model_copy(update={"ocr": lane_ocr(settings.ocr, threads)})
        readers = reading_lanes(lane_settings, threads)  # started and warmed before the service reports ready
        ctx = build_context(lane_settings, reader=readers[0])
        worker = InProcessWorker([dataclasses.replace(ctx, reader=reader) for reader in readers])
        on_commit(ctx.db, lambda _ids: worker.wake())
        worker.start()
        db = ctx.db
        probe = ctx.patterns.client.heartbeat if ctx.patterns is not None else None
    else:
        db = open_database(settings.service.database_url, settings.data_dir)
    limiter: RateLimiter | SharedRateLimiter = RateLimiter(settings.service.rate_limit_per_minute)
    if broker is not None:  # several API processes: count each key's requests in Redis, once for all
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        limiter = SharedRateLimiter(settings.service.rate_limit_per_minute, redis.Redis.from_url(
            settings.service.broker_url, socket_timeout=0.3, socket_connect_timeout=0.3, retry=Retry(NoBackoff(), 0)))
    return AppState(settings=settings, db=db, blobs=BlobStore(settings.data_dir / "blobs"), worker=worker,
                    broker=broker, limiter=limiter, authenticate=Authenticator(db), pattern_probe=probe)


def _server_probe(settings: Settings) -> Callable[[], None]:
    """Celery mode: the store lives in the workers, so this process only asks the Chroma server whether it
    answers, through one client made on the first probe, and never opens an embedded store."""
    client: list[Any] = []

    def probe() -> None:
        if not settings.patterns.chroma_url:
            raise RuntimeError("Celery workers need the pattern store as a server: ATTEST_PATTERNS__CHROMA_URL")
        if not client:
            from attest.patterns.store import client_from

            client.append(client_from(settings.patterns, settings.data_dir))
        client[0].heartbeat()

    return probe


def _metrics_listener(settings: Settings, state: AppState) -> Any:
    """Prometheus metrics on their own port (`service.metrics_port`), apart from the public API; None when
    no port is set."""
    if settings.service.metrics_port is None:
        return None
    from prometheus_client import start_http_server

    server, _thread = start_http_server(settings.service.metrics_port, addr=settings.service.metrics_host,
                                        registry=registry_with_queue(state.db))
    return server


def create_app(settings: Settings | None = None, *, start_worker: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or Settings()
        state = build_state(chosen, start_worker=start_worker)
        app.state.attest = state
        metrics = _metrics_listener(chosen, state)
        # What start-up built lives as long as the process. A full collection walked it all, with every request
        # stalled behind it; frozen, collections walk only what requests made since (docs/measurements.md).
        gc.collect()
        gc.freeze()
        yield
        gc.unfreeze()  # collectable again: a process that serves several apps in turn (the tests) frees them
        if metrics is not None:
            metrics.shutdown()
            metrics.server_close()
        if state.worker is not None:
            state.worker.stop()
        state.db.engine.dispose()

    app = FastAPI(title="attest", version="0.1.0", lifespan=lifespan,
                  description="Self-attestation for small-business credit: merchants upload invoices, contracts, "
                              "licences and shop photos; attest reads and checks them and decides a credit-line "
                              "uplift with an audit trail. Errors are RFC 9457 problem+json.")
    handlers: dict[Any, Any] = HANDLERS
    for exc, handler in handlers.items():
        app.add_exception_handler(exc, handler)
    app.include_router(routes_auth.router)
    app.include_router(routes_merchants.router)
    app.include_router(routes_applications.router)
    app.include_router(routes_ops.router)
    install_review_pages(app)
    app.add_middleware(RequestContext)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
