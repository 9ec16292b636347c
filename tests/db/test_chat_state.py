"""ChatState: per-chat writes buffered off the reply path, written together, never lost on close."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import cast

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import db.chat_state as chat_state
from db.chat_state import ChatState
from db.chat_store import get_chat_context, get_chat_zona, save_chat_contexts, save_chat_zona
from db.resident_models import ChatContextRow, Feedback, QueryLogRow, Recipient
from db.resident_store import forget_chat
from knowledge.followup import ChatContext

Maker = async_sessionmaker[AsyncSession]
SLOW = 3600.0  # the timer never fires during a test: flushes happen when the test says


async def stored_questions(sessionmaker: Maker) -> list[QueryLogRow]:
    async with sessionmaker() as session:
        return list((await session.exec(select(QueryLogRow).order_by(col(QueryLogRow.id)))).all())


async def stored_context(sessionmaker: Maker, chat_id: int) -> ChatContext:
    async with sessionmaker() as session:
        return await get_chat_context(session=session, chat_id=chat_id)


async def log(state: ChatState, chat_hash: str, text_: str) -> int:
    return await state.log_question(
        chat_hash=chat_hash, question=text_, answer_kind="zona", confident=True, zona=6, matches=["zona:6"]
    )


async def test_writes_wait_in_memory_until_flushed_together(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    first = await log(state, "h1", "zona 6")
    second = await log(state, "h2", "agua")
    state.remember(11, ChatContext("zona 6", 6, None))
    state.seen(11, is_group=False)
    state.seen(-500, is_group=True)
    assert second == first + 1
    assert state.waiting == 5
    assert await stored_questions(sessionmaker) == []

    assert await state.flush() is True
    assert state.waiting == 0
    rows = await stored_questions(sessionmaker)
    assert [(r.id, r.chat_hash, r.question, r.matches) for r in rows] == [
        (first, "h1", "zona 6", ["zona:6"]),
        (second, "h2", "agua", ["zona:6"]),
    ]
    assert await stored_context(sessionmaker, 11) == ChatContext("zona 6", 6, None)
    async with sessionmaker() as session:
        recipients = {r.chat_id: r.is_group for r in (await session.exec(select(Recipient))).all()}
    assert recipients == {11: False, -500: True}


async def test_a_context_is_read_back_before_it_is_written(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    state.remember(11, ChatContext("zona 6", 6, None))
    assert await state.context(11) == ChatContext("zona 6", 6, None)
    assert await stored_context(sessionmaker, 11) == ChatContext()
    assert await state.context(12) == ChatContext()


async def test_shared_mode_reads_what_other_instances_wrote(sessionmaker: Maker) -> None:
    shared = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    exclusive = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    assert await exclusive.context(11) == ChatContext()  # now known to this process
    async with sessionmaker() as session:  # another process writes
        await save_chat_contexts(session=session, contexts={11: ChatContext("agua")}, at=datetime.now(UTC))
        await session.commit()
    assert await shared.context(11) == ChatContext("agua")
    assert await exclusive.context(11) == ChatContext()  # the only consumer trusts what it knows


async def test_close_writes_what_is_waiting(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    await state.start()
    query_id = await log(state, "h", "zona 6")
    state.remember(11, ChatContext("zona 6", 6, None))
    await state.close()
    assert [r.id for r in await stored_questions(sessionmaker)] == [query_id]
    assert await stored_context(sessionmaker, 11) == ChatContext("zona 6", 6, None)


async def test_the_timer_flushes_without_being_asked(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=0.01)
    await state.start()
    try:
        await log(state, "h", "zona 6")
        for _ in range(200):
            if await stored_questions(sessionmaker):
                break
            await asyncio.sleep(0.01)
        assert len(await stored_questions(sessionmaker)) == 1
    finally:
        await state.close()


async def test_a_failed_flush_keeps_everything_for_the_next(engine: AsyncEngine, sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    query_id = await log(state, "h", "zona 6")
    state.remember(11, ChatContext("zona 6", 6, None))
    async with engine.begin() as connection:  # the database cannot take the rows for a while
        await connection.execute(text("ALTER TABLE chat_context RENAME TO chat_context_away"))
    assert await state.flush() is False
    assert state.waiting == 2
    assert state.stats() == {"waiting": 2, "dropped_questions": 0, "failed_flushes": 1, "rejected_rows": 0}
    state.remember(11, ChatContext("agua", None, None))  # newer than what failed: it wins
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE chat_context_away RENAME TO chat_context"))
    assert await state.flush() is True
    assert state.stats() == {"waiting": 0, "dropped_questions": 0, "failed_flushes": 0, "rejected_rows": 0}
    assert [r.id for r in await stored_questions(sessionmaker)] == [query_id]  # once, not lost
    assert await stored_context(sessionmaker, 11) == ChatContext("agua")


async def test_forget_drops_what_waits_about_the_chat(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    await log(state, "forgotten", "zona 6")
    kept = await log(state, "other", "agua")
    state.remember(11, ChatContext("zona 6", 6, None))
    state.seen(11, is_group=False)
    await state.forget(11, "forgotten")
    assert [r.id for r in await stored_questions(sessionmaker)] == [kept]
    async with sessionmaker() as session:
        assert await session.get(ChatContextRow, 11) is None
        assert await session.get(Recipient, 11) is None
    assert await state.context(11) == ChatContext()


async def test_two_processes_never_hand_out_the_same_id(sessionmaker: Maker) -> None:
    one = ChatState(sessionmaker, exclusive=False, flush_every=SLOW, id_block=3)
    two = ChatState(sessionmaker, exclusive=False, flush_every=SLOW, id_block=3)
    ids = [await log(state, "h", f"q{n}") for n in range(5) for state in (one, two)]
    assert len(set(ids)) == 10
    assert await one.flush() is True
    assert await two.flush() is True
    assert sorted(r.id or 0 for r in await stored_questions(sessionmaker)) == sorted(ids)


async def test_report_requests_are_trusted_only_by_the_only_consumer(sessionmaker: Maker) -> None:
    exclusive = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    shared = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    for state in (exclusive, shared):
        assert state.may_have_report_request(5) is True  # unknown: look in the database
        state.note_report_request(5, open_=False)
    assert exclusive.may_have_report_request(5) is False
    assert shared.may_have_report_request(5) is True
    exclusive.note_report_request(5, open_=True)
    assert exclusive.may_have_report_request(5) is True


async def stored_votes(sessionmaker: Maker) -> list[tuple[int, str, bool]]:
    async with sessionmaker() as session:
        rows = (await session.exec(select(Feedback).order_by(col(Feedback.id)))).all()
    return [(r.query_id, r.chat_hash, r.useful) for r in rows]


async def test_votes_on_this_process_questions_are_decided_in_memory(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    mine = await log(state, "h1", "zona 6")
    assert state.vote(mine, "h2", useful=True) is False  # not this chat's question
    assert state.vote(mine, "h1", useful=True) is True
    assert state.vote(mine, "h1", useful=False) is False  # one vote per question
    assert state.vote(mine + 999, "h1", useful=True) is None  # not logged here: ask the database
    assert await stored_votes(sessionmaker) == []
    await state.flush()
    assert await stored_votes(sessionmaker) == [(mine, "h1", True)]


async def test_shared_mode_leaves_votes_to_the_database(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    query_id = await log(state, "h1", "zona 6")
    assert state.vote(query_id, "h1", useful=True) is None


async def test_forget_drops_the_chats_waiting_votes(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    forgotten = await log(state, "forgotten", "zona 6")
    kept = await log(state, "other", "agua")
    assert state.vote(forgotten, "forgotten", useful=False) is True
    assert state.vote(kept, "other", useful=True) is True
    await state.forget(11, "forgotten")
    assert await stored_votes(sessionmaker) == [(kept, "other", True)]


async def test_questions_beyond_the_bound_drop_the_oldest(
    sessionmaker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat_state, "MAX_BUFFERED_QUESTIONS", 3)
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    ids = [await log(state, "h", f"q{n}") for n in range(5)]
    assert state.stats() == {"waiting": 3, "dropped_questions": 2, "failed_flushes": 0, "rejected_rows": 0}
    await state.flush()
    assert [r.question for r in await stored_questions(sessionmaker)] == ["q2", "q3", "q4"]
    assert [r.id for r in await stored_questions(sessionmaker)] == ids[2:]


async def stored_zona(sessionmaker: Maker, chat_id: int) -> int | None:
    async with sessionmaker() as session:
        return await get_chat_zona(session=session, chat_id=chat_id)


async def test_a_chosen_zona_is_written_at_once(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    assert await state.zona(11) is None
    assert await state.choose_zona(11, 10) == 10
    assert state.waiting == 0  # not buffered: a person's choice
    assert await stored_zona(sessionmaker, 11) == 10
    assert await state.zona(11) == 10
    assert await state.choose_zona(11, 6, replace=False) == 10  # following zona 6 keeps the choice
    assert await state.zona(11) == 10
    assert await state.choose_zona(11, 6) == 6  # "Cambiar de zona"
    assert await stored_zona(sessionmaker, 11) == 6


async def test_zona_is_trusted_from_memory_only_by_the_only_consumer(sessionmaker: Maker) -> None:
    exclusive = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    shared = ChatState(sessionmaker, exclusive=False, flush_every=SLOW)
    assert await exclusive.zona(11) is None  # now known to this process: no zona
    async with sessionmaker() as session:  # another process writes
        await save_chat_zona(session=session, chat_id=11, zona=4, at=datetime.now(UTC))
        await session.commit()
    assert await shared.zona(11) == 4
    assert await exclusive.zona(11) is None


async def test_forget_drops_the_known_zona(sessionmaker: Maker) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    await state.choose_zona(11, 10)
    await state.forget(11, "forgotten")
    async with sessionmaker() as session:  # what /olvidarme does next
        await forget_chat(session=session, chat_id=11, chat_hash="forgotten")
        await session.commit()
    assert await stored_zona(sessionmaker, 11) is None
    assert await state.zona(11) is None


async def test_rows_the_database_rejects_are_dropped_and_the_others_written(
    sessionmaker: Maker, caplog: pytest.LogCaptureFixture
) -> None:
    state = ChatState(sessionmaker, exclusive=True, flush_every=SLOW)
    good = await log(state, "h1", "zona 6")
    await log(state, "h2", "zona \ud800 6")  # a lone surrogate: no backend can encode it
    state.remember(11, ChatContext("zona 6", 6, None))
    state.seen(11, is_group=False)
    state.seen(cast(int, None), is_group=False)  # an update without a chat id
    with caplog.at_level(logging.WARNING, logger="db.chat_state"):
        assert await state.flush() is True
    assert [r.id for r in await stored_questions(sessionmaker)] == [good]
    assert await stored_context(sessionmaker, 11) == ChatContext("zona 6", 6, None)
    async with sessionmaker() as session:
        assert [r.chat_id for r in (await session.exec(select(Recipient))).all()] == [11]
    assert state.stats() == {"waiting": 0, "dropped_questions": 0, "failed_flushes": 0, "rejected_rows": 2}
    rejected = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 2
    assert any("question" in line for line in rejected)
    assert any("recipient None" in line for line in rejected)
    later = await log(state, "h3", "agua")  # the next flush is not held back by them
    state.seen(12, is_group=True)
    assert await state.flush() is True
    assert [r.id for r in await stored_questions(sessionmaker)] == [good, later]
