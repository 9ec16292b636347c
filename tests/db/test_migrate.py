"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import db.bot_models
import db.models
import db.outbox_models
import db.resident_models
import db.staff_models  # noqa: F401
from db.migrate import MIGRATIONS_DIR, alembic_config, head_revision, upgrade
from db.models import PLAN_TABLES, PlanMeta
from db.plan_store import load_plan, plan_revision, save_plan
from db.session import create_sessionmaker
from knowledge.ingest import load_bundled_plan
from knowledge.plan_json import plan_digest
from knowledge.staff import note_text
from tests.factories import make_edition, make_plan

PLAN_TABLE_NAMES = {str(table.__tablename__) for table in PLAN_TABLES} | {str(PlanMeta.__tablename__)}
MODEL_TABLE_NAMES = set(SQLModel.metadata.tables)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def _revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def _schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def test_migrations_ship_with_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert HEAD is not None


async def test_upgrade_creates_the_plan_tables_on_an_empty_database(engine: AsyncEngine) -> None:
    assert await _table_names(engine) == set()

    await upgrade(engine)

    assert await _table_names(engine) == MODEL_TABLE_NAMES | {"alembic_version"}
    assert await _revision(engine) == HEAD


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    await upgrade(engine)
    await upgrade(engine)

    assert await _table_names(engine) == MODEL_TABLE_NAMES | {"alembic_version"}
    assert await _revision(engine) == HEAD


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []


async def test_downgrade_to_base_and_up_again(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
    assert await _table_names(engine) == {"alembic_version"}

    await upgrade(engine)
    assert await _table_names(engine) == MODEL_TABLE_NAMES | {"alembic_version"}


async def test_upgrade_from_the_first_revision_builds_on_it(engine: AsyncEngine) -> None:
    await upgrade(engine, "0001")
    assert await _table_names(engine) == PLAN_TABLE_NAMES | {"alembic_version"}
    await upgrade(engine)
    assert await _revision(engine) == HEAD
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=make_plan(), source="test")
    async with sessions() as session:
        assert await load_plan(session=session) == make_plan()


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


async def _columns(engine: AsyncEngine, table: str) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns(table)})


async def test_a_plan_saved_before_editions_keeps_its_amounts_and_gets_its_edition(
    engine: AsyncEngine,
) -> None:
    """Revision 0008 renames project.amount_2024 to amount in place and adds the edition's
    columns; a plan saved before it loads with the edition its own texts say, until it is saved
    again."""
    bundled = load_bundled_plan()
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=bundled, source="poa.txt")
    await _downgrade(engine, "0007")  # the database as the previous version kept it
    assert "amount_2024" in await _columns(engine, "project")
    assert "municipality" not in await _columns(engine, "plan_meta")
    async with engine.connect() as connection:
        cents = await connection.scalar(text("SELECT amount_2024 FROM project WHERE snip = '242177'"))
    assert cents == 444_189_400

    await upgrade(engine)

    assert {"amount", "municipality", "poa_year", "zonas"} <= await _columns(
        engine, "project"
    ) | await _columns(engine, "plan_meta")
    assert "amount_2024" not in await _columns(engine, "project")
    async with sessions() as session:
        loaded = await load_plan(session=session)
        meta = await session.get(PlanMeta, 1)
    assert meta is not None
    assert (meta.municipality, meta.poa_year, meta.source) == (None, None, "poa.txt")
    # the cover with the PEI's period is not among the records: the rest is what the texts say
    assert loaded == replace(bundled, edition=replace(bundled.edition, pei=None))
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=bundled, source="poa.txt")
    async with sessions() as session:
        assert await load_plan(session=session) == bundled


async def test_a_chats_zona_may_be_any_municipalitys_zona(engine: AsyncEngine) -> None:
    """Villa Nueva's zona 15 is a zona; downgrading forgets the zonas the old check refuses."""
    await upgrade(engine)
    insert = "INSERT INTO chat_zona (chat_id, zona, updated_at) VALUES (:chat, :zona, CURRENT_TIMESTAMP)"
    async with engine.begin() as connection:
        await connection.execute(text(insert), [{"chat": 1, "zona": 15}, {"chat": 2, "zona": 6}])
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text(insert), {"chat": 3, "zona": 100})
    await _downgrade(engine, "0007")
    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT chat_id, zona FROM chat_zona"))).all()
    assert [tuple(row) for row in kept] == [(2, 6)]


