"""Two processes on one database, each answering from the plan in memory — the bot that polls and
``python -m bot web`` beside it, or two webhook replicas — wired as ``bot.editions`` wires them,
each with its own engine (SQLite and, with TEST_DATABASE_URL, PostgreSQL).

An edition one of them loads (staff's "Cargar"), keeps as an older one, or that ``python -m bot
load`` saves, the other answers with once it has followed the plan's revision
(``Editions.follow``); it writes nothing then, so the load's audit entry and the zonas' notices
stay the loading process's alone. The bot's command menus are set again once per switch of the
plan that answers, by one process that owns the bot: the one that loaded it, or the first of
those that follow to look (``python -m bot web``'s console sets none).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import pytest
from sqlmodel import select

from bot.editions import editions_of, read_editions
from bot.settings import Settings
from bot.storage import Storage, open_storage, replace_plan
from db.outbox_models import Broadcast
from db.staff_models import AuditEntry
from handlers.context import BotData, filled
from handlers.edition_service import Editions, LoadOutcome
from knowledge.answers import Answerer
from knowledge.model import Plan
from knowledge.render import to_plain
from tests.handlers.webapp.test_console import snapshot
from tests.support.followers import follow

STAFF = 700_000_030
FOLLOWER = 100_000_030
"""Follows zona 11, where the next edition brings project 301122."""
NEW_PROJECT = ("proyecto 301122", "MURO DE CONTENCION EN COLONIA LOS PINOS")
"""A question only the next edition answers, and what its answer says."""


@dataclass
class Process:
    """One process's plan in memory, as ``bot.app`` or ``bot.web`` fill it."""

    storage: Storage
    data: BotData
    editions: Editions
    menus: list[int] = field(default_factory=list)
    """The year the command menus named, each time they were set."""
    explorer: list[Answerer] = field(default_factory=list)
    """Each answerer the explorer was told of (``BotData.plan_listeners``)."""

    def says(self, question: str) -> str:
        return to_plain(filled(self.data.plan_editions).answer(question))


@asynccontextmanager
async def process(database_url: str, *, owns_bot: bool = True) -> AsyncIterator[Process]:
    """``owns_bot``: a bot (polling, or a webhook replica) sets the command menus; ``python -m
    bot web`` has none to set."""
    storage = await open_storage(database_url)
    try:
        revision, editions = await read_editions(storage, None)
        data = BotData(sessionmaker=storage.sessionmaker, answerer=editions.current, plan_editions=editions)
        menus: list[int] = []

        async def set_menus() -> None:
            menus.append(filled(data.answerer).plan.edition.year)

        settings = Settings(database_url=database_url)
        menus_of = set_menus if owns_bot else None
        data.editions = editions_of(storage, settings, data, revision=revision, menus=menus_of)
        running = Process(storage, data, data.editions, menus)
        data.plan_listeners.append(running.explorer.append)
        yield running
    finally:
        await storage.close()


