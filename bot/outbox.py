"""The outbox worker: sends pending deliveries under Telegram's limits and records every outcome.

One :class:`OutboxWorker` per process. Its tasks:

* **feeder** — leases due deliveries (:func:`db.outbox_store.claim_due`) into a local backlog,
  about two seconds' worth at a time;
* **dispatcher** — takes them one by one under Telegram's limits (``bot.outbox_pacing``: the
  overall rate, per-chat spacing, the pause after a RetryAfter) and a window
  (:meth:`OutboxWorker.window`): at most as many deliveries between their request and their
  committed outcome as the rate needs at the measured cycle of one (round trip plus commit), so
  that the rate is reachable despite network latency, and a crash re-sends no more than that;
* **recorder** — writes outcomes as soon as they are known, all that piled up during the
  previous commit in one transaction (group commit);
* **heartbeat** — renews the leases of everything held every third of ``lease_seconds``, and
  drops what another worker reclaimed;
* **progress** — ``bot.outbox_progress.ProgressReporter``: edits the staff member's preview
  message every ``progress_interval`` seconds and once at the end, and marks finished
  broadcasts "done".

Delivery guarantees: a killed worker's leases expire and another worker (or the restarted one)
sends what it left, so nothing is lost. What it sends again that Telegram had already accepted
(Telegram has no idempotency key) is exactly the deliveries in the window at the kill: requests
on their way and answers waiting for their commit. A chat has one request at a time, so each of
them is a different recipient, who gets the message twice; and there are at most ``window()``
of them — on average the rate times the cycle: 2 to 3 at 25/s with Telegram's 100 ms round
trip, where the window is 4 (5 once the cycle passes 128 ms). The most the worker had in its
window so far is logged when it grows (and :meth:`OutboxWorker.report` gives the window to
/metrics). With ``max_in_flight=1`` it is exactly at most 1, which caps the rate at one per
round trip plus commit.

The rate is per process: with several instances sharing one bot token, give each
``rate / instances``.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import math
import os
import random
import secrets
import socket
import statistics
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.outbox_pacing import SendLimits, retry_after_seconds, wait_event
from bot.outbox_progress import ProgressReporter
from db.outbox_models import Broadcast, Delivery
from db.outbox_store import (
    CANCELLED,
    FAILED,
    INACTIVE,
    SENT,
    claim_due,
    get_broadcasts,
    mark_failed,
    mark_inactive,
    mark_retry,
    mark_sent,
    outbox_depth,
    release_leases,
    renew_leases,
)

log = logging.getLogger(__name__)


INACTIVE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid")
"""A BadRequest whose text contains one of these means the chat is gone for good."""

INVALID_TOKEN_PAUSE = 60.0  # the token was refused: wait, keep the deliveries, try again
STOP_TIMEOUT = 30.0  # longest wait for in-flight requests on stop()
MAX_RECORD_BATCH = 500
CYCLE_SAMPLES = 32  # the typical cycle: the median of this many latest deliveries
WINDOW_HEADROOM = 1.25  # the window holds this many times what the rate needs at the measured cycle
DB_RETRY_LIMIT = 5  # attempts to write a batch of outcomes before giving up on it (and its leases)


def describe(exc: TelegramError) -> str:
    """The error as recorded: "BadRequest: Chat not found", "Forbidden: bot was blocked by the
    user", "NetworkError: Bad Gateway" (PTB drops the "Bad Request: " prefix of the answer)."""
    name = type(exc).__name__
    message = exc.message or "no description"
    return message if message.lower().startswith(name.lower()) else f"{name}: {message}"


