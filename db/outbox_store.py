"""The outbox: broadcasts, their deliveries and the leases a worker claims them with.

Keyword-only query functions; the caller owns the session and commits, except
:func:`claim_due`, which commits itself so that its lease is visible to other workers at once.

A delivery is ``pending`` until it ends ``sent``, ``failed`` (with ``last_error``) or ``inactive``
(the chat blocked the bot or is gone). A worker claims pending, due deliveries by writing its
``owner`` string and a ``lease_until`` time; while the lease runs nobody else claims them, and a
worker that died simply lets its leases expire. Every outcome function checks that the caller
still holds the lease, so a worker that lost it (it stalled past ``lease_until`` and another one
reclaimed the row) cannot overwrite the newer owner's outcome.

A status notice no worker claimed yet may also end ``superseded``: a newer status of the same
project took its place (db.status_notices).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from db.outbox_models import Broadcast, Delivery
from db.resident_store import deactivate_recipient
from db.session import insert_for

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
INACTIVE = "inactive"
SUPERSEDED = "superseded"
OUTCOMES = (SENT, FAILED, INACTIVE)
"""The final statuses a worker records (a notice may also end superseded, see below)."""

DRAFT = "draft"
SENDING = "sending"
DONE = "done"
CANCELLED = "cancelled"

MAX_ERROR_LENGTH = 300  # delivery.last_error
_INSERT_CHUNK = 1000  # rows per INSERT: far below SQLite's and asyncpg's bind-parameter limits


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def create_broadcast(
    *,
    session: AsyncSession,
    kind: str,
    audience: str,
    text: str,
    created_by: int | None,
    state: str = DRAFT,
    preview_chat_id: int | None = None,
    preview_message_id: int | None = None,
) -> Broadcast:
    """A new broadcast row, flushed so that it has its id; the caller commits."""
    broadcast = Broadcast(
        kind=kind,
        audience=audience,
        text=text,
        state=state,
        created_by=created_by,
        created_at=datetime.now(UTC),
        preview_chat_id=preview_chat_id,
        preview_message_id=preview_message_id,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def enqueue(
    *,
    session: AsyncSession,
    broadcast: Broadcast,
    chat_ids: Iterable[int],
    due: Mapping[int, datetime] | None = None,
) -> int:
    """One pending delivery per distinct chat id, due now (or at ``due[chat_id]``); returns how
    many rows were added.

    Idempotent per chat: a chat already queued for this broadcast is skipped (ON CONFLICT DO
    NOTHING on the ``(broadcast_id, chat_id)`` unique key), so a retried confirmation cannot
    double a message. Sets ``broadcast.total`` to the number of deliveries and its state to
    "sending". Whether a chat is an active recipient is the caller's business.
    """
    if broadcast.id is None:
        await session.flush()
    assert broadcast.id is not None
    now = datetime.now(UTC)
    distinct = list(dict.fromkeys(int(chat_id) for chat_id in chat_ids))
    before = await _delivery_count(session, broadcast.id)
    for start in range(0, len(distinct), _INSERT_CHUNK):
        rows = [
            {
                "broadcast_id": broadcast.id,
                "chat_id": chat_id,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": due.get(chat_id, now) if due else now,
            }
            for chat_id in distinct[start : start + _INSERT_CHUNK]
        ]
        statement = insert_for(session, Delivery).values(rows)
        await session.exec(statement.on_conflict_do_nothing(index_elements=["broadcast_id", "chat_id"]))
    total = await _delivery_count(session, broadcast.id)
    broadcast.total = total
    broadcast.state = SENDING
    session.add(broadcast)
    await session.flush()
    return total - before


async def _delivery_count(session: AsyncSession, broadcast_id: int) -> int:
    statement = select(func.count()).select_from(Delivery).where(Delivery.broadcast_id == broadcast_id)
    return int((await session.exec(statement)).one())


async def claim_due(
    *,
    session: AsyncSession,
    owner: str,
    limit: int,
    lease_seconds: float,
    now: datetime | None = None,
) -> list[Delivery]:
    """Lease up to ``limit`` pending deliveries that are due and not leased; commits.

    Oldest first (``next_attempt_at``, then id). One statement, ``UPDATE … WHERE id IN (SELECT …
    LIMIT n) RETURNING``: on PostgreSQL the subquery takes ``FOR UPDATE SKIP LOCKED``, so two
    workers claiming at the same moment get disjoint rows without waiting for each other; SQLite
    has one writer at a time, so the statement is atomic there as it is. Call it on a session
    with no transaction open (on SQLite an earlier read would pin an old snapshot).
    """
    if limit <= 0:
        return []
    moment = _now(now)
    until = moment + timedelta(seconds=lease_seconds)
    due = (
        select(Delivery.id)
        .where(
            Delivery.status == PENDING,
            col(Delivery.next_attempt_at) <= moment,
            or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) <= moment),
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
        .scalar_subquery()
    )
    statement = (
        update(Delivery)
        .where(col(Delivery.id).in_(due))
        .values(lease_owner=owner, lease_until=until)
        .returning(Delivery)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    try:
        claimed = list((await session.exec(statement)).scalars().all())
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    claimed.sort(key=lambda d: (d.next_attempt_at, d.id or 0))
    return claimed


async def renew_leases(
    *,
    session: AsyncSession,
    owner: str,
    lease_seconds: float,
    ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> set[int]:
    """Extend ``owner``'s leases on pending deliveries (all, or only ``ids``); the caller commits.

    Returns the ids still held: a row missing from the answer was reclaimed by another worker
    (its lease had expired) or finished, and the caller must not send it.
    """
    moment = _now(now)
    statement = (
        update(Delivery)
        .where(col(Delivery.lease_owner) == owner, col(Delivery.status) == PENDING)
        .values(lease_until=moment + timedelta(seconds=lease_seconds))
        .returning(col(Delivery.id))
        .execution_options(synchronize_session=False)
    )
    if ids is not None:
        if not ids:
            return set()
        statement = statement.where(col(Delivery.id).in_(list(ids)))
    result = await session.exec(statement)
    return {int(row[0]) for row in result.all()}


async def _finish(session: AsyncSession, delivery_id: int, owner: str, values: dict[str, Any]) -> int | None:
    """Apply ``values`` to a pending delivery only while ``owner`` holds its lease; its chat id,
    or None when the lease is lost.

    A single UPDATE (no read first): on SQLite a transaction that reads before it writes can
    fail with SQLITE_BUSY_SNAPSHOT when another connection wrote in between.
    """
    statement = (
        update(Delivery)
        .where(
            col(Delivery.id) == delivery_id,
            col(Delivery.lease_owner) == owner,
            col(Delivery.status) == PENDING,
        )
        .values(attempts=col(Delivery.attempts) + 1, **values)
        .returning(col(Delivery.chat_id))
        .execution_options(synchronize_session=False)
    )
    row = (await session.exec(statement)).first()
    return None if row is None else int(row[0])


async def mark_sent(
    *, session: AsyncSession, delivery_id: int, owner: str, now: datetime | None = None
) -> bool:
    """Record a delivered message; False (nothing written) when ``owner`` lost the lease.

    ``lease_owner`` is kept on final rows: it tells which worker handled the delivery.
    """
    values = {"status": SENT, "sent_at": _now(now), "lease_until": None}
    return await _finish(session, delivery_id, owner, values) is not None


async def mark_retry(
    *,
    session: AsyncSession,
    delivery_id: int,
    owner: str,
    error: str,
    delay_seconds: float,
    now: datetime | None = None,
) -> bool:
    """Count a failed attempt and make the delivery due again after ``delay_seconds``.

    The lease is released, so any worker may pick it up once it is due.
    """
    values = {
        "next_attempt_at": _now(now) + timedelta(seconds=max(0.0, delay_seconds)),
        "last_error": _clip(error, MAX_ERROR_LENGTH),
        "lease_owner": None,
        "lease_until": None,
    }
    return await _finish(session, delivery_id, owner, values) is not None


async def mark_failed(*, session: AsyncSession, delivery_id: int, owner: str, error: str) -> bool:
    """Give up on a delivery (a permanent error, or too many attempts) with the reason."""
    values = {"status": FAILED, "last_error": _clip(error, MAX_ERROR_LENGTH), "lease_until": None}
    return await _finish(session, delivery_id, owner, values) is not None


async def mark_inactive(
    *, session: AsyncSession, delivery_id: int, owner: str, error: str, now: datetime | None = None
) -> bool:
    """The chat blocked the bot or is gone: the delivery ends ``inactive`` and the recipient
    turns inactive with the reason (its row is created when missing)."""
    moment = _now(now)
    values = {"status": INACTIVE, "last_error": _clip(error, MAX_ERROR_LENGTH), "lease_until": None}
    chat_id = await _finish(session, delivery_id, owner, values)
    if chat_id is None:
        return False
    await deactivate_recipient(session=session, chat_id=chat_id, reason=error, at=moment)
    return True


async def release_leases(*, session: AsyncSession, owner: str) -> int:
    """Give back every pending delivery ``owner`` holds (clean shutdown); the caller commits."""
    statement = (
        update(Delivery)
        .where(col(Delivery.lease_owner) == owner, col(Delivery.status) == PENDING)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(statement)
    return int(result.rowcount or 0)


async def broadcast_counts(*, session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """Deliveries of a broadcast by status: always the keys pending, sent, failed, inactive."""
    statement = (
        select(Delivery.status, func.count())
        .where(Delivery.broadcast_id == broadcast_id)
        .group_by(col(Delivery.status))
    )
    counts = dict.fromkeys((PENDING, *OUTCOMES), 0)
    for status, count in (await session.exec(statement)).all():
        counts[status] = counts.get(status, 0) + int(count)
    return counts


async def outbox_depth(*, session: AsyncSession) -> int:
    """Pending deliveries of every broadcast (due or not, leased or not)."""
    statement = select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)
    return int((await session.exec(statement)).one())


async def complete_broadcasts(
    *, session: AsyncSession, broadcast_ids: Sequence[int] | None = None
) -> list[int]:
    """Mark "done" every sending broadcast (of ``broadcast_ids``, or all) with nothing pending.

    Returns the ids this call moved to "done": with several workers exactly one of them sees a
    given id, and it is the one that reports completion. The caller commits.
    """
    nothing_pending = ~exists().where(
        and_(col(Delivery.broadcast_id) == col(Broadcast.id), col(Delivery.status) == PENDING)
    )
    statement = (
        update(Broadcast)
        .where(col(Broadcast.state) == SENDING, nothing_pending)
        .values(state=DONE)
        .returning(col(Broadcast.id))
        .execution_options(synchronize_session=False)
    )
    if broadcast_ids is not None:
        if not broadcast_ids:
            return []
        statement = statement.where(col(Broadcast.id).in_(list(broadcast_ids)))
    result = await session.exec(statement)
    return sorted(int(row[0]) for row in result.all())


async def get_broadcasts(*, session: AsyncSession, ids: Iterable[int]) -> dict[int, Broadcast]:
    """Broadcasts by id (missing ids are left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    result = await session.exec(select(Broadcast).where(col(Broadcast.id).in_(wanted)))
    return {b.id: b for b in result.all() if b.id is not None}


async def recent_broadcasts(*, session: AsyncSession, limit: int = 5) -> list[Broadcast]:
    """The latest broadcasts past their draft, newest first."""
    result = await session.exec(
        select(Broadcast).where(Broadcast.state != DRAFT).order_by(col(Broadcast.id).desc()).limit(limit)
    )
    return list(result.all())


async def delivery_status_counts(*, session: AsyncSession) -> dict[str, int]:
    """Deliveries of every broadcast by status (pending, sent, failed, inactive, superseded)."""
    result = await session.exec(select(Delivery.status, func.count()).group_by(col(Delivery.status)))
    return {status: int(count) for status, count in result.all()}


async def delivery_problems(
    *, session: AsyncSession, broadcast_id: int, limit: int = 10
) -> list[tuple[str, str, int]]:
    """Why a broadcast's deliveries were not delivered: (status, last error, how many) of its
    failed and inactive deliveries, the commonest first."""
    count = func.count().label("n")
    statement = (
        select(Delivery.status, Delivery.last_error, count)
        .where(Delivery.broadcast_id == broadcast_id, col(Delivery.status).in_((FAILED, INACTIVE)))
        .group_by(col(Delivery.status), col(Delivery.last_error))
        .order_by(count.desc(), col(Delivery.status), col(Delivery.last_error))
        .limit(limit)
    )
    return [(status, error or "", int(n)) for status, error, n in (await session.exec(statement)).all()]
