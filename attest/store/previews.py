"""Page pictures for the reviewer's viewer: each page as the OCR saw it (turned upright, same geometry, so
the boxes drawn over it line up), as JPEG at two sizes, cached on disk beside the blobs.

The worker writes them right after reading a document, so opening a case never waits for a PDF to render;
a missing one (an older document, a cleared cache) is rendered on first request."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PIL import Image

from attest.ingest import ingest
from attest.layout.quad import upload_size
from attest.ocr.base import turn_upright
from attest.schemas.document import DocumentResult
from attest.settings import Settings

Size = Literal["full", "thumb"]
LONG_SIDE: dict[Size, int] = {"full": 1600, "thumb": 240}


def preview_path(root: Path, doc_id: str, page: int, size: Size) -> Path:
    if not doc_id.replace("_", "").isalnum():
        raise ValueError(f"not a document id: {doc_id!r}")
    return root / doc_id / f"p{page}-{size}.jpg"


def _scaled(image: Image.Image, size: Size) -> Image.Image:
    picture = image.convert("RGB") if image.mode != "RGB" else image.copy()
    # Bicubic: for these downscales (a phone photo to 1600 px, 1600 to 240) it reads as sharp as Lanczos at
    # half the filtering time, which the worker pays once per page.
    picture.thumbnail((LONG_SIDE[size], LONG_SIDE[size]), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return picture


def _jpeg(picture: Image.Image, size: Size) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80 if size == "full" else 70)
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_previews(root: Path, doc_id: str, data: bytes, result: DocumentResult, settings: Settings) -> None:
    """Render every page of a read document at both sizes."""
    doc = ingest(data, result.filename, limits=settings.limits, ocr=settings.ocr)
    for page, ocr_page in zip(doc.pages, result.ocr, strict=False):
        # A flattened photo is shown as taken (its boxes are mapped back onto it); any other page as read.
        image = page.image if ocr_page.flattened is not None else turn_upright(page.image, ocr_page.rotation)
        size = upload_size(ocr_page)
        if image.size != size:
            image = image.resize(size)  # the boxes' coordinate space
        full = _scaled(image, "full")
        thumb = _scaled(full, "thumb")  # from the full picture: far fewer pixels to filter
        _write(preview_path(root, doc_id, ocr_page.page, "full"), _jpeg(full, "full"))
        _write(preview_path(root, doc_id, ocr_page.page, "thumb"), _jpeg(thumb, "thumb"))


def get_preview(root: Path, doc_id: str, page: int, size: Size,
                load: Callable[[], tuple[bytes, DocumentResult] | None], settings: Settings) -> bytes | None:
    """The cached picture, rendering the document's pages first if they are missing; None for no such page."""
    path = preview_path(root, doc_id, page, size)
    if not path.exists():
        loaded = load()
        if loaded is None or not any(p.page == page for p in loaded[1].ocr):
            return None
        write_previews(root, doc_id, loaded[0], loaded[1], settings)
    return path.read_bytes()
