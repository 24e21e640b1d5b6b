"""The QR code on electronic invoices: decoded with zxing-cpp and parsed as a second source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from PIL import Image

from attest.schemas.evidence import Field, InvoiceEvidence

QR_CONFIDENCE = 0.9  # the QR was decoded exactly, but it vouches for itself: the print's reading is not there


@dataclass(frozen=True)
class InvoiceQr:
    """`version, type, code, number, amount, date, check code, crc` (数电: code is empty)."""

    raw: str
    kind: str
    code: str
    number: str
    amount: Decimal | None
    issue_date: date | None
    check_code: str


def decode_qr(image: Image.Image) -> str | None:
    """The text of the first QR code on the page, or None."""
    import zxingcpp

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode]))
    return results[0].text if results else None


def parse_invoice_qr(text: str) -> InvoiceQr | None:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 7 or not parts[3].isdigit():
        return None
    try:
        amount: Decimal | None = Decimal(parts[4]) if parts[4] else None
    except InvalidOperation:
        amount = None
    try:
        d = parts[5].replace("-", "")
        issued: date | None = date(int(d[:4]), int(d[4:6]), int(d[6:8])) if len(d) == 8 else None
    except ValueError:
        issued = None
    return InvoiceQr(text, parts[1], parts[2], parts[3], amount, issued, parts[6])


def fill_from_qr(ev: InvoiceEvidence, text: str, page: int) -> None:
    """The header fields the print gave no reading of, from the QR code printed on the same face (a layout
    whose captions are a picture, a copy that cut them off). Such a field says `source: qr`, is never more than
    `QR_CONFIDENCE` sure and is not counted as the print agreeing with the QR (`invoice.qr_match`)."""
    qr = parse_invoice_qr(text)
    if qr is None:
        return
    found: dict[str, str | date | None] = {
        "invoice_code": qr.code if len(qr.code) in (10, 12) and qr.code.isdigit() else None,
        "invoice_number": qr.number if len(qr.number) in (8, 20) else None,
        "issue_date": qr.issue_date,
        "check_code": qr.check_code if len(qr.check_code) == 20 and qr.check_code.isdigit() else None}
    for name, value in found.items():
        if value is not None and getattr(ev, name) is None:
            setattr(ev, name, Field(value=value, confidence=QR_CONFIDENCE, source="qr", raw=qr.raw, page=page))
