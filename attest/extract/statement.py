"""Rule-based statement reader: a tabular export (`TableFile`) → `StatementEvidence`. The table is found by its
header words; the lines above it give the holder, the account, the period and the printed summary (共N笔, 收入 n笔
x元); the rows give every transaction, the totals and, where balances run in date order, the opening and closing
balances. Nothing is tuned to one institution: what an export prints is read the same way for any."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from attest.data import load
from attest.extract.statement_categories import categorise
from attest.extract.statement_rows import Columns, find_columns, number, read_rows
from attest.layout.normalize import squash
from attest.schemas.evidence import Field
from attest.schemas.statement import PrintedSummary, StatementEvidence, Transaction
from attest.schemas.table import Sheet, TableFile

_DATES = re.compile(r"(\d{4})[-/.年]?(\d{2})[-/.月]?(\d{2})")
_MONTH = re.compile(r"(\d{4})年(\d{1,2})月")
_NOTE = re.compile(r"\s*\d+\s*[.、．]")  # a numbered note above a table: `1. 充值/提现…等交易，将计入中性交易`


def _field(value: Any, where: str, raw: str | None = None) -> Field[Any]:
    return Field(value=value, confidence=1.0, source="rule", lines=[where], raw=raw)


def _lines(sheet: Sheet, cols: Columns) -> list[str]:
    """The lines above the table, each row's cells joined (a label in one cell and its value in the next)."""
    return [" ".join(c.strip() for c in row if c.strip()) for row in sheet.rows[:cols.header_row] if any(row)]


def _labelled(above: list[list[str]], labels: list[str]) -> tuple[str, str] | None:
    """The value printed after the first of `labels` (`姓名：xx`, `账　　号： 123`, `微信昵称：[测试]`, or the label
    alone in its cell and the value in the next). A label inside other words is no label: the title 账户交易明细
    names no account."""
    for label in labels:
        for row in above:
            cells = [squash(c) for c in row]
            for i, cell in enumerate(cells):
                at = cell.find(label)
                if at < 0:
                    continue
                rest = cell[at + len(label):]
                if rest[:1] in (":", "："):
                    rest = rest[1:]
                elif rest or (at > 0 and cell[at - 1] not in "[【(（ "):
                    continue  # more words run on: the label is part of them
                if not rest:  # the value is the next cell that holds one
                    rest = next((c for c in cells[i + 1:] if c), "")
                value = re.split(r"[\]】]|[^\w@.*\-\[【]", rest.lstrip("[【"), maxsplit=1)[0]
                if value:
                    return value, " ".join(c.strip() for c in row if c.strip())
    return None


def _period(lines: list[str], sheet_name: str, spec: dict[str, Any]) -> tuple[date, date, str] | None:
    candidates = [line for line in lines if any(label in squash(line) for label in spec["period_labels"])]
    for line in candidates:
        days = []
        for m in _DATES.finditer(squash(line)):
            try:
                days.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                continue
        if len(days) >= 2:
            return days[0], days[1], line
    if named := re.search(spec["sheet_period"], sheet_name):
        start, end = (date(int(g[:4]), int(g[4:6]), int(g[6:])) for g in named.groups())
        return start, end, sheet_name
    return None


def _summary(lines: list[str], spec: dict[str, Any]) -> PrintedSummary | None:
    text = "\n".join(lines)
    out = PrintedSummary()
    if m := re.search(spec["summary"]["total"], text):
        out.total_count = int(m.group(1))
    names = {"收入": "in", "支出": "out", "不计收支": "neutral", "中性交易": "neutral"}
    for label, count, amount in re.findall(spec["summary"]["part"], text):
        setattr(out, f"{names[label]}_count", int(count))
        setattr(out, f"{names[label]}_amount", number(amount))
    return out if out != PrintedSummary() else None


def _footer(sheet: Sheet, cols: Columns, printed: PrintedSummary | None, spec: dict[str, Any]
            ) -> PrintedSummary | None:
    """The totals a footer row prints under the in and out columns (`人民币合计`, `合计金额`)."""
    for row in sheet.rows[cols.header_row + 1:]:
        first = next((squash(c) for c in row if c.strip()), "")
        if not any(w in first for w in spec["footer_words"]):
            continue
        got_in, got_out = number(cols.get(row, "amount_in")), number(cols.get(row, "amount_out"))
        if got_in is None and got_out is None:
            continue
        out = printed.model_copy() if printed is not None else PrintedSummary()
        out.in_amount, out.out_amount = got_in, got_out
        return out
    return printed


