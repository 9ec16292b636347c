"""The editions of the plan a running process answers with: read at start, loaded by staff
(``handlers.edition_service.Editions``, wired here for both composition roots: ``bot.app``'s bot
and ``bot.web``'s Mini App server), and followed while it runs.

Every process answers from the plan in memory, and several may share one database: a bot that
polls and ``python -m bot web`` beside it, webhook replicas, ``python -m bot load`` from a shell.
So each one runs :func:`follow_editions`: every PLAN_CHECK_INTERVAL seconds it reads the plan's
revision (one row's one column) and, when another process moved it, switches to what the
database holds (``Editions.follow``). The process that loaded an edition is the one that audited
it and queued the zonas' notices; the others only switch. The bot's command menus, which name
the plan's year, are set once per switch by one process that owns the bot (``menus``): the bot's
composition root passes them, ``python -m bot web`` does not (``Editions._set_menus``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.storage import Storage, current_plan, older_editions, replace_plan, stored_revision
from handlers.context import BotData, filled
from handlers.edition_service import Editions
from knowledge.answers import Answerer
from knowledge.editions import PlanEditions
from knowledge.errors import PlanFormatError

log = logging.getLogger(__name__)


async def read_editions(storage: Storage, zonas: tuple[int, ...] | None) -> tuple[int, PlanEditions]:
    """The plan's revision, and the editions the process starts with: the plan that answers (its
    search index built here) and the older ones kept. The revision is read first: a load that
    commits meanwhile is noticed by the first check."""
    revision = await stored_revision(storage)
    plan = await current_plan(storage, zonas=zonas)
    return revision, PlanEditions.of(Answerer(plan), await older_editions(storage, plan))


def editions_of(
    storage: Storage,
    settings: Settings,
    data: BotData,
    *,
    revision: int,
    menus: Callable[[], Awaitable[None]] | None = None,
) -> Editions:
    """Staff loading editions in this process, over ``data`` (filled with the editions read at
    start); ``menus``: set the bot's command menus again, in a process that owns the bot (the
    bot that polls, a webhook replica); None in ``python -m bot web``, whose console's loads
    get their menus from the bot that follows them. Either way, once per switch for all."""

    def use(editions: PlanEditions) -> None:
        before = data.answerer
        data.use_editions(editions)
        if data.answerer is not before:
            collect_old_plan()

    return Editions(
        storage.sessionmaker,
        current=lambda: filled(data.plan_editions),
        save=lambda plan, source: replace_plan(storage, plan, source),
        use=use,
        revision=revision,
        zonas=settings.plan_zonas,
        max_bytes=settings.plan_max_bytes,
        wake_outbox=data.wake_outbox,
        menus=menus,
    )


def collect_old_plan() -> None:
    """Free the plan just replaced. The one read at start was frozen out of the collector's
    passes (``gc.freeze``), so its reference cycles would stay for good: thawed, collected once,
    and what lives on frozen again. A few tenths of a second, once per edition switched to
    (``bench/editions.py`` measures what is left: without it, each switch kept about 1.6 MB)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    trim_malloc()


def trim_malloc() -> None:
    """Give the C allocator's free pages back to the system: the new plan's index was built in
    a worker thread, whose malloc arena keeps what the old one freed (glibc's ``malloc_trim``;
    elsewhere nothing happens)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


STOP_GRACE_S = 10.0
"""How long stopping waits for a check under way (a switch builds an index: about a second)."""


async def follow_editions(editions: Editions, every: float, stop: asyncio.Event) -> None:
    """Every ``every`` seconds (PLAN_CHECK_INTERVAL), switch to what another process loaded,
    until ``stop`` is set."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
            return
        try:
            await editions.follow()
        except (SQLAlchemyError, OSError, PlanFormatError):
            log.warning("could not check for an edition loaded elsewhere; will try again", exc_info=True)


class Following:
    """:func:`follow_editions` as a task that is stopped between two checks, not in one: a task
    cancelled in the middle of a query leaves its connection to be reset by the pool, which
    fails and is logged as an error at every shutdown that falls on a check."""

    def __init__(self, editions: Editions, every: float) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(follow_editions(editions, every, self._stop), name="follow-editions")

    async def stop(self) -> None:
        self._stop.set()
        try:
            await asyncio.wait_for(self._task, timeout=STOP_GRACE_S)  # cancelled only when it hangs
        except TimeoutError:
            log.warning("the check for a new edition did not end in %s s; cancelled", STOP_GRACE_S)
