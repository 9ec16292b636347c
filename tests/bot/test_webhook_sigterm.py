"""A real ``python -m bot webhook`` process told to stop with SIGTERM finishes what it accepted."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import httpx

from tests.support.fakebotapi import FakeBotApi
from tests.support.processes import free_port
from tests.support.webhook_bots import (
    SECRET_HEADER,
    message_update,
    migrate,
    spawn_webhook,
    stop_all,
    webhook_env,
)

SECRET = "sigterm-test-secret"
UPDATES = 12


async def test_sigterm_answers_every_accepted_update_then_exits(api: FakeBotApi, tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'sigterm.db'}"
    await migrate(database_url, tmp_path / "migrate.log")
    env = webhook_env(
        token=api.token,
        api_base_url=f"{api.url}/bot",
        database_url=database_url,
        secret=SECRET,
        port=free_port(),
    )
    bot = await spawn_webhook(env, tmp_path / "bot.log")
    api.delay("sendMessage", 0.2)  # answers are slow, so updates are still queued at SIGTERM
    try:
        async with httpx.AsyncClient() as client:
            await bot.wait_healthy(client, timeout=30)
            for n in range(UPDATES):
                response = await client.post(
                    f"{bot.url}/telegram",
                    json=message_update(9000 + n, 500 + n, f"zona {n % 11 + 1}"),
                    headers={SECRET_HEADER: SECRET},
                )
                assert response.status_code == 200
        answered_before = len(api.sent())
        code = await bot.stop(timeout=30)
    finally:
        await stop_all([bot])
    assert answered_before < UPDATES  # the stop really came while work was queued
    assert {s.chat_id for s in api.sent()} == {500 + n for n in range(UPDATES)}
    assert code in (0, -15), bot.log_tail()
    assert bot.error_lines() == 0, bot.log_tail()
    # what ChatState buffered (questions, recipients) was written before the process exited
    with closing(sqlite3.connect(tmp_path / "sigterm.db")) as db:
        questions = db.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM query_log").fetchone()
        recipients = {row[0] for row in db.execute("SELECT chat_id FROM recipient")}
    assert questions == (UPDATES, UPDATES)
    assert recipients == {500 + n for n in range(UPDATES)}
