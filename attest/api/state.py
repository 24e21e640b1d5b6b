"""What the app holds for its lifetime, and the dependencies routes take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from attest.api.auth import Authenticator, Principal, RateLimiter, SharedRateLimiter
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import Database


class Worker(Protocol):
    """What the API needs of an in-process worker (`attest.worker.inprocess.InProcessWorker`). Routes see only this,
    so importing a route loads no OCR, pattern store or model client: the composition (`attest.service`) builds
    the worker."""

    def wake(self) -> None: ...

    def stop(self) -> None: ...

    def ocr_version(self) -> str: ...


@dataclass
class AppState:
    settings: Settings
    db: Database
    blobs: BlobStore
    worker: Worker | None
    broker: Any  # the Celery app new jobs are sent through, when `service.worker` is celery
    limiter: RateLimiter | SharedRateLimiter
    authenticate: Authenticator
    # Readiness asks the pattern store through this (embedded: the worker's store; Celery: the Chroma server).
    pattern_probe: Callable[[], object] | None = None


async def get_state(request: Request) -> AppState:  # async: a sync dependency costs a thread-pool hop
    state: AppState = request.app.state.attest
    return state


StateDep = Annotated[AppState, Depends(get_state)]


# Declared as HTTP bearer so the OpenAPI document names the scheme and generated SDKs send the key the way
# the README does; the raw header is what `Authenticator` judges (its own 401 problems, not FastAPI's 403).
bearer = HTTPBearer(auto_error=False, scheme_name="apiKey", description="An API key: `Authorization: Bearer atk_…`")


def _principal(state: AppState, header: str | None) -> Principal:
    who = state.authenticate(header)
    state.limiter.check(who.key_id)
    return who


async def get_principal(state: StateDep, request: Request,
                        _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    """A key verified moments ago and an in-memory rate limit are judged on the event loop (a phone's pages
    back to back); a database lookup or a shared (Redis) limit run in the thread pool, off the loop."""
    header = request.headers.get("authorization")
    who = state.authenticate.remembered(header)
    if who is None or state.limiter.blocks:
        return await run_in_threadpool(_principal, state, header)
    state.limiter.check(who.key_id)
    return who


PrincipalDep = Annotated[Principal, Depends(get_principal)]
