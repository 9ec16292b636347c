"""The async engine for SQLite (aiosqlite) and PostgreSQL (asyncpg), with the SQLite connection
setup. SQLAlchemy only: the schema migration's child process (``db.migrate``) opens its engine
here without loading SQLModel; sessions are ``db.session``'s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 5000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def create_engine(url: str) -> AsyncEngine:
    """An AsyncEngine for ``sqlite[+aiosqlite]://`` or ``postgres[ql][+asyncpg]://`` URLs.

    A plain ``sqlite:///`` or ``postgresql://`` URL gets the async driver. For a SQLite file the
    parent folder is created. Raises ValueError for any other database.
    """
    parsed = _async_url(url)
    if parsed.get_backend_name() == "sqlite":
        _make_parent_folder(parsed)
        # SQLite has one writer at a time. With one pooled connection, this process's sessions
        # queue for it in asyncio (fair, no sleeping) instead of in SQLite's busy handler, which
        # backs off in sleeps of up to 100 ms. Other processes still meet busy_timeout.
        engine = create_async_engine(parsed, pool_size=1, max_overflow=0, pool_timeout=60)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True)


def _async_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError("malformed database URL (expected e.g. sqlite+aiosqlite:///data/mixco.db)") from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
        )
    return parsed.set(drivername=driver)


def _make_parent_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Pragmas on every new connection, and a real BEGIN so that transactions (DDL too) are atomic.

    pysqlite (under aiosqlite) otherwise opens transactions lazily and never around DDL, which
    breaks transactional migrations and SAVEPOINTs; this is SQLAlchemy's documented recipe.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # autocommit at the driver; we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # In WAL mode NORMAL never corrupts the database; only the last commits before a power
            # cut may be lost. It saves an fsync on every commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front. A deferred transaction that reads and then
        # writes fails at once with "database is locked" when another connection wrote in between
        # (SQLite cannot upgrade a stale read snapshot, and busy_timeout does not apply); an
        # immediate one simply waits its turn. Transactions here are short, so serialising is cheap.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
