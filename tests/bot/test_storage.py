"""Start-up storage: the query log's salt is a secret of this database unless one is set; a plan
load is one transaction; the bot starts on any plan that passed the load."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError

from bot.storage import current_plan, open_storage, replace_plan
from db.chat_store import BUILT_IN_SALT, chat_hash
from db.plan_store import get_plan_meta
from knowledge import catalog as t
from knowledge.catalog import texts
from knowledge.ingest import load_bundled_plan, parse_plan, read_bundled_text
from knowledge.model import Plan
from tests.conftest import running_bot, second_edition, settings_for
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


# --- The plan: a load is one transaction; start-up does not depend on the plan's zonas -----------


def _second_edition_plan() -> Plan:
    return parse_plan(second_edition(read_bundled_text()))


async def test_a_save_that_fails_midway_leaves_the_previous_plan(database_url: str) -> None:
    storage = await open_storage(database_url)
    try:
        previous = _second_edition_plan()
        await replace_plan(storage, previous, "poa-2024-segunda.txt")
        first = previous.projects[0]
        # Past the checks (replace_plan takes any Plan): the database refuses the second row.
        twice = dataclasses.replace(previous, projects=(first, first, *previous.projects[2:]))
        with pytest.raises(IntegrityError):
            await replace_plan(storage, twice, "poa-2024-rota.txt")

        assert await current_plan(storage) == previous
        async with storage.sessionmaker() as session:
            meta = await get_plan_meta(session=session)
        assert meta is not None
        assert meta.source == "poa-2024-segunda.txt"
    finally:
        await storage.close()


async def test_the_bot_starts_on_a_plan_whose_projects_name_no_zona(api: FakeBotApi, tmp_path: Path) -> None:
    """An edition whose project names do not say their zona loads; the bot must still start
    (its first answer, at start-up, asks about a zona) and say the zona has no projects."""
    database = tmp_path / "sin-zonas.db"
    bundled = load_bundled_plan()
    plan = dataclasses.replace(
        bundled, projects=tuple(dataclasses.replace(p, zona=None) for p in bundled.projects)
    )
    storage = await open_storage(f"sqlite+aiosqlite:///{database}")
    try:
        await replace_plan(storage, plan, "poa-sin-zonas.json")
    finally:
        await storage.close()

    async with running_bot(api, settings_for(api, database)):
        mark = api.mark()
        api.send_text(api.user_id, "/zona 6")
        [sent] = await api.wait_for_sent(api.user_id, since=mark)

    assert sent.text is not None
    assert texts(load_bundled_plan().edition).ZONA_NO_PROJECTS.format(n=6) in sent.text
    assert t.ZONA_OTHERS.split("{")[0] not in sent.text
