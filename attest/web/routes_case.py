"""/review/cases/{id}: the case page (and its viewer alone, for htmx), and the page pictures it shows."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from attest.api.state import AppState, StateDep
from attest.schemas.document import DocumentResult
from attest.store.models import Application, Document
from attest.store.previews import get_preview
from attest.web.case import CaseView, build_case
from attest.web.export import transactions_csv
from attest.web.session import UserDep, WebUser
from attest.web.templating import render

router = APIRouter(prefix="/review", include_in_schema=False)


class CaseNotFound(Exception):
    """No such case for this reviewer's tenant (another tenant's case is answered the same way)."""


def load_case(state: AppState, user: WebUser, application_id: str, *, flows: str | None = None) -> CaseView:
    with state.db.session() as s:
        app = s.get(Application, application_id)
        if app is None or app.tenant_id != user.tenant_id:
            raise CaseNotFound(application_id)
        return build_case(s, app, flows_category=flows)


def case_response(request: Request, user: WebUser, case: CaseView, *, doc: str | None, field: str | None,
                  notice: str | None = None, error: str | None = None, error_title: str | None = None,
                  status_code: int = 200) -> Response:
    selected = case.doc(doc)
    context: dict[str, Any] = {"user": user, "case": case, "selected": selected, "field": field or "", "notice": notice,
               "error": error, "error_title": error_title}
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "viewer":
        return render(request, "_viewer.html", user.lang, **context)
    return render(request, "case.html", user.lang, status_code=status_code, **context)


@router.get("/cases/{application_id}")
async def case_page(application_id: str, request: Request, state: StateDep, user: UserDep, doc: str | None = None,
                    field: str | None = None,
                    flows: Annotated[str | None, Query(max_length=20, pattern=r"^[a-z_]+$")] = None) -> Response:
    case = await run_in_threadpool(load_case, state, user, application_id, flows=flows)
    return case_response(request, user, case, doc=doc, field=field)


@router.get("/documents/{document_id}/pages/{page}.jpg")
async def page_picture(document_id: str, page: int, state: StateDep, user: UserDep,
                       size: Literal["full", "thumb"] = "full") -> Response:
    def work() -> bytes | None:
        # Only the tenant and the status: a cached picture (the usual case) never reads the stored result.
        with state.db.session() as s:
            found = s.execute(select(Application.tenant_id, Document.status).join(
                Document, Document.application_id == Application.id).where(Document.id == document_id)).first()
        if found is None or found.tenant_id != user.tenant_id or found.status != "done":
            return None

        def load() -> tuple[bytes, DocumentResult] | None:
            with state.db.session() as s:
                result_json = s.scalar(select(Document.result_json).where(Document.id == document_id))
            if not result_json:
                return None
            result = DocumentResult.model_validate_json(result_json)
            return state.blobs.get(result.document_id), result

        return get_preview(state.settings.data_dir / "previews", document_id, page, size, load, state.settings)

    data = await run_in_threadpool(work)
    if data is None:
        raise CaseNotFound(document_id)
    # The picture of a read document never changes: the browser may keep it for the working day.
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=28800"})


@router.get("/documents/{document_id}/transactions.csv")
async def statement_transactions(document_id: str, state: StateDep, user: UserDep) -> Response:
    """A statement's transactions as CSV (UTF-8 with a BOM, which spreadsheet programs need to read Chinese)."""
    def work() -> tuple[str, str] | None:
        with state.db.session() as s:
            found = s.execute(select(Application.tenant_id, Document.result_json, Document.filename).join(
                Document, Document.application_id == Application.id).where(Document.id == document_id)).first()
        if found is None or found.tenant_id != user.tenant_id or not found.result_json:
            return None
        result = DocumentResult.model_validate_json(found.result_json)
        if result.statement is None:
            return None
        return transactions_csv(result.statement), found.filename

    got = await run_in_threadpool(work)
    if got is None:
        raise CaseNotFound(document_id)
    text, filename = got
    stem = re.sub(r"[^\w.-]", "_", filename.rsplit(".", 1)[0])[:60] or "statement"
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{document_id}.csv"; '
                                                   f"filename*=UTF-8''{quote(stem)}-transactions.csv",
                             "X-Content-Type-Options": "nosniff"})
