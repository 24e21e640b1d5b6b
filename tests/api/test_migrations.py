"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from attest.store.db import migrate


def test_migrations_match_the_models(database: str) -> None:
    migrate(database)
    migrate(database)  # a second run is a no-op
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parents[2] / "attest/store/migrations"))
    cfg.set_main_option("sqlalchemy.url", database.replace("%", "%%"))
    command.check(cfg)  # raises if autogenerate would find any difference
