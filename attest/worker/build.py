"""Build what tasks need (`tasks.Context`) from settings, once per process: API process or worker."""

from __future__ import annotations

import os

from attest.settings import OcrSettings, Settings
from attest.store.blobs import BlobStore
from attest.store.db import open_database
from attest.worker import tasks
from attest.worker.dispatch import Publish, on_commit
from attest.worker.reading import LocalReader, Reader


def local_reader(settings: Settings) -> LocalReader:
    """Engines in this process (warmed), read in the calling thread: a Celery worker, which is a process of its
    own already."""
    from attest.engines import build_engines
    from attest.ocr import warm_up

    engines = build_engines(settings)
    if settings.ocr.warm_up:
        warm_up(engines.ocr)
    return LocalReader(engines)


def build_context(settings: Settings, *, publish: Publish | None = None, reader: Reader | None = None
                  ) -> tasks.Context:
    """Migrated database, blob store, a reader (default: `local_reader`), policy and pattern store; new jobs go
    to `publish`."""
    from attest.patterns.store import PatternStore
    from attest.score import load_policy

    db = open_database(settings.service.database_url, settings.data_dir)
    if publish is not None:
        on_commit(db, publish)
    return tasks.Context(db=db, blobs=BlobStore(settings.data_dir / "blobs"), reader=reader or local_reader(settings),
                         policy=load_policy(), patterns=PatternStore.open(settings.patterns, settings.data_dir),
                         settings=settings)


def lane_ocr(ocr: OcrSettings, workers: int) -> OcrSettings:
    """The OCR settings for each of an in-process worker's lanes: an engine of its own on its share of the
    cores, as Celery's one-thread worker processes do. One engine on every core serialised the lanes' pages (a
    page took the engine's lock and all cores, while the other lane's seals, checks and previews competed with
    it); two one-thread engines side by side decided the 310 application faster (docs/measurements.md). A thread
    count set in the settings is kept."""
    if ocr.threads != 0 or workers < 2 or ocr.engine != "rapidocr":
        return ocr
    return ocr.model_copy(update={"threads": max(1, (os.cpu_count() or 1) // workers)})
