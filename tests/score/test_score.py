"""`score` through its public function: what counts, what does not, and properties that must always hold."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from attest.score import load_policy, score

from .conftest import MERCHANT, check, f, invoice

POLICY = load_policy("credit-v1")


def _decide(amounts: list[str], checks=(), merchant=MERCHANT, **kw):
    evidence = [(f"d{i}", invoice(a, buyer=f"9111000060003734{i % 10}L", **kw)) for i, a in enumerate(amounts)]
    return score(merchant, evidence, list(checks), POLICY)


def test_verified_sales_earn_an_uplift_with_reasons_and_refs() -> None:
    d = _decide(["400000", "300000", "200000", "150000"])
    assert d.outcome == "auto_approve" and d.uplift > 0
    sales = next(c for c in d.contributions if c.feature == "verified_annual_sales")
    assert sales.value == "1050000.00" and sales.reason_code == "SALES_HIGH"
    assert {r.document for r in sales.evidence} == {"d0", "d1", "d2", "d3"}
    # credit-v1: 40 + 10 + 15 + 0 = 65 points → trust 1.0; 1 050 000 × 10 % × 1.0 = 105 000, capped at 1.0 × the
    # current limit of 100 000.
    assert d.points == 65 and d.trust_factor == Decimal("1.0")
    assert d.uplift == Decimal("100000") and "CAPPED_BY_CURRENT_LIMIT" in d.reason_codes
    assert d.policy_version == "credit-v1" and d.new_limit == Decimal("200000")
    wide = _decide(["400000", "300000", "200000", "150000"],
                   merchant=MERCHANT.model_copy(update={"current_limit": Decimal("1000000")}))
    assert wide.uplift == Decimal("105000") and "CAPPED_BY_CURRENT_LIMIT" not in wide.reason_codes


def test_evidence_that_is_not_the_merchants_counts_for_nothing() -> None:
    d = _decide(["500000"], seller="91110000600037341L")  # someone else's sale
    assert d.uplift == 0 and d.outcome == "decline" and "SALES_NONE" in d.reason_codes
    # The merchant is told why, in both languages (data/adverse.yaml), most important reason first.
    assert d.top_reasons[0] == ("近 12 个月没有经核验的本企业开具的销售发票。 / "
                                "No verified sales invoices issued by the business in the last 12 months.")


def test_old_invoices_fall_outside_the_window() -> None:
    assert _decide(["500000"], days_ago=400).uplift == 0


def test_warned_evidence_counts_at_the_haircut_and_goes_to_review() -> None:
    clean = _decide(["400000", "300000", "300000"])
    warned = _decide(["400000", "300000", "300000"], checks=[check("d0", "warn")])
    sales = {c.feature: c.value for c in warned.contributions}["verified_annual_sales"]
    assert sales == "800000.00"  # 400000 at 50 % + 600000
    assert warned.outcome == "review" and warned.uplift <= clean.uplift


def test_low_confidence_amount_is_doubtful() -> None:
    d = _decide(["400000", "300000", "300000"], confidence=0.5)
    assert d.outcome == "review" and "EVIDENCE_DOUBTFUL" in d.reason_codes


def test_fail_means_no_uplift_and_review() -> None:
    d = _decide(["400000", "300000"], checks=[check("d1", "fail")])
    assert d.uplift == 0 and d.outcome == "review" and "CHECK_FAILED" in d.reason_codes


amounts = st.lists(st.integers(min_value=100, max_value=5_000_000), min_size=0, max_size=8)


@settings(max_examples=60, deadline=None)
@given(amounts, st.integers(min_value=100, max_value=5_000_000))
def test_more_verified_sales_never_lowers_the_uplift(base: list[int], extra: int) -> None:
    before = _decide([str(a) for a in base])
    after = _decide([str(a) for a in [*base, extra]])
    assert after.uplift >= before.uplift


@settings(max_examples=60, deadline=None)
@given(amounts, st.integers(min_value=0, max_value=7))
def test_any_fail_gives_zero(base: list[int], which: int) -> None:
    d = _decide([str(a) for a in base] or ["1000"], checks=[check(f"d{which}", "fail")])
    assert d.uplift == 0


@settings(max_examples=60, deadline=None)
@given(amounts, st.integers(min_value=0, max_value=10_000_000))
def test_caps_always_hold(base: list[int], limit: int) -> None:
    merchant = MERCHANT.model_copy(update={"current_limit": Decimal(limit)})
    d = _decide([str(a) for a in base], merchant=merchant)
    assert 0 <= d.uplift <= POLICY.uplift.max_uplift
    assert d.uplift <= merchant.current_limit * POLICY.uplift.max_multiple_of_current_limit
    assert d.uplift % POLICY.uplift.round_down_to == 0


def test_deterministic() -> None:
    assert _decide(["123456.78", "2000"]) == _decide(["123456.78", "2000"])


def test_credit_notes_alone_net_to_no_sales_not_a_crash() -> None:
    """A window with only a red-letter invoice (红字发票, negative amount): no sales, with its reason."""
    d = _decide(["-5000.00"])
    sales = next(c for c in d.contributions if c.feature == "verified_annual_sales")
    assert sales.value == "0.00" and sales.reason_code == "SALES_NONE"
    assert d.outcome == "decline" and d.uplift == 0 and "SALES_NET_NEGATIVE" in d.reason_codes


def test_doubt_is_a_fact_about_the_evidence_not_its_weight() -> None:
    """A policy may count warned evidence in full (warn_haircut 1); the case still goes to review."""
    full = POLICY.model_copy(update={"evidence": POLICY.evidence.model_copy(update={"warn_haircut": Decimal(1)})})
    evidence = [("d0", invoice("400000")), ("d1", invoice("300000", buyer="91110000600037342L"))]
    d = score(MERCHANT, evidence, [check("d0", "warn")], full)
    assert d.outcome == POLICY.outcomes.warn_means == "review"
    assert "EVIDENCE_DOUBTFUL" in d.reason_codes


_money = st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=2, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(amounts=st.lists(_money, min_size=0, max_size=6),
       severities=st.lists(st.sampled_from(["pass", "info", "warn", "fail"]), max_size=6),
       haircut=st.decimals(min_value=0, max_value=1, places=2), min_conf=st.floats(0, 1),
       confidence=st.floats(0, 1), window=st.integers(1, 3660))
def test_no_policy_that_validates_makes_score_raise(amounts, severities, haircut, min_conf, confidence,
                                                    window) -> None:
    policy = POLICY.model_copy(update={"evidence": POLICY.evidence.model_copy(update={
        "warn_haircut": haircut, "min_confidence": min_conf, "sales_window_days": window})})
    policy = type(POLICY).model_validate(policy.model_dump())  # it must be a policy that validates
    evidence = [(f"d{i}", invoice(str(a), buyer=f"9111000060003734{i % 10}L", confidence=confidence))
                for i, a in enumerate(amounts)]
    checks = [check(f"d{i}", sev) for i, sev in enumerate(severities)]
    d = score(MERCHANT, evidence, checks, policy)
    assert d.uplift >= 0 and d.outcome in ("auto_approve", "review", "decline", "evidence_requested")
    assert d.new_limit == MERCHANT.current_limit + d.uplift


def test_a_roll_invoice_counts_at_its_one_total_and_an_unread_pre_tax_total_at_nothing() -> None:
    # A roll invoice (卷票) prints one total, tax included, and no tax: its sale counts at that total, referred to
    # where it was read. A standard invoice whose pre-tax total went unread is not counted at its gross total.
    roll = invoice("1", buyer="91110000600037341L").model_copy(update={
        "total_amount_excl_tax": None, "total_amount_incl_tax": f(Decimal("300000.00")),
        "invoice_title": f("浙江增值税普通发票(卷票)")})
    d = score(MERCHANT, [("roll", roll)], [], POLICY)
    sales = next(c for c in d.contributions if c.feature == "verified_annual_sales")
    assert sales.value == "300000.00" and [(r.document, r.field) for r in sales.evidence] == [
        ("roll", "total_amount_incl_tax")]
    unread = roll.model_copy(update={"invoice_title": f("浙江增值税普通发票"), "total_tax": f(Decimal("0.00"))})
    d = score(MERCHANT, [("paper", unread)], [], POLICY)
    assert "SALES_NONE" in d.reason_codes and d.uplift == 0
