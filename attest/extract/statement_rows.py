"""A statement's table: the header row found by the words that name its columns (`data/statements.yaml`), and
every row below it read into a `Transaction` — its date, which way the money went and how much, with the row it
came from. Read from what the file prints: a direction column, separate in and out columns, or a signed amount
(a card statement signs spending the other way round from a debit account)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from attest.data import load
from attest.layout.normalize import squash
from attest.schemas.statement import Direction, Transaction
from attest.schemas.table import Sheet

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+")
_DATE = re.compile(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?")
_TIME = re.compile(r"(\d{1,2}):?(\d{2}):?(\d{2})")


@dataclass(frozen=True)
class Columns:
    header_row: int
    at: dict[str, int]  # role → column index

    def get(self, row: list[str], role: str) -> str:
        i = self.at.get(role)
        return row[i].strip() if i is not None and i < len(row) else ""


def find_columns(sheet: Sheet) -> Columns | None:
    """The first row naming enough columns, and each role's column (the most preferred word printed)."""
    spec = load("statements")
    for n, row in enumerate(sheet.rows):
        cells = [squash(c) for c in row]
        at: dict[str, int] = {}
        for role, words in spec["roles"].items():
            for word in words:  # the earlier word wins where a file prints several
                hit = next((i for i, c in enumerate(cells) if c == word and i not in at.values()), None)
                if hit is not None:
                    at[role] = hit
                    break
        if len(at) >= spec["min_header_roles"] and ({"amount", "amount_in", "amount_out"} & at.keys()):
            return Columns(header_row=n, at=at)
    return None


def number(text: str) -> Decimal | None:
    """The amount a cell prints: ¥, currency codes, thousands separators and notes around it aside
    (`131.77(已退款89.84)` is 131.77)."""
    m = _NUMBER.search(text.replace("¥", "").replace("￥", ""))
    if m is None:
        return None
    try:
        return Decimal(m.group(0).replace(",", "").replace("+", ""))
    except InvalidOperation:
        return None


def _day(text: str, month_hint: tuple[int, int] | None) -> date | None:
    """A printed date; `MM/DD` takes its year from the statement's month (a December row of a January statement
    is the year before)."""
    if m := _DATE.search(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if month_hint is not None and (m := re.fullmatch(r"(\d{1,2})/(\d{1,2})", text.strip())):
        year, month = month_hint
        try:
            return date(year - 1 if int(m.group(1)) > month else year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    return None


def _moment(day: date | None, time_text: str) -> datetime | None:
    m = _TIME.search(time_text) if time_text else None
    if day is None or m is None:
        return None
    try:
        return datetime(day.year, day.month, day.day, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _currency(text: str, spec: dict[str, Any]) -> str | None:
    for printed, code in spec["currencies"].items():
        if printed in text:
            return str(code)
    return None


@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    """A direction or memo cell as compared: a column holds a few wordings, thousands of times."""
    return squash(text).lstrip("（(")


def _way_of(text: str, words: dict[str, list[str]]) -> Direction | None:
    """The way a word says, by its start (`收入`, `贷 Cr`, `退货 美团`), from a table of words per way."""
    word = _plain(text)
    ways: tuple[Direction, ...] = ("neutral", "in", "out")
    return next((way for way in ways if any(word.startswith(w) for w in words.get(way, ()))), None)


@dataclass(frozen=True)
class Signs:
    """How the rows of one table sign their amounts."""

    card: bool  # a card statement: a positive signed amount is spending
    unsigned: bool  # no amount is negative: the memo's first word says the way, where it names one


def _way_and_amount(row: list[str], cols: Columns, signs: Signs, spec: dict[str, Any]
                    ) -> tuple[Direction, Decimal] | None:
    if "amount_in" in cols.at or "amount_out" in cols.at:
        got_in, got_out = number(cols.get(row, "amount_in")), number(cols.get(row, "amount_out"))
        if got_in:  # the column holding a non-zero amount says the way
            return "in", abs(got_in)
        if got_out:
            return "out", abs(got_out)
        if "amount" not in cols.at:  # nothing moved: a zero row where a column printed 0, else no row at all
            return None if got_in is None and got_out is None else ("in" if got_in is not None else "out",
                                                                     Decimal(0))
    amount = number(cols.get(row, "amount"))
    if amount is None:
        return None
    if "direction" in cols.at:
        return _way_of(cols.get(row, "direction"), spec["directions"]) or "neutral", abs(amount)
    # No amount signed: the memo's first word (消费, 退货, 还款) is what says the way, where it says one.
    memo_way = _way_of(cols.get(row, "memo"), spec["memo_directions"]) if signs.unsigned else None
    if memo_way is not None:
        return memo_way, abs(amount)
    spending = amount >= 0 if signs.card else amount < 0
    return ("out" if spending else "in"), abs(amount)


def read_rows(sheet: Sheet, cols: Columns, *, card: bool, month_hint: tuple[int, int] | None) -> list[Transaction]:
    """Every row below the header that prints a date and an amount; a footer (合计) or a spacer ends nothing."""
    spec = load("statements")
    body = sheet.rows[cols.header_row + 1:]
    signed = [number(cols.get(r, "amount")) for r in body] if "amount" in cols.at else []
    signs = Signs(card=card, unsigned=not any(a is not None and a < 0 for a in signed))
    out = []
    for offset, row in enumerate(body):
        day = _day(cols.get(row, "date") or cols.get(row, "time"), month_hint)
        if day is None:
            # A card statement leaves 交易日 blank on repayments: the posting date beside it stands in.
            day = next((d for c in row if (d := _day(c, month_hint)) is not None), None) if card else None
        got = _way_and_amount(row, cols, signs, spec)
        if day is None or got is None:
            continue
        way, amount = got
        balance = number(cols.get(row, "balance")) if "balance" in cols.at else None
        amount_text = cols.get(row, "amount")
        out.append(Transaction(
            sheet=sheet.name, row=cols.header_row + 2 + offset, day=day,
            at=_moment(day, cols.get(row, "time")), direction=way, amount=amount,
            currency=_currency(amount_text, spec) or _currency(cols.get(row, "currency"), spec) or "CNY",
            balance=balance, counterparty=cols.get(row, "counterparty") or None,
            counterparty_account=cols.get(row, "counterparty_account") or None, memo=cols.get(row, "memo") or None,
            channel=cols.get(row, "channel") or None, status=cols.get(row, "status") or None))
    return out