def test_head_revision_without_alembic_matches_alembics_own() -> None:
    assert head_revision() == HEAD


async def test_revision_0010_keeps_editions_in_their_own_table(engine: AsyncEngine) -> None:
    """Revision 0010 adds ``plan_edition``, one row per municipality and POA year, empty: the plan
    already saved stays where it was (the first start keeps it there too); downgrading drops it."""
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=make_plan(), source="poa.txt")
    await _downgrade(engine, "0009")  # the database as the version before kept it
    assert "plan_edition" not in await _table_names(engine)

    await upgrade(engine)

    columns = {"municipality", "year", "loaded_at", "source", "sha256", "content"}
    assert await _columns(engine, "plan_edition") == columns
    async with engine.connect() as connection:
        key = await connection.run_sync(lambda sync: inspect(sync).get_pk_constraint("plan_edition"))
        assert await connection.scalar(text("SELECT count(*) FROM plan_edition")) == 0
    assert key["constrained_columns"] == ["municipality", "year"]
    async with sessions() as session:
        assert await load_plan(session=session) == make_plan()
    insert = (
        "INSERT INTO plan_edition (municipality, year, loaded_at, source, sha256, content) "
        "VALUES ('Mixco', 2024, CURRENT_TIMESTAMP, :source, 'x', '{}')"
    )
    async with engine.begin() as connection:
        await connection.execute(text(insert), {"source": "a.txt"})
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text(insert), {"source": "b.txt"})

    await _downgrade(engine, "0009")
    assert "plan_edition" not in await _table_names(engine)
    async with engine.connect() as connection:
        assert await connection.scalar(text("SELECT sha256 FROM plan_meta")) == plan_digest(make_plan())


async def test_revision_0011_counts_the_plans_changes_from_where_it_is(engine: AsyncEngine) -> None:
    """Revision 0011 adds ``plan_meta.revision``, 0 for the plan already saved; every later change
    moves it on (``db.plan_store.plan_revision``); downgrading drops it and keeps the plan."""
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=make_plan(), source="poa.txt")
    await _downgrade(engine, "0010")
    assert "revision" not in await _columns(engine, "plan_meta")

    await upgrade(engine)

    async with sessions() as session:
        assert await plan_revision(session=session) == 0
        assert await load_plan(session=session) == make_plan()
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=make_plan(edition=make_edition(year=2025)), source="b.txt")
    async with sessions() as session:
        assert await plan_revision(session=session) == 1
    await _downgrade(engine, "0010")
    assert "revision" not in await _columns(engine, "plan_meta")


RAW_NOTES = [
    "obra \u202eadnuges\u202c lista",
    "tubo\x07 listo\x1b[31m",
    "primera\nsegunda\r\ntercera",
    "\ufeff\u2066aislada\u2069",
    "\x07\u202e",
    "x" * 600,
    "nota limpia, sin nada raro",
]


async def test_revision_0012_cleans_old_notes_as_a_note_is_cleaned_now(engine: AsyncEngine) -> None:
    """Notes stored before every note was cleaned where it enters are cleaned once by revision
    0012, exactly as ``note_text`` cleans a note now; the rows stay, a clean note is untouched."""
    await upgrade(engine, "0011")
    insert = (
        "INSERT INTO project_status (snip, status, progress, note, author_id, created_at)"
        " VALUES ('242177', 'en_ejecucion', NULL, :note, 1, CURRENT_TIMESTAMP)"
    )
    async with engine.begin() as connection:
        await connection.execute(text(insert), [{"note": note} for note in RAW_NOTES])

    await upgrade(engine)

    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT note FROM project_status ORDER BY id"))).scalars().all()
    assert kept == [note_text(note) for note in RAW_NOTES]
    assert kept[0] == "obra adnuges lista"
    assert kept[4] is None
    assert kept[-1] == RAW_NOTES[-1]
