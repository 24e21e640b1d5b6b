"""Adds the reviewer page to the service app: its routes, static files, error pages and security headers."""

from __future__ import annotations

import time
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from attest.web import routes_actions, routes_case, routes_queue, routes_session
from attest.web.routes_case import CaseNotFound
from attest.web.session import LoginRequired, WebForbidden, lang_of
from attest.web.templating import HERE, render

# Scripts and styles only from this origin, no inline script, no framing: an injected string in a merchant's
# document (it is shown to the reviewer) can neither run nor restyle the page.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class ReviewHeaders:
    """Security headers on every reviewer page, and `Server-Timing` (how long the server took, for the
    browser's network panel and the page-time measurement). A plain ASGI middleware: other paths (uploads)
    pass straight through, without the per-request cost of Starlette's `BaseHTTPMiddleware`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/review"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
                if not path.startswith("/review/static") and all(k.lower() != b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))  # case data stays off shared and disk caches
                took = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={took:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _login_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    target = f"/review/login?next={quote(exc.next_url, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", lang_of(request), status_code=403, title="error.forbidden",
                  message=str(exc))


def _not_found(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", lang_of(request), status_code=404, title="error.not_found", message="")


def install_review_pages(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_redirect)
    app.add_exception_handler(WebForbidden, _forbidden)
    app.add_exception_handler(CaseNotFound, _not_found)
    for module in (routes_session, routes_queue, routes_case, routes_actions):
        app.include_router(module.router)
    app.mount("/review/static", StaticFiles(directory=HERE / "static"), name="review-static")
    app.add_middleware(ReviewHeaders)
