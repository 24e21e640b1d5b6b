"""What each transaction of a statement is — business takings, an own transfer, a top-up, a loan, a repayment, a
refund, payroll, a supplier, a tax — told by the words the row prints (`data/statements.yaml categories`), so
that scoring counts takings as takings and never a loan, a refund or the holder's own money moving."""

from __future__ import annotations

from functools import lru_cache

from attest.data import load
from attest.layout.normalize import squash
from attest.schemas.statement import Transaction


@lru_cache(maxsize=8192)
def _by_words(direction: str, printed: str, card: bool) -> str:
    """A till repeats itself (二维码收款 from 顾客, thousands of times): each distinct wording is judged once."""
    spec = load("statements")
    text = squash(printed)
    for category in spec["categories"]:
        if direction in category["ways"] and any(w in text for w in category["words"]):
            return str(category["name"])
    if card and direction == "in":
        return "own_transfer"
    return str(spec["category_defaults"][direction])


def category_of(row: Transaction, kind: str | None, holder: str | None, *, card: bool) -> str:
    """The row's category: its counterparty being the holder, else the first category whose words it prints,
    else its direction's default; on a credit card, money in that no category names repays the card."""
    if holder and row.counterparty and row.direction != "neutral" and _same_name(row.counterparty, holder):
        return "own_transfer"
    return _by_words(row.direction, " ".join(t for t in (row.memo, row.counterparty, kind) if t), card)


@lru_cache(maxsize=8192)
def _same_name(counterparty: str, holder: str) -> bool:
    return squash(counterparty) == squash(holder)


def categorise(rows: list[Transaction], kinds: list[str | None], holder: str | None, *, card: bool) -> None:
    """Set each row's category in place (`kinds[i]` is the export's own kind column for row i, if it has one)."""
    for row, kind in zip(rows, kinds, strict=True):
        row.category = category_of(row, kind, holder, card=card)
