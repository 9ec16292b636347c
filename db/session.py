"""Sessions on the engine of ``db.engine`` (re-exported here), and the one INSERT … ON CONFLICT
that both dialects share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine as create_engine

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory; objects stay readable after commit (no implicit reload in async code)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def insert_for(session: AsyncSession, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``model``'s table in the session's dialect, which has ``on_conflict_do_update``
    and ``on_conflict_do_nothing`` (the same syntax on PostgreSQL and SQLite)."""
    if session.get_bind().dialect.name == "postgresql":  # its dialect loads only on PostgreSQL
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)
