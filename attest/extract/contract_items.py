"""A contract's price table (标的、价款): columns from the printed header, rows down to the totals.

Names wrap inside their cell (`纯电动搅拌车` over `(4轴)`), centred on their row: a row of name text only belongs
to the nearest row of figures. An item counts only with a name and a figure: a quantity, a price or an amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attest.data import load
from attest.extract.invoice.common import field_of
from attest.layout.geometry import Line, rows
from attest.layout.normalize import parse_decimal, squash
from attest.schemas.contract import ContractItem

NUMERIC = ("qty", "unit_price", "amount")
_FIGURE = re.compile(r"^[¥Y]?\d[\d,]*(?:\.\d+)?$")


@dataclass
class _Column:
    name: str  # "" for a header cell that names no known column
    x0: float
    x1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = load("contract_layout")["items"]
    return spec


def _header(lines: Sequence[Line]) -> tuple[list[_Column], float] | None:
    """The first row naming enough columns, with every header cell in its band; and where the band ends."""
    spec = _spec()
    patterns = {k: re.compile(v) for k, v in spec["columns"].items()}
    for row in rows(lines):
        named = [(next((k for k, p in patterns.items() if p.search(squash(ln.text))), ""), ln) for ln in row]
        names = {k for k, _ in named if k}
        if len(names) < spec["min_columns"] or "amount" not in names or not names & {"qty", "unit_price"}:
            continue
        top = min(ln.box.y0 for _, ln in named)
        bottom = max(ln.box.y1 for _, ln in named)
        h = max(ln.box.h for _, ln in named)
        # A header cell printed on two lines (生产 / 厂家) sits in the row's band but not on its centre line; it
        # starts above the row's bottom and is words, unlike a first row of figures printed close under it.
        band = [ln for ln in lines if top - h * 0.6 <= ln.box.cy <= bottom + h * 0.6 and ln not in row
                and ln.box.y0 < bottom and not _FIGURE.match(squash(ln.text))]
        columns = [_Column(k, ln.box.x0, ln.box.x1) for k, ln in named]
        columns += [_Column("", ln.box.x0, ln.box.x1) for ln in band if not any(
            c.x0 <= ln.box.cx <= c.x1 for c in columns)]
        columns.sort(key=lambda c: c.x0)
        return columns, max([bottom, *(ln.box.y1 for ln in band)])
    return None


def _column_of(line: Line, columns: list[_Column]) -> _Column:
    """The column whose header stands over the line: most overlap, else the nearest centre."""
    def overlap(c: _Column) -> float:
        return max(0.0, min(line.box.x1, c.x1) - max(line.box.x0, c.x0))
    best = max(columns, key=overlap)
    return best if overlap(best) > 0 else min(columns, key=lambda c: abs(c.cx - line.box.cx))


def _item(cells: dict[str, list[Line]]) -> ContractItem | None:
    item = ContractItem()
    for name, used in cells.items():
        text = "".join(squash(ln.text) for ln in sorted(used, key=lambda ln: (ln.box.y0, ln.box.x0)))
        if name in NUMERIC:
            value = parse_decimal(text.replace("¥", "").replace(",", "")) if _FIGURE.match(text) else None
            if value is not None:
                setattr(item, name, field_of(value, lines=used, raw=text))
        elif name:
            setattr(item, name, field_of(text, lines=used, raw=text))
    return item if any(getattr(item, k) is not None for k in NUMERIC) and item.name is not None else None


def _cy(cells: dict[str, list[Line]]) -> float:
    used = [ln for group in cells.values() for ln in group]
    return sum(ln.box.cy for ln in used) / len(used)


def read_contract_items(lines: Sequence[Line]) -> list[ContractItem]:
    """The rows of the first price table among `lines` (every page's, stacked), or none."""
    found = _header(lines)
    if found is None:
        return []
    columns, bottom = found
    end = re.compile(_spec()["end"])
    figures: list[dict[str, list[Line]]] = []
    names: list[dict[str, list[Line]]] = []  # rows of name text only: parts of a name wrapped in its cell
    for row in rows(ln for ln in lines if ln.box.y0 >= bottom - 2):
        if any(end.search(squash(ln.text)) for ln in row):
            break
        cells: dict[str, list[Line]] = {}
        for ln in row:
            cells.setdefault(_column_of(ln, columns).name, []).append(ln)
        if set(cells) & set(NUMERIC):
            figures.append(cells)
        elif figures and _cy(cells) - _cy(figures[-1]) > 2 * max(ln.box.h for ln in row):
            break  # well below the last row of figures: the table's print has stopped
        else:
            names.append(cells)
    # A wrapped name is centred on its row: its lines lie just above and below the row's figures.
    for part in names:
        if figures and "name" in part:
            nearest = min(figures, key=lambda cells: abs(_cy(cells) - _cy(part)))
            nearest.setdefault("name", []).extend(part["name"])
    return [item for cells in figures if (item := _item(cells)) is not None]