@dataclass(slots=True)
class _Item:
    """A leased delivery in the local backlog."""

    delivery_id: int
    broadcast_id: int
    chat_id: int
    attempts: int
    lease_until: datetime
    text: str
    dispatched_at: float = 0.0
    """Monotonic time of its request, while it is in the window: from then until its outcome is
    committed (or it goes back to the backlog unsent); else 0."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    item: _Item
    status: str  # SENT, FAILED, INACTIVE or RETRY
    error: str = ""
    delay: float = 0.0


RETRY = "retry"


async def _record_sent(session: AsyncSession, owner: str, outcome: _Outcome) -> bool:
    return await mark_sent(session=session, delivery_id=outcome.item.delivery_id, owner=owner)


async def _record_retry(session: AsyncSession, owner: str, outcome: _Outcome) -> bool:
    delivery_id = outcome.item.delivery_id
    return await mark_retry(
        session=session,
        delivery_id=delivery_id,
        owner=owner,
        error=outcome.error,
        delay_seconds=outcome.delay,
    )


async def _record_inactive(session: AsyncSession, owner: str, outcome: _Outcome) -> bool:
    delivery_id = outcome.item.delivery_id
    return await mark_inactive(session=session, delivery_id=delivery_id, owner=owner, error=outcome.error)


async def _record_failed(session: AsyncSession, owner: str, outcome: _Outcome) -> bool:
    delivery_id = outcome.item.delivery_id
    return await mark_failed(session=session, delivery_id=delivery_id, owner=owner, error=outcome.error)


RECORDERS: dict[str, Callable[[AsyncSession, str, _Outcome], Awaitable[bool]]] = {
    SENT: _record_sent,
    RETRY: _record_retry,
    INACTIVE: _record_inactive,
    FAILED: _record_failed,
}
"""How each outcome is written; False when the worker lost the delivery's lease."""


