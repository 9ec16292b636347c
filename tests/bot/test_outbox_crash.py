"""A worker process killed with SIGKILL mid-broadcast, then restarted: nothing is lost, and at
most one message is duplicated per crash (the one Telegram accepted just before the kill).

The worker is a real subprocess (``python -m bot.outbox_runner``) talking HTTP to the fake Bot
API served by this test's event loop, on a SQLite file or, when TEST_DATABASE_URL is set, on a
PostgreSQL database made for the test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.outbox import worker_owner
from bot.outbox_runner import RunnerConfig
from db.migrate import upgrade
from db.outbox_store import broadcast_counts, create_broadcast, enqueue
from db.session import create_engine, create_sessionmaker
from db.staff_models import Broadcast
from tests.fakebotapi import Call, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
RATE = 50
CHATS = list(range(8001, 8301))
KILL_AFTER = 50


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def runner_env(api: FakeBotApi, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
        "DATABASE_URL": database_url,
        "BROADCAST_RATE": str(RATE),
        "BROADCAST_LEASE_SECONDS": "2",
        "BROADCAST_IDLE_POLL": "0.1",
        "BROADCAST_PROGRESS_INTERVAL": "0.5",
        # One delivery at a time from dispatch to committed outcome: a crash can then duplicate
        # the message Telegram accepted last and never more. By default the bound is the
        # requests on their way plus max_unrecorded (typically 1 duplicate, at most ~4 here),
        # which a loaded test machine would make flaky to assert as "1".
        "BROADCAST_MAX_IN_FLIGHT": "1",
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


async def test_a_killed_worker_resumes_without_losing_messages(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            row = await create_broadcast(
                session=session, kind="announcement", audience="todos", text="<b>Aviso</b>", created_by=1
            )
            await enqueue(session=session, broadcast=row, chat_ids=CHATS)
            await session.commit()
        broadcast_id = row.id
        assert broadcast_id is not None

        env = runner_env(api, database_url)
        log = tmp_path / "runner.log"
        first = await spawn(env, log)
        try:
            await api.wait_for(delivered, count=KILL_AFTER, timeout=8)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert first.returncode == -signal.SIGKILL
        at_kill = len([c for c in api.calls() if delivered(c)])
        assert at_kill < len(CHATS), "killed midway"

        second = await spawn(env, log)
        try:
            await api.wait_for(delivered, count=len(CHATS), timeout=9)
            async with asyncio.timeout(5):
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
            async with asyncio.timeout(10):
                await second.wait()
        assert second.returncode == 0, log.read_text()
    finally:
        await engine.dispose()

    per_chat = Counter(int(call.params["chat_id"]) for call in api.calls() if delivered(call))
    assert set(per_chat) == set(CHATS), "every chat got the message"
    duplicates = sum(count - 1 for count in per_chat.values())
    assert duplicates <= 1, f"{duplicates} duplicates after one crash"
    assert counts == {"pending": 0, "sent": len(CHATS), "failed": 0, "inactive": 0}
    api.assert_no_violations()


def test_runner_configuration_comes_from_the_environment() -> None:
    env = {"TELEGRAM_TOKEN": "123:abc", "BROADCAST_RATE": "200", "BROADCAST_MAX_IN_FLIGHT": "1"}
    config = RunnerConfig.from_env(env)
    assert (config.rate, config.max_in_flight, config.lease_seconds) == (200.0, 1, 30.0)
    assert config.database_url == "sqlite+aiosqlite:///data/mixco.db"
    assert RunnerConfig.from_env({"TELEGRAM_TOKEN": "123:abc"}).max_in_flight is None
    with pytest.raises(ValueError, match="TELEGRAM_TOKEN"):
        RunnerConfig.from_env({})
    with pytest.raises(ValueError, match="BROADCAST_RATE must be a number"):
        RunnerConfig.from_env({**env, "BROADCAST_RATE": "fast"})
    with pytest.raises(ValueError, match="BROADCAST_LEASE_SECONDS must be greater than 0"):
        RunnerConfig.from_env({**env, "BROADCAST_LEASE_SECONDS": "0"})
    assert len(worker_owner()) <= 64
    assert worker_owner() != worker_owner()
