"""Per-chat state, the query log and its retention, and redelivered update ids."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_store import claim_update, prune_processed_updates, reserve_ids, stored_secret
from db.chat_store import (
    LoggedQuestion,
    Vote,
    chat_hash,
    get_chat_context,
    get_chat_zona,
    log_queries,
    log_votes,
    prune_query_log,
    rekey_chat_hashes,
    save_chat_contexts,
    save_chat_zona,
)
from db.resident_models import Feedback, QueryLogRow, Recipient
from db.resident_store import touch_recipients
from knowledge.followup import ChatContext

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def question(query_id: int, text: str, *, asked_at: datetime = NOW, chat: str = "h") -> LoggedQuestion:
    return LoggedQuestion(query_id, chat, text, "zona", True, 6, ("project:273703",), asked_at)


async def test_chat_contexts_are_upserted_together(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        assert await get_chat_context(session=session, chat_id=-1001) == ChatContext()
        await save_chat_contexts(
            session=session, contexts={-1001: ChatContext("zona 6", 6, None), 7: ChatContext("agua")}, at=NOW
        )
        await session.commit()
    async with sessionmaker() as session:
        await save_chat_contexts(
            session=session, contexts={-1001: ChatContext("proyecto 242177", 10, "242177")}, at=NOW
        )
        await session.commit()
    async with sessionmaker() as session:
        assert await get_chat_context(session=session, chat_id=-1001) == ChatContext(
            "proyecto 242177", 10, "242177"
        )
        assert await get_chat_context(session=session, chat_id=7) == ChatContext("agua")


async def test_a_recipient_that_writes_again_is_active_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await touch_recipients(session=session, chats={5: False, -100: True}, at=NOW)
        await session.commit()
    async with sessionmaker() as session:
        gone = await session.get(Recipient, 5)
        assert gone is not None
        gone.active, gone.inactive_reason = False, "Forbidden: bot was blocked by the user"
        session.add(gone)
        await session.commit()
    async with sessionmaker() as session:
        await touch_recipients(session=session, chats={5: False}, at=NOW + timedelta(hours=1))
        await session.commit()
    async with sessionmaker() as session:
        rows = {r.chat_id: r for r in (await session.exec(select(Recipient))).all()}
    assert set(rows) == {5, -100}
    assert (rows[5].active, rows[5].inactive_reason) == (True, None)
    assert rows[-100].is_group is True


async def test_reserved_ids_never_overlap(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        first = await reserve_ids(session=session, name="query_log", count=3)
        second = await reserve_ids(session=session, name="query_log", count=1000)
        await session.commit()
    assert len(first) == 3
    assert len(second) == 1000
    assert first.stop == second.start
    async with sessionmaker() as session:
        with pytest.raises(LookupError):
            await reserve_ids(session=session, name="no_such_table", count=1)
        with pytest.raises(ValueError, match="at least 1"):
            await reserve_ids(session=session, name="query_log", count=0)


async def test_query_log_keeps_given_ids_and_retention(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        ids = await reserve_ids(session=session, name="query_log", count=2)
        old = question(ids[0], "viejo", asked_at=datetime.now(UTC) - timedelta(days=91))
        new = question(ids[1], "nuevo", asked_at=datetime.now(UTC))
        await log_queries(session=session, questions=[old, new])
        await session.commit()
    async with sessionmaker() as session:
        stored = await session.get(QueryLogRow, ids[1])
        assert stored is not None
        assert (stored.question, stored.matches, stored.zona) == ("nuevo", ["project:273703"], 6)
        assert await prune_query_log(session=session, keep_days=90) == 1
        await session.commit()
        remaining = (await session.exec(select(QueryLogRow.id))).all()
    assert list(remaining) == [ids[1]]


async def test_an_update_id_is_claimed_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        assert await claim_update(session=session, update_id=99) is True
        await session.commit()
    async with sessionmaker() as session:
        assert await claim_update(session=session, update_id=99) is False
        assert await claim_update(session=session, update_id=100) is True
        await session.commit()
        assert await prune_processed_updates(session=session, keep_hours=48) == 0


async def test_a_chats_zona_is_replaced_or_kept(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        assert await get_chat_zona(session=session, chat_id=-1001) is None
        assert await save_chat_zona(session=session, chat_id=-1001, zona=6, at=NOW, replace=False) == 6
        await session.commit()
    async with sessionmaker() as session:
        assert await save_chat_zona(session=session, chat_id=-1001, zona=10, at=NOW, replace=False) == 6
        assert await save_chat_zona(session=session, chat_id=7, zona=10, at=NOW) == 10
        await session.commit()
    async with sessionmaker() as session:
        assert await save_chat_zona(session=session, chat_id=-1001, zona=11, at=NOW) == 11
        await session.commit()
    async with sessionmaker() as session:
        assert await get_chat_zona(session=session, chat_id=-1001) == 11
        assert await get_chat_zona(session=session, chat_id=7) == 10


async def test_a_zona_no_municipality_has_is_refused(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Which zonas are the municipality's is the plan's edition (buttons are checked against it);
    the database only keeps out what is no zona at all."""
    async with sessionmaker() as session:
        assert await save_chat_zona(session=session, chat_id=7, zona=15, at=NOW) == 15  # Villa Nueva's
        await session.commit()
    for zona in (0, 100):
        async with sessionmaker() as session:
            with pytest.raises(IntegrityError):
                await save_chat_zona(session=session, chat_id=8, zona=zona, at=NOW)


async def test_a_stored_secret_is_made_once_and_shared(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def fetch() -> tuple[str, bool]:
        async with sessionmaker() as session:
            found = await stored_secret(session=session, name="query_log_salt")
            await session.commit()
            return found

    together = await asyncio.gather(fetch(), fetch())  # two instances starting at once
    later = await fetch()
    values = {value for value, _made in (*together, later)}
    assert len(values) == 1
    assert sorted(made for _value, made in together) == [False, True]
    assert later[1] is False
    (value,) = values
    assert len(value) == 64
    assert int(value, 16) >= 0  # hexadecimal


async def test_rekeying_moves_a_known_chats_rows_to_the_new_salt(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    old, new = "old-salt", "new-salt"
    async with sessionmaker() as session:
        await touch_recipients(session=session, chats={42: False}, at=NOW)
        await save_chat_contexts(session=session, contexts={-77: ChatContext("zona 6", 6)}, at=NOW)
        asked = [(1, 42), (2, 42), (3, -77), (4, 99)]  # chat 99: the database does not know it
        await log_queries(
            session=session,
            questions=[question(i, "zona 6", chat=chat_hash(c, old)) for i, c in asked],
        )
        await log_votes(session=session, votes=[Vote(1, chat_hash(42, old), True, NOW)])
        await session.commit()
    async with sessionmaker() as session:
        assert await rekey_chat_hashes(session=session, old_salt=old, new_salt=new) == 2
        await session.commit()
    async with sessionmaker() as session:
        rows = {r.id: r.chat_hash for r in (await session.exec(select(QueryLogRow))).all()}
        votes = [v.chat_hash for v in (await session.exec(select(Feedback))).all()]
    assert rows == {
        1: chat_hash(42, new),
        2: chat_hash(42, new),
        3: chat_hash(-77, new),
        4: chat_hash(99, old),  # unknown chat: left as it was
    }
    assert votes == [chat_hash(42, new)]
