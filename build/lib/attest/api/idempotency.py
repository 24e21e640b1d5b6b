"""`Idempotency-Key` on POSTs: the first response is stored and replayed for every repeat of the same request;
the same key with a different request is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from attest.api.auth import Principal
from attest.api.problems import Problem
from attest.store.db import Database
from attest.store.models import IdempotentResponse


async def idempotent(request: Request, who: Principal, db: Database,
                     produce: Callable[[], Awaitable[JSONResponse]]) -> JSONResponse:
    client_key = request.headers.get("idempotency-key")
    if not client_key:
        return await produce()
    if len(client_key) > 120:
        raise Problem(422, "idempotency-key-invalid", "Idempotency-Key is longer than 120 characters")
    body = await request.body()
    fingerprint = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
    key = f"{who.key_id}:{client_key}"
    with db.session() as s:  # a primary-key read: cheap enough for the event loop
        seen = s.get(IdempotentResponse, key)
        if seen is not None:
            if seen.fingerprint != fingerprint:
                raise Problem(422, "idempotency-key-reused", "This Idempotency-Key was used for another request")
            return JSONResponse(json.loads(seen.body), status_code=seen.status_code,
                                headers={"Idempotent-Replayed": "true"})
    response = await produce()
    if response.status_code < 500:
        try:
            with db.session() as s:
                s.add(IdempotentResponse(key=key, fingerprint=fingerprint, status_code=response.status_code,
                                         body=bytes(response.body).decode()))
        except IntegrityError:
            pass  # a concurrent repeat stored its response first; both describe the same effect
    return response
