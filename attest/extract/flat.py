"""The flat labelled view (`attest check --format flat`) that evaluation compares with ground truth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from attest.schemas.evidence import Field, InvoiceEvidence

INVOICE_FIELDS = (
    "invoice_title", "invoice_code", "invoice_number", "issue_date", "check_code", "machine_no",
    "buyer_name", "buyer_tax_id", "buyer_address_phone", "buyer_bank_account", "seller_name",
    "seller_tax_id", "seller_address_phone", "seller_bank_account", "items", "total_amount_excl_tax",
    "total_tax", "total_amount_incl_tax", "total_amount_incl_tax_cn", "remarks", "payee", "reviewer", "drawer",
)
ITEM_FIELDS = ("name", "spec", "unit", "qty", "unit_price", "amount", "tax_rate", "tax")


def flat_value(f: Field[Any] | None) -> str | None:
    """A field as printed: amounts without ¥ or separators, dates YYYY-MM-DD, `***` kept."""
    if f is None:
        return None
    if f.raw == "***":
        return "***"
    if isinstance(f.value, date):
        return f.value.isoformat()
    if isinstance(f.value, Decimal):
        return format(f.value, "f")
    return str(f.value)


def flat_invoice(ev: InvoiceEvidence) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in INVOICE_FIELDS:
        if name == "items":
            out["items"] = [{k: flat_value(getattr(it, k)) for k in ITEM_FIELDS} for it in ev.items]
        else:
            out[name] = flat_value(getattr(ev, name))
    return out
