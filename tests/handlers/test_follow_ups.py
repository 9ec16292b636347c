"""Follow-ups that switch subject, end to end through the fake Bot API."""

from __future__ import annotations

from tests.handlers.conftest import Chat


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
