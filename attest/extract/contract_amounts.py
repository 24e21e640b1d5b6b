"""A contract's total, in figures and in words, as contracts print it.

Real contracts print the total as `本合同总价：87000元（捌万柒仟元整）`, `合同金额：人民币肆拾陆万…（￥463641.12）`,
`总额为：268.5万元（人民币贰佰陆拾捌万伍仟元）`, or the figures in one place and `大写金额：…` pages later. They also
print other sums, each with its own 大写: instalments (`首期款为合同总价的30%，即…`), a monthly fee, a deposit, a
unit price. The total is the sum a total's name (合同总价, 合同总金额, 总计, 暂定总价 …) names directly; a sum after
an instalment's word or after a share of the total (`…的30%，即`) is not it, though the total's name stands
before it. Names and markers are data (`contract_layout.yaml`, `total_words`, `part_words`).

The text is read as the contract's clauses, not its lines: a sum wrapped to the next line (`¥2,229,` / `324.00`)
is one sum.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from attest.cn.amount_words import AmountWordsError, parse_amount_words
from attest.data import pattern
from attest.extract.invoice.common import field_of
from attest.extract.invoice.totals import normalise_words
from attest.layout.geometry import Line
from attest.layout.normalize import squash
from attest.schemas.contract import ContractEvidence

_CENT = Decimal("0.01")
# Between the figures and the words of one sum: brackets, 人民币, 大写, a colon (`人民币（大写）X（¥Y）`).
_SAME_SUM = re.compile(r"^[\s()（）:：,，、;人民币大写小写金额为即元整¥￥Y]*$")


def _re(key: str) -> re.Pattern[str]:
    return pattern("contract_layout", key)


@dataclass
class _Mention:
    start: int
    end: int
    value: Decimal
    raw: str
    words: bool           # printed in words (大写)


@dataclass
class _Sum:
    """One sum as printed: its figures and its words side by side, and what the text before it calls it."""
    mentions: list[_Mention]
    clause: str           # the clause's text before the sum
    rank: int | None      # the rank of the total's name that names it directly; None: not named as the total
    part: bool            # named as a part: an instalment, a fee, a deposit, a unit price, a share

    @property
    def figures(self) -> _Mention | None:
        return next((m for m in self.mentions if not m.words), None)

    @property
    def words(self) -> _Mention | None:
        return next((m for m in self.mentions if m.words), None)


def _text_of(lines: Sequence[Line]) -> tuple[str, list[int]]:
    """The lines as running text, a new clause wherever a clause heading starts a line; and each character's line."""
    text: list[str] = []
    owner: list[int] = []
    for i, ln in enumerate(lines):
        t = squash(ln.text)
        if i and (_re("clause").match(t) or not text or text[-1] in "。;；"):
            text.append("\n")
            owner.append(i)
        text.extend(t)
        owner.extend([i] * len(t))
    return "".join(text), owner


def _figure_value(m: re.Match[str]) -> Decimal | None:
    raw = (m.group("value") or m.group("plain")).replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if m.group("wan"):  # 268.5万元 → 2685000: whole yuan stay whole, as a person would write them
        value *= 10000
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.quantize(_CENT)
    return value


def _words_value(words: str) -> Decimal | None:
    try:
        return parse_amount_words(words, require_whole=False)
    except AmountWordsError:
        return None


def _mentions(text: str) -> list[_Mention]:
    out = []
    for m in _re("amount_figures").finditer(text):
        if (value := _figure_value(m)) is not None:
            out.append(_Mention(m.start(), m.end(), value, m.group(0), False))
    for m in _re("amount_words").finditer(text):
        words = normalise_words(m.group("words"))
        if (value := _words_value(words)) is not None:
            out.append(_Mention(m.start("words"), m.end("words"), value, words, True))
    return sorted(out, key=lambda m: m.start)


def _clause_start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in "\n。;；") + 1


@cache
def _name_ranks() -> dict[str, int]:
    """Each total's name and its rank, most specific first, as `total_words` lists them."""
    return {name: rank for rank, name in enumerate(pattern("contract_layout", "total_words").pattern.split("|"))}


def _named(lead: str) -> tuple[int | None, bool]:
    """(rank of the total's name that names the sum, whether the lead names a part instead)."""
    names = list(_re("total_words").finditer(lead))
    part = bool(_re("part_words").search(lead))
    if not names:
        return None, part
    last = names[-1]
    after = lead[last.end():]
    if _re("share_of").search(after):  # `合同总价的30%，即…`: a share of the total, not the total
        return None, True
    ranks = _name_ranks()
    return ranks.get(last.group(0), len(ranks)), part


def _sums(text: str) -> list[_Sum]:
    sums: list[_Sum] = []
    previous_end = 0
    for m in _mentions(text):
        if sums and _SAME_SUM.match(text[sums[-1].mentions[-1].end: m.start]):
            sums[-1].mentions.append(m)
            previous_end = m.end
            continue
        start = max(_clause_start(text, m.start), previous_end)
        lead = text[start: m.start]
        rank, part = _named(lead)
        sums.append(_Sum([m], lead, rank, part and rank is None))
        previous_end = m.end
    return sums


def _agrees(s: _Sum) -> bool:
    return s.figures is not None and s.words is not None and s.figures.value == s.words.value


def _chosen(sums: list[_Sum]) -> _Sum | None:
    """The sum named as the total (the most specific name; figures and words that agree first); else the first
    sum printed with a currency sign that no part's word names."""
    named = [s for s in sums if s.rank is not None and not s.part]
    if named:
        return min(named, key=lambda s: (s.rank, not _agrees(s), s.figures is None))
    plain = [s for s in sums if not s.part and s.figures is not None and re.search(r"[¥￥Y]", s.figures.raw)]
    return plain[0] if plain else None


def read_amounts(lines: Sequence[Line], ev: ContractEvidence) -> None:
    """The total in figures and in words: the sum named as the total, else a sum no part's word names."""
    text, owner = _text_of(lines)
    sums = _sums(text)
    chosen = _chosen(sums)
    if chosen is None:
        return
    figures, words = chosen.figures, chosen.words

    def used(m: _Mention) -> list[Line]:
        return [lines[i] for i in sorted(set(owner[m.start: m.end]))]

    if figures is not None:
        ev.amount = field_of(figures.value, lines=used(figures), raw=figures.raw)
    elif words is not None:  # the total printed in words only
        ev.amount = field_of(words.value, lines=used(words), raw=words.raw)
    if words is not None:
        ev.amount_cn = field_of(words.raw, lines=used(words), raw=words.raw)
        return
    # The words printed elsewhere (`大写金额：…` pages later): a run that agrees with the figures, else one under a
    # 大写 label or a total's name that no part's word names (so that words that disagree are still seen).
    if ev.amount is None:
        return
    others = [s for s in sums if s is not chosen and not s.part and s.words is not None]
    agreeing = [s for s in others if s.words and s.words.value == ev.amount.value]
    labelled = [s for s in others if s.figures is None and (s.rank is not None or _re("words_label").search(s.clause))]
    for s in (agreeing or labelled)[:1]:
        w = s.words
        assert w is not None
        ev.amount_cn = field_of(w.raw, lines=used(w), raw=w.raw)
