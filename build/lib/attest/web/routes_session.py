"""/review/login, /review/logout and the language toggle."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from attest.api.accounts import SESSION_HOURS, login
from attest.api.problems import Problem
from attest.api.state import StateDep
from attest.store.models import ApiKey, Tenant
from attest.web.session import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    UserDep,
    check_csrf,
    check_origin,
    lang_of,
    new_login_token,
    safe_next,
    set_cookie,
)
from attest.web.templating import render

router = APIRouter(prefix="/review", include_in_schema=False)


def _only_tenant(state: StateDep) -> str:
    """The tenant to prefill when the deployment serves exactly one (the usual bank set-up)."""
    with state.db.session() as s:
        ids = s.scalars(select(Tenant.id).limit(2)).all()
    return ids[0] if len(ids) == 1 else ""


def _login_page(request: Request, state: StateDep, *, next_url: str, error: str | None = None,
                status_code: int = 200, tenant: str | None = None, username: str = "") -> Response:
    token = new_login_token()
    response = render(request, "login.html", lang_of(request), status_code=status_code, csrf=token,
                      next_url=safe_next(next_url), error=error, username=username,
                      tenant=tenant if tenant is not None else _only_tenant(state))
    set_cookie(response, state, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, state: StateDep, next: str = "/review") -> Response:
    return _login_page(request, state, next_url=next)


@router.post("/login")
async def login_submit(request: Request, state: StateDep, tenant_id: Annotated[str, Form(max_length=40)],
                       username: Annotated[str, Form(max_length=80)], password: Annotated[str, Form(max_length=200)],
                       csrf_token: Annotated[str, Form(max_length=100)],
                       next: Annotated[str, Form(max_length=500)] = "/review") -> Response:
    check_origin(request)
    # Double-submit token: a cross-site form cannot read the cookie to copy it into the field.
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _login_page(request, state, next_url=next, error="login.expired", status_code=403,
                           tenant=tenant_id, username=username)
    try:
        key, _role = await run_in_threadpool(login, state.db, tenant_id=tenant_id.strip(),
                                             username=username.strip(), password=password)
    except Problem:
        return _login_page(request, state, next_url=next, error="login.failed", status_code=401,
                           tenant=tenant_id, username=username)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, state, SESSION_COOKIE, key, max_age=SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/review")
    return response


@router.post("/logout")
async def logout(request: Request, state: StateDep, user: UserDep) -> Response:
    await check_csrf(request, user)
    with state.db.session() as s:
        s.execute(update(ApiKey).where(ApiKey.id == user.principal.key_id).values(revoked=True))
    state.authenticate.forget(f"Bearer {request.cookies.get(SESSION_COOKIE, '')}")
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/review")
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, state: StateDep, next: str = "/review") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, state, LANG_COOKIE, "en" if lang == "en" else "zh", max_age=365 * 86400)
    return response
