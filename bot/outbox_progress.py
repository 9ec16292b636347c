"""How a broadcast's sender hears how it goes: the preview message the staff member confirmed is
edited with the progress while deliveries go out, and with the final counts once none is pending.

One :class:`ProgressReporter` per outbox worker. It follows the broadcasts whose deliveries its
worker claimed: every ``interval`` seconds (and whenever the worker has nothing left in hand) it
shows their progress and marks the ones with nothing pending "done". With several workers,
exactly one of them moves a broadcast to "done" (``db.outbox_store.complete_broadcasts``), and
that one makes the final edit. While idle it also looks, once a minute, for any broadcast that
has nothing pending (one a crashed worker left "sending").

Edits go through the worker's limits (``bot.outbox_pacing.SendLimits``): the preview is a
message to a chat like any other. A progress edit is skipped when the chat is not ready; the
final one waits and is tried three times.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.outbox_pacing import PER_CHAT_INTERVAL, SendLimits, retry_after_seconds, wait_event
from db.outbox_models import Broadcast
from db.outbox_store import (
    CANCELLED,
    DONE,
    FAILED,
    INACTIVE,
    SENT,
    broadcast_counts,
    complete_broadcasts,
    get_broadcasts,
)
from knowledge import catalog as t
from knowledge.counts import count_of, thousands

log = logging.getLogger("bot.outbox")

NOT_MODIFIED = "message is not modified"
SWEEP_INTERVAL = 60.0  # seconds between looks for any finished broadcast while idle
FINAL_EDIT_TRIES = 3


def progress_text(done: int, total: int) -> str:
    return t.BROADCAST_PROGRESS.format(done=thousands(done), total=thousands(total))


def done_text(delivered: int, undelivered: int) -> str:
    return t.BROADCAST_DONE.format(
        delivered=count_of(delivered, t.DELIVERED), undelivered=count_of(undelivered, t.UNDELIVERED)
    )


class ProgressReporter:
    """Progress and completion of the broadcasts one worker sends; see the module docstring.

    ``db_lock`` is the worker's: writes go one at a time (on SQLite concurrent writers would only
    wait in busy_timeout)."""

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        limits: SendLimits,
        db_lock: asyncio.Lock,
        *,
        owner: str,
        interval: float,
    ) -> None:
        self.bot = bot
        self.owner = owner
        self.interval = interval
        self._sessionmaker = sessionmaker
        self._limits = limits
        self._db_lock = db_lock
        self._lock = asyncio.Lock()  # completion, and progress edits (never after the final text)
        self._wake = asyncio.Event()
        self._active: set[int] = set()  # broadcasts the worker touched and this did not see finish
        self._reported: dict[int, int] = {}  # broadcast id -> processed count last shown
        self._last_sweep = -math.inf

    def track(self, broadcast_id: int) -> None:
        """The worker claimed a delivery of this broadcast."""
        self._active.add(broadcast_id)

    def wake(self) -> None:
        """The worker holds nothing any more: report now rather than at the next interval."""
        self._wake.set()

    async def run(self) -> None:
        """Every ``interval`` (or when woken): show progress, complete what finished."""
        while True:
            await wait_event(self._wake, self.interval)
            try:
                await self.show_progress()
                await self.complete_shielded(sorted(self._active))
            except Exception:
                log.exception("outbox worker %s: progress report failed", self.owner)

    async def show_progress(self) -> None:
        if not self._active:
            return
        async with self._lock, self._sessionmaker() as session:
            broadcasts = await get_broadcasts(session=session, ids=self._active)
            for broadcast_id in list(self._active):
                broadcast = broadcasts.get(broadcast_id)
                if broadcast is None or broadcast.state in (DONE, CANCELLED):
                    self._forget(broadcast_id)  # another worker finished it
                    continue
                if broadcast.preview_chat_id is None or broadcast.preview_message_id is None:
                    continue
                counts = await broadcast_counts(session=session, broadcast_id=broadcast_id)
                done = counts[SENT] + counts[FAILED] + counts[INACTIVE]
                if done == self._reported.get(broadcast_id) or counts["pending"] == 0:
                    continue
                total = max(broadcast.total, done + counts["pending"])
                if await self._edit(broadcast, progress_text(done, total), final=False):
                    self._reported[broadcast_id] = done

    async def sweep(self) -> None:
        """The worker has nothing due: finish its broadcasts, and once a minute every broadcast."""
        now = time.monotonic()
        if now - self._last_sweep >= SWEEP_INTERVAL:
            self._last_sweep = now
            await self.complete_shielded(None)
        elif self._active:
            await self.complete_shielded(sorted(self._active))

    async def complete_shielded(self, broadcast_ids: list[int] | None) -> None:
        """:meth:`complete` in a task that cancelling the caller (the worker stopping) does not
        interrupt: a broadcast marked done must get its final edit, nobody else will make it."""
        await asyncio.shield(self.complete(broadcast_ids))

    async def complete(self, broadcast_ids: list[int] | None = None) -> None:
        """Mark finished broadcasts (of ``broadcast_ids``, or all) done and make the final edit of
        the ones this call finished.

        Serialised, so that a caller returns only after the final edits of a call running when it
        started (the worker's run_until_idle and stop rely on it).
        """
        if broadcast_ids is not None and not broadcast_ids:
            return
        async with self._lock:
            try:
                await self._complete_unlocked(broadcast_ids)
            except Exception:
                log.exception("outbox worker %s: completing broadcasts failed", self.owner)

    async def _complete_unlocked(self, broadcast_ids: list[int] | None) -> None:
        async with self._db_lock, self._sessionmaker() as session:
            finished = await complete_broadcasts(session=session, broadcast_ids=broadcast_ids)
            await session.commit()
        if not finished:
            return
        async with self._sessionmaker() as session:
            broadcasts = await get_broadcasts(session=session, ids=finished)
            counts = {i: await broadcast_counts(session=session, broadcast_id=i) for i in finished}
        for broadcast_id in finished:
            self._forget(broadcast_id)
            c = counts[broadcast_id]
            log.info(
                "outbox: broadcast %d done: %d sent, %d failed, %d inactive",
                broadcast_id,
                c[SENT],
                c[FAILED],
                c[INACTIVE],
            )
            broadcast = broadcasts.get(broadcast_id)
            if broadcast is not None and broadcast.preview_chat_id and broadcast.preview_message_id:
                await self._edit(broadcast, done_text(c[SENT], c[FAILED] + c[INACTIVE]), final=True)

    def _forget(self, broadcast_id: int) -> None:
        self._active.discard(broadcast_id)
        self._reported.pop(broadcast_id, None)

    async def _edit(self, broadcast: Broadcast, text: str, *, final: bool) -> bool:
        """Edit the preview message; the final text is retried a few times, progress is not."""
        chat_id, message_id = broadcast.preview_chat_id, broadcast.preview_message_id
        assert chat_id is not None
        assert message_id is not None
        pacer = self._limits.pacer
        for _ in range(FINAL_EDIT_TRIES if final else 1):
            wait = pacer.ready_at(chat_id) - time.monotonic()
            if wait > 0:
                if not final:
                    return False
                await asyncio.sleep(min(wait, PER_CHAT_INTERVAL * 2))
            await self._limits.wait_pause()
            await self._limits.bucket.take()
            pacer.begin(chat_id)
            try:
                await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
                return True
            except RetryAfter as exc:
                self._limits.pause(retry_after_seconds(exc))
            except BadRequest as exc:
                if NOT_MODIFIED in exc.message.lower():
                    return True
                log.info("outbox: preview of broadcast %s not edited: %s", broadcast.id, exc.message)
                return False
            except NetworkError as exc:
                log.info("outbox: preview of broadcast %s not edited: %s", broadcast.id, exc.message)
            except TelegramError as exc:
                log.info("outbox: preview of broadcast %s not edited: %s", broadcast.id, exc.message)
                return False
            finally:
                pacer.end(chat_id)
        return False
