"""Every edition of the plan loaded, kept in ``plan_edition`` (db.plan_store), and loading one
through ``bot.storage.replace_plan``: the newest answers, an older one is kept beside it, and
staff data, which names projects by SNIP, stays. SQLite and (with TEST_DATABASE_URL)
PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import (
    EditionSaved,
    Storage,
    current_plan,
    kept_edition,
    older_editions,
    open_storage,
    replace_plan,
)
from db.models import PlanEditionRow
from db.plan_store import (
    get_current_edition,
    get_edition,
    kept_editions,
    load_plan,
    plan_revision,
    save_edition,
    save_plan,
)
from db.resident_models import GroundReport
from db.resident_store import add_ground_report, followers, subscribe
from db.staff_store import add_status, current_status
from knowledge.model import Plan
from knowledge.plan_json import plan_digest
from tests.factories import make_edition, make_plan

Sessions = async_sessionmaker[AsyncSession]

PLAN_2024 = make_plan()
PLAN_2025 = make_plan(edition=make_edition(year=2025, pom=(2025, 2029)))
VILLA_NUEVA_2024 = make_plan(edition=make_edition(municipality="Villa Nueva", pdmot="Villa Nueva 2032"))
SNIP = PLAN_2024.projects[0].snip


def costing(plan: Plan, amount: str) -> Plan:
    """``plan`` with its first project at another amount: the same year, other content."""
    first, *rest = plan.projects
    return dataclasses.replace(plan, projects=(dataclasses.replace(first, amount=Decimal(amount)), *rest))


async def keep(sessionmaker: Sessions, plan: Plan, source: str = "poa.txt") -> bool:
    async with sessionmaker() as session:
        replaced = await save_edition(session=session, plan=plan, source=source)
        await session.commit()
    return replaced


async def rows(sessionmaker: Sessions) -> list[PlanEditionRow]:
    async with sessionmaker() as session:
        return list((await session.exec(select(PlanEditionRow))).all())


# --- db.plan_store -------------------------------------------------------------------------------


async def test_a_kept_edition_reads_back_equal(sessionmaker: Sessions) -> None:
    assert await keep(sessionmaker, PLAN_2024, "poa-2024.txt") is False
    async with sessionmaker() as session:
        assert await get_edition(session=session, year=2024) == PLAN_2024
        assert await get_edition(session=session, year=2024, municipality="Mixco") == PLAN_2024
        assert await get_edition(session=session, year=2025) is None
        assert await get_edition(session=session, year=2024, municipality="Villa Nueva") is None
        (kept,) = await kept_editions(session=session)
    assert (kept.municipality, kept.year, kept.source) == ("Mixco", 2024, "poa-2024.txt")
    (row,) = await rows(sessionmaker)
    assert row.sha256 == plan_digest(PLAN_2024)


async def test_editions_are_listed_oldest_year_first_and_by_municipality(sessionmaker: Sessions) -> None:
    for plan in (PLAN_2025, VILLA_NUEVA_2024, PLAN_2024):
        await keep(sessionmaker, plan)
    async with sessionmaker() as session:
        every = await kept_editions(session=session)
        mixco = await kept_editions(session=session, municipality="Mixco")
        villa_nueva = await get_edition(session=session, year=2024, municipality="Villa Nueva")
    assert [(e.municipality, e.year) for e in every] == [
        ("Mixco", 2024),
        ("Villa Nueva", 2024),
        ("Mixco", 2025),
    ]
    assert [e.year for e in mixco] == [2024, 2025]
    assert villa_nueva == VILLA_NUEVA_2024


async def test_keeping_the_same_edition_again_is_no_replacement(sessionmaker: Sessions) -> None:
    await keep(sessionmaker, PLAN_2024, "first.txt")
    (before,) = await rows(sessionmaker)

    assert await keep(sessionmaker, PLAN_2024, "again.txt") is False

    (after,) = await rows(sessionmaker)
    assert (after.loaded_at, after.sha256, after.content) == (before.loaded_at, before.sha256, before.content)
    assert after.source == "again.txt"


async def test_another_content_for_a_kept_year_replaces_it_in_one_row(sessionmaker: Sessions) -> None:
    await keep(sessionmaker, PLAN_2024)
    (before,) = await rows(sessionmaker)
    corrected = costing(PLAN_2024, "5000000.00")

    assert await keep(sessionmaker, corrected, "corrected.txt") is True

    (after,) = await rows(sessionmaker)
    assert (after.year, after.source, after.sha256) == (2024, "corrected.txt", plan_digest(corrected))
    assert after.loaded_at >= before.loaded_at
    async with sessionmaker() as session:
        assert await get_edition(session=session, year=2024) == corrected


async def test_an_edition_is_kept_in_the_callers_transaction(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        await save_edition(session=session, plan=PLAN_2024, source="poa.txt")
        await session.rollback()
    assert await rows(sessionmaker) == []


async def test_the_current_edition_is_the_plan_tables(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        assert await get_current_edition(session=session) is None
    await keep(sessionmaker, PLAN_2025)  # kept only: the plan tables are still empty
    async with sessionmaker() as session:
        assert await get_current_edition(session=session) is None
        await save_plan(session=session, plan=PLAN_2024, source="poa.txt")
        await session.commit()
    async with sessionmaker() as session:
        assert await get_current_edition(session=session) == PLAN_2024.edition


# --- bot.storage: loading an edition ---------------------------------------------------------------


def storage_of(engine: AsyncEngine, sessionmaker: Sessions) -> Storage:
    return Storage(engine, sessionmaker)


async def test_a_newer_year_becomes_current_and_an_older_one_is_kept(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    storage = storage_of(engine, sessionmaker)
    assert await replace_plan(storage, PLAN_2024, "poa-2024.txt") == EditionSaved(
        current=True, replaced=False
    )
    assert await replace_plan(storage, PLAN_2025, "poa-2025.txt") == EditionSaved(
        current=True, replaced=False
    )
    older_2024 = costing(PLAN_2024, "5000000.00")
    assert await replace_plan(storage, older_2024, "poa-2024-b.txt") == EditionSaved(
        current=False, replaced=True
    )

    async with sessionmaker() as session:
        assert await load_plan(session=session) == PLAN_2025
    assert await kept_edition(storage, 2024) == older_2024
    assert await kept_edition(storage, 2025) == PLAN_2025
    assert await kept_edition(storage, 2023) is None
    assert [year for year, _ in await older_editions(storage, PLAN_2025)] == [2024]
    assert len(await rows(sessionmaker)) == 2


async def test_the_same_year_again_is_the_current_one_replaced(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    storage = storage_of(engine, sessionmaker)
    await replace_plan(storage, PLAN_2024, "poa-2024.txt")
    corrected = costing(PLAN_2024, "5000000.00")
    assert await replace_plan(storage, corrected, "fe-de-erratas.txt") == EditionSaved(
        current=True, replaced=True
    )
    async with sessionmaker() as session:
        assert await load_plan(session=session) == corrected
    assert [(row.year, row.source) for row in await rows(sessionmaker)] == [(2024, "fe-de-erratas.txt")]


async def test_another_municipalitys_plan_becomes_current_and_keeps_to_itself(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    storage = storage_of(engine, sessionmaker)
    await replace_plan(storage, PLAN_2025, "mixco-2025.txt")
    assert await replace_plan(storage, VILLA_NUEVA_2024, "vn-2024.txt") == EditionSaved(
        current=True, replaced=False
    )
    assert await older_editions(storage, VILLA_NUEVA_2024) == []  # Mixco's are not Villa Nueva's
    assert await kept_edition(storage, 2024) == VILLA_NUEVA_2024


async def test_the_current_plan_of_a_database_from_before_editions_is_kept_on_start(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    """A plan saved before ``plan_edition`` existed is kept there on the first start."""
    async with sessionmaker() as session:
        await save_plan(session=session, plan=PLAN_2025, source="poa-2025.txt")
        await session.commit()
    assert await rows(sessionmaker) == []

    assert await current_plan(storage_of(engine, sessionmaker)) == PLAN_2025

    (row,) = await rows(sessionmaker)
    assert (row.year, row.source, row.sha256) == (2025, "poa-2025.txt", plan_digest(PLAN_2025))


async def test_loading_next_year_keeps_a_plan_saved_before_editions_were_kept(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    """``load`` right after the upgrade, before any start: the plan it replaces is kept first."""
    async with sessionmaker() as session:
        await save_plan(session=session, plan=PLAN_2024, source="poa-2024.txt")
        await session.commit()
    storage = storage_of(engine, sessionmaker)

    await replace_plan(storage, PLAN_2025, "poa-2025.txt")

    assert await kept_edition(storage, 2024) == PLAN_2024
    assert [(row.year, row.source) for row in sorted(await rows(sessionmaker), key=lambda r: r.year)] == [
        (2024, "poa-2024.txt"),
        (2025, "poa-2025.txt"),
    ]


async def test_staff_data_stays_across_editions(engine: AsyncEngine, sessionmaker: Sessions) -> None:
    """Statuses, follows and ground reports name projects by SNIP: loading the next edition, and
    loading an older one back, leave them attached to the same project."""
    storage = storage_of(engine, sessionmaker)
    await replace_plan(storage, PLAN_2024, "poa-2024.txt")
    async with sessionmaker() as session, session.begin():
        await add_status(
            session=session, snip=SNIP, status="en_ejecucion", progress=40, note=None, author_id=7
        )
        await subscribe(session=session, chat_id=101, kind="proyecto", key=SNIP)
        await subscribe(session=session, chat_id=102, kind="zona", key=str(PLAN_2024.projects[0].zona))
        await add_ground_report(
            session=session, snip=SNIP, chat_id=101, text="ya hay zanjas", photo_file_id=None
        )

    await replace_plan(storage, PLAN_2025, "poa-2025.txt")
    await staff_data_is_there(sessionmaker)
    await replace_plan(storage, costing(PLAN_2024, "5000000.00"), "poa-2024-b.txt")
    await staff_data_is_there(sessionmaker)
    async with sessionmaker() as session:
        assert await load_plan(session=session) == PLAN_2025


async def staff_data_is_there(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        status = await current_status(session=session, snip=SNIP)
        assert status is not None
        assert (status.status, status.progress) == ("en_ejecucion", 40)
        assert await followers(session=session, keys=[("proyecto", SNIP)]) == {101}
        assert await followers(session=session, keys=[("zona", str(PLAN_2024.projects[0].zona))]) == {102}
        reports = (await session.exec(select(GroundReport).where(GroundReport.snip == SNIP))).all()
        assert [r.text for r in reports] == ["ya hay zanjas"]


# --- the plan's revision: what other processes follow ------------------------------------------------


async def revision(sessionmaker: Sessions) -> int:
    async with sessionmaker() as session:
        return await plan_revision(session=session)


async def test_the_revision_moves_on_with_every_change_and_only_then(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    storage = storage_of(engine, sessionmaker)
    assert await revision(sessionmaker) == 0
    seen = [0]

    async def moved(plan: Plan, source: str) -> bool:
        await replace_plan(storage, plan, source)
        seen.append(await revision(sessionmaker))
        return seen[-1] > seen[-2]

    assert await moved(PLAN_2024, "poa-2024.txt")
    assert not await moved(PLAN_2024, "poa-2024-otra-vez.txt")  # the same content, another name
    assert await moved(PLAN_2025, "poa-2025.txt")  # a new current edition
    assert await moved(costing(PLAN_2024, "5000000.00"), "poa-2024-b.txt")  # an older one replaced
    assert not await moved(costing(PLAN_2024, "5000000.00"), "poa-2024-c.txt")
    assert await moved(make_plan(edition=make_edition(year=2023)), "poa-2023.txt")  # an older one added
    assert await moved(costing(PLAN_2025, "7000000.00"), "fe-de-erratas.txt")  # the current corrected


async def test_two_loads_at_once_from_two_processes_both_move_the_revision(database_url: str) -> None:
    """Each process has its own engine; on PostgreSQL the counter is moved in SQL under the row's
    lock, so neither load's step is lost (a process that missed one would not follow it)."""
    first, second = await open_storage(database_url), await open_storage(database_url)
    try:
        await replace_plan(first, PLAN_2025, "poa-2025.txt")
        before = await revision(first.sessionmaker)
        older = (make_plan(edition=make_edition(year=2023)), make_plan(edition=make_edition(year=2022)))
        await asyncio.gather(
            replace_plan(first, older[0], "poa-2023.txt"), replace_plan(second, older[1], "poa-2022.txt")
        )
        assert await revision(second.sessionmaker) == before + 2
        assert [year for year, _ in await older_editions(second, PLAN_2025)] == [2022, 2023]
    finally:
        await first.close()
        await second.close()
