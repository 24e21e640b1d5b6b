"""Apply a reviewer's action to a decided application: validated against the policy's bounds and the review
rules, recorded as an audit event, and refused if the case changed since the reviewer's form was drawn."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import update
from sqlalchemy.orm import Session

from attest.audit.chain import export_jsonl, load_jsonl
from attest.audit.record import record_review
from attest.errors import AttestError
from attest.review.rules import load_review_rules
from attest.schemas.decision import Assessment
from attest.schemas.document import EVIDENCE_KINDS
from attest.score import load_policy
from attest.store.db import Database
from attest.store.jobs import enqueue
from attest.store.models import Application, Document, utcnow
from attest.store.targets import reread_target

ActionKind = Literal["approve", "adjust", "decline", "request_evidence", "reread"]
ACTIONS: tuple[ActionKind, ...] = ("approve", "adjust", "decline", "request_evidence", "reread")
# The kinds a reviewer may have a document read as (an `other` that is really an invoice, say).
READ_AS = EVIDENCE_KINDS
# What each action leaves in `applications.review_action`; the first three close the case.
RESULT = {"approve": "approved", "adjust": "adjusted", "decline": "declined", "request_evidence": "evidence_requested"}
CLOSED = ("approved", "adjusted", "declined")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


class ReviewInvalid(AttestError):
    """The action cannot be taken as given (a bound, a missing reason, an unknown code)."""

    code = "review.invalid"


class ReviewNotFound(AttestError):
    """No such application in the reviewer's tenant (another tenant's is answered the same way)."""

    code = "review.not_found"


class ReviewConflict(AttestError):
    """The case changed since the reviewer's form was drawn, or is not in a state the action applies to."""

    code = "review.conflict"


@dataclass(frozen=True)
class ReviewAction:
    kind: ActionKind
    version: int  # the application version the reviewer's form was drawn from
    uplift: str | None = None
    reason: str = ""
    reason_codes: tuple[str, ...] = ()
    evidence_kinds: tuple[str, ...] = ()
    document_id: str | None = None  # reread: which upload (its API id)
    read_as: str | None = None  # reread: the kind to read it as


@dataclass(frozen=True)
class Reviewer:
    id: str
    username: str


def uplift_cap(assessment: Assessment) -> Decimal:
    """The most a reviewer may grant: the hard caps of the policy version that decided, for this merchant."""
    policy = load_policy(assessment.decision.policy_version)
    return min(policy.uplift.max_uplift,
               assessment.merchant.current_limit * policy.uplift.max_multiple_of_current_limit)


def _validate(action: ReviewAction, assessment: Assessment) -> tuple[Decimal, dict[str, Any]]:
    """(the uplift the case ends with, the event's details) — or ReviewInvalid saying what is wrong."""
    rules = load_review_rules()
    reason = action.reason.strip()
    scored = assessment.decision.uplift
    if action.kind != "approve" and action.kind != "decline" and len(reason) < rules.min_reason_chars:
        raise ReviewInvalid(f"理由至少 {rules.min_reason_chars} 个字 / "
                            f"a reason of at least {rules.min_reason_chars} characters is required")
    details: dict[str, Any] = {"scored_uplift": str(scored), "policy_version": assessment.decision.policy_version,
                               "review_rules": rules.version}
    if action.kind == "approve":
        if scored <= 0:
            raise ReviewInvalid("评分提额为零，请调整（附理由）或拒绝 / "
                                "the machine scored no uplift: adjust it (with a reason) or decline")
        return scored, details
    if action.kind == "adjust":
        cap = uplift_cap(assessment)
        text = (action.uplift or "").strip()
        if _GROUPED.fullmatch(text):  # 35,000.50 as people write it; not 1,0,0
            text = text.replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ReviewInvalid(f"提额金额不是数字 / the uplift {action.uplift!r} is not a number") from exc
        if not amount.is_finite() or amount <= 0 or amount > cap or amount != amount.quantize(Decimal("0.01")):
            raise ReviewInvalid(f"提额须大于 0、不超过 {cap}（本商户的政策上限），精确到分 / "
                                f"the uplift must be more than 0 and at most {cap} (the policy's cap for this "
                                "merchant), in whole fen")
        return amount, {**details, "uplift": str(amount), "cap": str(cap)}
    if action.kind == "decline":
        unknown = [c for c in action.reason_codes if c not in rules.decline_reasons]
        if not action.reason_codes or unknown:
            raise ReviewInvalid("请至少选择一个拒绝原因 / choose at least one decline reason" if not unknown
                                else f"未知的拒绝原因 / unknown decline reason {unknown[0]!r}")
        if "OTHER" in action.reason_codes and len(reason) < rules.min_reason_chars:
            raise ReviewInvalid("选择“其他”时须填写说明 / a decline for another reason needs a note saying which")
        return Decimal(0), {**details, "reason_codes": sorted(set(action.reason_codes))}
    if action.kind == "reread":
        if action.read_as not in READ_AS or not action.document_id:
            raise ReviewInvalid("请选择文件及其类型 / choose the document and the kind to read it as")
        return scored, {**details, "document": action.document_id, "read_as": action.read_as}
    unknown = [k for k in action.evidence_kinds if k not in rules.evidence_kinds]
    if not action.evidence_kinds or unknown:
        raise ReviewInvalid("请至少选择一种材料 / choose at least one kind of evidence" if not unknown
                            else f"未知的材料类型 / unknown evidence kind {unknown[0]!r}")
    return Decimal(0), {**details, "evidence_kinds": sorted(set(action.evidence_kinds))}


