"""Two real ``python -m bot webhook`` processes on one PostgreSQL database.

What the README's "Several instances" paragraph promises, checked end to end against the fake
Bot API (served by this test's event loop) over HTTP:

1. **Updates**: updates posted alternately to the two instances are all answered; an update id
   posted to *both* instances at the same moment is processed once overall (replies per chat
   and the two ``/metrics`` counters added up).
2. **Broadcast failover**: a broadcast written straight into the outbox is sent by both
   workers; one instance is killed with SIGKILL mid-way and the other finishes it, taking over
   the dead worker's leases once they expire.

Delivery bound asserted (the README's and ``bot.outbox``'s): every recipient gets the message;
a recipient gets it at most twice, and only if the killed worker held its delivery when it died
(it was in flight: Telegram accepted it, the outcome was not committed); in total at most the
killed worker's window (``max_in_flight``), which is below its lease batch. No chat gets it twice
while both workers are alive: every second copy is answered by the fake after the kill.

Sizing: the brief is 5,000 recipients at 200 messages/s per instance, the kill after 1,000. The
bot's settings cap ``BROADCAST_RATE`` at 30 and ``OutboxWorker``'s 30 s lease cannot be set from
``python -m bot webhook``'s environment; at 30/s the full size cannot finish within the test's
90 s, so :func:`sizing` falls back to 1,200 recipients, the kill after 300. When the settings
accept 200/s (and a ``broadcast_lease_seconds`` setting exists) the full size runs unchanged.

Instances are started one after the other: started together on an empty database, both fill
the bundled plan at once and one dies with a unique violation (``bot.storage.current_plan``).
"""

from __future__ import annotations

import asyncio
import inspect
import math
import os
import re
import signal
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, func, select

from bot.outbox import OutboxWorker
from bot.settings import Settings
from db.outbox_models import Broadcast, Delivery
from db.outbox_store import PENDING, SENT, broadcast_counts, create_broadcast, enqueue
from db.session import create_engine, create_sessionmaker
from tests.conftest import POSTGRES_SKIP_REASON, TEST_DATABASE_URL_ENV
from tests.support.databases import fresh_postgres_database
from tests.support.fakebotapi import Call, FakeBotApi
from tests.support.processes import free_port
from tests.support.webhook_bots import (
    SECRET_HEADER,
    WebhookProcess,
    message_update,
    migrate,
    spawn_webhook,
    stop_all,
    webhook_env,
)

pytestmark = pytest.mark.skipif(not os.environ.get(TEST_DATABASE_URL_ENV), reason=POSTGRES_SKIP_REASON)

SECRET = "two-instances_secret"
TEST_BUDGET_S = 88.0  # every wait below is also bounded by what is left of this
READY_TIMEOUT_S = 30.0
ANSWER_TIMEOUT_S = 20.0
KILL_TIMEOUT_S = 25.0
FINISH_TIMEOUT_S = 60.0
DONE_TIMEOUT_S = 10.0
SETTLE_S = 0.5

UPDATES = 40  # distinct update ids, one new private chat each
DUPLICATED = 16  # of them also posted to the other instance, concurrently
FIRST_UPDATE_CHAT = 700_000_001
QUESTIONS = ("zona 1", "zona 6", "zona 10", "proyecto 242177", "obras en zona 3", "agua potable")
"""Each answered with a single message, so that a second reply in a chat means a second run."""

BROADCAST_TEXT = "Aviso municipal: corte de agua programado en la zona 6 el sábado de 8 a 14 h."
WANTED_RATE = 200.0
SHORT_LEASE_S = 3.0


@dataclass(frozen=True)
class Sizing:
    rate: float
    recipients: int
    kill_after: int
    lease_seconds: float

    @property
    def batch(self) -> int:
        """What one worker leases at a time (``OutboxWorker.batch`` for this rate)."""
        return max(1, min(500, math.ceil(self.rate * 2)))

    @property
    def window(self) -> int:
        """Most deliveries one worker has dispatched but not recorded (its ``max_in_flight``)."""
        return max(1, min(100, math.ceil(self.rate)))


def sizing() -> Sizing:
    """The brief's sizes when the bot's settings allow them, else what fits in the budget."""
    lease_configurable = "broadcast_lease_seconds" in Settings.model_fields
    default_lease = float(inspect.signature(OutboxWorker).parameters["lease_seconds"].default)
    lease = SHORT_LEASE_S if lease_configurable else default_lease
    try:
        Settings.model_validate({"broadcast_rate": WANTED_RATE})  # defaults, no environment
    except ValidationError as exc:
        if any(error["loc"][:1] == ("broadcast_rate",) for error in exc.errors()):
            return Sizing(rate=30.0, recipients=1_200, kill_after=300, lease_seconds=lease)
    return Sizing(rate=WANTED_RATE, recipients=5_000, kill_after=1_000, lease_seconds=lease)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with fresh_postgres_database(os.environ[TEST_DATABASE_URL_ENV], "test_twoinst") as url:
        yield url


