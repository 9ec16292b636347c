"""Pages of long lists: ``lista:<list_id>:<page>`` and ``lista:<list_id>:<filter>:<page>`` buttons
pass validation and are answered with ``Answerer.list_page``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest

from bot.storage import open_storage
from db.plan_store import save_plan
from handlers.answering import answer_of_plan
from handlers.buttons import read_action
from knowledge import catalog as t
from knowledge.actions import CALLBACK_MAX_BYTES, Action, ActionError
from knowledge.answers import Answer, Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.model import Item, Plan
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import FakeBotApi, Sent

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
    data = Action.from_text(action).encode()
    assert len(data.encode()) <= CALLBACK_MAX_BYTES
    parsed = read_action(data)
    assert parsed is not None
    assert parsed.text == action


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
    with pytest.raises(ActionError):
        Action.from_text(action)
    assert read_action(f"a|{action}") is None


class PagedAnswerer:
    """Just what ``answer_of_plan`` reads of an answerer for lists."""

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
    page = answer_of_plan(answerer, Action.from_text("lista:actors:2"))
    filtered = answer_of_plan(answerer, Action.from_text("lista:actors:influencia-alta:3"))
    assert (page.title if page else None, filtered.title if filtered else None) == (
        "actors None 2",
        "actors influencia-alta 3",
    )
    no_such_page = answer_of_plan(answerer, Action.from_text("lista:actors:4"))
    assert no_such_page is None  # a stale button
    assert answer_of_plan(answerer, Action.from_text("lista:nada:1")) is None
    whole = answer_of_plan(answerer, Action.from_text("lista:projects"))
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


def long_plan() -> Plan:
    """The bundled plan with 120 operational actions: a list too long for one message."""
    plan = load_bundled_plan()
    section = plan.operational_actions[0].section
    actions = tuple(
        Item(
            number=n,
            text=f"Acción operativa número {n}: mantenimiento de calles, drenajes y alumbrado público "
            f"en el sector {n} del municipio, con participación de los vecinos del COCODE",
            section=section,
        )
        for n in range(1, 121)
    )
    return replace(plan, operational_actions=actions)


@pytest.fixture
async def long_lists(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    """The bot serving :func:`long_plan` (loaded as staff would load another edition)."""
    database = tmp_path / "long.db"
    storage = await open_storage(f"sqlite+aiosqlite:///{database}")
    try:
        async with storage.sessionmaker() as session:
            await save_plan(session=session, plan=long_plan(), source="long-lists.json")
            await session.commit()
    finally:
        await storage.engine.dispose()
    async with running_bot(api, settings_for(api, database)) as application:
        yield Chat(api, application)
    api.assert_no_violations()


def numbers_listed(replies: list[Sent]) -> set[str]:
    return {n for sent in replies for n in re.findall(r"Acción operativa número (\d+)", sent.plain_text)}


async def whole_reply(chat: Chat, mark: int) -> list[Sent]:
    """Every message the bot sent since ``mark`` once it is done (it handles one update at a
    time, so an empty inline query queued now is answered after the reply is complete)."""
    query_id = chat.api.inline_query("")["inline_query"]["id"]
    await chat.api.wait_for(
        lambda c: c.method == "answerInlineQuery" and str(c.params.get("inline_query_id")) == query_id,
        since=mark,
    )
    return chat.api.sent(chat.api.user_id, since=mark)


@pytest.mark.skipif(not hasattr(Answerer, "list_page"), reason="Answerer.list_page is not written yet")
async def test_next_page_of_a_long_list_end_to_end(long_lists: Chat) -> None:
    mark = long_lists.api.mark()
    long_lists.api.send_text(long_lists.api.user_id, "acciones operativas del POA 2024")
    first = await whole_reply(long_lists, mark)
    pages = [d for d in first[-1].callback_data if PAGE_BUTTON.fullmatch(d)]  # buttons: last message
    assert pages, f"a long list offered no page button: {first[-1].callback_data}"
    mark = long_lists.api.mark()
    long_lists.api.press_button(first[-1].message, pages[0])
    second = await whole_reply(long_lists, mark)
    assert numbers_listed(first)
    assert numbers_listed(second)
    assert not numbers_listed(first) & numbers_listed(second)  # the next items, not the same again
    list_part = pages[0].removeprefix("a|").rsplit(":", 1)[0]
    mark = long_lists.api.mark()
    long_lists.api.press_button(first[-1].message, f"a|{list_part}:99", check=False)  # no such page
    (stale,) = await long_lists.api.wait_for_sent(long_lists.api.user_id, since=mark)
    assert stale.plain_text == t.STALE_BUTTON