def apply_review(db: Database, *, application_id: str, tenant_id: str, reviewer: Reviewer, action: ReviewAction,
                 at: datetime | None = None) -> int:
    """Take the action; returns the application's new version. Raises ReviewInvalid or ReviewConflict."""
    if action.kind not in ACTIONS:
        raise ReviewInvalid(f"unknown action {action.kind!r}")
    at = at or utcnow()
    with db.session() as s:
        app = s.get(Application, application_id)
        if app is None or app.tenant_id != tenant_id:
            raise ReviewNotFound(application_id)
        if app.version != action.version:
            raise ReviewConflict("案件在您打开后已有变化（其他复核员已操作或有新材料），请刷新后再决定 / "
                                 "the case changed since you opened it (another reviewer acted, or new evidence "
                                 "arrived); reload it and decide again")
        # A re-read also applies to an application the machine sent back for evidence it could not read: the
        # reviewer may see that the `other` it could not place is an invoice.
        states = ("decided", "evidence_requested") if action.kind == "reread" else ("decided",)
        if app.status not in states or app.assessment_json is None or app.trail_jsonl is None:
            raise ReviewConflict(f"案件当前不在待复核状态 / the case is {app.status}, not waiting for a reviewer")
        if app.review_action in CLOSED:
            raise ReviewConflict(f"案件已有复核决定 / the case was already {app.review_action}")
        assessment = Assessment.model_validate_json(app.assessment_json)
        final, details = _validate(action, assessment)
        trail = load_jsonl(app.trail_jsonl)
        reason = action.reason.strip()
        document = _document(s, app, action) if action.kind == "reread" else None
        if document is not None:
            details["document_sha256"] = document.sha256
        record_review(trail, reviewer=f"reviewer:{reviewer.username}", action=action.kind, at=at, reason=reason,
                      version=action.version, **details)
        if document is not None:
            return _reread(s, app, document, action, trail)
        review = {"action": RESULT[action.kind], "reason": reason, "reviewer": reviewer.username,
                  "at": at.isoformat(), **{k: v for k, v in details.items() if k in ("reason_codes",
                                                                                      "evidence_kinds")}}
        values: dict[str, Any] = {
            "version": Application.version + 1, "review_action": RESULT[action.kind],
            "review_uplift": final if action.kind != "request_evidence" else None,
            "review_json": json.dumps(review, ensure_ascii=False), "reviewed_by": reviewer.id,
            "reviewed_at": at, "trail_jsonl": export_jsonl(trail)}
        if action.kind == "request_evidence":
            # Reopened for uploads: the merchant's app sees the request; submitting again starts round + 1.
            values.update(status="evidence_requested", round=Application.round + 1)
        # The version in the WHERE makes this the lock: of two reviewers acting on one version, one updates a
        # row and the other updates none (PostgreSQL re-checks the condition after the first commits).
        done = s.execute(update(Application).where(Application.id == app.id, Application.version == action.version)
                         .values(**values))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ReviewConflict("其他复核员刚刚处理了本案，请刷新 / "
                                 "another reviewer acted on this case a moment ago; reload it")
        return action.version + 1


def _document(s: Session, app: Application, action: ReviewAction) -> Document:
    doc = s.get(Document, action.document_id)
    if doc is None or doc.application_id != app.id:
        raise ReviewInvalid("该文件不属于本案 / that document is not part of this case")
    if doc.status != "done":
        raise ReviewInvalid(f"该文件状态为 {doc.status}，无法重读 / the document is {doc.status}: it cannot be re-read")
    return doc


def _reread(s: Session, app: Application, doc: Document, action: ReviewAction, trail: list[Any]) -> int:
    """Read the document again as the chosen kind and decide the application anew, as a new round.

    The worker reads it with the kind as a hint (`process_document(..., hints={"kind": …})`); the new reading and
    the new decision join the trail after this `review.reread` event, so replay re-scores the new round."""
    done = s.execute(update(Application).where(Application.id == app.id, Application.version == action.version)
                     .values(version=Application.version + 1, status="submitted", round=Application.round + 1,
                             trail_jsonl=export_jsonl(trail)))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewConflict("其他复核员刚刚处理了本案，请刷新 / "
                             "another reviewer acted on this case a moment ago; reload it")
    doc.status = "queued"
    enqueue(s, "process_document", reread_target(doc.id, str(action.read_as), app.round + 1))
    return action.version + 1
