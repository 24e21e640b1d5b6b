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


def record_application(
    merchant: MerchantProfile,
    documents: Sequence[DocumentResult],
    assessment: Assessment,
    *,
    at: datetime,
    actor: str = "system",
) -> list[AuditEvent]:
    """A fresh trail: application created, each document processed, the decision made (with versions)."""
    trail: list[AuditEvent] = []
    append_event(trail, actor=actor, type="application.created", at=at,
                 payload={"merchant": merchant.model_dump(mode="json")})
    for doc in documents:
        append_event(trail, actor=actor, type="document.processed", at=at, payload=document_payload(doc))
    append_event(trail, actor=actor, type="decision.made", at=at, payload={
        "assessment": assessment.model_dump(mode="json"),
        "versions": {"attest": __version__, "policy": assessment.decision.policy_version,
                     "ocr": sorted({f"{p.engine} {p.engine_version}" for d in documents for p in d.ocr}),
                     "prompts": []},
    })
    return trail


def record_override(trail: list[AuditEvent], *, reviewer: str, action: str, reason: str, at: datetime,
                    uplift: str | None = None) -> AuditEvent:
    """A reviewer's decision over the machine's, with the reason it must carry."""
    if not reason.strip():
        raise ValueError("a reviewer override needs a reason")
    return append_event(trail, actor=reviewer, type="review.override", at=at,
                        payload={"action": action, "reason": reason, "uplift": uplift})
