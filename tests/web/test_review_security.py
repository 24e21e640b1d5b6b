"""The reviewer page refuses what it must, over real HTTP: forms without their CSRF token or from another
site, other tenants' cases and pictures, API keys as session cookies, open redirects, out-of-bounds
decisions; sessions end at logout; what merchants wrote is shown as text, never as markup."""

from __future__ import annotations

import random

import httpx
import pytest
from sqlalchemy import select

from attest.store.models import Application, Document
from eval.render.truth import uscc

from .conftest import PASSWORD, Site, _submit, login_cookies, new_case

pytestmark = pytest.mark.slow


def _version(site: Site, app_id: str) -> int:
    with site.live.db.session() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.version


def _csrf(c: httpx.Client, path: str) -> str:
    page = c.get(path).text
    marker = 'name="csrf_token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_forms_need_their_token_and_this_site(site: Site) -> None:
    c = login_cookies(site, site.tenant_a, "zhou.jie")
    case = f"/review/cases/{site.other_case_id}"
    before = _version(site, site.case_id)
    path = f"/review/cases/{site.case_id}/decline"
    form = {"version": str(before), "reason_codes": "OTHER", "reason": "测试跨站请求"}
    assert c.post(path, data=form).status_code == 403  # no token
    assert c.post(path, data={**form, "csrf_token": "0" * 64}).status_code == 403  # wrong token
    token = _csrf(c, f"/review/cases/{site.case_id}")
    evil = c.post(path, data={**form, "csrf_token": token}, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403
    assert _version(site, site.case_id) == before  # nothing changed
    # Another tenant's case: the same answer as a case that does not exist.
    assert c.get(case).status_code == 404
    assert c.post(f"{case}/decline", data={**form, "csrf_token": token}).status_code == 404
    assert site.other_case_id not in c.get("/review").text
    # Nor its page pictures, which tenant B's own reviewer does see.
    with site.live.db.session() as s:
        doc_id = s.scalar(select(Document.id).where(Document.application_id == site.other_case_id))
    assert c.get(f"/review/documents/{doc_id}/pages/1.jpg").status_code == 404
    b = login_cookies(site, site.tenant_b, "wang.fang")
    picture = b.get(f"/review/documents/{doc_id}/pages/1.jpg")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert b.get(case).status_code == 200


def test_login_csrf_redirects_and_logout(site: Site) -> None:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=60) as c:
        r = c.get(f"/review/cases/{site.case_id}")
        assert r.status_code == 303 and r.headers["location"].startswith("/review/login?next=")
        form = {"tenant_id": site.tenant_a, "username": "li.na", "password": PASSWORD, "next": "/review"}
        assert c.post("/review/login", data={**form, "csrf_token": "x"}).status_code == 403  # no login cookie
        c.get("/review/login")
        token = c.cookies["attest_login_csrf"]
        wrong = c.post("/review/login", data={**form, "password": "wrong password!", "csrf_token": token})
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
        c.get("/review/login")
        ok = c.post("/review/login", data={**form, "csrf_token": c.cookies["attest_login_csrf"],
                                          "next": "//evil.example/x"})
        assert ok.status_code == 303 and ok.headers["location"] == "/review"  # never off-site
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/review" in cookie
        page = c.get("/review")
        assert page.status_code == 200
        for header in ("content-security-policy", "x-frame-options", "x-content-type-options", "server-timing"):
            assert header in page.headers
        assert "script-src 'self'" in page.headers["content-security-policy"]
        token = _csrf(c, "/review")
        session = c.cookies["attest_session"]
        assert c.post("/review/logout", data={"csrf_token": token}).status_code == 303
        c.cookies.set("attest_session", session, path="/review")  # the old cookie, replayed
        assert c.get("/review").status_code == 303  # revoked at logout, at once


def test_api_keys_are_not_sessions(site: Site) -> None:
    key = site.client_a["Authorization"].removeprefix("Bearer ")
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=60) as c:
        c.cookies.set("attest_session", key, path="/review")
        assert c.get("/review").status_code == 403
        c.cookies.set("attest_session", "atk_nope_nope", path="/review")
        assert c.get("/review").status_code == 303


def test_decisions_outside_the_bounds_are_refused_with_the_reason(site: Site) -> None:
    app_id = new_case(site, 203)
    c = login_cookies(site, site.tenant_a, "zhou.jie")
    case = f"/review/cases/{app_id}"
    token = _csrf(c, case)
    version = _version(site, app_id)
    for uplift, reason in [("300000", "超过上限的提额"), ("-5", "负数的提额"), ("NaN", "不是数字"),
                           ("1e400", "太大的数字"), ("100.001", "不到分的金额"), ("5000", "")]:
        r = c.post(f"{case}/adjust", data={"csrf_token": token, "version": str(version), "uplift": uplift,
                                           "reason": reason}, headers={"HX-Request": "true"})
        assert r.status_code == 422, (uplift, r.text)
        assert 'role="alert"' in r.text
    r = c.post(f"{case}/decline", data={"csrf_token": token, "version": str(version), "reason_codes": "MADE_UP"},
               headers={"HX-Request": "true"})
    assert r.status_code == 422 and "MADE_UP" in r.text
    assert _version(site, app_id) == version
    # Without JavaScript: a refused form answers with the whole case page, an accepted one redirects back to it.
    plain = c.post(f"{case}/adjust", data={"csrf_token": token, "version": str(version), "uplift": "-1",
                                           "reason": "没有脚本的浏览器"})
    assert plain.status_code == 422 and 'role="alert"' in plain.text and 'id="viewer"' in plain.text
    done = c.post(f"{case}/adjust", data={"csrf_token": token, "version": str(version), "uplift": "1000",
                                          "reason": "没有脚本的浏览器"})
    assert done.status_code == 303 and done.headers["location"] == f"{case}#decision"
    assert _version(site, app_id) == version + 1


def test_merchant_text_is_shown_as_text(site: Site) -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>有限公司"
    with httpx.Client(base_url=site.url, timeout=120) as api:
        from eval.review_case import SAMPLES

        _submit(api, site.client_a, {"name": hostile, "uscc": uscc(random.Random(202))},
                [("a.png", (SAMPLES / "inv06_zhejiang_e_normal_2020_ofd.png").read_bytes())])
    c = login_cookies(site, site.tenant_a, "zhou.jie")
    page = c.get("/review", params={"q": "<script>"}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "<img src=x" not in page
