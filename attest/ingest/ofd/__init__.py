"""OFD files (GB/T 33190), the format of 税控 e-invoices and one of the formats of 数电 invoices: read without
OCR. The zip is unpacked under limits (`archive.py`), pages laid out with their templates and annotations
(`content.py`), their text turned into OCR-shaped lines (`text.py`) and each page drawn (`render.py`); the
invoice data the file carries for machines (`data.py`) and its signatures (`signature.py`) are read beside."""

from __future__ import annotations

from attest.errors import ImageTooLarge, UnsupportedMediaType
from attest.ingest.ofd.archive import unpack
from attest.ingest.ofd.content import read_document
from attest.ingest.ofd.data import invoice_data
from attest.ingest.ofd.package import Package
from attest.ingest.ofd.render import render_page
from attest.ingest.ofd.signature import check_signatures
from attest.ingest.ofd.text import page_text
from attest.schemas.document import PageImage
from attest.schemas.einvoice import EInvoiceFile
from attest.settings import LimitSettings, OcrSettings


def check_container(data: bytes, limits: LimitSettings) -> None:
    """The cheap part of reading an OFD, for the upload itself: the zip unpacks within every limit and is an
    OFD at all. Raises the specific `InputError` at once instead of storing a zip bomb for the worker."""
    if Package(unpack(data, limits)).resolve("OFD.xml") is None:
        raise UnsupportedMediaType("a zip archive, but not an OFD file (it holds no OFD.xml)")


def load_ofd(data: bytes, limits: LimitSettings, ocr: OcrSettings) -> tuple[list[PageImage], EInvoiceFile]:
    """Every page drawn at the PDF render width, each with its text as lines; and what the file says about
    itself: its invoice data for machines and its signatures, checked."""
    pkg = Package(unpack(data, limits))
    doc = read_document(pkg, max_pages=limits.max_pages)
    pages = []
    for page in doc.pages:
        scale = ocr.pdf_render_width / page.width
        if page.width * page.height * scale * scale > limits.max_pixels:
            raise ImageTooLarge(f"page {page.index + 1} would render to more than {limits.max_pixels:,} pixels")
        image = render_page(page, pkg.files, scale, max_pixels=limits.max_pixels)
        layer = page_text(page, scale, image)
        if layer is not None:
            layer.width, layer.height = image.size
        pages.append(PageImage(index=page.index, image=image, text_layer=layer))
    fields, sources = invoice_data(pkg, doc)
    return pages, EInvoiceFile(format="ofd", data=fields, sources=sources,
                               signatures=check_signatures(pkg, doc.signatures_entry))


__all__ = ["check_container", "load_ofd"]
