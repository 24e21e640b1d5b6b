"""Instructions aimed at a model, hidden in a document's text: a check on every page's OCR text."""

from __future__ import annotations

from attest.extract.screen import addresses_a_model
from attest.findings import result
from attest.schemas.checks import CheckResult
from attest.schemas.ocr import OcrPage


def check_injected_instructions(pages: list[OcrPage], *, document_id: str) -> list[CheckResult]:
    """A `fail` naming the lines that address a model; nothing when the text is clean."""
    hits = [(ln.id, ln.text) for page in pages for ln in page.lines
            if addresses_a_model(ln.text)]
    if not hits:
        return []
    return [result("document.injected_instructions", "raised",
                   "文档中含有针对模型的指令", "the document carries instructions aimed at a model",
                   doc=document_id, fields=[f"ocr.{line_id}" for line_id, _ in hits],
                   text=" | ".join(text for _, text in hits)[:300])]
