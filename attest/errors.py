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


class TableRefused(InputError):
    """A spreadsheet or CSV export that is not read; each reason has its own code."""

    code = "input.table"


class TableUndecodable(TableRefused):
    """Text in no encoding a statement export uses (UTF-8, with or without BOM, or GB 18030/GBK)."""

    code = "input.table.undecodable"


class TableMacros(TableRefused):
    """A workbook carrying macros (VBA): statements never do, and nothing here runs them."""

    code = "input.table.macros"


class TableTooLarge(TableRefused):
    """More rows or columns than any statement has: refused before the rows are read into memory whole."""

    code = "input.table.too_large"


class ArchiveRefused(InputError):
    """An OFD's zip container breaks a rule that keeps unpacking safe; each rule has its own code."""

    code = "input.archive"


class ArchiveTooManyEntries(ArchiveRefused):
    code = "input.archive.too_many_entries"


class ArchiveTooLarge(ArchiveRefused):
    """An entry, or all of them together, unpacks past its limit (measured while unpacking, not as declared)."""

    code = "input.archive.too_large"


class ArchiveRatio(ArchiveRefused):
    """An entry unpacks to far more than it is packed: the shape of a zip bomb."""

    code = "input.archive.compression_ratio"


class ArchivePath(ArchiveRefused):
    """An entry's name is absolute or climbs out of the archive (`../`), or is not a plain relative path."""

    code = "input.archive.path"


class ArchiveDuplicate(ArchiveRefused):
    """Two entries with one name: which one a reader takes differs between readers."""

    code = "input.archive.duplicate_name"


class ArchiveEncrypted(ArchiveRefused):
    code = "input.archive.encrypted"


class StateRefused(AttestError):
    """What is stored does not allow the request: no such thing for this caller, or not in a state for it.
    `problem` is the stable RFC 9457 type the API answers with."""

    code = "state.refused"
    problem = "conflict"


class NotFound(StateRefused):
    code = "state.not_found"
    problem = "not-found"


class ApplicationNotOpen(StateRefused):
    code = "application.not_open"
    problem = "application-not-open"


class ApplicationEmpty(StateRefused):
    code = "application.empty"
    problem = "application-empty"


class TooManyDocuments(StateRefused):
    code = "application.too_many_documents"
    problem = "too-many-documents"


class EngineUnavailable(AttestError):
    """An engine (OCR, LLM, store) is not installed or its models are missing."""

    code = "engine.unavailable"


class KnowledgeError(AttestError):
    """A knowledge file (`attest/data/*.yaml`) that does not match its model; the message names the file and key."""

    code = "knowledge.invalid"


class EngineFailed(AttestError):
    code = "engine.failed"


class LlmError(EngineFailed):
    """A model call that ended without a usable answer; carries the last attempt and the tokens spent."""

    code = "llm.failed"

    def __init__(self, message: str, *, code: str | None = None, last_attempt: str | None = None,
                 input_tokens: int = 0, output_tokens: int = 0) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.last_attempt = last_attempt
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
