"""`assess_application`: processed documents → `Assessment`. Cross-document checks, known-pattern checks when a
store is given, then the score. Pure: the store is read, never written."""

from __future__ import annotations

from collections.abc import Sequence

from attest.patterns.checks import pattern_checks
from attest.patterns.store import PatternStore, Submission
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment, MerchantProfile
from attest.schemas.document import DocumentResult, units_of
from attest.score import Policy, score
from attest.verify.application import check_application


def assess_application(
    merchant: MerchantProfile,
    documents: Sequence[DocumentResult],
    *,
    policy: Policy,
    patterns: PatternStore | None = None,
    submission: Submission | None = None,
    recorded_checks: Sequence[CheckResult] | None = None,
) -> Assessment:
    """Score one application from its processed documents.

    Application-level checks run first: the documents against each other (`verify.application`), then, when
    a pattern store is given, against everything it remembers of other applications. The store's answer
    changes as it learns, so a replay passes the checks recorded at decision time as `recorded_checks`
    instead of asking the store again. This function never writes to the store: the shell remembers the
    application's fingerprints (`PatternStore.remember`) once it is decided.
    """
    # A file of several invoices stands for each of them: the parts are the documents from here on.
    documents = units_of(documents)
    window = policy.evidence.sales_window_days
    if recorded_checks is not None:
        app_checks = list(recorded_checks)
    else:
        app_checks = check_application(merchant, documents, window_days=window)
        if patterns is not None:
            if submission is None:
                raise ValueError("a pattern store is asked on behalf of a submission: pass it")
            app_checks += pattern_checks(patterns, merchant, submission, documents, window_days=window)
    evidence = [(d.document_id, d.invoice) for d in documents if d.invoice is not None]
    checks = [c for d in documents for c in d.checks]
    decision = score(merchant, evidence, [*checks, *app_checks], policy, documents=documents)
    return Assessment(merchant=merchant, document_ids=[d.document_id for d in documents], checks=app_checks,
                      decision=decision)
