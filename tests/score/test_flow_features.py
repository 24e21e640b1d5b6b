"""Operating flows in the decision (credit-v5), through `assess_application` on statements read by
`process_document`: a merchant with no invoices and a year of genuine takings gets an uplift that rests on them
and is told about flows, not invoices; credit-v4 (what older decisions replay under) still declines it; flows
made to be seen hold the uplift; a broken statement counts for nothing; loans, refunds and own transfers are not
takings; and an invoice merchant without statements is decided as credit-v4 decided it."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from attest.pipeline import Engines, assess_application, process_document
from attest.schemas.decision import MerchantProfile
from attest.schemas.document import DocumentResult
from attest.score import load_policy, score
from eval.render import flows as fake
from eval.render.flows import Trade, year_of_flows
from eval.render.statement import Row, StatementTruth, render_statement

from .conftest import MERCHANT as INVOICE_MERCHANT
from .conftest import invoice

NO_OCR = Engines(ocr=None)  # type: ignore[arg-type]
DAY = date(2026, 11, 28)
MONTHLY = Decimal(50000)
SHOP = MerchantProfile(id="noodles", name="兰州老马牛肉面馆", uscc="92620102MA72000000", application_date=DAY,
                       current_limit=Decimal(80000))
V5, V4 = load_policy("credit-v5"), load_policy("credit-v4")


def _year(seed: int = 11) -> StatementTruth:
    return year_of_flows(random.Random(seed), holder=SHOP.name, monthly=MONTHLY, trade=Trade((15, 120), crowd=True),
                         end=DAY - timedelta(days=1), layout="platform", fmt="csv")


def _doc(truth: StatementTruth) -> DocumentResult:
    return process_document(render_statement(truth), "bill.csv", engines=NO_OCR)


def _feature(decision, name):  # type: ignore[no-untyped-def]
    return Decimal(next(c.value for c in decision.contributions if c.feature == name))


def test_a_year_of_genuine_takings_earns_an_uplift_told_in_terms_of_flows() -> None:
    d = assess_application(SHOP, [_doc(_year())], policy=V5).decision
    assert d.outcome == "auto_approve" and d.uplift > 0 and d.policy_version == "credit-v5"
    takings = _feature(d, "verified_annual_takings")
    # Twelve months of about 50 000 a month, counted at an export's worth (0.7): about 420 000 a year.
    assert Decimal(350000) < takings < Decimal(490000)
    assert _feature(d, "active_months") >= 12 and _feature(d, "distinct_payers") >= 30
    assert "BASED_ON_VERIFIED_ANNUAL_TAKINGS" in d.reason_codes
    assert not any("发票" in r for r in d.top_reasons)  # lending on takings, it is not told it lacks invoices
    assert {r.document for c in d.contributions if c.feature == "verified_annual_takings" for r in c.evidence}


def test_older_decisions_replay_under_credit_v4_which_reads_no_flows() -> None:
    d = assess_application(SHOP, [_doc(_year())], policy=V4).decision
    assert d.outcome == "decline" and d.uplift == 0 and "SALES_NONE" in d.reason_codes
    assert not any(c.feature == "verified_annual_takings" for c in d.contributions)


def test_flows_made_to_be_seen_hold_the_uplift() -> None:
    truth = _year()
    fake.wash(truth, random.Random(2), MONTHLY)
    d = assess_application(SHOP, [_doc(truth)], policy=V5).decision
    assert d.uplift == 0 and d.outcome == "review" and "HELD:flows.wash" in d.reason_codes


def test_a_statement_that_fails_its_own_checks_counts_for_nothing() -> None:
    truth = _year()
    truth.layout = "bank"  # a running balance to break
    fake.edit_amount(truth, random.Random(1))
    d = assess_application(SHOP, [_doc(truth)], policy=V5).decision
    assert d.uplift == 0 and _feature(d, "verified_annual_takings") == 0 and "CHECK_FAILED" in d.reason_codes


def test_loans_refunds_top_ups_and_own_transfers_are_not_takings() -> None:
    plain = _feature(assess_application(SHOP, [_doc(_year())], policy=V5).decision, "verified_annual_takings")
    truth = _year()
    when = truth.rows[0].at
    truth.rows += [Row(when, "in", Decimal(90000), "网商银行", "网商贷放款"),
                   Row(when, "in", Decimal(900), "某商户", "退款"),
                   Row(when, "in", Decimal(9000), SHOP.name, "转账"),
                   Row(when, "in", Decimal(5000), "余额宝", "余额宝转出到余额")]
    more = assess_application(SHOP, [_doc(truth)], policy=V5).decision
    assert _feature(more, "verified_annual_takings") == plain
    assert _feature(more, "debt_service_cover") == Decimal(99)  # borrowed, but nothing repaid yet


def test_repayments_to_other_lenders_lower_the_debt_cover() -> None:
    truth = year_of_flows(random.Random(11), holder=SHOP.name, monthly=MONTHLY, trade=Trade((15, 120), crowd=True),
                          end=DAY - timedelta(days=1), layout="platform", fmt="csv", loan=True)
    d = assess_application(SHOP, [_doc(truth)], policy=V5).decision
    assert Decimal(5) < _feature(d, "debt_service_cover") < Decimal(99)


def test_an_invoice_merchant_without_statements_is_decided_as_under_credit_v4() -> None:
    evidence = [(f"d{i}", invoice(a, buyer=f"9111000060003734{i}L")) for i, a in enumerate(["90000", "60000"])]
    v4, v5 = score(INVOICE_MERCHANT, evidence, [], V4), score(INVOICE_MERCHANT, evidence, [], V5)
    assert (v5.outcome, v5.uplift, v5.points, v5.top_reasons) == (v4.outcome, v4.uplift, v4.points, v4.top_reasons)
