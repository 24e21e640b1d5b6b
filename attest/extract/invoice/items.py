"""The goods/services table: columns from the printed headers, rows from the lines between header and 合计."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from attest.data import load
from attest.data import pattern as data_pattern
from attest.extract.invoice.common import column_patterns, field_of
from attest.layout.geometry import Box, Line, rows, same_row
from attest.layout.normalize import parse_decimal, squash
from attest.schemas.evidence import InvoiceItem

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_RATE = re.compile(r"^(?:-?\d+(?:\.\d+)?%|" + load("invoice_layout")["table"]["rate_words"] + r"|\*{3})$")
_TAX = re.compile(r"^(?:-?\d+(?:\.\d+)?|\*{3})$")
_LOST_STAR = re.compile(r"^[^*]{2,}\*[^*]+$")
NUMERIC = ("qty", "unit_price", "amount", "tax")


def _table(name: str) -> re.Pattern[str]:
    """A pattern of the goods table from `data/invoice_layout.yaml` (`table:`), compiled once."""
    return data_pattern("invoice_layout", "table", name)


@dataclass
class Column:
    name: str
    x0: float
    x1: float
    lo: float = 0.0
    hi: float = 0.0


@dataclass
class Cell:
    column: str
    text: str
    line: Line


@dataclass
class Table:
    columns: list[Column]
    header: Box
    rows: list[list[Cell]] = field(default_factory=list)
    total_row: list[Line] = field(default_factory=list)


def _header_cells(line: Line) -> list[Column]:
    """Columns named in one header line; a line OCR merged (`规格型号 单位`) is split by character position."""
    found: list[tuple[int, int, str]] = []
    for name, pattern in column_patterns().items():
        for part in re.finditer(r"\S+", line.text):
            if pattern.search(part.group(0)):
                found.append((part.start(), part.end(), name))
                break
    if not found:
        return []
    found.sort()
    per_char = line.box.w / max(len(line.text), 1)
    return [Column(name, line.box.x0 + s * per_char, line.box.x0 + e * per_char) for s, e, name in found]


def _join_split_chars(row: list[Line]) -> list[Line]:
    """`金` `额` read as two boxes become one `金额` cell."""
    out: list[Line] = []
    for ln in sorted(row, key=lambda ln: ln.box.x0):
        prev = out[-1] if out else None
        if (prev is not None and len(prev.text) == 1 and len(ln.text) == 1
                and ln.box.x0 - prev.box.x1 < max(prev.box.h, ln.box.h) * 1.5):
            out[-1] = Line(prev.id, prev.text + ln.text, prev.box.union(ln.box), prev.confidence, prev.raw + ln.raw)
        else:
            out.append(ln)
    return out


def _missing_amount(row: list[Line], columns: list[Column]) -> list[Column]:
    """金额 is the column just left of 税率 on every layout: unreadable header text there is it.

    Right of 单价 everything up to 税率 is 金额; where 单价 was not read either (a note written across the
    header), only the header text nearest 税率 is. Where nothing was read between 单价 and 税率, 金额 still
    stands in the middle between them.
    """
    names = {c.name: c for c in columns}
    if "amount" in names or "tax_rate" not in names:
        return []
    hi = names["tax_rate"].x0
    left = [c for c in columns if c.x1 <= hi]
    if not left:
        return []
    lo = max(c.x1 for c in left)
    between = [ln for ln in row if ln.box.x0 >= lo and ln.box.x1 <= hi]
    if "unit_price" not in names or names["unit_price"].x1 < lo:
        between = sorted(between, key=lambda ln: ln.box.x1)[-1:]
    elif not between:
        return [Column("amount", lo + (hi - lo) * 0.4, hi - (hi - lo) * 0.4)]
    if not between:
        return []
    return [Column("amount", min(ln.box.x0 for ln in between), max(ln.box.x1 for ln in between))]


def find_header(lines: Sequence[Line]) -> tuple[list[Column], Box] | None:
    anchors = [ln for ln in lines if _table("header_anchor").search(squash(ln.text)) and "合计" not in ln.text]
    for anchor in sorted(anchors, key=lambda ln: ln.box.y0):
        # Vertical margin print (`第二联：抵扣联…`, the printer's licence) spans many rows: never a header cell.
        row = _join_split_chars([ln for ln in lines if same_row(anchor.box, ln.box) and not ln.vertical])
        columns = [c for ln in row for c in _header_cells(ln)]
        columns += _missing_amount(row, columns)
        names = {c.name for c in columns}
        # A roll invoice's table (项目 单价 数量 金额) prints no tax: its name, count and amount make it the table.
        if {"amount", "tax"} <= names or {"amount", "tax_rate"} <= names or {"name", "qty", "amount"} <= names:
            columns.sort(key=lambda c: c.x0)
            for left, right in itertools.pairwise(columns):
                left.hi = right.lo = (left.x1 + right.x0) / 2
            columns[0].lo, columns[-1].hi = -1e9, 1e9
            box = row[0].box
            for ln in row[1:]:
                box = box.union(ln.box)
            return columns, box
    return None


def _overlap(x0: float, x1: float, col: Column) -> float:
    return max(0.0, min(x1, col.hi) - max(x0, col.lo))


def _split_line(line: Line, columns: list[Column]) -> list[Cell]:
    """Cells of one body line: whitespace-separated parts placed by where they stand."""
    per_char = line.box.w / max(len(line.text), 1)
    spanned = [c for c in columns if _overlap(line.box.x0, line.box.x1, c) > per_char * 0.8]
    parts = list(re.finditer(r"\S+", line.text)) if len(spanned) > 1 else []
    if len(parts) <= 1 or any(c.name == "name" for c in spanned[:1]):
        col = max(columns, key=lambda c: _overlap(line.box.x0, line.box.x1, c))
        return [Cell(col.name, line.text, line)]
    cells = []
    for part in parts:
        x0 = line.box.x0 + part.start() * per_char
        x1 = line.box.x0 + part.end() * per_char
        col = max(columns, key=lambda c: _overlap(x0, x1, c))
        cells.append(Cell(col.name, part.group(0), line))
    return cells


def _fix_types(cells: list[Cell]) -> list[Cell]:
    """A rate standing a little into the amount column, or a number into the rate column, goes home; a bare
    number is never a unit (件, 吨, 千克): where 数量 was not read in the header it lands there, and is the count."""
    for cell in cells:
        text = squash(cell.text).replace("¥", "")
        if cell.column == "unit" and _NUMBER.match(text) and not any(c.column == "qty" for c in cells):
            cell.column = "qty"
        elif cell.column in NUMERIC and _RATE.match(text) and "%" in text:
            cell.column = "tax_rate"
        elif cell.column == "tax_rate" and _NUMBER.match(text):
            cell.column = "amount" if not any(c.column == "amount" for c in cells) else "tax"
    return cells


def _unstack(line: Line) -> list[Line]:
    """Single-character cells stacked in one column (units 件 / 项) are detected as one tall box: split it."""
    if not line.vertical:
        return [line]
    n = len(line.text)
    step = line.box.h / n
    return [
        Line(f"{line.id}", ch, Box(line.box.x0, line.box.y0 + i * step, line.box.x1, line.box.y0 + (i + 1) * step),
             line.confidence, ch)
        for i, ch in enumerate(line.text)
    ]


def read_table(lines: Sequence[Line], page_height: float) -> Table | None:
    found = find_header(lines)
    if found is None:
        return None
    columns, header = found
    below = [ln for ln in lines if ln.box.y0 > header.y1 - header.h * 0.3]
    total = [ln for ln in below if _table("total_label").search(squash(ln.text))]
    stops = [ln for ln in below if _table("end").search(squash(ln.text))]
    end = min((ln.box.y0 for ln in total + stops), default=header.y1 + page_height * 0.4)
    table = Table(columns, header)
    if total:
        first = min(total, key=lambda ln: ln.box.y0)
        table.total_row = [ln for ln in below if same_row(first.box, ln.box) and ln is not first]
    body = [piece for ln in below if ln.box.y1 <= end + 2 and ln.box.y0 < end for piece in _unstack(ln)]
    for row in rows(body):
        cells = _fix_types([cell for ln in row for cell in _split_line(ln, columns)])
        if cells:
            table.rows.append(cells)
    return table


def _merged_qty_price(text: str, amount: Decimal | None) -> tuple[str, str] | None:
    """`3158.4158` printed as qty 3 and price 158.4158 with no gap OCR could see: split where qty × price = amount."""
    if amount is None or not _NUMBER.match(text):
        return None
    for i in range(1, min(len(text) - 1, 12)):
        qty, price = text[:i], text[i:]
        if price.startswith(("0", ".")) or "." in qty:
            continue
        q, p = parse_decimal(qty), parse_decimal(price)
        if q and p and abs(q * p - amount) <= Decimal("0.01"):
            return qty, price
    return None


def _item_from(cells: list[Cell]) -> InvoiceItem:
    item = InvoiceItem()
    by_col: dict[str, list[Cell]] = {}
    for cell in cells:
        by_col.setdefault(cell.column, []).append(cell)
    for name in ("name", "spec", "unit", "tax_rate"):
        got = by_col.get(name)
        if got:
            text = "".join(squash(c.text) for c in got) if name == "name" else " ".join(c.text for c in got)
            if name == "name" and _LOST_STAR.match(text):
                # Names print as *分类简称*名称; OCR drops the faint leading star more than any other mark.
                text = "*" + text
            setattr(item, name, field_of(text.strip(), lines=[c.line for c in got], raw=text))
    for name in NUMERIC:
        got = by_col.get(name)
        if not got:
            continue
        text = squash(got[-1].text).replace("¥", "")
        if name == "tax" and text == "***":
            item.tax = field_of(Decimal(0), lines=[got[-1].line], raw="***")
        elif (value := parse_decimal(text)) is not None and _NUMBER.match(text):
            setattr(item, name, field_of(value, lines=[got[-1].line], raw=text))
    merged = item.unit_price if item.qty is None else item.qty if item.unit_price is None else None
    if merged is not None and item.amount is not None:
        split = _merged_qty_price(merged.raw or "", item.amount.value)
        if split:
            item.qty = merged.model_copy(update={"value": Decimal(split[0]), "raw": split[0]})
            item.unit_price = merged.model_copy(update={"value": Decimal(split[1]), "raw": split[1]})
    return item


def read_items(table: Table) -> list[InvoiceItem]:
    """Rows with an amount start an item; name-only rows continue the previous name (wrapped text)."""
    items: list[InvoiceItem] = []
    pending: list[Cell] = []
    for cells in table.rows:
        has_amount = any(c.column == "amount" and _NUMBER.match(squash(c.text)) for c in cells)
        names = [c for c in cells if c.column == "name"]
        if has_amount:
            if pending and not names:
                cells = pending + cells
            pending = []
            items.append(_item_from(cells))
        elif names and all(c.column in ("name", "spec", "unit") for c in cells):
            text = squash("".join(c.text for c in names))
            if items and items[-1].name is not None and not text.startswith("*"):
                prev = items[-1].name
                items[-1].name = prev.model_copy(update={
                    "value": prev.value + text,
                    "raw": (prev.raw or "") + text,
                    "lines": prev.lines + [c.line.id for c in names],
                })
            else:
                pending = names
    return items
