"""`make bench` (reviewer page part): server and round-trip time of the case page for a ten-document case
(bar: server time ≤ 300 ms), beside the JSON API answer for the same application; the queue with 10 and with
1,000 cases; a page picture drawn on first request against one read from the cache. Ratios are measured
side by side in this one run.

Usage: python -m eval.bench_web [--cases 1000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from attest.api.accounts import add_reviewer, add_tenant
from attest.api.auth import new_key
from attest.settings import ServiceSettings, Settings
from attest.store.db import Database, database_url, migrate
from attest.store.models import Application, ApplicationCheck, Document, Merchant, new_id, utcnow
from eval.bench_service import serve
from eval.review_case import case_documents, case_merchant

PASSWORD = "bench reviewer password"


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 1), "p95": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 1)}


def _timed(c: httpx.Client, path: str, repeat: int, **kw: Any) -> dict[str, dict[str, float]]:
    server, wall = [], []
    for _ in range(3):
        c.get(path, **kw)
    for _ in range(repeat):
        started = time.perf_counter()
        r = c.get(path, **kw)
        wall.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (path, r.status_code)
        if "server-timing" in r.headers:
            server.append(float(r.headers["server-timing"].split("dur=")[1]))
    return {"server_ms": _stats(server) if server else {}, "round_trip_ms": _stats(wall)}


def _copy_cases(db: Database, tenant_id: str, template_id: str, n: int) -> None:
    """n more decided cases in the queue (copies of the real one's rows, no OCR): the queue's scale."""
    with db.session() as s:
        tpl = s.get(Application, template_id)
        assert tpl is not None
        codes = list(s.scalars(select(ApplicationCheck).where(ApplicationCheck.application_id == template_id)))
        for i in range(n):
            m = Merchant(tenant_id=tenant_id, name=f"批量商户{i:04d}有限公司", uscc=f"91330100{i:010d}")
            s.add(m)
            s.flush()
            app = Application(id=new_id("app"), tenant_id=tenant_id, merchant_id=m.id, status="decided",
                              submitted_at=utcnow(), decided_at=utcnow(), assessment_json=tpl.assessment_json,
                              trail_jsonl=tpl.trail_jsonl, outcome=["review", "auto_approve", "decline"][i % 3],
                              uplift=tpl.uplift)
            s.add(app)
            s.add_all(ApplicationCheck(application_id=app.id, code=c.code, severity=c.severity) for c in codes[:2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    settings = Settings(data_dir=data_dir, service=ServiceSettings(rate_limit_per_minute=100_000, workers=2))
    url_db = database_url(None, data_dir)
    migrate(url_db)
    db = Database(url_db)
    tenant_id = add_tenant(db, "bench")
    add_reviewer(db, tenant_id=tenant_id, username="bench", password=PASSWORD)
    api = {"Authorization": f"Bearer {new_key(db, tenant_id=tenant_id, role='client')}"}
    server, thread, url = serve(settings, True)
    try:
        with httpx.Client(base_url=url, timeout=120) as c:
            merchant = c.post("/v1/merchants", json=case_merchant(), headers=api).json()
            app = c.post("/v1/applications", json={"merchant_id": merchant["id"]}, headers=api).json()
            docs = case_documents(utcnow().date())
            c.post(f"/v1/applications/{app['id']}/documents", headers=api,
                   files=[("files", d) for d in docs]).raise_for_status()
            c.post(f"/v1/applications/{app['id']}/submit", headers=api).raise_for_status()
            started = time.perf_counter()
            while c.get(f"/v1/applications/{app['id']}", headers=api).json()["status"] != "decided":
                time.sleep(0.5)
            print(f"ten-document case read and decided in {time.perf_counter() - started:.1f} s")
            c.get("/review/login")
            c.post("/review/login", data={"tenant_id": tenant_id, "username": "bench", "password": PASSWORD,
                                          "csrf_token": c.cookies["attest_login_csrf"]})
            case = f"/review/cases/{app['id']}"
            results = {
                "case page (10 documents)": _timed(c, case, args.repeat),
                "viewer fragment (htmx)": _timed(c, case, args.repeat, headers={"HX-Request": "true",
                                                                                 "HX-Target": "viewer"}),
                "JSON API GET application": _timed(c, f"/v1/applications/{app['id']}", args.repeat, headers=api),
                "queue (1 case)": _timed(c, "/review", args.repeat),
            }
            _copy_cases(db, tenant_id, app["id"], args.cases)
            results[f"queue ({args.cases + 1} cases)"] = _timed(c, "/review", args.repeat)
            results[f"queue ({args.cases + 1} cases, filter by check code)"] = _timed(
                c, "/review?code=identity.invoice_not_party", args.repeat)
            with db.session() as s:
                doc_id = s.scalar(select(Document.id).where(Document.application_id == app["id"]))
            picture = f"/review/documents/{doc_id}/pages/1.jpg"
            cached = _timed(c, picture, args.repeat)
            cold = []
            for _ in range(5):
                shutil.rmtree(data_dir / "previews" / str(doc_id), ignore_errors=True)
                t0 = time.perf_counter()
                c.get(picture).raise_for_status()
                cold.append((time.perf_counter() - t0) * 1000)
            results["page picture, cached"] = cached
            results["page picture, drawn on request"] = {"round_trip_ms": _stats(cold)}
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    width = max(len(k) for k in results)
    print(f"{'':{width}}  server p50/p95 ms   round trip p50/p95 ms")
    for name, r in results.items():
        srv = f"{r['server_ms']['p50']:>6} / {r['server_ms']['p95']:<6}" if r.get("server_ms") else " " * 15
        print(f"{name:{width}}  {srv}      {r['round_trip_ms']['p50']:>6} / {r['round_trip_ms']['p95']}")
    page = results["case page (10 documents)"]
    api_p50 = results["JSON API GET application"]["round_trip_ms"]["p50"]
    big = results[f"queue ({args.cases + 1} cases)"]["server_ms"]["p50"]
    drawn = results["page picture, drawn on request"]["round_trip_ms"]["p50"]
    print(f"case page server p95 {page['server_ms']['p95']} ms (bar 300); case page / JSON API round trip "
          f"{page['round_trip_ms']['p50'] / api_p50:.2f}x; queue with {args.cases + 1} cases / with 1: "
          f"{big / results['queue (1 case)']['server_ms']['p50']:.2f}x; picture drawn / cached: "
          f"{drawn / cached['round_trip_ms']['p50']:.1f}x")
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
