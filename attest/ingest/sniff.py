"""Media type from the bytes themselves: the filename and the client's content type are never trusted."""

from __future__ import annotations

from attest.errors import EmptyInput, UnsupportedMediaType
from attest.ingest.table import TABLE_TYPES, sniff_table

_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)
_HEIC_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc")
SUPPORTED = ("image/jpeg", "image/png", "image/webp", "image/tiff", "image/bmp", "image/heic", "application/pdf",
             "application/ofd", *TABLE_TYPES)
OFD = "application/ofd"  # GB/T 33190 e-documents: a zip whose root holds OFD.xml (checked when it is unpacked)


def _image_type(head: bytes) -> str | None:
    for magic, media_type in _IMAGE_MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff_media_type(data: bytes) -> str:
    """Return the media type of `data`, or raise a specific error saying why it is refused."""
    if not data:
        raise EmptyInput("the upload is empty (0 bytes)")
    head = data[:1024]
    image_type = _image_type(head)
    pdf_at = head.find(b"%PDF-")
    # A file that is valid as two formats at once (e.g. a JPEG whose first KiB also opens as a PDF) is a
    # classic way to show a reviewer one thing and a parser another: refuse it rather than pick a side.
    if image_type and pdf_at >= 0:
        raise UnsupportedMediaType(f"ambiguous file: starts as {image_type} but also carries a PDF header")
    if image_type:
        return image_type
    if pdf_at == 0:
        return "application/pdf"
    if pdf_at > 0:
        raise UnsupportedMediaType("ambiguous file: a PDF header preceded by other data (polyglot)")
    table = sniff_table(data)  # a workbook (XLSX, XLS) or a CSV export, told by its contents
    if table is not None:
        return table
    if head.startswith(b"PK\x03\x04"):
        # Any other zip (a Word file, an archive of photos) is told apart when it is unpacked: no OFD.xml.
        return OFD
    if _looks_like_text(head):
        raise UnsupportedMediaType("the file is text, but not a table of rows (CSV), an image or a PDF")
    raise UnsupportedMediaType("unrecognised file type; accepted: " + ", ".join(SUPPORTED))
