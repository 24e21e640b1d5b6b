"""An application's intake: the bookkeeping of uploads and of submitting, as store functions. Routes only parse
the request and shape the answer; what may be stored, and what a submission sets going, is decided here. Refusals
are domain errors (`attest.errors.StateRefused`), which the API maps to HTTP in one place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from attest.errors import ApplicationEmpty, ApplicationNotOpen, NotFound, TooManyDocuments
from attest.store.jobs import assess_when_ready, enqueue, enqueue_new
from attest.store.models import Application, Document, new_id, utc_moments, utcnow

# Open to uploads: a new application, or a decided one whose reviewer asked for more evidence.
OPEN = ("open", "evidence_requested")
# Whether the caller may see an application of this tenant and merchant (another's ids read as absent).
MaySee = Callable[[str, str], bool]

# The upload's statements, built once: building a statement costs as much Python as running its cached form.
_UPLOAD_TARGET = select(Application.tenant_id, Application.merchant_id, Application.status).where(
    Application.id == bindparam("application_id"))
_STORED_SHAS = select(Document.sha256).where(Document.application_id == bindparam("application_id"))
_NEW_DOCUMENTS = insert(Document)


@dataclass(frozen=True)
class Upload:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class NewDocument:
    id: str
    upload: Upload


def application_for(s: Session, application_id: str, may_see: MaySee) -> Application:
    """The application, if the caller may see it; `NotFound` otherwise (another tenant's ids read as absent)."""
    app = s.get(Application, application_id)
    if app is None or not may_see(app.tenant_id, app.merchant_id):
        raise NotFound("No such application")
    return app


def record_uploads(s: Session, application_id: str, uploads: Sequence[Upload], *, may_see: MaySee,
                   group_id: str | None, max_documents: int) -> dict[str, Document | NewDocument]:
    """Each upload's document by its hash: a new one (its job queued, unless it is a page of a group, read at
    submit), or the one stored before, which stays as it is.

    Core statements, not ORM objects: on this path the ORM's identity map and unit of work cost more than the
    inserts themselves, and uploads are what the API answers while every core reads."""
    db = s.connection()
    app = db.execute(_UPLOAD_TARGET, {"application_id": application_id}).one_or_none()
    if app is None or not may_see(app.tenant_id, app.merchant_id):
        raise NotFound("No such application")
    if app.status not in OPEN:
        raise ApplicationNotOpen("Documents can only be added before submitting")
    stored = set(db.scalars(_STORED_SHAS, {"application_id": application_id}))
    new = {u.sha256 for u in uploads if u.sha256 not in stored}
    if len(stored) + len(new) > max_documents:
        raise TooManyDocuments(f"The application would exceed {max_documents} documents")
    repeats = stored.intersection(u.sha256 for u in uploads)
    out: dict[str, Document | NewDocument] = {d.sha256: d for d in s.scalars(select(Document).where(
        Document.application_id == application_id, Document.sha256.in_(repeats)))} if repeats else {}
    moments = iter(utc_moments(len(new)))  # listed in upload order
    rows: list[dict[str, object]] = []
    for upload in uploads:
        if upload.sha256 in out:
            continue  # stored before, or earlier in this request
        doc = NewDocument(id=new_id("doc"), upload=upload)
        rows.append({"id": doc.id, "application_id": application_id, "sha256": upload.sha256, "filename": upload.name,
                     "size": upload.size, "group_id": group_id, "status": "queued", "created_at": next(moments)})
        out[upload.sha256] = doc
    if rows:
        db.execute(_NEW_DOCUMENTS, rows)
    if group_id is None:
        enqueue_new(s, "process_document", [str(row["id"]) for row in rows])
    # A group's pages may arrive over several requests: they are joined and read at submit.
    return out


def submit(s: Session, application_id: str, *, may_see: MaySee) -> Application:
    """Close the application to uploads: each group of pages is queued to be read as one document, and the
    assessment once every document is final."""
    app = application_for(s, application_id, may_see)
    if app.status not in OPEN:
        raise ApplicationNotOpen("The application was already submitted")
    docs = s.scalars(select(Document).where(Document.application_id == app.id)
                     .order_by(Document.created_at, Document.id)).all()
    if not docs:
        raise ApplicationEmpty("Upload at least one document before submitting")
    app.status, app.submitted_at = "submitted", utcnow()
    leads: dict[str, str] = {}
    for d in docs:
        if d.group_id is not None:
            leads.setdefault(d.group_id, d.id)
    for lead_id in leads.values():
        enqueue(s, "process_document", lead_id)  # reads the whole group
    s.flush()
    assess_when_ready(s, app.id)
    return app
