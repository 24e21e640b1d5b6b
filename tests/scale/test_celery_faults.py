"""The whole topology on 127.0.0.1 — API, two Celery workers, a private Redis, a throwaway PostgreSQL database,
a Chroma server — and the faults a bank's operations meet: a worker killed mid-job, Redis restarted (it keeps
nothing), every PostgreSQL connection dropped. Every application reaches a final state; nothing is lost or
done twice."""

from __future__ import annotations

import io
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from attest.api.accounts import add_tenant
from attest.api.auth import new_key
from attest.audit.chain import load_jsonl, verify_chain
from attest.cluster import Cluster, drop_database, ensure_database, free_port
from attest.store.db import Database
from attest.store.models import Job
from eval.render.invoice import render_invoice
from eval.render.truth import make_truth, uscc
from eval.synth import TODAY

from ..api.conftest import PG_ADMIN

pytestmark = pytest.mark.slow


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    name = f"attest_c_{random.randrange(16**8):08x}"
    url = ensure_database(PG_ADMIN, name, fresh=True)
    log = (tmp_path / "cluster.log").open("w")
    c = Cluster(data_dir=tmp_path / "data", database_url=url, workers=2, api_port=free_port(),
                chroma_port=free_port(), redis_port=free_port(), log=log,
                # Short leases and sweeps so a killed worker's job is taken over within seconds here.
                env={"ATTEST_SERVICE__JOB_LEASE_S": "8", "ATTEST_SERVICE__HEARTBEAT_S": "2",
                     "ATTEST_SERVICE__SWEEP_S": "2", "ATTEST_SERVICE__RATE_LIMIT_PER_MINUTE": "100000"})
    try:
        c.up()
        yield c
    finally:
        c.down()
        log.close()
        drop_database(PG_ADMIN, name)


def _invoices(n: int) -> list[bytes]:
    rng = random.Random(11)
    out = []
    for _ in range(n):
        buf = io.BytesIO()
        render_invoice(make_truth(rng, TODAY), rng).convert("RGB").save(buf, "JPEG", quality=85)
        out.append(buf.getvalue())
    return out


def _running(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.status == "running")) or 0)


def test_kill_a_worker_restart_redis_drop_database_connections(cluster: Cluster) -> None:
    db = Database(cluster.database_url)
    tenant_id = add_tenant(db, "faults")
    headers = {"Authorization": f"Bearer {new_key(db, tenant_id=tenant_id, role='client')}"}
    docs = _invoices(12)
    apps: list[str] = []
    with httpx.Client(base_url=cluster.api_url, timeout=60, headers=headers) as c:
        for i in range(4):
            m = c.post("/v1/merchants", json={"name": f"故障测试商户{i}有限公司", "uscc": uscc(random.Random(i))})
            assert m.status_code == 201, m.text
            app = c.post("/v1/applications", json={"merchant_id": m.json()["id"]}).json()
            up = c.post(f"/v1/applications/{app['id']}/documents",
                        files=[("files", (f"{i}-{k}.jpg", d)) for k, d in enumerate(docs[3 * i:3 * i + 3])])
            assert up.status_code == 202, up.text
            assert c.post(f"/v1/applications/{app['id']}/submit").status_code == 202
            apps.append(app["id"])

        # 1. A worker dies mid-job (SIGKILL: no warm shutdown, its message unacknowledged).
        deadline = time.monotonic() + 60
        while _running(db) == 0:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        cluster.kill("worker-0", signal.SIGKILL)
        # 2. Redis restarts with nothing kept: every message still in it is gone.
        cluster.kill("redis", signal.SIGKILL)
        time.sleep(1)
        cluster.start_redis()
        # 3. PostgreSQL drops every connection of this database (a failover, a restart).
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            dropped = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                           "datname = :d AND pid <> pg_backend_pid()"),
                                   {"d": cluster.database_url.rsplit("/", 1)[1]}).scalar()
        admin.dispose()
        assert dropped and dropped > 0
        cluster.start_worker(2)  # a replacement, as an orchestrator would start

        deadline = time.monotonic() + 300
        while True:
            states = [c.get(f"/v1/applications/{a}").json() for a in apps]
            if all(st["status"] in ("decided", "failed") for st in states):
                break
            assert time.monotonic() < deadline, [st["status"] for st in states]
            time.sleep(1)
        assert [st["status"] for st in states] == ["decided"] * 4
        assert all(d["status"] == "done" for st in states for d in st["documents"])
        for a in apps:
            trail = load_jsonl(c.get(f"/v1/applications/{a}/audit").text)
            types = [e.type for e in trail]
            assert verify_chain(trail).ok and types.count("decision.made") == 1
            assert types.count("document.processed") == 3  # each document once
    with db.session() as s:
        jobs = s.execute(sa.select(Job.kind, Job.status, Job.attempts)).all()
    assert len(jobs) == 16 and {j.status for j in jobs} == {"done"}  # 12 documents + 4 assessments, no more
    assert max(j.attempts for j in jobs) >= 2  # the killed worker's job ran again
    db.engine.dispose()
