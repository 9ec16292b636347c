"""The "🗺️ Ver el plan" buttons, end to end through the fake Bot API: with WEBAPP_URL they open
the plan explorer's page of a zona or a project (a Mini App in a private chat, a link in a group
and in inline results); without it no such button appears."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from knowledge import catalog as t
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import FakeBotApi, Sent

WEBAPP = "https://plan.example.org/app/"
GROUP_ID = -4_012_345


@pytest.fixture
async def web_chat(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    settings = settings_for(api, tmp_path / "bot.db", webapp_url=WEBAPP)
    async with running_bot(api, settings) as application:
        yield Chat(api, application)
    api.assert_no_violations()  # no Web App button went where Telegram refuses one


def web_apps(sent: Sent) -> list[str]:
    return [b["web_app"]["url"] for b in sent.buttons if "web_app" in b]


def links(sent: Sent) -> list[str]:
    return [b["url"] for b in sent.buttons if b.get("text") == t.BTN_WEBAPP and "url" in b]


async def test_start_offers_the_explorers_home(web_chat: Chat) -> None:
    (reply,) = await web_chat.say("/start")
    assert web_apps(reply) == [WEBAPP]
    assert "a|zonas" in reply.callback_data  # the welcome's menu is still there


@pytest.mark.parametrize(
    ("question", "page"),
    [
        ("zona 6", "zona/6"),
        ("zona 3", "zona/3"),
        ("proyecto 242177", "proyecto/242177"),
        ("/zona 10", "zona/10"),
    ],
)
async def test_a_zona_or_project_answer_opens_its_page(web_chat: Chat, question: str, page: str) -> None:
    (reply,) = await web_chat.say(question)
    assert web_apps(reply) == [WEBAPP + page]


async def test_a_deep_link_and_a_button_press_open_the_page_too(web_chat: Chat) -> None:
    (reply,) = await web_chat.say("/start p_206148")
    assert web_apps(reply) == [WEBAPP + "proyecto/206148"]
    (zona,) = await web_chat.press(reply, "a|zona:6")
    assert web_apps(zona) == [WEBAPP + "zona/6"]


async def test_other_answers_have_no_page_button(web_chat: Chat) -> None:
    (reply,) = await web_chat.say("cuanto pisto viene del iusi")
    assert web_apps(reply) == []
    assert links(reply) == []


async def test_in_a_group_the_page_is_a_link(web_chat: Chat, api: FakeBotApi) -> None:
    (reply,) = await web_chat.say(f"@{api.bot_user['username']} zona 6", chat_id=GROUP_ID, chat_type="group")
    assert web_apps(reply) == []
    assert links(reply) == [WEBAPP + "zona/6"]


async def test_inline_results_link_to_the_cards_page(web_chat: Chat) -> None:
    api = web_chat.api
    mark = api.mark()
    api.inline_query("242177")
    (call,) = await api.wait_for("answerInlineQuery", since=mark)
    assert call.ok, call.describe()
    results: list[dict[str, Any]] = call.params["results"]
    rows = results[0]["reply_markup"]["inline_keyboard"]
    assert rows[0][0]["text"] == t.INLINE_OPEN_BOT
    assert rows[1] == [{"text": t.BTN_WEBAPP, "url": WEBAPP + "proyecto/242177"}]


async def test_without_webapp_url_no_page_button_appears(chat: Chat) -> None:
    for question in ("/start", "zona 6", "proyecto 242177"):
        (reply,) = await chat.say(question)
        assert web_apps(reply) == []
        assert links(reply) == []


async def test_staff_chats_get_the_consoles_menu_button(api: FakeBotApi, tmp_path: Path) -> None:
    """At start every administrator's private chat, and each staff member when added, gets a
    menu button that opens the staff console; a resident's chat keeps the bot's default, and
    someone no longer staff gets it back."""
    admin, newcomer, resident = api.user_id, 700_000_123, 100_000_321
    settings = settings_for(api, tmp_path / "bot.db", webapp_url=WEBAPP, admin_ids=(admin,))
    console = {"type": "web_app", "text": t.CONSOLE_MENU_BUTTON, "web_app": {"url": WEBAPP + "consola/"}}
    async with running_bot(api, settings) as application:
        chat = Chat(api, application)
        assert api.menu_button(admin) == console
        assert api.menu_button(resident) == {"type": "commands"}
        await chat.say(f"/staff agregar {newcomer}")
        assert api.menu_button(newcomer) == console
        await chat.say(f"/staff quitar {newcomer}")
        assert api.menu_button(newcomer) == {"type": "commands"}
        assert api.menu_button(admin) == console
    api.assert_no_violations()


async def test_without_webapp_url_no_menu_button_is_set(chat: Chat) -> None:
    await chat.say("/start")
    assert chat.api.calls("setChatMenuButton") == []
