"""Shared fixtures.

Database fixtures (run every DB test on SQLite and, when ``TEST_DATABASE_URL`` is set, on
PostgreSQL too):

- ``engine``: an AsyncEngine on a new, empty database (SQLite file under ``tmp_path``; on
  PostgreSQL a fresh schema, dropped afterwards). Disposed after the test.
- ``sessionmaker``: ``create_sessionmaker(engine)`` after the migrations ran on that same engine.

Editions of the plan made from the bundled document (``tests/editions.py``), parsed once:
``next_year_plan`` (the POA 2025), ``previous_year_plan`` (the POA 2023, one amount changed),
``other_municipality_plan`` (Villa Nueva, fifteen zonas) and their documents' texts.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
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
from knowledge.ingest import load_bundled_plan, parse_plan, read_bundled_text
from knowledge.model import Plan
from tests.editions import drifted_text, next_year_text, other_municipality_text, previous_year_text
from tests.support.databases import fresh_postgres_database
from tests.support.editions import next_edition_text
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
def previous_year_document() -> str:
    return previous_year_text()


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
def previous_year_plan(previous_year_document: str) -> Plan:
    return parse_plan(previous_year_document)


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


# --- Plan editions made from the bundled document --------------------------------------------------


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` replaced (an edit that finds nothing, or more than meant,
    would test the bundled document instead of the broken one)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def cut_lines(text: str, first: str, last: str | None) -> str:
    """``text`` without the lines from the one starting with ``first`` up to the one starting
    with ``last`` (excluded; None: to the end)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = len(lines) if last is None else next(i for i, line in enumerate(lines) if line.startswith(last))
    assert start < end
    return "\n".join(lines[:start] + lines[end:])


def second_edition(document: str) -> str:
    """A valid next edition: project 1 costs Q 5,000,000.00, and the TOTAL row says so."""
    edition = replace_once(document, "\t4,441,894.00\t", "\t5,000,000.00\t")
    return replace_once(edition, "Q 18,819,178.00", "Q 19,377,284.00")


@dataclass(frozen=True)
class BrokenEdition:
    """A plan document that must be refused: its text, what the refusal says, and the line it
    names: the last line starting with ``line_start`` (the table of contents, above, repeats the
    chapter headings), its number looked up in ``text``."""

    text: str
    message: str
    line_start: str

    @property
    def line(self) -> int:
        return max(n for n, t in enumerate(self.text.splitlines(), 1) if t.startswith(self.line_start))

    @property
    def where(self) -> str:
        """How the refusal names the line: number, then the line's start in «»."""
        return f"línea {self.line} «{self.line_start.replace(chr(9), ' | ')}"


FUNDING_TOTAL_ROW = "7) Total financiamiento para el año fiscal 2024"
PROJECT_ROW_4 = "4\tMEJORAMIENTO SISTEMA DE AGUA POTABLE"
PROJECT_4_TAIL = "\t299884\t2,033,600.00\tMULTIANUAL 2023-2025"
PROJECTS_HEADING = "PROYECTOS CON APOORTE"
FUNDING_HEADING = "DISPONIBILIDAD FINANCIERA PARA EL PLAN"
POA_CHAPTER = "V. PLAN OPERATIVO ANUAL 2024"
NO_PROJECTS = "el plan no trae proyectos: falta la tabla de proyectos"
NO_FUNDING = "el plan no trae fuentes de financiamiento: falta la tabla de disponibilidad financiera"


