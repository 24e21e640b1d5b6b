"""A task that raises (a bug, not bad input) still leaves every document, grouped pages included, final; a task
that meets a transient fault (the database away for a moment) is given back and runs again, and the job
counters say so."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError

from attest.patterns.store import PatternStore
from attest.pipeline import Engines
from attest.score import load_policy
from attest.settings import PatternSettings, ServiceSettings, Settings
from attest.store.blobs import BlobStore
from attest.store.db import Database, database_url, migrate
from attest.store.jobs import enqueue
from attest.store.models import Application, Document, Job, Merchant, Tenant, utcnow
from attest.worker.inprocess import InProcessWorker
from attest.worker.reader_process import reading_lanes
from attest.worker.reading import LocalReader
from attest.worker.tasks import Context
from eval.synth import generate

from ..api.test_flow import SELLER


class BrokenOcr:
    """An OCR engine with a bug in it: it raises what no stage expects."""

    def read(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine bug")


class FlakyOcr:
    """The real OCR engine behind a connection that drops once: the first read meets a transient fault."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.faults = engine, 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def read(self, *args: Any, **kwargs: Any) -> Any:
        if self.faults:
            self.faults -= 1
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection unexpectedly"))
        return self.engine.read(*args, **kwargs)


def _jobs_total(kind: str, result: str) -> float:
    return REGISTRY.get_sample_value("attest_jobs_total", {"kind": kind, "result": result}) or 0.0


def _submitted(tmp_path: Path, seeds: tuple[int, ...],
               groups: tuple[str | None, ...]) -> tuple[Database, str, list[str]]:
    """A migrated SQLite store holding one submitted application with a generated invoice per seed (documents
    sharing a group are pages of one); its database, the application id and the document ids."""
    url = database_url(None, tmp_path / "db")
    migrate(url)
    db = Database(url)
    blobs = BlobStore(tmp_path / "blobs")
    with db.session() as s:
        t = Tenant(name="t")
        s.add(t)
        s.flush()
        m = Merchant(tenant_id=t.id, name=SELLER["name"], uscc=SELLER["uscc"])
        s.add(m)
        s.flush()
        app = Application(tenant_id=t.id, merchant_id=m.id, status="submitted", submitted_at=utcnow())
        s.add(app)
        s.flush()
        docs = [Document(application_id=app.id, sha256=blobs.put(generate(seed)[0]), filename=f"{n}.png", size=1,
                         group_id=group) for n, (seed, group) in enumerate(zip(seeds, groups, strict=True))]
        s.add_all(docs)
        s.flush()
        seen: set[str] = set()
        for d in docs:  # one job per ungrouped document and per group (its first page leads)
            if d.group_id is None or d.group_id not in seen:
                enqueue(s, "process_document", d.id)
                seen.add(d.group_id or d.id)
        return db, app.id, [d.id for d in docs]


def _local(tmp_path: Path, db: Database, ocr: Any) -> Context:
    """A worker's context that reads in its own thread with `ocr`."""
    settings = Settings(data_dir=tmp_path, service=ServiceSettings(database_url=database_url(None, tmp_path / "db")))
    return Context(db=db, blobs=BlobStore(tmp_path / "blobs"), reader=LocalReader(Engines(ocr=ocr)),
                   policy=load_policy(), patterns=PatternStore.open(PatternSettings(path=tmp_path / "patterns"),
                                                                    tmp_path), settings=settings)


def _run_until_decided(ctx: Context, db: Database, app_id: str) -> None:
    """An in-process worker with `ctx` runs the application's jobs until it is decided (60 s at most)."""
    worker = InProcessWorker([ctx], poll_s=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            with db.session() as s:
                status = s.get(Application, app_id).status  # type: ignore[union-attr]
            if status == "decided":
                return
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    finally:
        worker.stop()


def test_a_transient_fault_gives_the_job_back_and_it_runs_again(tmp_path: Path, engines: Engines) -> None:
    db, app_id, (doc_id,) = _submitted(tmp_path, (7,), (None,))
    before = {r: _jobs_total("process_document", r) for r in ("retried", "done", "failed")}
    _run_until_decided(_local(tmp_path, db, FlakyOcr(engines.ocr)), db, app_id)
    with db.session() as s:
        d = s.get(Document, doc_id)
        job = s.query(Job).filter_by(kind="process_document").one()
        assert d is not None and d.status == "done"
        assert (job.status, job.attempts) == ("done", 2)
    after = {r: _jobs_total("process_document", r) for r in ("retried", "done", "failed")}
    assert {r: after[r] - before[r] for r in after} == {"retried": 1, "done": 1, "failed": 0}
    db.engine.dispose()


def test_a_crashing_task_leaves_every_document_final_and_the_application_decided(tmp_path: Path) -> None:
    db, app_id, ids = _submitted(tmp_path, (1, 2, 3), ("contract", "contract", None))
    _run_until_decided(_local(tmp_path, db, BrokenOcr()), db, app_id)
    with db.session() as s:
        got = {d.id: (d.status, d.error_code) for d in (s.get(Document, i) for i in ids) if d is not None}
        jobs = {(j.kind, j.status) for j in s.query(Job).all()}
    assert got == {ids[0]: ("refused", "processing.failed"), ids[1]: ("grouped", None),
                   ids[2]: ("refused", "processing.failed")}
    assert jobs == {("process_document", "failed"), ("assess_application", "done")}
    db.engine.dispose()


@pytest.mark.slow
def test_documents_whose_reading_process_overruns_are_refused_with_the_reason_and_the_service_goes_on(
        tmp_path: Path) -> None:
    """The in-process worker as the service runs it: reading processes (`reading_lanes`). None of the reads
    finishes within the limit; each document is refused saying so, and the application is still decided."""
    db, app_id, ids = _submitted(tmp_path, (4, 5), (None, None))
    settings = Settings(data_dir=tmp_path, service=ServiceSettings(database_url=database_url(None, tmp_path / "db"),
                                                                   read_timeout_s=0.01))
    lanes = reading_lanes(settings, 1)
    ctx = Context(db=db, blobs=BlobStore(tmp_path / "blobs"), reader=lanes[0], policy=load_policy(),
                  patterns=PatternStore.open(PatternSettings(path=tmp_path / "patterns"), tmp_path), settings=settings)
    _run_until_decided(ctx, db, app_id)
    with db.session() as s:
        docs = [s.get(Document, i) for i in ids]
    assert [(d.status, d.error_code) for d in docs if d is not None] == [("refused", "processing.failed")] * 2
    assert all("longer than 0.01 s" in (d.error_message or "") for d in docs if d is not None)
    db.engine.dispose()
