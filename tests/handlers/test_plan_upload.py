"""Staff load next year's edition of the plan from Telegram, end to end through the fake Bot API
(SQLite and, with TEST_DATABASE_URL, PostgreSQL): the document as a Telegram document, the
preview, "Cargar", the bot answering from the new edition, and the zonas' followers told through
the outbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.bot_models import PendingAction
from db.models import PlanMeta
from db.outbox_models import Broadcast, Delivery
from db.staff_models import AuditEntry
from knowledge import catalog as t
from knowledge.model import Plan
from knowledge.plan_json import plan_to_json
from tests.conftest import BrokenEdition, broken_editions, running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.editions import FUNDING_TOTAL, NEW_PROJECTS
from tests.support.fakebotapi import FakeBotApi, Sent

ADMIN = 700_000_001
STAFF = 700_000_002
RESIDENT = 100_000_001
FOLLOWERS = {3: 100_000_003, 7: 100_000_007, 11: 100_000_011}
"""A follower of each zona the next edition brings a new project to."""
QUIET_ZONA, QUIET_FOLLOWER = 9, 100_000_009
"""Zona 9: nothing of it changes in the next edition."""
IDENTITY_2025 = "Plan Operativo Anual 2025 de la Municipalidad de Mixco"
NEW_TOTAL = FUNDING_TOTAL["available"][1]


@asynccontextmanager
async def open_town(api: FakeBotApi, database: Path | str, **overrides: Any) -> AsyncIterator[Chat]:
    """The bot with one administrator (ADMIN_IDS) and the outbox worker running."""
    for user_id in (ADMIN, STAFF, *FOLLOWERS.values(), QUIET_FOLLOWER):
        api.make_user(user_id, f"Persona {user_id}")
    settings = settings_for(api, database, admin_ids=(ADMIN,), broadcast_rate=30, **overrides)
    async with running_bot(api, settings) as application:
        yield Chat(api, application)
    api.assert_no_violations()


@pytest.fixture
async def town(api: FakeBotApi, database_url: str) -> AsyncIterator[Chat]:
    async with open_town(api, database_url) as chat:
        yield chat


async def say(town: Chat, user_id: int, text: str, count: int = 1) -> list[Sent]:
    return await town.say(text, chat_id=user_id, user=user_id, count=count)


async def upload(
    town: Chat, user_id: int, data: bytes, file_name: str = "poa-2025.txt", *, count: int = 1
) -> list[Sent]:
    """``user_id`` sends a file as a Telegram document; the bot's ``count`` replies."""
    mark = town.api.mark()
    town.api.send_document_from_user(user_id, data=data, file_name=file_name, mime_type=None, user=user_id)
    return await town.api.wait_for_sent(user_id, count=count, since=mark)


async def press(town: Chat, user_id: int, sent: Sent, data: str) -> int:
    """Press a button as ``user_id``; the mark from before the press."""
    mark = town.api.mark()
    town.api.press_button(sent.message, data, user=user_id, check=False)
    await town.api.wait_for("answerCallbackQuery", since=mark)
    return mark


async def next_reply(town: Chat, chat_id: int, since: int) -> str:
    """The text of the message the bot sent or edited in ``chat_id`` after ``since``."""
    (call,) = await town.api.wait_for(
        lambda c: c.method in ("sendMessage", "editMessageText") and c.params.get("chat_id") == chat_id,
        since=since,
    )
    return str(call.params["text"])


def session_of(town: Chat) -> AsyncSession:
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    return sessionmaker()


async def rows(town: Chat, model: Any, *where: Any) -> list[Any]:
    async with session_of(town) as session:
        return list((await session.exec(select(model).where(*where))).all())


async def plan_digest_in_db(town: Chat) -> str:
    (meta,) = await rows(town, PlanMeta)
    return str(meta.sha256)


def button_data(preview: Sent, verb: str) -> str:
    return next(d for d in preview.callback_data if d.startswith(f"a|{verb}:"))


