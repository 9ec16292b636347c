"""bot.http.AiohttpRequest: a real telegram.Bot on aiohttp against the fake Bot API server.

What goes over the wire (JSON without files, multipart with files), how error answers, slow
answers and unreachable servers surface (PTB's exceptions), the request's life cycle, and
``getUpdates`` long polling.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dtm
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.requests import Request
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest

from bot.http import AiohttpRequest
from tests.support.fakebotapi import FakeBotApi, UploadedFile

# A 1x1 transparent PNG (the fake reads the size from the IHDR chunk).
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
CHAT = 100_000_001
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Sí ✅", callback_data="plan:sí"),
            InlineKeyboardButton("No", callback_data="no"),
        ],
        [InlineKeyboardButton("Más información 📄", callback_data="más:2024")],
    ]
)
KEYBOARD_DICT = {
    "inline_keyboard": [
        [{"text": "Sí ✅", "callback_data": "plan:sí"}, {"text": "No", "callback_data": "no"}],
        [{"text": "Más información 📄", "callback_data": "más:2024"}],
    ]
}


@dataclass(frozen=True)
class Wire:
    """What one HTTP request looked like when it reached the fake server."""

    method: str
    content_type: str
    content_length: str
    user_agent: str


@pytest.fixture
def wire(api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> list[Wire]:
    """Headers of every request the fake receives (the fake records only the parsed params)."""
    seen: list[Wire] = []
    read_params = api._read_params

    async def recording(request: Request) -> dict[str, Any]:
        seen.append(
            Wire(
                method=str(request.path_params["method"]),
                content_type=request.headers.get("content-type", ""),
                content_length=request.headers.get("content-length", ""),
                user_agent=request.headers.get("user-agent", ""),
            )
        )
        return await read_params(request)

    monkeypatch.setattr(api, "_read_params", recording)
    return seen


def make_bot(base_url: str, token: str, *, updates_read_timeout: float = 5.0, **options: Any) -> Bot:
    """A Bot whose both request objects (API calls and getUpdates) are AiohttpRequest."""
    return Bot(
        token,
        base_url=base_url,
        request=AiohttpRequest(**options),
        get_updates_request=AiohttpRequest(**{**options, "read_timeout": updates_read_timeout}),
    )


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with make_bot(f"{api.url}/bot", api.token) as started:
        yield started


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound by the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- Requests without files: JSON -----------------------------------------------------------------


async def test_get_me_and_send_message_as_json(api: FakeBotApi, wire: list[Wire], bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == api.bot_id
    assert me.username == api.bot_user["username"]

    text = "<b>Año 2024</b> — señal ✅ 🚀 <i>más información</i> sobre el <code>POA</code>"
    message = await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD)

    [call] = api.calls("sendMessage")
    assert call.ok
    assert call.params["chat_id"] == CHAT
    assert call.params["text"] == text
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == KEYBOARD_DICT
    [sent] = api.sent(CHAT)
    assert sent.callback_data == ["plan:sí", "no", "más:2024"]

    # The answer was decoded correctly too (non-ASCII, UTF-16 entity offsets).
    assert message.text == "Año 2024 — señal ✅ 🚀 más información sobre el POA"
    assert message.reply_markup == KEYBOARD
    assert [(e.type, message.parse_entity(e)) for e in message.entities] == [
        (MessageEntity.BOLD, "Año 2024"),
        (MessageEntity.ITALIC, "más información"),
        (MessageEntity.CODE, "POA"),
    ]

    by_method = {w.method: w for w in wire}
    assert by_method["sendMessage"].content_type == "application/json"
    assert by_method["getMe"].content_length == "0"  # no parameters: empty body
    assert {w.user_agent for w in wire} == {BaseRequest.USER_AGENT}
    api.assert_no_violations()


async def test_json_body_keeps_value_types(api: FakeBotApi, wire: list[Wire], bot: Bot) -> None:
    """Form encoding would turn every value into a string; the fake only re-types known fields."""
    await bot.send_message(CHAT, "hola", api_kwargs={"x_number": 7, "x_flag": True, "x_list": [1, "ñ"]})
    [call] = api.calls("sendMessage")
    assert call.params["x_number"] == 7
    assert call.params["x_flag"] is True
    assert call.params["x_list"] == [1, "ñ"]
    assert [w.content_type for w in wire if w.method == "sendMessage"] == ["application/json"]


# --- Requests with files: multipart -----------------------------------------------------------------


async def test_send_photo_bytes_as_multipart(api: FakeBotApi, wire: list[Wire], bot: Bot) -> None:
    caption = "<b>Plano</b> de Mixco — año 2024 🗺️"
    message = await bot.send_photo(
        CHAT,
        TINY_PNG,
        caption=caption,
        parse_mode=ParseMode.HTML,
        filename="plano_ñ.png",
        reply_markup=KEYBOARD,
    )

    [call] = api.calls("sendPhoto")
    assert call.ok, call.describe()
    upload = call.params["photo"]
    assert isinstance(upload, UploadedFile)
    assert upload.data == TINY_PNG
    assert upload.filename == "plano_ñ.png"
    assert upload.content_type == "image/png"
    assert call.params["caption"] == caption
    assert call.params["parse_mode"] == "HTML"
    assert call.params["chat_id"] == CHAT
    assert call.params["reply_markup"] == KEYBOARD_DICT

    assert message.caption == "Plano de Mixco — año 2024 🗺️"
    assert message.photo[-1].width == 1
    assert message.photo[-1].height == 1
    assert api.file_bytes(message.photo[-1].file_id) == TINY_PNG
    [photo_wire] = [w for w in wire if w.method == "sendPhoto"]
    assert photo_wire.content_type.startswith("multipart/form-data; boundary=")
    api.assert_no_violations()


async def test_send_document_file_object(api: FakeBotApi, bot: Bot) -> None:
    data = "Informe de ejecución: 100 % ✅\n".encode() * 50
    message = await bot.send_document(CHAT, data, filename="informe.txt", caption="Informe 📎")
    [call] = api.calls("sendDocument")
    upload = call.params["document"]
    assert isinstance(upload, UploadedFile)
    assert upload.data == data
    assert upload.filename == "informe.txt"
    assert call.params["caption"] == "Informe 📎"
    assert message.document is not None
    assert api.file_bytes(message.document.file_id) == data


async def test_concurrent_calls_share_a_small_pool(api: FakeBotApi) -> None:
    async with make_bot(f"{api.url}/bot", api.token, connection_pool_size=2) as bot:
        api.delay("sendMessage", 0.05)
        texts = [f"mensaje {n} ñ" for n in range(20)]
        messages = await asyncio.gather(*(bot.send_message(CHAT + n, t) for n, t in enumerate(texts)))
    assert [m.text for m in messages] == texts
    assert sorted(c.params["text"] for c in api.calls("sendMessage")) == sorted(texts)


# --- Error answers ----------------------------------------------------------------------------------


async def test_bad_request_injected(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(BadRequest) as info:
        await bot.send_message(CHAT, "hola")
    assert info.value.message == "Chat not found"


async def test_bad_request_from_validation(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(CHAT, "<b>sin cerrar ñ", parse_mode=ParseMode.HTML)
    [violation] = api.violations
    assert violation.params["text"] == "<b>sin cerrar ñ"


async def test_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403)
    with pytest.raises(Forbidden) as info:
        await bot.send_message(CHAT, "hola")
    assert info.value.message == "Forbidden: bot was blocked by the user"


async def test_retry_after(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendPhoto", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_photo(CHAT, TINY_PNG)
    assert info.value.retry_after == dtm.timedelta(seconds=7)


async def test_wrong_token_is_invalid_token(api: FakeBotApi) -> None:
    bot = make_bot(f"{api.url}/bot", "123:not-the-token")
    try:
        with pytest.raises(InvalidToken):
            await bot.initialize()
    finally:
        await bot.shutdown()


async def test_server_error_is_network_error(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError) as info:
        await bot.send_message(CHAT, "hola")
    assert type(info.value) is NetworkError
    assert info.value.message == "Internal Server Error"


# --- Timeouts and unreachable servers ---------------------------------------------------------------


async def test_slow_answer_times_out(api: FakeBotApi) -> None:
    async with make_bot(f"{api.url}/bot", api.token, read_timeout=0.3) as bot:
        api.delay("sendMessage", 1.0)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "lento")
        assert time.monotonic() - started < 0.9
        # The session survives a timeout.
        api.delay("sendMessage", 0)
        message = await bot.send_message(CHAT, "rápido")
        assert message.text == "rápido"


async def test_per_call_read_timeout_overrides_default(api: FakeBotApi) -> None:
    async with make_bot(f"{api.url}/bot", api.token, read_timeout=0.2) as bot:
        api.delay("sendMessage", 0.5)
        message = await bot.send_message(CHAT, "con paciencia", read_timeout=3)
        assert message.text == "con paciencia"
    async with make_bot(f"{api.url}/bot", api.token, read_timeout=5.0) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "sin paciencia", read_timeout=0.2)


async def test_full_pool_times_out(api: FakeBotApi) -> None:
    """One connection, busy with a slow call: the next call waits pool+connect time, then TimedOut."""
    options: dict[str, Any] = {"connection_pool_size": 1, "pool_timeout": 0.2, "connect_timeout": 0.2}
    async with make_bot(f"{api.url}/bot", api.token, **options) as bot:
        api.delay("sendMessage", 1.0)
        slow = asyncio.create_task(bot.send_message(CHAT, "ocupa la conexión"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut):
            await bot.get_me()
        assert (await slow).text == "ocupa la conexión"
        assert (await bot.get_me()).id == api.bot_id


async def test_connection_refused_is_network_error() -> None:
    port = closed_port()
    request = AiohttpRequest(connect_timeout=2.0)
    async with request:
        with pytest.raises(NetworkError) as info:
            await request.do_request(f"http://127.0.0.1:{port}/bot1:x/getMe", "POST")
    assert not isinstance(info.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in info.value.message

    bot = make_bot(f"http://127.0.0.1:{port}/bot", "1:x", connect_timeout=2.0)
    try:
        with pytest.raises(NetworkError) as bot_info:
            await bot.initialize()  # calls getMe
        assert type(bot_info.value) is NetworkError
    finally:
        await bot.shutdown()


# --- Life cycle ---------------------------------------------------------------------------------------


async def test_use_before_initialize_raises(api: FakeBotApi) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{api.url}/bot{api.token}/getMe", "POST")


async def test_shutdown_twice_and_reinitialize(api: FakeBotApi) -> None:
    request = AiohttpRequest()
    url = f"{api.url}/bot{api.token}/getMe"
    await request.initialize()
    await request.initialize()  # idempotent: one session, closed by one shutdown
    status, body = await request.do_request(url, "POST")
    assert status == 200
    assert b'"ok":true' in body
    await request.shutdown()
    await request.shutdown()
    with pytest.raises(RuntimeError):
        await request.do_request(url, "POST")
    await request.initialize()
    try:
        status, _ = await request.do_request(url, "POST")
        assert status == 200
    finally:
        await request.shutdown()
    await request.shutdown()  # never initialized again: still harmless


async def test_shutdown_without_initialize() -> None:
    await AiohttpRequest().shutdown()


@pytest.mark.parametrize("size", [0, -1])
def test_pool_size_must_be_positive(size: int) -> None:
    with pytest.raises(ValueError, match="connection_pool_size"):
        AiohttpRequest(connection_pool_size=size)


def test_read_timeout_property() -> None:
    assert AiohttpRequest(read_timeout=2.5).read_timeout == 2.5
    assert AiohttpRequest(read_timeout=None).read_timeout is None


# --- getUpdates long polling ------------------------------------------------------------------------


async def test_long_polling_receives_update(api: FakeBotApi, wire: list[Wire]) -> None:
    # The update arrives after the request's read_timeout: PTB adds the long-poll time to it.
    async with make_bot(f"{api.url}/bot", api.token, updates_read_timeout=0.3) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5, allowed_updates=["message"]))
        await api.wait_polling()
        await asyncio.sleep(0.6)
        assert not poll.done()
        api.send_text(api.user_id, "hola, ¿qué tal? 👋")
        [update] = await poll
        assert update.message is not None
        assert update.message.text == "hola, ¿qué tal? 👋"
        assert update.message.chat.id == api.user_id

        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
        assert api.pending_updates == []
    [first, *_] = api.calls("getUpdates")
    assert first.params["timeout"] == 5
    assert first.params["allowed_updates"] == ["message"]
    assert {w.content_type for w in wire if w.method == "getUpdates"} == {"application/json"}
