"""Operations over real HTTP: liveness, readiness that says what is missing, Prometheus metrics after a real
document, request ids, and log lines that carry ids but no tax ids, names or amounts."""

from __future__ import annotations

import io
import json
import logging
import secrets
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from attest.cluster import ensure_database
from attest.ops import context
from attest.ops.logs import JsonFormatter, formatter_for, mask
from attest.settings import LogSettings, ServiceSettings, Settings

from ..api.conftest import PG_ADMIN, free_port, serve, sqlite_settings, wait_decided
from ..conftest import SAMPLES


def test_personal_data_is_masked_and_ids_kept() -> None:
    line = ("seller 兰溪市悦济舫餐厅 92330781MA2EDMFU50 total ¥19,073.03 tax 1716.57 on app_9f67e59fc17dbaca55b0 "
            "doc_d8c8b6a0ea22baefdb3d page 2 of 3 took 1.5 s")
    masked = mask(line)
    for secret in ("兰溪", "92330781MA2EDMFU50", "19,073.03", "1716.57"):
        assert secret not in masked, masked
    assert "app_9f67e59fc17dbaca55b0" in masked and "doc_d8c8b6a0ea22baefdb3d" in masked and "page 2 of 3" in masked
    record = logging.LogRecord("attest.x", logging.WARNING, __file__, 1, "merchant %s", ("杭州华盛服装有限公司",), None)
    with context.bound(request_id="r1", application_id="app_1"):
        shown = json.loads(JsonFormatter(show_personal_data=False).format(record))
        debug = json.loads(JsonFormatter(show_personal_data=True).format(record))
    assert shown["msg"] == "merchant [text]" and shown["request_id"] == "r1" and shown["application_id"] == "app_1"
    assert debug["msg"] == "merchant 杭州华盛服装有限公司"


@pytest.mark.slow
def test_health_readiness_metrics_and_request_ids(tmp_path: Path) -> None:
    name = f"attest_ops_{secrets.token_hex(4)}"
    url = ensure_database(PG_ADMIN, name, fresh=True)
    port = free_port()
    settings = Settings(data_dir=tmp_path / "data", service=ServiceSettings(
        database_url=url, workers=1, metrics_port=port, metrics_token="scrape-secret"))
    with serve(settings) as live:
        headers = live.key(live.tenant())
        with httpx.Client(base_url=live.url, timeout=60) as c:
            assert c.get("/healthz").json() == {"status": "alive"}
            ready = c.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) == {"database", "ocr", "patterns"}
            assert ready.json()["checks"]["ocr"]["engine"].startswith("rapidocr")
            r = c.get("/v1/applications/app_nope", headers={**headers, "X-Request-ID": "trace-42"})
            assert r.status_code == 404 and r.headers["x-request-id"] == "trace-42"
            assert len(c.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
                       .headers["x-request-id"]) == 16  # an unsafe id is replaced, never echoed
            m = c.post("/v1/merchants", json={"name": "滴滴出行科技有限公司", "uscc": "911201163409833307"},
                       headers=headers).json()
            app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
            pdf = (SAMPLES / "inv18_digital_normal_transport_discount.pdf").read_bytes()
            c.post(f"/v1/applications/{app['id']}/documents", headers=headers,
                   files=[("files", ("a.pdf", pdf, "application/pdf"))]).raise_for_status()
            c.post(f"/v1/applications/{app['id']}/submit", headers=headers).raise_for_status()
            wait_decided(c, app["id"], headers)
            # The public API serves metrics to the scraper's token only; the merchant's key is not it.
            assert c.get("/metrics").status_code == 401
            assert c.get("/metrics", headers=headers).status_code == 401
            public = c.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
            assert public.status_code == 200, public.text
        text = httpx.get(f"http://127.0.0.1:{port}/", timeout=30).text  # the listener of their own
        assert "attest_jobs" in public.text
        for needle in ('attest_http_request_seconds_count{method="POST",route="/v1/applications/{application_id}'
                       '/documents",status="202"}', 'attest_stage_seconds_count{stage="ocr"}',
                       'attest_documents_total{kind="invoice",status="done"}', "attest_outcomes_total{outcome=",
                       'attest_jobs{kind="process_document",status="done"} 1.0',
                       'attest_jobs{kind="assess_application",status="done"} 1.0'):
            assert needle in text, needle
        assert "app_" not in text  # routes by template: no metric per application
        # The database goes away: not ready, and the answer says which part.
        live.db.engine.dispose()
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
        with httpx.Client(base_url=live.url, timeout=60) as c:
            down = c.get("/readyz")
            assert c.get("/healthz").status_code == 200  # alive all the same: restarting it would not help
        assert down.status_code == 503 and down.json()["status"] == "not ready"
        checks = down.json()["checks"]
        assert checks["database"]["ok"] is False and name in checks["database"]["error"]
        assert checks["patterns"]["ok"] is True


def test_public_metrics_are_absent_without_a_token(tmp_path: Path) -> None:
    """By default the public API does not serve metrics at all: any caller of it would read the queue's depth."""
    with serve(sqlite_settings(tmp_path)) as live, httpx.Client(base_url=live.url, timeout=30) as c:
        r = c.get("/metrics", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 401 and r.json()["type"].endswith("metrics-not-served")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_lines_are_readable_at_a_terminal_and_json_elsewhere() -> None:
    """`make run` in a shell prints readable lines; the same service in a container (no terminal) writes JSON."""
    record = logging.LogRecord("attest.worker", logging.WARNING, __file__, 1, "seller %s owes %s",
                               ("兰溪市悦济舫餐厅", "19,073.03"), None)
    with context.bound(job_id="job_7"):
        piped, terminal = io.StringIO(), _Terminal()
        json_line = formatter_for(LogSettings(), piped).format(record)
        text_line = formatter_for(LogSettings(), terminal).format(record)
        forced = formatter_for(LogSettings(format="text"), piped).format(record)
    assert json.loads(json_line)["job_id"] == "job_7"
    for line in (text_line, forced):
        assert not line.startswith("{") and "worker" in line and "job_id=job_7" in line
        assert "兰溪" not in line and "19,073.03" not in line  # masked the same way
    assert "\x1b[33mWARNING" in text_line and "\x1b[" not in forced  # colour only on a terminal
    assert json.loads(formatter_for(LogSettings(format="json"), terminal).format(record))["level"] == "WARNING"
