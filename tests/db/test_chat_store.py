"""Per-chat state, the query log and its retention, and redelivered update ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.chat_store import (
    claim_update,
    get_chat_context,
    log_query,
    prune_processed_updates,
    prune_query_log,
    save_chat_context,
)
from db.models import QueryLogRow
from knowledge.followup import ChatContext


async def test_chat_context_round_trip(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        assert await get_chat_context(session=session, chat_id=-1001) == ChatContext()
        await save_chat_context(session=session, chat_id=-1001, context=ChatContext("zona 6", 6, None))
        await session.commit()
    async with sessionmaker() as session:
        await save_chat_context(
            session=session, chat_id=-1001, context=ChatContext("proyecto 242177", 10, "242177")
        )
        await session.commit()
    async with sessionmaker() as session:
        assert await get_chat_context(session=session, chat_id=-1001) == ChatContext(
            "proyecto 242177", 10, "242177"
        )


async def test_query_log_retention(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        old = await log_query(
            session=session,
            chat_hash="h",
            question="viejo",
            answer_kind="zona",
            confident=True,
            zona=6,
            matches=["project:273703"],
        )
        new = await log_query(
            session=session,
            chat_hash="h",
            question="nuevo",
            answer_kind="zona",
            confident=True,
            zona=6,
            matches=[],
        )
        row = await session.get(QueryLogRow, old)
        assert row is not None
        row.asked_at = datetime.now(UTC) - timedelta(days=91)
        session.add(row)
        await session.commit()
    async with sessionmaker() as session:
        assert await prune_query_log(session=session, keep_days=90) == 1
        await session.commit()
        ids = (await session.exec(select(QueryLogRow.id))).all()
    assert list(ids) == [new]


async def test_an_update_id_is_claimed_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        assert await claim_update(session=session, update_id=99) is True
        await session.commit()
    async with sessionmaker() as session:
        assert await claim_update(session=session, update_id=99) is False
        assert await claim_update(session=session, update_id=100) is True
        await session.commit()
        assert await prune_processed_updates(session=session, keep_hours=48) == 0
