"""Groups, inline mode and per-chat follow-up context, end to end through the fake Bot API.

"The bot said nothing" is checked without sleeping: the fixture runs the Application with
``concurrent_updates=1``, so updates are handled one after the other in the order they were queued.
Sending the ignored update(s) first and then one the bot does answer, and waiting for that answer,
proves every earlier update was already handled; anything else sent since the mark is a failure.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from db.chat_store import queries_since
from knowledge import catalog as t
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import (
    MAX_INLINE_RESULT_ID_BYTES,
    MAX_INLINE_RESULTS,
    Call,
    FakeBotApi,
    parse_html,
)

GROUP_ID = -4_012_345
SUPERGROUP_ID = -1_001_234_567_890
GROUPS = [
    pytest.param(GROUP_ID, "group", id="group"),
    pytest.param(SUPERGROUP_ID, "supergroup", id="supergroup"),
]
NEIGHBOUR_ID = 200_000_002
OTHER_ID = 200_000_003

ZONA_6_SNIPS = ("273703", "206148")
ZONA_1_SNIP = "299884"
COST_206148 = "Q 2,108,047.56"
COST_242177 = "Q 4,441,894.00"


def bot_username(api: FakeBotApi) -> str:
    return str(api.bot_user["username"])


async def answered_last(chat: Chat, chat_id: int, chat_type: str, mark: int) -> None:
    """Ask something the bot answers in the group, wait for it, and check it is all that was sent."""
    (reply,) = await chat.say(f"@{bot_username(chat.api)} zona 1", chat_id=chat_id, chat_type=chat_type)
    assert ZONA_1_SNIP in reply.plain_text
    assert [s.message_id for s in chat.api.sent(since=mark)] == [reply.message_id]


async def logged_questions(chat: Chat) -> list[str]:
    """The questions in the query log, oldest first (what the bot actually answered)."""
    await chat.app.bot_data.chat_state.flush()  # the log is written in batches after the answers
    sessionmaker = chat.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        rows = await queries_since(session=session, days=1)
    return [row.question for row in sorted(rows, key=lambda row: row.id or 0)]


# --------------------------------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
@pytest.mark.parametrize("addressed", [False, True], ids=["plain", "at_bot"])
async def test_group_command_is_answered_in_the_group(
    chat: Chat, chat_id: int, chat_type: str, addressed: bool
) -> None:
    mark = chat.api.mark()
    chat.api.send_command(chat_id, "zona", "6", chat_type=chat_type, mention_bot=addressed)
    (reply,) = await chat.api.wait_for_sent(chat_id, since=mark)
    assert reply.chat_id == chat_id
    assert reply.plain_text.startswith("Zona 6 de Mixco")
    assert all(snip in reply.plain_text for snip in ZONA_6_SNIPS)
    assert chat.api.sent(chat.api.user_id, since=mark) == []

    (card,) = await chat.press(reply, "a|proyecto:206148")
    assert card.chat_id == chat_id
    assert COST_206148 in card.plain_text


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("@{bot} ¿qué obras hay en la zona 6?", "¿qué obras hay en la zona 6?"),
        ("obras en la zona 6 @{bot}", "obras en la zona 6"),
        ("@{BOT} obras en la zona 6", "obras en la zona 6"),
    ],
    ids=["first", "last", "upper_case"],
)
async def test_group_mention_is_answered_without_the_mention(
    chat: Chat, chat_id: int, chat_type: str, text: str, question: str
) -> None:
    username = bot_username(chat.api)
    (reply,) = await chat.say(
        text.format(bot=username, BOT=username.upper()), chat_id=chat_id, chat_type=chat_type
    )
    assert reply.plain_text.startswith("Zona 6 de Mixco")
    assert all(snip in reply.plain_text for snip in ZONA_6_SNIPS)
    assert (await logged_questions(chat))[-1] == question


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
async def test_group_reply_to_the_bot_is_answered(chat: Chat, chat_id: int, chat_type: str) -> None:
    (first,) = await chat.say("/zona 6", chat_id=chat_id, chat_type=chat_type)
    (reply,) = await chat.say("proyecto 242177", chat_id=chat_id, chat_type=chat_type, reply_to=first)
    assert reply.plain_text.startswith("Proyecto SNIP 242177")
    assert COST_242177 in reply.plain_text
    assert (await logged_questions(chat))[-1] == "proyecto 242177"


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
async def test_group_follow_up_with_a_mention(chat: Chat, chat_id: int, chat_type: str) -> None:
    username = bot_username(chat.api)
    (card,) = await chat.say(f"@{username} pozo en San José Las Rosas", chat_id=chat_id, chat_type=chat_type)
    assert card.plain_text.startswith("Proyecto SNIP 206148")
    (reply,) = await chat.say(f"@{username} ¿y cuánto cuesta?", chat_id=chat_id, chat_type=chat_type)
    assert COST_206148 in reply.plain_text
    assert (await logged_questions(chat))[-1] == "proyecto 206148"


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
async def test_group_reply_to_the_bot_that_also_mentions_it_drops_the_mention(
    chat: Chat, chat_id: int, chat_type: str
) -> None:
    username = bot_username(chat.api)
    (card,) = await chat.say(f"@{username} pozo en San José Las Rosas", chat_id=chat_id, chat_type=chat_type)
    assert card.plain_text.startswith("Proyecto SNIP 206148")
    text = f"@{username} ¿y cuánto cuesta?"
    (reply,) = await chat.say(text, chat_id=chat_id, chat_type=chat_type, reply_to=card)
    assert COST_206148 in reply.plain_text
    assert (await logged_questions(chat))[-1] == "proyecto 206148"  # the follow-up, resolved


@pytest.mark.parametrize(("chat_id", "chat_type"), GROUPS)
async def test_group_ignores_everything_not_addressed_to_the_bot(
    chat: Chat, chat_id: int, chat_type: str
) -> None:
    api = chat.api
    api.make_user(NEIGHBOUR_ID, "Vecina", username="vecina_mixco")
    (bot_message,) = await chat.say("/zona 6", chat_id=chat_id, chat_type=chat_type)
    neighbour = api.send_text(chat_id, "¿alguien sabe de la zona 6?", user=NEIGHBOUR_ID, chat_type=chat_type)
    await api.wait_delivered()
    mark = api.mark()

    api.send_text(chat_id, "zona 6", chat_type=chat_type)  # plain chatter
    api.send_text(chat_id, "¿qué obras hay en la zona 10?", chat_type=chat_type)
    api.send_text(chat_id, "@vecina_mixco proyectos zona 6", chat_type=chat_type)  # another user
    api.send_text(chat_id, "proyecto 242177", chat_type=chat_type, reply_to=neighbour["message"])
    api.send_command(chat_id, "zona@otro_bot", "6", chat_type=chat_type)  # a command for another bot
    api.send_sticker(chat_id, chat_type=chat_type)
    api.send_sticker(chat_id, chat_type=chat_type, reply_to=bot_message)
    api.send_location(chat_id, 14.63, -90.6, chat_type=chat_type)
    api.send_text(chat_id, "zona 6", user=NEIGHBOUR_ID, chat_type=chat_type, reply_to=neighbour["message"])

    await answered_last(chat, chat_id, chat_type, mark)
    assert [c.method for c in api.calls()[mark:] if c.method != "getUpdates"] == ["sendMessage"]


async def test_group_and_private_chats_do_not_mix(chat: Chat) -> None:
    """A group's answer goes to the group only, and private chat goes on being answered."""
    mark = chat.api.mark()
    (in_group,) = await chat.say(f"@{bot_username(chat.api)} zona 6", chat_id=GROUP_ID, chat_type="group")
    (in_private,) = await chat.say("zona 1")
    assert in_group.chat_id == GROUP_ID
    assert in_private.chat_id == chat.api.user_id
    assert [s.chat_id for s in chat.api.sent(since=mark)] == [GROUP_ID, chat.api.user_id]


