"""An ASGI middleware: every request gets an id (the caller's `X-Request-ID` if sane, else a new one) bound
for its log lines and echoed back, and its latency is recorded by route template (never by raw path, whose
ids would make a metric per application)."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attest.ops import context
from attest.ops.metrics import REQUEST_SECONDS

_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _SANE.fullmatch(sent) else secrets.token_hex(8)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        application_id = None
        path = scope.get("path", "")
        match = re.search(r"/applications/(app_[0-9a-f]+)|/cases/(app_[0-9a-f]+)", path)
        if match:
            application_id = match.group(1) or match.group(2)
        with context.bound(request_id=request_id, application_id=application_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                route: Any = scope.get("route")
                template = getattr(route, "path", None) or ("/review/static" if path.startswith("/review/static")
                                                            else "unmatched")
                REQUEST_SECONDS.labels(method=scope.get("method", ""), route=template,
                                       status=str(status)).observe(time.perf_counter() - started)
