"""/v1/applications: create, upload documents (202), submit (202), poll, audit export; /v1/documents/{id}."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from attest.api.auth import Principal
from attest.api.idempotency import idempotent
from attest.api.models import ApplicationIn, ApplicationOut, DocumentOut, DocumentResultOut, RetakeOut, ReviewOut
from attest.api.problems import COMMON_RESPONSES, Problem
from attest.api.state import AppState, PrincipalDep, StateDep
from attest.errors import InputError
from attest.ingest.ofd import check_container
from attest.ingest.sniff import OFD, sniff_media_type
from attest.schemas.decision import Assessment
from attest.schemas.document import DocumentResult
from attest.store.models import Application, Document, Merchant, new_id, utc_moments, utcnow
from attest.worker.queue import enqueue, enqueue_new
from attest.worker.targets import FINAL, assess_target

router = APIRouter(tags=["applications"], responses=COMMON_RESPONSES)
# The upload's statements, built once: building a statement costs as much Python as running its cached form.
_UPLOAD_TARGET = select(Application.tenant_id, Application.merchant_id, Application.status).where(
    Application.id == bindparam("application_id"))
_STORED_SHAS = select(Document.sha256).where(Document.application_id == bindparam("application_id"))
_NEW_DOCUMENTS = insert(Document)
# Open to uploads: a new application, or a decided one whose reviewer asked for more evidence.
OPEN = ("open", "evidence_requested")


def _application(s: Session, who: Principal, application_id: str) -> Application:
    app = s.get(Application, application_id)
    if app is None or not who.may_see(app.tenant_id, app.merchant_id):
        raise Problem(404, "not-found", "No such application")
    return app


def _documents_out(d: Document) -> list[DocumentOut]:
    """The upload, then — for a file of several invoices — each invoice as a document of its own."""
    result = DocumentResult.model_validate_json(d.result_json) if d.result_json else None
    parts = result.parts if result is not None else []
    out = [DocumentOut(id=d.id, filename=d.filename, sha256=d.sha256, size=d.size, group_id=d.group_id,
                       status="split" if parts and d.status == "done" else d.status,
                       kind=result.classification.kind if result is not None else None,
                       error={"code": d.error_code, "message": d.error_message or ""} if d.error_code else None,
                       checks=result.checks if result is not None else [])]
    for n, part in enumerate(parts, start=1):
        number = part.invoice.invoice_number if part.invoice is not None else None
        out.append(DocumentOut(id=f"{d.id}~{n}", filename=part.filename, sha256=d.sha256, size=d.size,
                               status="done", kind=part.classification.kind, checks=part.checks, upload_id=d.id,
                               pages=part.page_span, invoice_number=number.value if number is not None else None))
    return out


def _out(s: Session, app: Application) -> ApplicationOut:
    docs = s.scalars(select(Document).where(Document.application_id == app.id).order_by(Document.created_at)).all()
    assessment = Assessment.model_validate_json(app.assessment_json) if app.assessment_json else None
    return ApplicationOut(id=app.id, merchant_id=app.merchant_id, status=app.status,
                          created_at=app.created_at, submitted_at=app.submitted_at, decided_at=app.decided_at,
                          documents=[out for d in docs for out in _documents_out(d)],
                          checks=assessment.checks if assessment else [],
                          decision=assessment.decision if assessment else None, review=_review_out(app),
                          retake=_retake(docs, assessment))


def _retake(docs: Sequence[Document], assessment: Assessment | None) -> list[RetakeOut]:
    if assessment is None or assessment.decision.outcome != "evidence_requested":
        return []
    asked = {(r.document, r.field) for r in assessment.decision.retake}
    out = []
    for d in docs:
        checks = (json.loads(d.result_json).get("checks", []) if d.result_json else [])
        for c in checks:
            if (d.sha256, c["code"]) in asked:
                notes = [n["message"] for n in checks if n["code"].startswith("quality.") and n is not c]
                out.append(RetakeOut(document_id=d.id, filename=d.filename, code=c["code"], message=c["message"],
                                     notes=notes))
    return out


def _review_out(app: Application) -> ReviewOut | None:
    if app.review_action is None or app.review_json is None or app.reviewed_at is None:
        return None
    review = json.loads(app.review_json)
    # The reviewer's note on a decline is for the bank; the merchant sees the reason codes. An evidence
    # request's reason is addressed to the merchant.
    return ReviewOut(action=app.review_action, uplift=app.review_uplift,
                     reason_codes=review.get("reason_codes", []), evidence_kinds=review.get("evidence_kinds", []),
                     message=review["reason"] if app.review_action == "evidence_requested" else None,
                     at=app.reviewed_at)


@router.post("/v1/applications", status_code=201, response_model=ApplicationOut, operation_id="createApplication")
async def create_application(body: ApplicationIn, request: Request, who: PrincipalDep,
                             state: StateDep) -> JSONResponse:
    """Open an application (a request for uplift) for one of the tenant's merchants."""
    who.require_uploader()

    def work() -> JSONResponse:
        with state.db.session() as s:
            m = s.get(Merchant, body.merchant_id)
            if m is None or not who.may_see(m.tenant_id, m.id):
                raise Problem(404, "not-found", "No such merchant")
            app = Application(tenant_id=m.tenant_id, merchant_id=m.id)
            s.add(app)
            s.flush()
            out = _out(s, app)
        return JSONResponse(jsonable_encoder(out), status_code=201)

    return await idempotent(request, who, state.db, lambda: run_in_threadpool(work))


