"""Prometheus metrics: request latency, per-stage durations, documents and outcomes, check failures by code,
queue depth (read from the database at scrape time), jobs run and retried."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from attest.schemas.checks import CheckResult
from attest.schemas.decision import Assessment
from attest.schemas.document import DocumentResult
from attest.store.db import Database
from attest.store.models import Job

REQUEST_SECONDS = Histogram("attest_http_request_seconds", "HTTP request latency by route template.",
                            ["method", "route", "status"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10))
STAGE_SECONDS = Histogram("attest_stage_seconds", "Seconds per pipeline stage of a document.", ["stage"],
                          buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32))
DOCUMENTS = Counter("attest_documents_total", "Documents read, by final status and kind.", ["status", "kind"])
OUTCOMES = Counter("attest_outcomes_total", "Applications decided, by the machine's outcome.", ["outcome"])
CHECK_FAILURES = Counter("attest_check_failures_total", "Checks raised at warn or fail, by code.",
                         ["code", "severity"])
JOBS = Counter("attest_jobs_total", "Jobs finished by this process, by kind and result (done, failed, retried).",
               ["kind", "result"])


def observe_document(status: str, kind: str | None, timings: Mapping[str, float]) -> None:
    """A document read (`kind` and stage `timings`) or refused (neither): counted where `/metrics` is served,
    whichever process read it."""
    DOCUMENTS.labels(status=status, kind=kind or "none").inc()
    for stage, seconds in timings.items():
        STAGE_SECONDS.labels(stage=stage).observe(seconds)


def observe_assessment(assessment: Assessment, documents: Sequence[DocumentResult]) -> None:
    OUTCOMES.labels(outcome=assessment.decision.outcome).inc()
    checks: Iterable[CheckResult] = [*assessment.checks, *(c for d in documents for c in d.checks)]
    for c in checks:
        if c.severity in ("warn", "fail"):
            CHECK_FAILURES.labels(code=c.code, severity=c.severity).inc()


class QueueDepth(Collector):
    """Jobs by kind and status, counted when scraped: the database is the queue, whichever worker runs it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("attest_jobs", "Jobs in the database by kind and status.", labels=["kind", "status"])
        with self.db.session() as s:
            for kind, status, n in s.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)):
                family.add_metric([kind, status], n)
        yield family


def registry_with_queue(db: Database) -> CollectorRegistry:
    """The process's metrics plus the queue depth read from `db`."""
    registry = CollectorRegistry()
    registry.register(_Forward())
    registry.register(QueueDepth(db))
    return registry


class _Forward(Collector):
    """Everything in the default registry (this process's counters and histograms)."""

    def collect(self) -> Iterable[object]:  # type: ignore[override]
        return REGISTRY.collect()
