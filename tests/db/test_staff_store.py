"""Staff data lives apart from plan data: a plan reload keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.chat_store import get_chat_context, get_chat_zona, save_chat_contexts, save_chat_zona
from db.plan_store import save_plan
from db.staff_store import add_status, current_status, followers, forget_chat, subscribe
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
