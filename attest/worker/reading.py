"""The reading half of a document job: an upload's bytes in, what to store out. It touches no database, so it
runs wherever the CPU should be spent: in the worker's own thread (a Celery worker, a process of its own
already) or in a reading process apart from the API (`attest.worker.reader_process`, the in-process worker)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from attest.errors import AttestError, InputError
from attest.ingest.combine import pages_to_pdf
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.settings import Settings
from attest.store.blobs import BlobStore
from attest.store.previews import write_previews

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadRequest:
    """One document to read: its upload (or, for a group, every page's upload in order) and how."""

    document_id: str
    shas: tuple[str, ...]
    grouped: bool
    filename: str
    day: date  # the application's own day: a job re-run after a crash gives the same result
    read_as: str | None = None  # a reviewer's re-read as this kind


@dataclass(frozen=True)
class ReadOutcome:
    """What the document's row becomes, and what `/metrics` counts of it."""

    status: str  # done | refused
    result_json: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    kind: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def columns(self) -> dict[str, str | None]:
        if self.status == "done":
            return {"status": "done", "result_json": self.result_json}
        return {"status": self.status, "error_code": self.error_code, "error_message": self.error_message}


class Reader(Protocol):
    """Reads documents for a worker: `LocalReader` in the calling thread, `ProcessReader` in a process of its own."""

    def read(self, request: ReadRequest, settings: Settings) -> ReadOutcome: ...

    def ocr_version(self) -> str: ...


def read_upload(request: ReadRequest, settings: Settings, engines: Engines) -> ReadOutcome:
    """Read one upload (a group's pages joined in upload order into one PDF) and draw its reviewer pictures."""
    blobs = BlobStore(settings.data_dir / "blobs")
    try:
        if request.grouped:
            data = pages_to_pdf([blobs.get(sha) for sha in request.shas], limits=settings.limits,
                                max_side=settings.ocr.max_side)
            blobs.put(data)  # kept beside the pages: the bytes that were read, for any later replay
            filename = f"group-{request.document_id}.pdf"
        else:
            data, filename = blobs.get(request.shas[0]), request.filename
        options = ProcessOptions(limits=settings.limits, ocr=settings.ocr, today=request.day,
                                 extractor=settings.llm.extractor)
        result = process_document(data, filename, engines=engines, options=options,
                                  hints={"kind": request.read_as} if request.read_as else None)
    except InputError as exc:
        return ReadOutcome(status="refused", error_code=exc.code, error_message=str(exc))
    try:
        # Drawn now, so a case opens without waiting; a failure costs only that (the page draws them on view).
        write_previews(settings.data_dir / "previews", request.document_id, data, result, settings)
    except (AttestError, OSError, ValueError) as exc:
        log.warning("previews of %s not written: %s", request.document_id, exc)
    # The whole result, OCR lines included: every field's provenance points at them.
    return ReadOutcome(status="done", result_json=result.model_dump_json(), kind=result.classification.kind,
                       timings=dict(result.timings))


class LocalReader:
    """Reads in the calling thread with engines this process holds (a Celery worker, the CLI, tests)."""

    def __init__(self, engines: Engines) -> None:
        self.engines = engines

    def read(self, request: ReadRequest, settings: Settings) -> ReadOutcome:
        return read_upload(request, settings, self.engines)

    def ocr_version(self) -> str:
        return self.engines.ocr.version
