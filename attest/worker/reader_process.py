"""Reading processes: the in-process worker's threads each hand their documents to a process of their own.

Why: in threads of the API process, reading ran its Python (a tenth of a document) under the API's interpreter
lock, and a decoder or runtime that crashed on a hostile file, or the kernel's OOM killer, took the whole service
down with it. In a process of its own a lane reads with its own interpreter, in Linux's idle scheduling class (any
runnable API thread preempts it), and a crash or an overrun of `service.read_timeout_s` fails that one document;
the next starts a new process. Measured (docs/measurements.md): the separate process alone, at nice 10, left the
acknowledgements within the noise (they waited for SQLite's one writer: `Database.write_together`); in the idle
class their p95 while every core reads fell further. The worker's thread keeps the job's bookkeeping (claim,
lease, database rows); only `read_upload`, which touches no database, runs in the reading process.

Lanes live as long as the process that started them and are shared by every app in it, like the OCR engines
(`attest.ocr.create_ocr_engine`): a test process serving many apps starts each lane once. Each request carries
its settings, so apps with different data folders share a lane correctly."""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import threading
from multiprocessing.process import BaseProcess
from typing import Any

from attest.errors import EngineUnavailable
from attest.settings import Settings
from attest.worker.reading import ReadOutcome, ReadRequest, read_upload

log = logging.getLogger("attest.worker")

# Starting a lane (spawn, imports, compiling the models, reading the warm-up page) takes seconds; this bounds a
# start that hangs, apart from `service.read_timeout_s`, which bounds one document.
STARTUP_S = 300.0


class ReaderFault(Exception):
    """A reading process could not read a document: it died, overran its time or raised. Not transient: the same
    bytes would do the same again, so the document is refused with the reason rather than retried."""


class TransientReadFault(ConnectionError):
    """A fault in the reading that may pass (by `attest.worker.runner.is_transient`, as in a worker's own thread):
    the job goes back to the queue and is tried again."""


class ReaderStopped(TransientReadFault):
    """The lane was closed (the service is stopping) while a document was being read: the job goes back to the
    queue and the document is read after the restart instead of being refused."""


def _child(conn: multiprocessing.connection.Connection, lane: int, niceness: int, idle_class: bool) -> None:
    """The reading process: warm or read what the worker's thread sends, until it closes the pipe."""
    with contextlib.suppress(OSError, AttributeError):  # not permitted, or not Linux: the parent's priority
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
        if idle_class:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    from attest.engines import build_engines
    from attest.ocr import warm_up
    from attest.ops import context
    from attest.ops.logs import configure_logging
    from attest.pipeline import Engines
    from attest.worker.runner import is_transient

    engines: dict[bytes, Engines] = {}
    logging_done = False

    def engines_for(settings: Settings) -> Engines:
        key = pickle.dumps((settings.ocr, settings.llm))  # the OCR engine itself is cached per configuration too
        if key not in engines:
            engines[key] = build_engines(settings)
        return engines[key]

    while True:
        try:
            op, settings, request = conn.recv()
        except (EOFError, OSError):  # the worker's process is gone or closed the lane
            return
        if not logging_done:
            configure_logging(settings.log)
            logging_done = True
        reply: tuple[Any, ...]
        try:
            if op == "warm":
                built = engines_for(settings)
                if settings.ocr.warm_up:
                    warm_up(built.ocr)
                reply = ("ready", built.ocr.version)
            else:
                with context.bound(target_id=request.document_id):
                    reply = ("read", read_upload(request, settings, engines_for(settings)))
        except Exception as exc:  # a bug, an engine that cannot load, a passing fault: the worker's thread decides
            log.exception("reading lane %d failed", lane)
            reply = ("error", f"{type(exc).__name__}: {exc}"[:2000], isinstance(exc, EngineUnavailable),
                     is_transient(exc))
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def _ended(code: int | None) -> str:
    if code is None:
        return "still running"
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"


