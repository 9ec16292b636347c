"""A resident who follows a project or a zona, as the bot records one: the subscription and the
recipient the outbox will write to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.resident_store import subscribe, touch_recipient


async def follow(sessionmaker: async_sessionmaker[AsyncSession], chat_id: int, kind: str, key: str) -> None:
    async with sessionmaker() as session:
        await subscribe(session=session, chat_id=chat_id, kind=kind, key=key)
        await touch_recipient(session=session, chat_id=chat_id, is_group=False)
        await session.commit()
