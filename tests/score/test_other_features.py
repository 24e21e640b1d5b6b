"""Business age, physical presence and contract backlog (credit-v3) through `score`."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from attest.schemas.contract import ContractEvidence
from attest.schemas.document import Classification, DocumentResult
from attest.schemas.licence import LicenceEvidence
from attest.schemas.shop import ShopPhotoEvidence
from attest.score import load_policy, score

from .conftest import DAY, MERCHANT, check, f, invoice

V3 = load_policy("credit-v3")
SALES = [(f"s{i}", invoice(a, buyer=f"9111000060003734{i}L")) for i, a in enumerate(["300000", "200000", "100000"])]


def _doc(doc_id: str, kind: str, **parts: object) -> DocumentResult:
    return DocumentResult(document_id=doc_id, filename="x", media_type="image/png", pages=1, ocr=[],
                          classification=Classification(kind=kind, confidence=1.0), **parts)  # type: ignore[arg-type]


def licence(code: str = MERCHANT.uscc, years: float = 6.0) -> DocumentResult:
    established = DAY - timedelta(days=round(years * 365.25))
    return _doc("lic", "business_license", licence=LicenceEvidence(unified_social_credit_code=f(code),
                                                                    established_date=f(established)))


def contract(amount: str, start: date, end: date, supplier_code: str = MERCHANT.uscc) -> DocumentResult:
    return _doc("con", "contract", contract=ContractEvidence(
        party_a=f("买方公司"), party_b=f("卖方公司"), party_a_tax_id=f("91110000600037341L"),
        party_b_tax_id=f(supplier_code), supplier=f("卖方公司"), amount=f(Decimal(amount)), term_start=f(start),
        term_end=f(end)))


def values(docs: list[DocumentResult], checks: list = ()) -> dict[str, str]:  # type: ignore[type-arg]
    d = score(MERCHANT, SALES, list(checks), V3, documents=docs)
    return {c.feature: f"{c.value} {c.points} {c.reason_code}" for c in d.contributions}


def test_verified_licence_photo_and_contract_earn_points() -> None:
    docs = [licence(), _doc("shop", "shop_photo", shop=ShopPhotoEvidence(shop_name=f("华盛餐厅"))),
            contract("730000", DAY - timedelta(days=182), DAY + timedelta(days=183))]
    got = values(docs)
    assert got["business_age_years"] == "6.0 10 ESTABLISHED_LONG"
    assert got["physical_presence"] == "1 5 PREMISES_SHOWN"
    assert got["contract_backlog"] == "366000.00 10 BACKLOG_LARGE"  # 183 of 365 days left: that share
    plain = score(MERCHANT, SALES, [], V3, documents=[])
    assert score(MERCHANT, SALES, [], V3, documents=docs).points == plain.points + 25


def test_unverified_other_evidence_counts_for_nothing() -> None:
    docs = [licence(code="91110000600037341L"),  # another business's licence
            _doc("shop", "shop_photo", shop=ShopPhotoEvidence(shop_name=f("华盛餐厅"))),
            contract("730000", DAY - timedelta(days=400), DAY - timedelta(days=35)),  # already delivered
            ]
    got = values(docs, [check("shop", "warn", "photo.recapture")])
    assert got["business_age_years"].startswith("0 0") and got["physical_presence"].startswith("0 0")
    assert got["contract_backlog"].startswith("0.00 0")
    buying = contract("730000", DAY, DAY + timedelta(days=365), supplier_code="91110000600037341L")
    assert values([buying])["contract_backlog"].startswith("0.00 0")  # the merchant buys: not its backlog


def test_v1_ignores_the_other_documents_and_a_duplicate_invoice_counts_once() -> None:
    v1 = load_policy("credit-v1")
    assert score(MERCHANT, SALES, [], v1, documents=[licence()]) == score(MERCHANT, SALES, [], v1)
    numbered = invoice("300000").model_copy(update={"invoice_number": f("26332000000123456789")})
    once = score(MERCHANT, [("a", numbered)], [], V3)
    twice = score(MERCHANT, [("a", numbered), ("b", numbered)], [], V3)
    assert twice.uplift == once.uplift and "DUPLICATE_IN_APPLICATION" in twice.reason_codes
