"""Contract extractor over all pages: parties with their roles and who supplies, amount, dates, term."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from attest.data import load, pattern
from attest.extract.contract_amounts import read_amounts
from attest.extract.contract_items import read_contract_items
from attest.extract.contract_parties import party_names, read_parties, supplier_of
from attest.extract.invoice.common import field_of
from attest.extract.invoice.header import parse_date
from attest.extract.seal import Seal
from attest.layout.geometry import Box, Line, page_skew
from attest.layout.normalize import squash
from attest.layout.pairing import find_value
from attest.schemas.contract import ContractEvidence
from attest.schemas.evidence import Field
from attest.schemas.ocr import OcrPage


@cache
def _spec() -> dict[str, Any]:
    return load("contract_layout")


def _re(key: str) -> re.Pattern[str]:
    return pattern("contract_layout", key)


def _lines(pages: Sequence[OcrPage]) -> list[Line]:
    """Every page's lines, pages stacked top to bottom so reading order runs through the document."""
    out, offset = [], 0.0
    for page in pages:
        skew = page_skew(ln for ln in page.lines if not ln.overlay)
        skew = skew if abs(skew) > 0.5 else 0.0
        for ln in page.lines:
            if not ln.text.strip() or ln.overlay:
                continue
            line = Line.of(ln, skew, (page.width / 2, page.height / 2))
            box = Box(line.box.x0, line.box.y0 + offset, line.box.x1, line.box.y1 + offset)
            out.append(Line(line.id, line.text, box, line.confidence, line.raw, line.seal))
        offset += float(page.height or 0) + 100
    return out


def contract_head(page: OcrPage) -> tuple[str, frozenset[str]] | None:
    """(title, party names) when the page starts a contract: a contract's heading in its top third and both
    parties named under their captions. A file of several contracts is cut at such pages (`pipeline/split`)."""
    lines = _lines([page])
    if not lines:
        return None
    top = min(ln.box.y0 for ln in lines) + (max(ln.box.y1 for ln in lines) - min(ln.box.y0 for ln in lines)) / 3
    heads = [squash(ln.text) for ln in lines if ln.box.cy < top and _re("title").search(ln.text)
             and not _re("clause").match(squash(ln.text)) and len(squash(ln.text)) <= 40
             and not _re("caption").match(squash(ln.text))]
    names = party_names(lines)
    return (heads[0], frozenset(names)) if heads and len(names) >= 2 else None


def _date_field(hit_text: str, used: list[Line]) -> Field[date] | None:
    day = parse_date(hit_text)
    return Field[date](**{**field_of(hit_text, lines=used).model_dump(), "value": day}) if day else None


def _title(lines: Sequence[Line]) -> Field[str] | None:
    """`合同名称：X` where printed; else the biggest contract-like heading in the top half of the first page."""
    if hit := find_value(lines, pattern("contract_layout", "labels", "contract_name")):
        return field_of(squash(hit.text), hit)
    # The first page of this contract: in a file of several, the second contract's first page is not page 1.
    first_page = lines[0].id.split("-")[0] + "-" if lines else "p1-"
    first = [ln for ln in lines if ln.id.startswith(first_page)]
    if not first:
        return None
    bottom = max(ln.box.y1 for ln in first)
    heads = [ln for ln in first if _re("title").search(ln.text) and not _re("clause").match(squash(ln.text))
             and ln.box.cy < bottom / 2 and len(squash(ln.text)) <= 40]
    if not heads:
        return None
    best = max(heads, key=lambda ln: ln.box.h)
    return field_of(squash(best.text), lines=[best])


def extract_contract(pages: Sequence[OcrPage], seals: Sequence[Seal] = ()) -> ContractEvidence:
    lines = _lines(pages)
    ev = ContractEvidence(title=_title(lines))
    labels = _spec()["labels"]
    if hit := find_value(lines, re.compile(labels["contract_no"]), value=re.compile(r"[A-Za-z0-9-]{4,}")):
        m = re.search(r"[A-Za-z0-9-]{4,}", squash(hit.text))
        ev.contract_no = field_of(m.group(0) if m else squash(hit.text), hit)
    read_parties(lines, ev)
    supplier_of(lines, ev)
    read_amounts(lines, ev)
    ev.items = read_contract_items(lines)
    for ln in lines:
        text = squash(ln.text)
        if ev.term_start is None and (m := _re("term").search(text)):
            ev.term_start = _date_field(m.group("start"), [ln])
            ev.term_end = _date_field(m.group("end"), [ln])
    if hit := find_value(lines, re.compile(labels["signing_date"]), value=re.compile(r"\d{4}")):
        ev.signing_date = _date_field(hit.text, hit.lines)
    if hit := find_value(lines, re.compile(labels["signing_place"])):
        ev.signing_place = field_of(squash(hit.text), hit)
    ev.seals_per_page = [sum(1 for s in seals if s.page == p.page) for p in pages]
    return ev


