"""Ingest: bytes → `Document` (sha256, sniffed media type, upright RGB pages, EXIF, PDF text layer, an OFD's
text, invoice data and signatures)."""

from __future__ import annotations

import hashlib

from attest.errors import InputTooLarge
from attest.ingest.image import decode_image
from attest.ingest.ofd import load_ofd
from attest.ingest.pdf import load_pdf, pdf_info
from attest.ingest.pdf_signature import check_pdf_signatures
from attest.ingest.sniff import OFD, sniff_media_type
from attest.ingest.table import TABLE_TYPES, load_table
from attest.schemas.document import Document, PageImage
from attest.schemas.einvoice import EInvoiceFile
from attest.settings import LimitSettings, OcrSettings


def ingest(data: bytes, filename: str, *, limits: LimitSettings, ocr: OcrSettings) -> Document:
    """Turn uploaded bytes into a `Document`, or raise the specific `InputError` that explains why not."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"upload is {len(data):,} bytes; the limit is {limits.max_bytes:,}")
    media_type = sniff_media_type(data)
    exif: dict[str, str] = {}
    einvoice = None
    table = None
    pdf = None
    if media_type == "application/pdf":
        pages = load_pdf(data, limits, ocr)
        pdf = pdf_info(data)
        signatures = check_pdf_signatures(data)
        einvoice = EInvoiceFile(format="pdf", signatures=signatures) if signatures else None
    elif media_type == OFD:
        pages, einvoice = load_ofd(data, limits, ocr)
    elif media_type in TABLE_TYPES:
        table = load_table(data, media_type, limits)  # rows of cells, no pages to look at
        pages = []
    else:
        image, exif = decode_image(data, media_type, limits, max_side=ocr.max_side)
        pages = [PageImage(index=0, image=image)]
    return Document(
        sha256=hashlib.sha256(data).hexdigest(),
        filename=filename,
        media_type=media_type,
        size=len(data),
        pages=pages,
        pdf=pdf,
        exif=exif,
        einvoice=einvoice,
        table=table,
    )


__all__ = ["ingest", "sniff_media_type"]
