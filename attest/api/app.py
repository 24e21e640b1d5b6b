"""`create_app(settings)`: the FastAPI app, with the engines, database, blob store and worker it holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from attest.api import routes_applications, routes_auth, routes_merchants, routes_ops
from attest.api.auth import Authenticator, RateLimiter, SharedRateLimiter
from attest.api.problems import HANDLERS
from attest.api.state import AppState
from attest.ops.requests import RequestContext
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import open_database
from attest.web.mount import install_review_pages


def build_state(settings: Settings, *, start_worker: bool = True) -> AppState:
    """Migrate and open the stores; with the in-process worker, build the engines once and start it; with
    Celery, send each new job to the broker (the workers build their own engines)."""
    from attest.worker.build import build_context
    from attest.worker.dispatch import on_commit
    from attest.worker.inprocess import InProcessWorker

    worker, broker = None, None
    if settings.service.worker == "celery":
        from attest.worker.celery_app import make_celery, publisher

        broker = make_celery(settings)
        db = open_database(settings.service.database_url, settings.data_dir)
        on_commit(db, publisher(broker))
    elif start_worker:
        ctx = build_context(settings)
        worker = InProcessWorker(ctx, threads=settings.service.workers)
        on_commit(ctx.db, lambda _ids: worker.wake())
        worker.start()
        db = ctx.db
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
                    broker=broker, limiter=limiter, authenticate=Authenticator(db))


def create_app(settings: Settings | None = None, *, start_worker: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = build_state(settings or Settings(), start_worker=start_worker)
        app.state.attest = state
        yield
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
    return app
