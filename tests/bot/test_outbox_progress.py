"""The progress reporter: the staff member's preview shows a broadcast's progress and, exactly once,
its final counts; with a real telegram.Bot against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.outbox_pacing import PER_CHAT_INTERVAL, SendLimits
from bot.outbox_progress import ProgressReporter, done_text, progress_text
from db.outbox_models import Broadcast
from db.outbox_store import claim_due, create_broadcast, enqueue, mark_failed, mark_sent
from tests.support.fakebotapi import FakeBotApi

Sessions = async_sessionmaker[AsyncSession]
STAFF_CHAT = 900_000_001
OWNER = "test-worker"


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=f"{api.url}/bot", request=HTTPXRequest()) as bot:
        yield bot


def reporter(bot: Bot, sessionmaker: Sessions, limits: SendLimits | None = None) -> ProgressReporter:
    return ProgressReporter(
        bot, sessionmaker, limits or SendLimits(100.0), asyncio.Lock(), owner=OWNER, interval=60.0
    )


async def broadcast(sessionmaker: Sessions, chats: int, preview: tuple[int, int] | None) -> int:
    async with sessionmaker() as session:
        row = await create_broadcast(
            session=session,
            kind="announcement",
            audience="todos",
            text="Aviso",
            created_by=1,
            preview_chat_id=preview[0] if preview else None,
            preview_message_id=preview[1] if preview else None,
        )
        await enqueue(session=session, broadcast=row, chat_ids=range(1, chats + 1))
        await session.commit()
    assert row.id is not None
    return row.id


async def deliver(sessionmaker: Sessions, sent: int, failed: int = 0) -> None:
    """Claim and record the next ``sent + failed`` deliveries, as a worker would."""
    async with sessionmaker() as session:
        claimed = await claim_due(session=session, owner=OWNER, limit=sent + failed, lease_seconds=30)
        for n, delivery in enumerate(claimed):
            assert delivery.id is not None
            if n < sent:
                assert await mark_sent(session=session, delivery_id=delivery.id, owner=OWNER)
            else:
                assert await mark_failed(session=session, delivery_id=delivery.id, owner=OWNER, error="x")
        await session.commit()


async def state_of(sessionmaker: Sessions, broadcast_id: int) -> str:
    async with sessionmaker() as session:
        row = await session.get(Broadcast, broadcast_id)
    assert row is not None
    return row.state


def edits(api: FakeBotApi) -> list[str]:
    return [str(c.params["text"]) for c in api.calls("editMessageText") if c.ok]


async def test_progress_then_the_final_counts_once(api: FakeBotApi, bot: Bot, sessionmaker: Sessions) -> None:
    preview = await bot.send_message(STAFF_CHAT, "Vista previa")
    broadcast_id = await broadcast(sessionmaker, 10, (STAFF_CHAT, preview.message_id))
    progress = reporter(bot, sessionmaker)
    progress.track(broadcast_id)
    await deliver(sessionmaker, sent=4)
    await progress.show_progress()
    assert edits(api) == [progress_text(4, 10)]
    await asyncio.sleep(PER_CHAT_INTERVAL)  # the preview's chat is ready again
    await progress.show_progress()
    assert edits(api) == [progress_text(4, 10)], "nothing new: no edit"
    await progress.complete()
    assert await state_of(sessionmaker, broadcast_id) == "sending", "deliveries are pending"
    await deliver(sessionmaker, sent=5, failed=1)
    await progress.show_progress()
    assert edits(api) == [progress_text(4, 10)], "nothing pending: the final text is complete's"
    await progress.complete()
    await progress.complete()
    assert await state_of(sessionmaker, broadcast_id) == "done"
    assert edits(api) == [progress_text(4, 10), done_text(9, 1)]
    final = api.message(STAFF_CHAT, preview.message_id)
    assert final is not None
    assert final["text"] == "Anuncio enviado: 9 entregados, 1 no entregado."
    api.assert_no_violations()


async def test_a_progress_edit_waits_for_no_one_but_the_final_edit_does(
    api: FakeBotApi, bot: Bot, sessionmaker: Sessions
) -> None:
    preview = await bot.send_message(STAFF_CHAT, "Vista previa")
    broadcast_id = await broadcast(sessionmaker, 2, (STAFF_CHAT, preview.message_id))
    limits = SendLimits(100.0)
    progress = reporter(bot, sessionmaker, limits)
    progress.track(broadcast_id)
    await deliver(sessionmaker, sent=1)
    limits.pacer.begin(STAFF_CHAT)  # a message to the staff chat is on its way
    limits.pacer.end(STAFF_CHAT)
    await progress.show_progress()
    assert edits(api) == [], "the chat is not ready: the progress edit is skipped"
    await deliver(sessionmaker, sent=1)
    limits.pacer.begin(STAFF_CHAT)
    limits.pacer.end(STAFF_CHAT)
    start = time.monotonic()
    await progress.complete()
    assert time.monotonic() - start >= PER_CHAT_INTERVAL * 0.9, "the final edit waited for the chat"
    assert edits(api) == [done_text(2, 0)]


async def test_the_final_edit_outlasts_a_retry_after(
    api: FakeBotApi, bot: Bot, sessionmaker: Sessions
) -> None:
    preview = await bot.send_message(STAFF_CHAT, "Vista previa")
    broadcast_id = await broadcast(sessionmaker, 1, (STAFF_CHAT, preview.message_id))
    limits = SendLimits(100.0)
    progress = reporter(bot, sessionmaker, limits)
    progress.track(broadcast_id)
    await deliver(sessionmaker, sent=1)
    await asyncio.sleep(PER_CHAT_INTERVAL)
    api.fail_next("editMessageText", status=429, retry_after=1)
    await progress.complete()
    assert edits(api) == [done_text(1, 0)]
    assert len(api.calls("editMessageText")) == 2
    api.assert_no_violations()


async def test_of_two_workers_one_makes_the_final_edit(
    api: FakeBotApi, bot: Bot, sessionmaker: Sessions
) -> None:
    preview = await bot.send_message(STAFF_CHAT, "Vista previa")
    broadcast_id = await broadcast(sessionmaker, 3, (STAFF_CHAT, preview.message_id))
    first, second = reporter(bot, sessionmaker), reporter(bot, sessionmaker)
    first.track(broadcast_id)
    second.track(broadcast_id)
    await deliver(sessionmaker, sent=3)
    await asyncio.sleep(PER_CHAT_INTERVAL)
    await asyncio.gather(first.complete([broadcast_id]), second.complete([broadcast_id]))
    assert edits(api) == [done_text(3, 0)]
    await second.show_progress()  # it saw the broadcast finish elsewhere: no edit, no error
    assert edits(api) == [done_text(3, 0)]


async def test_the_idle_sweep_finishes_what_a_crashed_worker_left_once_a_minute(
    api: FakeBotApi, bot: Bot, sessionmaker: Sessions
) -> None:
    left = await broadcast(sessionmaker, 1, preview=None)
    await deliver(sessionmaker, sent=1)  # by a worker that died before marking it done
    progress = reporter(bot, sessionmaker)
    await progress.sweep()
    assert await state_of(sessionmaker, left) == "done"
    later = await broadcast(sessionmaker, 1, preview=None)
    await deliver(sessionmaker, sent=1)
    await progress.sweep()
    assert await state_of(sessionmaker, later) == "sending", "not a minute yet, and not tracked"
    progress.track(later)
    await progress.sweep()
    assert await state_of(sessionmaker, later) == "done"
    assert edits(api) == [], "no preview, no edit"
