"""Load and fault run (issue #10): N documents through the API into Celery workers on this machine, with a worker
killed mid-run (SIGKILL, then replaced as an orchestrator would), Redis restarted (it keeps nothing), and every
PostgreSQL connection dropped. Then every application is checked: final, each document read once, each decision
made once, every job done. Throughput is reported beside the single-core OCR and pipeline rates measured in the
same run on the same documents (before and after the cluster, averaged), with the CPU seconds each process
used. `--no-faults` runs the same load undisturbed.

Usage: python -m eval.fault_run [--documents 1000] [--workers 2] [--no-faults] [--out bench-out/fault_run.json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
import sqlalchemy as sa
from PIL import Image

from attest.api.accounts import add_tenant
from attest.api.auth import new_key
from attest.audit.chain import load_jsonl, verify_chain
from attest.cluster import Cluster, drop_database, ensure_database, free_port
from attest.ingest import ingest
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.settings import LimitSettings, OcrSettings
from attest.store.db import Database
from attest.store.models import Document, Job
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth, uscc
from eval.synth import TODAY

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def documents(n: int, distinct: int = 200) -> list[bytes]:
    """n invoice photos: `distinct` rendered invoices, each saved at several JPEG qualities (distinct bytes)."""
    rng = random.Random(20261129)
    images: list[Image.Image] = [render_invoice(make_truth(rng, TODAY), rng).convert("RGB") for _ in range(distinct)]
    out = []
    for i in range(n):
        buf = io.BytesIO()
        images[i % distinct].save(buf, "JPEG", quality=80 + (i // distinct) % 16)
        out.append(buf.getvalue())
    return out


def single_core_rates(docs: list[bytes], sample: int) -> dict[str, float]:
    """Pages per minute of bare OCR and of the whole pipeline on one core (one OCR thread), on `sample`
    documents spread evenly over the run's (every invoice layout and JPEG quality has its share)."""
    from attest.ocr import create_ocr_engine

    ocr_settings = OcrSettings(threads=1)
    engine = create_ocr_engine(ocr_settings)
    chosen = docs[:: max(1, len(docs) // sample)][:sample]
    pages = [ingest(d, "x.jpg", limits=LimitSettings(), ocr=ocr_settings).pages[0].image for d in chosen]
    engine.read(pages[0])  # warm
    started = time.perf_counter()
    for img in pages:
        engine.read(img)
    ocr_s = time.perf_counter() - started
    engines = Engines(ocr=engine)
    started = time.perf_counter()
    for d in chosen:
        process_document(d, "x.jpg", engines=engines, options=ProcessOptions(ocr=ocr_settings, today=TODAY))
    pipeline_s = time.perf_counter() - started
    return {"ocr_pages_per_min": round(60 * len(chosen) / ocr_s, 1),
            "pipeline_pages_per_min": round(60 * len(chosen) / pipeline_s, 1)}


def bracketed(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The single-core rates as the mean of one measurement before the cluster run and one after it: this
    machine's speed drifts by up to 15 % within an hour (same pages, same code), and the run sits between."""
    return {k: round((before[k] + after[k]) / 2, 1) for k in before}


def _progress(db: Database) -> tuple[int, int]:
    with db.session() as s:
        done = s.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.status.in_(
            ("done", "refused")))) or 0
        total = s.scalar(sa.select(sa.func.count()).select_from(Document)) or 0
    return int(done), int(total)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its children, 0 if it is gone."""
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def _own_cpu_s() -> float:
    own = psutil.Process().cpu_times()  # not its children: they are the cluster, counted on their own
    return float(own.user + own.system)


def cpu_by_process(cluster: Cluster, database: str, harness_since: float) -> dict[str, float]:
    """Where the cores went: CPU seconds of every live cluster process and of the database's PostgreSQL backends
    (a process killed by a fault is not counted)."""
    out = {name: round(_cpu_s(p.pid), 1) for name, p in cluster.procs.items()}
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": database}).scalars()
        out["postgres backends"] = round(sum(_cpu_s(pid) for pid in pids), 1)
    admin.dispose()
    out["this harness (uploads, polling)"] = round(_own_cpu_s() - harness_since, 1)
    return out


def job_seconds(db: Database) -> dict[str, dict[str, float]]:
    """Mean and total wall seconds from claim to finish, by job kind (the last attempt of each job)."""
    with db.session() as s:
        rows = s.execute(sa.select(Job.kind, Job.claimed_at, Job.finished_at).where(Job.status == "done")).all()
    out: dict[str, dict[str, float]] = {}
    for kind in sorted({r.kind for r in rows}):
        spans = [(r.finished_at - r.claimed_at).total_seconds() for r in rows
                 if r.kind == kind and r.claimed_at and r.finished_at]
        out[kind] = {"jobs": len(spans), "mean_s": round(statistics.fmean(spans), 3), "total_s": round(sum(spans), 1)}
    return out


@contextmanager
def throwaway_cluster(label: str, workers: int, env: dict[str, str] | None = None
                      ) -> Iterator[tuple[Cluster, str, str, Path]]:
    """The multi-process topology on free ports with a private Redis and a fresh PostgreSQL database, up for
    the block and gone after it (database dropped): the cluster, the database's name and URL, and the folder
    holding its data and `cluster.log`."""
    name = f"attest_{label}_{random.randrange(16**6):06x}"
    url = ensure_database(PG_ADMIN, name, fresh=True)
    root = Path(tempfile.mkdtemp(prefix=f"{label}-"))
    with (root / "cluster.log").open("w") as log:
        cluster = Cluster(data_dir=root / "data", database_url=url, workers=workers, api_port=free_port(),
                          chroma_port=free_port(), redis_port=free_port(), log=log,
                          env={"ATTEST_SERVICE__RATE_LIMIT_PER_MINUTE": "100000", **(env or {})})
        try:
            cluster.up()
            yield cluster, name, url, root
        finally:
            cluster.down()
            drop_database(PG_ADMIN, name)


def run(n_docs: int, workers: int, per_app: int, *, faults_on: bool = True) -> dict[str, Any]:
    docs = documents(n_docs)
    before = single_core_rates(docs, sample=20)
    print("single core before:", before, flush=True)
    events: list[dict[str, Any]] = []
    with throwaway_cluster("fault_run", workers) as (cluster, name, url, root):
        harness_since = _own_cpu_s()
        db = Database(url)
        tenant_id = add_tenant(db, "fault-run")
        headers = {"Authorization": f"Bearer {new_key(db, tenant_id=tenant_id, role='client')}"}
        apps: list[str] = []
        acks: list[float] = []
        started = time.monotonic()
        with httpx.Client(base_url=cluster.api_url, timeout=120, headers=headers) as c:
            for a in range(0, n_docs, per_app):
                m = c.post("/v1/merchants", json={"name": f"压测商户{a // per_app:04d}有限公司",
                                                  "uscc": uscc(random.Random(a))}).json()
                app = c.post("/v1/applications", json={"merchant_id": m["id"]}).json()
                batch = docs[a:a + per_app]
                t0 = time.perf_counter()
                r = c.post(f"/v1/applications/{app['id']}/documents",
                           files=[("files", (f"{a + k}.jpg", d)) for k, d in enumerate(batch)])
                acks.append(time.perf_counter() - t0)
                assert r.status_code == 202, r.text
                assert c.post(f"/v1/applications/{app['id']}/submit").status_code == 202
                apps.append(app["id"])
            uploaded_s = time.monotonic() - started
            print(f"{n_docs} documents in {len(apps)} applications uploaded in {uploaded_s:.0f} s", flush=True)
            faults = [(0.25, "kill worker-0 (SIGKILL)"), (0.50, "restart redis"),
                      (0.75, "drop postgres connections")] if faults_on else []
            marks: dict[float, float] = {}  # fraction of documents done → seconds since the start
            replaced = 0
            while True:
                done, total = _progress(db)
                for q in (0.1, 0.9):
                    if q not in marks and done >= q * total:
                        marks[q] = time.monotonic() - started
                if faults and done >= faults[0][0] * total:
                    _, what = faults.pop(0)
                    print(f"t={time.monotonic() - started:.0f}s done={done}/{total}: {what}", flush=True)
                    events.append({"at_s": round(time.monotonic() - started, 1), "done": done, "fault": what})
                    if what.startswith("kill"):
                        cluster.kill("worker-0", signal.SIGKILL)
                        time.sleep(5)
                        replaced += 1
                        cluster.start_worker(workers + replaced)  # the orchestrator's replacement
                    elif what.startswith("restart"):
                        cluster.kill("redis", signal.SIGKILL)
                        time.sleep(2)
                        cluster.start_redis()
                    else:
                        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                        with admin.connect() as conn:
                            n = conn.execute(sa.text(
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d "
                                "AND pid <> pg_backend_pid()"), {"d": name}).scalar()
                        admin.dispose()
                        events[-1]["connections_dropped"] = n
                statuses = [c.get(f"/v1/applications/{a}").json()["status"] for a in apps[-3:]]
                if done == total and all(st in ("decided", "failed") for st in statuses):
                    with db.session() as s:
                        open_jobs = s.scalar(sa.select(sa.func.count()).select_from(Job).where(
                            Job.status.in_(("queued", "running"))))
                    if not open_jobs:
                        break
                if time.monotonic() - started > 4 * 3600:
                    raise TimeoutError("not finished after 4 hours")
                time.sleep(2)
            elapsed = time.monotonic() - started
            final = [c.get(f"/v1/applications/{a}").json() for a in apps]
            lost = duplicated = 0
            for st in final:
                if st["status"] != "decided" or any(d["status"] != "done" for d in st["documents"]):
                    lost += 1
                    continue
                trail = load_jsonl(c.get(f"/v1/applications/{st['id']}/audit").text)
                types = [e.type for e in trail]
                if (not verify_chain(trail).ok or types.count("decision.made") != 1
                        or types.count("document.processed") != len(st["documents"])):
                    duplicated += 1
        cpu = cpu_by_process(cluster, name, harness_since)
        seconds_by_kind = job_seconds(db)
        with db.session() as s:
            jobs = s.execute(sa.select(Job.status, Job.attempts)).all()
            docs_in_db = s.scalar(sa.select(sa.func.count()).select_from(Document)) or 0
        db.engine.dispose()
    after = single_core_rates(docs, sample=20)
    print("single core after:", after, flush=True)
    rates = bracketed(before, after)
    cores = os.cpu_count() or 1
    per_min = 60 * n_docs / elapsed
    middle = 60 * 0.8 * n_docs / (marks[0.9] - marks[0.1]) if marks.get(0.9, 0) > marks.get(0.1, 0) else None
    result = {
        "documents": n_docs, "applications": len(apps), "workers": workers, "cores": cores,
        "elapsed_s": round(elapsed, 1), "documents_per_min": round(per_min, 1), "faults": events,
        # Before the first fault every worker runs undisturbed: the rate the cores sustain.
        "documents_per_min_before_faults": round(60 * events[0]["done"] / events[0]["at_s"], 1) if events else None,
        # The middle 80 % of the documents: no start-up, no tail where one worker waits for the other's last job.
        "documents_per_min_middle_80": round(middle, 1) if middle else None,
        "lost": lost, "duplicated": duplicated, "stuck": sum(1 for j in jobs if j.status in ("queued", "running")),
        "documents_in_db": docs_in_db, "jobs": len(jobs), "jobs_failed": sum(1 for j in jobs if j.status == "failed"),
        "jobs_run_more_than_once": sum(1 for j in jobs if j.attempts > 1),
        "upload_ack_s": {"p50": round(statistics.median(acks), 3), "max": round(max(acks), 3)},
        "single_core": rates, "single_core_before": before, "single_core_after": after,
        "ratio_to_cores_x_single_core_ocr": round(per_min / (cores * rates["ocr_pages_per_min"]), 3),
        "ratio_to_cores_x_single_core_pipeline": round(per_min / (cores * rates["pipeline_pages_per_min"]), 3),
        "ratio_before_faults_to_cores_x_single_core_ocr": round(
            60 * events[0]["done"] / events[0]["at_s"] / (cores * rates["ocr_pages_per_min"]), 3) if events else None,
        "ratio_middle_80_to_cores_x_single_core_ocr": round(middle / (cores * rates["ocr_pages_per_min"]), 3)
        if middle else None,
        "job_seconds": seconds_by_kind, "cpu_s_by_process": cpu,
        "cluster_log": str(root / "cluster.log"),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--per-application", type=int, default=10)
    parser.add_argument("--no-faults", action="store_true", help="the same load without the three faults")
    parser.add_argument("--out", type=Path, default=Path("bench-out/fault_run.json"))
    args = parser.parse_args()
    result = run(args.documents, args.workers, args.per_application, faults_on=not args.no_faults)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
