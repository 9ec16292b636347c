"""A real ``python -m bot webhook`` allowed 1,024 open files, under 1,100 connections that never
finish their headers (the flood that used to lock Telegram and /healthz out and write hundreds of
megabytes of "Too many open files")."""

from __future__ import annotations

import asyncio
import contextlib
import resource
from pathlib import Path

import httpx
import pytest

from tests.support.fakebotapi import FakeBotApi
from tests.support.processes import free_port
from tests.support.webhook_bots import migrate, spawn_webhook, stop_all, webhook_env

SECRET = "flood-test-secret"
OPEN_FILES = 1024
FLOOD = 1100
PARTIAL_HEAD = b"POST /telegram HTTP/1.1\r\nHost: hook\r\nX-Slow: "


@pytest.fixture
def room_for_the_flood() -> None:
    """This process holds the flood's client ends: make sure it may open that many files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = FLOOD + 500
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} open files, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def slow_client(port: int) -> Connection | None:
    """A connection that sends half a request head and then nothing (None: it was refused)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionError:
        return None
    with contextlib.suppress(ConnectionError):
        writer.write(PARTIAL_HEAD)
        await writer.drain()
    return reader, writer


async def closed_by_server(connection: Connection | None) -> None:
    if connection is not None:
        with contextlib.suppress(ConnectionError):
            await connection[0].read()


@pytest.mark.usefixtures("room_for_the_flood")
async def test_a_flood_of_slow_connections_neither_locks_out_nor_floods_the_log(
    api: FakeBotApi, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'flood.db'}"
    await migrate(database_url, tmp_path / "migrate.log")
    port = free_port()
    env = webhook_env(
        token=api.token,
        api_base_url=f"{api.url}/bot",
        database_url=database_url,
        secret=SECRET,
        port=port,
        extra={"WEBHOOK_HEADER_TIMEOUT": "2"},
    )
    bot = await spawn_webhook(env, tmp_path / "bot.log")
    try:
        resource.prlimit(bot.pid, resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
        async with httpx.AsyncClient(timeout=10) as client:
            await bot.wait_healthy(client, timeout=30)
            flood = await asyncio.gather(*(slow_client(port) for _ in range(FLOOD)))
            try:
                health = await client.get(f"{bot.url}/healthz")  # with the flood still connected
                async with asyncio.timeout(30):
                    await asyncio.gather(*(closed_by_server(connection) for connection in flood))
            finally:
                for connection in flood:
                    if connection is not None:
                        connection[1].close()
        # a new connection, as a health checker opens one: the pooled connection sat idle past
        # the 2 s head time-out, and reusing one the server is just closing is the client's race
        async with httpx.AsyncClient(timeout=10) as fresh:
            after = await fresh.get(f"{bot.url}/healthz")
    finally:
        await stop_all([bot])
    log = bot.log.read_text(errors="replace")
    assert health.status_code == 200, bot.log_tail()
    assert after.status_code == 200
    assert log.count("Too many open files") <= 1, bot.log_tail()
    assert len(log) < 100_000
    assert bot.error_lines() <= 1, bot.log_tail()
