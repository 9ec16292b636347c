"""What staff wrote that every project card reads: each project's latest status, who is staff,
and what the chat follows (a card offers to stop following it).

Remembered as ``db.cache.Known`` says (only when this process is the only one answering); the
handlers tell it when they commit a change: :meth:`StaffCache.status_changed`,
:meth:`StaffCache.roles_changed`, :meth:`StaffCache.follows_changed`.

Staff commands and buttons themselves always check the role in the database
(``handlers.staff_service.Staff.role``).

Statuses have a second writer even beside a polling bot: the staff console, which
``python -m bot web`` serves from its own process. So the statuses remembered are checked against
the database's status version (``db.staff_store.status_version``) at most once every
``STATUS_VERSION_TTL`` seconds, and forgotten when it moved: a status recorded in the console
shows on the bot's cards within that time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.cache import CACHED_CHATS, Known, read_with
from db.resident_store import followed_by
from db.staff_store import current_status, get_role, status_version
from knowledge.staff import StatusView

FOLLOWS_CACHED = 4_096
"""Chats whose subscriptions this process keeps (exclusive mode): a set of a few pairs each."""
STATUS_VERSION_TTL = 1.0
"""Seconds the statuses remembered are trusted before the status version is read again."""


class StaffCache:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        exclusive: bool,
        status_version_ttl: float = STATUS_VERSION_TTL,
    ) -> None:
        """``status_version_ttl``: seconds between two looks at the status version (exclusive)."""
        self._sessionmaker = sessionmaker
        self.status_version_ttl = status_version_ttl
        self.exclusive = exclusive
        self._statuses: Known[str, StatusView | None] = Known(exclusive=exclusive)  # one per project
        self._roles: Known[int, str | None] = Known(exclusive=exclusive, size=CACHED_CHATS)
        self._follows: Known[int, frozenset[tuple[str, str]]]
        self._follows = Known(exclusive=exclusive, size=FOLLOWS_CACHED)
        self._version: tuple[int, int] | None = None
        self._version_read_at = -float("inf")

    async def status(self, snip: str, *, session: AsyncSession | None = None) -> StatusView | None:
        """The project's latest status, or None when staff never recorded one."""
        if self.exclusive:
            await self._check_version(session)

        async def read() -> StatusView | None:
            row = await read_with(self._sessionmaker, session, current_status, snip=snip)
            return row.view() if row else None

        return await self._statuses.get_or_read(snip, read)

    async def role(
        self, user_id: int, admin_ids: Sequence[int], *, session: AsyncSession | None = None
    ) -> str | None:
        """ "admin", "staff" or None, as ``db.staff_store.get_role`` says."""
        return await self._roles.get_or_read(
            user_id,
            lambda: read_with(self._sessionmaker, session, get_role, user_id=user_id, admin_ids=admin_ids),
        )

    async def follows(
        self, chat_id: int, *, session: AsyncSession | None = None
    ) -> frozenset[tuple[str, str]]:
        """The (kind, key) pairs the chat follows: a card offers to stop following them."""
        return await self._follows.get_or_read(
            chat_id, lambda: read_with(self._sessionmaker, session, followed_by, chat_id=chat_id)
        )

    async def _check_version(self, session: AsyncSession | None) -> None:
        """Forget the statuses remembered when another process recorded one since the last look."""
        now = time.monotonic()
        if now - self._version_read_at < self.status_version_ttl:
            return
        self._version_read_at = now
        version = await read_with(self._sessionmaker, session, status_version)
        if version != self._version:
            self._statuses.clear()
            self._version = version

    def follows_changed(self, chat_id: int) -> None:
        self._follows.forget(chat_id)

    def status_changed(self, snip: str) -> None:
        self._statuses.forget(snip)

    def roles_changed(self) -> None:
        self._roles.clear()
