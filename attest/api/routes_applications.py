"""/v1/applications: create, upload documents (202), submit (202), poll, audit export; /v1/documents/{id}."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from attest.api.auth import Principal
from attest.api.idempotency import idempotent
from attest.api.models import (
    ApplicationIn,
    ApplicationOut,
    DocumentOut,
    DocumentResultOut,
    PartId,
    RetakeOut,
    ReviewOut,
)
from attest.api.problems import COMMON_RESPONSES, Problem, problem_of
from attest.api.state import AppState, PrincipalDep, StateDep
from attest.errors import InputError, NotFound, StateRefused
from attest.ingest.ofd import check_container
from attest.ingest.sniff import OFD, sniff_media_type
from attest.ingest.table import TABLE_TYPES, check_table
from attest.schemas.decision import Assessment
from attest.schemas.document import DocumentResult
from attest.store.intake import Upload, application_for, record_uploads, submit
from attest.store.models import Application, Document, Merchant

router = APIRouter(tags=["applications"], responses=COMMON_RESPONSES)
def _application(s: Session, who: Principal, application_id: str) -> Application:
    try:
        return application_for(s, application_id, who.may_see)
    except NotFound as exc:
        raise problem_of(exc) from exc


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
        out.append(DocumentOut(id=str(PartId(d.id, n)), filename=part.filename, sha256=d.sha256, size=d.size,
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
        checks = DocumentResult.model_validate_json(d.result_json).checks if d.result_json else []
        for c in checks:
            if (d.sha256, c.code) in asked:
                notes = [n.message for n in checks if n.code.startswith("quality.") and n is not c]
                out.append(RetakeOut(document_id=d.id, filename=d.filename, code=c.code, message=c.message,
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


def _record_uploads(state: AppState, who: Principal, application_id: str, uploads: list[Upload],
                    group_id: str | None) -> dict[str, DocumentOut]:
    """The upload's documents and jobs, committed with the uploads that arrive at the same time (one transaction
    and one fsync for all: `Database.write_together`): each file's document by its hash, new or stored."""

    def write(s: Session) -> dict[str, DocumentOut]:
        recorded = record_uploads(s, application_id, uploads, may_see=who.may_see, group_id=group_id,
                                  max_documents=state.settings.service.max_documents_per_application)
        return {sha: _documents_out(d)[0] if isinstance(d, Document) else DocumentOut(
                    id=d.id, filename=d.upload.name, sha256=sha, size=d.upload.size, group_id=group_id,
                    status="queued") for sha, d in recorded.items()}

    try:
        return state.db.write_together(write)
    except StateRefused as exc:
        raise problem_of(exc) from exc


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
            media_type = sniff_media_type(data)
            if media_type == OFD:
                await run_in_threadpool(check_container, data, limits)
            elif media_type in TABLE_TYPES:
                await run_in_threadpool(check_table, data, media_type, limits)
        except InputError as exc:
            raise problem_of(exc, name) from exc
        payloads.append((name, data))

    def work() -> JSONResponse:
        # Blocking work (fsync of the blobs, the database) runs in the thread pool, never on the event loop.
        # Blobs are written first and outside the transaction: a row never points at a missing blob, and the
        # fsync does not hold the database. A blob whose request then fails is kept, unreferenced and harmless.
        shas = [state.blobs.put(data) for _, data in payloads]
        uploads = [Upload(name=name, sha256=sha, size=len(data)) for (name, data), sha in zip(payloads, shas,
                                                                                               strict=True)]
        try:
            out = _record_uploads(state, who, application_id, uploads, group_id)
        except IntegrityError:
            # The same new file, uploaded to this application by a concurrent request (a phone retrying), was
            # committed between this request's read and its insert: read again, and it is a repeat.
            out = _record_uploads(state, who, application_id, uploads, group_id)
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
            try:
                app = submit(s, application_id, may_see=who.may_see)
            except StateRefused as exc:
                raise problem_of(exc) from exc
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
    wanted = PartId.parse(document_id)
    with state.db.session() as s:
        d = s.get(Document, wanted.upload) if wanted is not None else None
        if wanted is None or d is None:
            raise Problem(404, "not-found", "No such document")
        _application(s, who, d.application_id)
        result = DocumentResult.model_validate_json(d.result_json) if d.result_json else None
        parts = result.parts if result is not None else []
        if wanted.part is not None:  # one invoice of a file of several
            if wanted.part > len(parts):
                raise Problem(404, "not-found", "No such document")
            return DocumentResultOut(id=document_id, application_id=d.application_id, status="done",
                                     result=parts[wanted.part - 1])
        return DocumentResultOut(id=d.id, application_id=d.application_id,
                                 status="split" if parts and d.status == "done" else d.status, result=result)
