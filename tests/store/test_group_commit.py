"""Writes that arrive together are committed together (`Database.write_together`): on SQLite one transaction for
all of them, each write in a savepoint of its own, so one write's error undoes only that write, and a failed commit
stores none; every caller gets its own result or error. PostgreSQL gives each write a transaction of its own."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attest.store.db import Database, database_url

from ..api.conftest import database  # noqa: F401 - the sqlite/postgresql fixture


class Refused(Exception):
    pass


def _table(db: Database) -> None:
    with db.session() as s:
        s.execute(text("CREATE TABLE parent (k VARCHAR(8) PRIMARY KEY)"))
        s.execute(text("CREATE TABLE t (k VARCHAR(8) PRIMARY KEY, p VARCHAR(8) REFERENCES parent (k) "
                       "DEFERRABLE INITIALLY DEFERRED)"))


def _insert(k: str, *, refuse: bool = False, parent: str | None = None):  # type: ignore[no-untyped-def]
    def write(s: Session) -> str:
        s.execute(text("INSERT INTO t (k, p) VALUES (:k, :p)"), {"k": k, "p": parent})
        if refuse:
            raise Refused(k)  # after its insert: the insert must be undone with it
        return k
    return write


def _stored(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(text("SELECT k FROM t ORDER BY k")))


def _together(db: Database, writes: list) -> dict[int, object]:  # type: ignore[type-arg]
    """Each write from a thread of its own, all queued while the writer lock is held, then let go at once."""
    outcome: dict[int, object] = {}

    def run(i: int) -> None:
        try:
            outcome[i] = db.write_together(writes[i])
        except Exception as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writes))]
    with db.session():  # holds the one writer: every write below queues behind it
        for t in threads:
            t.start()
        time.sleep(0.5)
    for t in threads:
        t.join(timeout=30)
    return outcome


def test_concurrent_writes_share_one_transaction_and_each_caller_gets_its_own_answer(tmp_path: Path) -> None:
    db = Database(database_url(None, tmp_path))
    _table(db)
    begins: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: begins.append(statement) if statement.startswith("BEGIN") else None)
    writes = [_insert(f"k{i}", refuse=i in (3, 7)) for i in range(10)] + [_insert("k1")]  # k1 twice: a conflict
    outcome = _together(db, writes)
    assert {i: outcome[i] for i in range(10) if i not in (3, 7)} == {i: f"k{i}" for i in range(10) if i not in (3, 7)}
    assert isinstance(outcome[3], Refused) and isinstance(outcome[7], Refused)
    assert isinstance(outcome[10], IntegrityError)
    assert _stored(db) == sorted(f"k{i}" for i in range(10) if i not in (3, 7))
    assert 1 <= len(begins) <= 2  # eleven writes, committed in one or two transactions (not eleven)
    db.engine.dispose()


def test_a_commit_that_fails_stores_none_of_the_writes_and_tells_every_caller(tmp_path: Path) -> None:
    db = Database(database_url(None, tmp_path))
    _table(db)
    # Foreign keys are on for every connection (`make_engine`). The dangling reference passes its own savepoint
    # (the check is deferred) and fails the commit.
    outcome = _together(db, [_insert("a"), _insert("b", parent="none"), _insert("c")])
    assert all(isinstance(outcome[i], IntegrityError) for i in range(3)), outcome
    assert _stored(db) == []
    assert db.write_together(_insert("d")) == "d"  # the next write is not held up by the failed one
    db.engine.dispose()


def test_every_write_is_committed_once_with_its_answer_on_either_database(database: str) -> None:  # noqa: F811
    db = Database(database)
    _table(db)
    writes = [_insert(f"k{i}", refuse=i == 2) for i in range(6)]
    outcome = _together(db, writes)
    assert isinstance(outcome[2], Refused)
    assert {i: outcome[i] for i in (0, 1, 3, 4, 5)} == {i: f"k{i}" for i in (0, 1, 3, 4, 5)}
    assert _stored(db) == ["k0", "k1", "k3", "k4", "k5"]
    db.engine.dispose()