async def test_staff_load_next_years_edition_and_followers_hear_of_their_zona(
    town: Chat, next_edition_document: str, next_edition: Plan
) -> None:
    for zona, chat in (*FOLLOWERS.items(), (QUIET_ZONA, QUIET_FOLLOWER)):
        await say(town, chat, f"/suscribir zona {zona}")
    await say(town, ADMIN, f"/staff agregar {STAFF}")
    digest_before = await plan_digest_in_db(town)

    *_, preview = await upload(town, ADMIN, next_edition_document.encode(), count=2)
    shown = "\n".join(s.plain_text for s in town.api.sent(ADMIN)[-2:])
    assert IDENTITY_2025 in shown
    assert "Plan Operativo Multianual: 2024-2028" in shown
    assert "Zonas: de la 1 a la 11" in shown
    assert f"Trae {len(next_edition.projects)} proyectos, {len(next_edition.funding)} fuentes" in shown
    assert "Los totales cuadran" in shown
    assert "Del POA 2024 al POA 2025: 3 proyectos nuevos, 2 proyectos dejaron de estar, 3 montos" in shown
    assert all(f"SNIP {snip} (zona {zona})" in shown for snip, (zona, *_) in NEW_PROJECTS.items())
    assert await plan_digest_in_db(town) == digest_before  # nothing loaded before "Cargar"
    (before,) = await say(town, RESIDENT, "presupuesto 2025")
    assert NEW_TOTAL not in before.plain_text

    load = button_data(preview, "cargar")
    mark = await press(town, STAFF, preview, load)
    assert await next_reply(town, ADMIN, mark) == t.PLAN_LOAD_NOT_YOURS  # under the preview
    assert await plan_digest_in_db(town) == digest_before

    mark = await press(town, ADMIN, preview, load)
    loaded = await next_reply(town, ADMIN, mark)
    notices = "Avisos en camino: 3 zonas con cambios para 3 chats."
    assert loaded == f"Listo: ya respondo con el {IDENTITY_2025}. {notices}"
    (budget,) = await say(town, RESIDENT, "presupuesto 2025")
    assert NEW_TOTAL in budget.plain_text
    assert await plan_digest_in_db(town) != digest_before

    for zona, chat in FOLLOWERS.items():
        (notice,) = await town.api.wait_for_sent(chat, since=mark)
        assert IDENTITY_2025 in notice.plain_text
        assert f"En la zona {zona}, del POA 2024 al POA 2025" in notice.plain_text
        new_here = [snip for snip, (z, *_) in NEW_PROJECTS.items() if z == zona]
        assert new_here
        assert all(f"SNIP {snip}" in notice.plain_text for snip in new_here)
    await asyncio.sleep(0.3)  # the worker had its chance to send anything else
    for chat in FOLLOWERS.values():
        assert len(town.api.sent(chat, since=mark)) == 1
    assert town.api.sent(QUIET_FOLLOWER, since=mark) == []
    broadcasts = await rows(town, Broadcast, col(Broadcast.kind) == "plan_edition")
    assert {b.audience for b in broadcasts} >= {f"zona:{zona}" for zona in FOLLOWERS}
    assert f"zona:{QUIET_ZONA}" not in {b.audience for b in broadcasts}
    assert await rows(town, Delivery, col(Delivery.chat_id) == QUIET_FOLLOWER) == []

    mark = await press(town, ADMIN, preview, load)  # pressed again: loads nothing twice
    assert await next_reply(town, ADMIN, mark) == t.STALE_BUTTON
    assert len(await rows(town, Broadcast, col(Broadcast.kind) == "plan_edition")) == len(broadcasts)
    (entry,) = await rows(town, AuditEntry, col(AuditEntry.action) == "plan_load")
    assert (entry.actor_id, entry.target) == (ADMIN, IDENTITY_2025)


