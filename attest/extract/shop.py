"""Shop photo analysis: the signboard's name (its largest text), phone, address, industry, and EXIF."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from attest.data import load
from attest.data import pattern as data_pattern
from attest.extract.invoice.common import field_of
from attest.layout.geometry import Line
from attest.layout.normalize import fold, squash
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


@cache
def _name_endings() -> tuple[str, ...]:
    return tuple(load("industries")["name_endings"])


def _cjk_part(text: str) -> str:
    """The sign's Chinese name without a Latin brand beside it (`aiqin爱亲` → `爱亲`)."""
    text = squash(text)
    return re.sub(r"^[A-Za-z0-9&'.·-]+|[A-Za-z0-9&'.·-]+$", "", text) if len(_CJK.findall(text)) >= 2 else text


def _owner_prefix(row: list[Line], lines: list[Line]) -> list[Line]:
    """An owner's mark (孙记, 老王) in smaller type just left of the name, or just above its start, is the name's."""
    first = row[0].box
    prefix = data_pattern("industries", "owner_prefix")
    near = [ln for ln in lines if ln not in row and prefix.match(_cjk_part(ln.text)) and ln.box.h >= first.h * 0.3 and (
        (first.y0 - first.h * 0.3 <= ln.box.cy <= first.y1 + first.h * 0.3
         and -first.h * 0.3 <= first.x0 - ln.box.x1 < first.h * 1.2)                       # left of it
        or (ln.box.cy < first.y0 + first.h * 0.3 and first.y0 - ln.box.y1 < first.h * 0.8
            and ln.box.y1 < first.cy and abs(ln.box.x0 - first.x0) < first.h * 1.5))]  # above its start
    return [min(near, key=lambda ln: abs(first.x0 - ln.box.x1) + abs(first.cy - ln.box.cy)), *row] if near else row


def _joined_row(seed: Line, lines: list[Line]) -> list[Line]:
    """Characters of one sign often come as separate boxes (3-D letters, wires across): join the row."""
    row = [seed]
    for _ in range(4):
        last = row[-1]
        nxt = [ln for ln in lines if ln not in row and ln.box.x0 >= last.box.x1 - last.box.h * 0.2
               and ln.box.x0 - last.box.x1 < max(ln.box.h, last.box.h) * 0.8 and ln.box.h >= last.box.h * 0.5
               and last.box.y0 - last.box.h * 0.1 <= ln.box.cy <= last.box.y1 + last.box.h * 0.1
               and _CJK.search(ln.text)]
        if not nxt:
            break
        row.append(min(nxt, key=lambda ln: ln.box.x0))
    return row


def _with_type_line(row: list[Line], lines: list[Line]) -> list[Line]:
    """A brand line whose shop-type line stands just under it (`爱亲` over `母婴生活馆`) makes one name."""
    text = "".join(_cjk_part(ln.text) for ln in row)
    if text.endswith(_name_endings()):
        return row
    first, last = row[0].box, row[-1].box
    width = last.x1 - first.x0
    under = [ln for ln in lines if ln not in row and -0.4 * first.h <= ln.box.y0 - first.y1 < first.h * 0.5
             and ln.box.h >= first.h * 0.35 and first.x0 - width * 0.3 <= ln.box.cx <= last.x1 + width * 0.3
             and squash(ln.text).endswith(_name_endings())]
    return [*row, under[0]] if len(under) == 1 else row


def _sign_lines(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if len(_CJK.findall(ln.text)) >= 1 and not _MOBILE.search(ln.text)
            and not _ADDRESS.search(squash(ln.text)) and ln.confidence >= 0.6]


def _latin_name(lines: list[Line]) -> list[Line]:
    """A sign with no Chinese name (`GOODLUCK`, `Sunny Cafe`): its biggest mostly-Latin text."""
    least = load("industries")["latin_name_min_letters"]
    latin = [ln for ln in lines if len(re.findall(r"[A-Za-z]", ln.text)) >= least and not _CJK.search(ln.text)
             and len(re.findall(r"[A-Za-z]", ln.text)) >= len(squash(ln.text)) * 0.7 and ln.confidence >= 0.6]
    return [max(latin, key=lambda ln: ln.box.h)] if latin else []


def _shop_name(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """The sign's name: its biggest Chinese text, a name-shaped one (…店, …馆) preferred; and the other signs.

    The size of a line counts most (a shop's name is its biggest text), then a name's shape: a fascia with a
    brand's slogan is big too, but does not end like a shop's name."""
    signs = _sign_lines(lines)
    candidates = []
    for seed in signs:
        if len(_CJK.findall(seed.text)) < 2 and not any(_CJK.search(ln.text) for ln in signs if ln is not seed):
            continue
        row = _owner_prefix(_with_type_line(_joined_row(seed, signs), signs), signs)
        text = "".join(_cjk_part(ln.text) for ln in row)
        if len(_CJK.findall(text)) < 2:
            continue
        size = max(ln.box.h for ln in row) * min(len(text), 8) ** 0.25
        candidates.append((size * (1.3 if text.endswith(_name_endings()) else 1.0), row, text))
    if not candidates:
        return _latin_name(lines), []
    candidates.sort(key=lambda c: -c[0])
    best = candidates[0]
    others = []
    for _, row, text in candidates[1:]:
        if not set(row) & set(best[1]) and text not in others and text != best[2]:
            others.append(text)
    return best[1], others[:5]


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
    name, others = _shop_name(lines)
    if name:
        latin = not any(_CJK.search(ln.text) for ln in name)  # a Latin brand keeps its spaces (`Sunny Cafe`)
        text = " ".join(name[0].text.split()) if latin else "".join(_cjk_part(ln.text) for ln in name)
        ev.shop_name = field_of(text, lines=name, raw=" ".join(ln.raw for ln in name))
        ev.other_signs = others
    for ln in sorted(lines, key=lambda ln: -ln.box.h):
        text = squash(ln.text)
        if ev.phone is None and (m := _MOBILE.search(text) or _LANDLINE.search(text)):
            ev.phone = field_of(m.group(0), lines=[ln], raw=ln.text)
        if ev.address is None and (m := _ADDRESS.search(text)):
            ev.address = field_of(m.group(0), lines=[ln], raw=ln.text)
    all_text = "".join(squash(ln.text) for ln in lines)
    # The name decides the industry when it can; the rest of the sign only when the name says nothing.
    industry = industry_of(ev.shop_name.value) if ev.shop_name else None
    source = name if industry and name else lines
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

    return int(fuzz.partial_ratio(fold(shop_name), fold(merchant_name)))
