"""The multi-process topology on one machine (`make run-cluster`, the fault run, the Celery tests): a Chroma
server, PostgreSQL for metadata, Redis as the broker, one API process and N Celery workers, blobs on a shared
directory — every process a child of this one, on 127.0.0.1, stopped together."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import sqlalchemy as sa

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_database(admin_url: str, name: str, *, fresh: bool = False) -> str:
    """A PostgreSQL database `name` on the server of `admin_url` (created, or dropped and created when fresh)."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        if fresh:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if not c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _pump(stream: IO[bytes], prefix: str, sink: IO[str] | None) -> None:
    for raw in iter(stream.readline, b""):
        if sink is not None:
            sink.write(f"{prefix} {raw.decode('utf-8', 'replace').rstrip()}\n")
            sink.flush()


@dataclass
class Cluster:
    """Start with `up()`; every process's output goes to `log` prefixed by its name."""

    data_dir: Path
    database_url: str
    workers: int = 2
    api_port: int = 8000
    chroma_port: int = 8001
    redis_port: int | None = None  # None: the machine's Redis at 6379; a port: a private redis-server there
    demo: bool = False
    env: dict[str, str] = field(default_factory=dict)
    log: IO[str] | None = field(default_factory=lambda: sys.stdout)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port or 6379}/0"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def environment(self) -> dict[str, str]:
        return {**os.environ, "ATTEST_DATA_DIR": str(self.data_dir), "ATTEST_SERVICE__WORKER": "celery",
                "ATTEST_SERVICE__DATABASE_URL": self.database_url, "ATTEST_SERVICE__BROKER_URL": self.broker_url,
                "ATTEST_PATTERNS__CHROMA_URL": f"http://127.0.0.1:{self.chroma_port}",
                # One OCR thread per worker process: the processes share the cores instead of fighting for them.
                "ATTEST_OCR__THREADS": "1", **self.env}

    def _start(self, name: str, argv: list[str], *, quiet: bool = False) -> None:
        """Start a child in its own process group; its output goes to `log`, or to `<data_dir>/<name>.log`."""
        if quiet:
            with (self.data_dir / f"{name}.log").open("ab") as out:
                proc = subprocess.Popen(argv, env=self.environment(), stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        else:
            proc = subprocess.Popen(argv, env=self.environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            assert proc.stdout is not None
            threading.Thread(target=_pump, args=(proc.stdout, f"[{name}]", self.log), daemon=True).start()
        self.procs[name] = proc

    def start_redis(self) -> None:
        if self.redis_port is not None:
            self._start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no"], quiet=True)
            self._wait(lambda: _can_connect(self.redis_port or 0), "redis")

    def start_worker(self, i: int) -> None:
        self._start(f"worker-{i}", [str(BIN / "attest"), "worker", "--name", f"w{i}"])

    def up(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.start_redis()
        self._start("chroma", [str(BIN / "chroma"), "run", "--path", str(self.data_dir / "chroma"), "--host",
                               "127.0.0.1", "--port", str(self.chroma_port)], quiet=True)
        self._wait(lambda: _http_ok(f"http://127.0.0.1:{self.chroma_port}/api/v2/heartbeat"), "chroma")
        api = [str(BIN / "attest"), "service", "run", "--port", str(self.api_port)]
        if self.demo:
            api += ["--demo", "--demo-documents", str(Path(__file__).resolve().parents[1] / "tests/data/samples")]
        self._start("api", api)
        self._wait(lambda: _http_ok(f"{self.api_url}/healthz"), "api")
        for i in range(self.workers):
            self.start_worker(i)
        self._wait(lambda: _http_ok(f"{self.api_url}/readyz"), "workers (readyz)", timeout=180)

    def _wait(self, ready: object, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not ready():  # type: ignore[operator]
            dead = [n for n, p in self.procs.items() if p.poll() is not None]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited while waiting for {what}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
            time.sleep(0.2)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def down(self) -> None:
        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in list(self.procs.values()):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()


def _http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _can_connect(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_cluster(*, workers: int, data_dir: Path, admin_url: str, database: str, fresh: bool) -> None:
    """`make run-cluster`: the topology with the demo tenant, until Ctrl-C."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if fresh:
        shutil.rmtree(data_dir, ignore_errors=True)
    cluster = Cluster(data_dir=data_dir, database_url=ensure_database(admin_url, database, fresh=fresh),
                      workers=workers, demo=True)
    try:
        cluster.up()
        print(f"cluster ready: API and reviewer page {cluster.api_url} (/review, /readyz, /metrics); "
              f"{workers} Celery workers; Ctrl-C stops everything", flush=True)
        stop.wait()
    finally:
        cluster.down()
