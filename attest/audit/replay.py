"""Replay: re-score an application's recorded evidence and compare with the recorded decision."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from attest.audit.chain import AuditError, AuditEvent, verify_chain
from attest.audit.decide import decide
from attest.schemas.decision import Assessment, Decision, MerchantProfile
from attest.schemas.document import DocumentResult
from attest.score import Policy, load_policy


class ReplayResult(BaseModel):
    policy_version: str
    recorded: Decision
    replayed: Decision
    identical: bool
    differences: list[str] = Field(default_factory=list, description="`path: recorded → replayed` lines.")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}{i}."))
        return out or {prefix.rstrip("."): []}
    return {prefix.rstrip("."): value}


def diff(a: Decision, b: Decision) -> list[str]:
    fa, fb = _flatten(a.model_dump(mode="json")), _flatten(b.model_dump(mode="json"))
    return [f"{k}: {fa.get(k)!r} → {fb.get(k)!r}" for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]


def replay(trail: list[AuditEvent], *, policy: Policy | None = None) -> ReplayResult:
    """Re-run `assess_application` on the trail's evidence, with its recorded policy unless one is given."""
    report = verify_chain(trail)
    if not report.ok:
        raise AuditError("the trail does not verify: " + "; ".join(p.message for p in report.problems))
    created = next((e for e in trail if e.type == "application.created"), None)
    decided = [e for e in trail if e.type == "decision.made"]
    if created is None or not decided:
        raise AuditError("the trail has no application.created or no decision.made event")
    merchant = MerchantProfile.model_validate(created.payload["merchant"])
    # The last reading of each document, in the order documents first appeared (a re-read replaces a reading).
    readings = {e.payload["document_id"]: e.payload for e in trail if e.type == "document.processed"}
    documents = [DocumentResult.model_validate({**payload, "ocr": []}) for payload in readings.values()]
    assessment = Assessment.model_validate(decided[-1].payload["assessment"])
    recorded = assessment.decision
    used = policy or load_policy(recorded.policy_version)
    # Application-level checks as recorded: the pattern store's answer then, not what it would say today.
    replayed = decide(merchant, documents, application=merchant.id,
                      at=decided[-1].at, policy=used, recorded_checks=assessment.checks).assessment.decision
    differences = diff(recorded, replayed)
    return ReplayResult(policy_version=used.version, recorded=recorded, replayed=replayed,
                        identical=not differences, differences=differences)
