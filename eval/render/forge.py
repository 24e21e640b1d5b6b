"""Forgeries of a genuine truth, each with the field a correct check must name."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from eval.render.truth import InvoiceTruth

# forgery → (check code expected to fail, field it must name)
EXPECTED = {
    "stale_words": ("invoice.amount_words", "total_amount_incl_tax_cn"),
    "broken_sum": ("invoice.arithmetic.items_sum", "total_amount_excl_tax"),
    "invalid_uscc": ("uscc.checksum", "seller_tax_id"),
    "qr_mismatch": ("invoice.qr_match", "total_amount_excl_tax"),
    "future_date": ("invoice.date", "issue_date"),
    "pasted_amount": ("document.glyph_size", "items.0.amount"),
}
# A size difference is a signal, not proof (a reviewer looks): that forgery is caught by a warning.
SEVERITY = {"pasted_amount": ("warn", "fail")}
# Forgeries drawn on a 数电 or 税控 face: the roll invoice's renderer prints no QR code and pastes no figure.
STANDARD_FACE = {"qr_mismatch", "pasted_amount"}
# A roll invoice prints one total (tax included): items that do not add up are reported on it.
ALSO = {"broken_sum": ("total_amount_incl_tax",)}


def caught(kind: str, checks: list[Any]) -> bool:
    """Did a check meant for this forgery flag it, naming the right field?"""
    code, field = EXPECTED[kind]
    allowed = SEVERITY.get(kind, ("fail",))
    fields = (field, *ALSO.get(kind, ()))
    return any(c.code == code and c.severity in allowed and any(r.field in fields for r in c.refs) for c in checks)


def forge(t: InvoiceTruth, kind: str, rng: random.Random) -> InvoiceTruth:
    """A copy of `t` altered the way a forger would."""
    from copy import deepcopy

    f = deepcopy(t)
    if kind == "stale_words":
        # The figures were raised; the words still say the old amount.
        f.words_override = t.words
        f.items[0].amount += Decimal(rng.choice([100, 1000, 5000]))
        f.items[0].tax = (f.items[0].amount * Decimal(f.items[0].tax_rate.rstrip("%")) / 100).quantize(Decimal("0.01"))
        f.items[0].unit_price = None
        f.items[0].qty = None
    elif kind == "broken_sum":
        f.items[0].amount += Decimal(rng.choice([10, 200, 3000]))
        f.items[0].unit_price = None
        f.items[0].qty = None
        f.qr_amount_override = t.total_incl if t.style == "digital" else t.total_excl
        f.totals_override = (t.total_excl, t.total_tax)
    elif kind == "invalid_uscc":
        last = f.seller[1][-1]
        f.seller = (f.seller[0], f.seller[1][:-1] + ("0" if last != "0" else "1"))
    elif kind == "qr_mismatch":
        f.qr_amount_override = (t.total_incl if t.style == "digital" else t.total_excl) + Decimal(rng.choice([1, 50]))
    elif kind == "pasted_amount":
        # The right figure, printed again over the original in another font and size.
        f.items[0].unit_price = None
        f.items[0].qty = None
        f.pasted = "amount"
    elif kind == "future_date":
        f.issue_date = t.issue_date + timedelta(days=800)
    return f
