"""Alembic environment.

Normally run through :func:`db.migrate.upgrade`, which hands over an open connection in
``config.attributes["connection"]``. The ``alembic`` command line works too (for writing new
revisions): ``alembic -c db/alembic.ini -x url=sqlite+aiosqlite:///data/dev.db revision
--autogenerate -m "..."``; without ``-x url`` it uses ``DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import db.bot_models
import db.models
import db.outbox_models
import db.resident_models
import db.staff_models  # noqa: F401  (every table, so that the metadata knows them all)
from db.session import create_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Print the SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_cli_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online_from_cli() -> None:
    engine = create_engine(_cli_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def _cli_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("alembic: pass -x url=DATABASE_URL or set DATABASE_URL")
    return url


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    run_migrations(given)
else:
    asyncio.run(run_online_from_cli())
