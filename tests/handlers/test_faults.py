"""The bot survives what the Bot API throws at it: errors, slow answers and flood control.

Faults are injected on the wire by the fake Bot API (``fail_next``, ``add_fault``, ``delay``), so
they reach the bot as real HTTP answers and go through python-telegram-bot's own error mapping,
the AIORateLimiter that ``build_application`` installs (the fixture passes no custom ``request``)
and the bot's error handler.
"""

from __future__ import annotations

import time

import pytest

from knowledge import catalog as t
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import QUERY_TOO_OLD, WRONG_FILE_ID, Call, ErrorResponse, FakeBotApi

ZONA_1_SNIP = "299884"
ZONA_6_SNIP = "273703"
GROUP_ID = -4_012_345


def calls_since(api: FakeBotApi, method: str, since: int, chat_id: int | None = None) -> list[Call]:
    return [
        c
        for c in api.calls()[since:]
        if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
    ]


async def still_answers(chat: Chat) -> None:
    (reply,) = await chat.say("zona 1")
    assert ZONA_1_SNIP in reply.plain_text


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (500, None),
        (502, None),
        (400, "Bad Request: chat not found"),
        (400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'),
    ],
    ids=["500", "502", "400-chat-not-found", "400-parse"],
)
async def test_failed_answer_gets_the_apology_and_the_bot_goes_on(
    chat: Chat, status: int, description: str | None
) -> None:
    api = chat.api
    mark = api.mark()
    api.fail_next("sendMessage", status=status, description=description, chat_id=api.user_id)
    (apology,) = await chat.say("zona 6")
    assert apology.plain_text == t.ERROR
    failed, sent = calls_since(api, "sendMessage", mark, api.user_id)[:2]
    assert failed.injected
    assert failed.status == status
    assert ZONA_6_SNIP in failed.params["text"]  # the answer was what failed
    assert sent.ok
    assert sent.params["text"] == t.ERROR
    await still_answers(chat)


async def test_blocked_user_gets_no_apology_loop(chat: Chat) -> None:
    """403: the answer fails, so does the apology (if tried); the error handler gives up at once."""
    api = chat.api
    mark = api.mark()
    api.fail_next("sendMessage", status=403, chat_id=api.user_id)
    api.add_fault(
        lambda method, params: method == "sendMessage" and params.get("text") == t.ERROR,
        ErrorResponse.forbidden(),
    )
    api.send_text(api.user_id, "zona 6")
    await still_answers(chat)
    first, *apologies, answer = calls_since(api, "sendMessage", mark, api.user_id)
    assert (first.status, first.injected) == (403, True)
    assert ZONA_6_SNIP in first.params["text"]
    assert len(apologies) <= 1
    assert all(c.status == 403 and c.params["text"] == t.ERROR for c in apologies)
    assert answer.ok
    assert ZONA_1_SNIP in answer.params["text"]


async def test_failed_answer_in_one_chat_does_not_touch_another(chat: Chat) -> None:
    api = chat.api
    mark = api.mark()
    api.fail_next("sendMessage", status=400, chat_id=GROUP_ID)
    api.send_text(GROUP_ID, f"@{api.bot_user['username']} zona 6", chat_type="group")
    await still_answers(chat)
    (apology,) = api.sent(GROUP_ID, since=mark)
    assert apology.plain_text == t.ERROR


async def test_button_whose_answer_fails_gets_the_apology(chat: Chat) -> None:
    """answerCallbackQuery fails ("query is too old", e.g. after a restart): the chat is told."""
    api = chat.api
    (menu,) = await chat.say("/start")
    mark = api.mark()
    api.fail_next("answerCallbackQuery", status=400, description=QUERY_TOO_OLD)
    api.press_button(menu.message, "a|lista:tematicas")
    (apology,) = await api.wait_for_sent(api.user_id, since=mark)
    assert apology.plain_text == t.ERROR
    (call,) = calls_since(api, "answerCallbackQuery", mark)
    assert call.status == 400
    await still_answers(chat)
    assert len(api.sent(api.user_id, since=mark)) == 2  # the topics were not sent

    # The next press on the same menu works.
    (topics,) = await chat.press(menu, "a|lista:tematicas")
    assert "Mixco hambre cero" in topics.plain_text


