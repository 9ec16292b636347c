"""Buttons and deep links that name something that does not exist (a project the plan does not
have, a zona outside Mixco, a broadcast or report that was never made): every verb of the button
grammar is answered "esta opción ya no está disponible" and nothing in the database changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from handlers.buttons import ROUTES
from knowledge import catalog as t
from knowledge.actions import VERBS
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import FakeBotApi

ADMIN = 700_000_001
RESIDENT = 700_000_002
STAFF_PRESSES = {
    "estado": "a|estado:242177:finalizado",
    "enviar": "a|enviar:1",
    "cancelar": "a|cancelar:1",
    "aplicar": "a|aplicar:1",
    "descartar": "a|descartar:1",
    "revisar": "a|revisar:1",
    "cargar": "a|cargar:1",
    "nocargar": "a|nocargar:1",
}
"""A well-formed press of each staff verb."""
STAFF_TABLES = (
    "subscription",
    "pending_action",
    "ground_report",
    "project_status",
    "broadcast",
    "delivery",
    "audit_log",
    "feedback",
    "chat_zona",
    "staff_member",
)
"""Everything a button may change."""

NONEXISTENT: dict[str, tuple[str, ...]] = {
    "zona": ("zona:12",),
    "proyecto": ("proyecto:999999",),
    "tema": ("tema:no-existe",),
    "metas": ("metas:no-existe",),
    "lista": ("lista:nada", "lista:actors:no-existe:1", "lista:actors:99"),
    "cambios": ("cambios:1", "cambios:zona:12:1", "cambios:99"),  # one edition: nothing changed
    "zonas": ("zonas:999999",),
    "mizona": ("mizona:12",),
    "plan": ("plan:999999",),
    "ayuda": ("ayuda:999999",),
    "dejar": ("dejar:proyecto:999999", "dejar:zona:12", "dejar:tema:seguro"),
    "grafico": ("grafico:zona:12", "grafico:proyecto:999999"),
    "seguir": ("seguir:proyecto:999999", "seguir:zona:12", "seguir:tema:no-existe"),
    "reportar": ("reportar:999999",),
    "reporte": ("reporte:enviar:999999", "reporte:cancelar:999999"),
    "fb": ("fb:999999:1",),
    "olvidar": ("olvidar:999999",),
    "estado": ("estado:999999:finalizado", "estado:999999:en_ejecucion"),
    "enviar": ("enviar:999999",),
    "cancelar": ("cancelar:999999",),
    "aplicar": ("aplicar:999999",),
    "descartar": ("descartar:999999",),
    "revisar": ("revisar:999999",),
    "cargar": ("cargar:999999",),
    "nocargar": ("nocargar:999999",),
}
"""Per verb, actions that name nothing that exists. Keyed by the verbs the code defines (checked
below), so a new verb fails this test until it is listed here."""


@pytest.fixture
async def admin_chat(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    """The bot with one administrator, who presses the buttons (so staff verbs get past the role
    check and reach the id check)."""
    api.make_user(ADMIN, "Admin")
    async with running_bot(api, settings_for(api, tmp_path / "bot.db", admin_ids=(ADMIN,))) as app:
        yield Chat(api, app)
    api.assert_no_violations()


async def snapshot(chat: Chat) -> dict[str, list[Any]]:
    sessionmaker = chat.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        return {
            table: [tuple(row) for row in (await session.exec(text(f"SELECT * FROM {table}"))).all()]
            for table in STAFF_TABLES
        }


async def answers_to_press(chat: Chat, data: str, user: int = ADMIN) -> list[str]:
    """What the person is told after pressing a button with ``data``: the callback's answer (when
    it has text) and every message the press made the bot send."""
    (card,) = await chat.say("/ayuda", chat_id=user, user=user)
    mark = chat.api.mark()
    chat.api.press_button(card.message, data, user=user, check=False)
    (answer,) = await chat.api.wait_for("answerCallbackQuery", since=mark)
    chat.api.send_text(user, "/ayuda", user=user)  # handled after the press: its reply comes last
    await chat.api.wait_for(lambda call: call.params.get("text") == card.text, since=mark)
    caused = [s.plain_text for s in chat.api.sent(user, since=mark)][:-1]
    toast = str(answer.params.get("text", ""))
    return [toast, *caused] if toast else caused


def test_every_verb_has_a_nonexistent_case() -> None:
    assert set(NONEXISTENT) == set(VERBS)


def test_every_verb_has_a_route_and_every_route_a_verb() -> None:
    assert set(ROUTES) == set(VERBS)


def test_the_staff_verbs_are_routed_as_staff_only() -> None:
    assert {verb for verb, route in ROUTES.items() if route.staff} == set(STAFF_PRESSES)


@pytest.mark.parametrize("data", STAFF_PRESSES.values())
async def test_a_resident_pressing_a_staff_button_is_refused(admin_chat: Chat, data: str) -> None:
    admin_chat.api.make_user(RESIDENT, "Vecina")
    before = await snapshot(admin_chat)
    assert await answers_to_press(admin_chat, data, user=RESIDENT) == [t.STAFF_ONLY]
    assert await snapshot(admin_chat) == before


@pytest.mark.parametrize("data", [f"a|{action}" for actions in NONEXISTENT.values() for action in actions])
async def test_a_button_naming_nothing_is_stale_and_changes_nothing(admin_chat: Chat, data: str) -> None:
    await admin_chat.say("/estado 242177 suspendido 35% obra detenida", chat_id=ADMIN, user=ADMIN)
    before = await snapshot(admin_chat)
    assert await answers_to_press(admin_chat, data) == [t.STALE_BUTTON]
    assert await snapshot(admin_chat) == before


@pytest.mark.parametrize("payload", ["p_999999", "tema_no-existe", "zona_12", "zona_0"])
async def test_a_deep_link_naming_nothing_says_so(admin_chat: Chat, payload: str) -> None:
    (reply,) = await admin_chat.say(f"/start {payload}", chat_id=ADMIN, user=ADMIN)
    assert reply.plain_text.startswith(t.STALE_BUTTON)
    assert "Bienvenido" in reply.plain_text