@pytest.fixture
async def pair(database_url: str) -> AsyncIterator[tuple[Process, Process]]:
    """Two processes on one database that holds the bundled plan (the first fills it)."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(process(database_url))
        second = await stack.enter_async_context(process(database_url))
        await follow(first.storage.sessionmaker, FOLLOWER, "zona", "11")
        yield first, second


async def load(running: Process, document: str) -> None:
    """Staff upload ``document`` in ``running`` and press "Cargar"."""
    drafted = await running.editions.draft(STAFF, document.encode(), "poa-2025.txt", via="consola")
    assert drafted.pending_id is not None, drafted.refusal
    loaded = await running.editions.confirm(STAFF, drafted.pending_id, load=True)
    assert loaded.outcome is LoadOutcome.LOADED


async def count(running: Process, model: type[AuditEntry] | type[Broadcast]) -> int:
    async with running.storage.sessionmaker() as session:
        return len((await session.exec(select(model))).all())


async def test_nothing_is_read_while_nothing_changed(pair: tuple[Process, Process]) -> None:
    _, second = pair
    assert await second.editions.follow() is False
    assert second.menus == []
    assert second.explorer == []


async def test_an_edition_loaded_in_one_process_is_answered_by_the_other(
    pair: tuple[Process, Process], next_edition_document: str
) -> None:
    first, second = pair
    question, answered = NEW_PROJECT
    assert answered not in second.says(question)

    await load(first, next_edition_document)

    assert answered in first.says(question)
    assert answered not in second.says(question)  # until it looks
    before = await snapshot(second.storage.sessionmaker)
    assert await second.editions.follow() is True
    assert answered in second.says(question)
    assert filled(second.data.answerer).plan.edition.year == 2025
    assert filled(second.data.plan_editions).older_years == (2024,)
    assert second.explorer == [second.data.answerer]
    assert (first.menus, second.menus) == ([2025], [])  # the bot's menus, set once, by the first
    assert await snapshot(second.storage.sessionmaker) == before  # following writes nothing
    assert await count(second, AuditEntry) == 1  # the load's, written once, by the first
    assert await count(second, Broadcast) == 1  # zona 11's notice, queued once
    assert await second.editions.follow() is False
    assert second.menus == []


async def test_an_edition_saved_from_a_shell_gets_the_menus_set_by_one_replica(
    pair: tuple[Process, Process], next_year_plan: Plan
) -> None:
    """``python -m bot load poa-2025.txt`` beside two webhook replicas: both answer with it, and
    the menus are set once, by the first that follows."""
    first, second = pair
    await replace_plan(first.storage, next_year_plan, "poa-2025.txt")
    assert await second.editions.follow() is True
    assert await first.editions.follow() is True
    assert filled(first.data.answerer).plan.edition.year == 2025
    assert (second.menus, first.menus) == ([2025], [])


async def test_an_edition_loaded_in_the_web_console_gets_the_menus_set_by_the_bot(
    database_url: str, next_edition_document: str
) -> None:
    """``python -m bot web`` owns no menus: the bot that polls beside it sets them when it
    follows."""
    async with process(database_url, owns_bot=False) as web, process(database_url) as bot:
        await load(web, next_edition_document)
        assert web.menus == []
        assert await bot.editions.follow() is True
        assert bot.menus == [2025]
        assert await bot.editions.follow() is False
        assert bot.menus == [2025]


async def test_the_process_that_loaded_does_not_build_its_plan_again(
    pair: tuple[Process, Process], next_edition_document: str
) -> None:
    first, _ = pair
    await load(first, next_edition_document)
    answerer = first.data.answerer
    assert first.menus == [2025]

    await first.editions.follow()  # the revision it moved itself

    assert first.data.answerer is answerer
    assert first.explorer == [answerer]
    assert first.menus == [2025]
    assert filled(first.data.plan_editions).older_years == (2024,)
    assert await first.editions.follow() is False


async def test_an_older_edition_saved_elsewhere_is_answered_here(
    pair: tuple[Process, Process], previous_year_plan: Plan
) -> None:
    """``python -m bot load poa-2023.txt`` from a shell: kept beside the current plan."""
    first, second = pair
    answerer = second.data.answerer
    saved = await replace_plan(first.storage, previous_year_plan, "poa-2023.txt")
    assert saved.current is False

    assert await second.editions.follow() is True

    assert second.data.answerer is answerer  # the plan that answers is the same
    assert filled(second.data.plan_editions).older_years == (2023,)
    assert "Monto 2023: Q 5,000,000.00" in second.says("proyecto 242177 en 2023")
    assert second.explorer == []
    assert second.menus == []


async def test_each_process_follows_the_other(
    pair: tuple[Process, Process], next_edition_document: str, previous_year_plan: Plan
) -> None:
    """The second loads next year's plan, the first an older year's: both end with both."""
    first, second = pair
    await load(second, next_edition_document)
    await first.editions.follow()
    assert filled(first.data.answerer).plan.edition.year == 2025
    await replace_plan(first.storage, previous_year_plan, "poa-2023.txt")
    for running in pair:
        await running.editions.follow()
        assert filled(running.data.answerer).plan.edition.year == 2025
        assert filled(running.data.plan_editions).older_years == (2023, 2024)
        assert NEW_PROJECT[1] in running.says(NEW_PROJECT[0])