def _institution(text: str, spec: dict[str, Any]) -> str | None:
    return next((name for name, words in spec["institutions"].items() if any(w in text for w in words)), None)


def _balances(rows: list[Transaction]) -> tuple[Decimal, Decimal] | None:
    """Opening and closing balance where every row prints one and the rows run in date order (either way)."""
    if not rows or any(t.balance is None for t in rows):
        return None
    days = [t.day for t in rows]
    if days != sorted(days):  # type: ignore[type-var]
        if days != sorted(days, reverse=True):  # type: ignore[type-var]
            return None
        rows = rows[::-1]
    first, last = rows[0], rows[-1]
    assert first.balance is not None and last.balance is not None
    before = first.balance - first.amount if first.direction == "in" else first.balance + first.amount
    return before, last.balance


def _best_sheet(table: TableFile) -> tuple[Sheet, Columns, list[Transaction], bool] | None:
    """The sheet whose table reads into the most transactions (a workbook may carry a copy or a cover sheet), and
    whether it is a credit card's."""
    spec = load("statements")
    best = None
    for sheet in table.sheets:
        cols = find_columns(sheet)
        if cols is None:
            continue
        above = " ".join(_lines(sheet, cols)) + " " + sheet.name
        header = "".join(squash(c) for c in sheet.rows[cols.header_row])
        titles = " ".join(line for line in _lines(sheet, cols) if not _NOTE.match(line)) + " " + sheet.name
        card = any(w in titles or w in header for w in spec["card_markers"])
        month = _MONTH.search(above)
        hint = (int(month.group(1)), int(month.group(2))) if month else None
        rows = read_rows(sheet, cols, card=card, month_hint=hint)
        if best is None or len(rows) > len(best[2]):
            best = (sheet, cols, rows, card)
    return best


def extract_statement(table: TableFile) -> StatementEvidence | None:
    """The statement a tabular export holds; None when no sheet has a table of transactions."""
    spec = load("statements")
    found = _best_sheet(table)
    if found is None:
        return None
    sheet, cols, rows, card = found
    lines = _lines(sheet, cols)
    ev = StatementEvidence(rows=rows, printed=_footer(sheet, cols, _summary(lines, spec), spec))
    where = f"{sheet.name}!r1-r{cols.header_row + 1}"  # the lines above the table, and its header
    above = [row for row in sheet.rows[:cols.header_row] if any(c.strip() for c in row)]
    if holder := _labelled(above, spec["holder_labels"]):
        ev.holder_name = _field(holder[0], where, holder[1])
    categorise(rows, [cols.get(sheet.rows[t.row - 1], "kind") or None for t in rows], holder[0] if holder else None,
               card=card)
    if account := _labelled(above, spec["account_labels"]):
        ev.account_no = _field(account[0], where, account[1])
    elif "card" in cols.at:  # no line names the account: the cards the rows were made with
        cards = dict.fromkeys(c for t in rows if (c := cols.get(sheet.rows[t.row - 1], "card")))
        if cards:
            ev.account_no = _field("/".join(cards), f"{sheet.name}!r{cols.header_row + 1}")
    if period := _period(lines, sheet.name, spec):
        ev.period_start, ev.period_end = _field(period[0], where, period[2]), _field(period[1], where, period[2])
    text = " ".join(lines) + " " + sheet.name + " " + " ".join(sheet.rows[cols.header_row])
    if institution := _institution(text, spec):
        ev.institution = _field(institution, where)
    ev.profile = institution or "inferred"
    ev.currency = Counter(t.currency for t in rows).most_common(1)[0][0] if rows else "CNY"
    table_ref = f"{sheet.name}!r{cols.header_row + 2}-r{len(sheet.rows)}"
    ev.transactions = _field(len(rows), table_ref)
    counted = [t for t in rows if t.currency == ev.currency]
    ev.total_in = _field(sum((t.amount for t in counted if t.direction == "in"), Decimal("0.00")), table_ref)
    ev.total_out = _field(sum((t.amount for t in counted if t.direction == "out"), Decimal("0.00")), table_ref)
    if balances := _balances(rows):
        ev.opening_balance, ev.closing_balance = _field(balances[0], table_ref), _field(balances[1], table_ref)
    return ev
