"""`make bench` (service part): upload acknowledgement latency with 20 concurrent clients, first with no worker
(nothing else running), then while the in-process worker OCRs the uploads; and end-to-end documents per
minute. Prints both runs and their ratio, measured in this one run.

Each round serves an idle API, then one with the worker; the rounds alternate so that a drift in the machine's
speed during the run falls on both (on these shared 2 cores a single 60-upload p95 moved by 1.5x between runs of
the same code).

The clients are `eval.load`'s: on these shared cores, a load generator's own CPU per request is taken from the
server; each phase prints the CPU per upload of both sides.

Usage: python -m eval.bench_service [--clients 20] [--uploads 5] [--rounds 2] [--postgres] [--client light|threads]
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
import psutil
import uvicorn
from sqlalchemy import func, select

from attest.api.auth import new_key
from attest.service import create_app
from attest.settings import ServiceSettings, Settings
from attest.store.db import Database, database_url, migrate
from attest.store.models import Document, Merchant, Tenant
from eval import load

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


def _upload(url: str, headers: dict[str, str], app: str, n: int, k: int, data: bytes) -> httpx.Request:
    return httpx.Request("POST", f"{url}/v1/applications/{app}/documents", headers=headers,
                         files=[("files", (f"c{n}-{k}.jpg", data, "image/jpeg"))])


def _light(url: str, headers: dict[str, str], apps: list[str], files: list[list[bytes]]) -> list[float]:
    """Every client's uploads through `eval.load` (built first, then sent): latencies in ms."""
    wires = [[load.raw(_upload(url, headers, app, n, k, data)) for k, data in enumerate(own)]
             for n, (app, own) in enumerate(zip(apps, files, strict=True))]
    replies = load.run(url, wires)
    bad = [r for r in replies if r.status != 202]
    assert not bad, bad[0].body[:300]
    return [r.ms for r in replies]


def _threaded(url: str, headers: dict[str, str], apps: list[str], files: list[list[bytes]]) -> list[float]:
    """The earlier load generator: an httpx client per thread, encoding each request as it is timed."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(timeout=120) as c:
            for k, data in enumerate(files[n]):
                started = time.perf_counter()
                r = c.send(_upload(url, headers, apps[n], n, k, data))
                took = time.perf_counter() - started
                assert r.status_code == 202, r.text
                with lock:
                    latencies.append(took * 1000)

    with ThreadPoolExecutor(len(apps)) as pool:
        list(pool.map(client, range(len(apps))))
    return latencies


def _phase(start_worker: bool, clients: int, uploads: int, postgres: bool = False,
           client: str = "light") -> dict[str, Any]:
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
    server = psutil.Process(proc.pid)
    base = SAMPLE.read_bytes()
    with httpx.Client(base_url=url, timeout=120) as c:
        apps = [c.post("/v1/applications", json={"merchant_id": merchant_id}, headers=headers).json()["id"]
                for _ in range(clients)]
    # Distinct bytes (a JPEG ignores what follows its end marker): each upload is a new document.
    files = [[base + f"client{n}-upload{k}".encode() for k in range(uploads + 1)] for n in range(clients)]
    send = _threaded if client == "threads" else _light
    started = time.perf_counter()
    # One upload per client first, not timed: a service that has run a while, not the first requests after its
    # start (the first wave met cold code paths and thread-pool threads being made, 47 ms median against 37 ms).
    send(url, headers, apps, [own[:1] for own in files])
    cpu_client, cpu_server = time.process_time(), sum(server.cpu_times()[:2])
    latencies = send(url, headers, apps, [own[1:] for own in files])
    cpu_client, cpu_server = time.process_time() - cpu_client, sum(server.cpu_times()[:2]) - cpu_server
    total = clients * (uploads + 1)
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
    return {"worker": start_worker, "database": "postgresql" if postgres else "sqlite", "client": client,
            "uploads": clients * uploads, "ack_p50_ms": round(statistics.median(latencies), 1),
            "ack_p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1), "docs_per_min": docs_per_min,
            # CPU per timed upload: the load generator's, and the API process's own (its reading processes are
            # children, not counted)
            "client_cpu_ms": round(1000 * cpu_client / (clients * uploads), 2),
            "api_cpu_ms": round(1000 * cpu_server / (clients * uploads), 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database, not SQLite")
    parser.add_argument("--client", choices=("light", "threads"), default="light",
                        help="light: eval.load (asyncio, requests built first); threads: an httpx client per thread, "
                             "the earlier load generator, whose own CPU per upload exceeded the API's")
    args = parser.parse_args()
    idle, busy = [], []
    for _ in range(args.rounds):
        idle.append(_phase(False, args.clients, args.uploads, args.postgres, args.client))
        busy.append(_phase(True, args.clients, args.uploads, args.postgres, args.client))
        print(idle[-1], busy[-1], sep="\n", flush=True)
    idle_p95 = statistics.median(row["ack_p95_ms"] for row in idle)
    busy_p95 = statistics.median(row["ack_p95_ms"] for row in busy)
    print(f"cores {os.cpu_count()}; {args.clients} concurrent clients x {args.uploads} uploads, {args.rounds} rounds; "
          f"upload ack p95 (median of the rounds) {idle_p95} ms idle, {busy_p95} ms while OCR runs = "
          f"{busy_p95 / idle_p95:.2f}x; end to end {statistics.median(row['docs_per_min'] for row in busy)} "
          "documents/min")


if __name__ == "__main__":
    main()
