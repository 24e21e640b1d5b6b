"""Alembic environment: the URL comes from the caller (`attest.store.db.migrate`), the metadata from models."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from attest.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "attest.store.db.migrate sets sqlalchemy.url"
engine = create_engine(url)
with engine.connect() as connection:
    # SQLite cannot ALTER most things: batch mode rewrites tables the way Alembic documents.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
