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
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from db.engine import create_engine
from db.naming import NAMING_CONVENTION

config = context.config


def models_metadata() -> MetaData:
    """Every table of the models: what ``--autogenerate`` compares the database with. Applying
    revisions reads only its naming convention (Alembic names the constraints a revision creates
    by it), so ``db.migrate.upgrade`` runs on :func:`naming_only` instead, without importing the
    models, the knowledge package and numpy behind them (a third of a second and more)."""
    from sqlmodel import SQLModel

    import db.bot_models
    import db.models
    import db.outbox_models
    import db.resident_models
    import db.staff_models  # noqa: F401  (every table, so that the metadata knows them all)

    return SQLModel.metadata


def naming_only() -> MetaData:
    """No tables, the models' naming convention: all that applying revisions reads of it."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def run_migrations(connection: Connection, target_metadata: MetaData) -> None:
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
        target_metadata=models_metadata(),
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
            await connection.run_sync(run_migrations, models_metadata())
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
    run_migrations(given, naming_only())  # db.migrate.upgrade: applying revisions only
else:
    asyncio.run(run_online_from_cli())
