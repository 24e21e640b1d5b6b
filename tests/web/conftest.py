"""One running service for the reviewer page tests: two tenants, their reviewers, and a decided ten-document
case (real OCR) in tenant A; plus Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from attest.api.accounts import add_reviewer
from attest.store.models import utcnow
from eval.render.truth import uscc
from eval.review_case import SAMPLES, case_documents, case_merchant

from ..api.conftest import Live, serve, sqlite_settings, wait_decided

PASSWORD = "correct horse battery"
ARTIFACTS = Path(os.environ.get("ATTEST_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"


@dataclass
class Site:
    live: Live
    tenant_a: str
    tenant_b: str
    case_id: str  # tenant A's flagged ten-document case
    other_case_id: str  # tenant B's case
    client_a: dict[str, str]  # tenant A's client app key (uploads, the merchant's view)

    @property
    def url(self) -> str:
        return self.live.url


def _submit(c: httpx.Client, headers: dict[str, str], merchant: dict, docs: list[tuple[str, bytes]]) -> str:
    m = c.post("/v1/merchants", json=merchant, headers=headers)
    assert m.status_code == 201, m.text
    app = c.post("/v1/applications", json={"merchant_id": m.json()["id"]}, headers=headers).json()
    up = c.post(f"/v1/applications/{app['id']}/documents", headers=headers,
                files=[("files", (name, data)) for name, data in docs])
    assert up.status_code == 202, up.text
    assert c.post(f"/v1/applications/{app['id']}/submit", headers=headers).status_code == 202
    return str(app["id"])


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve(sqlite_settings(tmp_path_factory.mktemp("web"), workers=2)) as live:
        a, b = live.tenant("bank-a"), live.tenant("bank-b")
        add_reviewer(live.db, tenant_id=a, username="li.na", password=PASSWORD)
        add_reviewer(live.db, tenant_id=a, username="zhou.jie", password=PASSWORD)
        add_reviewer(live.db, tenant_id=b, username="wang.fang", password=PASSWORD)
        client_a, client_b = live.key(a), live.key(b)
        docs = case_documents(utcnow().date())
        with httpx.Client(base_url=live.url, timeout=120) as c:
            case_id = _submit(c, client_a, case_merchant(), docs)
            other = _submit(c, client_b, {**case_merchant(), "name": "另一家机构的商户有限公司"}, docs[7:8])
            wait_decided(c, other, client_b)
            wait_decided(c, case_id, client_a, timeout=600)
        yield Site(live=live, tenant_a=a, tenant_b=b, case_id=case_id, other_case_id=other, client_a=client_a)


def new_case(site: Site, seed: int) -> str:
    """A small extra case (one real invoice) that a test may close without touching the others."""
    data = (SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png").read_bytes()
    merchant = {"name": f"测试商户{seed}餐饮有限公司", "uscc": uscc(random.Random(seed)), "industry": "catering",
                "city_tier": 3, "current_limit": "50000"}
    with httpx.Client(base_url=site.url, timeout=120) as c:
        app_id = _submit(c, site.client_a, merchant, [("inv06.png", data)])
        wait_decided(c, app_id, site.client_a)
    return app_id


def login_cookies(site: Site, tenant: str, username: str) -> httpx.Client:
    """An HTTP client logged in through the login form, as a browser would be."""
    c = httpx.Client(base_url=site.url, timeout=60, follow_redirects=False)
    form = c.get("/review/login")
    token = c.cookies.get("attest_login_csrf")
    assert form.status_code == 200 and token
    r = c.post("/review/login", data={"tenant_id": tenant, "username": username, "password": PASSWORD,
                                      "csrf_token": token, "next": "/review"})
    assert r.status_code == 303, r.text
    return c


def wait_for(predicate, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.2)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep a screenshot as a test artifact (`test-artifacts/screenshots/`, kept by CI runs)."""
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