# --------------------------------------------------------------------------------------------------
# Inline mode
# --------------------------------------------------------------------------------------------------

DEEP_LINK = re.compile(
    r"^https://t\.me/(?P<bot>[A-Za-z0-9_]{5,32})(?:\?start=(?P<payload>[A-Za-z0-9_-]{1,64}))?$"
)


async def ask_inline(api: FakeBotApi, query: str, **kwargs: Any) -> Call:
    mark = api.mark()
    update = api.inline_query(query, **kwargs)
    query_id = update["inline_query"]["id"]
    (call,) = await api.wait_for("answerInlineQuery", since=mark)
    assert call.ok, call.describe()
    assert str(call.params["inline_query_id"]) == query_id
    return call


def check_results(api: FakeBotApi, call: Call) -> list[dict[str, Any]]:
    """Validate every result like Telegram would (and more); return them."""
    results = call.params["results"]
    assert isinstance(results, list)
    assert len(results) <= MAX_INLINE_RESULTS
    ids = [str(r["id"]) for r in results]
    assert len(set(ids)) == len(ids)
    assert all(1 <= len(i.encode()) <= MAX_INLINE_RESULT_ID_BYTES for i in ids)
    for result in results:
        assert result["type"] == "article"
        assert result["title"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        plain, _ = parse_html(content["message_text"])
        assert 0 < len(plain.strip()) <= 4096
        [[button]] = result["reply_markup"]["inline_keyboard"]
        assert button["text"] == t.INLINE_OPEN_BOT
        link = DEEP_LINK.match(button["url"])
        assert link is not None, button["url"]
        assert link["bot"] == bot_username(api)
    return results


def start_payload(result: dict[str, Any]) -> str | None:
    link = DEEP_LINK.match(result["reply_markup"]["inline_keyboard"][0][0]["url"])
    assert link is not None
    return link["payload"]


async def test_inline_zona_gives_cards_that_link_back_to_the_bot(chat: Chat) -> None:
    call = await ask_inline(chat.api, "zona 6")
    results = check_results(chat.api, call)
    assert call.params["cache_time"] == 300
    first = results[0]
    assert first["title"] == "Zona 6 de Mixco"
    assert (
        first["reply_markup"]["inline_keyboard"][0][0]["url"]
        == f"https://t.me/{bot_username(chat.api)}?start=zona_6"
    )
    plain, entities = parse_html(first["input_message_content"]["message_text"])
    assert all(snip in plain for snip in ZONA_6_SNIPS)
    assert {"type": "bold", "offset": 0, "length": len("Zona 6 de Mixco")} in entities

    # Each card's link opens the same answer in the private chat.
    for result in results:
        payload = start_payload(result)
        assert payload is not None
        (opened,) = await chat.say(f"/start {payload}")
        assert opened.plain_text.startswith(result["title"])


@pytest.mark.parametrize(("zona", "snips"), [(6, ZONA_6_SNIPS), (10, ("242177", "206213"))])
async def test_inline_zona_offers_a_card_for_each_of_its_projects(
    chat: Chat, zona: int, snips: tuple[str, ...]
) -> None:
    results = check_results(chat.api, await ask_inline(chat.api, f"zona {zona}"))
    assert [start_payload(r) for r in results] == [f"zona_{zona}", *(f"p_{snip}" for snip in snips)]


async def test_inline_zona_without_projects_still_gives_its_card(chat: Chat) -> None:
    (card,) = check_results(chat.api, await ask_inline(chat.api, "zona 3"))
    assert card["title"] == "Zona 3 de Mixco"
    assert start_payload(card) == "zona_3"
    plain, _ = parse_html(card["input_message_content"]["message_text"])
    assert "no hay proyectos" in plain


async def test_inline_project_code_gives_its_card(chat: Chat) -> None:
    results = check_results(chat.api, await ask_inline(chat.api, "242177"))
    first = results[0]
    assert first["title"] == "Proyecto SNIP 242177"
    assert start_payload(first) == "p_242177"
    plain, _ = parse_html(first["input_message_content"]["message_text"])
    assert COST_242177 in plain


@pytest.mark.parametrize("query", ["", "   "], ids=["empty", "blank"])
async def test_inline_empty_query_gives_a_hint(chat: Chat, query: str) -> None:
    (hint,) = check_results(chat.api, await ask_inline(chat.api, query))
    assert hint["title"] == t.INLINE_EMPTY_TITLE
    plain, _ = parse_html(hint["input_message_content"]["message_text"])
    assert t.INLINE_EMPTY_TEXT in plain
    assert hint["reply_markup"]["inline_keyboard"][0][0]["url"] == f"https://t.me/{bot_username(chat.api)}"


@pytest.mark.parametrize("query", ["receta de pepián", "x", "&amp;", "🙂"])
async def test_inline_out_of_scope_gives_no_results(chat: Chat, query: str) -> None:
    call = await ask_inline(chat.api, query)
    assert call.params["results"] == []


@pytest.mark.parametrize(
    "query",
    ["<b>zona 6</b> & <i>agua</i>", "zona 10 " + "x" * 400, "proyecto 242177\u200b\u202e", "metas basura"],
    ids=["html", "long", "invisible", "metas"],
)
async def test_inline_tricky_queries_give_valid_results(chat: Chat, query: str) -> None:
    results = check_results(chat.api, await ask_inline(chat.api, query, chat_type="supergroup"))
    assert results
    assert chat.api.sent(since=0) == []


# --------------------------------------------------------------------------------------------------
# Follow-up context is per chat
# --------------------------------------------------------------------------------------------------


async def test_follow_up_context_is_kept_per_chat(chat: Chat) -> None:
    resident, neighbour, newcomer = chat.api.user_id, NEIGHBOUR_ID, OTHER_ID
    (card,) = await chat.say("pozo en San José Las Rosas", chat_id=resident)
    assert card.plain_text.startswith("Proyecto SNIP 206148")
    (card,) = await chat.say("proyecto 242177", chat_id=neighbour)
    assert card.plain_text.startswith("Proyecto SNIP 242177")

    (mine,) = await chat.say("¿y cuánto cuesta?", chat_id=resident)
    assert COST_206148 in mine.plain_text
    assert COST_242177 not in mine.plain_text
    (theirs,) = await chat.say("¿y cuánto cuesta?", chat_id=neighbour)
    assert COST_242177 in theirs.plain_text
    assert COST_206148 not in theirs.plain_text
    (fresh,) = await chat.say("¿y cuánto cuesta?", chat_id=newcomer)
    assert not fresh.plain_text.startswith("Proyecto SNIP")
    assert COST_206148 not in fresh.plain_text
    assert COST_242177 not in fresh.plain_text

    # The same resident in a group starts without the private chat's context.
    username = bot_username(chat.api)
    (in_group,) = await chat.say(f"@{username} ¿y cuánto cuesta?", chat_id=GROUP_ID, chat_type="group")
    assert COST_206148 not in in_group.plain_text
    assert COST_242177 not in in_group.plain_text
