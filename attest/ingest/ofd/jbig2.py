"""JBIG2 pictures (`.jb2`), which 税控 e-invoice OFDs use for their QR code: Pillow cannot read them, pdfium can.
The file's segments are handed to pdfium as the JBIG2Decode stream of a one-image PDF and rendered — so the QR
code is drawn on the page and decoded, instead of the picture being left out."""

from __future__ import annotations

import struct

from PIL import Image

_MAGIC = b"\x97JB2\r\n\x1a\n"
_PAGE_INFO = 48  # segment type of the page information segment, which gives the picture's size


def is_jbig2(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _size(segments: bytes) -> tuple[int, int] | None:
    """Width and height from the first segment, when it is the page information (as a one-page file starts)."""
    if len(segments) < 11:
        return None
    flags, referred = segments[4], segments[5]
    if flags & 0x3F != _PAGE_INFO or referred >> 5 != 0:
        return None
    at = 6 + (4 if flags & 0x40 else 1) + 4  # page association, then the data length
    if len(segments) < at + 8:
        return None
    width, height = struct.unpack(">II", segments[at:at + 8])
    return (width, height) if width > 0 and 0 < height < 0xFFFFFFFF else None


def _pdf(stream: bytes, width: int, height: int) -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 4 0 R >> >> "
               b"/Contents 5 0 R >>" % (width, height),
               b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
               b"/Filter /JBIG2Decode /Length %d >>\nstream\n%b\nendstream"
               % (width, height, len(stream), stream)]
    draw = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (width, height)
    objects.append(b"<< /Length %d >>\nstream\n%b\nendstream" % (len(draw), draw))
    out, offsets = bytearray(b"%PDF-1.5\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def read_jbig2(data: bytes, max_pixels: int) -> Image.Image | None:
    """A one-page JBIG2 file as a greyscale picture, or None when it is not one pdfium draws."""
    import pypdfium2 as pdfium

    if not is_jbig2(data) or len(data) < 13:
        return None
    segments = data[9:] if data[8] & 0x02 else data[13:]  # the page count is left out when the file says so
    size = _size(segments)
    if size is None or size[0] * size[1] > max_pixels:
        return None
    try:
        document = pdfium.PdfDocument(_pdf(segments, *size))
        picture: Image.Image = document[0].render(scale=1).to_pil().convert("L")
        return picture
    except pdfium.PdfiumError:
        return None
