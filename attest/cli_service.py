"""`attest serve` and `attest demo-tenant`: the REST service and a demo tenant to try it with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import httpx

service_app = typer.Typer(no_args_is_help=True, help="The REST service.")

DEMO_MERCHANT = {"name": "滴滴出行科技有限公司", "uscc": "911201163409833307", "industry": "logistics",
                 "city": "天津", "city_tier": 2}


def seed_demo() -> tuple[str, str, str]:
    """A demo tenant, one merchant (the seller on the bundled sample PDF invoice) and a client key."""
    from decimal import Decimal

    from sqlalchemy import select

    from attest.api.auth import new_key
    from attest.settings import get_settings
    from attest.store.db import open_database
    from attest.store.models import Merchant, Tenant

    s = get_settings()
    db = open_database(s.service.database_url, s.data_dir)
    with db.session() as session:
        tenant = session.scalar(select(Tenant).where(Tenant.name == "demo"))
        if tenant is None:
            tenant = Tenant(name="demo")
            session.add(tenant)
            session.flush()
        merchant = session.scalar(select(Merchant).where(Merchant.tenant_id == tenant.id,
                                                         Merchant.uscc == DEMO_MERCHANT["uscc"]))
        if merchant is None:
            merchant = Merchant(tenant_id=tenant.id, current_limit=Decimal(30000), **DEMO_MERCHANT)
            session.add(merchant)
            session.flush()
        tenant_id, merchant_id = tenant.id, merchant.id
    key = new_key(db, tenant_id=tenant_id, role="client")
    db.engine.dispose()
    return tenant_id, merchant_id, key


def seed_demo_reviewer(tenant_id: str) -> tuple[str, str]:
    """The demo tenant's reviewer account `demo`, with a new random password each time (printed, never stored)."""
    import secrets

    from sqlalchemy import select

    from attest.api.accounts import add_reviewer, hash_password
    from attest.settings import get_settings
    from attest.store.db import open_database
    from attest.store.models import Reviewer

    s = get_settings()
    db = open_database(s.service.database_url, s.data_dir)
    password = secrets.token_urlsafe(12)
    with db.session() as session:
        r = session.scalar(select(Reviewer).where(Reviewer.tenant_id == tenant_id, Reviewer.username == "demo"))
        if r is not None:
            r.password_hash = hash_password(password)
    if r is None:
        add_reviewer(db, tenant_id=tenant_id, username="demo", password=password)
    db.engine.dispose()
    return "demo", password


_UPLOADS = (".pdf", ".png", ".jpg", ".jpeg", ".ofd", ".csv", ".xls", ".xlsx")


def submit_demo_cases(client: httpx.Client, base_url: str, merchant_id: str, documents: Path) -> list[str]:
    """Each case folder under `documents` (its `case.json` names the merchant and what the case shows) as one
    application, uploaded and submitted through the API like a phone would; a folder of files alone is one
    application of the demo merchant. A merchant already registered keeps its applications (409: skipped).
    Returns a line per case with its page for the reviewer."""
    cases = sorted(p for p in documents.iterdir() if p.is_dir() and (p / "case.json").is_file())
    lines = []
    for folder in cases or [documents]:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _UPLOADS)
        if not files:
            continue
        shows = "the sample documents"
        owner = merchant_id
        if folder is not documents:
            case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
            shows = case["shows"]
            made = client.post("/v1/merchants", json=case["merchant"])
            if made.status_code == 409:
                continue  # seeded by an earlier run: its case is there already
            made.raise_for_status()
            owner = made.json()["id"]
        app = client.post("/v1/applications", json={"merchant_id": owner}).json()
        client.post(f"/v1/applications/{app['id']}/documents",
                    files=[("files", (p.name, p.read_bytes())) for p in files]).raise_for_status()
        client.post(f"/v1/applications/{app['id']}/submit").raise_for_status()
        lines.append(f"{folder.name}: {shows}\n    {base_url}/review/cases/{app['id']}")
    return lines


