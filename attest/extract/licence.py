"""Business licence extractor (营业执照): rules over layout, the authority read from the registry seal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from attest.data import load, pattern
from attest.extract.invoice.common import field_of
from attest.extract.invoice.header import parse_date
from attest.extract.seal import Seal
from attest.layout.geometry import Line, page_skew, rows
from attest.layout.normalize import squash
from attest.layout.pairing import find_value
from attest.layout.spaced import join_spaced_labels
from attest.schemas.evidence import Field
from attest.schemas.licence import LicenceEvidence
from attest.schemas.ocr import OcrPage

_CODE = re.compile(r"[0-9A-Z]{18}")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def _label(name: str) -> re.Pattern[str]:
    return pattern("licence_layout", "labels", name)


def _stop() -> re.Pattern[str]:
    return pattern("licence_layout", "stop")


def _text(lines: Sequence[Line], name: str, *, wrap: bool = False,
          value: re.Pattern[str] | None = None) -> Field[str] | None:
    hit = find_value(lines, _label(name), stop=_stop(), wrap=wrap, value=value, below=value is not None)
    if hit is None:
        return None
    return field_of(squash(hit.text), hit)


def _under_authority(lines: Sequence[Line]) -> tuple[Line | None, list[Line]]:
    """The 登记机关 label and the lines printed just right of and under it (authority, then the date)."""
    label = next((ln for ln in lines if pattern("licence_layout", "authority_label").fullmatch(squash(ln.text))),
                 None)
    if label is None:
        return None, []
    h = label.box.h
    near = [ln for ln in lines if ln is not label and ln.box.y1 > label.box.y0 and ln.box.y0 - label.box.y1 < 4 * h
            and ln.box.x0 > label.box.x0 - 2 * h and len(squash(ln.text)) <= 16]
    return label, near


_DATE_PARTS = re.compile(r"((?:19|20)\d{2})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})(?!\d)")


def _issue_date(lines: Sequence[Line], page_height: float) -> Field[str] | None:
    """The registration date under 登记机关; the seal over it often splits it into pieces (`2019年` `7月` `25`)."""
    _, near = _under_authority(lines)
    pieces = [ln for row in rows(near) for ln in row if re.search(r"\d", ln.text)]
    text = "".join(squash(ln.text) for ln in pieces)
    if (m := _DATE_PARTS.search(text)) and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return field_of(f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", lines=pieces, raw=text)
    dates = [ln for ln in lines if _DATE.match(squash(ln.text)) and ln.box.cy > page_height * 0.6]
    if not dates:
        return None
    ln = max(dates, key=lambda ln: ln.box.cy)
    return field_of(squash(ln.text), lines=[ln])


def _printed_authority(lines: Sequence[Line]) -> Field[str] | None:
    """Electronic licences print the authority beside its label, often on two lines (`上海市金山` `区市场…`)."""
    label, near = _under_authority(lines)
    if label is None:
        return None
    text_lines = [ln for ln in near if not re.search(r"\d", ln.text) and ln.box.x0 >= label.box.x1 - label.box.h]
    picked = [ln for ln in sorted(text_lines, key=lambda ln: ln.box.cy) if ln.box.y0 - label.box.y1 < label.box.h]
    text = "".join(squash(ln.text) for ln in picked)
    if m := pattern("licence_layout", "authority_name").search(text):
        return field_of(m.group(0), lines=picked, raw=text)
    return None


def _canonical_ending(text: str) -> str:
    """A ring whose last words are a character or two off a registry's title (`…监督营理局`, `…监普管理易`) gets
    the title: one slip per `ending_chars_per_slip` characters of it.

    Ring text bends and is often inked unevenly; the bureau titles are few and fixed (no two within a few
    characters of each other), the place before them is not touched."""
    spec = load("licence_layout")
    ending: str
    for ending in spec["authority_endings"]:
        tail = text[-len(ending):]
        slips = sum(a != b for a, b in zip(tail, ending, strict=False))
        if len(tail) == len(ending) and 1 <= slips <= len(ending) // spec["ending_chars_per_slip"]:
            return str(text[: -len(ending)] + ending)
    return text


def _seal_authority(seals: Sequence[Seal], address: Field[str] | None) -> Field[str] | None:
    """The authority's name from its seal's ring (older 副本 print it nowhere else)."""
    for seal in seals:
        m = pattern("licence_layout", "authority_name").search(_canonical_ending(seal.text))
        if m:
            return Field[str](value=m.group(0), confidence=seal.text_confidence, source="rule", bbox=seal.bbox,
                              raw=seal.text, page=seal.page)
    return None


def extract_licence(page: OcrPage, seals: Sequence[Seal] = (), qr_text: str | None = None) -> LicenceEvidence:
    """Every licence field with provenance; the authority comes from the seal's ring text when readable."""
    skew = page_skew(ln for ln in page.lines if not ln.overlay)
    skew = skew if abs(skew) > 0.5 else 0.0
    centre = (page.width / 2, page.height / 2)
    lines = [Line.of(ln, skew, centre) for ln in page.lines if ln.text.strip() and not ln.overlay]
    spec = load("licence_layout")
    lines = join_spaced_labels(lines, spec["spaced_labels"], pattern("licence_layout", "column_labels"))
    ev = LicenceEvidence()
    # The code stands under its label on current licences, beside it on older ones.
    code = _text(lines, "unified_social_credit_code", value=_CODE)
    if code is not None and (m := _CODE.search(code.value)):
        ev.unified_social_credit_code = code.model_copy(update={"value": m.group(0)})
    for name in ("name", "company_type", "legal_representative", "registered_capital", "business_term"):
        setattr(ev, name, _text(lines, name, wrap=name == "business_term"))
    ev.address = _text(lines, "address", wrap=True)
    ev.business_scope = _text(lines, "business_scope", wrap=True)
    for name, found in (("established_date", _text(lines, "established_date")),
                        ("issue_date", _issue_date(lines, float(page.height or 1)))):
        day = parse_date(found.value) if found is not None else None
        if found is not None and day is not None:
            setattr(ev, name, Field[date](**{**found.model_dump(), "value": day}))
    ev.registration_authority = _printed_authority(lines) or _seal_authority(seals, ev.address)
    if qr_text:
        ev.qr_payload = Field[str](value=qr_text, confidence=1.0, source="qr", raw=qr_text, page=page.page)
    return ev
