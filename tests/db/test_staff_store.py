"""Staff data lives apart from plan data: a plan reload keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_models import PendingAction
from db.bot_store import create_pending
from db.chat_store import get_chat_context, get_chat_zona, save_chat_contexts, save_chat_zona
from db.outbox_models import Delivery
from db.outbox_store import create_broadcast, enqueue
from db.plan_store import save_plan
from db.resident_store import followers, forget_chat, subscribe
from db.staff_store import add_status, current_status
from knowledge.followup import ChatContext
from tests.factories import make_plan


async def test_status_and_subscriptions_survive_a_plan_reload(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    plan = make_plan()
    snip = plan.projects[0].snip
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source="first")
        await add_status(
            session=session, snip=snip, status="en_ejecucion", progress=40, note="zanjeo", author_id=7
        )
        await subscribe(session=session, chat_id=-100123, kind="proyecto", key=snip)
        await session.commit()
    async with sessionmaker() as session:
        await save_plan(session=session, plan=plan, source="reloaded")
        await session.commit()
    async with sessionmaker() as session:
        status = await current_status(session=session, snip=snip)
        assert status is not None
        assert (status.status, status.progress, status.note) == ("en_ejecucion", 40, "zanjeo")
        assert await followers(session=session, keys=[("proyecto", snip)]) == {-100123}


async def test_forget_chat_deletes_the_chats_zona_and_context_only(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    at = datetime.now(UTC)
    async with sessionmaker() as session:
        for chat_id in (5, 6):
            await save_chat_zona(session=session, chat_id=chat_id, zona=10, at=at)
            await save_chat_contexts(session=session, contexts={chat_id: ChatContext("zona 10", 10)}, at=at)
            await subscribe(session=session, chat_id=chat_id, kind="zona", key="10")
        await session.commit()
    async with sessionmaker() as session:
        assert await forget_chat(session=session, chat_id=5, chat_hash="h5") == 3
        await session.commit()
    async with sessionmaker() as session:
        assert await get_chat_zona(session=session, chat_id=5) is None
        assert await get_chat_context(session=session, chat_id=5) == ChatContext()
        assert await get_chat_zona(session=session, chat_id=6) == 10
        assert await followers(session=session, keys=[("zona", "10")]) == {6}


SUPERGROUP = -1_001_234_567_890  # beyond a 32-bit integer, as supergroup ids are


async def test_forget_chat_deletes_its_deliveries_and_requests_only(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        broadcast = await create_broadcast(
            session=session, kind="announcement", audience="todos", text="hola", created_by=1
        )
        await enqueue(session=session, broadcast=broadcast, chat_ids=[SUPERGROUP, 5, 6])
        await session.flush()
        await session.exec(update(Delivery).where(col(Delivery.chat_id) == SUPERGROUP).values(status="sent"))
        await create_pending(
            session=session, kind="ground_report", created_by=7, payload={"snip": "1", "chat_id": SUPERGROUP}
        )
        await create_pending(session=session, kind="csv_status", created_by=5, payload={"rows": []})
        await create_pending(session=session, kind="ground_report", created_by=6, payload={"chat_id": 6})
        await session.commit()
    async with sessionmaker() as session:
        assert await forget_chat(session=session, chat_id=SUPERGROUP, chat_hash="hg") == 2
        assert await forget_chat(session=session, chat_id=5, chat_hash="h5") == 2
        await session.commit()
    async with sessionmaker() as session:
        deliveries = (await session.exec(select(Delivery.chat_id))).all()
        pending = (await session.exec(select(PendingAction.created_by))).all()
    assert (list(deliveries), list(pending)) == ([6], [6])
