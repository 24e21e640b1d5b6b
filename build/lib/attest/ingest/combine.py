"""Pages photographed one by one (a contract's pages from a phone) joined into one PDF document."""

from __future__ import annotations

import io
from collections.abc import Sequence

from attest.errors import TooManyPages, UnsupportedMediaType
from attest.ingest.image import decode_image
from attest.ingest.sniff import sniff_media_type
from attest.settings import LimitSettings


def pages_to_pdf(pages: Sequence[bytes], *, limits: LimitSettings, max_side: int) -> bytes:
    """One PDF whose pages are these pictures, in order; each picture is checked as any upload is.

    Raises the `InputError` of the first page that cannot be accepted (with its position), or `TooManyPages`.
    """
    if len(pages) > limits.max_pages:
        raise TooManyPages(f"{len(pages)} pages in one group; the limit is {limits.max_pages}")
    images = []
    for n, data in enumerate(pages, start=1):
        media_type = sniff_media_type(data)
        if media_type == "application/pdf":
            raise UnsupportedMediaType(f"page {n} is a PDF: a group joins photos of pages; upload a PDF on its own")
        image, _exif = decode_image(data, media_type, limits, max_side=max_side)
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=200.0)
    return out.getvalue()
