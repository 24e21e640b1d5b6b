"""Reviewer sessions in a cookie, and CSRF protection for every form.

The cookie holds the session key a login returns (`attest.api.accounts.login`), so a session is an API key
with an expiry, revoked at logout. It is HttpOnly (no script reads it), SameSite=Lax, Path=/review, and
Secure when `service.cookie_secure` is set. A form's CSRF token is an HMAC of the session key: the page
carries it, a cross-site page cannot compute it, and no server-side store is needed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response

from attest.api.auth import Principal
from attest.api.problems import Problem
from attest.api.state import AppState, StateDep
from attest.store.models import Reviewer

SESSION_COOKIE = "attest_session"
LOGIN_CSRF_COOKIE = "attest_login_csrf"
LANG_COOKIE = "attest_lang"
COOKIE_PATH = "/review"


class LoginRequired(Exception):
    """No valid session: a page answers with the login page, an htmx request with `HX-Redirect` to it."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class WebForbidden(Exception):
    """A refused form post (CSRF, origin) or a role that may not use the reviewer page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class WebUser:
    principal: Principal
    reviewer_id: str
    username: str
    csrf: str
    lang: str

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id


def csrf_for(session_key: str) -> str:
    return hmac.new(session_key.encode(), b"attest-review-csrf", hashlib.sha256).hexdigest()


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"


def safe_next(url: str | None) -> str:
    """Only a path inside the reviewer page: never another site (`//evil`, `https://…`)."""
    if not url:
        return COOKIE_PATH
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith(COOKIE_PATH) or url.startswith("//") or "\\" in url:
        return COOKIE_PATH
    return url


def set_cookie(response: Response, state: AppState, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="lax",
                        secure=state.settings.service.cookie_secure)


def check_origin(request: Request) -> None:
    """A browser names the page a form came from; refuse a post from any other site (defence in depth)."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != own:
            raise WebForbidden("the form was posted from another site")


async def check_csrf(request: Request, user: WebUser) -> None:
    check_origin(request)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, user.csrf):
        raise WebForbidden("the form's security token is missing or wrong; reload the page and try again")


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def current_user(request: Request, state: StateDep) -> WebUser:
    key = request.cookies.get(SESSION_COOKIE)
    next_url = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/?=&")
    if not key:
        raise LoginRequired(next_url)
    try:
        who = state.authenticate(f"Bearer {key}")
    except Problem as exc:
        raise LoginRequired(next_url) from exc
    if who.reviewer_id is None or who.role not in ("reviewer", "admin"):
        raise WebForbidden("only reviewer accounts can use the reviewer page")
    state.limiter.check(who.key_id)
    with state.db.session() as s:
        reviewer = s.get(Reviewer, who.reviewer_id)
        if reviewer is None or reviewer.disabled:
            raise LoginRequired(next_url)
        username = reviewer.username
    return WebUser(principal=who, reviewer_id=who.reviewer_id, username=username, csrf=csrf_for(key),
                   lang=lang_of(request))


UserDep = Annotated[WebUser, Depends(current_user)]
