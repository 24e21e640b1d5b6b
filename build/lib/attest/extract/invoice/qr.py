"""The QR code on electronic invoices: decoded with zxing-cpp and parsed as a second source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from PIL import Image


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
