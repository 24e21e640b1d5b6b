"""What the app holds for its lifetime, and the dependencies routes take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from attest.api.auth import Authenticator, Principal, RateLimiter, SharedRateLimiter
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import Database
from attest.worker.inprocess import InProcessWorker


@dataclass
class AppState:
    settings: Settings
    db: Database
    blobs: BlobStore
    worker: InProcessWorker | None
    broker: Any  # the Celery app new jobs are sent through, when `service.worker` is celery
    limiter: RateLimiter | SharedRateLimiter
    authenticate: Authenticator
    pattern_client: Any = None  # Celery mode: the readiness probe's client of the Chroma server, made once


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.attest
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_principal(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> Principal:
    who = state.authenticate(authorization)
    state.limiter.check(who.key_id)
    return who


PrincipalDep = Annotated[Principal, Depends(get_principal)]
