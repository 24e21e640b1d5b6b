"""`make run`'s demo through the real service: one merchant given an uplift on its takings, another merchant's
reuse of that bill held and shown, and a blurred photo sent back with a reason to retake it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from attest.cli_service import submit_demo_cases
from eval.demo import write_demo

from .conftest import serve, sqlite_settings, wait_decided


@pytest.mark.slow
def test_the_demo_shows_an_uplift_a_reuse_and_a_retake(tmp_path: Path) -> None:
    cases = write_demo(tmp_path / "demo", date.today())
    assert [c.name for c in cases] == ["1-genuine", "2-reused", "3-retake"]
    with serve(sqlite_settings(tmp_path)) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        c.headers.update(live.key(live.tenant()))
        lines = submit_demo_cases(c, live.url, "unused", tmp_path / "demo")
        ids = [line.rsplit("/", 1)[1] for line in lines]
        assert len(ids) == 3 and all(f"{live.url}/review/cases/" in line for line in lines)
        genuine, reused, retake = (wait_decided(c, i, dict(c.headers), timeout=600) for i in ids)
        assert genuine["decision"]["uplift"] and float(genuine["decision"]["uplift"]) > 0, genuine["decision"]
        assert float(reused["decision"]["uplift"] or 0) == 0, reused["decision"]
        codes = {k["code"] for k in reused["checks"] if k["severity"] != "pass"}
        assert {"dup.statement.cross_merchant", "identity.statement_holder"} & codes, codes
        assert retake["status"] == "evidence_requested" and retake["retake"], retake
        # Running the demo again adds nothing: its merchants are registered.
        assert submit_demo_cases(c, live.url, "unused", tmp_path / "demo") == []
