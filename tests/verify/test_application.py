"""Cross-document checks within one application (`attest.verify.application`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from attest.pipeline import assess_application
from attest.schemas.licence import LicenceEvidence
from attest.schemas.shop import ShopPhotoEvidence
from attest.score import load_policy
from attest.verify.application import check_application, shares_trade_name
from tests.patterns.conftest import BUYER, DAY, FRAUDSTER, VICTIM, contract_doc, doc, f, invoice_doc


def codes(checks: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((c.code, c.severity) for c in checks)


def licence(code: str, name: str, established: date) -> LicenceEvidence:
    return LicenceEvidence(unified_social_credit_code=f(code), name=f(name), established_date=f(established))


def test_a_consistent_application_raises_nothing() -> None:
    docs = [invoice_doc(f"i{k}", number=f"2633200000012345678{k}", seller=VICTIM, days_ago=30 + 60 * k)
            for k in range(3)]
    docs += [doc("l", "business_license", licence=licence(VICTIM.uscc, VICTIM.name, date(2019, 5, 1))),
             doc("s", "shop_photo", shop=ShopPhotoEvidence(shop_name=f("瑞丰便利店"))),
             contract_doc("c", "text", supplier=VICTIM)]
    assert check_application(VICTIM, docs) == []


def test_someone_elses_licence_fails_and_a_renamed_one_warns() -> None:
    other = [doc("l", "business_license", licence=licence(FRAUDSTER.uscc, FRAUDSTER.name, date(2019, 5, 1)))]
    assert codes(check_application(VICTIM, other)) == [("identity.licence_mismatch", "fail")]
    new_name = "杭州瑞丰新材料科技有限公司"
    renamed = [doc("l", "business_license", licence=licence(VICTIM.uscc, new_name, date(2019, 5, 1)))]
    assert codes(check_application(VICTIM, renamed)) == [("identity.licence_name_differs", "warn")]
    misread = [doc("l", "business_license", licence=licence(VICTIM.uscc, "杭洲瑞丰贸易有限公司", date(2019, 5, 1)))]
    assert check_application(VICTIM, misread) == []  # one character misread is the same name


def test_documents_the_applicant_is_not_party_to() -> None:
    docs = [invoice_doc("i", number="26332000000123456789", seller=FRAUDSTER),
            contract_doc("c", "text", supplier=FRAUDSTER),
            doc("s", "shop_photo", shop=ShopPhotoEvidence(shop_name=f("启航美甲店")))]
    assert codes(check_application(VICTIM, docs)) == [
        ("identity.contract_not_party", "warn"), ("identity.invoice_not_party", "warn"),
        ("identity.signboard_mismatch", "warn")]


def test_signboards_carry_the_trade_name_not_the_registered_name() -> None:
    assert shares_trade_name("瑞丰便利店", "杭州瑞丰贸易有限公司")
    assert shares_trade_name("佳美酒店", "南京佳美酒店管理有限公司")
    assert not shares_trade_name("启航便利店", "杭州瑞丰贸易有限公司")
    assert not shares_trade_name("杭州小吃", "杭州瑞丰贸易有限公司")  # the city alone is not a trade name


def test_documents_dated_before_the_business_existed() -> None:
    docs = [doc("l", "business_license", licence=licence(VICTIM.uscc, VICTIM.name, DAY - timedelta(days=20))),
            invoice_doc("old", number="26332000000123456789", seller=VICTIM, days_ago=90),
            invoice_doc("new", number="26332000000123456788", seller=VICTIM, days_ago=10)]
    got = check_application(VICTIM, docs)
    assert codes(got) == [("consistency.before_established", "warn")]
    assert [r.document for r in got[0].refs] == ["old", "l"]


def test_an_invoice_burst_before_applying_holds_the_uplift() -> None:
    burst = [invoice_doc(f"b{k}", number=f"2633200000012345678{k}", seller=VICTIM, amount="60000.00", days_ago=2 + k)
             for k in range(3)]
    merchant = VICTIM.model_copy(update={"current_limit": Decimal(200000)})
    got = assess_application(merchant, burst, policy=load_policy())
    assert codes(got.checks) == [("velocity.invoice_burst", "warn")]
    assert got.decision.uplift == 0 and got.decision.outcome == "review"
    assert "HELD:velocity.invoice_burst" in got.decision.reason_codes
    # Under credit-v1 (before application checks could hold) the same evidence earned an uplift.
    assert assess_application(merchant, burst, policy=load_policy("credit-v1")).decision.uplift > 0
    spread = [invoice_doc(f"s{k}", number=f"2633200000012345678{k}", seller=VICTIM, days_ago=2 + 90 * k)
              for k in range(3)]
    assert check_application(VICTIM, spread) == []


def test_invoices_showing_far_more_than_declared() -> None:
    declared = VICTIM.model_copy(update={"declared_monthly_revenue": Decimal(10000)})
    docs = [invoice_doc(f"i{k}", number=f"2633200000012345678{k}", seller=VICTIM, amount="200000.00",
                        days_ago=30 + 60 * k) for k in range(3)]
    assert codes(check_application(declared, docs)) == [("consistency.declared_revenue", "warn")]
    # The buyer on the same invoices declared little too, but purchases are not sales: nothing to compare.
    buyer = BUYER.model_copy(update={"declared_monthly_revenue": Decimal(10000)})
    assert check_application(buyer, docs) == []
