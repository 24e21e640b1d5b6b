"""Document classifier, first version: invoice vs other, with the words that decided it."""

from __future__ import annotations

from attest.data import load
from attest.layout.normalize import squash
from attest.schemas.document import Classification
from attest.schemas.ocr import OcrPage


def classify(pages: list[OcrPage]) -> Classification:
    """Score the invoice vocabulary printed on the pages; below the threshold the document is `other`."""
    spec = load("classify")["invoice"]
    text = "".join(squash(ln.text) for page in pages for ln in page.lines)
    found = [w for w in spec["words"] if w in text]
    score = min(1.0, sum(spec["words"][w] for w in found) / spec["saturation"])
    if not text:
        return Classification(kind="other", confidence=1.0, reasons=["no text was read"])
    if score >= spec["threshold"]:
        return Classification(kind="invoice", confidence=round(score, 3), reasons=[f"found: {', '.join(found)}"])
    reason = f"too few invoice words ({', '.join(found) or 'none'})"
    return Classification(kind="other", confidence=round(1.0 - score, 3), reasons=[reason])
