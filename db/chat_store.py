"""Per-chat state on the reply path: the context of a chat's last question, the zona it chose, the
query log and its votes. Keyword-only query functions; the caller commits.

The writes take many rows at once: ``db.chat_state`` buffers them off the reply path."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.resident_models import ChatContextRow, ChatZonaRow, Feedback, QueryLogRow, Recipient
from db.session import insert_for
from knowledge.followup import ChatContext

QUERY_LOG_SALT = "query_log_salt"
"""The stored secret that salts the query log's chat hashes when QUERY_LOG_SALT is not set."""
BUILT_IN_SALT = "mixco-plan-bot"
"""The public salt used before one was generated: rows hashed with it are re-keyed once."""
_REKEY_CHUNK = 500  # chats per statement: far below SQLite's and asyncpg's bind-parameter limits


def chat_hash(chat_id: int, salt: str) -> str:
    """How the query log and the votes name a chat."""
    return hashlib.sha256(f"{salt}:{chat_id}".encode()).hexdigest()


async def get_chat_context(*, session: AsyncSession, chat_id: int) -> ChatContext:
    row = await session.get(ChatContextRow, chat_id)
    return ChatContext() if row is None else ChatContext(row.question, row.zona, row.snip)


async def get_chat_zona(*, session: AsyncSession, chat_id: int) -> int | None:
    """The zona the chat chose as its own, or None."""
    result = await session.exec(select(ChatZonaRow.zona).where(col(ChatZonaRow.chat_id) == chat_id))
    return result.first()


async def save_chat_zona(
    *, session: AsyncSession, chat_id: int, zona: int, at: datetime, replace: bool = True
) -> int:
    """Remember the chat's zona; with ``replace=False`` a zona already chosen stays. Returns the
    chat's zona afterwards."""
    statement = insert_for(session, ChatZonaRow).values(chat_id=chat_id, zona=zona, updated_at=at)
    upsert = (
        statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={"zona": statement.excluded.zona, "updated_at": statement.excluded.updated_at},
        )
        if replace
        else statement.on_conflict_do_nothing(index_elements=["chat_id"])
    )
    await (await session.connection()).execute(upsert)
    if replace:
        return zona
    chosen = await get_chat_zona(session=session, chat_id=chat_id)
    return zona if chosen is None else chosen


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """A question for the query log, with the id its feedback buttons already carry."""

    id: int
    chat_hash: str
    question: str
    answer_kind: str
    confident: bool
    zona: int | None
    matches: tuple[str, ...]
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class Vote:
    """👍 or 👎 on a logged question."""

    query_id: int
    chat_hash: str
    useful: bool
    at: datetime


async def save_chat_contexts(
    *, session: AsyncSession, contexts: Mapping[int, ChatContext], at: datetime
) -> None:
    """Upsert the context of each chat (one statement for all of them)."""
    if not contexts:
        return
    rows = [
        {"chat_id": chat_id, "question": c.question, "zona": c.zona, "snip": c.snip, "updated_at": at}
        for chat_id, c in contexts.items()
    ]
    statement = insert_for(session, ChatContextRow)
    excluded = statement.excluded
    await (await session.connection()).execute(
        statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={
                "question": excluded.question,
                "zona": excluded.zona,
                "snip": excluded.snip,
                "updated_at": excluded.updated_at,
            },
        ),
        rows,
    )


async def log_queries(*, session: AsyncSession, questions: Sequence[LoggedQuestion]) -> None:
    """Insert questions into the query log with the ids they were given (see ``reserve_ids``)."""
    if not questions:
        return
    rows = [
        {
            "id": q.id,
            "chat_hash": q.chat_hash,
            "question": q.question[:1000],
            "answer_kind": q.answer_kind[:40],
            "confident": q.confident,
            "zona": q.zona,
            "matches": list(q.matches[:5]),
            "asked_at": q.asked_at,
        }
        for q in questions
    ]
    await (await session.connection()).execute(insert(QueryLogRow), rows)


async def log_votes(*, session: AsyncSession, votes: Sequence[Vote]) -> None:
    """Insert votes already checked (one per question, by the chat that asked it)."""
    if not votes:
        return
    rows = [{"query_id": v.query_id, "chat_hash": v.chat_hash, "useful": v.useful, "at": v.at} for v in votes]
    await (await session.connection()).execute(insert(Feedback), rows)


async def prune_query_log(*, session: AsyncSession, keep_days: int) -> int:
    """Delete questions older than ``keep_days``; returns how many went."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    result = await session.exec(delete(QueryLogRow).where(col(QueryLogRow.asked_at) < cutoff))
    return int(result.rowcount or 0)


async def queries_since(*, session: AsyncSession, days: int) -> list[QueryLogRow]:
    cutoff = datetime.now(UTC) - timedelta(days=days)
    result = await session.exec(select(QueryLogRow).where(col(QueryLogRow.asked_at) >= cutoff))
    return list(result.all())


async def rekey_chat_hashes(*, session: AsyncSession, old_salt: str, new_salt: str) -> int:
    """Rewrite the query log's and the votes' chat hashes made with ``old_salt`` into
    ``new_salt``'s, for every chat the database knows (recipients, chat contexts); returns how
    many chats had rows. A chat it does not know keeps its old hash until the row expires."""
    known = select(Recipient.chat_id).union(select(ChatContextRow.chat_id))
    connection = await session.connection()
    chat_ids = [int(chat_id) for chat_id in (await connection.execute(known)).scalars().all()]
    rekeyed = 0
    for start in range(0, len(chat_ids), _REKEY_CHUNK):
        chunk = chat_ids[start : start + _REKEY_CHUNK]
        new_for = {chat_hash(c, old_salt): chat_hash(c, new_salt) for c in chunk}
        found: set[str] = set()
        for model in (QueryLogRow, Feedback):
            column = col(model.chat_hash)
            present = set((await session.exec(select(column).where(column.in_(new_for)).distinct())).all())
            if present:
                statement = update(model).where(column == bindparam("old")).values(chat_hash=bindparam("new"))
                await connection.execute(statement, [{"old": h, "new": new_for[h]} for h in present])
                found |= present
        rekeyed += len(found)
    return rekeyed
