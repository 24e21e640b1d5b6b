"""Build what tasks need (`tasks.Context`) from settings, once per process: API process or worker."""

from __future__ import annotations

import dataclasses
import os

from attest.settings import OcrSettings, Settings
from attest.store.blobs import BlobStore
from attest.store.db import open_database
from attest.worker import tasks
from attest.worker.dispatch import Publish, on_commit


def build_context(settings: Settings, *, publish: Publish | None = None) -> tasks.Context:
    """Migrated database, blob store, engines, policy and pattern store; new jobs go to `publish`."""
    from attest.engines import build_engines
    from attest.ocr import warm_up
    from attest.patterns.store import PatternStore
    from attest.score import load_policy

    db = open_database(settings.service.database_url, settings.data_dir)
    if publish is not None:
        on_commit(db, publish)
    engines = build_engines(settings)
    if settings.ocr.warm_up:
        warm_up(engines.ocr)
    return tasks.Context(db=db, blobs=BlobStore(settings.data_dir / "blobs"), engines=engines,
                         policy=load_policy(), patterns=PatternStore.open(settings.patterns, settings.data_dir),
                         settings=settings)


def lane_ocr(ocr: OcrSettings, workers: int) -> OcrSettings:
    """The OCR settings for each of an in-process worker's threads when each reads with an engine of its own
    on its share of the cores, as Celery's one-thread worker processes do. One engine on every core serialised
    the threads' pages (a page took the engine's lock and all cores, while the other thread's seals, checks
    and previews competed with it); two one-thread engines side by side decided the 310 application faster
    (docs/measurements.md). A thread count set in the settings is kept, with one engine shared."""
    if ocr.threads != 0 or workers < 2 or ocr.engine != "rapidocr":
        return ocr
    return ocr.model_copy(update={"threads": max(1, (os.cpu_count() or 1) // workers)})


def ocr_lanes(ctx: tasks.Context, workers: int, *, separate: bool) -> list[tasks.Context]:
    """A context per worker thread: `ctx` itself for the first, and with `separate` an engine of the same
    settings of its own (warmed) for each further one; otherwise all share `ctx`."""
    from attest.ocr import create_ocr_engine, warm_up

    lanes = [ctx]
    for i in range(1, workers):
        if not separate:
            lanes.append(ctx)
            continue
        engine = create_ocr_engine(ctx.settings.ocr, lane=i)
        if ctx.settings.ocr.warm_up:
            warm_up(engine)
        lanes.append(dataclasses.replace(ctx, engines=dataclasses.replace(ctx.engines, ocr=engine)))
    return lanes
