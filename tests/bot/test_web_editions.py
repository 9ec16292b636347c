"""Loading an edition beside a bot that polls, with real processes: ``python -m bot run`` polling
the fake Bot API (which runs here) and ``python -m bot web`` serving the staff console, on one
database (SQLite and, with TEST_DATABASE_URL, PostgreSQL), as the README deploys them.

Staff load next year's plan through the console's HTTP API (upload, then "Cargar"): the web
process answers from it at once, and the bot — which asks the database for the plan's revision
every PLAN_CHECK_INTERVAL — answers a question only the new edition answers, sets its command
menus for the new year, and the follower of a zona it changes is told once. Then staff load an
edition by sending it to the bot in the chat, and the web process's explorer follows.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import col, select

from db.outbox_models import Broadcast
from db.session import create_engine, create_sessionmaker
from db.staff_models import AuditEntry
from tests.support.fakebotapi import Call, FakeBotApi, Sent
from tests.support.followers import follow
from tests.support.initdata import console_headers
from tests.support.processes import free_port
from tests.support.webhook_bots import WebhookProcess, migrate, spawn_bot, stop_all

STAFF = 700_000_060
RESIDENT = 100_000_060
FOLLOWER = 100_000_061
"""Follows zona 11, where next year's plan brings project 301122."""
QUESTION, NEW_ANSWER = "proyecto 301122", "MURO DE CONTENCION EN COLONIA LOS PINOS"
"""A question only next year's plan (``tests.support.editions``) answers, and what it says."""
IDENTITY_2025 = "Plan Operativo Anual 2025 de la Municipalidad de Mixco"
START_S = 90.0
"""Seconds both processes may take to start (migrations, the plan's first load, two indexes)."""
FOLLOW_S = 30.0
"""Seconds a process may take to answer from an edition loaded in the other one."""


@dataclass
class Deployment:
    api: FakeBotApi
    web: httpx.AsyncClient
    database_url: str


async def prepare(database_url: str, log: Path) -> None:
    """Migrated, with a follower of zona 11."""
    await migrate(database_url, log)
    engine = create_engine(database_url)
    try:
        await follow(create_sessionmaker(engine), FOLLOWER, "zona", "11")
    finally:
        await engine.dispose()


@asynccontextmanager
async def deployed(api: FakeBotApi, database_url: str, folder: Path) -> AsyncIterator[Deployment]:
    await prepare(database_url, folder / "migrate.log")
    for user_id in (STAFF, RESIDENT, FOLLOWER):
        api.make_user(user_id, f"Persona {user_id}")
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
        "DATABASE_URL": database_url,
        "ADMIN_IDS": str(STAFF),
        "WEB_PORT": str(port),
        "WEBHOOK_LISTEN": "127.0.0.1",
        "PLAN_CHECK_INTERVAL": "0.2",
        "BROADCAST_IDLE_POLL": "0.2",
        "PTB_TIMEDELTA": "true",
    }
    for name in ("WEBHOOK_URL", "WEBAPP_URL"):
        env.pop(name, None)
    processes: list[WebhookProcess] = []
    try:
        processes.append(await spawn_bot("run", env, folder / "bot.log", 0))
        processes.append(web := await spawn_bot("web", env, folder / "web.log", port))
        async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
            await web.wait_healthy(client, timeout=START_S)
            await api.wait_polling(timeout=START_S)
            yield Deployment(api, client, database_url)
    finally:
        await stop_all(processes)
    for process in processes:
        assert process.error_lines() == 0, process.log_tail()
    api.assert_no_violations()


async def ask(api: FakeBotApi, question: str) -> str:
    mark = api.mark()
    api.send_text(RESIDENT, question, user=RESIDENT)
    (reply,) = await api.wait_for_sent(RESIDENT, since=mark, timeout=FOLLOW_S)
    return reply.plain_text


