"""The applicant, the decision made for it, and the assessment that wraps both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from attest.schemas.checks import CheckResult, Ref

Outcome = Literal["auto_approve", "review", "decline", "evidence_requested"]


class MerchantProfile(BaseModel):
    """Who applies: identity to match evidence against, and the line the bank already extends."""

    id: str
    name: str
    uscc: str
    industry: str | None = None
    city: str | None = None
    city_tier: int | None = Field(None, ge=1, le=3, description="1: Beijing/Shanghai-class … 3: county towns; "
                                                               "selects the industry benchmark.")
    current_limit: Decimal = Field(Decimal(0), description="Current credit line, CNY.")
    declared_monthly_revenue: Decimal | None = None
    application_date: date


class Contribution(BaseModel):
    feature: str
    value: str = Field(description="The feature's value as a decimal string.")
    points: int
    reason_code: str
    evidence: list[Ref] = Field(default_factory=list, description="The documents and fields it rests on.")


class Decision(BaseModel):
    outcome: Outcome
    uplift: Decimal
    new_limit: Decimal
    points: int
    trust_factor: Decimal
    contributions: list[Contribution]
    reason_codes: list[str] = Field(description="Every reason code that shaped the decision, in order.")
    top_reasons: list[str] = Field(default_factory=list,
                                   description="Adverse-action reasons when the uplift is reduced or "
                                               "refused, each \"中文 / English\" (`data/adverse.yaml`).")
    policy_version: str
    retake: list[Ref] = Field(default_factory=list, description=(
        "With `evidence_requested`: the documents to upload again, each with the check that says why."))


class Assessment(BaseModel):
    """What `assess_application` returns: application-level checks and the decision."""

    merchant: MerchantProfile
    document_ids: list[str]
    checks: list[CheckResult] = Field(default_factory=list)
    decision: Decision