def _submit_demo_case(base_url: str, key: str, merchant_id: str, documents: Path) -> None:
    """Once the server answers: the demo's cases, unless the demo merchant already has an application."""
    import time

    import httpx

    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
        for _ in range(600):
            try:
                if c.get("/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        from sqlalchemy import func, select

        from attest.settings import get_settings
        from attest.store.db import open_database
        from attest.store.models import Application

        s = get_settings()
        db = open_database(s.service.database_url, s.data_dir)
        with db.session() as session:
            have = session.scalar(select(func.count()).select_from(Application)
                                  .where(Application.merchant_id == merchant_id))
        db.engine.dispose()
        if have:
            return
        lines = submit_demo_cases(c, base_url, merchant_id, documents)
        if lines:
            typer.echo("demo cases submitted; each appears in the review queue once read:\n" + "\n".join(lines))


@service_app.command("demo-tenant")
def demo_tenant() -> None:
    """Create (or reuse) the demo tenant, merchant and reviewer; print a new client API key and password."""
    tenant_id, merchant_id, key = seed_demo()
    username, password = seed_demo_reviewer(tenant_id)
    typer.echo(f"tenant {tenant_id}\nmerchant {merchant_id}\nAPI key {key}\n"
               f"reviewer {username} / {password}  (log in at /review)")


@service_app.command("run")
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1", port: Annotated[int, typer.Option()] = 8000,
          demo: Annotated[bool, typer.Option(help="Seed the demo tenant and print a key first.")] = False,
          demo_documents: Annotated[Path | None, typer.Option(
              help="With --demo: submit these documents as the demo merchant's first application.")] = None) -> None:
    """Migrate the database and serve the API and the reviewer page (/review) with the in-process worker."""
    import threading

    import uvicorn

    from attest.ops.logs import configure_logging
    from attest.service import create_app
    from attest.settings import get_settings

    settings = get_settings()
    configure_logging(settings.log)
    if demo:
        tenant_id, merchant_id, key = seed_demo()
        username, password = seed_demo_reviewer(tenant_id)
        typer.echo(f"tenant {tenant_id}\nmerchant {merchant_id}\nAPI key {key}\n"
                   f"reviewer page http://{host}:{port}/review  user {username}  password {password}")
        if demo_documents is not None and demo_documents.is_dir():
            threading.Thread(target=_submit_demo_case, args=(f"http://{host}:{port}", key, merchant_id,
                                                             demo_documents), daemon=True).start()
    # Logging is configured above (JSON lines, personal data masked); uvicorn must not replace it.
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)


@service_app.command("add-reviewer")
def add_reviewer_cmd(tenant: Annotated[str, typer.Option(help="Tenant id.")],
                     username: Annotated[str, typer.Option()],
                     role: Annotated[str, typer.Option(help="reviewer | admin")] = "reviewer") -> None:
    """Create a reviewer account; the password is read from the prompt (or ATTEST_REVIEWER_PASSWORD)."""
    import os

    from attest.api.accounts import add_reviewer
    from attest.settings import get_settings
    from attest.store.db import open_database

    password = os.environ.get("ATTEST_REVIEWER_PASSWORD") or typer.prompt("password", hide_input=True,
                                                                           confirmation_prompt=True)
    s = get_settings()
    try:
        db = open_database(s.service.database_url, s.data_dir)
        rid = add_reviewer(db, tenant_id=tenant, username=username, password=password, role=role)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    typer.echo(f"reviewer {rid} ({role})")


@service_app.command("cluster")
def cluster_cmd(workers: Annotated[int, typer.Option(help="Celery worker processes; 0: one per core.")] = 0,
                data_dir: Annotated[Path, typer.Option(help="Shared blobs, previews and the Chroma server's files.")] =
                Path("var/cluster"),
                admin_url: Annotated[str, typer.Option(help="A PostgreSQL database to create the cluster's in.")] =
                "postgresql+psycopg://postgres@127.0.0.1:5432/test",
                database: Annotated[str, typer.Option()] = "attest_cluster",
                fresh: Annotated[bool, typer.Option(help="Start from empty database and data directory.")] = False
                ) -> None:
    """API + Celery workers (Redis broker) + PostgreSQL + a Chroma server, all on 127.0.0.1, until Ctrl-C."""
    import os

    from attest.cluster import run_cluster

    run_cluster(workers=workers or os.cpu_count() or 1, data_dir=data_dir, admin_url=admin_url, database=database,
                fresh=fresh)