async def console(deployment: Deployment, path: str, body: bytes | None, key: str) -> dict[str, Any]:
    """A staff console call of the administrator, as its page makes it; its JSON answer."""
    headers = console_headers(deployment.api.token, method="POST", user=STAFF, key=key)
    if body is None:
        body, headers["Content-Type"] = b"{}", "application/json"
    else:
        headers["Content-Type"] = "application/octet-stream"
    response = await deployment.web.post(f"/app/api{path}", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def menus_naming(year: int) -> Any:
    """The bot's everyone's command menu set again, its texts naming ``year``."""

    def matches(call: Call) -> bool:
        return (
            call.method == "setMyCommands"
            and "scope" not in call.params
            and str(year) in json.dumps(call.params)
        )

    return matches


async def rows(database_url: str, statement: Any) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.exec(statement)).all())
    finally:
        await engine.dispose()


async def until(what: str, test: Any, timeout: float = FOLLOW_S) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await test():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        await asyncio.sleep(0.1)


async def test_an_edition_loaded_in_the_console_beside_a_polling_bot_is_answered_by_both(
    api: FakeBotApi,
    database_url: str,
    tmp_path: Path,
    next_edition_document: str,
    next_year_document: str,
) -> None:
    async with deployed(api, database_url, tmp_path) as deployment:
        assert NEW_ANSWER not in await ask(api, QUESTION)
        assert (await deployment.web.get("/app/proyecto/301122")).status_code == 404

        mark = api.mark()
        preview = await console(
            deployment, "/edicion?archivo=poa-2025.txt", next_edition_document.encode(), "poll-upload-key-001"
        )
        loaded = await console(deployment, f"/edicion/{preview['id']}/cargar", None, "poll-load-key-00001")
        assert loaded["outcome"] == "loaded"
        assert (loaded["zonas"], loaded["chats"]) == (1, 1)  # zona 11: its one follower
        assert (await deployment.web.get("/app/proyecto/301122")).status_code == 200  # this process: at once

        await api.wait_for(menus_naming(2025), since=mark, timeout=FOLLOW_S)  # the bot followed
        assert NEW_ANSWER in await ask(api, QUESTION)
        await api.wait_for_sent(FOLLOWER, since=mark, timeout=FOLLOW_S)  # zona 11's notice
        audits = await rows(database_url, select(AuditEntry).where(col(AuditEntry.action) == "plan_load"))
        assert [a.target for a in audits] == [IDENTITY_2025]
        notices = await rows(database_url, select(Broadcast).where(col(Broadcast.kind) == "plan_edition"))
        assert len(notices) == loaded["zonas"]

        # The other way: the same year sent to the bot in the chat, without project 301122.
        mark = api.mark()
        api.send_document_from_user(
            STAFF, data=next_year_document.encode(), file_name="poa-2025-b.txt", mime_type=None, user=STAFF
        )
        previewed = await buttoned(api, STAFF, mark)
        load = next(data for data in previewed.callback_data if data.startswith("a|cargar:"))
        api.press_button(previewed.message, load, user=STAFF)

        async def explorer_followed() -> bool:
            return (await deployment.web.get("/app/proyecto/301122")).status_code == 404

        await until("the explorer of python -m bot web to follow", explorer_followed)
        assert NEW_ANSWER not in await ask(api, QUESTION)
        audits = await rows(database_url, select(AuditEntry).where(col(AuditEntry.action) == "plan_load"))
        assert [a.target for a in audits] == [IDENTITY_2025, IDENTITY_2025]
        await api.wait_for_sent(FOLLOWER, since=mark, timeout=FOLLOW_S)  # 301122 is gone from zona 11
    assert len([s for s in api.sent(FOLLOWER) if s.method == "sendMessage"]) == 2  # one per load


async def buttoned(api: FakeBotApi, chat_id: int, since: int) -> Sent:
    """The bot's first message to ``chat_id`` after ``since`` with a "Cargar" button."""

    def shown() -> list[Sent]:
        return [
            s
            for s in api.sent(chat_id, since=since)
            if any(d.startswith("a|cargar:") for d in s.callback_data)
        ]

    async def found() -> bool:
        return bool(shown())

    await until("the preview with «Cargar»", found)
    return shown()[0]
