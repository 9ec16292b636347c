"""Sessions on the engine of ``db.engine`` (re-exported here), and the one INSERT … ON CONFLICT
that both dialects share."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine as create_engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory; objects stay readable after commit (no implicit reload in async code)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def insert_for(session: AsyncSession, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``model``'s table in the session's dialect, which has ``on_conflict_do_update``
    and ``on_conflict_do_nothing`` (the same syntax on PostgreSQL and SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
