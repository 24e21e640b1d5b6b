"""Hostile uploads: each gets its own specific error, quickly, without the process ballooning."""

from __future__ import annotations

import io
import resource
import struct
import zlib

import pytest
from PIL import Image

from attest import errors
from attest.ingest import ingest
from attest.pipeline import process_document
from attest.settings import LimitSettings, OcrSettings

from ..conftest import SAMPLES


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height but carries one tiny IDAT: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(
        b"IEND", b"")


def _pdf_with_pages(n: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n):
        pdf.new_page(200, 200)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buf, "JPEG")
    return buf.getvalue()


def _ingest(data: bytes, name: str = "x") -> object:
    return ingest(data, name, limits=LimitSettings(), ocr=OcrSettings())


CASES = [
    ("zero bytes", b"", errors.EmptyInput),
    ("truncated jpeg", _jpeg()[:300], errors.DocumentUnreadable),
    ("png declaring 30000x30000", _png_header_only(30000, 30000), errors.ImageTooLarge),
    ("5000-page pdf", _pdf_with_pages(5000), errors.TooManyPages),
    ("text named .jpg", "发票号码 12345678\n".encode() * 10, errors.UnsupportedMediaType),
    ("jpeg/pdf polyglot", _jpeg()[:20] + b"%PDF-1.7\n" + _jpeg()[20:], errors.UnsupportedMediaType),
    ("pdf after junk", b"junk" * 10 + b"%PDF-1.4\n" + b"0" * 100, errors.UnsupportedMediaType),
    ("corrupt pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, errors.DocumentUnreadable),
    ("unknown binary", bytes(range(256)) * 4, errors.UnsupportedMediaType),
    ("tiny image", _png_header_only(5, 5), errors.InputError),
]


@pytest.mark.parametrize(("name", "data", "error"), CASES, ids=[c[0] for c in CASES])
def test_hostile_input_gets_its_error(name: str, data: bytes, error: type[Exception]) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(error) as info:
        _ingest(data, name + ".jpg")
    assert str(info.value)  # a sentence a person can read
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 300, f"{name} grew the process by {grown_mib:.0f} MiB"


def test_oversized_upload_refused_before_parsing() -> None:
    with pytest.raises(errors.InputTooLarge):
        ingest(b"\xff\xd8\xff" + b"0" * 2000, "big.jpg", limits=LimitSettings(max_bytes=1000), ocr=OcrSettings())


def test_sliver_pdf_page_would_render_too_many_pixels() -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(10, 14000)
    buf = io.BytesIO()
    pdf.save(buf)
    with pytest.raises(errors.ImageTooLarge):
        _ingest(buf.getvalue())


@pytest.mark.parametrize("mode", ["CMYK", "I;16", "LA", "P", "L"])
def test_unusual_image_modes_become_rgb(mode: str) -> None:
    img = Image.new("RGB", (120, 80), (200, 30, 30)).convert(mode if mode != "I;16" else "I").convert(mode)
    buf = io.BytesIO()
    img.save(buf, "TIFF" if mode in ("CMYK", "I;16") else "PNG")
    doc = _ingest(buf.getvalue())
    assert doc.pages[0].image.mode == "RGB"  # type: ignore[attr-defined]


def test_exif_orientation_applied_and_exif_kept() -> None:
    img = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x0110] = "TestPhone 1"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    doc = _ingest(buf.getvalue())
    assert doc.pages[0].image.size == (100, 300)  # type: ignore[attr-defined]
    assert doc.exif["Model"] == "TestPhone 1"  # type: ignore[attr-defined]


def test_blank_image_is_other_not_a_crash(engines, options) -> None:
    result = process_document(_jpeg(), "blank.jpg", engines=engines, options=options)
    assert result.classification.kind == "other"
    assert result.invoice is None


def test_pdf_text_layer_replaces_ocr(engines, options) -> None:
    data = (SAMPLES / "inv18_digital_normal_transport_discount.pdf").read_bytes()
    result = process_document(data, "inv18.pdf", engines=engines, options=options)
    assert result.ocr[0].engine == "pdf-text"
    assert result.invoice is not None and result.invoice.invoice_number is not None
    assert result.invoice.invoice_number.value == "25127000000546906425"


def test_heic_from_a_phone_is_accepted() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (10, 200, 30)).save(buf, "HEIF")
    doc = _ingest(buf.getvalue(), "IMG_0001.HEIC")
    assert doc.media_type == "image/heic"  # type: ignore[attr-defined]
    assert doc.pages[0].image.size == (320, 200)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "TIFF"])
def test_other_phone_and_scanner_formats(fmt: str) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, fmt)
    assert _ingest(buf.getvalue()).pages[0].image.size == (200, 100)  # type: ignore[attr-defined]
