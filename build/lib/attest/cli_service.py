"""`attest serve` and `attest demo-tenant`: the REST service and a demo tenant to try it with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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


def _submit_demo_case(base_url: str, key: str, merchant_id: str, documents: Path) -> None:
    """Once the server answers: one application with the sample documents, uploaded and submitted through the
    API like a phone would, unless the demo merchant already has one."""
    import time

    import httpx

    headers = {"Authorization": f"Bearer {key}"}
    files = sorted(p for p in documents.iterdir() if p.suffix.lower() in (".pdf", ".png", ".jpg", ".jpeg"))
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as c:
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
        if have or not files:
            return
        app = c.post("/v1/applications", json={"merchant_id": merchant_id}).json()
        c.post(f"/v1/applications/{app['id']}/documents",
               files=[("files", (p.name, p.read_bytes())) for p in files]).raise_for_status()
        c.post(f"/v1/applications/{app['id']}/submit").raise_for_status()
        typer.echo(f"demo case {app['id']}: {len(files)} documents submitted; it appears in the review queue "
                   "once read")


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
