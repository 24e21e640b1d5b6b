"""Engine and sessions: SQLite under the data directory by default, PostgreSQL (or any SQLAlchemy URL) by
setting; the schema comes from the Alembic migrations in `attest/store/migrations/`."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


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


@dataclass(eq=False)
class _Write(Generic[T]):
    work: Callable[[Session], T]
    result: T | None = None
    error: BaseException | None = None
    done: bool = False


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time and makes waiting writers sleep in growing steps (its busy handler),
        # which turns 20 concurrent uploads into a long latency tail. Transactions of this process queue on a
        # lock instead; they are short (no OCR runs inside one). PostgreSQL needs no such thing.
        self._one_writer = url.startswith("sqlite")
        self._serial = threading.Lock() if self._one_writer else contextlib.nullcontext()
        self._pending: list[_Write[Any]] = []
        self._pending_lock = threading.Lock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._serial, self.sessions() as s, s.begin():
            yield s

    def write_together(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` and commit it, in one transaction with the writes that arrived meanwhile (group
        commit); returns its result or raises its error once committed.

        Whoever gets the writer lock commits everything queued so far, each write in a savepoint of its own: one
        that raises is undone alone, the others commit. Concurrent uploads each holding the lock for its own
        transaction held it far longer than one alone (docs/measurements.md): the holder kept waiting for the
        interpreter while the others parsed. `work` runs on whichever thread leads, so it must depend only on its
        arguments (not on context variables). PostgreSQL, with concurrent writers, runs each in its own."""
        if not self._one_writer:
            with self.session() as s:
                return work(s)
        item: _Write[T] = _Write(work)
        with self._pending_lock:
            self._pending.append(item)
        with self._serial:
            if not item.done:  # no earlier holder took it: this thread commits what is queued, its own included
                with self._pending_lock:
                    batch, self._pending = self._pending, []
                self._commit_together(batch)
        if item.error is not None:
            raise item.error
        return item.result  # type: ignore[return-value]

    def _commit_together(self, batch: list[_Write[Any]]) -> None:
        try:
            with self.sessions() as s, s.begin():
                # pysqlite opens its transaction only before a write, and SQLite makes a SAVEPOINT outside one the
                # transaction itself: each write's RELEASE would commit (and fsync) alone. BEGIN first makes the
                # batch one transaction; IMMEDIATE takes the write lock now, so another process's commit in between
                # cannot leave this transaction's snapshot stale (busy_timeout waits instead).
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                for item in batch:
                    try:
                        with s.begin_nested():
                            item.result = item.work(s)
                    except Exception as exc:  # this write's own error: its savepoint is undone, the rest go on
                        item.error = exc
        except Exception as exc:  # the commit failed: nothing of the batch was written
            for item in batch:
                if item.error is None:
                    item.error, item.result = exc, None
        finally:
            for item in batch:
                item.done = True


def open_database(url: str | None, data_dir: Path) -> Database:
    """The configured database (SQLite under `data_dir` when `url` is unset), migrated to the newest schema."""
    resolved = database_url(url, data_dir)
    migrate(resolved)
    return Database(resolved)
