"""Evidence read from an operating-flow statement: a payment platform's bill (Alipay, WeChat Pay) or a bank
account's statement, every transaction with the row it came from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from pydantic import Field as PydField

from attest.schemas.evidence import Field

Direction = Literal["in", "out", "neutral"]


class Transaction(BaseModel):
    sheet: str
    row: int = PydField(description="The row (1-based) of its sheet the transaction was read from.")
    at: datetime | None = PydField(None, description="When it happened, when the row prints a time.")
    day: date | None = None
    direction: Direction
    amount: Decimal = PydField(ge=0, description="Always positive; the direction says which way it went.")
    currency: str = "CNY"
    balance: Decimal | None = None
    counterparty: str | None = None
    counterparty_account: str | None = None
    memo: str | None = None
    channel: str | None = None
    status: str | None = None
    category: str | None = PydField(None, description=(
        "What the transaction is (data/statements.yaml categories): `takings`, `own_transfer`, `top_up`, `loan`, "
        "`debt_service`, `refund`, `interest`, `personal`, `payroll`, `tax`, `suppliers` or `neutral`."))


class PrintedSummary(BaseModel):
    """What the statement prints about itself above or below its rows (共N笔, 收入 n笔 x元 …)."""

    total_count: int | None = None
    in_count: int | None = None
    in_amount: Decimal | None = None
    out_count: int | None = None
    out_amount: Decimal | None = None
    neutral_count: int | None = None
    neutral_amount: Decimal | None = None


class StatementEvidence(BaseModel):
    holder_name: Field[str] | None = None
    account_no: Field[str] | None = None
    institution: Field[str] | None = None
    period_start: Field[date] | None = None
    period_end: Field[date] | None = None
    currency: str = "CNY"
    transactions: Field[int] | None = PydField(None, description="How many transactions the rows hold.")
    total_in: Field[Decimal] | None = PydField(None, description="The rows' inflows in the statement's currency.")
    total_out: Field[Decimal] | None = None
    opening_balance: Field[Decimal] | None = None
    closing_balance: Field[Decimal] | None = None
    rows: list[Transaction] = PydField(default_factory=list)
    printed: PrintedSummary | None = None
    profile: str = PydField("inferred", description="The institution profile whose columns were used, or "
                                                    "`inferred` when the columns were read from the header words.")
