"""`decide`: the one step around `assess_application` that every caller shares — the worker, `attest assess`,
`attest eval run` and replay. It builds the submission once, unfolds files of several invoices into their parts,
assesses, remembers every part in the pattern store and records the trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from attest.audit.chain import AuditEvent
from attest.audit.record import record_application, record_reassessment
from attest.patterns.store import PatternStore, Submission
from attest.pipeline import assess_application
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment, MerchantProfile
from attest.schemas.document import DocumentResult, units_of
from attest.score import Policy


@dataclass(frozen=True)
class Decided:
    assessment: Assessment
    trail: list[AuditEvent]  # the application's whole trail, this decision last


def submission(merchant: MerchantProfile, application: str, at: datetime) -> Submission:
    """Who submitted the application, and when: what the pattern store keeps beside each document."""
    return Submission(merchant=merchant.id, merchant_uscc=merchant.uscc, merchant_name=merchant.name,
                      application=application, submitted_at=at.isoformat())


def remember(patterns: PatternStore, merchant: MerchantProfile, documents: Sequence[DocumentResult], *,
             application: str, at: datetime) -> None:
    """Store every unit of an application in the pattern store (idempotent: a re-run stores nothing twice)."""
    patterns.remember(submission(merchant, application, at), units_of(documents))


def decide(merchant: MerchantProfile, documents: Sequence[DocumentResult], *, application: str, at: datetime,
           policy: Policy, patterns: PatternStore | None = None, trail: list[AuditEvent] | None = None,
           recorded_checks: Sequence[CheckResult] | None = None, remembered: bool = False) -> Decided:
    """Assess an application, remember its units in the pattern store, and record the decision in its trail.

    `trail`: the application's earlier trail (a later round), to which this decision is appended; without it a
    fresh trail starts. `recorded_checks`: the application-level checks of a recorded decision, asked of
    nothing again (replay). `remembered`: the store holds this application already (the evaluation remembers
    every application before deciding any, so each is checked against all the others). The documents' events
    carry the moment each was read; the decision, `at`."""
    sub = submission(merchant, application, at)
    assessment = assess_application(merchant, documents, policy=policy, patterns=patterns, submission=sub,
                                    recorded_checks=recorded_checks)
    if patterns is not None and recorded_checks is None and not remembered:
        patterns.remember(sub, units_of(documents))
    if trail is None:
        events = record_application(merchant, documents, assessment, at=at)
    else:
        events = list(trail)
        record_reassessment(events, documents, assessment, at=at)
    return Decided(assessment=assessment, trail=events)
