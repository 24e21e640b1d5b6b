"""Build what tasks need (`tasks.Context`) from settings, once per process: API process or worker."""

from __future__ import annotations

from attest.settings import Settings
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
