"""Apply the Alembic migrations from code, wherever the package is installed.

Alembic is imported only when the database is behind: a bot starting on an up-to-date schema
checks ``alembic_version`` against the newest revision file and goes on (Alembic weighs ~11 MB).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

_PG_LOCK_KEY = 0x4D49_58C0  # pg_advisory_xact_lock key: one migrator at a time per database


REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*['\"]?([\w]+)?['\"]?", re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at this package's migrations (no alembic.ini, no cwd)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision: the one no other revision file names as its ``down_revision``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for key, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value and value != "None":
                (revisions if key == "revision" else parents).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"expected one head revision, found {sorted(heads)}")
    return heads.pop()


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the schema is at the newest revision (without loading Alembic)."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    return current == head_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` in one transaction; a no-op when already there."""
    if revision == "head" and await is_current(engine):
        return
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)


def _current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    if connection.dialect.name == "postgresql":
        # Two instances starting together: the second waits, then finds nothing to do.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
    command.upgrade(alembic_config(connection), revision)


async def _upgrade_url(url: str) -> None:
    from db.engine import create_engine

    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    # ``DATABASE_URL=… python -m db.migrate``: what the bot runs in a child process before serving.
    import asyncio
    import os

    asyncio.run(_upgrade_url(os.environ["DATABASE_URL"]))
