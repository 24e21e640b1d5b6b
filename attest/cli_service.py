"""`attest serve` and `attest demo-tenant`: the REST service and a demo tenant to try it with."""

from __future__ import annotations

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


@service_app.command("demo-tenant")
def demo_tenant() -> None:
    """Create (or reuse) the demo tenant and merchant and print a new client API key."""
    tenant_id, merchant_id, key = seed_demo()
    typer.echo(f"tenant {tenant_id}\nmerchant {merchant_id}\nAPI key {key}")


@service_app.command("run")
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1", port: Annotated[int, typer.Option()] = 8000,
          demo: Annotated[bool, typer.Option(help="Seed the demo tenant and print a key first.")] = False) -> None:
    """Migrate the database and serve the API with the in-process worker."""
    import uvicorn

    from attest.api.app import create_app
    from attest.settings import get_settings

    if demo:
        demo_tenant()
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="info")


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
