"""`make bench` (service part): upload acknowledgement latency with 20 concurrent clients, first with no worker
(nothing else running), then while the in-process worker OCRs the uploads; and end-to-end documents per
minute. Prints both runs and their ratio, measured in this one run.

Each round serves an idle API, then one with the worker; the rounds alternate so that a drift in the machine's
speed during the run falls on both (on these shared 2 cores a single 60-upload p95 moved by 1.5x between runs of
the same code).

Usage: python -m eval.bench_service [--clients 20] [--uploads 5] [--rounds 2] [--postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.process
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import func, select

from attest.api.auth import new_key
from attest.service import create_app
from attest.settings import ServiceSettings, Settings
from attest.store.db import Database, database_url, migrate
from attest.store.models import Document, Merchant, Tenant

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
SAMPLE = SAMPLES / "inv14_digital_normal_2023_cmcc_heyuan.jpg"


def serve(settings: Settings, start_worker: bool) -> tuple[uvicorn.Server, threading.Thread, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(settings, start_worker=start_worker), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _serve_child(settings: Settings, start_worker: bool, port: int) -> None:
    uvicorn.run(create_app(settings, start_worker=start_worker), host="127.0.0.1", port=port, log_level="warning")


def serve_process(settings: Settings, start_worker: bool) -> tuple[multiprocessing.process.BaseProcess, str]:
    """The API (and its in-process worker) in a process of its own, as `make run` serves it: the load
    generator's threads then don't share the server's interpreter lock, as phones on a network don't."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    # Not daemonic: the service starts reading processes of its own, which a daemonic process may not.
    proc = multiprocessing.get_context("spawn").Process(target=_serve_child, args=(settings, start_worker, port))
    proc.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if not proc.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API process did not become ready")
        time.sleep(0.2)


def bench_tenant(url_db: str, name: str, merchant: tuple[str, str]) -> tuple[Database, dict[str, str], str]:
    """A migrated database with one tenant and one merchant (name, USCC): the database, a client key's
    headers and the merchant's id."""
    migrate(url_db)
    db = Database(url_db)
    with db.session() as s:
        tenant = Tenant(name=name)
        s.add(tenant)
        s.flush()
        row = Merchant(tenant_id=tenant.id, name=merchant[0], uscc=merchant[1])
        s.add(row)
        s.flush()
        tenant_id, merchant_id = tenant.id, row.id
    return db, {"Authorization": f"Bearer {new_key(db, tenant_id=tenant_id, role='client')}"}, merchant_id


def _phase(start_worker: bool, clients: int, uploads: int, postgres: bool = False) -> dict[str, Any]:
    from attest.cluster import drop_database, ensure_database
    from eval.fault_run import PG_ADMIN

    data_dir = Path(tempfile.mkdtemp(prefix="bench-service-"))
    # SQLite (the embedded default) or a throwaway PostgreSQL database on the machine's server (as a bank runs it)
    url_db = ensure_database(PG_ADMIN, "bench_service", fresh=True) if postgres else None
    settings = Settings(data_dir=data_dir, service=ServiceSettings(rate_limit_per_minute=100_000,
                                                                   database_url=url_db))
    db, headers, merchant_id = bench_tenant(database_url(url_db, data_dir), "bench",
                                            ("滴滴出行科技有限公司", "911201163409833307"))
    proc, url = serve_process(settings, start_worker)
    base = SAMPLE.read_bytes()
    latencies: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            app = c.post("/v1/applications", json={"merchant_id": merchant_id}, headers=headers).json()
            for k in range(uploads):
                # Distinct bytes (a JPEG ignores what follows its end marker): each upload is a new document.
                data = base + f"client{n}-upload{k}".encode()
                started = time.perf_counter()
                r = c.post(f"/v1/applications/{app['id']}/documents", headers=headers,
                           files=[("files", (f"c{n}-{k}.jpg", data, "image/jpeg"))])
                took = time.perf_counter() - started
                assert r.status_code == 202, r.text
                with lock:
                    latencies.append(took * 1000)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    total = clients * uploads
    docs_per_min = None
    if start_worker:
        while True:
            with db.session() as s:
                done = s.scalar(select(func.count()).select_from(Document).where(Document.status == "done")) or 0
            if done >= total:
                break
            time.sleep(0.5)
        docs_per_min = round(total / ((time.perf_counter() - started) / 60), 1)
    proc.terminate()
    proc.join(timeout=120)
    if proc.is_alive():  # not daemonic: nothing else would stop it
        proc.kill()
        proc.join()
    db.engine.dispose()
    if postgres:
        drop_database(PG_ADMIN, "bench_service")
    latencies.sort()
    return {"worker": start_worker, "database": "postgresql" if postgres else "sqlite", "uploads": total,
            "ack_p50_ms": round(statistics.median(latencies), 1),
            "ack_p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1), "docs_per_min": docs_per_min}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database, not SQLite")
    args = parser.parse_args()
    idle, busy = [], []
    for _ in range(args.rounds):
        idle.append(_phase(False, args.clients, args.uploads, args.postgres))
        busy.append(_phase(True, args.clients, args.uploads, args.postgres))
        print(idle[-1], busy[-1], sep="\n", flush=True)
    idle_p95 = statistics.median(row["ack_p95_ms"] for row in idle)
    busy_p95 = statistics.median(row["ack_p95_ms"] for row in busy)
    print(f"cores {os.cpu_count()}; {args.clients} concurrent clients x {args.uploads} uploads, {args.rounds} rounds; "
          f"upload ack p95 (median of the rounds) {idle_p95} ms idle, {busy_p95} ms while OCR runs = "
          f"{busy_p95 / idle_p95:.2f}x; end to end {statistics.median(row['docs_per_min'] for row in busy)} "
          "documents/min")


if __name__ == "__main__":
    main()