def _broken_editions(d: str) -> dict[str, tuple[str, str, str]]:
    """name → (text, message, line start), each a small edit of the bundled document ``d``."""
    return {
        "funding-total-available": (
            replace_once(d, "Q688,310,200.00", "Q999,310,200.00"),
            "el total no cuadra: la columna de disponibilidad financiera dice Q 999,310,200.00, "
            "pero sus 7 filas suman Q 688,310,200.00 (diferencia Q 311,000,000.00)",
            FUNDING_TOTAL_ROW,
        ),
        "funding-total-investment": (
            replace_once(d, "Q364,029,262.59", "Q364,029,262.95"),
            "la columna de inversión dice Q 364,029,262.95, pero sus 7 filas suman Q 364,029,262.59",
            FUNDING_TOTAL_ROW,
        ),
        "funding-total-operating": (
            replace_once(d, "Q324,280,937.41", "Q324,280,000.00"),
            "la columna de funcionamiento dice Q 324,280,000.00, pero sus 7 filas suman Q 324,280,937.41",
            FUNDING_TOTAL_ROW,
        ),
        "funding-share": (
            replace_once(d, "Q 47,700,000.00\t90%", "Q 47,700,000.00\t80%"),
            "el porcentaje de inversión dice 80%, pero Q 47,700,000.00 de Q 53,000,000.00 es el 90.00%",
            "Situado constitucional",
        ),
        "funding-row-parts": (
            replace_once(d, "\t5,300,000.00\t10%", "\t5,400,000.00\t10%"),
            "la fila no cuadra: inversión Q 47,700,000.00 más funcionamiento Q 5,400,000.00 da "
            "Q 53,100,000.00, no la disponibilidad de Q 53,000,000.00",
            "Situado constitucional",
        ),
        "funding-negative": (
            replace_once(
                d, "Fonpetrol\tQ 1,833,000.00\tQ 1,833,000.00", "Fonpetrol\t-1,833,000.00\t-1,833,000.00"
            ),
            "el monto disponible es negativo (Q -1,833,000.00)",
            "Fonpetrol",
        ),
        "projects-total": (
            replace_once(d, "Q 18,819,178.00", "Q 18,819,179.00"),
            "el TOTAL de proyectos no cuadra: dice Q 18,819,179.00, pero los 7 proyectos de arriba "
            "suman Q 18,819,178.00 (diferencia Q 1.00)",
            "TOTAL\t",
        ),
        "project-cut-short": (
            replace_once(d, PROJECT_4_TAIL, "\t299884"),
            "la fila de proyecto está incompleta: tiene 3 columnas y se esperaban 5",
            PROJECT_ROW_4,
        ),
        "project-without-amount": (
            replace_once(d, PROJECT_4_TAIL, "\t299884\t\tMULTIANUAL 2023-2025"),
            "la fila de proyecto no tiene el monto",
            PROJECT_ROW_4,
        ),
        "duplicate-snip": (
            replace_once(d, "\t276227\t", "\t242177\t"),
            "SNIP 242177 repetido (la primera vez: línea 1262 «1 | CONSTRUCCION SISTEMA DE ALCANTARILLADO",
            "2\tCONSTRUCCION POZO(S)",
        ),
        "negative-amount": (
            replace_once(d, "\t4,441,894.00\t", "\t-4,441,894.00\t"),
            "el monto del proyecto es negativo (Q -4,441,894.00)",
            "1\tCONSTRUCCION SISTEMA DE ALCANTARILLADO",
        ),
        "zona-99": (
            replace_once(d, "PRIMERO DE JULIO ZONA 5", "PRIMERO DE JULIO ZONA 99"),
            "la zona 99 no es del municipio (sus zonas: 1 a 11)",
            "8\tMEJORAMIENTO PARQUE RECREATIVO",
        ),
        "no-projects-table": (cut_lines(d, PROJECTS_HEADING, None), NO_PROJECTS, POA_CHAPTER),
        "empty-projects-table": (cut_lines(d, "1\tCONSTRUCCION", None), NO_PROJECTS, PROJECTS_HEADING),
        "no-funding-table": (cut_lines(d, FUNDING_HEADING, PROJECTS_HEADING), NO_FUNDING, POA_CHAPTER),
        "empty-funding-table": (
            cut_lines(d, "Situado constitucional", "7) Total"),
            NO_FUNDING,
            FUNDING_HEADING,
        ),
    }


@cache
def broken_editions() -> dict[str, BrokenEdition]:
    return {name: BrokenEdition(*parts) for name, parts in _broken_editions(read_bundled_text()).items()}


@pytest.fixture(params=list(broken_editions()))
def broken_edition(request: pytest.FixtureRequest) -> BrokenEdition:
    """Each broken edition of the bundled document in turn."""
    return broken_editions()[request.param]


# Plan editions ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def bundled_edition() -> Plan:
    """The bundled document, read once for the session (a Plan is immutable)."""
    return load_bundled_plan()


@pytest.fixture(scope="session")
def next_edition_document() -> str:
    """The bundled document as next year's edition (tests.support.editions: what it changes)."""
    return next_edition_text()


@pytest.fixture(scope="session")
def next_edition(next_edition_document: str) -> Plan:
    return parse_plan(next_edition_document)
