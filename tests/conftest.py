"""Shared fixtures.

Database fixtures (run every DB test on SQLite and, when ``TEST_DATABASE_URL`` is set, on
PostgreSQL too):

- ``engine``: an AsyncEngine on a new, empty database (SQLite file under ``tmp_path``; on
  PostgreSQL a fresh schema, dropped afterwards). Disposed after the test.
- ``sessionmaker``: ``create_sessionmaker(engine)`` after the migrations ran on that same engine.

Editions of the plan made from the bundled document (``tests/editions.py``), parsed once:
``next_year_plan`` (the POA 2025), ``other_municipality_plan`` (Villa Nueva, fifteen zonas) and
their documents' texts.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from db.migrate import upgrade
from db.session import create_engine, create_sessionmaker
from knowledge.ingest import parse_plan
from knowledge.model import Plan
from tests.editions import drifted_text, next_year_text, other_municipality_text
from tests.support.databases import fresh_postgres_database
from tests.support.fakebotapi import FakeBotApi

# PTB 22 warns (an error under -W error) when it builds RetryAfter with an int unless told to use
# timedelta; the bot sets the same in bot/__main__.py.
os.environ.setdefault("PTB_TIMEDELTA", "true")

TEST_DATABASE_URL_ENV = "TEST_DATABASE_URL"
POSTGRES_SKIP_REASON = "set TEST_DATABASE_URL=postgresql+asyncpg://… to run against PostgreSQL"

DB_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not os.environ.get(TEST_DATABASE_URL_ENV), reason=POSTGRES_SKIP_REASON),
    ),
]


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """Put the root logger back as it was: a test that runs ``main()`` (or configures logging
    itself) leaves a handler on a stream that is closed once the test is over."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def next_year_document() -> str:
    return next_year_text()


@pytest.fixture(scope="session")
def drifted_document() -> str:
    return drifted_text()


@pytest.fixture(scope="session")
def other_municipality_document() -> str:
    return other_municipality_text()


@pytest.fixture(scope="session")
def next_year_plan(next_year_document: str) -> Plan:
    return parse_plan(next_year_document)


@pytest.fixture(scope="session")
def other_municipality_plan(other_municipality_document: str) -> Plan:
    return parse_plan(other_municipality_document)


@pytest.fixture(params=DB_BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database; parametrised over SQLite and PostgreSQL."""
    if request.param == "sqlite":
        sqlite_engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db' / 'test.db'}")
        try:
            yield sqlite_engine
        finally:
            await sqlite_engine.dispose()
    else:
        async with postgres_test_engine(os.environ[TEST_DATABASE_URL_ENV]) as pg_engine:
            yield pg_engine


@pytest.fixture(params=DB_BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database a bot (or another process) opens by URL: a SQLite file, or a new PostgreSQL
    database (a bot takes only a URL, so a schema of the test database would not do)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    async with fresh_postgres_database(os.environ[TEST_DATABASE_URL_ENV], "test_bot") as url:
        yield url


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the ``engine`` fixture's database, with all migrations applied."""
    await upgrade(engine)
    return create_sessionmaker(engine)


@asynccontextmanager
async def postgres_test_engine(url: str) -> AsyncIterator[AsyncEngine]:
    """An engine whose connections live in a new schema of ``url``'s database, dropped at the end.

    A schema per test keeps tests independent, also when several test runs share the database.
    """
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    try:
        async with admin.begin() as connection:
            await connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = create_engine(url)
        _use_search_path(engine, schema)
        try:
            yield engine
        finally:
            await engine.dispose()
            async with admin.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.dispose()


def _use_search_path(engine: AsyncEngine, schema: str) -> None:
    """SQLAlchemy's recipe; ``insert=True`` runs it before the dialect reads the default schema."""

    @event.listens_for(engine.sync_engine, "connect", insert=True)
    def _set_search_path(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f'SET SESSION search_path = "{schema}"')
        finally:
            cursor.close()
        dbapi_connection.autocommit = autocommit


# --- The fake Telegram Bot API -------------------------------------------------------------------


def settings_for(api: FakeBotApi, database: Path | str, **overrides: Any) -> Settings:
    """Settings of a bot that talks to ``api`` and keeps its data in the SQLite file ``database``
    (or in the database a URL names)."""
    return Settings(
        telegram_token=SecretStr(api.token),
        telegram_api_base_url=f"{api.url}/bot",
        database_url=database if isinstance(database, str) else f"sqlite+aiosqlite:///{database}",
        **overrides,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on 127.0.0.1 (tests.support.fakebotapi), stopped after the test."""
    async with FakeBotApi() as fake:
        yield fake


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, settings: Settings, *, concurrent_updates: int = 1
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The real Application, polling ``api``, by default one update at a time (so tests can rely
    on order); started and stopped the way ``run_polling`` does it, post_init and post_shutdown
    included."""
    application = build_application(settings, concurrent_updates=concurrent_updates)
    async with application:
        assert application.updater is not None
        assert application.post_init
        assert application.post_shutdown
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await api.wait_polling()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