@router.get("/v1/applications/{application_id}", response_model=ApplicationOut, operation_id="getApplication")
def get_application(application_id: str, who: PrincipalDep, state: StateDep) -> ApplicationOut:
    """Status, every document's status and checks, the application checks and the decision once made."""
    with state.db.session() as s:
        return _out(s, _application(s, who, application_id))


def _record_uploads(state: AppState, who: Principal, application_id: str, payloads: list[tuple[str, bytes]],
                    shas: list[str], group_id: str | None) -> dict[str, DocumentOut]:
    """The upload's documents and jobs, committed with the uploads that arrive at the same time (one transaction
    and one fsync for all: `Database.write_together`): each file's document by its hash, new or stored.

    Core statements, not ORM objects: on this path the ORM's identity map and unit of work cost more than the
    inserts themselves, and uploads are what the API answers while every core reads."""

    def write(s: Session) -> dict[str, DocumentOut]:
        db = s.connection()
        app = db.execute(_UPLOAD_TARGET, {"application_id": application_id}).one_or_none()
        if app is None or not who.may_see(app.tenant_id, app.merchant_id):
            raise Problem(404, "not-found", "No such application")
        if app.status not in OPEN:
            raise Problem(409, "application-not-open", "Documents can only be added before submitting")
        stored = set(db.scalars(_STORED_SHAS, {"application_id": application_id}))
        new = {sha for sha in shas if sha not in stored}
        if len(stored) + len(new) > state.settings.service.max_documents_per_application:
            raise Problem(413, "too-many-documents", "The application would exceed "
                          f"{state.settings.service.max_documents_per_application} documents")
        repeats = stored.intersection(shas)
        out = {d.sha256: _documents_out(d)[0] for d in s.scalars(select(Document).where(
            Document.application_id == application_id, Document.sha256.in_(repeats)))} if repeats else {}
        moments = iter(utc_moments(len(new)))  # listed in upload order
        rows: list[dict[str, object]] = []
        ids: list[str] = []
        for (name, data), sha in zip(payloads, shas, strict=True):
            if sha in out:
                continue  # stored before, or earlier in this request: it stays as it is
            ids.append(new_id("doc"))
            rows.append({"id": ids[-1], "application_id": application_id, "sha256": sha, "filename": name,
                         "size": len(data), "group_id": group_id, "status": "queued", "created_at": next(moments)})
            out[sha] = DocumentOut(id=ids[-1], filename=name, sha256=sha, size=len(data), group_id=group_id,
                                   status="queued")
        if rows:
            db.execute(_NEW_DOCUMENTS, rows)
        if group_id is None:
            enqueue_new(s, "process_document", ids)
        # A group's pages may arrive over several requests: they are joined and read at submit.
        return out

    return state.db.write_together(write)


@router.post("/v1/applications/{application_id}/documents", status_code=202, response_model=list[DocumentOut],
             responses={413: {"description": "A file over the byte limit"},
                        415: {"description": "Not an image, PDF or OFD"},
                        409: {"description": "The application is no longer open"}}, operation_id="uploadDocuments")
