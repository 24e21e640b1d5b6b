"""Operating flows on the reviewer page, in real Chromium: a flows-only case (a platform bill with 刷流水 in it and a
genuine bank statement) shows each statement's header, a chart of its months of takings drawn by the server with
the flagged months marked, and its transactions with the flagged rows first; the check's row link lands on the
row; filtering by category leaves only that category."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from attest.store.models import utcnow
from eval.render import flows as fake
from eval.render.flows import Trade, year_of_flows
from eval.render.statement import render_statement
from eval.render.truth import uscc

from ..api.conftest import wait_decided
from .conftest import Site, _submit, shot
from .test_review_in_browser import RAW_KEY, login

pytestmark = pytest.mark.slow
NAME = "兰州老马牛肉面馆"


def _flows_case(site: Site) -> str:
    end = utcnow().date() - timedelta(days=1)
    bill = year_of_flows(random.Random(4), holder=NAME, monthly=Decimal(40000), trade=Trade((15, 120), crowd=True),
                         end=end, layout="platform", fmt="csv")
    fake.wash(bill, random.Random(5), Decimal(40000))
    bank = year_of_flows(random.Random(6), holder=NAME, monthly=Decimal(8000), trade=Trade((800, 3000), crowd=False),
                         end=end, layout="bank", fmt="xlsx")
    merchant = {"name": NAME, "uscc": uscc(random.Random(3232)), "industry": "catering", "city_tier": 2,
                "current_limit": "60000"}
    with httpx.Client(base_url=site.url, timeout=120) as c:
        app_id = _submit(c, site.client_a, merchant, [("bill.csv", render_statement(bill)),
                                                      ("bank.xlsx", render_statement(bank))])
        wait_decided(c, app_id, site.client_a)
    return app_id


def test_the_reviewer_sees_the_months_the_rows_and_why_they_are_flagged(site: Site, browser) -> None:
    app_id = _flows_case(site)
    page, errors = login(browser, site, site.tenant_a)
    page.goto(f"{site.url}/review/cases/{app_id}")
    assert page.locator(".thumbs a.statement-link").count() == 2
    assert page.locator("#flows dl.statement").count() == 2
    assert NAME in page.locator("#flows dl.statement").first.inner_text()
    bars = page.locator("figure.takings-chart rect.month")
    assert 12 <= bars.count() <= 13 and page.locator("figure.takings-chart rect.month.flagged").count() >= 10
    first = page.locator("table.flows tbody tr").first
    assert "flagged" in (first.get_attribute("class") or "") and "flows.wash" in first.inner_text()
    shot(page, "flows-01-case")

    # The check says which rows; its link lands on one of them.
    link = page.locator("details.sev-warn a.row-link").first
    target = (link.get_attribute("href") or "").removeprefix("#")
    link.click()
    assert page.evaluate("location.hash") == f"#{target}"
    assert page.locator(f"[id='{target}']").is_visible()

    # Filtering by a category leaves that category only, and says how many there are.
    page.locator(".flow-filter a", has_text="经营支出").click()
    page.wait_for_url(f"{site.url}/review/cases/{app_id}?flows=suppliers#flows")
    cells = page.locator("table.flows tbody tr td:nth-child(5)").all_inner_texts()
    assert cells and set(cells) == {"经营支出"}
    assert "经营支出" in page.locator(".flow-filter a[aria-current]").inner_text()
    shot(page, "flows-02-filtered")
    assert not RAW_KEY.findall(page.locator("main").inner_text()) and not errors
