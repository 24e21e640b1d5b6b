"""An ingested document and the result of processing it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from attest.schemas.checks import CheckResult
from attest.schemas.contract import ContractEvidence
from attest.schemas.einvoice import EInvoiceFile
from attest.schemas.evidence import InvoiceEvidence
from attest.schemas.fingerprint import Fingerprint
from attest.schemas.licence import LicenceEvidence
from attest.schemas.llm import LlmReport
from attest.schemas.ocr import OcrPage
from attest.schemas.shop import ShopPhotoEvidence
from attest.schemas.signals import ImageSignals
from attest.schemas.statement import StatementEvidence
from attest.schemas.table import TableFile

DocumentKind = Literal["invoice", "contract", "business_license", "shop_photo", "statement", "other"]
# The kinds a document can be read as (each a row of `attest/data/kinds.yaml`, which must cover them); `other`
# is what nothing fits.
EVIDENCE_KINDS: tuple[DocumentKind, ...] = tuple(k for k in get_args(DocumentKind) if k != "other")


class PageImage(BaseModel):
    """One page as an RGB image, with the PDF text layer as OCR-shaped lines when it had one."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: int
    image: Any = Field(description="PIL.Image.Image in RGB.")
    text_layer: OcrPage | None = None
    small: bool = Field(False, description="Drawn small (a long PDF read from its text): the picture serves "
                                           "thumbnails and forensics, not measurements of ink.")


class PdfInfo(BaseModel):
    """What a PDF says of how it was made: its revisions (each incremental update after the first writing adds
    one) and the programs its information dictionary names."""

    revisions: int = 1
    producer: str | None = None
    creator: str | None = None


class Document(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    sha256: str
    filename: str
    media_type: str
    size: int
    pages: list[PageImage]
    exif: dict[str, str] = Field(default_factory=dict)
    einvoice: EInvoiceFile | None = Field(None, description="An e-invoice file's own data and signatures (OFD).")
    table: TableFile | None = Field(None, description="A tabular upload's cells (a statement as CSV, XLS or XLSX); "
                                                      "such a document has no pages.")
    pdf: PdfInfo | None = None


class StageError(BaseModel):
    """A stage that failed on this document; the run goes on and the result is marked partial."""

    stage: str
    code: str
    message: str


class SealInfo(BaseModel):
    """A red seal found on a page, with its ring text as read."""

    page: int
    bbox: tuple[float, float, float, float]
    text: str
    confidence: float


class Classification(BaseModel):
    kind: DocumentKind
    confidence: float
    reasons: list[str] = Field(default_factory=list)
    image: dict[str, float] | None = Field(None, description="Picture statistics the decision used.")


class DocumentResult(BaseModel):
    """What `process_document` returns: everything read and checked, with timings and any stage errors."""

    document_id: str
    filename: str
    media_type: str
    pages: int
    pages_read: list[int] = Field(default_factory=list, description=(
        "Pages (1-based) that were read; a long scan is read on its first and last pages only."))
    status: Literal["ok", "partial"] = "ok"
    classification: Classification
    ocr: list[OcrPage]
    invoice: InvoiceEvidence | None = None
    licence: LicenceEvidence | None = None
    contract: ContractEvidence | None = None
    shop: ShopPhotoEvidence | None = None
    statement: StatementEvidence | None = None
    seals: list[SealInfo] = Field(default_factory=list)
    signals: ImageSignals | None = None
    fingerprint: Fingerprint | None = Field(None, description="What the known-pattern store keeps of it.")
    einvoice: EInvoiceFile | None = Field(None, description="An e-invoice file's own invoice data and its "
                                                            "signatures, as checked offline (OFD files).")
    llm: LlmReport | None = Field(None, description="Model calls, dropped values and disagreements, when a model "
                                                   "was asked.")
    checks: list[CheckResult] = Field(default_factory=list)
    errors: list[StageError] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")
    read_at: datetime | None = Field(None, description="When the reading finished (UTC): the moment the audit "
                                                       "trail's event for this document carries.")
    parts: list[DocumentResult] = Field(default_factory=list, description=(
        "A file holding several invoices: one result per invoice (its sales-list pages with it), each its own "
        "document `<id>:<n>`; the file's own result then carries no evidence of its own."))
    page_span: list[int] = Field(default_factory=list, description="For a part: the file's pages (1-based) it "
                                                                   "was read from.")

    def units(self) -> list[DocumentResult]:
        """The documents this result stands for as evidence: its parts when it was split, else itself."""
        return list(self.parts) or [self]


def units_of(documents: Sequence[DocumentResult]) -> list[DocumentResult]:
    """The documents as evidence: a file of several invoices stands for each of them."""
    return [unit for d in documents for unit in d.units()]
