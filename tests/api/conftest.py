from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from attest.api.accounts import add_tenant
from attest.api.auth import new_key
from attest.service import create_app
from attest.settings import ServiceSettings, Settings
from attest.store.db import Database, database_url, migrate

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file, or a throwaway PostgreSQL database on 127.0.0.1."""
    if request.param == "sqlite":
        yield database_url(None, tmp_path / "db")
        return
    name = f"attest_t_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Live:
    url: str
    db: Database
    settings: Settings

    def tenant(self, name: str = "t") -> str:
        return add_tenant(self.db, name)

    def key(self, tenant_id: str, role: str = "client", merchant_id: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {new_key(self.db, tenant_id=tenant_id, role=role, merchant_id=merchant_id)}"}


def sqlite_settings(root: Path, *, workers: int = 1, **service: object) -> Settings:
    """A service on its own SQLite file and data folder under `root` (no PostgreSQL database to make)."""
    return Settings(data_dir=root / "data", service=ServiceSettings(
        database_url=database_url(None, root / "db"), workers=workers, **service))  # type: ignore[arg-type]


@contextmanager
def serve(settings: Settings) -> Iterator[Live]:
    """The real app under uvicorn on a free port, with its in-process worker."""
    assert settings.service.database_url is not None
    migrate(settings.service.database_url)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.config.port}"
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    db = Database(settings.service.database_url)
    try:
        yield Live(url=url, db=db, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        db.engine.dispose()


@pytest.fixture()
def live(database: str, tmp_path: Path) -> Iterator[Live]:
    with serve(Settings(data_dir=tmp_path / "data",
                        service=ServiceSettings(database_url=database, workers=2))) as running:
        yield running


def wait_decided(client: httpx.Client, app_id: str, headers: dict[str, str], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        got = client.get(f"/v1/applications/{app_id}", headers=headers).json()
        assert got["status"] != "failed", got
        # The machine has decided once the status is `decided`, or `evidence_requested` by its own decision
        # (documents it could not read): uploads are open again then.
        if got["status"] == "decided" or (got["status"] == "evidence_requested" and got.get("decided_at")):
            return dict(got)
        assert time.monotonic() < deadline, got
        time.sleep(0.3)
