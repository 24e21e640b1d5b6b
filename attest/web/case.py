"""What the case page shows, built from the stored application: documents with their fields and boxes, checks
grouped by severity and linked to the field they concern, the score breakdown and the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attest.audit.chain import AuditEvent, load_jsonl, verify_chain
from attest.extract.flat import sure_at
from attest.kinds import evidence_of
from attest.layout.quad import to_upload, upload_size
from attest.review.actions import CLOSED, uplift_cap
from attest.review.rules import ReviewRules, load_review_rules
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment
from attest.schemas.document import DocumentResult
from attest.schemas.ocr import OcrPage
from attest.score import load_policy
from attest.store.models import Application, Document, Merchant, Reviewer
from attest.web.flows import FlowsView, build_flows

SEVERITIES = ("fail", "warn", "info", "pass")
Box = tuple[float, float, float, float]


@dataclass
class FieldView:
    path: str
    name: str  # the message key's last part: `items.0.amount` → amount
    value: str
    confidence: float
    source: str
    page: int
    lines: list[str]
    box: Box | None
    disputed: str | None
    sure: bool = True  # read at `sure_at` or above (`attest/data/confidence.yaml`): the rest is marked unsure


@dataclass
class PageView:
    n: int
    width: int
    height: int
    lines: list[tuple[str, str]]  # (line id, "x,y x,y …" polygon points)


@dataclass
class DocView:
    id: str
    sha256: str
    filename: str
    status: str
    kind: str | None
    error: str | None
    pages: list[PageView] = field(default_factory=list)
    fields: list[FieldView] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def worst(self) -> str | None:
        return next((s for s in SEVERITIES[:2] if any(c.severity == s for c in self.checks)), None)


@dataclass
class Link:
    doc_id: str
    field: str


@dataclass
class CheckView:
    check: CheckResult
    doc_id: str | None  # the document it was raised on (None: the application)
    filename: str | None
    links: list[Link]
    other_case: str | None = None  # a duplicate's other application, when this tenant's
    other_elsewhere: bool = False  # a duplicate in another tenant's application (not linked)


@dataclass
class EventView:
    seq: int
    at: str
    actor: str
    type: str
    summary: dict[str, Any]


@dataclass
class CaseView:
    app: Application
    merchant: Merchant
    docs: list[DocView]
    assessment: Assessment | None
    checks: dict[str, list[CheckView]]
    timeline: list[EventView]
    chain_ok: bool | None
    max_points: dict[str, int]
    cap: Any
    rules: ReviewRules
    review: dict[str, Any] | None
    reviewer_name: str | None
    flows: FlowsView | None = None

    @property
    def closed(self) -> bool:
        return self.app.review_action in CLOSED

    def doc(self, doc_id: str | None) -> DocView | None:
        usable = [d for d in self.docs if d.pages]
        return next((d for d in usable if d.id == doc_id), usable[0] if usable else None)


def _is_field(value: Any) -> bool:
    return isinstance(value, dict) and {"value", "confidence", "source"} <= value.keys()


def _walk(value: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    if _is_field(value):
        return [(path, value)]
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _walk(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _walk(v, f"{path}.{i}")
    return out


def _box(f: dict[str, Any], polygons: dict[str, list[tuple[float, float]]],
         pages: dict[int, OcrPage]) -> Box | None:
    """The field's box on the picture the reviewer sees (a flattened photo's boxes go back onto the photo)."""
    if f.get("bbox"):
        x0, y0, x1, y1 = f["bbox"]
        page = pages.get(int(f.get("page") or 1))
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        points = to_upload(page, corners) if page is not None else corners
    else:
        points = [p for line in f.get("lines", []) for p in polygons.get(line, [])]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def _doc_view(d: Document) -> tuple[DocView, DocumentResult | None]:
    result = DocumentResult.model_validate_json(d.result_json) if d.result_json else None
    view = DocView(id=d.id, sha256=d.sha256, filename=d.filename, status=d.status,
                   kind=result.classification.kind if result else None, error=d.error_message)
    if result is None:
        return view, None
    # Boxes as drawn over the upload: a photo whose page was flattened before reading shows as taken.
    polygons = {ln.id: to_upload(p, ln.polygon) for p in result.ocr for ln in p.lines}
    pages = {p.page: p for p in result.ocr}
    view.pages = [PageView(n=p.page, width=upload_size(p)[0], height=upload_size(p)[1],
                           lines=[(ln.id, " ".join(f"{x:.0f},{y:.0f}" for x, y in polygons[ln.id]))
                                  for ln in p.lines])
                  for p in result.ocr]
    # A file of several invoices or contracts shows each one's fields, prefixed `invoice N.` or `contract N.`, on
    # the pages they came from.
    sure = sure_at()
    for n, unit in enumerate(result.units(), start=1):
        found = evidence_of(unit)
        evidence = found[1] if found is not None else None
        prefix = f"{result.classification.kind} {n}." if result.parts else ""
        for path, f in _walk(evidence.model_dump(mode="json")) if evidence is not None else []:
            view.fields.append(FieldView(
                path=prefix + path, name=next((p for p in reversed(path.split(".")) if not p.isdigit()), path),
                value=str(f["value"]), confidence=float(f["confidence"]), source=str(f["source"]),
                page=int(f.get("page") or 1), lines=list(f.get("lines") or []), box=_box(f, polygons, pages),
                disputed=f.get("disputed"), sure=float(f["confidence"]) >= sure))
    view.checks = [*result.checks, *(c for part in result.parts for c in part.checks)]
    return view, result


def _summary(e: AuditEvent) -> dict[str, Any]:
    p = e.payload
    if e.type == "document.processed":
        return {"filename": p.get("filename"), "kind": (p.get("classification") or {}).get("kind")}
    if e.type == "decision.made":
        d = p.get("assessment", {}).get("decision", {})
        return {"outcome": d.get("outcome"), "uplift": d.get("uplift"), "policy": d.get("policy_version")}
    if e.type.startswith("review."):
        return {k: p[k] for k in ("uplift", "reason", "reason_codes", "evidence_kinds", "scored_uplift") if p.get(k)}
    return {}


def build_case(s: Session, app: Application, *, flows_category: str | None = None,
               flows_limit: int = 200) -> CaseView:
    merchant = s.get(Merchant, app.merchant_id)
    assert merchant is not None
    rows = s.scalars(select(Document).where(Document.application_id == app.id)
                     .order_by(Document.created_at, Document.id)).all()
    docs: list[DocView] = []
    by_sha: dict[str, DocView] = {}
    read: list[tuple[str, str, DocumentResult]] = []
    for d in rows:
        view, result = _doc_view(d)
        docs.append(view)
        if result is not None:
            read.append((view.id, view.filename, result))
        by_sha[d.sha256] = view
        if result is not None:
            by_sha[result.document_id] = view  # a group's pages were read as one joined PDF
            by_sha.update((part.document_id, view) for part in result.parts)  # invoices of a file of several
    assessment = Assessment.model_validate_json(app.assessment_json) if app.assessment_json else None
    tenant_apps: set[str] = set()
    raised: list[tuple[CheckResult, DocView | None]] = [(c, None) for c in (assessment.checks if assessment else [])]
    raised += [(c, d) for d in docs for c in d.checks]
    others = {str(c.details.get("other_application")) for c, _ in raised if c.details.get("other_application")}
    if others:
        tenant_apps = set(s.scalars(select(Application.id).where(Application.id.in_(others),
                                                                 Application.tenant_id == app.tenant_id)))
    checks: dict[str, list[CheckView]] = {sev: [] for sev in SEVERITIES}
    for c, on in raised:
        # A ref to the same bytes in another application maps to this case's copy: list each place once.
        links = [Link(doc_id=d, field=f) for d, f in dict.fromkeys((by_sha[r.document].id, r.field)
                                                                   for r in c.refs if r.document in by_sha)]
        other = c.details.get("other_application")
        checks[c.severity].append(CheckView(
            check=c, doc_id=on.id if on else None, filename=on.filename if on else None, links=links,
            other_case=str(other) if other and str(other) in tenant_apps else None,
            other_elsewhere=bool(other) and str(other) not in tenant_apps))
    timeline: list[EventView] = []
    chain_ok = None
    if app.trail_jsonl:
        trail = load_jsonl(app.trail_jsonl)
        chain_ok = verify_chain(trail).ok
        timeline = [EventView(seq=e.seq, at=e.at.isoformat(), actor=e.actor, type=e.type, summary=_summary(e))
                    for e in trail]
    max_points: dict[str, int] = {}
    cap = None
    if assessment is not None:
        policy = load_policy(assessment.decision.policy_version)
        max_points = {name: f.bins[0].points for name, f in policy.features.items()}
        cap = uplift_cap(assessment)
    reviewer = s.get(Reviewer, app.reviewed_by) if app.reviewed_by else None
    flows = build_flows(read, assessment.checks if assessment else [], assessment.merchant if assessment else None,
                        category=flows_category, limit=flows_limit)
    return CaseView(app=app, merchant=merchant, docs=docs, assessment=assessment, checks=checks, timeline=timeline,
                    chain_ok=chain_ok, max_points=max_points, cap=cap, rules=load_review_rules(),
                    review=json.loads(app.review_json) if app.review_json else None,
                    reviewer_name=reviewer.username if reviewer else None, flows=flows)
