"""Pages of long lists: ``lista:<list_id>:<page>`` and ``lista:<list_id>:<filter>:<page>`` buttons
pass validation and are answered with ``Answerer.list_page``."""

from __future__ import annotations

import re
from typing import cast

import pytest

from handlers.replies import CALLBACK_MAX_BYTES, action_from_callback, answer_for_action, callback_for
from knowledge import catalog as t
from knowledge.answers import Answer, Answerer
from tests.fakebotapi import Sent
from tests.handlers.conftest import Chat

PAGE_BUTTON = re.compile(r"a\|lista:[a-z_]+(?::[a-z0-9-]+)?:\d+")


@pytest.mark.parametrize(
    "action",
    [
        "lista:actors:2",
        "lista:operational_actions:99",
        "lista:actors:influencia-alta:3",
        f"lista:{'a' * 24}:{'b' * 24}:99",  # the longest: still within Telegram's 64 bytes
        "lista:projects",
        "lista:targets",
    ],
)
def test_page_actions_pass_validation(action: str) -> None:
    data = callback_for(action)
    assert data is not None
    assert len(data.encode()) <= CALLBACK_MAX_BYTES
    assert action_from_callback(data) == action


@pytest.mark.parametrize(
    "action",
    [
        "lista:actors:0",
        "lista:actors:100",
        "lista:actors:02",
        "lista:Actors:2",
        "lista:a-b:2",
        "lista:actors:alta",
        "lista:actors:x:y:2",
        "lista:actors:ALTA:2",
        f"lista:{'a' * 25}:2",
        f"lista:actors:{'b' * 25}:2",
        "lista:nada",
        "lista:actors:2 ",
    ],
)
def test_malformed_page_actions_are_refused(action: str) -> None:
    assert callback_for(action) is None
    assert action_from_callback(f"a|{action}") is None


class PagedAnswerer:
    """Just what ``answer_for_action`` reads of an answerer for lists."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None, int]] = []

    def list_page(self, list_id: str, filter_key: str | None, page: int) -> Answer | None:
        self.asked.append((list_id, filter_key, page))
        return Answer(f"{list_id} {filter_key} {page}") if list_id == "actors" and page <= 3 else None

    def projects_answer(self) -> Answer:
        return Answer("todos los proyectos")

    def funding_answer(self) -> Answer:
        return Answer("financiamiento")

    def tematicas_answer(self) -> Answer:
        return Answer("temas")

    def targets_answer(self) -> Answer:
        return Answer("metas")


def test_a_page_button_asks_the_answerer_for_that_page() -> None:
    fake = PagedAnswerer()
    answerer = cast(Answerer, fake)
    page = answer_for_action(answerer, "lista:actors:2")
    filtered = answer_for_action(answerer, "lista:actors:influencia-alta:3")
    assert (page.title if page else None, filtered.title if filtered else None) == (
        "actors None 2",
        "actors influencia-alta 3",
    )
    assert answer_for_action(answerer, "lista:actors:4") is None  # no such page: a stale button
    assert answer_for_action(answerer, "lista:nada:1") is None
    whole = answer_for_action(answerer, "lista:projects")
    assert whole is not None
    assert whole.title == "todos los proyectos"
    assert fake.asked == [
        ("actors", None, 2),
        ("actors", "influencia-alta", 3),
        ("actors", None, 4),
        ("nada", None, 1),
    ]


async def test_a_page_of_an_unknown_list_is_a_stale_button(chat: Chat) -> None:
    (reply,) = await chat.say("/start")
    mark = chat.api.mark()
    chat.api.press_button(reply.message, "a|lista:no_such_list:2", check=False)
    (stale,) = await chat.api.wait_for_sent(chat.api.user_id, since=mark)
    assert stale.plain_text == t.STALE_BUTTON


async def everything_sent(chat: Chat, text: str) -> list[Sent]:
    """Say ``text`` and return every message the bot sent for it (the bot handles one update at
    a time, so once an empty inline query queued after it is answered, the reply is complete)."""
    mark = chat.api.mark()
    chat.api.send_text(chat.api.user_id, text)
    query_id = chat.api.inline_query("")["inline_query"]["id"]
    await chat.api.wait_for(
        lambda c: c.method == "answerInlineQuery" and str(c.params.get("inline_query_id")) == query_id,
        since=mark,
    )
    return chat.api.sent(chat.api.user_id, since=mark)


@pytest.mark.skipif(not hasattr(Answerer, "list_page"), reason="Answerer.list_page is not written yet")
async def test_next_page_of_a_long_list_end_to_end(chat: Chat) -> None:
    questions = ("/metas", "actores del municipio", "acciones operativas", "problemáticas", "leyes")
    offered = [s for q in questions for s in await everything_sent(chat, q) if page_buttons(s)]
    assert offered, "no long list offered a page button"
    first = offered[0]
    data = page_buttons(first)[0]
    (page, *_) = await chat.press(first, data)
    assert page.plain_text not in (t.STALE_BUTTON, first.plain_text)
    list_part = data.removeprefix("a|").rsplit(":", 1)[0]
    mark = chat.api.mark()
    chat.api.press_button(first.message, f"a|{list_part}:99", check=False)  # a page the list has not
    (stale,) = await chat.api.wait_for_sent(chat.api.user_id, since=mark)
    assert stale.plain_text == t.STALE_BUTTON


def page_buttons(sent: Sent) -> list[str]:
    return [d for d in sent.callback_data if PAGE_BUTTON.fullmatch(d)]
