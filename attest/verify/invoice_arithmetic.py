"""Intrinsic invoice arithmetic: sums, amount + tax = total, per-line tax, rate set, 大写 = 小写."""

from __future__ import annotations

import re
from decimal import Decimal

from attest.cn.amount_words import AmountWordsError, parse_amount_words
from attest.data import load
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.evidence import InvoiceEvidence

_RATE = re.compile(r"^(-?\d+(?:\.\d+)?)%$")


def _rate(text: str) -> Decimal | None:
    m = _RATE.match(text.strip())
    return Decimal(m.group(1)) / 100 if m else None


def check_rates(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    rates = load("vat_rates")
    allowed = {Decimal(p) for p in rates["percent"]}
    out = []
    for i, item in enumerate(ev.items):
        if item.tax_rate is None:
            continue
        text = item.tax_rate.value
        r = _rate(text)
        if text in rates["no_tax_words"] or (r is not None and r * 100 in allowed):
            continue
        out.append(result("invoice.tax_rate", "raised", f"第{i + 1}行税率{text}不在法定税率中",
                          f"line {i + 1} rate {text} is not a statutory VAT rate", doc=doc,
                          fields=[f"items.{i}.tax_rate"], rate=text))
    return out or [result("invoice.tax_rate", "pass", "税率均为法定税率", "all rates are statutory rates",
                          doc=doc, fields=[])]


def check_line_tax(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    tol = Decimal(load("vat_rates")["line_tax_tolerance"])
    out = []
    for i, item in enumerate(ev.items):
        if item.amount is None or item.tax is None or item.tax_rate is None or item.tax.raw == "***":
            continue
        r = _rate(item.tax_rate.value)
        if r is None:
            continue
        expected = (item.amount.value * r).quantize(Decimal("0.01"))
        if abs(expected - item.tax.value) > tol:
            out.append(result("invoice.arithmetic.line_tax", "raised",
                              f"第{i + 1}行税额{item.tax.value}不等于金额×税率{expected}",
                              f"line {i + 1} tax {item.tax.value} is not amount x rate = {expected}", doc=doc,
                              fields=[f"items.{i}.tax", f"items.{i}.amount"], expected=expected,
                              printed=item.tax.value))
        if item.qty and item.unit_price and item.qty.value and abs(
                item.qty.value * item.unit_price.value - item.amount.value) > Decimal("0.01") * max(
                Decimal(1), abs(item.qty.value)):
            out.append(result("invoice.arithmetic.line_amount", "raised",
                              f"第{i + 1}行数量×单价不等于金额", f"line {i + 1} quantity x price is not the amount",
                              doc=doc, fields=[f"items.{i}.amount"], qty=item.qty.value,
                              unit_price=item.unit_price.value, amount=item.amount.value))
    return out or [result("invoice.arithmetic.line_tax", "pass", "各行税额与税率一致",
                          "every line's tax matches its rate", doc=doc, fields=[])]


def check_chosen(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    """Each total whose value is not what OCR read but the reading the invoice's own arithmetic chose, said so."""
    out = []
    for name in ("total_amount_excl_tax", "total_tax", "total_amount_incl_tax"):
        f = getattr(ev, name)
        if f is not None and f.chosen:
            out.append(result("reading.chosen", "raised", f"{name}按发票自身的计算选定读数: {f.chosen}",
                              f"{name}: {f.chosen}", doc=doc, fields=[name], read=f.raw, chosen=f.value))
    return out


def check_sums(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    out: list[CheckResult] = []
    per_item = Decimal(load("vat_rates")["sum_tolerance_per_item"])
    amounts = [it.amount.value for it in ev.items if it.amount is not None]
    if ev.total_amount_excl_tax is not None and amounts and len(amounts) == len(ev.items):
        total = ev.total_amount_excl_tax.value
        if sum(amounts) != total:
            out.append(result("invoice.arithmetic.items_sum", "raised",
                              f"明细金额合计{sum(amounts)}不等于合计金额{total}",
                              f"item amounts sum to {sum(amounts)}, not the printed total {total}", doc=doc,
                              fields=["total_amount_excl_tax"], items_sum=sum(amounts), printed=total))
    incl = ev.total_amount_incl_tax
    if ev.total_amount_excl_tax is None and ev.total_tax is None and incl is not None and amounts \
            and len(amounts) == len(ev.items) and sum(amounts) != incl.value:
        # A roll invoice (卷票) prints one total, tax included: its items add up to it.
        out.append(result("invoice.arithmetic.items_sum", "raised",
                          f"明细金额合计{sum(amounts)}不等于合计金额{incl.value}",
                          f"item amounts sum to {sum(amounts)}, not the printed total {incl.value}", doc=doc,
                          fields=["total_amount_incl_tax"], items_sum=sum(amounts), printed=incl.value))
    taxes = [it.tax.value for it in ev.items if it.tax is not None]
    if ev.total_tax is not None and taxes and len(taxes) == len(ev.items):
        total = ev.total_tax.value
        if abs(sum(taxes) - total) > per_item * max(len(taxes) - 1, 0):
            out.append(result("invoice.arithmetic.tax_sum", "raised", f"明细税额合计{sum(taxes)}不等于合计税额{total}",
                              f"item taxes sum to {sum(taxes)}, not the printed tax total {total}", doc=doc,
                              fields=["total_tax"], items_sum=sum(taxes), printed=total))
    excl, tax = ev.total_amount_excl_tax, ev.total_tax
    if excl is not None and tax is not None and incl is not None and excl.value + tax.value != incl.value:
        out.append(result("invoice.arithmetic.total", "raised",
                          f"金额{excl.value}+税额{tax.value}不等于价税合计{incl.value}",
                          f"amount {excl.value} + tax {tax.value} is not the total {incl.value}", doc=doc,
                          fields=["total_amount_incl_tax"], expected=excl.value + tax.value, printed=incl.value))
    if not out and excl is not None and incl is not None:
        out.append(result("invoice.arithmetic", "pass", "金额、税额与合计一致", "amounts, taxes and totals agree",
                          doc=doc, fields=[]))
    return out


def check_words(ev: InvoiceEvidence, doc: str) -> list[CheckResult]:
    words, figures = ev.total_amount_incl_tax_cn, ev.total_amount_incl_tax
    if words is None or figures is None:
        return []
    try:
        value = parse_amount_words(words.value)
    except AmountWordsError as exc:
        return [result("invoice.amount_words", "raised", f"大写金额不规范: {exc.reason}",
                       f"amount in words is malformed: {exc.reason}", doc=doc,
                       fields=["total_amount_incl_tax_cn"], words=words.value)]
    if value != figures.value:
        return [result("invoice.amount_words", "raised", f"大写金额{value}与小写{figures.value}不符",
                       f"amount in words {value} differs from the figures {figures.value}", doc=doc,
                       fields=["total_amount_incl_tax_cn", "total_amount_incl_tax"], words=value,
                       figures=figures.value)]
    return [result("invoice.amount_words", "pass", "大写与小写金额一致", "amount in words matches the figures",
                   doc=doc, fields=["total_amount_incl_tax_cn"])]
