"""Follow-ups that switch subject, and the chat's own zona ("Mi zona", "¿qué obras hay en mi
zona?"), end to end through the fake Bot API."""

from __future__ import annotations

from pathlib import Path

from knowledge import catalog as t
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import FakeBotApi

MY_ZONA_PICKER = [f"a|mizona:{n}" for n in range(1, 12)]


async def test_a_zona_after_a_project_card_is_that_zona(chat: Chat) -> None:
    await chat.say("proyecto 242177")
    (reply,) = await chat.say("¿y en la zona 10?")
    assert "Zona 10 de Mixco" in reply.plain_text
    assert "206213" in reply.plain_text  # the zona's other project: not the same card again


async def test_a_follow_up_naming_another_project_is_that_project(chat: Chat) -> None:
    await chat.say("proyecto 242177")
    (reply,) = await chat.say("¿y el de la colonia Marilú?")
    assert "Proyecto SNIP 206213" in reply.plain_text
    assert "Q 1,988,236.44" in reply.plain_text


async def test_a_follow_up_with_no_subject_still_asks_about_the_card(chat: Chat) -> None:
    await chat.say("proyecto 242177")
    (reply,) = await chat.say("¿y cuánto cuesta?")
    assert "Q 4,441,894.00" in reply.plain_text


async def test_cost_after_a_zona_list_is_the_zonas_total(chat: Chat) -> None:
    await chat.say("obras en la z10")
    (reply,) = await chat.say("¿y cuánto cuesta?")
    assert "6,430,130.44" in reply.plain_text  # 4,441,894.00 + 1,988,236.44


async def test_mi_zona_remembers_the_zona_picked(chat: Chat) -> None:
    (welcome,) = await chat.say("/start")
    (picker,) = await chat.press(welcome, "a|zonas")
    assert picker.callback_data == MY_ZONA_PICKER
    (picked,) = await chat.press(picker, "a|mizona:10")
    assert "recordaré que su zona es la 10" in picked.plain_text
    assert "a|zonas:cambiar" in picked.callback_data

    (reply,) = await chat.say("¿Qué obras hay en mi zona?")
    assert "Zona 10 de Mixco" in reply.plain_text
    assert "242177" in reply.plain_text
    assert "206213" in reply.plain_text

    (again,) = await chat.press(welcome, "a|zonas")  # no question this time: the zona itself
    assert "Zona 10 de Mixco" in again.plain_text
    (change,) = await chat.press(again, "a|zonas:cambiar")
    assert change.callback_data == MY_ZONA_PICKER
    await chat.press(change, "a|mizona:6")
    (colonia,) = await chat.say("aquí en mi colonia qué proyectos hay")
    assert "273703" in colonia.plain_text


async def test_mi_zona_in_a_question_asks_which_zona_once(chat: Chat) -> None:
    (ask,) = await chat.say("¿Qué obras hay en mi zona?")
    assert ask.plain_text == t.MY_ZONA_ASK
    assert ask.callback_data == MY_ZONA_PICKER
    (picked,) = await chat.press(ask, "a|mizona:5")
    assert "287389" in picked.plain_text
    (reply,) = await chat.say("obras en mi colonia")
    assert "287389" in reply.plain_text


async def test_following_a_zona_makes_it_the_chats_zona(chat: Chat) -> None:
    await chat.say("/suscribir zona 6")
    (reply,) = await chat.say("¿Qué obras hay en mi zona?")
    assert "273703" in reply.plain_text

    other = chat.api.user_id + 1
    chat.api.make_user(other, "Vecina")
    (zona,) = await chat.say("zona 1", chat_id=other, user=other)
    await chat.press(zona, "a|seguir:zona:1")
    (mine,) = await chat.say("mi zona", chat_id=other, user=other)
    assert "299884" in mine.plain_text
    (zona_10,) = await chat.say("zona 10", chat_id=other, user=other)
    await chat.press(zona_10, "a|seguir:zona:10")  # following more zonas keeps the first
    (still,) = await chat.say("mi zona", chat_id=other, user=other)
    assert "299884" in still.plain_text


async def test_the_chats_zona_survives_a_restart(api: FakeBotApi, tmp_path: Path) -> None:
    settings = settings_for(api, tmp_path / "bot.db")
    async with running_bot(api, settings) as application:
        chat = Chat(api, application)
        (picker,) = await chat.say("mi zona")
        await chat.press(picker, "a|mizona:2")
    async with running_bot(api, settings) as application:
        (reply,) = await Chat(api, application).say("¿Qué obras hay en mi zona?")
        assert "276227" in reply.plain_text
    api.assert_no_violations()
