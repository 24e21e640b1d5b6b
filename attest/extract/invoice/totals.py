"""Totals (合计, 价税合计 in words and figures), 备注, and the payee / reviewer / drawer signatures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from attest.data import load
from attest.data import pattern as data_pattern
from attest.extract.invoice.common import field_of, label, stop
from attest.extract.invoice.items import Table
from attest.layout.geometry import Line, rows, union
from attest.layout.normalize import find_money, parse_decimal, squash
from attest.layout.pairing import Hit, find_value
from attest.schemas.evidence import InvoiceEvidence

# What an amount in words may be read as: the numerals, the slips a forger makes (kept so that the strict
# parser can name them), and the OCR confusions of the data file.
_WORDS = re.compile(
    "[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正两一二三四五六七八九十百千毛"
    + "".join(load("ocr_confusions")["amount_words"]) + "]{2,}"
)
_FIGURES = re.compile(r"¥?\s*-?\d[\d,]*\.\d{1,2}")
_PERSON = re.compile(r"^[\u4e00-\u9fffA-Za-z·]{1,20}")


def _totals_row(table: Table, ev: InvoiceEvidence) -> None:
    amount_col = next((c for c in table.columns if c.name == "amount"), None)
    tax_col = next((c for c in table.columns if c.name == "tax"), None)
    for ln in table.total_row:
        text = squash(ln.text)
        target = None
        if tax_col and tax_col.lo <= ln.box.cx <= tax_col.hi:
            target = "total_tax"
        elif amount_col and amount_col.lo <= ln.box.cx <= amount_col.hi:
            target = "total_amount_excl_tax"
        if target is None:
            continue
        if target == "total_tax" and "***" in text:
            ev.total_tax = field_of(Decimal(0), lines=[ln], raw="***")
            continue
        found = find_money(text)
        value = parse_decimal(found[-1]) if found else None
        if value is not None:
            setattr(ev, target, field_of(value, lines=[ln], raw=found[-1]))


def normalise_words(text: str) -> str:
    table = load("ocr_confusions")["amount_words"]
    return "".join(table.get(ch, ch) for ch in text)


def _grand_total(lines: Sequence[Line], ev: InvoiceEvidence) -> None:
    words = find_value(lines, label("words_total"), value=_WORDS, stop=stop())
    if words is not None:
        text = squash(words.text)
        m = _WORDS.search(text)
        if m:
            # A red-letter invoice's words carry their sign before them: `(负数)壹佰圆整` is kept as printed.
            sign = re.search(f"(?:{data_pattern('invoice_layout', 'negative_words').pattern})$", text[: m.start()])
            printed = (sign.group(0) if sign else "") + m.group(0)
            ev.total_amount_incl_tax_cn = field_of((sign.group(0) if sign else "") + normalise_words(m.group(0)),
                                                   words, raw=printed)
    figures = find_value(lines, label("figures_total"), value=_FIGURES, stop=stop())
    if figures is not None:
        found = find_money(figures.text)
        value = parse_decimal(found[0]) if found else None
        if value is not None:
            ev.total_amount_incl_tax = field_of(value, figures, raw=found[0])


def _remarks(lines: Sequence[Line], ev: InvoiceEvidence) -> None:
    """Lines in the box right of the 备注 caption, between the 价税合计 row and the 开票人 row."""
    marks = [ln for ln in lines if squash(ln.text) in ("备注", "备", "注", "备注:")]
    if not marks:
        return
    first = min(marks, key=lambda ln: ln.box.y0)
    group = [ln for ln in marks if abs(ln.box.cx - first.box.cx) < first.box.w * 1.5]
    box = union(ln.box for ln in group)
    char = min(box.w, max(ln.box.h for ln in group))
    top, bottom = box.y0 - char * 2.5, box.y1 + char * 2.5
    for ln in lines:
        text = squash(ln.text)
        if ("价税合计" in text or "小写" in text) and ln.box.y1 <= box.cy:
            top = max(top, ln.box.y1)
        if label("drawer").search(text) and ln.box.y0 >= box.cy:
            bottom = min(bottom, ln.box.y0)
    region = [
        ln for ln in lines
        if ln.box.x0 >= box.x1 - char * 0.2 and top <= ln.box.cy <= bottom and ln not in group
        and not ln.vertical and not ln.seal
    ]
    if region:
        text = "\n".join(" ".join(ln.text for ln in row) for row in rows(region))
        ev.remarks = field_of(text, lines=region, raw=text)


def _person(lines: Sequence[Line], name: str) -> Hit | None:
    hit = find_value(lines, label(name), value=_PERSON, stop=stop())
    if hit is None:
        return None
    m = _PERSON.match(squash(hit.text))
    return Hit(m.group(0), hit.lines, hit.label) if m else None


def read_totals(lines: Sequence[Line], table: Table | None, ev: InvoiceEvidence) -> None:
    """Fill totals, remarks and signature fields of `ev` in place."""
    if table is not None:
        _totals_row(table, ev)
    _grand_total(lines, ev)
    _remarks(lines, ev)
    for name in ("payee", "reviewer", "drawer"):
        hit = _person(lines, name)
        if hit is not None:
            setattr(ev, name, field_of(hit.text, hit))
