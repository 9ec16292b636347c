"""Property tests: whatever a person types or whatever a forged button carries, the bot answers
with messages Telegram accepts and never falls into its error handler.

How Hypothesis and the async fixture fit together: with ``asyncio_mode = "auto"`` pytest-asyncio
recognises an ``async def`` test decorated with ``@given`` and runs each example's coroutine in the
test's own event loop (it wraps ``hypothesis.inner_test``). The function-scoped async ``chat``
fixture — the real Application polling the fake Bot API — is therefore set up once per test and
shared by all of its examples; that is intended here (one long conversation, like a real chat), so
the ``function_scoped_fixture`` health check is suppressed. ``database=None`` keeps Hypothesis from
writing an example database into the repository.

Each example waits for the bot to be done with its update without sleeping: the fixture runs the
bot with ``concurrent_updates=1`` (updates are handled one at a time, in order), so after the
example's update the test queues an empty inline query and waits for its ``answerInlineQuery``;
by then every message caused by the example's update has been sent. Inline answers have no chat,
so the sentinel neither adds messages to the chat nor counts against its flood limits.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge import catalog as t
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import MAX_CALLBACK_DATA_BYTES, MAX_TEXT_LENGTH, FakeBotApi, Sent

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = (
    "<", ">", "&", "&amp;", "&lt;", "&#0;", "&#x110000;", "&nbsp;", "<b>", "</b>", "<i>x</i>",
    "<a href='tg://user?id=1'>", "<script>", "*", "**", "_", "__", "`", "```", "~", "||", "\\",
    "[x](http://a.b)", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066",
    "\ufeff", "\u00a0", "\n", "\t", "🇬🇹", "👩🏽‍🌾", "🙂", "مرحبا", "שלום", "ñ", "¿", "¡", "zona",
    "zona 6", "10", "99", "242177", "proyecto", "metas", "agua", "basura", "IUSI", "y",
    "¿y cuánto cuesta?", "@fake_test_bot", "@otro_vecino", "#zona6", "https://mixco.gob.gt",
    "/start", "/zona", "/x",
)  # fmt: skip
PIECES = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
MIXED = st.builds(
    lambda parts, sep: sep.join(parts),
    st.lists(PIECES, min_size=1, max_size=25),
    st.sampled_from(["", " ", "\n"]),
)
LONG = st.builds(
    lambda unit, size: (unit * (size // max(len(unit), 1) + 1))[:size],
    MIXED.filter(lambda s: s.strip() != ""),
    st.integers(min_value=1000, max_value=5000),
)


def as_telegram_delivers(text: str) -> str:
    """Telegram trims a message and does not deliver an empty one."""
    return text.strip() or "?"


TEXTS = st.one_of(st.text(min_size=1, max_size=300), MIXED, LONG).map(as_telegram_delivers)
COMMANDS = st.builds(
    lambda name, args: f"/{name} {args}".strip(),
    st.sampled_from(["start", "zona", "proyecto", "metas", "ayuda", "temas", "plan", "proyectos"]),
    st.one_of(st.text(max_size=100), MIXED),
)

ACTIONS = (
    "zona:6", "zona:0", "zona:12", "proyecto:242177", "proyecto:000000", "proyecto:24217",
    "tema:seguro", "tema:", "metas:x", "lista:projects", "lista:nada", "zonas", "plan", "ayuda",
    "grafico:zona:3", "grafico:zona:10", "grafico:zona:99", "seguir:zona:6", "seguir:proyecto:242177",
    "reportar:999999", "fb:1:1", "fb:999999999999:0", "fb:x:1", "olvidar:no", "estado:242177:finalizado",
    "enviar:1", "cancelar:1", "aplicar:1", "descartar:1", "revisar:1",
)  # fmt: skip
JUNK = ("", ":", ":1", "0", " ", "\n", "é", "|", "\x00", "🙂", ":" * 40)


def fit_callback(data: str) -> str:
    """At most 64 UTF-8 bytes, cut on a character boundary."""
    return data.encode()[:MAX_CALLBACK_DATA_BYTES].decode("utf-8", "ignore")


CALLBACKS = (
    st.one_of(
        st.text(max_size=64),
        st.binary(max_size=64).map(lambda b: b.decode("utf-8", "replace")),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
        st.builds(lambda s: "a|" + s, st.text(max_size=62)),
        st.builds(lambda a, junk: f"a|{a}{junk}", st.sampled_from(ACTIONS), st.sampled_from(JUNK)),
        st.builds(lambda a, junk: f"{junk}a|{a}", st.sampled_from(ACTIONS), st.sampled_from(JUNK)),
    )
    .map(fit_callback)
    .filter(lambda data: data != "")
)


async def settle(api: FakeBotApi) -> None:
    """Wait until the bot handled every update queued so far (see the module docstring)."""
    mark = api.mark()
    query_id = api.inline_query("")["inline_query"]["id"]
    await api.wait_for(
        lambda c: c.method == "answerInlineQuery" and str(c.params.get("inline_query_id")) == query_id,
        since=mark,
    )


def check_valid(api: FakeBotApi, replies: list[Sent]) -> None:
    for reply in replies:
        assert reply.plain_text != t.ERROR
        assert 0 < len(reply.plain_text) <= MAX_TEXT_LENGTH
        assert reply.parse_mode in (None, "HTML")
        for data in reply.callback_data:
            assert 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
            assert data.startswith("a|")
    api.assert_no_violations()


@SETTINGS
@given(text=TEXTS)
async def test_any_text_gets_a_valid_answer(chat: Chat, text: str) -> None:
    api = chat.api
    mark = api.mark()
    api.send_text(api.user_id, text)
    await settle(api)
    replies = api.sent(api.user_id, since=mark)
    assert replies, f"no answer to {text!r}"
    assert all(r.method == "sendMessage" for r in replies)
    check_valid(api, replies)


@SETTINGS
@given(text=COMMANDS)
async def test_known_commands_with_any_arguments_get_a_valid_answer(chat: Chat, text: str) -> None:
    api = chat.api
    mark = api.mark()
    api.send_text(api.user_id, text)
    await settle(api)
    replies = api.sent(api.user_id, since=mark)
    assert replies, f"no answer to {text!r}"
    check_valid(api, replies)


@SETTINGS
@given(data=CALLBACKS)
async def test_any_callback_data_is_answered_without_a_crash(chat: Chat, data: str) -> None:
    api = chat.api
    menu = api.sent(api.user_id)
    if not menu:
        (welcome,) = await chat.say("/start")
        menu = [welcome]
    mark = api.mark()
    query_id = api.press_button(menu[0].message, data, check=False)["callback_query"]["id"]
    await settle(api)
    (answer,) = [
        c for c in api.calls("answerCallbackQuery") if str(c.params.get("callback_query_id")) == query_id
    ]
    assert answer.ok
    replies = api.sent(api.user_id, since=mark)
    check_valid(api, replies)
    if not data.startswith("a|"):
        assert answer.params.get("text") == t.STALE_BUTTON
        assert replies == []
    if answer.params.get("text") == t.STALE_BUTTON:
        assert replies == []


@pytest.mark.parametrize("data", ["a|lista:projects\n", "a|zona:6\n", "a|proyecto:242177\n"])
async def test_callback_data_with_a_trailing_newline_is_stale(chat: Chat, data: str) -> None:
    """Found by test_any_callback_data_is_answered_without_a_crash."""
    api = chat.api
    (menu,) = await chat.say("/start")
    mark = api.mark()
    api.press_button(menu.message, data, check=False)
    await settle(api)
    (answer,) = api.calls("answerCallbackQuery")[-1:]
    assert answer.params.get("text") == t.STALE_BUTTON
    assert api.sent(api.user_id, since=mark) == []


@pytest.mark.parametrize("text", ["/zonas", "/zona6", "/hola", "/zona@otro_bot 6"])
async def test_unknown_command_in_a_private_chat_gets_an_answer(chat: Chat, text: str) -> None:
    """Typos of commands in a private chat get the help, not silence (the property's examples
    rarely start with a valid-looking command, so these are pinned)."""
    api = chat.api
    mark = api.mark()
    api.send_text(api.user_id, text)
    await settle(api)
    (reply,) = api.sent(api.user_id, since=mark)
    check_valid(api, [reply])
    assert reply.plain_text.startswith(t.UNKNOWN_COMMAND.format(command=text.split()[0].split("@")[0]))
    assert "/zona" in reply.plain_text


async def test_unknown_command_in_a_group_is_ignored(chat: Chat) -> None:
    """In a group an unknown command may be meant for another bot: the bot keeps quiet."""
    api = chat.api
    group = -4_012_345
    mark = api.mark()
    api.send_text(group, "/zonas", chat_type="group")
    api.send_text(group, "/hola@otro_bot", chat_type="group")
    await settle(api)
    assert api.sent(since=mark) == []
