"""Status notices: when each follower of a project hears of its new status.

A follower gets at most one message per project per ``window``, always with the latest status, and
the first change after a quiet period at once. For every follower chat of a status change:

* a notice of an earlier status of the project is queued for the chat and no worker holds it: it
  ends ``superseded`` and the new notice takes its place in the queue, at the same time;
* else, the chat got a notice of the project less than ``window`` ago (or a worker is sending one
  now): the new notice waits until that message's window ends;
* else it is due now.

So the last change of a busy spell always goes out, at the end of the window at the latest, and
nothing waits when nothing was sent lately. Keyword-only query functions; the caller commits, in
the transaction that stores the status.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from db.outbox_models import Broadcast, Delivery
from db.outbox_store import PENDING, SENT, SUPERSEDED, create_broadcast, enqueue

STATUS_KIND = "status"
SUPERSEDED_REASON = "replaced by a newer status of the project"


def status_audience(snip: str) -> str:
    return f"proyecto:{snip}"


async def queue_status_notice(
    *,
    session: AsyncSession,
    snip: str,
    text: str,
    chat_ids: Collection[int],
    window: timedelta,
    created_by: int | None,
    now: datetime | None = None,
) -> Broadcast:
    """The notice of a project's new status to ``chat_ids``, each due as the module says."""
    moment = now if now is not None else datetime.now(UTC)
    due = await notice_due_times(session=session, snip=snip, chat_ids=chat_ids, window=window, now=moment)
    broadcast = await create_broadcast(
        session=session,
        kind=STATUS_KIND,
        audience=status_audience(snip),
        text=text,
        created_by=created_by,
        state="sending",
    )
    await enqueue(session=session, broadcast=broadcast, chat_ids=chat_ids, due=due)
    return broadcast


async def notice_due_times(
    *, session: AsyncSession, snip: str, chat_ids: Collection[int], window: timedelta, now: datetime
) -> dict[int, datetime]:
    """When each chat's notice of the project's next status is due; supersedes what it replaces."""
    await _one_change_at_a_time(session, snip)
    earlier = select(Broadcast.id).where(
        Broadcast.kind == STATUS_KIND, Broadcast.audience == status_audience(snip)
    )
    unclaimed = or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) <= now)
    superseded = await session.exec(
        update(Delivery)
        .where(col(Delivery.broadcast_id).in_(earlier), col(Delivery.status) == PENDING, unclaimed)
        .values(status=SUPERSEDED, last_error=SUPERSEDED_REASON, lease_owner=None, lease_until=None)
        .returning(col(Delivery.chat_id), col(Delivery.next_attempt_at))
        .execution_options(synchronize_session=False)
    )
    queued = {int(chat): at for chat, at in superseded.all()}
    last_sent: dict[int, datetime] = {
        int(chat): at
        for chat, at in (
            await session.exec(
                select(Delivery.chat_id, func.max(Delivery.sent_at))
                .where(
                    col(Delivery.broadcast_id).in_(earlier),
                    col(Delivery.status) == SENT,
                    col(Delivery.sent_at) > now - window,
                )
                .group_by(col(Delivery.chat_id))
            )
        ).all()
        if at is not None
    }
    sending = await session.exec(
        select(Delivery.chat_id).where(
            col(Delivery.broadcast_id).in_(earlier),
            col(Delivery.status) == PENDING,
            col(Delivery.lease_until) > now,
        )
    )
    last_sent.update(dict.fromkeys((int(chat) for chat in sending.all()), now))
    return {chat: queued.get(chat) or _after_window(last_sent.get(chat), window, now) for chat in chat_ids}


async def _one_change_at_a_time(session: AsyncSession, snip: str) -> None:
    """Two changes of one project queue their notices one after the other, the second seeing the
    first's (else both could be due, the older status last). SQLite has one writer at a time; on
    PostgreSQL a transaction-scoped advisory lock per project does it."""
    if session.get_bind().dialect.name == "postgresql":
        key = func.hashtext(f"{STATUS_KIND}:{status_audience(snip)}")
        await session.exec(select(func.pg_advisory_xact_lock(key)))


def _after_window(last: datetime | None, window: timedelta, now: datetime) -> datetime:
    return max(now, last + window) if last is not None else now
