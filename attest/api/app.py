"""`create_app(settings)`: the FastAPI app, with the engines, database, blob store and worker it holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from attest.api import routes_applications, routes_auth, routes_merchants
from attest.api.auth import Authenticator, RateLimiter
from attest.api.problems import HANDLERS
from attest.api.state import AppState
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import open_database
from attest.web.mount import install_review_pages


def build_state(settings: Settings, *, start_worker: bool = True) -> AppState:
    """Migrate, open the stores and build the engines once; start the in-process worker."""
    from attest.engines import build_engines
    from attest.patterns.store import PatternStore
    from attest.score import load_policy
    from attest.worker.inprocess import InProcessWorker
    from attest.worker.tasks import Context

    db = open_database(settings.service.database_url, settings.data_dir)
    blobs = BlobStore(settings.data_dir / "blobs")
    worker = None
    if start_worker:
        ctx = Context(db=db, blobs=blobs, engines=build_engines(settings), policy=load_policy(),
                      patterns=PatternStore.open(settings.patterns, settings.data_dir), settings=settings)
        worker = InProcessWorker(ctx, threads=settings.service.workers)
        worker.start()
    return AppState(settings=settings, db=db, blobs=blobs, worker=worker,
                    limiter=RateLimiter(settings.service.rate_limit_per_minute), authenticate=Authenticator(db))


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
    install_review_pages(app)
    return app
