"""A task that raises (a bug, not bad input) still leaves every document, grouped pages included, final; a task
that meets a transient fault (the database away for a moment) is given back and runs again, and the job
counters say so."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError

from attest.patterns.store import PatternStore
from attest.pipeline import Engines
from attest.score import load_policy
from attest.settings import PatternSettings, ServiceSettings, Settings
from attest.store.blobs import BlobStore
from attest.store.db import Database, database_url, migrate
from attest.store.models import Application, Document, Job, Merchant, Tenant, utcnow
from attest.worker.inprocess import InProcessWorker
from attest.worker.queue import enqueue
from attest.worker.tasks import Context
from eval.synth import generate

from .test_flow import SELLER


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


def test_a_transient_fault_gives_the_job_back_and_it_runs_again(tmp_path: Path, engines: Engines) -> None:
    url = database_url(None, tmp_path / "db")
    migrate(url)
    db = Database(url)
    blobs = BlobStore(tmp_path / "blobs")
    sha = blobs.put(generate(7)[0])
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
        doc = Document(application_id=app.id, sha256=sha, filename="invoice.png", size=1)
        s.add(doc)
        s.flush()
        enqueue(s, "process_document", doc.id)
        app_id, doc_id = app.id, doc.id
    before = {r: _jobs_total("process_document", r) for r in ("retried", "done", "failed")}
    ctx = Context(db=db, blobs=blobs, engines=Engines(ocr=FlakyOcr(engines.ocr)), policy=load_policy(),
                  patterns=PatternStore.open(PatternSettings(path=tmp_path / "patterns"), tmp_path),
                  settings=Settings(data_dir=tmp_path, service=ServiceSettings(database_url=url)))
    worker = InProcessWorker(ctx, threads=1, poll_s=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while (status := _status(db, app_id)) != "decided":
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    finally:
        worker.stop()
    with db.session() as s:
        d = s.get(Document, doc_id)
        job = s.query(Job).filter_by(kind="process_document").one()
        assert d is not None and d.status == "done"
        assert (job.status, job.attempts) == ("done", 2)
    after = {r: _jobs_total("process_document", r) for r in ("retried", "done", "failed")}
    assert {r: after[r] - before[r] for r in after} == {"retried": 1, "done": 1, "failed": 0}
    db.engine.dispose()


def _status(db: Database, app_id: str) -> str:
    with db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.status


def test_a_crashing_task_leaves_every_document_final_and_the_application_decided(tmp_path: Path) -> None:
    url = database_url(None, tmp_path / "db")
    migrate(url)
    db = Database(url)
    blobs = BlobStore(tmp_path / "blobs")
    settings = Settings(data_dir=tmp_path, service=ServiceSettings(database_url=url))
    pages = [blobs.put(generate(seed)[0]) for seed in (1, 2, 3)]
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
        docs = [Document(application_id=app.id, sha256=sha, filename=f"{n}.png", size=1,
                         group_id="contract" if n < 2 else None) for n, sha in enumerate(pages)]
        s.add_all(docs)
        s.flush()
        enqueue(s, "process_document", docs[0].id)  # the group's lead
        enqueue(s, "process_document", docs[2].id)
        app_id, ids = app.id, [d.id for d in docs]
    ctx = Context(db=db, blobs=blobs, engines=Engines(ocr=BrokenOcr()), policy=load_policy(),  # type: ignore[arg-type]
                  patterns=PatternStore.open(PatternSettings(path=tmp_path / "patterns"), tmp_path),
                  settings=settings)
    worker = InProcessWorker(ctx, threads=1, poll_s=0.05)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            with db.session() as s:
                status = s.get(Application, app_id).status  # type: ignore[union-attr]
            if status == "decided":
                break
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    finally:
        worker.stop()
    with db.session() as s:
        got = {d.id: (d.status, d.error_code) for d in (s.get(Document, i) for i in ids) if d is not None}
        jobs = {(j.kind, j.status) for j in s.query(Job).all()}
    assert got == {ids[0]: ("refused", "processing.failed"), ids[1]: ("grouped", None),
                   ids[2]: ("refused", "processing.failed")}
    assert jobs == {("process_document", "failed"), ("assess_application", "done")}
    db.engine.dispose()
