"""Business licence extractor (营业执照): rules over layout, the authority read from the registry seal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from attest.data import pattern
from attest.extract.invoice.common import field_of
from attest.extract.invoice.header import parse_date
from attest.extract.seal import Seal
from attest.layout.geometry import Line, page_skew
from attest.layout.normalize import squash
from attest.layout.pairing import find_value
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


def _issue_date(lines: Sequence[Line], page_height: float) -> Field[str] | None:
    """The registration date stands alone at the bottom, under 登记机关."""
    dates = [ln for ln in lines if _DATE.match(squash(ln.text)) and ln.box.cy > page_height * 0.6]
    if not dates:
        return None
    ln = max(dates, key=lambda ln: ln.box.cy)
    return field_of(squash(ln.text), lines=[ln])


def extract_licence(page: OcrPage, seals: Sequence[Seal] = (), qr_text: str | None = None) -> LicenceEvidence:
    """Every licence field with provenance; the authority comes from the seal's ring text when readable."""
    skew = page_skew(page.lines)
    skew = skew if abs(skew) > 0.5 else 0.0
    lines = [Line.of(ln, skew, (page.width / 2, page.height / 2)) for ln in page.lines if ln.text.strip()]
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
    authority = pattern("licence_layout", "authority")
    for seal in seals:
        if authority.search(seal.text):
            m = re.search(r"[\u4e00-\u9fff]*?(?:" + authority.pattern + ")", seal.text)
            value = m.group(0) if m else seal.text
            ev.registration_authority = Field[str](value=value, confidence=seal.text_confidence, source="rule",
                                                   bbox=seal.bbox, raw=seal.text, page=seal.page)
            break
    if qr_text:
        ev.qr_payload = Field[str](value=qr_text, confidence=1.0, source="qr", raw=qr_text, page=page.page)
    return ev


def flat_licence(ev: LicenceEvidence) -> dict[str, str | None]:
    from attest.extract.flat import flat_value

    return {name: flat_value(getattr(ev, name)) for name in LicenceEvidence.model_fields if name != "qr_payload"}