class Budget:
    """One deadline for the whole test; each wait takes the smaller of its own bound and what
    is left."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def __call__(self, bound: float) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the test ran out of its time budget")
        return min(bound, left)


def is_broadcast(call: Call) -> bool:
    return call.method == "sendMessage" and call.ok and call.params.get("text") == BROADCAST_TEXT


def updates_processed(metrics_text: str) -> int:
    """Sum of ``bot_updates_total`` over kinds and outcomes in a Prometheus exposition."""
    pattern = re.compile(r"^bot_updates_total\{[^}]*\} ([0-9.e+]+)$", re.MULTILINE)
    return round(sum(float(value) for value in pattern.findall(metrics_text)))


async def poll(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.02) -> None:  # noqa: ASYNC109
    try:
        async with asyncio.timeout(timeout):
            while True:  # the state is in other processes and the fake's log: poll it
                if condition():
                    return
                await asyncio.sleep(interval)
    except TimeoutError:
        raise TimeoutError(f"waited {timeout:.0f} s for {what}") from None


async def post(client: httpx.AsyncClient, bot: WebhookProcess, update: dict[str, Any]) -> int:
    response = await client.post(f"{bot.url}/telegram", json=update, headers={SECRET_HEADER: SECRET})
    return response.status_code


async def test_two_instances_share_updates_and_finish_a_killed_ones_broadcast(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    budget = Budget(TEST_BUDGET_S)
    size = sizing()
    await migrate(database_url, tmp_path / "migrate.log", timeout=budget(30))
    extra = {
        "BROADCAST_RATE": f"{size.rate:g}",
        "BROADCAST_LEASE_SECONDS": f"{size.lease_seconds:g}",  # ignored while not a setting
        "LOG_LEVEL": "INFO",
    }
    bots: list[WebhookProcess] = []
    engine = create_engine(database_url)
    try:
        async with httpx.AsyncClient(timeout=10.0) as client:
            for n in range(2):  # one after the other: see the module docstring
                env = webhook_env(
                    token=api.token,
                    api_base_url=f"{api.url}/bot",
                    database_url=database_url,
                    secret=SECRET,
                    port=free_port(),
                    extra=extra,
                )
                bots.append(await spawn_webhook(env, tmp_path / f"bot{n}.log"))
                await bots[-1].wait_healthy(client, budget(READY_TIMEOUT_S))
            await check_updates(api, client, bots, budget)
            await check_broadcast_failover(api, client, bots, engine, size, budget)
    finally:
        await stop_all(bots)
        await engine.dispose()
    api.assert_no_violations()


async def check_updates(
    api: FakeBotApi, client: httpx.AsyncClient, bots: list[WebhookProcess], budget: Budget
) -> None:
    """Alternate instances; ``DUPLICATED`` ids go to both at once. Each is processed once."""
    chats = [FIRST_UPDATE_CHAT + n for n in range(UPDATES)]
    posts = []
    for n, chat in enumerate(chats):
        update = message_update(10_000 + n, chat, QUESTIONS[n % len(QUESTIONS)])
        first, other = bots[n % 2], bots[(n + 1) % 2]
        posts.append(post(client, first, update))
        if n < DUPLICATED:
            posts.append(post(client, other, update))
    statuses = await asyncio.gather(*posts)
    assert statuses == [200] * (UPDATES + DUPLICATED)

    wanted = set(chats)

    def answered() -> bool:
        return wanted <= {int(s.chat_id) for s in api.sent()}

    await poll(answered, budget(ANSWER_TIMEOUT_S), f"answers in {UPDATES} chats")
    counts: list[int] = []
    for _ in range(int(budget(ANSWER_TIMEOUT_S) / 0.1)):  # the counters move after the reply
        counts = [updates_processed((await client.get(f"{b.url}/metrics")).text) for b in bots]
        if sum(counts) >= UPDATES:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(SETTLE_S)  # a second run of a duplicate would show up by now
    counts = [updates_processed((await client.get(f"{b.url}/metrics")).text) for b in bots]
    replies = {chat: len(api.sent(chat)) for chat in chats}
    assert replies == dict.fromkeys(chats, 1), "a duplicated update id was answered twice"
    assert sum(counts) == UPDATES, f"updates processed per instance: {counts}"
    assert all(count > 0 for count in counts), f"both instances took updates: {counts}"


async def check_broadcast_failover(
    api: FakeBotApi,
    client: httpx.AsyncClient,
    bots: list[WebhookProcess],
    engine: AsyncEngine,
    size: Sizing,
    budget: Budget,
) -> None:
    sessionmaker = create_sessionmaker(engine)
    recipients = range(1, size.recipients + 1)
    async with sessionmaker() as session:
        broadcast = await create_broadcast(
            session=session,
            kind="announcement",
            audience="todos",
            text=BROADCAST_TEXT,
            created_by=1,
            state="sending",
        )
        await enqueue(session=session, broadcast=broadcast, chat_ids=recipients)
        await session.commit()
    broadcast_id = broadcast.id
    assert broadcast_id is not None

    survivor, victim = bots
    await poll(
        lambda: sum(map(is_broadcast, api.calls())) >= size.kill_after,
        budget(KILL_TIMEOUT_S),
        f"{size.kill_after} deliveries before the kill",
        interval=0.01,
    )
    killed_at = time.monotonic()
    victim.kill()
    assert await victim.process.wait() == -signal.SIGKILL

    owner = col(Delivery.lease_owner)
    async with sessionmaker() as session:
        held = set(
            (
                await session.exec(
                    select(Delivery.chat_id).where(
                        Delivery.broadcast_id == broadcast_id,
                        Delivery.status == PENDING,
                        owner.like(f"%-{victim.pid}-%"),
                    )
                )
            ).all()
        )
        sent_by: dict[int, int] = {}
        for bot in bots:
            statement = select(func.count()).where(
                Delivery.broadcast_id == broadcast_id,
                Delivery.status == SENT,
                owner.like(f"%-{bot.pid}-%"),  # worker ids are hostname-pid-random
            )
            sent_by[bot.pid] = int((await session.exec(statement)).one())
    assert all(sent_by.values()), f"both workers sent before the kill: {sent_by}"
    assert len(held) <= 2 * size.batch, f"the killed worker held {len(held)} leases"

    async def pending() -> int:
        async with sessionmaker() as session:
            return (await broadcast_counts(session=session, broadcast_id=broadcast_id))[PENDING]

    try:
        async with asyncio.timeout(budget(FINISH_TIMEOUT_S)):
            while await pending():
                assert survivor.alive(), survivor.log_tail()
                await asyncio.sleep(0.25)
            while True:
                async with sessionmaker() as session:
                    state = (
                        await session.exec(select(Broadcast.state).where(Broadcast.id == broadcast_id))
                    ).one()
                if state == "done":
                    break
                await asyncio.sleep(0.25)
    except TimeoutError:
        raise AssertionError(
            f"not finished {FINISH_TIMEOUT_S:.0f} s after the kill ({await pending()} pending; lease "
            f"{size.lease_seconds:g} s):\n{survivor.log_tail()}"
        ) from None
    await asyncio.sleep(SETTLE_S)

    async with sessionmaker() as session:
        counts = await broadcast_counts(session=session, broadcast_id=broadcast_id)
    assert counts == {"pending": 0, "sent": size.recipients, "failed": 0, "inactive": 0}

    times: dict[int, list[float]] = defaultdict(list)
    for call in api.calls():
        if is_broadcast(call):
            times[int(call.params["chat_id"])].append(call.time)
    assert set(times) == set(recipients), "every recipient got the broadcast"
    twice = {chat for chat, sent in times.items() if len(sent) > 1}
    assert all(len(times[chat]) == 2 for chat in twice), "at most one duplicate per recipient"
    assert twice <= held, f"duplicates the killed worker did not hold: {sorted(twice - held)[:10]}"
    assert len(twice) <= size.window <= size.batch, f"{len(twice)} duplicates"
    early = [chat for chat in twice if sorted(times[chat])[1] <= killed_at]
    assert not early, f"sent twice while both instances were alive: {early[:10]}"
    assert (await client.get(f"{survivor.url}/healthz")).status_code == 200
    assert await survivor.stop() in (0, -signal.SIGTERM), survivor.log_tail()
    print(
        f"two instances: rate {size.rate:g}/s each, {size.recipients} recipients, kill after "
        f"{size.kill_after}; sent before the kill by pid: {sent_by}; the killed worker held "
        f"{len(held)} leases; {len(twice)} duplicates; lease {size.lease_seconds:g} s"
    )
