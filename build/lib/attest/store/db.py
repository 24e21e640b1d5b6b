"""Engine and sessions: SQLite under the data directory by default, PostgreSQL (or any SQLAlchemy URL) by
setting; the schema comes from the Alembic migrations in `attest/store/migrations/`."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def database_url(url: str | None, data_dir: Path) -> str:
    if url:
        return url
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'attest.db').resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the API read while a worker writes; foreign keys are off by default in SQLite.
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(url: str) -> None:
    """Bring the database to the newest schema (Alembic `upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and makes waiting writers sleep in growing steps (its busy handler),
        # which turns 20 concurrent uploads into a long latency tail. Transactions of this process queue on a
        # lock instead; they are short (no OCR runs inside one). PostgreSQL needs no such thing.
        self._serial = threading.Lock() if url.startswith("sqlite") else contextlib.nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._serial, self.sessions() as s, s.begin():
            yield s


def open_database(url: str | None, data_dir: Path) -> Database:
    """The configured database (SQLite under `data_dir` when `url` is unset), migrated to the newest schema."""
    resolved = database_url(url, data_dir)
    migrate(resolved)
    return Database(resolved)
