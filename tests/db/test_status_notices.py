"""Status notices on SQLite and PostgreSQL: one message per project per window per follower, the
latest status always queued, the first change of a quiet period due at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.outbox_models import Broadcast, Delivery
from db.outbox_store import PENDING, SENT, SUPERSEDED, claim_due, mark_sent
from db.status_notices import queue_status_notice

Sessions = async_sessionmaker[AsyncSession]
WINDOW = timedelta(minutes=10)
T0 = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)
ANA, BETO = 101, 102


async def change(
    sessionmaker: Sessions, text: str, at: datetime, chats: tuple[int, ...] = (ANA,), snip: str = "242177"
) -> None:
    async with sessionmaker() as session:
        await queue_status_notice(
            session=session, snip=snip, text=text, chat_ids=chats, window=WINDOW, created_by=7, now=at
        )
        await session.commit()


async def send_due(sessionmaker: Sessions, at: datetime) -> list[int]:
    """A worker at time ``at``: claims what is due and sends it; the chats it sent to."""
    async with sessionmaker() as session:
        claimed = await claim_due(session=session, owner="w", limit=100, lease_seconds=30, now=at)
    async with sessionmaker() as session:
        for delivery in claimed:
            assert delivery.id is not None
            assert await mark_sent(session=session, delivery_id=delivery.id, owner="w", now=at)
        await session.commit()
    return [d.chat_id for d in claimed]


async def notices(sessionmaker: Sessions, chat_id: int = ANA) -> list[tuple[str, str, datetime]]:
    """(text, delivery status, due time) of every notice to ``chat_id``, oldest first."""
    async with sessionmaker() as session:
        rows = await session.exec(
            select(Broadcast.text, Delivery.status, Delivery.next_attempt_at)
            .join(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
            .where(Delivery.chat_id == chat_id)
            .order_by(col(Delivery.id))
        )
        return list(rows.all())


async def test_the_first_change_of_a_quiet_period_is_due_at_once(sessionmaker: Sessions) -> None:
    await change(sessionmaker, "suspendido", T0)
    assert await notices(sessionmaker) == [("suspendido", PENDING, T0)]


async def test_changes_within_the_window_make_one_notice_with_the_latest_status(
    sessionmaker: Sessions,
) -> None:
    await change(sessionmaker, "suspendido", T0)
    assert await send_due(sessionmaker, T0) == [ANA]
    await change(sessionmaker, "en ejecución", T0 + timedelta(seconds=20))
    await change(sessionmaker, "finalizado", T0 + timedelta(seconds=40))
    assert await notices(sessionmaker) == [
        ("suspendido", SENT, T0),
        ("en ejecución", SUPERSEDED, T0 + WINDOW),
        ("finalizado", PENDING, T0 + WINDOW),
    ]
    assert await send_due(sessionmaker, T0 + WINDOW - timedelta(seconds=1)) == []
    assert await send_due(sessionmaker, T0 + WINDOW) == [ANA]


async def test_an_unsent_notice_is_replaced_in_its_place(sessionmaker: Sessions) -> None:
    await change(sessionmaker, "suspendido", T0)
    await change(sessionmaker, "en ejecución", T0 + timedelta(seconds=5))  # the first was not sent yet
    assert await notices(sessionmaker) == [("suspendido", SUPERSEDED, T0), ("en ejecución", PENDING, T0)]


async def test_a_notice_being_sent_is_left_alone_and_the_next_waits_the_window(
    sessionmaker: Sessions,
) -> None:
    await change(sessionmaker, "suspendido", T0)
    async with sessionmaker() as session:
        await claim_due(session=session, owner="w", limit=10, lease_seconds=30, now=T0)  # on its way
    later = T0 + timedelta(seconds=5)
    await change(sessionmaker, "en ejecución", later)
    assert await notices(sessionmaker) == [
        ("suspendido", PENDING, T0),
        ("en ejecución", PENDING, later + WINDOW),
    ]


async def test_after_the_window_a_change_is_due_at_once(sessionmaker: Sessions) -> None:
    await change(sessionmaker, "suspendido", T0)
    await send_due(sessionmaker, T0)
    later = T0 + WINDOW + timedelta(seconds=1)
    await change(sessionmaker, "en ejecución", later)
    assert (await notices(sessionmaker))[-1] == ("en ejecución", PENDING, later)


async def test_the_window_is_per_chat_and_per_project(sessionmaker: Sessions) -> None:
    await change(sessionmaker, "suspendido", T0)
    await send_due(sessionmaker, T0)
    later = T0 + timedelta(minutes=1)
    await change(sessionmaker, "en ejecución", later, chats=(ANA, BETO))
    await change(sessionmaker, "otro proyecto", later, snip="206148")
    assert (await notices(sessionmaker))[1:] == [
        ("en ejecución", PENDING, T0 + WINDOW),
        ("otro proyecto", PENDING, later),
    ]
    assert await notices(sessionmaker, BETO) == [("en ejecución", PENDING, later)]


async def test_two_changes_at_once_leave_one_notice_waiting(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    """Two instances storing a status of one project at the same moment: the second waits for
    the first's notice and replaces it (PostgreSQL; SQLite has one writer at a time)."""
    if engine.dialect.name != "postgresql":
        return
    async with sessionmaker() as first:
        await queue_status_notice(
            session=first,
            snip="242177",
            text="suspendido",
            chat_ids=(ANA,),
            window=WINDOW,
            created_by=7,
            now=T0,
        )
        second = asyncio.create_task(change(sessionmaker, "en ejecución", T0 + timedelta(seconds=1)))
        await asyncio.sleep(0.3)  # the second is under way while the first is not committed
        await first.commit()
    async with asyncio.timeout(5):
        await second
    assert await notices(sessionmaker) == [("suspendido", SUPERSEDED, T0), ("en ejecución", PENDING, T0)]
