"""Kill the service mid-job (SIGKILL), start it again: every document reaches a final state, exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from attest.store.db import Database, database_url, migrate
from attest.store.models import Document, Job
from eval.synth import generate

from ..api.conftest import Live, free_port, wait_decided
from ..api.test_flow import SELLER


def _start(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ATTEST_DATA_DIR": str(data_dir), "ATTEST_SERVICE__WORKERS": "1"}
    return subprocess.Popen([sys.executable, "-c", "from attest.cli import main; main()", "service", "run",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "died"
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the service did not start"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_killed_service_finishes_every_job_once_after_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url_db = database_url(None, data_dir)
    migrate(url_db)
    db = Database(url_db)
    seed = Live(url="", db=db, settings=None)  # type: ignore[arg-type]
    headers = seed.key(seed.tenant())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(data_dir, port)
    try:
        _wait_up(url, proc)
        with httpx.Client(base_url=url, timeout=60) as c:
            m = c.post("/v1/merchants", json=SELLER, headers=headers).json()
            app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
            files = [("files", (f"inv{seed_}.png", generate(seed_)[0], "image/png")) for seed_ in range(7100, 7106)]
            assert c.post(f"/v1/applications/{app['id']}/documents", files=files, headers=headers).status_code == 202
            assert c.post(f"/v1/applications/{app['id']}/submit", headers=headers).status_code == 202
            deadline = time.monotonic() + 120
            while True:  # kill while a document is being read, after at least one finished
                with db.session() as s:
                    statuses = s.scalars(sa.select(Document.status)).all()
                if "done" in statuses and "processing" in statuses:
                    break
                assert time.monotonic() < deadline, statuses
                time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with db.session() as s:
            interrupted = s.scalars(sa.select(Job.id).where(Job.status == "running")).all()
        assert interrupted, "the kill came after the work was done"
        proc = _start(data_dir, port)
        _wait_up(url, proc)
        with httpx.Client(base_url=url, timeout=60) as c:
            done = wait_decided(c, app["id"], headers)
        assert [d["status"] for d in done["documents"]] == ["done"] * 6
        with db.session() as s:
            jobs = s.scalars(sa.select(Job)).all()
            assert len(jobs) == 7 and {j.status for j in jobs} == {"done"}  # 6 documents + 1 assessment, once each
            assert all(j.attempts == (2 if j.id in interrupted else 1) for j in jobs)
        assert done["decision"] is not None
    finally:
        proc.kill()
        proc.wait(timeout=30)
        db.engine.dispose()