async def test_failed_inline_answer_is_not_reported_to_any_chat(chat: Chat) -> None:
    api = chat.api
    mark = api.mark()
    api.fail_next("answerInlineQuery", status=400, description=QUERY_TOO_OLD)
    api.inline_query("zona 6")
    await still_answers(chat)
    assert [s.chat_id for s in api.sent(since=mark)] == [api.user_id]
    (failed,) = calls_since(api, "answerInlineQuery", mark)
    assert failed.status == 400

    again = api.mark()
    api.inline_query("zona 6")
    (call,) = await api.wait_for("answerInlineQuery", since=again)
    assert call.ok
    assert call.params["results"][0]["title"] == "Zona 6 de Mixco"


async def test_failed_chart_upload_is_not_cached(chat: Chat) -> None:
    api = chat.api
    mark = api.mark()
    api.fail_next("sendPhoto", status=400, description=WRONG_FILE_ID)
    (apology,) = await chat.say("/financiamiento")
    assert apology.plain_text == t.ERROR
    photo, text = await chat.say("/financiamiento", count=2)
    assert photo.method == "sendPhoto"
    assert "Q 688,310,200.00" in text.plain_text
    uploads = calls_since(api, "sendPhoto", mark)
    assert len(uploads) == 2
    assert all(not isinstance(c.params["photo"], str) for c in uploads)  # both uploaded the file


async def test_getupdates_outage_is_survived(chat: Chat) -> None:
    """A 502 on getUpdates (Telegram hiccup): polling retries and no update is lost or repeated."""
    api = chat.api
    mark = api.mark()
    api.fail_next("getUpdates", status=502)
    await still_answers(chat)  # its getUpdates answer comes back; the next poll fails
    await api.wait_for(lambda c: c.method == "getUpdates" and c.status == 502, since=mark)
    (reply,) = await chat.say("zona 6")
    assert ZONA_6_SNIP in reply.plain_text
    assert set(api.delivery_counts.values()) == {1}


async def test_slow_api_still_answers_in_order(chat: Chat) -> None:
    api = chat.api
    api.delay("sendMessage", 0.5)
    mark = api.mark()
    started = time.monotonic()
    api.send_text(api.user_id, "zona 6")
    api.send_text(api.user_id, "zona 1")
    first, second = await api.wait_for_sent(api.user_id, count=2, since=mark)
    elapsed = time.monotonic() - started
    api.delay("sendMessage", 0)
    assert ZONA_6_SNIP in first.plain_text
    assert ZONA_1_SNIP in second.plain_text
    assert elapsed >= 1.0  # both answers really were slow, and they were sent one after the other
    await still_answers(chat)


async def test_flood_control_is_retried_after_retry_after(chat: Chat) -> None:
    api = chat.api
    mark = api.mark()
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=api.user_id)
    (reply,) = await chat.say("zona 6")
    assert ZONA_6_SNIP in reply.plain_text
    limited, delivered = calls_since(api, "sendMessage", mark, api.user_id)
    assert limited.status == 429
    assert limited.error == ErrorResponse.too_many_requests(1)
    assert delivered.ok
    assert delivered.params["text"] == limited.params["text"]
    assert delivered.time - limited.time >= 1.0
    assert all(s.plain_text != t.ERROR for s in api.sent(since=mark))


async def test_flood_control_that_persists_gives_up_with_the_apology(chat: Chat) -> None:
    """AIORateLimiter(max_retries=2): three 429 in a row and the update fails; the chat is told."""
    api = chat.api
    mark = api.mark()
    api.fail_next("sendMessage", status=429, retry_after=1, count=3, chat_id=api.user_id)
    (apology,) = await chat.say("zona 6")
    assert apology.plain_text == t.ERROR
    attempts = calls_since(api, "sendMessage", mark, api.user_id)
    assert [c.status for c in attempts] == [429, 429, 429, 200]
    assert attempts[0].params["text"] == attempts[2].params["text"]
    await still_answers(chat)
