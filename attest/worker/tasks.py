"""The task code: what one job does. Pure of scheduling, so an in-process pool or Celery can run it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from attest.audit.chain import export_jsonl, load_jsonl
from attest.audit.decide import decide
from attest.ops import context, metrics
from attest.patterns.store import PatternStore
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment, MerchantProfile
from attest.schemas.document import DocumentResult
from attest.score import Policy
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.db import Database
from attest.store.jobs import assess_when_ready, enqueue
from attest.store.models import Application, ApplicationCheck, Document, Merchant, utcnow
from attest.store.targets import FINAL, application_of, assess_target, parse_document_target
from attest.worker.reading import Reader, ReadRequest

log = logging.getLogger(__name__)


@dataclass
class Context:
    """Everything a task needs, built once per worker process."""

    db: Database
    blobs: BlobStore
    reader: Reader  # reads documents: in this thread, or in a reading process of its own
    policy: Policy
    patterns: PatternStore | None
    settings: Settings


def _group(s: Session, lead: Document) -> list[Document]:
    """The documents read together with `lead`: itself, or every page of its group in upload order."""
    if lead.group_id is None:
        return [lead]
    return list(s.scalars(select(Document).where(Document.application_id == lead.application_id,
                                                 Document.group_id == lead.group_id)
                          .order_by(Document.created_at, Document.id)))


def process_document_job(ctx: Context, target: str) -> None:
    """Read one upload; for the first page of a group, read every page of the group joined in upload order.

    A target `doc~kind~round` is a reviewer's re-read: the document is read as that kind. The reading itself
    (`ctx.reader`) touches no database: it may run in a process of its own."""
    document_id, read_as = parse_document_target(target)
    with ctx.db.session() as s:
        lead = s.get(Document, document_id)
        if lead is None or lead.status in FINAL:
            return  # already processed: the job ran before a crash and only its bookkeeping was lost
        app = s.get(Application, lead.application_id)
        assert app is not None
        context.bind(application_id=app.id)
        members = _group(s, lead)
        request = ReadRequest(document_id=document_id, shas=tuple(d.sha256 for d in members),
                              grouped=lead.group_id is not None, filename=lead.filename, day=app.created_at.date(),
                              read_as=read_as)
        ids = [d.id for d in members]
        lead.status = "processing"
    outcome = ctx.reader.read(request, ctx.settings)
    metrics.observe_document(outcome.status, outcome.kind, outcome.timings)
    _settle(ctx, document_id, ids, **outcome.columns())


def _settle(ctx: Context, lead_id: str, ids: list[str], **lead: str | None) -> None:
    """Write the lead document's final state, mark the rest of its group read with it, maybe assess."""
    with ctx.db.session() as s:
        application_id = ""
        for doc_id in ids:
            doc = s.get(Document, doc_id)
            assert doc is not None
            application_id = doc.application_id
            if doc_id == lead_id:
                for k, v in lead.items():
                    setattr(doc, k, v)
            else:
                doc.status, doc.error_message = "grouped", f"read as a page of {lead_id}"
        assess_when_ready(s, application_id)


_RANK = {"warn": 1, "fail": 2}


def _index_checks(s: Session, application_id: str, checks: list[CheckResult]) -> None:
    """The review queue's copy of every warn/fail check code raised, at its worst severity."""
    worst: dict[str, str] = {}
    for c in checks:
        if c.severity in _RANK and _RANK[c.severity] > _RANK.get(worst.get(c.code, ""), 0):
            worst[c.code] = c.severity
    for old in s.scalars(select(ApplicationCheck).where(ApplicationCheck.application_id == application_id)):
        s.delete(old)
    s.flush()
    s.add_all(ApplicationCheck(application_id=application_id, code=code, severity=severity)
              for code, severity in worst.items())


def profile(m: Merchant, day: date) -> MerchantProfile:
    return MerchantProfile(id=m.id, name=m.name, uscc=m.uscc, industry=m.industry, city=m.city, city_tier=m.city_tier,
                           current_limit=Decimal(m.current_limit), application_date=day,
                           declared_monthly_revenue=(Decimal(m.declared_monthly_revenue)
                                                     if m.declared_monthly_revenue is not None else None))


