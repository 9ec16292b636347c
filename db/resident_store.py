"""What residents ask the bot to keep: what their chat follows, whether the bot may write to it,
their ground reports and votes, and forgetting all of it (/olvidarme). Keyword-only query
functions; the caller owns the session and commits.

Contexts, chosen zonas and the query log, which the reply path writes in batches, are in
``db.chat_store``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_models import PendingAction
from db.outbox_models import Delivery
from db.resident_models import (
    ChatContextRow,
    ChatZonaRow,
    Feedback,
    GroundReport,
    QueryLogRow,
    Recipient,
    Subscription,
)
from db.session import insert_for

MAX_REASON_LENGTH = 200  # recipient.inactive_reason


def now() -> datetime:
    return datetime.now(UTC)


# What a chat follows -----------------------------------------------------------------------------
async def subscribe(*, session: AsyncSession, chat_id: int, kind: str, key: str) -> bool:
    """True when the chat was not following it already."""
    existing = await session.exec(
        select(Subscription).where(
            Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.key == key
        )
    )
    if existing.first() is not None:
        return False
    session.add(Subscription(chat_id=chat_id, kind=kind, key=key, created_at=now()))
    return True


async def unsubscribe(*, session: AsyncSession, chat_id: int, kind: str, key: str) -> bool:
    result = await session.exec(
        delete(Subscription).where(
            col(Subscription.chat_id) == chat_id, col(Subscription.kind) == kind, col(Subscription.key) == key
        )
    )
    return bool(result.rowcount)


async def subscriptions_of(*, session: AsyncSession, chat_id: int) -> list[Subscription]:
    result = await session.exec(
        select(Subscription)
        .where(Subscription.chat_id == chat_id)
        .order_by(col(Subscription.kind), col(Subscription.key))
    )
    return list(result.all())


async def followed_by(*, session: AsyncSession, chat_id: int) -> frozenset[tuple[str, str]]:
    """Every (kind, key) the chat follows."""
    result = await session.exec(
        select(Subscription.kind, Subscription.key).where(Subscription.chat_id == chat_id)
    )
    return frozenset((kind, key) for kind, key in result.all())


async def followers(*, session: AsyncSession, keys: Iterable[tuple[str, str]]) -> set[int]:
    """Active chats following any of ``keys`` ((kind, key) pairs), each once."""
    chats: set[int] = set()
    for kind, key in keys:
        result = await session.exec(
            select(Subscription.chat_id).where(Subscription.kind == kind, Subscription.key == key)
        )
        chats.update(result.all())
    inactive = await session.exec(select(Recipient.chat_id).where(col(Recipient.active).is_(False)))
    return chats - set(inactive.all())


async def subscription_counts(*, session: AsyncSession) -> Counter[tuple[str, str]]:
    """How many chats follow each (kind, key)."""
    result = await session.exec(select(Subscription.kind, Subscription.key))
    return Counter((kind, key) for kind, key in result.all())


# Who the bot may write to ------------------------------------------------------------------------
async def touch_recipients(*, session: AsyncSession, chats: Mapping[int, bool], at: datetime) -> None:
    """Remember chats the bot may write to (chat id -> is a group); a chat marked inactive that
    writes again is active again. One statement for all of them."""
    if not chats:
        return
    rows = [
        {"chat_id": chat_id, "is_group": is_group, "active": True, "updated_at": at}
        for chat_id, is_group in chats.items()
    ]
    statement = insert_for(session, Recipient)
    await (await session.connection()).execute(
        statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={"active": True, "inactive_reason": None, "updated_at": statement.excluded.updated_at},
            where=col(Recipient.active).is_(False),
        ),
        rows,
    )


async def touch_recipient(*, session: AsyncSession, chat_id: int, is_group: bool) -> None:
    """:func:`touch_recipients` for one chat, now."""
    await touch_recipients(session=session, chats={chat_id: is_group}, at=now())


async def deactivate_recipient(*, session: AsyncSession, chat_id: int, reason: str, at: datetime) -> None:
    """The chat blocked the bot or is gone: no broadcast goes to it until it writes again (its row
    is created when missing)."""
    reason = reason if len(reason) <= MAX_REASON_LENGTH else reason[: MAX_REASON_LENGTH - 1] + "…"
    statement = insert_for(session, Recipient).values(
        chat_id=chat_id, is_group=chat_id < 0, active=False, inactive_reason=reason, updated_at=at
    )
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["chat_id"],
            set_={"active": False, "inactive_reason": reason, "updated_at": at},
        )
    )


async def active_recipients(*, session: AsyncSession) -> list[int]:
    result = await session.exec(select(Recipient.chat_id).where(col(Recipient.active).is_(True)))
    return list(result.all())


async def active_recipient_count(*, session: AsyncSession) -> int:
    """How many chats the bot may write to: what an announcement to everyone reaches."""
    result = await session.exec(
        select(func.count()).select_from(Recipient).where(col(Recipient.active).is_(True))
    )
    return int(result.one())


# Ground reports and votes ------------------------------------------------------------------------
async def add_ground_report(
    *, session: AsyncSession, snip: str, chat_id: int, text: str, photo_file_id: str | None
) -> GroundReport:
    row = GroundReport(
        snip=snip, chat_id=chat_id, text=text[:2000], photo_file_id=photo_file_id, created_at=now()
    )
    session.add(row)
    await session.flush()
    return row


async def reports_today(*, session: AsyncSession, chat_id: int) -> int:
    since = now() - timedelta(days=1)
    result = await session.exec(
        select(func.count())
        .select_from(GroundReport)
        .where(GroundReport.chat_id == chat_id, col(GroundReport.created_at) >= since)
    )
    return int(result.one())


async def add_feedback(*, session: AsyncSession, query_id: int, chat_hash: str, useful: bool) -> bool | None:
    """One vote per question: True when counted, False when already rated, None when there is
    no such question in this chat (forged, or deleted by retention or /olvidarme)."""
    asked = await session.get(QueryLogRow, query_id)
    if asked is None or asked.chat_hash != chat_hash:
        return None
    existing = await session.exec(select(Feedback).where(Feedback.query_id == query_id))
    if existing.first() is not None:
        return False
    session.add(Feedback(query_id=query_id, chat_hash=chat_hash, useful=useful, at=now()))
    return True


async def feedback_counts(*, session: AsyncSession) -> tuple[int, int]:
    """(useful, not useful) votes."""
    result = await session.exec(select(Feedback.useful, func.count()).group_by(col(Feedback.useful)))
    counts = dict(result.all())
    return int(counts.get(True, 0)), int(counts.get(False, 0))


# Forgetting a chat -------------------------------------------------------------------------------
async def forget_chat(*, session: AsyncSession, chat_id: int, chat_hash: str) -> int:
    """Delete every row about a chat: what it follows, asked, voted, reported and was sent, its
    context and zona, and the requests made in it (or, in a private chat, by its person); returns
    how many rows went. What staff did as staff (audit log, statuses, broadcasts they wrote) is
    the municipality's record and stays."""
    removed = 0
    statements = (
        delete(Subscription).where(col(Subscription.chat_id) == chat_id),
        delete(ChatContextRow).where(col(ChatContextRow.chat_id) == chat_id),
        delete(ChatZonaRow).where(col(ChatZonaRow.chat_id) == chat_id),
        delete(GroundReport).where(col(GroundReport.chat_id) == chat_id),
        delete(Feedback).where(col(Feedback.chat_hash) == chat_hash),
        delete(QueryLogRow).where(col(QueryLogRow.chat_hash) == chat_hash),
        delete(Delivery).where(col(Delivery.chat_id) == chat_id),
        delete(PendingAction).where(
            or_(
                col(PendingAction.created_by) == chat_id,
                col(PendingAction.payload)["chat_id"].as_string() == str(chat_id),
            )
        ),
        delete(Recipient).where(col(Recipient.chat_id) == chat_id),
    )
    for statement in statements:
        result = await session.exec(statement)
        removed += int(result.rowcount or 0)
    return removed
