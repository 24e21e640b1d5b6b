"""Core types shared by every stage and shell."""

from attest.schemas.checks import CheckResult, Ref, Severity
from attest.schemas.document import Classification, Document, DocumentResult, PageImage, StageError
from attest.schemas.evidence import Field, InvoiceEvidence, InvoiceItem
from attest.schemas.ocr import OcrLine, OcrPage

__all__ = [
    "CheckResult", "Classification", "Document", "DocumentResult", "Field", "InvoiceEvidence",
    "InvoiceItem", "OcrLine", "OcrPage", "PageImage", "Ref", "Severity", "StageError",
]
