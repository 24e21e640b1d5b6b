"""Adds the reviewer page to the service app: its routes, static files, error pages and security headers."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from attest.web import routes_actions, routes_case, routes_queue, routes_session
from attest.web.routes_case import CaseNotFound
from attest.web.session import LoginRequired, WebForbidden, lang_of
from attest.web.templating import HERE, render

# Scripts and styles only from this origin, no inline script, no framing: an injected string in a merchant's
# document (it is shown to the reviewer) can neither run nor restyle the page.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


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

    @app.middleware("http")
    async def review_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not request.url.path.startswith("/review"):
            return await call_next(request)
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/review/static") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"  # case data stays off shared and disk caches
        # How long the server took, for the browser's network panel and the page-time measurement.
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
