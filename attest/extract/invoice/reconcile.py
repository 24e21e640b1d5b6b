"""Let the invoice's own arithmetic choose between readings of a printed total.

An invoice states its totals several times over: the items' amounts add up to 合计金额, their taxes to 合计税额,
the two to 价税合计, which the words (大写) say again. When OCR slips on one character of one total (`4673.477`,
`8` for `3`), the other statements still agree with each other and name the right reading. Each alternative
is one edit of what was read, from the confusion list (`ocr_confusions.yaml`, `figures`) or one character
dropped; an alternative is kept only when it alone makes every statement about that total agree, and only for
a total OCR was unsure of or read malformed (`4673.477`, `538.9`): a figure read clearly stands as printed, so that a
forger's figure is reported by the arithmetic checks, never mended. The field
then says what was read and why it was changed (`Field.chosen`); the verify stage reports it (`reading.chosen`).
A value is never changed silently, and never when two readings would do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

from attest.cn.amount_words import AmountWordsError, parse_amount_words
from attest.data import load
from attest.schemas.evidence import Field, InvoiceEvidence

_MONEY = re.compile(r"^-?\d+(?:\.\d{1,2})?$")
_PRINTED = re.compile(r"^-?\d+\.\d{2}$")  # an invoice prints every total with its two decimals
_ONE_DECIMAL = re.compile(r"^-?\d+\.\d$")
TOTALS = ("total_amount_excl_tax", "total_tax", "total_amount_incl_tax")


def _bare(raw: str) -> str:
    return raw.replace(",", "").replace("¥", "").replace("￥", "").strip()


def _alternatives(raw: str) -> Iterator[Decimal]:
    """Well-formed amounts one edit away from `raw`: a confused digit swapped, one character dropped, or the last
    decimal that OCR lost (`538.9` of a printed `538.95`)."""
    text = _bare(raw)
    pairs: dict[str, list[str]] = load("ocr_confusions")["figures"]
    edits = {text[:i] + text[i + 1:] for i in range(len(text))}
    if _ONE_DECIMAL.match(text):
        edits |= {text + digit for digit in "0123456789"}
    edits |= {text[:i] + alt + text[i + 1:] for i, ch in enumerate(text) for alt in pairs.get(ch, [])}
    for edit in sorted(edits):
        if _MONEY.match(edit):
            try:
                yield Decimal(edit)
            except InvalidOperation:
                continue


def _statements(ev: InvoiceEvidence) -> dict[str, list[Callable[[dict[str, Decimal]], bool]]]:
    """For each total, the statements the invoice makes about it, each true or false of a set of values."""
    out: dict[str, list[Callable[[dict[str, Decimal]], bool]]] = {name: [] for name in TOTALS}
    amounts = [it.amount.value for it in ev.items if it.amount is not None]
    if amounts and len(amounts) == len(ev.items):
        out["total_amount_excl_tax"].append(lambda v: v["total_amount_excl_tax"] == sum(amounts))
    taxes = [it.tax.value for it in ev.items if it.tax is not None]
    if taxes and len(taxes) == len(ev.items):
        out["total_tax"].append(lambda v: v["total_tax"] == sum(taxes))

    def balanced(v: dict[str, Decimal]) -> bool:
        return v["total_amount_excl_tax"] + v["total_tax"] == v["total_amount_incl_tax"]

    for name in TOTALS:
        out[name].append(balanced)
    if ev.total_amount_incl_tax_cn is not None:
        try:
            words = parse_amount_words(ev.total_amount_incl_tax_cn.value)
            out["total_amount_incl_tax"].append(lambda v: v["total_amount_incl_tax"] == words)
        except AmountWordsError:
            pass
    return out


def _reason(name: str) -> str:
    return {"total_amount_excl_tax": "the items' amounts add up to it and it balances the total",
            "total_tax": "the items' taxes add up to it and it balances the total",
            "total_amount_incl_tax": "the amount plus the tax make it, and the words say it"}[name]


def reconcile_totals(ev: InvoiceEvidence) -> None:
    """Replace a total OCR misread by the one alternative reading that every statement about it agrees with."""
    fields: dict[str, Field[Decimal] | None] = {name: getattr(ev, name) for name in TOTALS}
    if any(f is None for f in fields.values()):
        return
    values = {name: f.value for name, f in fields.items() if f is not None}
    statements = _statements(ev)
    if all(s(values) for ss in statements.values() for s in ss):
        return
    for name, f in fields.items():
        assert f is not None
        # Only a total that breaks every statement about it, while the others hold, is suspect.
        unsure = f.confidence < load("ocr_confusions")["figures_unsure_below"]
        if _PRINTED.match(_bare(f.raw or str(f.value))) and not unsure:
            continue  # read clearly and well formed: what is printed stands, right or wrong (a forger's figure)
        mine = statements[name]
        others = [s for other, ss in statements.items() if other != name for s in ss if s not in mine]
        if any(s(values) for s in mine) or not all(s(values) for s in others) or len(mine) < 2:
            continue
        fitting = {alt for alt in _alternatives(f.raw or str(f.value)) if all(s({**values, name: alt}) for s in mine)}
        if len(fitting) == 1:
            chosen = fitting.pop()
            setattr(ev, name, f.model_copy(update={
                "value": chosen, "confidence": round(min(f.confidence, 0.9), 4),
                "chosen": f"read {f.raw or f.value}; {chosen} chosen: {_reason(name)}"}))
            return
