"""A statement's transactions as a CSV the reviewer can open in a spreadsheet. A cell an export carried that begins
like a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before one) would run as one when opened: it is
written with a leading apostrophe, so that it shows as the text it was (OWASP's advice on CSV injection). Amounts
are written by attest, never copied from the upload, and need no such care."""

from __future__ import annotations

import csv
import io

from attest.schemas.statement import StatementEvidence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("sheet", "row", "day", "time", "direction", "amount", "currency", "balance", "counterparty",
           "counterparty_account", "memo", "channel", "status", "category")


def neutral(text: str | None) -> str:
    """Text as a spreadsheet will show it, never run it."""
    if not text:
        return ""
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def transactions_csv(ev: StatementEvidence) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(COLUMNS)
    for t in ev.rows:
        out.writerow([neutral(t.sheet), t.row, t.day.isoformat() if t.day else "",
                      t.at.time().isoformat() if t.at else "", t.direction, format(t.amount, "f"), t.currency,
                      format(t.balance, "f") if t.balance is not None else "", neutral(t.counterparty),
                      neutral(t.counterparty_account), neutral(t.memo), neutral(t.channel), neutral(t.status),
                      t.category or ""])
    return buf.getvalue()
