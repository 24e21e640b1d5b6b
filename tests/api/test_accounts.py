"""Reviewer accounts: log in for a session key that reads but never changes; wrong or expired logins fail."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from attest.api.accounts import add_reviewer
from attest.store.models import ApiKey, utcnow

from .conftest import Live
from .test_flow import SELLER

PASSWORD = "correct horse battery"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_a_reviewer_logs_in_reads_and_cannot_write(live: Live) -> None:
    tenant = live.tenant()
    add_reviewer(live.db, tenant_id=tenant, username="li.na", password=PASSWORD)
    client = live.key(tenant)
    with httpx.Client(base_url=live.url, timeout=60) as c:
        m = c.post("/v1/merchants", json=SELLER, headers=client).json()
        app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=client).json()
        for name, password in (("li.na", "wrong password!!"), ("nobody", PASSWORD)):
            bad = c.post("/v1/auth/login", json={"tenant_id": tenant, "username": name, "password": password})
            assert bad.status_code == 401 and bad.json()["type"].endswith("/login-failed")  # says no more
        ok = c.post("/v1/auth/login", json={"tenant_id": tenant, "username": "li.na", "password": PASSWORD})
        assert ok.status_code == 200 and ok.json()["role"] == "reviewer"
        session = {"Authorization": f"Bearer {ok.json()['token']}"}
        assert c.get(f"/v1/applications/{app['id']}", headers=session).status_code == 200
        assert c.post(f"/v1/applications/{app['id']}/submit", headers=session).status_code == 403
        other = c.post("/v1/auth/login", json={"tenant_id": live.tenant("b"), "username": "li.na",
                                               "password": PASSWORD})
        assert other.status_code == 401  # accounts belong to one tenant
        fresh = c.post("/v1/auth/login", json={"tenant_id": tenant, "username": "li.na", "password": PASSWORD})
        prefix = fresh.json()["token"].split("_")[1]
        with live.db.session() as s:
            s.execute(sa.update(ApiKey).where(ApiKey.prefix == prefix)
                      .values(expires_at=utcnow() - timedelta(seconds=1)))
        expired = c.get(f"/v1/applications/{app['id']}",
                        headers={"Authorization": f"Bearer {fresh.json()['token']}"})
        assert expired.status_code == 401 and "expired" in expired.json()["title"]


def test_weak_passwords_and_unknown_roles_are_refused(live: Live) -> None:
    tenant = live.tenant()
    with pytest.raises(ValueError, match="12 characters"):
        add_reviewer(live.db, tenant_id=tenant, username="a", password="short")
    with pytest.raises(ValueError, match="role"):
        add_reviewer(live.db, tenant_id=tenant, username="a", password=PASSWORD, role="root")
