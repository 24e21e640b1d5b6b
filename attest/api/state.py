"""What the app holds for its lifetime, and the dependencies routes take."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.attest
    return state


StateDep = Annotated[AppState, Depends(get_state)]


# Declared as HTTP bearer so the OpenAPI document names the scheme and generated SDKs send the key the way
# the README does; the raw header is what `Authenticator` judges (its own 401 problems, not FastAPI's 403).
bearer = HTTPBearer(auto_error=False, scheme_name="apiKey", description="An API key: `Authorization: Bearer atk_…`")


def get_principal(state: StateDep, request: Request,
                  _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    who = state.authenticate(request.headers.get("authorization"))
    state.limiter.check(who.key_id)
    return who


PrincipalDep = Annotated[Principal, Depends(get_principal)]
