"""The grounding validator: a model's value survives only if the lines it cites print it.

Comparison is after normalisation (width, spaces, punctuation) and by the value's type: amounts as decimals
against every amount printed in the cited lines, dates against every date printed there, codes by their
characters, text as a substring. Nothing is inferred: a sum, a converted date format the lines do not print,
or a value from uncited lines is dropped with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from attest.extract.llm.schemas import Cited
from attest.layout.normalize import find_money, parse_decimal, squash
from attest.schemas.evidence import Field
from attest.schemas.llm import DroppedValue
from attest.schemas.ocr import OcrLine

DATE_FIELDS = frozenset({"issue_date", "signing_date", "term_start", "term_end", "established_date"})
MONEY_FIELDS = frozenset({"total_amount_excl_tax", "total_tax", "total_amount_incl_tax", "amount"})
CODE_FIELDS = frozenset({"invoice_code", "invoice_number", "buyer_tax_id", "seller_tax_id", "party_a_tax_id",
                         "party_b_tax_id", "unified_social_credit_code", "contract_no"})
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CODE_CHARS = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Grounded:
    fields: dict[str, Field[Any]]
    dropped: list[DroppedValue]


def _dates_in(text: str) -> set[date]:
    out = set()
    for y, m, d in _DATE.findall(text):
        try:
            out.add(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out


def _typed(name: str, value: str, cited: str) -> tuple[Any, str | None]:
    """(typed value, None) when `cited` prints `value`; (None, reason) otherwise."""
    if name in DATE_FIELDS:
        iso = _ISO.match(value.strip()) or _DATE.search(value)
        try:
            wanted = date(int(iso[1]), int(iso[2]), int(iso[3])) if iso else None
        except ValueError:
            wanted = None
        if wanted is None:
            return None, "not a date"
        return (wanted, None) if wanted in _dates_in(cited) else (None, "the cited lines print no such date")
    if name in MONEY_FIELDS:
        amount = parse_decimal(squash(value).replace("¥", "").replace("￥", ""))
        if amount is None:
            return None, "not an amount"
        printed = {parse_decimal(m) for m in find_money(cited)}
        return (amount, None) if amount in printed else (None, "the cited lines print no such amount")
    if name in CODE_FIELDS:
        code = _CODE_CHARS.sub("", squash(value).upper())
        if not code:
            return None, "empty"
        return (code, None) if code in _CODE_CHARS.sub("", squash(cited).upper()) else (
            None, "the cited lines do not print these characters")
    text = squash(value)
    if not text:
        return None, "empty"
    return (value.strip(), None) if text in squash(cited) else (None, "the cited lines do not print this text")


def ground(reading: BaseModel, lines: dict[str, OcrLine], *, prompt: str, confidence: float,
           source: Literal["llm", "vision"] = "llm") -> Grounded:
    """Typed fields for every cited value its lines print; every other value in `dropped` with the reason."""
    fields: dict[str, Field[Any]] = {}
    dropped: list[DroppedValue] = []
    for name in type(reading).model_fields:
        cited = getattr(reading, name)
        if not isinstance(cited, Cited) or not cited.value.strip():
            continue
        known = [lines[i] for i in cited.lines if i in lines]
        if not cited.lines or len(known) != len(cited.lines):
            dropped.append(DroppedValue(field=name, value=cited.value, lines=cited.lines,
                                        reason="cites no line" if not cited.lines else
                                        "cites a line that cannot back a value (absent, or addressed to a model)"))
            continue
        # Lines are joined without a separator: a long name wraps onto the next line.
        value, reason = _typed(name, cited.value, "".join(ln.text for ln in known))
        if reason is not None:
            dropped.append(DroppedValue(field=name, value=cited.value, lines=cited.lines, reason=reason))
            continue
        mean = sum(ln.confidence for ln in known) / len(known)
        page = int(known[0].id.split("-")[0].removeprefix("p") or 1)
        fields[name] = Field[Any](value=value, confidence=round(min(1.0, confidence * mean), 4),
                                  source=source,
                                  lines=[ln.id for ln in known], raw=cited.value, page=page, prompt=prompt)
    return Grounded(fields=fields, dropped=dropped)
