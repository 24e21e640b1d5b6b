"""The one small tree of domain errors; only the API shell maps them to HTTP."""

from __future__ import annotations


class AttestError(Exception):
    """Base of every error attest raises on purpose."""

    code = "attest.error"


class InputError(AttestError):
    """The uploaded bytes cannot be accepted as they are."""

    code = "input.invalid"


class EmptyInput(InputError):
    code = "input.empty"


class InputTooLarge(InputError):
    code = "input.too_large"


class UnsupportedMediaType(InputError):
    code = "input.unsupported_media_type"


class DocumentUnreadable(InputError):
    """The bytes claim a known format but cannot be decoded (truncated, corrupt, encrypted)."""

    code = "input.unreadable"


class ImageTooLarge(InputError):
    """Pixel count over the limit: refused before decoding, so a decompression bomb costs nothing."""

    code = "input.image_too_large"


class TooManyPages(InputError):
    code = "input.too_many_pages"


class EngineUnavailable(AttestError):
    """An engine (OCR, LLM, store) is not installed or its models are missing."""

    code = "engine.unavailable"


class EngineFailed(AttestError):
    code = "engine.failed"
