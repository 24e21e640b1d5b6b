"""Evidence read from a contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from attest.schemas.evidence import Field


class ContractItem(BaseModel):
    """One row of a contract's price table (标的、价款): what is sold, how many, at what price."""

    name: Field[str] | None = None
    brand: Field[str] | None = None
    model: Field[str] | None = None
    unit: Field[str] | None = None
    qty: Field[Decimal] | None = None
    unit_price: Field[Decimal] | None = None
    amount: Field[Decimal] | None = None


class ContractEvidence(BaseModel):
    contract_no: Field[str] | None = None
    title: Field[str] | None = None
    party_a: Field[str] | None = None
    party_b: Field[str] | None = None
    party_a_role: Field[str] | None = None
    party_b_role: Field[str] | None = None
    party_a_tax_id: Field[str] | None = None
    party_b_tax_id: Field[str] | None = None
    supplier: Field[str] | None = None
    amount: Field[Decimal] | None = None
    amount_cn: Field[str] | None = None
    signing_date: Field[date] | None = None
    signing_place: Field[str] | None = None
    term_start: Field[date] | None = None
    term_end: Field[date] | None = None
    items: list[ContractItem] = []
    seals_per_page: list[int] = []
