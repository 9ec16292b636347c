"""The bot's own bookkeeping, shared by every instance on one database: blocks of ids, update ids
already handled, secrets generated once, and actions waiting for a confirmation. Keyword-only
query functions; the caller owns the session and commits."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_models import IdBlockRow, PendingAction, ProcessedUpdate, StoredSecretRow
from db.session import insert_for


def now() -> datetime:
    return datetime.now(UTC)


# Ids, updates, secrets ---------------------------------------------------------------------------
async def reserve_ids(*, session: AsyncSession, name: str, count: int) -> range:
    """``count`` ids of table ``name`` that no other process will hand out (the caller commits)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    result = await (await session.connection()).execute(
        update(IdBlockRow)
        .where(col(IdBlockRow.name) == name)
        .values(next_id=col(IdBlockRow.next_id) + count)
        .returning(col(IdBlockRow.next_id))
    )
    after = result.scalar_one_or_none()
    if after is None:
        raise LookupError(f"no id block named {name!r}")
    return range(after - count, after)


async def claim_update(*, session: AsyncSession, update_id: int) -> bool:
    """True the first time an update id is seen (on any instance); False for a redelivery."""
    values = {"update_id": update_id, "at": now()}
    statement = insert_for(session, ProcessedUpdate).values(values).on_conflict_do_nothing()
    result = await session.exec(statement)
    return bool(result.rowcount)


async def prune_processed_updates(*, session: AsyncSession, keep_hours: int = 48) -> int:
    cutoff = now() - timedelta(hours=keep_hours)
    result = await session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < cutoff))
    return int(result.rowcount or 0)


async def stored_secret(*, session: AsyncSession, name: str) -> tuple[str, bool]:
    """The secret ``name``, made (random, 256 bits) by the first caller on this database; and
    whether this call made it. Two instances starting together get the same value: the second
    INSERT finds the first's row. The caller commits."""
    statement = (
        insert_for(session, StoredSecretRow)
        .values(name=name, value=secrets.token_hex(32), created_at=now())
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(col(StoredSecretRow.value))
    )
    made = (await (await session.connection()).execute(statement)).scalar_one_or_none()
    if made is not None:
        return made, True
    kept = await session.exec(select(StoredSecretRow.value).where(col(StoredSecretRow.name) == name))
    return kept.one(), False


# Actions waiting for a confirmation --------------------------------------------------------------
async def create_pending(
    *, session: AsyncSession, kind: str, created_by: int, payload: dict[str, Any]
) -> PendingAction:
    row = PendingAction(kind=kind, created_by=created_by, payload=payload, created_at=now())
    session.add(row)
    await session.flush()
    return row


async def open_pending(
    *, session: AsyncSession, kind: str, created_by: int, max_age: timedelta
) -> PendingAction | None:
    """The newest draft of ``kind`` by this person, if it is recent enough."""
    result = await session.exec(
        select(PendingAction)
        .where(
            PendingAction.kind == kind,
            PendingAction.created_by == created_by,
            PendingAction.state == "draft",
            col(PendingAction.created_at) >= now() - max_age,
        )
        .order_by(col(PendingAction.id).desc())
        .limit(1)
    )
    return result.first()


async def drafts_of(*, session: AsyncSession, kind: str, created_by: int) -> list[PendingAction]:
    """Every draft of ``kind`` by this person, however old."""
    result = await session.exec(
        select(PendingAction).where(
            PendingAction.kind == kind, PendingAction.created_by == created_by, PendingAction.state == "draft"
        )
    )
    return list(result.all())


async def close_pending(*, session: AsyncSession, pending: PendingAction, state: str) -> None:
    pending.state = state
    session.add(pending)


async def claim_pending(
    *, session: AsyncSession, pending_id: int, kind: str, created_by: int, max_age: timedelta, state: str
) -> bool:
    """Move the draft ``pending_id`` of ``kind`` by ``created_by``, younger than ``max_age``, to
    ``state``; False when it is not such a draft (any more). One conditional UPDATE, so of two
    presses at once — on two instances too — exactly one claims it. The caller commits."""
    result = await session.exec(
        update(PendingAction)
        .where(
            col(PendingAction.id) == pending_id,
            col(PendingAction.kind) == kind,
            col(PendingAction.created_by) == created_by,
            col(PendingAction.state) == "draft",
            col(PendingAction.created_at) >= now() - max_age,
        )
        .values(state=state)
    )
    return bool(result.rowcount)