class OutboxWorker:
    """Drains the outbox through ``bot``; see the module docstring.

    ``bot`` must allow ``max_in_flight`` concurrent requests (PTB's HTTPXRequest default pool of
    256 does; the default ``max_in_flight`` is the rate, at most 100). ``owner`` must be unique
    per process (e.g. hostname-pid-random): it is the lease holder's name in the database. A bot
    with PTB's AIORateLimiter works too, but that limiter then retries RetryAfter itself; a
    plain Bot leaves the limits to this worker.
    """

    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        rate: float,
        owner: str,
        lease_seconds: float = 30.0,
        max_attempts: int = 5,
        batch: int | None = None,
        max_in_flight: int | None = None,
        retry_base_delay: float = 1.0,
        retry_max_delay: float = 300.0,
        idle_poll: float = 1.0,
        progress_interval: float = 2.0,
    ) -> None:
        if rate <= 0 or lease_seconds <= 0 or max_attempts < 1:
            raise ValueError("rate and lease_seconds must be positive, max_attempts at least 1")
        if not owner or len(owner) > 64:
            raise ValueError("owner must be 1 to 64 characters")
        self.bot = bot
        self.owner = owner
        self.rate = rate
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.batch = batch or max(1, min(500, math.ceil(rate * 2)))
        self.max_in_flight = max_in_flight or max(1, min(100, math.ceil(rate)))
        self.retry_base_delay = retry_base_delay
        self.retry_max_delay = retry_max_delay
        self.idle_poll = idle_poll
        self.progress_interval = progress_interval
        self.stats: Counter[str] = Counter()
        """Outcomes written by this worker (sent, failed, inactive, retry) and events
        (rate_limited, lease_lost)."""

        self._sessionmaker = sessionmaker
        self._limits = SendLimits(rate)
        self.in_window = 0
        """Deliveries whose request was made and whose outcome is not committed: what a crash
        now would send again (those Telegram accepted)."""
        self.most_in_window = 0
        self._slot_freed = asyncio.Event()
        self._cycles: deque[float] = deque(maxlen=CYCLE_SAMPLES)
        self._cycle = 0.0  # the typical time from a request to its committed outcome (see window())
        # Writes go one at a time: on SQLite concurrent writers would only wait in busy_timeout.
        self._db_lock = asyncio.Lock()
        self._ready: deque[_Item] = deque()
        self._deferred: list[tuple[float, int, _Item]] = []  # (ready_at, seq, item) heap
        self._seq = 0
        self._held: dict[int, _Item] = {}  # every leased delivery not yet recorded, by id
        self._in_flight: set[asyncio.Task[None]] = set()
        self._outcomes: asyncio.Queue[_Outcome | None] = asyncio.Queue()
        self._work = asyncio.Event()  # backlog grew, a chat or a slot freed up
        self._need = asyncio.Event()  # backlog ran low
        self._progress = ProgressReporter(
            bot, sessionmaker, self._limits, self._db_lock, owner=owner, interval=progress_interval
        )
        self._loops: list[asyncio.Task[None]] = []
        self._recorder: asyncio.Task[None] | None = None
        self._running = False

    # ------------------------------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    async def start(self) -> None:
        """Initialise the bot and start the worker's tasks; returns at once."""
        if self._running:
            return
        await self.bot.initialize()
        self._running = True
        self._recorder = self._spawn(self._record_loop, "recorder")
        self._loops = [
            self._spawn(self._feed_loop, "feeder"),
            self._spawn(self._dispatch_loop, "dispatcher"),
            self._spawn(self._heartbeat_loop, "heartbeat"),
            self._spawn(self._progress.run, "progress"),
        ]
        log.info(
            "outbox worker %s started: %.1f messages/s, %d in flight",
            self.owner,
            self.rate,
            self.max_in_flight,
        )

    async def stop(self) -> None:
        """Stop taking work, let in-flight requests finish, record them, release the leases."""
        if not self._running:
            return
        self._running = False
        loops, self._loops = self._loops, []
        heartbeat = next((t for t in loops if t.get_name().endswith("heartbeat")), None)
        for task in loops:
            if task is not heartbeat:
                task.cancel()
        await asyncio.gather(*(t for t in loops if t is not heartbeat), return_exceptions=True)
        if self._in_flight:
            _done, pending = await asyncio.wait(set(self._in_flight), timeout=STOP_TIMEOUT)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._recorder is not None:
            self._outcomes.put_nowait(None)
            await asyncio.gather(self._recorder, return_exceptions=True)
            self._recorder = None
        if heartbeat is not None:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
        try:
            async with self._db_lock, self._sessionmaker() as session:
                released = await release_leases(session=session, owner=self.owner)
                await session.commit()
            await self._progress.complete()
        except Exception:
            log.exception("outbox worker %s: could not release its leases (they will expire)", self.owner)
            released = 0
        self._ready.clear()
        self._deferred.clear()
        self._held.clear()
        log.info("outbox worker %s stopped (%d leases released): %s", self.owner, released, dict(self.stats))

    async def run_until_idle(self, timeout: float) -> None:  # noqa: ASYNC109 - a deadline for tests
        """Run until no delivery is pending anywhere and finished broadcasts are reported.

        Starts the worker if needed (and stops it again then). Raises TimeoutError after
        ``timeout`` seconds.
        """
        started = not self._running
        if started:
            await self.start()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if not self._held and self._outcomes.empty():
                        async with self._sessionmaker() as session:
                            depth = await outbox_depth(session=session)
                        if depth == 0:
                            await self._progress.complete()
                            if not self._held:
                                return
                    await asyncio.sleep(min(0.05, self.idle_poll))
        finally:
            if started:
                await self.stop()

    def report(self) -> dict[str, int]:
        """The counts of :attr:`stats`, and the window: its size, how many are in it now and the
        most there ever were (what a crash would send again, at most)."""
        window = {"window": self.window(), "in_window": self.in_window, "most_in_window": self.most_in_window}
        return {**self.stats, **window}

    def notify(self) -> None:
        """New deliveries were enqueued: look for them now rather than at the next poll."""
        self._need.set()

    def _spawn(self, loop: Callable[[], Awaitable[None]], name: str) -> asyncio.Task[None]:
        """A task running ``loop()``, which logs its failure; the coroutine is made inside the task,
        so a task cancelled before it ran leaves no coroutine never awaited."""

        async def guarded() -> None:
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox worker %s: the %s task failed", self.owner, name)
                raise

        return asyncio.create_task(guarded(), name=f"outbox-{name}")

    # ------------------------------------------------------------------------------------------
    # Feeder: leases due deliveries
    # ------------------------------------------------------------------------------------------

    async def _feed_loop(self) -> None:
        failures = 0
        while True:
            try:
                got, wanted = await self._feed_once()
                failures = 0
            except Exception:
                failures += 1
                log.exception("outbox worker %s: claiming deliveries failed", self.owner)
                await asyncio.sleep(min(30.0, self.idle_poll * 2**failures))
                continue
            if wanted and got < wanted:
                await self._idle_sweep()
                await wait_event(self._need, self.idle_poll)
            elif not wanted:
                await wait_event(self._need, self.idle_poll)

    async def _feed_once(self) -> tuple[int, int]:
        """Top the backlog up to ``batch``; (claimed, wanted)."""
        self._need.clear()
        wanted = self.batch - len(self._held)
        if wanted < max(1, self.batch // 2) and self._held:
            return 0, 0
        async with self._db_lock, self._sessionmaker() as session:
            claimed = await claim_due(
                session=session, owner=self.owner, limit=wanted, lease_seconds=self.lease_seconds
            )
        if not claimed:
            return 0, wanted
        async with self._sessionmaker() as session:
            broadcasts = await get_broadcasts(session=session, ids={d.broadcast_id for d in claimed})
        cancelled: list[_Item] = []
        for delivery in claimed:
            known = self._held.get(delivery.id or 0)
            if known is not None and delivery.lease_until is not None:
                # Our own lease ran out (the heartbeat failed) and we claimed the row again: it
                # is already in the backlog, in flight or being recorded. Never a second copy.
                known.lease_until = delivery.lease_until
                continue
            item = self._item(delivery, broadcasts.get(delivery.broadcast_id))
            if item is None:
                continue
            self._held[item.delivery_id] = item
            self._progress.track(item.broadcast_id)
            state = broadcasts[delivery.broadcast_id].state
            if state == CANCELLED:
                cancelled.append(item)
            else:
                self._ready.append(item)
        for item in cancelled:
            self._outcomes.put_nowait(_Outcome(item, FAILED, "broadcast cancelled"))
        self._work.set()
        return len(claimed), wanted

    def _item(self, delivery: Delivery, broadcast: Broadcast | None) -> _Item | None:
        if delivery.id is None or delivery.lease_until is None:
            return None
        item = _Item(
            delivery_id=delivery.id,
            broadcast_id=delivery.broadcast_id,
            chat_id=delivery.chat_id,
            attempts=delivery.attempts,
            lease_until=delivery.lease_until,
            text=broadcast.text if broadcast is not None else "",
        )
        if broadcast is None:  # cannot happen with the foreign key; never send an empty text
            self._held[item.delivery_id] = item
            self._outcomes.put_nowait(_Outcome(item, FAILED, "broadcast missing"))
            return None
        return item

    async def _idle_sweep(self) -> None:
        """Nothing due: finish this worker's broadcasts, and once a minute every broadcast (one
        a crashed worker left "sending" with nothing pending would otherwise stay so)."""
        if self._held or not self._outcomes.empty():
            return
        await self._progress.sweep()

    # ------------------------------------------------------------------------------------------
    # Dispatcher: sends under the limits
    # ------------------------------------------------------------------------------------------

    async def _dispatch_loop(self) -> None:
        while True:
            await self._limits.wait_pause()
            item, wait = self._next_item()
            if item is None:
                await wait_event(self._work, wait)
                continue
            if item.lease_until - timedelta(seconds=self.lease_seconds / 3) < datetime.now(UTC):
                # The heartbeat could not renew it (database trouble?): another worker may take it.
                log.warning("outbox: lease on delivery %d about to expire, not sending it", item.delivery_id)
                self._held.pop(item.delivery_id, None)
                self.stats["lease_lost"] += 1
                continue
            await self._wait_window()
            await self._limits.bucket.take()
            if self._limits.paused() or self._limits.pacer.ready_at(item.chat_id) > time.monotonic():
                self._ready.appendleft(item)
                continue
            self._limits.pacer.begin(item.chat_id)
            self._enter_window(item)
            task = asyncio.create_task(self._send(item), name=f"outbox-send-{item.delivery_id}")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            if len(self._held) < max(1, self.batch // 2):
                self._need.set()

    def _next_item(self) -> tuple[_Item | None, float]:
        """The next item whose chat may get a message now, or None and how long to wait."""
        now = time.monotonic()
        while self._deferred and self._deferred[0][0] <= now:
            self._ready.appendleft(heapq.heappop(self._deferred)[2])
        while self._ready:
            item = self._ready.popleft()
            if self._held.get(item.delivery_id) is not item:
                continue  # dropped: reclaimed by another worker (see the heartbeat)
            ready_at = self._limits.pacer.ready_at(item.chat_id)
            if ready_at <= now:
                return item, 0.0
            self._seq += 1
            heapq.heappush(self._deferred, (ready_at, self._seq, item))
        wait = self._deferred[0][0] - now if self._deferred else self.idle_poll
        return None, max(0.001, min(wait, self.idle_poll))

    def window(self) -> int:
        """How many deliveries may be between their request and their committed outcome: every
        one of them is a message Telegram may have accepted without the database knowing — a
        duplicate if the process dies now.

        As many as the rate needs (Little's law) at the typical cycle (the median of the latest
        CYCLE_SAMPLES), a quarter more for jitter. The typical cycle, not the quickest: on a busy
        server or machine every cycle is long, and a window sized by the rare quick one cannot
        reach the rate (measured: 74-79 % of it instead of 93-94 % in bench/broadcast.py). At
        least 1 (so it starts at one), at most ``max_in_flight``.
        """
        needed = math.ceil(WINDOW_HEADROOM * self.rate * self._cycle)
        return max(1, min(self.max_in_flight, needed))

    async def _wait_window(self) -> None:
        while self.in_window >= self.window():
            await wait_event(self._slot_freed, self.idle_poll)

    def _enter_window(self, item: _Item) -> None:
        item.dispatched_at = time.monotonic()
        self.in_window += 1
        if self.in_window > self.most_in_window:
            self.most_in_window = self.in_window
            log.info(
                "outbox: %d deliveries between request and committed outcome, the most so far "
                "(window %d at a %.0f ms cycle)",
                self.in_window,
                self.window(),
                self._cycle * 1000,
            )

    def _leave_window(self, item: _Item, *, committed: bool) -> None:
        """Its outcome is committed (or given up), or it goes back to the backlog unsent."""
        if not item.dispatched_at:
            return
        if committed:
            now = time.monotonic()
            self._cycles.append(now - item.dispatched_at)
        item.dispatched_at = 0.0
        self.in_window -= 1
        self._slot_freed.set()

    async def _send(self, item: _Item) -> None:
        outcome: _Outcome | None = None
        try:
            outcome = await self._attempt(item)
        finally:
            self._limits.pacer.end(item.chat_id)
            if outcome is None:  # not accepted: nothing a crash could duplicate
                self._leave_window(item, committed=False)
            self._work.set()
        if outcome is None:  # RetryAfter or refused token: back to the front of the line
            if self._running:
                self._ready.appendleft(item)
            else:
                self._held.pop(item.delivery_id, None)
            return
        self._outcomes.put_nowait(outcome)

    async def _attempt(self, item: _Item) -> _Outcome | None:
        """One sendMessage and what it means for the delivery (None: try again after a pause)."""
        try:
            await self.bot.send_message(chat_id=item.chat_id, text=item.text, parse_mode=ParseMode.HTML)
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self._limits.pause(seconds)
            self.stats["rate_limited"] += 1
            log.warning("outbox: Telegram asked to wait %.1f s; all sending paused", seconds)
            return None
        except Forbidden as exc:
            return _Outcome(item, INACTIVE, describe(exc))
        except ChatMigrated as exc:
            return _Outcome(item, INACTIVE, f"ChatMigrated: group moved to supergroup {exc.new_chat_id}")
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            if any(marker in exc.message.lower() for marker in INACTIVE_MARKERS):
                return _Outcome(item, INACTIVE, describe(exc))
            return _Outcome(item, FAILED, describe(exc))
        except NetworkError as exc:  # timeouts, connection errors, 5xx
            return self._retry_or_fail(item, describe(exc))
        except InvalidToken:
            log.error("outbox: the Bot API refused the token; pausing %.0f s", INVALID_TOKEN_PAUSE)
            self._limits.pause(INVALID_TOKEN_PAUSE)
            return None
        except TelegramError as exc:
            return self._retry_or_fail(item, describe(exc))
        except Exception as exc:
            log.exception("outbox: unexpected error sending delivery %d", item.delivery_id)
            return self._retry_or_fail(item, repr(exc))
        return _Outcome(item, SENT)

    def _retry_or_fail(self, item: _Item, error: str) -> _Outcome:
        attempts = item.attempts + 1
        if attempts >= self.max_attempts:
            return _Outcome(item, FAILED, f"{error} (after {attempts} attempts)")
        delay = min(self.retry_max_delay, self.retry_base_delay * 2 ** (attempts - 1))
        return _Outcome(item, RETRY, error, delay=delay / 2 + random.uniform(0, delay / 2))

    # ------------------------------------------------------------------------------------------
    # Recorder: group commit of outcomes
    # ------------------------------------------------------------------------------------------

    async def _record_loop(self) -> None:
        stopping = False
        while not stopping:
            first = await self._outcomes.get()
            batch: list[_Outcome] = []
            if first is None:
                stopping = True
            else:
                batch.append(first)
            while len(batch) < MAX_RECORD_BATCH and not self._outcomes.empty():
                more = self._outcomes.get_nowait()
                if more is None:
                    stopping = True
                else:
                    batch.append(more)
            if batch:
                await self._record(batch)

    async def _record(self, batch: list[_Outcome]) -> None:
        for attempt in range(1, DB_RETRY_LIMIT + 1):
            try:
                lost = await self._write(batch)
                break
            except Exception:
                log.exception("outbox: recording %d outcomes failed (attempt %d)", len(batch), attempt)
                await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
        else:
            log.error("outbox: %d outcomes not recorded; their leases will expire", len(batch))
            lost = len(batch)
        for outcome in batch:
            self._leave_window(outcome.item, committed=True)
            self._held.pop(outcome.item.delivery_id, None)
            if outcome.status not in (SENT, RETRY):
                log.info(
                    "outbox: delivery %d to chat %d %s: %s",
                    outcome.item.delivery_id,
                    outcome.item.chat_id,
                    outcome.status,
                    outcome.error,
                )
        if self._cycles:
            self._cycle = statistics.median(self._cycles)
        self.stats["lease_lost"] += lost
        if not self._held:
            self._progress.wake()

    async def _write(self, batch: list[_Outcome]) -> int:
        """Write the batch in one transaction; returns how many leases were found lost."""
        lost = 0
        written: Counter[str] = Counter()
        async with self._db_lock, self._sessionmaker() as session:
            for outcome in batch:
                if await RECORDERS[outcome.status](session, self.owner, outcome):
                    written[outcome.status] += 1
                else:
                    lost += 1
                    log.warning(
                        "outbox: lease on delivery %d was lost; outcome not recorded",
                        outcome.item.delivery_id,
                    )
            await session.commit()
        self.stats.update(written)
        return lost

    # ------------------------------------------------------------------------------------------
    # Heartbeat: keeps the leases
    # ------------------------------------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        interval = self.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            if not self._held:
                continue
            moment = datetime.now(UTC)
            try:
                async with self._db_lock, self._sessionmaker() as session:
                    kept = await renew_leases(
                        session=session,
                        owner=self.owner,
                        lease_seconds=self.lease_seconds,
                        ids=list(self._held),
                        now=moment,
                    )
                    await session.commit()
            except Exception:
                log.exception("outbox worker %s: renewing leases failed", self.owner)
                continue
            until = moment + timedelta(seconds=self.lease_seconds)
            waiting = {i.delivery_id for i in self._ready} | {e[2].delivery_id for e in self._deferred}
            for delivery_id, item in list(self._held.items()):
                if delivery_id in kept:
                    item.lease_until = until
                elif delivery_id in waiting:
                    # Another worker reclaimed it after our lease expired: it is theirs to send.
                    # (In flight or being recorded: nothing to undo; the recorder sees the loss.)
                    del self._held[delivery_id]
                    self.stats["lease_lost"] += 1


def worker_owner() -> str:
    """hostname-pid-random, at most 64 characters: unique per process, readable in the table."""
    suffix = f"-{os.getpid()}-{secrets.token_hex(3)}"
    return socket.gethostname()[: 64 - len(suffix)] + suffix
