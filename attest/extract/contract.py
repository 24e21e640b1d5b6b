"""Contract extractor over all pages: parties with their roles and who supplies, amount, dates, term."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from attest.data import load, pattern
from attest.extract.invoice.common import field_of
from attest.extract.invoice.header import parse_date
from attest.extract.invoice.totals import normalise_words
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
        skew = page_skew(page.lines)
        skew = skew if abs(skew) > 0.5 else 0.0
        for ln in page.lines:
            if not ln.text.strip():
                continue
            line = Line.of(ln, skew, (page.width / 2, page.height / 2))
            box = Box(line.box.x0, line.box.y0 + offset, line.box.x1, line.box.y1 + offset)
            out.append(Line(line.id, line.text, box, line.confidence, line.raw, line.seal))
        offset += float(page.height or 0) + 100
    return out


def _date_field(hit_text: str, used: list[Line]) -> Field[date] | None:
    day = parse_date(hit_text)
    return Field[date](**{**field_of(hit_text, lines=used).model_dump(), "value": day}) if day else None


def _title(lines: Sequence[Line]) -> Field[str] | None:
    first_page = [ln for ln in lines if ln.id.startswith("p1-") and _re("title").search(ln.text)]
    if not first_page:
        return None
    best = max(first_page, key=lambda ln: ln.box.h)
    return field_of(squash(best.text), lines=[best])


def _parties(lines: Sequence[Line], ev: ContractEvidence) -> None:
    party, tax = _re("party"), pattern("contract_layout", "labels", "tax_id")
    seen: set[str] = set()
    for i, ln in enumerate(lines):
        m = party.match(squash(ln.text))
        if not m or m.group("side") in seen or "盖章" in ln.text or "签字" in ln.text:
            continue
        side = "a" if m.group("side") == "甲方" else "b"
        seen.add(m.group("side"))
        setattr(ev, f"party_{side}", field_of(m.group("name"), lines=[ln]))
        if m.group("role"):
            setattr(ev, f"party_{side}_role", field_of(m.group("role"), lines=[ln]))
        for nxt in lines[i + 1: i + 3]:  # the party's code is printed on the next line or two
            t = tax.search(squash(nxt.text))
            if t and (code := re.search(r"[0-9A-Z]{18}", squash(nxt.text)[t.end():])):
                setattr(ev, f"party_{side}_tax_id", field_of(code.group(0), lines=[nxt]))
                break
            if party.match(squash(nxt.text)):
                break


def _supplier(lines: Sequence[Line], ev: ContractEvidence) -> None:
    roles = _spec()["roles"]
    for side in ("a", "b"):
        role: Field[str] | None = getattr(ev, f"party_{side}_role")
        name: Field[str] | None = getattr(ev, f"party_{side}")
        if role and name and role.value in roles["supplies"]:
            ev.supplier = name.model_copy(update={"lines": role.lines + name.lines})
            return
        if role and name and role.value in roles["buys"]:
            other: Field[str] | None = getattr(ev, f"party_{'b' if side == 'a' else 'a'}")
            if other:
                ev.supplier = other.model_copy(update={"confidence": other.confidence * 0.95})
                return
    for ln in lines:
        m = _re("subject_supplies").search(squash(ln.text))
        if m:
            chosen: Field[str] | None = ev.party_a if m.group("side") == "甲方" else ev.party_b
            if chosen:
                ev.supplier = chosen.model_copy(update={"lines": [*chosen.lines, ln.id]})
            return


def extract_contract(pages: Sequence[OcrPage], seals: Sequence[Seal] = ()) -> ContractEvidence:
    lines = _lines(pages)
    ev = ContractEvidence(title=_title(lines))
    labels = _spec()["labels"]
    if hit := find_value(lines, re.compile(labels["contract_no"]), value=re.compile(r"[A-Za-z0-9-]{4,}")):
        m = re.search(r"[A-Za-z0-9-]{4,}", squash(hit.text))
        ev.contract_no = field_of(m.group(0) if m else squash(hit.text), hit)
    _parties(lines, ev)
    _supplier(lines, ev)
    for ln in lines:
        text = squash(ln.text)
        if ev.amount is None and (m := _re("amount_figures").search(text)):
            ev.amount = field_of(Decimal(m.group("value").replace(",", "")), lines=[ln], raw=m.group(0))
        if ev.amount_cn is None and (m := _re("amount_words").search(text)):
            ev.amount_cn = field_of(normalise_words(m.group("words")), lines=[ln], raw=m.group("words"))
        if ev.term_start is None and (m := _re("term").search(text)):
            ev.term_start = _date_field(m.group("start"), [ln])
            ev.term_end = _date_field(m.group("end"), [ln])
    if hit := find_value(lines, re.compile(labels["signing_date"]), value=re.compile(r"\d{4}")):
        ev.signing_date = _date_field(hit.text, hit.lines)
    if hit := find_value(lines, re.compile(labels["signing_place"])):
        ev.signing_place = field_of(squash(hit.text), hit)
    ev.seals_per_page = [sum(1 for s in seals if s.page == p.page) for p in pages]
    return ev


FLAT = ("contract_no", "title", "party_a", "party_b", "party_a_tax_id", "party_b_tax_id", "supplier", "amount",
        "amount_cn", "signing_date", "signing_place", "term_start", "term_end")


def flat_contract(ev: ContractEvidence) -> dict[str, str | None]:
    from attest.extract.flat import flat_value

    return {k: flat_value(getattr(ev, k)) for k in FLAT}