class ProcessReader:
    """One lane: a reading process, started on first use and again after it died. One document at a time."""

    def __init__(self, lane: int) -> None:
        self.lane = lane
        self._lock = threading.Lock()
        self._proc: BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._version = ""
        self._closing = False

    def _started(self, settings: Settings) -> multiprocessing.connection.Connection:
        if self._proc is not None and self._conn is not None and self._proc.is_alive():
            return self._conn
        self._discard()
        # spawn, not fork: the parent runs threads and inference runtimes that a forked child would inherit
        # half-locked.
        parent, child = multiprocessing.get_context("spawn").Pipe()
        proc = multiprocessing.get_context("spawn").Process(
            target=_child, args=(child, self.lane, settings.service.reader_niceness,
                                 settings.service.reader_idle_class),
            name=f"attest-reader-{self.lane}", daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def _discard(self) -> int | None:
        """Stop the process (if any) and forget it; returns how it ended."""
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if conn is not None:
            conn.close()
        if proc is None:
            return None
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
        return proc.exitcode

    def _ask(self, op: str, settings: Settings, request: ReadRequest | None, timeout_s: float) -> tuple[Any, ...]:
        conn = self._started(settings)
        try:
            conn.send((op, settings, request))
            # poll() also returns when the process dies (end of file), and then recv() raises.
            if not conn.poll(timeout_s):
                assert self._proc is not None
                self._proc.kill()
                self._discard()
                raise ReaderFault(f"reading took longer than {timeout_s:g} s; the reading process was stopped")
            reply: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError):  # it died before or while answering (a broken pipe is an OSError)
            ended = self._discard()
            if self._closing:
                raise ReaderStopped("the service is stopping; the document will be read after it restarts") from None
            raise ReaderFault(f"the reading process ended ({_ended(ended)}) while "
                              + ("starting" if request is None else f"reading {request.filename!r}")) from None
        if reply[0] == "error":
            if reply[2]:
                raise EngineUnavailable(reply[1])
            if reply[3]:
                raise TransientReadFault(reply[1])
            raise ReaderFault(f"the reading process failed: {reply[1]}")
        return reply

    def warm(self, settings: Settings) -> None:
        """Start the process, build its engines for `settings` and read the warm-up page (once per engine)."""
        with self._lock:
            self._version = self._ask("warm", settings, None, STARTUP_S)[1]

    def read(self, request: ReadRequest, settings: Settings) -> ReadOutcome:
        with self._lock:
            outcome: ReadOutcome = self._ask("read", settings, request, settings.service.read_timeout_s)[1]
            return outcome

    def ocr_version(self) -> str:
        return self._version

    def pid(self) -> int | None:
        """The reading process's id while it runs (None before its first use and after it stopped)."""
        return self._proc.pid if self._proc is not None else None

    def close(self) -> None:
        """Stop the process, even in the middle of a document (whose job is then given back, not failed)."""
        self._closing = True
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.terminate()  # a thread waiting on it gets end of file and lets go of the lock
        if self._lock.acquire(timeout=10):
            try:
                self._discard()
            finally:
                self._lock.release()


_LANES: dict[int, ProcessReader] = {}
_LANES_LOCK = threading.Lock()


def reading_lanes(settings: Settings, count: int) -> list[ProcessReader]:
    """This process's first `count` lanes, started and warmed for `settings` side by side."""
    with _LANES_LOCK:
        lanes = [_LANES.setdefault(i, ProcessReader(i)) for i in range(count)]
    errors: list[BaseException] = []

    def warm(lane: ProcessReader) -> None:
        try:
            lane.warm(settings)
        except BaseException as exc:  # raised again below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=warm, args=(lane,), name=f"warm-reader-{lane.lane}") for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return lanes


@atexit.register
def close_lanes() -> None:
    """Stop every reading process this process started (they would also stop on their own: the pipe closes)."""
    with _LANES_LOCK:
        lanes = list(_LANES.values())
    for lane in lanes:
        lane.close()
