"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from attest.schemas.checks import CheckResult
from attest.schemas.decision import Decision


class MerchantIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "兰溪市悦济舫餐厅", "uscc": "92330781MA2EDMFU50", "industry": "catering", "city": "兰溪",
        "city_tier": 3, "current_limit": "50000", "declared_monthly_revenue": "120000"}]})

    name: str = Field(min_length=2, max_length=200)
    uscc: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="统一社会信用代码, 18 characters.")
    industry: str | None = Field(None, max_length=40)
    city: str | None = Field(None, max_length=60)
    city_tier: int | None = Field(None, ge=1, le=3)
    current_limit: Decimal = Field(Decimal(0), ge=0, le=Decimal("1e12"), description="Current credit line, CNY.")
    declared_monthly_revenue: Decimal | None = Field(None, ge=0, le=Decimal("1e12"))


class MerchantOut(MerchantIn):
    id: str
    created_at: datetime


class ApplicationIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"merchant_id": "mer_0123456789abcdef0123"}]})

    merchant_id: str = Field(max_length=40)


class DocumentOut(BaseModel):
    id: str
    filename: str
    sha256: str
    size: int
    group_id: str | None = None
    status: Literal["queued", "processing", "done", "refused"]
    kind: str | None = Field(None, description="What the document was read as, once processed.")
    error: dict[str, str] | None = Field(None, description="Why the document was refused (`code`, `message`).")
    checks: list[CheckResult] = Field(default_factory=list)


class ApplicationOut(BaseModel):
    id: str
    merchant_id: str
    status: Literal["open", "submitted", "decided", "failed"] = Field(
        description="`failed` only when attest itself broke while deciding; the documents are kept.")
    created_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    documents: list[DocumentOut] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list, description="Application-level checks, once decided.")
    decision: Decision | None = None


class DocumentResultOut(BaseModel):
    """The whole processing result of one document (fields with provenance, checks, timings)."""

    id: str
    application_id: str
    status: str
    result: dict[str, Any] | None = None
