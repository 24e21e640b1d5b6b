"""Decode an image safely: size checked before pixels are decoded, EXIF orientation applied and kept."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from attest.errors import DocumentUnreadable, EngineUnavailable, ImageTooLarge, InputError
from attest.settings import LimitSettings

_HIGH_BIT_MODES = ("I;16", "I;16B", "I;16L", "I", "F")


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError as exc:
        raise EngineUnavailable("HEIC needs pillow-heif: pip install pillow-heif") from exc
    register_heif_opener()


def _exif_dict(img: Image.Image) -> dict[str, str]:
    exif = img.getexif()
    out: dict[str, str] = {}
    tags = dict(exif.items())
    # GPS and capture time live in sub-IFDs; fold them in so forensics sees one flat mapping.
    for ifd in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo):
        try:
            tags.update(exif.get_ifd(ifd))
        except (KeyError, ValueError, TypeError):
            continue
    for tag, value in tags.items():
        name = ExifTags.TAGS.get(tag) or ExifTags.GPSTAGS.get(tag) or str(tag)
        if isinstance(value, bytes):
            continue
        out[name] = str(value)[:200]
    return out


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in _HIGH_BIT_MODES:
        arr = np.asarray(img, dtype=np.float64)
        top = float(arr.max()) or 1.0
        img = Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8), mode="L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def decode_image(data: bytes, media_type: str, limits: LimitSettings,
                 max_side: int | None = None) -> tuple[Image.Image, dict[str, str]]:
    """Decode to an upright RGB image plus its EXIF, refusing oversized or broken files.

    With `max_side`, a JPEG far larger than that is decoded at 1/2, 1/4 or 1/8 scale straight from its
    DCT coefficients (never below `max_side`): a 12-megapixel phone photo costs a quarter to decode.
    """
    if media_type == "image/heic":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            width, height = img.size
            if width * height > limits.max_pixels:
                raise ImageTooLarge(
                    f"image is {width}x{height} = {width * height:,} pixels; the limit is {limits.max_pixels:,}"
                )
            if min(width, height) < limits.min_side:
                raise InputError(f"image is {width}x{height}; each side must be at least {limits.min_side} px")
            img.seek(0)  # animated or multi-page images: the first frame is the document
            if max_side and media_type == "image/jpeg" and max(width, height) >= 2 * max_side:
                scale = max_side / max(width, height)
                img.draft("RGB", (int(width * scale) + 1, int(height * scale) + 1))
            img.load()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLarge(str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DocumentUnreadable(f"{media_type} could not be decoded: {exc}") from exc
    exif = _exif_dict(img)
    try:
        upright = ImageOps.exif_transpose(img) or img
    except (ValueError, TypeError, OSError):
        upright = img  # a malformed orientation tag must not cost the document
    return _to_rgb(upright), exif