async def upload_documents(application_id: str, request: Request, who: PrincipalDep, state: StateDep,
                           files: Annotated[list[UploadFile], File(description="Images, PDFs or OFD e-invoice files.",
                                                                   json_schema_extra={"minItems": 1})],
                           group_id: Annotated[str | None, Form(
                               max_length=64, description="Pages photographed one by one (a contract): every "
                               "upload with the same group id is joined, in upload order, into one document "
                               "at submit.")] = None) -> JSONResponse:
    """Store the files (deduplicated by SHA-256, never overwritten) and queue them; 202 with each one's status.

    Every file is checked before any is stored: one bad file refuses the request and stores nothing."""
    who.require_uploader()
    limits = state.settings.limits
    if len(files) > state.settings.service.max_files_per_request:
        raise Problem(413, "too-many-files", f"At most {state.settings.service.max_files_per_request} files "
                                             "per request")
    payloads: list[tuple[str, bytes]] = []
    for f in files:
        data = await f.read(limits.max_bytes + 1)
        name = (f.filename or "upload")[:255]
        if len(data) > limits.max_bytes:
            raise Problem(413, "input-too_large", f"{name}: larger than {limits.max_bytes} bytes")
        try:
            if sniff_media_type(data) == OFD:
                await run_in_threadpool(check_container, data, limits)
        except InputError as exc:
            status = 415 if exc.code == "input.unsupported_media_type" else 413 if exc.code in (
                "input.archive.too_large", "input.archive.too_many_entries") else 422
            raise Problem(status, exc.code.replace(".", "-"), f"{name}: {exc}") from exc
        payloads.append((name, data))

    def work() -> JSONResponse:
        # Blocking work (fsync of the blobs, the database) runs in the thread pool, never on the event loop.
        # Blobs are written first and outside the transaction: a row never points at a missing blob, and the
        # fsync does not hold the database. A blob whose request then fails is kept, unreferenced and harmless.
        shas = [state.blobs.put(data) for _, data in payloads]
        try:
            out = _record_uploads(state, who, application_id, payloads, shas, group_id)
        except IntegrityError:
            # The same new file, uploaded to this application by a concurrent request (a phone retrying), was
            # committed between this request's read and its insert: read again, and it is a repeat.
            out = _record_uploads(state, who, application_id, payloads, shas, group_id)
        body = [out[sha].model_dump(mode="json") for sha in shas]  # the uploads; their invoices appear once read
        return JSONResponse(body, status_code=202)

    return await idempotent(request, who, state.db, lambda: run_in_threadpool(work))


@router.post("/v1/applications/{application_id}/submit", status_code=202, response_model=ApplicationOut,
             responses={409: {"description": "Nothing uploaded, or already submitted"}},
             operation_id="submitApplication")
async def submit_application(application_id: str, request: Request, who: PrincipalDep,
                             state: StateDep) -> JSONResponse:
    """Close the application to uploads; it is decided once every document is processed."""
    who.require_uploader()

    def work() -> JSONResponse:
        with state.db.session() as s:
            app = _application(s, who, application_id)
            if app.status not in OPEN:
                raise Problem(409, "application-not-open", "The application was already submitted")
            docs = s.scalars(select(Document).where(Document.application_id == app.id)
                             .order_by(Document.created_at, Document.id)).all()
            if not docs:
                raise Problem(409, "application-empty", "Upload at least one document before submitting")
            statuses = [d.status for d in docs]
            app.status, app.submitted_at = "submitted", utcnow()
            leads: dict[str, str] = {}
            for d in docs:
                if d.group_id is not None:
                    leads.setdefault(d.group_id, d.id)
            for lead_id in leads.values():
                enqueue(s, "process_document", lead_id)  # reads the whole group
            if all(st in FINAL for st in statuses):
                enqueue(s, "assess_application", assess_target(app.id, app.round))
            s.flush()
            out = _out(s, app)
        return JSONResponse(jsonable_encoder(out), status_code=202)

    return await idempotent(request, who, state.db, lambda: run_in_threadpool(work))


@router.get("/v1/applications/{application_id}/audit", response_class=PlainTextResponse,
            responses={200: {"content": {"application/x-ndjson": {"example": (
                '{"seq":0,"at":"2026-11-29T03:16:02Z","actor":"attest","type":"application.created",'
                '"payload":{…},"payload_sha256":"9f2c…","prev_hash":"","hash":"5b1e…"}\n'
                '{"seq":1,"at":"2026-11-29T03:16:02Z","actor":"attest","type":"document.processed",…}\n')}}},
                       409: {"description": "Not decided yet"}}, operation_id="exportAudit")
def export_audit(application_id: str, who: PrincipalDep, state: StateDep) -> PlainTextResponse:
    """The application's hash-chained audit trail as JSON Lines (`attest replay` reads it)."""
    with state.db.session() as s:
        app = _application(s, who, application_id)
        if app.trail_jsonl is None:
            raise Problem(409, "not-decided", "The application has no decision yet")
        return PlainTextResponse(app.trail_jsonl, media_type="application/x-ndjson")


@router.get("/v1/documents/{document_id}", response_model=DocumentResultOut, operation_id="getDocument")
def get_document(document_id: str, who: PrincipalDep, state: StateDep) -> DocumentResultOut:
    """Everything read from one document: fields with provenance, checks, timings."""
    upload_id, _, part = document_id.partition("~")
    with state.db.session() as s:
        d = s.get(Document, upload_id)
        if d is None:
            raise Problem(404, "not-found", "No such document")
        _application(s, who, d.application_id)
        result = json.loads(d.result_json) if d.result_json else None
        if part:  # one invoice of a file of several: `<upload>~<n>`
            parts = (result or {}).get("parts") or []
            if not part.isdigit() or not 1 <= int(part) <= len(parts):
                raise Problem(404, "not-found", "No such document")
            return DocumentResultOut(id=document_id, application_id=d.application_id, status="done",
                                     result=parts[int(part) - 1])
        return DocumentResultOut(id=d.id, application_id=d.application_id,
                                 status="split" if (result or {}).get("parts") and d.status == "done" else d.status,
                                 result=result)
