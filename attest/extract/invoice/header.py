"""Header fields: title, code, number, date, check code, machine number."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from attest.data import load
from attest.data import pattern as data_pattern
from attest.extract.invoice.common import field_of, label, stop
from attest.layout.geometry import Line, h_overlap, same_row
from attest.layout.normalize import digits_only, squash
from attest.layout.pairing import Hit, find_value
from attest.schemas.evidence import Field, InvoiceEvidence

_DATE = re.compile(r"(\d{4})\s*[年./-]?\s*(\d{1,2})\s*[月./-]?\s*(\d{1,2})")
_TITLE = re.compile(r"发票")
# Brackets are taken whole: `电子发票(增值税专用发票)` keeps the bracket that closes after its second 发票.
_TITLE_CORE = re.compile(r"(?:[\u4e00-\u9fff]{2,3}增值税)?[\u4e00-\u9fff]*(?:\([\u4e00-\u9fff]*\)[\u4e00-\u9fff]*)*"
                         r"发票(?:\([\u4e00-\u9fff]+\))?")


def _digits_value(lines: Sequence[Line], name: str, lengths: tuple[int, ...]) -> Field[str] | None:
    pattern = re.compile(r"[0-9OoDlISZB][0-9OoDlISZB\s]{6,}")
    hit = find_value(lines, label(name), value=pattern, stop=stop(), below=True)
    if hit is None:
        return None
    value = digits_only(hit.text)
    if len(value) not in lengths:
        return None
    return field_of(value, hit)


def parse_date(text: str) -> date | None:
    m = _DATE.search(squash(text) if "年" in text else text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _issue_date(lines: Sequence[Line]) -> Field[date] | None:
    hit = find_value(lines, label("issue_date"), value=re.compile(r"\d{4}"), stop=stop())
    if hit is None:
        return None
    value = parse_date(hit.text)
    if value is None:
        # Year, month and day can stand as separate boxes (a PDF that prints them into a 年 月 日 template).
        start = hit.lines[-1].box
        rest = sorted((ln for ln in lines if same_row(ln.box, start) and ln.box.x0 >= start.x1 - 1
                       and not stop().search(ln.text)), key=lambda ln: ln.box.x0)[:4]
        used = [*hit.lines, *rest]
        value = parse_date(" ".join([hit.text, *(ln.text for ln in rest)]))
        return field_of(value, lines=used, raw=" ".join(ln.text for ln in used)) if value else None
    return field_of(value, hit)


def _title(lines: Sequence[Line], page_height: float, number: str | None) -> Field[str] | None:
    """The biggest 发票 text near the top; a 数电 title torn by its seal is restored from its fragments."""
    top = [ln for ln in lines if ln.box.y1 < page_height * 0.3 and not ln.vertical]
    # The copy's mark (发票联, 抵扣联), printed as large as the title on a roll invoice, is not the title.
    copy_mark = data_pattern("invoice_layout", "copy_mark")
    candidates = [ln for ln in top if _TITLE.search(ln.text) and not label("invoice_number").search(ln.text)
                  and not label("invoice_code").search(ln.text) and not copy_mark.search(squash(ln.text))]
    if not candidates:
        return None
    best = max(candidates, key=lambda ln: ln.box.h)
    # A title torn by a seal is read as pieces on one row; a piece overlapping another is a double read.
    tags = set(load("invoice_layout")["title_tags"])
    row = [best] + [ln for ln in top if ln is not best and abs(ln.box.cy - best.box.cy) < best.box.h * 0.6
                    and ln.box.h > best.box.h * 0.6 and h_overlap(ln.box, best.box) < 0.3
                    and not stop().search(ln.text) and squash(ln.text) not in tags]
    row.sort(key=lambda ln: ln.box.x0)
    text = squash("".join(ln.text for ln in row))
    titles = load("invoice_layout")["titles"]
    if number and len(number) == 20 and text.startswith("电子"):
        # The seal sits on the title's right half; whichever fragment survives names the type.
        if re.search("专|增值|值税", text):
            return field_of(titles["digital_special"], lines=row, raw=text)
        if re.search("普|通发", text):
            return field_of(titles["digital_ordinary"], lines=row, raw=text)
    m = _TITLE_CORE.search(text)
    return field_of(m.group(0) if m else text, lines=row, raw=text)


def _paper_number(lines: Sequence[Line]) -> Hit | None:
    for ln in lines:
        m = re.search(r"^N[o0O]\.?:?\s*(\d{8})$", squash(ln.text))
        if m:
            return Hit(m.group(1), [ln])
    return None


def _unlabelled_code(lines: Sequence[Line], page_height: float) -> Hit | None:
    """Paper invoices print the code at the top left with no label: a lone 10/12-digit run up there."""
    for ln in lines:
        text = squash(ln.text)
        if ln.box.y1 < page_height * 0.4 and re.fullmatch(r"\d{10}|\d{12}", text) and not ln.seal:
            return Hit(text, [ln])
    return None


def read_header(lines: Sequence[Line], page_height: float, ev: InvoiceEvidence) -> None:
    """Fill the header fields of `ev` in place."""
    ev.invoice_number = _digits_value(lines, "invoice_number", (8, 20))
    if ev.invoice_number is None and (hit := _paper_number(lines)):
        ev.invoice_number = field_of(hit.text, hit)
    ev.invoice_code = _digits_value(lines, "invoice_code", (10, 12))
    number_len = len(ev.invoice_number.value) if ev.invoice_number else 0
    if ev.invoice_code is None and number_len == 8 and (hit := _unlabelled_code(lines, page_height)):
        ev.invoice_code = field_of(hit.text, hit, confidence=hit.confidence * 0.8)
    ev.check_code = _digits_value(lines, "check_code", (20,))
    ev.machine_no = _digits_value(lines, "machine_no", (9, 10, 11, 12))
    ev.issue_date = _issue_date(lines)
    number = ev.invoice_number.value if ev.invoice_number else None
    ev.invoice_title = _title(lines, page_height, number)