def assess_application_job(ctx: Context, target: str) -> None:
    application_id = application_of(target)
    context.bind(application_id=application_id)
    with ctx.db.session() as s:
        app = s.get(Application, application_id)
        if app is None or app.status != "submitted":
            return  # decided already (the job ran before a crash), or not submitted
        merchant = s.get(Merchant, app.merchant_id)
        assert merchant is not None
        docs = s.scalars(select(Document).where(Document.application_id == application_id,
                                                Document.status == "done").order_by(Document.created_at)).all()
        results = [DocumentResult.model_validate_json(d.result_json or "{}") for d in docs]
        who = profile(merchant, app.created_at.date())
        submitted = app.submitted_at or utcnow()
        earlier = app.trail_jsonl
    # Remembering is idempotent: a re-run after a crash stores nothing twice.
    decided = decide(who, results, application=application_id, at=submitted, policy=ctx.policy,
                     patterns=ctx.patterns, trail=load_jsonl(earlier) if earlier is not None else None)
    assessment, trail = decided.assessment, decided.trail
    with ctx.db.session() as s:
        app = s.get(Application, application_id)
        assert app is not None
        app.assessment_json = assessment.model_dump_json()
        app.trail_jsonl = export_jsonl(trail)
        app.status, app.decided_at = "decided", utcnow()
        app.outcome, app.uplift = assessment.decision.outcome, assessment.decision.uplift
        if assessment.decision.outcome == "evidence_requested":
            # Documents could not be read: open for uploads again, as after a reviewer's request.
            app.status, app.round = "evidence_requested", app.round + 1
        # A new round waits for a reviewer again; the earlier actions stay in the trail.
        app.review_action = app.review_uplift = app.review_json = app.reviewed_by = app.reviewed_at = None
        app.version += 1
        _index_checks(s, application_id, [*assessment.checks, *(c for r in results for c in r.checks)])
        if ctx.settings.service.webhook_url:
            enqueue(s, "notify", assess_target(application_id, app.round))
    metrics.observe_assessment(assessment, results)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notify_job(ctx: Context, target: str) -> None:
    """Tell the client app an application is decided: a small signed notice; the details are fetched with the key."""
    application_id = application_of(target)
    url, secret = ctx.settings.service.webhook_url, ctx.settings.service.webhook_secret
    if not url:
        return
    with ctx.db.session() as s:
        app = s.get(Application, application_id)
        if app is None or app.assessment_json is None:
            return
        decision = Assessment.model_validate_json(app.assessment_json).decision
        notice = {"event": "application.decided", "application_id": app.id, "merchant_id": app.merchant_id,
                  "outcome": decision.outcome, "uplift": str(decision.uplift)}
    body = json.dumps(notice, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Attest-Signature"] = sign(secret, body)
    response = httpx.post(url, content=body, headers=headers, timeout=10)
    response.raise_for_status()  # a failed delivery fails the job, which records why


TASKS = {"process_document": process_document_job, "assess_application": assess_application_job,
         "notify": notify_job}


def on_failure(ctx: Context, kind: str, target_id: str, error: str) -> None:
    """A task that raised (a bug, not bad input): its target still reaches a final state, saying so."""
    if kind == "process_document":
        target_id = parse_document_target(target_id)[0]
        with ctx.db.session() as s:
            lead = s.get(Document, target_id)
            if lead is None or lead.status in FINAL:
                return
            ids = [d.id for d in _group(s, lead)]
        _settle(ctx, target_id, ids, status="refused", error_code="processing.failed", error_message=error)
    elif kind == "assess_application":
        with ctx.db.session() as s:
            app = s.get(Application, application_of(target_id))
            if app is not None and app.status != "decided":
                app.status = "failed"


def run(ctx: Context, kind: str, target_id: str) -> None:
    TASKS[kind](ctx, target_id)

