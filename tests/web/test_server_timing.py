"""The case page, its viewer fragment and the queue carry a `Server-Timing` header: `make bench`
(`eval/bench_web.py`) reads it against its 300 ms bar, and an operator's browser shows it. No time is asserted
here: speed is measured by the benchmark, side by side, not by a test."""

from __future__ import annotations

import re

from .conftest import Site, login_cookies


def test_reviewer_pages_say_how_long_the_server_took(site: Site) -> None:
    c = login_cookies(site, site.tenant_a, "zhou.jie")
    pages = {"case": c.get(f"/review/cases/{site.case_id}"),
             "viewer": c.get(f"/review/cases/{site.case_id}", headers={"HX-Request": "true", "HX-Target": "viewer"}),
             "queue": c.get("/review")}
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert re.fullmatch(r"app;dur=\d+(?:\.\d+)?", page.headers["server-timing"]), (name, page.headers)
    assert pages["case"].text.count('class="thumbs"') == 1
