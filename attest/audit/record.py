"""The events of one application, as the shells record them around the core calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from attest import __version__
from attest.audit.chain import AuditEvent, append_event
from attest.schemas.decision import Assessment, MerchantProfile
from attest.schemas.document import DocumentResult


def document_payload(result: DocumentResult) -> dict[str, Any]:
    """What replay needs of a processed document: its evidence and checks, and the engine that read it.

    OCR lines are left out (they are large and the scoring never reads them); their engine and version stay.
    """
    data = result.model_dump(mode="json", exclude={"ocr"})
    data["ocr_engines"] = sorted({f"{p.engine} {p.engine_version}" for p in result.ocr})
    return data


def _decision_payload(documents: Sequence[DocumentResult], assessment: Assessment) -> dict[str, Any]:
    return {
        "assessment": assessment.model_dump(mode="json"),
        "versions": {"attest": __version__, "policy": assessment.decision.policy_version,
                     "ocr": sorted({f"{p.engine} {p.engine_version}" for d in documents for p in d.ocr}),
                     "prompts": []},
    }


def record_application(
    merchant: MerchantProfile,
    documents: Sequence[DocumentResult],
    assessment: Assessment,
    *,
    at: datetime,
    actor: str = "system",
) -> list[AuditEvent]:
    """A fresh trail: application created, each document processed (at the moment it was read, when known), the
    decision made (with versions)."""
    trail: list[AuditEvent] = []
    append_event(trail, actor=actor, type="application.created", at=at,
                 payload={"merchant": merchant.model_dump(mode="json")})
    for doc in documents:
        append_event(trail, actor=actor, type="document.processed", at=doc.read_at or at,
                     payload=document_payload(doc))
    append_event(trail, actor=actor, type="decision.made", at=at, payload=_decision_payload(documents, assessment))
    return trail


def record_reassessment(trail: list[AuditEvent], documents: Sequence[DocumentResult], assessment: Assessment, *,
                        at: datetime, actor: str = "system") -> None:
    """A later round (after a reviewer asked for more evidence, or had a document re-read): the documents not yet
    in the trail as they are now, then the new decision. Replay reads the last reading of every document and the
    last decision, so it re-scores this round."""
    # The latest reading of each document: one read again (a reviewer's re-read as another kind) is recorded
    # again, and replay takes the last reading of every document.
    latest = {e.payload.get("document_id"): e.payload for e in trail if e.type == "document.processed"}
    for doc in documents:
        payload = document_payload(doc)
        if latest.get(doc.document_id) != payload:
            append_event(trail, actor=actor, type="document.processed", at=doc.read_at or at, payload=payload)
    append_event(trail, actor=actor, type="decision.made", at=at, payload=_decision_payload(documents, assessment))


def record_review(trail: list[AuditEvent], *, reviewer: str, action: str, at: datetime,
                  reason: str = "", **details: Any) -> AuditEvent:
    """A reviewer's action on the machine's decision (`review.<action>`). Anything but approving it as scored
    must carry a reason: in words, or as reason codes (a decline)."""
    if action != "approve" and not reason.strip() and not details.get("reason_codes"):
        raise ValueError(f"a reviewer's {action} needs a reason")
    return append_event(trail, actor=reviewer, type=f"review.{action}", at=at,
                        payload={"action": action, "reason": reason, **details})
