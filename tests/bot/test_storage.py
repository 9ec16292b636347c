"""Start-up storage: the query log's salt is a secret of this database unless one is set."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pydantic import SecretStr

from db.chat_store import BUILT_IN_SALT, chat_hash
from tests.conftest import running_bot, settings_for
from tests.support.fakebotapi import FakeBotApi

GENERATED = "QUERY_LOG_SALT is not set: a random salt was generated"


def stored(database: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql).fetchall()


async def ask(api: FakeBotApi, database: Path, text: str, **overrides: object) -> None:
    """Start the bot on ``database``, ask one question, stop it (the query log is written)."""
    async with running_bot(api, settings_for(api, database, **overrides)):
        mark = api.mark()
        api.send_text(api.user_id, text)
        await api.wait_for_sent(api.user_id, since=mark)


async def test_without_a_salt_one_is_generated_once_and_kept(
    api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "salt.db"
    with caplog.at_level(logging.WARNING, logger="bot.storage"):
        await ask(api, database, "zona 6")
        first_start = [r.getMessage() for r in caplog.records if GENERATED in r.getMessage()]
        caplog.clear()
        await ask(api, database, "zona 10")  # a restart, or another instance on the same database
        second_start = [r.getMessage() for r in caplog.records if GENERATED in r.getMessage()]

    [(salt,)] = stored(database, "SELECT value FROM stored_secret WHERE name = 'query_log_salt'")
    assert isinstance(salt, str)
    assert len(salt) == 64
    assert salt != BUILT_IN_SALT
    hashes = stored(database, "SELECT chat_hash FROM query_log ORDER BY id")
    assert hashes == [(chat_hash(api.user_id, salt),)] * 2  # both starts used the stored salt
    assert len(first_start) == 1
    assert second_start == []


async def test_a_configured_salt_wins(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "configured.db"
    await ask(api, database, "zona 6", query_log_salt=SecretStr("our-own-salt"))
    assert stored(database, "SELECT chat_hash FROM query_log") == [(chat_hash(api.user_id, "our-own-salt"),)]
    assert stored(database, "SELECT * FROM stored_secret") == []


async def test_rows_of_the_old_built_in_salt_are_rekeyed_and_forgotten(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """A database the bot used before it generated salts: its rows are re-keyed on the first
    start, so /olvidarme still deletes them."""
    database = tmp_path / "legacy.db"
    await ask(api, database, "zona 6", query_log_salt=SecretStr(BUILT_IN_SALT))  # what the old default did
    await ask(api, database, "zona 10")
    [(salt,)] = stored(database, "SELECT value FROM stored_secret")
    assert stored(database, "SELECT chat_hash FROM query_log") == [(chat_hash(api.user_id, str(salt)),)] * 2

    async with running_bot(api, settings_for(api, database)):
        mark = api.mark()
        api.send_command(api.user_id, "/olvidarme")
        [question] = await api.wait_for_sent(api.user_id, since=mark)
        api.press_button(question.message, f"a|olvidar:si:{api.user_id}")
        await api.wait_for("editMessageText", since=mark)
    assert stored(database, "SELECT COUNT(*) FROM query_log") == [(0,)]
