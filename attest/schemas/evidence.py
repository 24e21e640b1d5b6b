"""Typed evidence: every value is a `Field` that says where it came from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel
from pydantic import Field as PydField

T = TypeVar("T")
Source = Literal["rule", "llm", "vision", "qr", "exif", "merged"]


class Field(BaseModel, Generic[T]):
    """A value with provenance: a value without provenance is not evidence."""

    value: T
    confidence: float = PydField(ge=0.0, le=1.0)
    source: Source = "rule"
    lines: list[str] = PydField(default_factory=list, description="Ids of the OCR lines it was read from.")
    bbox: tuple[float, float, float, float] | None = None
    raw: str | None = PydField(None, description="The text as printed, before normalisation.")
    page: int = 1
    prompt: str | None = PydField(
        None, description="For a model's value: `name@version#sha256` of the prompt as rendered and sent.")
    disputed: str | None = PydField(
        None, description="The other extractor's different reading of this field, when rules and model disagree.")
    chosen: str | None = PydField(
        None, description="Set when the value is not what OCR read but the one alternative reading the document's "
                          "own checks agree with: what was read, what was chosen and why (`reading.chosen`).")


class InvoiceItem(BaseModel):
    """One line of the goods/services table; a discount line has a negative amount and tax."""

    name: Field[str] | None = None
    spec: Field[str] | None = None
    unit: Field[str] | None = None
    qty: Field[Decimal] | None = None
    unit_price: Field[Decimal] | None = None
    amount: Field[Decimal] | None = None
    tax_rate: Field[str] | None = None
    tax: Field[Decimal] | None = PydField(None, description="`***` (tax-exempt) is kept in raw, value 0.")


InvoiceKind = Literal["special", "ordinary", "electronic_ordinary", "electronic_special", "digital", "unknown"]


class InvoiceEvidence(BaseModel):
    """Everything read from one VAT invoice face."""

    invoice_kind: InvoiceKind = "unknown"
    invoice_title: Field[str] | None = None
    invoice_code: Field[str] | None = None
    invoice_number: Field[str] | None = None
    issue_date: Field[date] | None = None
    check_code: Field[str] | None = None
    machine_no: Field[str] | None = None
    buyer_name: Field[str] | None = None
    buyer_tax_id: Field[str] | None = None
    buyer_address_phone: Field[str] | None = None
    buyer_bank_account: Field[str] | None = None
    seller_name: Field[str] | None = None
    seller_tax_id: Field[str] | None = None
    seller_address_phone: Field[str] | None = None
    seller_bank_account: Field[str] | None = None
    items: list[InvoiceItem] = PydField(default_factory=list)
    total_amount_excl_tax: Field[Decimal] | None = None
    total_tax: Field[Decimal] | None = None
    total_amount_incl_tax: Field[Decimal] | None = None
    total_amount_incl_tax_cn: Field[str] | None = None
    remarks: Field[str] | None = None
    payee: Field[str] | None = None
    reviewer: Field[str] | None = None
    drawer: Field[str] | None = None
    qr_payload: Field[str] | None = PydField(None, description="The decoded QR text, if a QR code was read.")
