"""What staff wrote that every project card reads: each project's latest status and who is staff.

A project card shows the status staff recorded and, to staff in their private chat, the status
buttons; both used to be two queries before every card. Project and zona cards also offer to
stop following what the chat follows (the handlers call :meth:`StaffCache.follows_changed` after
a chat follows or stops following something). When this process is the only one
answering (long polling, ``exclusive=True``), it is also the only one that records statuses and
changes roles, so it keeps what it read and forgets an entry when it writes it (the handlers call
:meth:`StaffCache.status_changed` / :meth:`StaffCache.roles_changed` after committing).
Otherwise (webhook, several instances) every read goes to the database.

Staff commands and buttons themselves always check the role in the database
(``handlers.staff_service.Staff.role``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.chat_state import CACHED_CHATS, LruMap, read_with
from db.staff_store import current_status, followed_by, get_role
from knowledge.staff import StatusView

FOLLOWS_CACHED = 4_096
"""Chats whose subscriptions this process keeps (exclusive mode): a set of a few pairs each."""
NOT_STAFF = ""
"""Remembered for someone who is not staff (``None`` from the map means "not known")."""


class StaffCache:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, exclusive: bool) -> None:
        self._sessionmaker = sessionmaker
        self.exclusive = exclusive
        self._statuses: dict[str, StatusView | None] = {}  # None: known to have no status
        self._roles: LruMap[int, str] = LruMap(CACHED_CHATS)
        self._follows: LruMap[int, frozenset[tuple[str, str]]] = LruMap(FOLLOWS_CACHED)

    async def status(self, snip: str, *, session: AsyncSession | None = None) -> StatusView | None:
        """The project's latest status, or None when staff never recorded one."""
        if self.exclusive and snip in self._statuses:
            return self._statuses[snip]
        row = await read_with(self._sessionmaker, session, current_status, snip=snip)
        view = row.view() if row else None
        if self.exclusive:
            self._statuses[snip] = view
        return view

    async def role(
        self, user_id: int, admin_ids: Sequence[int], *, session: AsyncSession | None = None
    ) -> str | None:
        """ "admin", "staff" or None, as ``db.staff_store.get_role`` says."""
        known = self._roles.get(user_id) if self.exclusive else None
        if known is None:
            role = await read_with(
                self._sessionmaker, session, get_role, user_id=user_id, admin_ids=admin_ids
            )
            known = role or NOT_STAFF
            if self.exclusive:
                self._roles.put(user_id, known)
        return known or None

    async def follows(
        self, chat_id: int, *, session: AsyncSession | None = None
    ) -> frozenset[tuple[str, str]]:
        """The (kind, key) pairs the chat follows: a card offers to stop following them."""
        known = self._follows.get(chat_id) if self.exclusive else None
        if known is None:
            known = await read_with(self._sessionmaker, session, followed_by, chat_id=chat_id)
            if self.exclusive:
                self._follows.put(chat_id, known)
        return known

    def follows_changed(self, chat_id: int) -> None:
        self._follows.pop(chat_id)

    def status_changed(self, snip: str) -> None:
        self._statuses.pop(snip, None)

    def roles_changed(self) -> None:
        self._roles = LruMap(self._roles.size)
