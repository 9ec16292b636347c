"""Engine settings: SQLite pragmas, URL normalisation, nothing but SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db.session import create_engine, create_sessionmaker


async def test_sqlite_engine_creates_the_folder_and_sets_the_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "mixco.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        assert path.parent.is_dir()
        async with engine.connect() as connection:
            pragmas = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            ]
        assert pragmas == ["wal", 5000, 1]
    finally:
        await engine.dispose()


async def test_plain_sqlite_url_gets_the_async_driver(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert engine.url.drivername == "sqlite+aiosqlite"
    finally:
        await engine.dispose()


async def test_plain_postgresql_url_gets_the_async_driver() -> None:
    engine = create_engine("postgresql://bot:secret@db.example/mixco")
    try:
        assert engine.url.drivername == "postgresql+asyncpg"
        assert engine.url.password == "secret"  # not masked by a str() round trip
    finally:
        await engine.dispose()


@pytest.mark.parametrize("url", ["mysql+aiomysql://u@h/db", "not a url"])
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="database URL"):
        create_engine(url)


async def test_sqlite_transactions_are_atomic_for_ddl(tmp_path: Path) -> None:
    """A rolled-back transaction takes its CREATE TABLE with it (the BEGIN recipe is on)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.rollback()
            tables = (await connection.execute(text("SELECT name FROM sqlite_master"))).all()
        assert tables == []
    finally:
        await engine.dispose()


async def test_sessions_keep_objects_readable_after_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        sessionmaker = create_sessionmaker(engine)
        assert sessionmaker.kw["expire_on_commit"] is False
        async with sessionmaker() as session:
            assert (await session.exec(text("SELECT 1"))).scalar_one() == 1  # type: ignore[call-overload]
    finally:
        await engine.dispose()
