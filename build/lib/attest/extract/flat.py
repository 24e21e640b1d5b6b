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


def flat_fields(result: Any) -> dict[str, Any]:
    """The flat view of whichever evidence a `DocumentResult` carries (`{}` when nothing was read)."""
    from attest.extract.contract import flat_contract
    from attest.extract.licence import flat_licence
    from attest.extract.shop import flat_shop

    if result.invoice is not None:
        return flat_invoice(result.invoice)
    if result.contract is not None:
        return flat_contract(result.contract)
    if result.licence is not None:
        return flat_licence(result.licence)
    return flat_shop(result.shop) if result.shop is not None else {}
