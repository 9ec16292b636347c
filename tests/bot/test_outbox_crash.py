"""A worker process killed with SIGKILL mid-broadcast, then restarted, with its default window:
nothing is lost, a message the database had recorded is never sent again, nobody gets a message
more than twice, and what is sent twice is at most what the worker had in its window (requests
on their way and answers waiting for their commit) — at Telegram's free rate with its 100 ms
round trip, and at ten times that rate.

The worker is a real subprocess (``python -m bot.outbox_runner``) talking HTTP to the fake Bot
API served by this test's event loop, on a SQLite file or, when TEST_DATABASE_URL is set, on a
PostgreSQL database made for the test.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import outbox_runner
from bot.http import AiohttpRequest
from bot.outbox import worker_owner
from db.migrate import upgrade
from db.outbox_models import Broadcast, Delivery
from db.outbox_store import broadcast_counts, create_broadcast, enqueue
from db.session import create_engine, create_sessionmaker
from knowledge import catalog as t
from tests.conftest import settings_for
from tests.support.fakebotapi import Call, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
Sessions = async_sessionmaker[AsyncSession]
MOST_IN_WINDOW = re.compile(
    r"outbox: (\d+) deliveries between request and committed outcome, the most so far"
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def runner_env(api: FakeBotApi, database_url: str, rate: int) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
        "DATABASE_URL": database_url,
        "BROADCAST_RATE": str(rate),
        "BROADCAST_LEASE_SECONDS": "2",
        "BROADCAST_IDLE_POLL": "0.1",
        "BROADCAST_PROGRESS_INTERVAL": "0.5",
        "LOG_LEVEL": "INFO",
        "PTB_TIMEDELTA": "true",
    }


async def spawn(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.outbox_runner", cwd=ROOT, env=env, stdout=out, stderr=out
        )


def delivered(call: Call) -> bool:
    return call.method == "sendMessage" and call.ok


def most_in_window(log: Path) -> int:
    """The most deliveries the worker ever had in its window, as it logged it."""
    found = [int(n) for n in MOST_IN_WINDOW.findall(log.read_text())]
    assert found, "the worker logs the size of its window"
    return max(found)


@pytest.mark.parametrize(
    ("rate", "round_trip", "chats"),
    [pytest.param(25, 0.1, 100, id="25/s-100ms"), pytest.param(250, 0.0, 1000, id="250/s")],
)
async def test_a_killed_worker_resumes_without_losing_messages(
    api: FakeBotApi, database_url: str, tmp_path: Path, rate: int, round_trip: float, chats: int
) -> None:
    chat_ids = list(range(8001, 8001 + chats))
    if round_trip:
        api.delay("sendMessage", round_trip)
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            row = await create_broadcast(
                session=session, kind="announcement", audience="todos", text="<b>Aviso</b>", created_by=1
            )
            await enqueue(session=session, broadcast=row, chat_ids=chat_ids)
            await session.commit()
        broadcast_id = row.id
        assert broadcast_id is not None

        env = runner_env(api, database_url, rate)
        first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
        first = await spawn(env, first_log)
        try:
            await api.wait_for(delivered, count=chats // 2, timeout=30)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert first.returncode == -signal.SIGKILL
        async with sessionmaker() as session:
            sent = select(Delivery.chat_id).where(
                col(Delivery.broadcast_id) == broadcast_id, col(Delivery.status) == "sent"
            )
            recorded_at_kill = set((await session.exec(sent)).all())
        assert len(recorded_at_kill) < chats, "killed midway"

        second = await spawn(env, second_log)
        try:
            async with asyncio.timeout(60):
                while True:
                    async with sessionmaker() as session:
                        stored = (
                            await session.exec(select(Broadcast).where(Broadcast.id == broadcast_id))
                        ).one()
                        counts = await broadcast_counts(session=session, broadcast_id=broadcast_id)
                    if stored.state == "done":
                        break
                    await asyncio.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await second.wait()
        assert second.returncode == 0, second_log.read_text()
    finally:
        await engine.dispose()

    per_chat = Counter(int(call.params["chat_id"]) for call in api.calls() if delivered(call))
    assert set(per_chat) == set(chat_ids), "every chat got the message"
    assert counts == {"pending": 0, "sent": chats, "failed": 0, "inactive": 0}
    assert {per_chat[chat] for chat in recorded_at_kill} == {1}, "what was recorded is never sent again"
    assert max(per_chat.values()) <= 2, "nobody gets it more than twice"
    duplicates = sum(count - 1 for count in per_chat.values())
    assert duplicates <= most_in_window(first_log), f"{duplicates} duplicates after one crash"
    api.assert_no_violations()


def test_the_runner_reads_the_bots_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name in [n for n in os.environ if n.startswith(("BROADCAST_", "TELEGRAM_", "DATABASE_URL"))]:
        monkeypatch.delenv(name)
    assert outbox_runner.main() == 2
    assert t.MISSING_TOKEN in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_TOKEN", FakeBotApi().token)
    monkeypatch.setenv("BROADCAST_RATE", "fast")
    assert outbox_runner.main() == 2
    assert "BROADCAST_RATE" in capsys.readouterr().err
    monkeypatch.setenv("BROADCAST_RATE", "200")
    monkeypatch.setenv("BROADCAST_LEASE_SECONDS", "0")
    assert outbox_runner.main() == 2
    assert "BROADCAST_LEASE_SECONDS" in capsys.readouterr().err
    assert len(worker_owner()) <= 64
    assert worker_owner() != worker_owner()


async def test_start_outbox_gives_the_worker_its_settings(api: FakeBotApi, sessionmaker: Sessions) -> None:
    settings = settings_for(
        api,
        "sqlite+aiosqlite:///unused.db",
        broadcast_rate=200,
        broadcast_lease_seconds=7,
        broadcast_max_attempts=3,
        broadcast_max_in_flight=1,
        broadcast_retry_base_delay=0.3,
        broadcast_idle_poll=0.2,
        broadcast_progress_interval=0.5,
    )
    async with outbox_runner.start_outbox(settings, sessionmaker) as worker:
        assert worker.running
        configured = (
            worker.rate,
            worker.lease_seconds,
            worker.max_attempts,
            worker.max_in_flight,
            worker.retry_base_delay,
            worker.idle_poll,
            worker.progress_interval,
        )
        assert configured == (200, 7, 3, 1, 0.3, 0.2, 0.5)
    assert not worker.running
    defaults = settings_for(api, "sqlite+aiosqlite:///unused.db")
    async with outbox_runner.start_outbox(defaults, sessionmaker) as worker:
        assert (worker.rate, worker.max_in_flight, worker.max_attempts) == (25, 25, 5)


async def test_the_workers_bot_makes_no_httpx_client(api: FakeBotApi, sessionmaker: Sessions) -> None:
    """Both of its transports are aiohttp's: given none for getUpdates (which it never calls),
    PTB would make an httpx client, with its own connection pool and SSL context."""
    settings = settings_for(api, "sqlite+aiosqlite:///unused.db")
    async with outbox_runner.start_outbox(settings, sessionmaker) as worker:
        transports = worker.bot._request  # PTB keeps (getUpdates, everything else) here
        assert [type(transport) for transport in transports] == [AiohttpRequest, AiohttpRequest]
