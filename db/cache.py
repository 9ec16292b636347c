"""What this process remembers of rows in the database, and when it may trust it: one policy for
every such memory (``db.chat_state.ChatState``, ``db.staff_cache.StaffCache``).

When the process is the only one answering (long polling: Telegram lets one ``getUpdates``
consumer in at a time), it is also the only writer of what its cards and replies read, so what it
read or wrote stays true until it writes again: it may answer from memory, and it replaces or
forgets an entry when it writes the row. With webhooks behind a balancer any instance may write,
so it remembers nothing and every read goes to the database. :class:`Known` is that choice,
made once by ``exclusive``: a caller only says what it read, what it wrote and what changed.

Memories of pure results are not this: an answer of the read-only plan index
(``knowledge.answers.Answerer``), a keyboard of follow-ups, the file id of a chart already
uploaded hold whatever the process runs as, and use ``functools.lru_cache`` or a dict.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Final, Generic, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

CACHED_CHATS = 20_000
"""Chats whose state one memory keeps: about 650 bytes a chat over ChatState's context,
report-request and question memories (measured), so at most ~13 MB; a chat beyond them is read
from the database again."""


class Unknown(enum.Enum):
    """What :meth:`Known.get` gives for a key it does not know (None may be a known value)."""

    UNKNOWN = enum.auto()


UNKNOWN: Final = Unknown.UNKNOWN


class Known(Generic[K, V]):
    """Values read from or written to the database, by key, kept only when ``exclusive``; at most
    ``size`` of them (the least recently used go first), or any number when ``size`` is None."""

    def __init__(self, *, exclusive: bool, size: int | None = None) -> None:
        if size is not None and size < 1:
            raise ValueError("size must be at least 1")
        self.exclusive = exclusive
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | Unknown:
        """The value last put for ``key``, or UNKNOWN (always UNKNOWN when not exclusive)."""
        if key not in self._items:
            return UNKNOWN
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        """What the database holds for ``key`` now (read, or just written); kept when exclusive."""
        if not self.exclusive:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        if self.size is not None and len(self._items) > self.size:
            self._items.popitem(last=False)

    async def get_or_read(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        """The known value, or what ``read()`` gives (then known, when exclusive)."""
        known = self.get(key)
        if known is not UNKNOWN:
            return known
        value = await read()
        self.put(key, value)
        return value

    def forget(self, key: K) -> None:
        """The row changed: read it again next time."""
        self._items.pop(key, None)

    def forget_where(self, test: Callable[[V], bool]) -> None:
        """Forget every entry whose value passes ``test``."""
        for key in [key for key, value in self._items.items() if test(value)]:
            del self._items[key]

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


async def read_with(
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession | None,
    query: Callable[..., Awaitable[T]],
    **arguments: Any,
) -> T:
    """``query(session=…, **arguments)`` in the caller's session, or in a new one."""
    if session is not None:
        return await query(session=session, **arguments)
    async with sessionmaker() as own:
        return await query(session=own, **arguments)
