"""A contract's total, in figures and in words, as contracts print it.

Real contracts print the total as `本合同总价：87000元（捌万柒仟元整）`, `合同金额：人民币肆拾陆万…（￥463641.12）`,
`总额为：268.5万元（人民币贰佰陆拾捌万伍仟元）`, or the figures in one place and `大写金额：…` pages later. The total is
the amount a total word (总价, 总额, 合同金额 …) names; instalments and unit prices are not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from attest.cn.amount_words import AmountWordsError, parse_amount_words
from attest.data import pattern
from attest.extract.invoice.common import field_of
from attest.extract.invoice.totals import normalise_words
from attest.layout.geometry import Line
from attest.layout.normalize import squash
from attest.schemas.contract import ContractEvidence

_CENT = Decimal("0.01")


def _re(key: str) -> re.Pattern[str]:
    return pattern("contract_layout", key)


def _figures(text: str) -> list[tuple[Decimal, str]]:
    out = []
    for m in _re("amount_figures").finditer(text):
        raw = (m.group("value") or m.group("plain")).replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            continue
        if m.group("wan"):  # 268.5万元 → 2685000: whole yuan stay whole, as a person would write them
            value *= 10000
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.quantize(_CENT)
        out.append((value, m.group(0)))
    return out


def _words(text: str) -> list[str]:
    return [normalise_words(m.group("words")) for m in _re("amount_words").finditer(text)]


def _value_of(words: str) -> Decimal | None:
    try:
        return parse_amount_words(words, require_whole=False)
    except AmountWordsError:
        return None


def read_amounts(lines: Sequence[Line], ev: ContractEvidence) -> None:
    """The total in figures and in words; the words are the run printed with the total, else one that agrees."""
    texts = [squash(ln.text) for ln in lines]
    chosen: tuple[Decimal, str, int] | None = None
    for i, text in enumerate(texts):
        found = _figures(text)
        if not found:
            continue
        named = _re("total_words").search(text) or (i and _re("total_words").search(texts[i - 1][-4:]))
        if named:
            chosen = (*found[0], i)
            break
        if chosen is None and text.count("¥") + text.count("￥") + text.count("Y"):
            chosen = (*found[0], i)
    if chosen is not None:
        value, raw, i = chosen
        ev.amount = field_of(value, lines=[lines[i]], raw=raw)
        same = [w for w in _words(texts[i]) if _value_of(w) == value]
        if same:
            ev.amount_cn = field_of(same[0], lines=[lines[i]], raw=same[0])
            return
    labelled = [(ln, w) for ln, text in zip(lines, texts, strict=True) if _re("words_label").search(text)
                for w in _words(text)]
    anywhere = [(ln, w) for ln, text in zip(lines, texts, strict=True) for w in _words(text)]
    agreeing = [(ln, w) for ln, w in [*labelled, *anywhere] if ev.amount and _value_of(w) == ev.amount.value]
    pick = (agreeing or labelled or [])[:1]
    for ln, w in pick:
        ev.amount_cn = field_of(w, lines=[ln], raw=w)
