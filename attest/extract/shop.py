"""Shop photo analysis: the signboard's name (its largest text), phone, address, industry, and EXIF."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from attest.data import load
from attest.extract.invoice.common import field_of
from attest.layout.geometry import Line
from attest.layout.normalize import squash
from attest.schemas.evidence import Field
from attest.schemas.ocr import OcrPage
from attest.schemas.shop import ShopPhotoEvidence

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}-?)?[2-8]\d{6,7}(?!\d)")
_ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,12}(?:路|街|道|巷|弄|大道)\d+(?:弄\d+)?号")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _industries() -> list[tuple[str, list[str]]]:
    return list(load("industries")["industries"].items())


def industry_of(text: str) -> str | None:
    for industry, words in _industries():
        if any(w in text for w in words):
            return industry
    return None


def _shop_name(lines: list[Line]) -> Line | None:
    """The sign's name is its biggest Chinese text that is not a phone number or an address."""
    named = [ln for ln in lines if len(_CJK.findall(ln.text)) >= 2 and not _MOBILE.search(ln.text)
             and not _ADDRESS.search(squash(ln.text)) and ln.confidence >= 0.6]
    return max(named, key=lambda ln: ln.box.h * min(len(ln.text), 8) ** 0.25, default=None)


def _exif_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _exif_field(value: object, key: str) -> Field[str] | None:
    if not value:
        return None
    return Field[str](value=str(value).strip("\x00 "), confidence=1.0, source="exif", raw=f"{key}={value}")


def extract_shop(page: OcrPage, exif: dict[str, str]) -> ShopPhotoEvidence:
    lines = [Line.of(ln) for ln in page.lines if ln.text.strip()]
    ev = ShopPhotoEvidence()
    name = _shop_name(lines)
    if name is not None:
        ev.shop_name = field_of(squash(name.text), lines=[name])
    for ln in sorted(lines, key=lambda ln: -ln.box.h):
        text = squash(ln.text)
        if ev.phone is None and (m := _MOBILE.search(text) or _LANDLINE.search(text)):
            ev.phone = field_of(m.group(0), lines=[ln], raw=ln.text)
        if ev.address is None and (m := _ADDRESS.search(text)):
            ev.address = field_of(m.group(0), lines=[ln], raw=ln.text)
    all_text = "".join(squash(ln.text) for ln in lines)
    # The name decides the industry when it can; the rest of the sign only when the name says nothing.
    industry = industry_of(ev.shop_name.value) if ev.shop_name else None
    source = [name] if industry and name else lines
    industry = industry or industry_of(all_text)
    if industry:
        ev.industry = field_of(industry, lines=source, raw=industry)
    taken = _exif_time(exif.get("DateTimeOriginal") or exif.get("DateTime"))
    if taken:
        ev.taken_at = Field[datetime](value=taken, confidence=1.0, source="exif", raw=str(taken))
    ev.camera_make = _exif_field(exif.get("Make"), "Make")
    ev.camera_model = _exif_field(exif.get("Model"), "Model")
    ev.software = _exif_field(exif.get("Software"), "Software")
    if exif.get("GPSLatitude") and exif.get("GPSLongitude"):
        ev.gps = _exif_field(f"{exif['GPSLatitude']} {exif.get('GPSLatitudeRef', '')}, "
                             f"{exif['GPSLongitude']} {exif.get('GPSLongitudeRef', '')}", "GPS")
    return ev


def name_match(shop_name: str, merchant_name: str) -> int:
    """0–100: how well the sign's name matches the applicant's registered name (signs shorten names)."""
    from rapidfuzz import fuzz

    return int(fuzz.partial_ratio(squash(shop_name), squash(merchant_name)))


def flat_shop(ev: ShopPhotoEvidence) -> dict[str, str | None]:
    from attest.extract.flat import flat_value

    return {k: flat_value(getattr(ev, k)) for k in ("shop_name", "phone", "address", "industry")}
