"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import db.bot_models
import db.models
import db.outbox_models
import db.resident_models
import db.staff_models  # noqa: F401
from db.migrate import MIGRATIONS_DIR, alembic_config, head_revision, upgrade
from db.models import PLAN_TABLES, PlanMeta
from db.plan_store import load_plan, save_plan
from db.session import create_sessionmaker
from tests.factories import make_plan

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


async def test_upgrade_from_the_previous_revision_keeps_the_plan(engine: AsyncEngine) -> None:
    await upgrade(engine, "0001")
    assert await _table_names(engine) == PLAN_TABLE_NAMES | {"alembic_version"}
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await save_plan(session=session, plan=make_plan(), source="test")
    await upgrade(engine)
    assert await _revision(engine) == HEAD
    async with sessions() as session:
        assert await load_plan(session=session) == make_plan()


def test_head_revision_without_alembic_matches_alembics_own() -> None:
    assert head_revision() == HEAD
