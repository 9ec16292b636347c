"""Pending confirmations claimed once (db.bot_store.claim_pending), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_models import PendingAction
from db.bot_store import claim_pending, create_pending

HOUR = timedelta(hours=1)


async def _draft(
    sessionmaker: async_sessionmaker[AsyncSession], *, by: int = 7, kind: str = "plan_upload"
) -> int:
    async with sessionmaker() as session:
        pending = await create_pending(session=session, kind=kind, created_by=by, payload={"plan": {}})
        await session.commit()
    assert pending.id is not None
    return pending.id


async def _claim(
    sessionmaker: async_sessionmaker[AsyncSession], pending_id: int, *, by: int = 7, kind: str = "plan_upload"
) -> bool:
    async with sessionmaker() as session:
        claimed = await claim_pending(
            session=session, pending_id=pending_id, kind=kind, created_by=by, max_age=HOUR, state="loading"
        )
        await session.commit()
    return claimed


async def _state(sessionmaker: async_sessionmaker[AsyncSession], pending_id: int) -> str:
    async with sessionmaker() as session:
        pending = await session.get(PendingAction, pending_id)
        assert pending is not None
        return pending.state


async def test_a_draft_is_claimed_once_by_its_author(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    pending_id = await _draft(sessionmaker)
    assert not await _claim(sessionmaker, pending_id, by=8)  # someone else
    assert not await _claim(sessionmaker, pending_id, kind="csv_status")  # another kind of draft
    assert await _state(sessionmaker, pending_id) == "draft"
    assert await _claim(sessionmaker, pending_id)
    assert not await _claim(sessionmaker, pending_id)
    assert await _state(sessionmaker, pending_id) == "loading"


async def test_two_claims_at_once_give_it_to_one(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    pending_id = await _draft(sessionmaker)
    results = await asyncio.gather(*(_claim(sessionmaker, pending_id) for _ in range(4)))
    assert sorted(results) == [False, False, False, True]


async def test_an_old_draft_is_not_claimed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    pending_id = await _draft(sessionmaker)
    async with sessionmaker() as session:
        pending = await session.get(PendingAction, pending_id)
        assert pending is not None
        pending.created_at = datetime.now(UTC) - HOUR - timedelta(minutes=1)
        session.add(pending)
        await session.commit()
    assert not await _claim(sessionmaker, pending_id)
    assert not await _claim(sessionmaker, 999_999)
    assert await _state(sessionmaker, pending_id) == "draft"
