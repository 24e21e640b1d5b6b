"""Every route × every kind of caller: a cell that must be denied is denied, one that must work works."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import sqlalchemy as sa

from attest.cn.uscc import check_char
from attest.store.models import ApiKey

from .conftest import Live
from .test_flow import PDF, SELLER

OTHER = {**SELLER, "name": "杭州瑞丰贸易有限公司", "uscc": "91330100MA27XXXX0F"}


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_forbidden_cell_is_denied(live: Live) -> None:
    a, b = live.tenant("a"), live.tenant("b")
    admin_a = live.key(a, "admin")
    with httpx.Client(base_url=live.url, timeout=60) as c:
        m1 = c.post("/v1/merchants", json=SELLER, headers=admin_a).json()["id"]
        m2 = c.post("/v1/merchants", json=OTHER, headers=admin_a).json()["id"]
        app1 = c.post("/v1/applications", json={"merchant_id": m1}, headers=admin_a).json()["id"]
        pdf = [("files", (PDF.name, PDF.read_bytes(), "application/pdf"))]
        doc1 = c.post(f"/v1/applications/{app1}/documents", files=pdf, headers=admin_a).json()[0]["id"]
        revoked = live.key(a, "client")
        with live.db.session() as s:
            s.execute(sa.update(ApiKey).where(ApiKey.tenant_id == a, ApiKey.role == "client").values(revoked=True))
        callers = {
            "no key": {}, "garbage key": {"Authorization": "Bearer atk_nope_nope"}, "revoked": revoked,
            "client A": live.key(a, "client"), "merchant A/m1": live.key(a, "merchant", m1),
            "merchant A/m2": live.key(a, "merchant", m2), "reviewer A": live.key(a, "reviewer"),
            "admin A": admin_a, "client B": live.key(b, "client"), "admin B": live.key(b, "admin"),
        }
        # (route, call, who may) — a call that creates something uses fresh data so cells do not interact.
        routes: list[tuple[str, Callable[[dict[str, str]], httpx.Response], set[str]]] = [
            ("POST /v1/merchants", lambda h: c.post("/v1/merchants", json={**SELLER, "uscc": _uscc()}, headers=h),
             {"client A", "admin A", "client B", "admin B"}),
            ("GET /v1/merchants/m1", lambda h: c.get(f"/v1/merchants/{m1}", headers=h),
             {"client A", "merchant A/m1", "reviewer A", "admin A"}),
            ("POST /v1/applications", lambda h: c.post("/v1/applications", json={"merchant_id": m1}, headers=h),
             {"client A", "merchant A/m1", "admin A"}),
            ("GET /v1/applications/app1", lambda h: c.get(f"/v1/applications/{app1}", headers=h),
             {"client A", "merchant A/m1", "reviewer A", "admin A"}),
            ("POST documents", lambda h: c.post(f"/v1/applications/{app1}/documents", files=pdf, headers=h),
             {"client A", "merchant A/m1", "admin A"}),
            ("GET /v1/documents/doc1", lambda h: c.get(f"/v1/documents/{doc1}", headers=h),
             {"client A", "merchant A/m1", "reviewer A", "admin A"}),
            ("GET audit", lambda h: c.get(f"/v1/applications/{app1}/audit", headers=h),
             {"client A", "merchant A/m1", "reviewer A", "admin A"}),  # 409 (not decided) when allowed
        ]
        wrong = []
        for route, call, allowed in routes:
            for who, headers in callers.items():
                status = call(headers).status_code
                denied = status in (401, 403, 404)
                if (who in allowed) == denied:
                    wrong.append(f"{route} as {who}: {status}")
        # Submit last, since it closes the application: every caller who may not, then one who may.
        submitters = {"client A", "merchant A/m1", "admin A"}
        for who in [w for w in callers if w not in submitters] + ["merchant A/m1"]:
            status = c.post(f"/v1/applications/{app1}/submit", headers=callers[who]).status_code
            if (who in submitters) != (status == 202):
                wrong.append(f"submit as {who}: {status}")
    assert wrong == []


_counter = iter(range(10**6))


def _uscc() -> str:
    """A fresh code each call, with its GB 32100 check character (onboarding refuses impossible codes)."""
    body = f"91330100MA{next(_counter):07d}"
    return body + check_char(body)
