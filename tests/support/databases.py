"""Throw-away databases for tests and benchmarks: a new PostgreSQL database dropped afterwards,
or a SQLite file in a folder the caller owns."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path


@contextlib.asynccontextmanager
async def fresh_postgres_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty database ``<prefix>_<hex>`` on the server of ``server_url`` (any database
    on it, used for the admin connection); yields its URL and drops it (WITH FORCE) at the end.

    A database rather than a schema, because the bot processes only take a URL.
    """
    from sqlalchemy.engine import make_url

    from db.session import create_engine

    base = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.render_as_string(hide_password=False))
    try:
        async with admin.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


@contextlib.asynccontextmanager
async def fresh_database(postgres_url: str | None, folder: Path, name: str) -> AsyncIterator[str]:
    """A new database called after ``name``: on the PostgreSQL server of ``postgres_url``
    (dropped at the end), or, when that is None, the SQLite file ``<folder>/<name>.db``."""
    if postgres_url is None:
        yield f"sqlite+aiosqlite:///{folder / (name + '.db')}"
        return
    async with fresh_postgres_database(postgres_url, name) as url:
        yield url
