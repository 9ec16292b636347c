"""Per-chat state and the query log: keyword-only query functions; the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ChatContextRow, QueryLogRow
from db.staff_models import ProcessedUpdate
from knowledge.followup import ChatContext


async def get_chat_context(*, session: AsyncSession, chat_id: int) -> ChatContext:
    row = await session.get(ChatContextRow, chat_id)
    return ChatContext() if row is None else ChatContext(row.question, row.zona, row.snip)


async def save_chat_context(*, session: AsyncSession, chat_id: int, context: ChatContext) -> None:
    row = await session.get(ChatContextRow, chat_id)
    now = datetime.now(UTC)
    if row is None:
        session.add(
            ChatContextRow(
                chat_id=chat_id,
                question=context.question,
                zona=context.zona,
                snip=context.snip,
                updated_at=now,
            )
        )
        return
    row.question, row.zona, row.snip, row.updated_at = context.question, context.zona, context.snip, now
    session.add(row)


async def log_query(
    *,
    session: AsyncSession,
    chat_hash: str,
    question: str,
    answer_kind: str,
    confident: bool,
    zona: int | None,
    matches: list[str],
) -> int:
    """Log one question; returns its id (feedback buttons refer to it)."""
    row = QueryLogRow(
        chat_hash=chat_hash,
        question=question[:1000],
        answer_kind=answer_kind[:40],
        confident=confident,
        zona=zona,
        matches=matches[:5],
        asked_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    return row.id


async def prune_query_log(*, session: AsyncSession, keep_days: int) -> int:
    """Delete questions older than ``keep_days``; returns how many went."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    result = await session.exec(delete(QueryLogRow).where(col(QueryLogRow.asked_at) < cutoff))
    return int(result.rowcount or 0)


async def queries_since(*, session: AsyncSession, days: int) -> list[QueryLogRow]:
    cutoff = datetime.now(UTC) - timedelta(days=days)
    result = await session.exec(select(QueryLogRow).where(col(QueryLogRow.asked_at) >= cutoff))
    return list(result.all())


async def recent_queries(*, session: AsyncSession, limit: int = 100) -> list[QueryLogRow]:
    result = await session.exec(select(QueryLogRow).order_by(col(QueryLogRow.id).desc()).limit(limit))
    return list(result.all())


async def claim_update(*, session: AsyncSession, update_id: int) -> bool:
    """True the first time an update id is seen (on any instance); False for a redelivery."""
    values = {"update_id": update_id, "at": datetime.now(UTC)}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ProcessedUpdate).values(values).on_conflict_do_nothing()
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def prune_processed_updates(*, session: AsyncSession, keep_hours: int = 48) -> int:
    cutoff = datetime.now(UTC) - timedelta(hours=keep_hours)
    result = await session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < cutoff))
    return int(result.rowcount or 0)
