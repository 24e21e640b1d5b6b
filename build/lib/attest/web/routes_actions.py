"""POST /review/cases/{id}/{action}: a reviewer's decision, in place (htmx) or as a plain form post."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from attest.api.state import StateDep
from attest.review.actions import (
    ACTIONS,
    ReviewAction,
    ReviewConflict,
    Reviewer,
    ReviewInvalid,
    ReviewNotFound,
    apply_review,
)
from attest.web.routes_case import CaseNotFound, case_response, load_case
from attest.web.session import UserDep, check_csrf
from attest.web.templating import render

router = APIRouter(prefix="/review", include_in_schema=False)


@router.post("/cases/{application_id}/{action}")
async def act(application_id: str, action: str, request: Request, state: StateDep, user: UserDep) -> Response:
    await check_csrf(request, user)
    if action not in ACTIONS:
        raise CaseNotFound(application_id)
    form = await request.form()

    def text(name: str, limit: int = 2000) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    try:
        version = int(text("version", 20))
    except ValueError:
        version = -1
    taken = ReviewAction(kind=action, version=version, uplift=text("uplift", 40) or None,
                         reason=text("reason"),
                         reason_codes=tuple(v for v in form.getlist("reason_codes") if isinstance(v, str)),
                         evidence_kinds=tuple(v for v in form.getlist("evidence_kinds") if isinstance(v, str)),
                         document_id=text("document_id", 64) or None, read_as=text("read_as", 40) or None)
    error: str | None = None
    status, error_title = 200, None
    try:
        await run_in_threadpool(apply_review, state.db, application_id=application_id, tenant_id=user.tenant_id,
                                reviewer=Reviewer(id=user.reviewer_id, username=user.username), action=taken)
    except ReviewNotFound as exc:
        raise CaseNotFound(application_id) from exc
    except ReviewInvalid as exc:
        error, status, error_title = str(exc), 422, "action.invalid"
    except ReviewConflict as exc:
        error, status, error_title = str(exc), 409, "action.conflict"
    htmx = bool(request.headers.get("hx-request"))
    if not htmx and error is None:  # a plain form post: back to the case page (post/redirect/get)
        return RedirectResponse(f"/review/cases/{application_id}#decision", status_code=303)
    case = await run_in_threadpool(load_case, state, user, application_id)
    if not htmx:
        return case_response(request, user, case, doc=None, field=None, error=error, error_title=error_title,
                             status_code=status)
    # The decision panel in place, and the audit trail beside it (out of band), so the new event shows at once.
    return render(request, "_decision_swap.html", user.lang, status_code=status, user=user, case=case,
                  error=error, error_title=error_title, notice=None if error else action)
