"""Rule-based invoice extractor: OCR lines → `InvoiceEvidence`, every value with its provenance."""

from __future__ import annotations

from typing import Any

from attest.extract.flat import flat_evidence
from attest.extract.invoice.header import read_header
from attest.extract.invoice.items import read_items, read_table
from attest.extract.invoice.parties import read_parties
from attest.extract.invoice.qr import fill_from_qr
from attest.extract.invoice.reconcile import reconcile_totals
from attest.extract.invoice.remarks import fill_from_remarks
from attest.extract.invoice.totals import read_totals
from attest.kinds import kinds
from attest.layout.geometry import Line, page_skew
from attest.schemas.evidence import Field, InvoiceEvidence, InvoiceKind
from attest.schemas.ocr import OcrPage


def _kind(ev: InvoiceEvidence) -> InvoiceKind:
    title = ev.invoice_title.value if ev.invoice_title else ""
    number = ev.invoice_number.value if ev.invoice_number else ""
    if len(number) == 20:
        return "digital"
    electronic = "电子" in title
    if "专用" in title:
        return "electronic_special" if electronic else "special"
    if "普通" in title:
        return "electronic_ordinary" if electronic else "ordinary"
    return "unknown"


def extract_invoice(page: OcrPage, qr_text: str | None = None) -> InvoiceEvidence:
    """Read every field of one invoice face from its OCR page (and the QR text, if one was decoded)."""
    skew = page_skew(ln for ln in page.lines if not ln.overlay)
    # Below half a degree the rows still line up; above it, boxes are turned level before any pairing.
    skew = skew if abs(skew) > 0.5 else 0.0
    centre = (page.width / 2, page.height / 2)
    lines = [Line.of(ln, skew, centre) for ln in page.lines if ln.text.strip() and not ln.overlay]
    ev = InvoiceEvidence()
    read_header(lines, float(page.height or max((ln.box.y1 for ln in lines), default=1.0)), ev)
    read_parties(lines, ev)
    table = read_table(lines, float(page.height or 1000))
    if table is not None:
        ev.items = read_items(table)
    read_totals(lines, table, ev)
    reconcile_totals(ev)
    fill_from_remarks(ev)
    ev.invoice_kind = _kind(ev)
    if qr_text:
        ev.qr_payload = Field[str](value=qr_text, confidence=1.0, source="qr", raw=qr_text, page=page.page)
        fill_from_qr(ev, qr_text, page.page)
    return ev


__all__ = ["extract_invoice"]


def flat_invoice(ev: InvoiceEvidence) -> dict[str, Any]:
    """An invoice's flat fields (an e-invoice file's own data is compared with the face in this view)."""
    return flat_evidence(kinds()["invoice"], ev)
