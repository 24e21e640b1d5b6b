"""Mobile and partner teams generate their SDKs from the OpenAPI document. This generates a real Python client
with openapi-python-client from the running server's `/openapi.json` and runs the README's flow through it:
onboard a merchant, open an application, upload, submit, poll until decided, export the trail."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import SAMPLES
from .conftest import Live, serve, sqlite_settings

OPERATIONS = {"login", "createMerchant", "getMerchant", "createApplication", "getApplication", "uploadDocuments",
              "submitApplication", "exportAudit", "getDocument", "getHealth", "getReadiness", "getMetrics"}


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with serve(sqlite_settings(tmp_path_factory.mktemp("sdk"))) as live:
        yield live


def test_every_operation_has_a_short_stable_id(running: Live) -> None:
    spec = httpx.get(f"{running.url}/openapi.json", timeout=30).json()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert sorted(ids) == sorted(OPERATIONS), ids  # every operation named once, none by FastAPI's default
    assert all(re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids)
    assert spec["components"]["securitySchemes"]["apiKey"] == {
        "type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer atk_…`"}


def test_a_generated_client_runs_the_readme_flow(running: Live, tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_bytes(httpx.get(f"{running.url}/openapi.json", timeout=30).content)
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter run on the generated code
    generator = Path(sys.executable).parent / "openapi-python-client"
    done = subprocess.run([str(generator), "generate", "--path", "spec.json", "--meta", "none",
                           "--config", "config.yaml", "--output-path", "sdk"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        sdk = importlib.import_module("sdk")
        merchants = importlib.import_module("sdk.api.merchants")
        applications = importlib.import_module("sdk.api.applications")
        models = importlib.import_module("sdk.models")
        types = importlib.import_module("sdk.types")
        key = running.key(running.tenant())["Authorization"].removeprefix("Bearer ")
        client = sdk.AuthenticatedClient(base_url=running.url, token=key, timeout=httpx.Timeout(60))
        importlib.import_module("sdk.api.merchants.create_merchant")
        merchant = merchants.create_merchant.sync(client=client, body=models.MerchantIn(
            name="滴滴出行科技有限公司", uscc="911201163409833307"))
        assert isinstance(merchant, models.MerchantOut), merchant
        for name in ("create_application", "upload_documents", "submit_application", "get_application",
                     "export_audit"):
            importlib.import_module(f"sdk.api.applications.{name}")
        app = applications.create_application.sync(client=client, body=models.ApplicationIn(merchant_id=merchant.id))
        assert isinstance(app, models.ApplicationOut), app
        pdf = SAMPLES / "inv18_digital_normal_transport_discount.pdf"
        with pdf.open("rb") as fh:
            uploaded = applications.upload_documents.sync(app.id, client=client, body=models.BodyUploadDocuments(
                files=[types.File(payload=fh, file_name=pdf.name, mime_type="application/pdf")]))
        assert isinstance(uploaded, list) and len(uploaded) == 1, uploaded
        submitted = applications.submit_application.sync(app.id, client=client)
        assert isinstance(submitted, models.ApplicationOut), submitted
        deadline = time.monotonic() + 240
        while True:
            got = applications.get_application.sync(app.id, client=client)
            assert isinstance(got, models.ApplicationOut), got
            if got.status.value in ("decided", "evidence_requested") and got.decided_at:
                break
            assert got.status.value != "failed" and time.monotonic() < deadline, got
            time.sleep(0.3)
        assert got.decision.outcome.value in ("auto_approve", "review", "decline")
        assert got.documents[0].status.value == "done"
        trail = applications.export_audit.sync_detailed(app.id, client=client)
        assert trail.status_code == 200 and b'"type":"decision.made"' in trail.content
        # An error comes back as the one Problem type, not an anonymous dict per operation and status.
        missing = applications.get_application.sync("app_missing", client=client)
        assert isinstance(missing, models.Problem) and missing.status == 404
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "sdk" or m.startswith("sdk.")]:
            del sys.modules[name]
