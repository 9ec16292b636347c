"""Saving and loading the plan, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import PLAN_TABLES, PlanMeta
from db.plan_store import claim_menus, get_plan_meta, load_plan, save_plan
from knowledge.errors import PlanFormatError
from knowledge.model import Edition, Plan
from knowledge.plan_json import plan_digest
from tests.factories import make_edition, make_plan, make_projects

Sessions = async_sessionmaker[AsyncSession]


async def _save(sessionmaker: Sessions, plan: Plan, source: str = "poa-2024-mixco.txt") -> None:
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source=source)
        await session.commit()


async def _load(sessionmaker: Sessions) -> Plan | None:
    async with sessionmaker() as session:
        return await load_plan(session=session)


async def _meta(sessionmaker: Sessions) -> PlanMeta:
    async with sessionmaker() as session:
        meta = await get_plan_meta(session=session)
    assert meta is not None
    return meta


async def _all_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    async with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in await connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


async def test_load_plan_is_none_before_any_save(sessionmaker: Sessions) -> None:
    assert await _load(sessionmaker) is None
    async with sessionmaker() as session:
        assert await get_plan_meta(session=session) is None


async def test_save_then_load_gives_an_equal_plan(sessionmaker: Sessions) -> None:
    plan = make_plan()
    await _save(sessionmaker, plan)

    loaded = await _load(sessionmaker)

    assert loaded == plan
    assert loaded is not None
    # Equal by value is not enough for figures shown to people: the written form must survive.
    shares = [str(f.investment_pct) for f in loaded.funding]
    assert shares == ["97.5", "70.00", "25", "90", "75", "100", "100"]
    assert [str(p.amount) for p in loaded.projects] == ["4441894.00", "1856242.37", "0.05"]
    assert str(loaded.funding_total.investment) == "364029262.59"  # type: ignore[union-attr]
    assert isinstance(loaded.targets[0].measures, tuple)
    assert isinstance(loaded.policies[0].axes[0].items, tuple)


async def test_an_empty_plan_round_trips(sessionmaker: Sessions) -> None:
    await _save(sessionmaker, Plan(edition=make_edition()))
    assert await _load(sessionmaker) == Plan(edition=make_edition())


async def test_plain_lists_keep_their_own_order(sessionmaker: Sessions) -> None:
    plan = make_plan()
    await _save(sessionmaker, plan)
    loaded = await _load(sessionmaker)
    assert loaded is not None
    assert loaded.potentialities == plan.potentialities
    assert loaded.problems == plan.problems
    assert loaded.operational_actions == plan.operational_actions


async def test_saving_the_same_plan_twice_leaves_identical_rows(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    plan = make_plan()
    await _save(sessionmaker, plan)
    first = await _all_rows(engine)

    await _save(sessionmaker, plan)

    assert await _all_rows(engine) == first
    assert await _load(sessionmaker) == plan


async def test_saving_twice_in_one_session(sessionmaker: Sessions) -> None:
    plan = make_plan()
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source="a.txt")
        await save_plan(session=session, plan=plan, source="a.txt")
        await session.commit()
        assert await load_plan(session=session) == plan
    assert await _load(sessionmaker) == plan


async def test_saving_another_plan_replaces_every_plan_row(sessionmaker: Sessions) -> None:
    await _save(sessionmaker, make_plan())
    smaller = make_plan(projects=make_projects()[:1], problems=(), funding_total=None, ejes=("Único eje",))

    await _save(sessionmaker, smaller)

    assert await _load(sessionmaker) == smaller


async def test_save_happens_in_the_callers_transaction(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        await save_plan(session=session, plan=make_plan(), source="a.txt")
        await session.rollback()
    assert await _load(sessionmaker) is None


async def test_a_reload_leaves_other_tables_alone(engine: AsyncEngine, sessionmaker: Sessions) -> None:
    """Staff data (here a stand-in table keyed by snip) must survive a plan reload."""
    async with engine.begin() as connection:
        await connection.exec_driver_sql(
            "CREATE TABLE staff_note (snip VARCHAR(20) PRIMARY KEY, note VARCHAR)"
        )
        await connection.exec_driver_sql("INSERT INTO staff_note VALUES ('242177', 'pozo en obra')")
    await _save(sessionmaker, make_plan())
    await _save(sessionmaker, make_plan(projects=()))

    async with engine.connect() as connection:
        rows = (await connection.exec_driver_sql("SELECT snip, note FROM staff_note")).all()
    assert [tuple(row) for row in rows] == [("242177", "pozo en obra")]


def test_plan_tables_are_all_the_plan_tables() -> None:
    names = {table.__tablename__ for table in PLAN_TABLES}
    assert names == {
        "tematica",
        "objective",
        "strategic_line",
        "action_line",
        "target",
        "funding_source",
        "funding_total",
        "project",
        "actor",
        "plan_item",
        "law",
        "governance_index",
        "policy",
        "pom_line",
        "statement",
        "eje",
    }


async def test_plan_meta_records_source_and_digest(sessionmaker: Sessions) -> None:
    plan = make_plan()
    before = datetime.now(UTC)
    await _save(sessionmaker, plan, source="poa-2024-mixco.txt")

    meta = await _meta(sessionmaker)

    assert meta.source == "poa-2024-mixco.txt"
    assert meta.sha256 == plan_digest(plan)
    assert meta.loaded_at.tzinfo is not None
    assert before <= meta.loaded_at <= datetime.now(UTC)


async def test_plan_meta_loaded_at_moves_only_when_the_content_changes(sessionmaker: Sessions) -> None:
    plan = make_plan()
    await _save(sessionmaker, plan, source="a.txt")
    first = await _meta(sessionmaker)

    await _save(sessionmaker, plan, source="b.txt")
    same = await _meta(sessionmaker)
    assert (same.loaded_at, same.sha256, same.source) == (first.loaded_at, first.sha256, "b.txt")

    await _save(sessionmaker, make_plan(problems=()), source="b.txt")
    changed = await _meta(sessionmaker)
    assert changed.sha256 != first.sha256
    assert changed.loaded_at > first.loaded_at


async def test_an_amount_with_a_fraction_of_a_cent_is_refused(sessionmaker: Sessions) -> None:
    project = dataclasses.replace(make_projects()[0], amount=Decimal("10.005"))
    async with sessionmaker() as session:
        with pytest.raises(StatementError, match="fraction of a cent"):
            await save_plan(session=session, plan=make_plan(projects=(project,)), source="a.txt")


async def test_duplicate_snips_are_refused(sessionmaker: Sessions) -> None:
    project = make_projects()[0]
    async with sessionmaker() as session:
        with pytest.raises(IntegrityError):
            await save_plan(session=session, plan=make_plan(projects=(project, project)), source="a.txt")


@pytest.mark.parametrize(
    "edition",
    [
        make_edition(),
        make_edition(pei=None, demonym=None, zonas=(1, 2, 3, 5), year=2025, pom=(2025, 2029)),
        make_edition(municipality="Villa Nueva", pdmot="Villa Nueva 2032", zonas=tuple(range(1, 16))),
    ],
    ids=["mixco-2024", "without-pei", "villa-nueva"],
)
async def test_the_edition_is_kept_with_the_plan(sessionmaker: Sessions, edition: Edition) -> None:
    """A bot started from the database knows which plan it holds."""
    plan = make_plan(edition=edition)
    await _save(sessionmaker, plan)
    loaded = await _load(sessionmaker)
    assert loaded is not None
    assert loaded.edition == edition
    meta = await _meta(sessionmaker)
    assert (meta.municipality, meta.poa_year, meta.zonas) == (
        edition.municipality,
        edition.year,
        list(edition.zonas),
    )


async def test_another_editions_plan_replaces_the_first_with_its_edition(
    sessionmaker: Sessions, next_year_plan: Plan, other_municipality_plan: Plan
) -> None:
    await _save(sessionmaker, next_year_plan, source="poa-2025.txt")
    assert await _load(sessionmaker) == next_year_plan
    await _save(sessionmaker, other_municipality_plan, source="poa-villa-nueva.txt")
    assert await _load(sessionmaker) == other_municipality_plan


async def test_a_stored_edition_the_database_spoilt_names_plan_meta(sessionmaker: Sessions) -> None:
    await _save(sessionmaker, make_plan())
    async with sessionmaker() as session:
        meta = await session.get(PlanMeta, 1)
        assert meta is not None
        meta.zonas = [3, 1]
        session.add(meta)
        await session.commit()
    with pytest.raises(PlanFormatError) as caught:
        await _load(sessionmaker)
    assert caught.value.where == "plan_meta"


async def test_a_plans_menus_are_claimed_once_and_only_while_it_is_current(
    sessionmaker: Sessions,
) -> None:
    """Two replicas that switched to the same plan claim its menus at once: one gets them; a plan
    no longer the current one gets none; a later switch is claimed again."""
    first, second = make_plan(), make_plan(edition=make_edition(year=2025))
    async with sessionmaker() as session, session.begin():
        await save_plan(session=session, plan=first, source="a.txt")

    async def claim(digest: str) -> bool:
        async with sessionmaker() as session:
            claimed = await claim_menus(session=session, sha256=digest)
            await session.commit()
            return claimed

    assert sorted(await asyncio.gather(*(claim(plan_digest(first)) for _ in range(4)))) == [
        False,
        False,
        False,
        True,
    ]
    assert await claim(plan_digest(first)) is False
    assert await claim(plan_digest(second)) is False  # not the plan kept as current
    async with sessionmaker() as session, session.begin():
        await save_plan(session=session, plan=second, source="b.txt")
    assert await claim(plan_digest(second)) is True
    assert await claim(plan_digest(first)) is False
