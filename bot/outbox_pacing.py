"""How fast the outbox may send: Telegram's limits, kept by one :class:`SendLimits` per worker
that its deliveries and its preview edits both go through.

* the overall rate: a token bucket, bursts of at most a tenth of a second's worth;
* per chat: one request at a time, and at least ``PER_CHAT_INTERVAL`` from the end of one to the
  start of the next (so the server sees the spacing too); at most ``GROUP_LIMIT`` a
  ``GROUP_WINDOW`` to a group;
* after a RetryAfter: a pause for everything, then one message and the rate, not a burst.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

from telegram.error import RetryAfter

PER_CHAT_INTERVAL = 1.0  # seconds between two messages to the same chat
GROUP_LIMIT = 20  # messages to one group ...
GROUP_WINDOW = 60.0  # ... per this many seconds


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is a timedelta with PTB_TIMEDELTA=true, an int otherwise."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def wait_event(event: asyncio.Event, timeout: float) -> None:  # noqa: ASYNC109
    """Until ``event`` is set or ``timeout`` seconds passed; then clear it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await event.wait()
    event.clear()


class TokenBucket:
    """``rate`` tokens a second, at most ``capacity`` saved up (the largest burst)."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.capacity = max(1.0, capacity)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def drain(self, until: float) -> None:
        """Hand out nothing before ``until`` (a RetryAfter pause ends), then one token and the
        rate: sending resumes at the rate, not with the burst saved up before the pause."""
        self._refill()
        self._tokens = min(self._tokens, 1.0)
        self._stamp = max(self._stamp, until)

    async def take(self) -> None:
        """Wait for a token and spend it."""
        while True:
            now = self._clock()
            if now < self._stamp:  # drained until then
                await asyncio.sleep(self._stamp - now)
                continue
            self._refill()
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return
            await asyncio.sleep((1.0 - self._tokens) / self.rate)


class ChatPacer:
    """Per-chat limits: one request at a time and ``PER_CHAT_INTERVAL`` after it ends; for groups
    (negative ids) also at most ``GROUP_LIMIT`` per ``GROUP_WINDOW``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._busy: set[int] = set()
        self._next: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def ready_at(self, chat_id: int) -> float:
        """The monotonic time from which a request to ``chat_id`` may start (0: any time)."""
        now = self._clock()
        if chat_id in self._busy:
            return now + PER_CHAT_INTERVAL  # an estimate; checked again then
        ready = self._next.get(chat_id, 0.0)
        sends = self._group_sends.get(chat_id)
        if sends is not None:
            while sends and sends[0] <= now - GROUP_WINDOW:
                sends.popleft()
            if len(sends) >= GROUP_LIMIT:
                ready = max(ready, sends[0] + GROUP_WINDOW)
        return ready

    def begin(self, chat_id: int) -> None:
        self._busy.add(chat_id)

    def end(self, chat_id: int) -> None:
        now = self._clock()
        self._busy.discard(chat_id)
        self._next[chat_id] = now + PER_CHAT_INTERVAL
        if chat_id < 0:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        if len(self._next) > 20_000:  # forget chats whose interval is long over
            self._next = {c: t for c, t in self._next.items() if t > now}
            self._group_sends = {
                c: s for c, s in self._group_sends.items() if s and s[-1] > now - GROUP_WINDOW
            }


class SendLimits:
    """The rate, the per-chat pacing and the RetryAfter pause of one worker."""

    def __init__(self, rate: float) -> None:
        self.bucket = TokenBucket(rate, capacity=rate / 10)
        self.pacer = ChatPacer()
        self._pause_until = 0.0

    def paused(self) -> bool:
        return time.monotonic() < self._pause_until

    def pause(self, seconds: float) -> None:
        """Nothing is sent for ``seconds`` (a RetryAfter, a refused token)."""
        self._pause_until = max(self._pause_until, time.monotonic() + seconds)
        self.bucket.drain(self._pause_until)

    async def wait_pause(self) -> None:
        """Sleep out a RetryAfter pause; a RetryAfter arriving meanwhile extends it (a few times
        at most: every request in flight when the pause began has answered by the second pass)."""
        for _ in range(10):
            remaining = self._pause_until - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(remaining)
