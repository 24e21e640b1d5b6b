"""The invoice's own arithmetic chooses between readings of a total OCR was unsure of, and says so; a figure read
clearly stands as printed (a forger's figure is reported, never mended)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from attest.extract.invoice.reconcile import reconcile_totals
from attest.schemas.evidence import Field, InvoiceEvidence, InvoiceItem
from attest.verify import check_invoice


def _money(value: str) -> Field[Decimal]:
    """A figure read clearly."""
    return Field[Decimal](value=Decimal(value), confidence=0.999, raw=value)


def _invoice(excl: Field[Decimal], tax: Field[Decimal], incl: Field[Decimal]) -> InvoiceEvidence:
    items = [InvoiceItem(amount=_money("600.00"), tax=_money("78.00"), tax_rate=Field[str](value="13%", confidence=1)),
             InvoiceItem(amount=_money("400.00"), tax=_money("52.00"), tax_rate=Field[str](value="13%", confidence=1))]
    return InvoiceEvidence(items=items, total_amount_excl_tax=excl, total_tax=tax, total_amount_incl_tax=incl,
                           total_amount_incl_tax_cn=Field[str](value="壹仟壹佰叁拾圆整", confidence=0.99))


def test_an_unsure_slip_is_mended_by_the_arithmetic_and_reported() -> None:
    for tax in (Field[Decimal](value=Decimal("130.007"), confidence=0.93, raw="¥130.007"),  # a digit too many
                Field[Decimal](value=Decimal("180.00"), confidence=0.91, raw="180.00")):   # 3 read as 8
        ev = _invoice(_money("1000.00"), tax, _money("1130.00"))
        reconcile_totals(ev)
        assert ev.total_tax is not None and ev.total_tax.value == Decimal("130.00")
        assert ev.total_tax.chosen and tax.raw in ev.total_tax.chosen and ev.total_tax.raw == tax.raw
        checks = {c.code: c.severity for c in check_invoice(ev, document_id="d", today=date(2026, 1, 1))}
        assert checks["reading.chosen"] == "info" and checks.get("invoice.arithmetic") == "pass"


def test_a_last_decimal_lost_is_restored_when_one_digit_alone_fits() -> None:
    # Seed 101's corpus: a genuine invoice's 合计税额 538.95 read `538.9`, clearly, and failed two checks.
    ev = _invoice(_money("1000.00"), Field[Decimal](value=Decimal("130.0"), confidence=0.99, raw="130.0"),
                  _money("1130.05"))
    ev.items[0].tax = _money("78.05")
    ev.total_amount_incl_tax_cn = Field[str](value="壹仟壹佰叁拾圆零伍分", confidence=0.99)
    reconcile_totals(ev)
    assert ev.total_tax is not None and ev.total_tax.value == Decimal("130.05") and ev.total_tax.chosen


def test_a_clearly_read_figure_stands_though_it_does_not_add_up() -> None:
    # A forger changed 1130.00 to 1730.00: read clearly, it is what the page says, and the checks report it.
    ev = _invoice(_money("1000.00"), _money("130.00"), _money("1730.00"))
    reconcile_totals(ev)
    assert ev.total_amount_incl_tax is not None and ev.total_amount_incl_tax.value == Decimal("1730.00")
    assert ev.total_amount_incl_tax.chosen is None


def test_nothing_is_chosen_when_the_other_statements_disagree_too() -> None:
    # The pre-tax total is off as well: no single total is the odd one out, so no reading is chosen.
    ev = _invoice(_money("1080.00"), Field[Decimal](value=Decimal("180.00"), confidence=0.9, raw="180.00"),
                  _money("1130.00"))
    reconcile_totals(ev)
    assert ev.total_tax is not None and ev.total_tax.value == Decimal("180.00") and ev.total_tax.chosen is None
