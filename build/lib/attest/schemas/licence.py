"""Evidence read from a business licence."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from pydantic import Field as PydField

from attest.schemas.evidence import Field


class LicenceEvidence(BaseModel):
    unified_social_credit_code: Field[str] | None = None
    name: Field[str] | None = None
    company_type: Field[str] | None = None
    address: Field[str] | None = None
    legal_representative: Field[str] | None = None
    registered_capital: Field[str] | None = None
    established_date: Field[date] | None = None
    business_term: Field[str] | None = None
    issue_date: Field[date] | None = None
    registration_authority: Field[str] | None = None
    business_scope: Field[str] | None = None
    qr_payload: Field[str] | None = PydField(None, description="The decoded QR text, if a QR code was read.")
