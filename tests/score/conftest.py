from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from attest.schemas.checks import CheckResult, Ref
from attest.schemas.decision import MerchantProfile
from attest.schemas.evidence import Field, InvoiceEvidence

DAY = date(2026, 11, 28)
MERCHANT = MerchantProfile(id="m1", name="杭州华盛餐饮管理有限公司", uscc="91330100MA27XXXX0Y",
                           current_limit=Decimal(100000), application_date=DAY)


def f(value, confidence: float = 0.99) -> Field:
    return Field(value=value, confidence=confidence, lines=["p1-l0"], raw=str(value))


def invoice(amount: str, *, seller: str = MERCHANT.uscc, buyer: str = "91110000600037341L",
            days_ago: int = 30, confidence: float = 0.99) -> InvoiceEvidence:
    return InvoiceEvidence(
        seller_tax_id=f(seller), buyer_tax_id=f(buyer), seller_name=f("卖方"), buyer_name=f("买方"),
        total_amount_excl_tax=f(Decimal(amount), confidence), issue_date=f(DAY - timedelta(days=days_ago)),
    )


def check(doc: str, severity: str, code: str = "invoice.amount_words") -> CheckResult:
    return CheckResult(code=code, severity=severity, message="x / x", refs=[Ref(document=doc, field="f")])
