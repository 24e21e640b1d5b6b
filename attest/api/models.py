"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from attest.cn.uscc import check_char, is_valid_uscc
from attest.schemas.checks import CheckResult
from attest.schemas.decision import Decision
from attest.schemas.document import DocumentResult


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

    @field_validator("uscc")
    @classmethod
    def _checksum(cls, code: str) -> str:
        """An onboarding record with an impossible code is refused: GB 32100's check character must hold."""
        if not is_valid_uscc(code):
            raise ValueError(f"the check character of {code} is wrong (GB 32100-2015: it should be "
                             f"{check_char(code[:17])}); check the code as printed on the licence")
        return code


class MerchantOut(MerchantIn):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "mer_3f9a0c1d2e4b5a6c7d8e", "name": "兰溪市悦济舫餐厅", "uscc": "92330781MA2EDMFU50",
        "industry": "catering", "city": "兰溪", "city_tier": 3, "current_limit": "50000.00",
        "declared_monthly_revenue": "120000.00", "created_at": "2026-11-29T03:15:38Z"}]})

    id: str
    created_at: datetime


class ApplicationIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"merchant_id": "mer_0123456789abcdef0123"}]})

    merchant_id: str = Field(max_length=40)


class PartId(NamedTuple):
    """A document's id in the API: an upload's id, or `<upload>~<n>` for the n-th invoice of a file of several."""

    upload: str
    part: int | None = None

    def __str__(self) -> str:
        return self.upload if self.part is None else f"{self.upload}~{self.part}"

    @classmethod
    def parse(cls, text: str) -> PartId | None:
        """The id's parts; None when it cannot name a document (a part that is not a positive number)."""
        upload, sep, part = text.partition("~")
        if not sep:
            return cls(upload)
        return cls(upload, int(part)) if part.isdigit() and int(part) >= 1 else None


class DocumentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "doc_d8c8b6a0ea22baefdb3d", "filename": "invoice.jpg", "size": 248113, "group_id": None,
        "sha256": "00efe8e2e00e76b45b6f5943ca5182bc475042b67267be25169da25b22d3d90e", "status": "done",
        "kind": "invoice", "error": None, "checks": [{"code": "uscc.checksum", "severity": "pass",
                                                       "message": "校验码正确 / the check digit is right",
                                                       "refs": [{"document": "00efe8e2…", "field": "seller_tax_id"}],
                                                       "details": {}}]}]})

    id: str
    filename: str
    sha256: str
    size: int
    group_id: str | None = None
    status: Literal["queued", "processing", "done", "refused", "grouped", "split"] = Field(
        description="`grouped`: a page read as part of its group's first document. `split`: a file of several "
                    "invoices, each listed as a document of its own (`upload_id` names this one).")
    kind: str | None = Field(None, description="What the document was read as, once processed.")
    error: dict[str, str] | None = Field(None, description="Why the document was refused (`code`, `message`).")
    checks: list[CheckResult] = Field(default_factory=list)
    upload_id: str | None = Field(None, description="For one invoice of a file of several: the upload it came "
                                                    "from (its id is `<upload_id>~<n>`).")
    pages: list[int] = Field(default_factory=list, description="For one invoice of a file of several: the file's "
                                                               "pages (1-based) it was read from.")
    invoice_number: str | None = Field(None, description="For one invoice of a file of several: its number.")


class ReviewOut(BaseModel):
    """What a credit reviewer decided over the machine's decision, as the merchant's app may show it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "action": "evidence_requested", "uplift": None, "reason_codes": [],
        "evidence_kinds": ["invoice", "shop_photo"], "message": "请补充近三个月的销售发票和门店照片",
        "at": "2026-11-29T05:40:11Z"}]})

    action: Literal["approved", "adjusted", "declined", "evidence_requested"] = Field(
        description="`evidence_requested`: the application is open to uploads again; submit it when the asked-for "
                    "documents are uploaded and it is decided anew.")
    uplift: Decimal | None = Field(None, description="The uplift granted (approved, adjusted) or 0 (declined).")
    reason_codes: list[str] = Field(default_factory=list, description="Decline reasons (see `attest/data/"
                                                                      "review.yaml`).")
    evidence_kinds: list[str] = Field(default_factory=list, description="Kinds of document asked for.")
    message: str | None = Field(None, description="The reviewer's words to the merchant (evidence requests).")
    at: datetime


class RetakeOut(BaseModel):
    """A document to upload again, and why, in the words the merchant's app shows."""

    document_id: str
    filename: str
    code: str = Field(description="The quality check that says why (`quality.unreadable`, `quality.not_evidence`).")
    message: str = Field(description="Chinese / English sentence: what was wrong and what to do.")
    notes: list[str] = Field(default_factory=list, description="How the picture looked (blurred, cut off, …).")


class ApplicationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "app_9f67e59fc17dbaca55b0", "merchant_id": "mer_3f9a0c1d2e4b5a6c7d8e", "status": "submitted",
        "created_at": "2026-11-29T03:15:38Z", "submitted_at": "2026-11-29T03:16:02Z", "decided_at": None,
        "documents": [{"id": "doc_d8c8b6a0ea22baefdb3d", "filename": "invoice.jpg", "size": 248113,
                       "sha256": "00efe8e2e00e76b45b6f5943ca5182bc475042b67267be25169da25b22d3d90e",
                       "status": "processing", "group_id": None, "kind": None, "error": None, "checks": []}],
        "checks": [], "decision": None}]})

    id: str
    merchant_id: str
    status: Literal["open", "submitted", "decided", "evidence_requested", "failed"] = Field(
        description="`evidence_requested`: a reviewer asked for more documents (see `review`), or documents could "
                    "not be read (see `retake`); uploads are open again. `failed` only when attest itself broke "
                    "while deciding; the documents are kept.")
    created_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    documents: list[DocumentOut] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list, description="Application-level checks, once decided.")
    decision: Decision | None = Field(None, description="The machine's decision.")
    review: ReviewOut | None = Field(None, description="A reviewer's action on this round's decision, if any.")
    retake: list[RetakeOut] = Field(default_factory=list, description=(
        "When the machine's decision is `evidence_requested`: each document that could not be read, and why."))


class DocumentResultOut(BaseModel):
    """The whole processing result of one document (fields with provenance, checks, timings)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "doc_d8c8b6a0ea22baefdb3d", "application_id": "app_9f67e59fc17dbaca55b0", "status": "done",
        "result": {"classification": {"kind": "invoice", "confidence": 0.97},
                   "invoice": {"seller_name": {"value": "滴滴出行科技有限公司", "confidence": 1.0, "source": "rule",
                                               "lines": ["p1-l22"]}}}}]})

    id: str
    application_id: str
    status: str
    result: DocumentResult | None = Field(None, description="What `process_document` returned, once processed.")