async def test_a_loaded_edition_is_the_plan_after_a_restart(
    api: FakeBotApi, tmp_path: Path, next_edition_document: str
) -> None:
    database = tmp_path / "bot.db"
    async with open_town(api, database) as town:
        *_, preview = await upload(town, ADMIN, next_edition_document.encode(), count=2)
        mark = await press(town, ADMIN, preview, button_data(preview, "cargar"))
        await next_reply(town, ADMIN, mark)
    async with open_town(api, database) as town:
        (budget,) = await say(town, RESIDENT, "presupuesto 2025")
        assert NEW_TOTAL in budget.plain_text


async def test_a_broken_edition_is_refused_with_its_line_and_nothing_changes(town: Chat) -> None:
    broken: BrokenEdition = broken_editions()["projects-total"]
    digest_before = await plan_digest_in_db(town)
    (refusal,) = await upload(town, ADMIN, broken.text.encode(), "poa-roto.txt")
    assert refusal.plain_text.startswith("No puedo cargar este plan.")
    assert f"L{broken.where[1:]}" in refusal.plain_text
    assert broken.message in refusal.plain_text
    assert "No se cambió nada" in refusal.plain_text
    assert refusal.callback_data == []
    assert await rows(town, PendingAction) == []
    assert await plan_digest_in_db(town) == digest_before


async def test_the_json_export_in_utf16_loads_the_same(town: Chat, next_edition: Plan) -> None:
    data = json.dumps(plan_to_json(next_edition), ensure_ascii=False).encode("utf-16")
    *_, preview = await upload(town, ADMIN, data, "poa-2025.json", count=2)
    assert IDENTITY_2025 in town.api.sent(ADMIN)[-2].plain_text
    mark = await press(town, ADMIN, preview, button_data(preview, "cargar"))
    assert (await next_reply(town, ADMIN, mark)).startswith(f"Listo: ya respondo con el {IDENTITY_2025}.")


async def test_a_resident_sending_a_plan_file_is_refused_kindly(
    town: Chat, next_edition_document: str
) -> None:
    digest_before = await plan_digest_in_db(town)
    (reply,) = await upload(town, RESIDENT, next_edition_document.encode())
    assert reply.plain_text == t.PLAN_UPLOAD_STAFF_ONLY
    assert town.api.calls("getFile") == []
    assert town.api.calls("downloadFile") == []
    assert await plan_digest_in_db(town) == digest_before


async def test_an_oversized_file_is_refused_before_download(api: FakeBotApi, tmp_path: Path) -> None:
    async with open_town(api, tmp_path / "bot.db", plan_max_bytes=100_000) as town:
        (reply,) = await upload(town, ADMIN, b"x" * 250_000)
        assert reply.plain_text.startswith("El archivo pesa 250 KB y el máximo es 100 KB.")
        assert town.api.calls("getFile") == []
        assert await rows(town, PendingAction) == []


async def test_cancel_then_load_and_an_expired_preview_change_nothing(
    town: Chat, next_edition_document: str
) -> None:
    digest_before = await plan_digest_in_db(town)
    *_, first = await upload(town, ADMIN, next_edition_document.encode(), count=2)
    mark = await press(town, ADMIN, first, button_data(first, "nocargar"))
    assert await next_reply(town, ADMIN, mark) == t.CANCELLED
    mark = await press(town, ADMIN, first, button_data(first, "cargar"))
    assert await next_reply(town, ADMIN, mark) == t.STALE_BUTTON

    *_, second = await upload(town, ADMIN, next_edition_document.encode(), count=2)
    async with session_of(town) as session:
        await session.exec(
            update(PendingAction)
            .where(col(PendingAction.state) == "draft")
            .values(created_at=datetime.now(UTC) - timedelta(hours=2))
        )
        await session.commit()
    mark = await press(town, ADMIN, second, button_data(second, "cargar"))
    assert await next_reply(town, ADMIN, mark) == t.STALE_BUTTON
    assert await plan_digest_in_db(town) == digest_before
    assert await rows(town, AuditEntry, col(AuditEntry.action) == "plan_load") == []
