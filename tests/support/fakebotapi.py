"""An in-process fake of the Telegram Bot API HTTP server, for end-to-end tests.

The server speaks the real Bot API wire format, so an unmodified python-telegram-bot
``Application`` can poll it over HTTP on 127.0.0.1::

    async with FakeBotApi() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(f"{api.url}/bot")
            .base_file_url(f"{api.url}/file/bot")
            .build()
        )
        ...  # add handlers, start polling
        api.send_text(api.user_id, "hola")
        [reply] = await api.wait_for_sent(api.user_id)
        api.assert_no_violations()

Three roles:

* **Telegram for the bot**: answers the bot's HTTP calls (``getUpdates`` long polling,
  ``sendMessage``...) with real-shaped JSON and validates what the bot sends the way Telegram
  does (HTML parse mode, length limits, keyboards...). A request Telegram would reject is
  answered with the same 400 error *and* recorded in :attr:`FakeBotApi.violations`.
* **The users**: ``send_text``, ``press_button``, ``inline_query``... queue real ``Update``
  objects that the bot receives through ``getUpdates``.
* **A recorder**: every call is kept as a :class:`Call`; tests await them with
  :meth:`FakeBotApi.wait_for` instead of sleeping.

Faults (429 flood control, 403 blocked, 5xx, slow answers) can be injected per method or by rule.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import re
import secrets
import struct
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self, TypeAlias
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

JSON: TypeAlias = dict[str, Any]
ChatId: TypeAlias = int | str
UserLike: TypeAlias = JSON | int | None
CallMatcher: TypeAlias = str | Callable[["Call"], bool]
FaultPredicate: TypeAlias = Callable[[str, JSON], bool]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_COMMANDS = 100
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024

DEFAULT_USER_ID = 100_000_001
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
CHAT_NOT_FOUND = "Bad Request: chat not found"

# Update types Telegram does not deliver unless they are listed in ``allowed_updates``.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Form-encoded requests carry every value as a string (PTB JSON-encodes non-string values), so the
# type of a parameter can only be recovered from its name, exactly like the real server does.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "results",
        "reply_parameters",
        "link_preview_options",
        "button",
        "media",
        "message_ids",
        "options",
        "permissions",
        "menu_button",
        "rights",
        "reaction",
        "prices",
        "explanation_entities",
        "question_entities",
    }
)
_INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "reply_to_message_id",
        "message_thread_id",
        "duration",
        "width",
        "height",
        "user_id",
        "until_date",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "is_personal",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "show_caption_above_media",
        "disable_content_type_detection",
        "allow_paid_broadcast",
        "supports_streaming",
    }
)
_FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_CHAT_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})
_INT_RE = re.compile(r"-?\d+")

# Methods accepted and recorded without any modelling beyond answering ``true``.
_TRUE_METHODS = (
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "setMessageReaction",
    "pinChatMessage",
    "unpinChatMessage",
)

# ChatMember fields beyond status and user, by status (what getChatMember answers).
_MEMBER_STATUSES: dict[str, JSON] = {
    "creator": {"is_anonymous": False},
    "administrator": {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
    },
    "member": {},
    "left": {},
    "kicked": {"until_date": 0},
}

# A 1x1 transparent PNG, served for user-sent photos when the test does not provide bytes.
_TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


# --------------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request (as found in :attr:`Call.params`)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class ErrorResponse:
    """An error answer in the Bot API format (``{"ok": false, "error_code": ..., ...}``)."""

    status: int
    description: str
    parameters: JSON | None = None

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> ErrorResponse:
        return cls(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    @classmethod
    def forbidden(cls, description: str = "Forbidden: bot was blocked by the user") -> ErrorResponse:
        return cls(403, description)

    @classmethod
    def for_status(
        cls, status: int, *, retry_after: int = 1, description: str | None = None
    ) -> ErrorResponse:
        """The error Telegram typically answers with ``status``; ``description`` overrides it."""
        if status == 429:
            response = cls.too_many_requests(retry_after)
            return cls(429, description, response.parameters) if description else response
        defaults = {
            400: CHAT_NOT_FOUND,
            401: "Unauthorized",
            403: "Forbidden: bot was blocked by the user",
            404: "Not Found",
            409: "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        }
        if description is None:
            try:
                description = defaults.get(status) or HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
        return cls(status, description)


@dataclass(frozen=True)
class Call:
    """One HTTP call the bot made. ``time`` is :func:`time.monotonic` when it was answered."""

    method: str
    params: JSON
    result: Any
    time: float
    status: int = 200
    error: ErrorResponse | None = None
    injected: bool = False  # True when the error came from fault injection

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        shown = {k: v for k, v in self.params.items() if k in ("chat_id", "text", "caption", "message_id")}
        args = ", ".join(f"{k}={_short(v)}" for k, v in shown.items())
        outcome = "ok" if self.ok else f"{self.status} {self.error.description if self.error else ''}"
        return f"{self.method}({args}) -> {outcome}"


@dataclass(frozen=True)
class Sent:
    """A message the bot sent successfully with sendMessage / sendPhoto / sendDocument.

    ``text`` and ``caption`` are the raw strings the bot sent (with HTML tags if any);
    ``message`` is the Message object the server answered (parsed text plus entities).
    """

    method: str
    chat_id: ChatId
    message_id: int
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: JSON | None
    message: JSON
    params: JSON

    @property
    def body(self) -> str:
        """Raw text, or raw caption for media."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def plain_text(self) -> str:
        """Text or caption after entity parsing, as a Telegram client shows it."""
        return str(self.message.get("text", self.message.get("caption", "")))

    @property
    def buttons(self) -> list[JSON]:
        """Inline keyboard buttons, row by row, flattened."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


ReplyTo: TypeAlias = JSON | Sent | int | None


@dataclass(frozen=True)
class Violation:
    """A request real Telegram would have rejected (the fake rejected it too)."""

    method: str
    description: str
    params: JSON

    def __str__(self) -> str:
        return f"{self.method}: {self.description} (params: {_short(self.params, 300)})"


@dataclass
class FaultRule:
    """A rule-based fault; returned by :meth:`FakeBotApi.add_fault` to remove it later."""

    predicate: FaultPredicate
    response: ErrorResponse | Callable[[str, JSON], ErrorResponse | None]
    remaining: int | None = None  # None: unlimited


class HtmlParseError(ValueError):
    """Raised by :func:`parse_html` with Telegram's wording (without the "Bad Request" prefix)."""


# --------------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------------


class _ApiError(Exception):
    """Raised by method handlers; turned into an error answer. ``violation`` marks bot mistakes."""

    def __init__(self, status: int, description: str, *, violation: bool = True) -> None:
        super().__init__(description)
        self.response = ErrorResponse(status, description)
        self.violation = violation


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes | None
    file_path: str
    file_size: int | None
    photo_set: list[JSON] | None = None  # every PhotoSize of the photo this file belongs to
    meta: JSON = field(default_factory=dict)  # kind-specific fields (file_name, mime_type...)


@dataclass
class _Poll:
    """A pending getUpdates call; a newer one terminates it (HTTP 409), like Telegram does."""

    terminated: bool = False


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start16: int
    begin: int
    language: str | None = None


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the process' signal handlers alone and reports readiness."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # uvicorn would install SIGINT/SIGTERM handlers and re-raise them after shutdown, which
        # hijacks Ctrl-C in pytest; the test owns the process, so do nothing.
        yield

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


def _u16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _now() -> int:
    return int(time.time())


def _chat_key(chat_id: Any) -> ChatId:
    if isinstance(chat_id, bool):
        raise _bad("chat_id is invalid")
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id.strip()):
        return int(chat_id)
    if isinstance(chat_id, str) and chat_id:
        return chat_id
    raise _bad("chat_id is empty")


def _int_param(params: JSON, name: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(f"{name} is empty")
    if isinstance(value, bool):
        raise _bad(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _coerce(name: str, value: Any) -> Any:
    """Recover the type of a parameter sent as a string (form encoding or stringified JSON)."""
    if not isinstance(value, str):
        return value
    if name in _CHAT_ID_FIELDS:
        return int(value) if _INT_RE.fullmatch(value.strip()) else value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_FIELDS:
        return int(value) if _INT_RE.fullmatch(value.strip()) else value
    if name in _BOOL_FIELDS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if name in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _disposition_param(header: str, key: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{key}="([^"]*)"', header) or re.search(
        rf"(?:^|;)\s*{key}=([^;\s]+)", header
    )
    return match.group(1) if match else None


def _parse_multipart(body: bytes, content_type: str) -> list[tuple[str, str | None, str | None, bytes]]:
    """Split a multipart/form-data body into (name, filename, content_type, data) parts.

    Starlette's own form parser needs python-multipart, which the project does not depend on.
    """
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise ValueError("multipart boundary is missing")
    delimiter = b"\r\n--" + match.group(1).encode("latin-1")
    parts: list[tuple[str, str | None, str | None, bytes]] = []
    for chunk in (b"\r\n" + body).split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip():
                headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        if name is not None:
            parts.append(
                (name, _disposition_param(disposition, "filename"), headers.get("content-type"), data)
            )
    return parts


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, or None when the format is not recognised."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


# --------------------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*)(;?)")
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _json_bytes(body: JSON) -> bytes:
    """An answer as UTF-8 JSON. Text that UTF-8 cannot hold (a lone surrogate a test sends as a
    user's text) goes as ``\\u`` escapes, as Telegram writes every non-ASCII character."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the entity at ``text[index] == "&"``: (character, next index), or None if literal.

    Like Telegram, numeric entities and &lt; &gt; &amp; &quot; are decoded and a bare "&" is kept.
    Stricter than Telegram (which shows them verbatim), any other named entity ending in ";" is
    rejected: it nearly always means the bot forgot to escape its text.
    """
    match = _HTML_ENTITY_RE.match(text, index)
    if match is None:
        return None
    body, semicolon = match.groups()
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()
    if body in _NAMED_HTML_ENTITIES:
        return _NAMED_HTML_ENTITIES[body], match.end()
    if semicolon:
        raise HtmlParseError(f'Unsupported HTML entity "&{body};" at byte offset {_byte_offset(text, index)}')
    return None


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram's HTML subset like the Bot API does: (plain text, MessageEntity dicts).

    Follows tdlib's parser (tag names, attribute syntax, error wording and byte offsets).
    Raises :class:`HtmlParseError` on input Telegram rejects.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    n = len(text)
    i = 0

    def fail(message: str, index: int) -> HtmlParseError:
        return HtmlParseError(f"{message} at byte offset {_byte_offset(text, index)}")

    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                value, i = decoded
                out.append(value)
                pos16 += _u16(value)
                continue
        if char != "<":
            out.append(char)
            pos16 += _u16(char)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise fail("Unexpected end tag", begin)
            j = i + 1
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise fail("Unclosed end tag", begin)
            tag = stack.pop()
            if end_name and end_name != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag.name}>", found "</{end_name}>"'
                )
            i = j + 1
            entity = _html_entity(tag, pos16, stack)
            if entity is not None:
                entities.append(entity)
            continue

        j = i
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise fail("Unclosed start tag", begin)
        name = text[i:j].lower()
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}"', begin)
        attrs: dict[str, str] = {}
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f'Unclosed start tag "{name}"', begin)
            if text[j] == ">":
                break
            attr_begin = j
            while j < n and not text[j].isspace() and text[j] not in "=>":
                j += 1
            attr = text[attr_begin:j].lower()
            if not attr:
                raise fail(f'Empty attribute name in the tag "{name}"', begin)
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != "=":
                if name == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                if j >= n:
                    raise fail(f'Unclosed start tag "{name}"', begin)
                raise fail(f'Expected equal sign in declaration of an attribute of the tag "{name}"', begin)
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f'Unclosed start tag "{name}"', begin)
            if text[j] in "\"'":
                quote = text[j]
                value_begin = j
                j += 1
                chars: list[str] = []
                while j < n and text[j] != quote:
                    if text[j] == "&" and (decoded := _decode_html_entity(text, j)) is not None:
                        chars.append(decoded[0])
                        j = decoded[1]
                        continue
                    chars.append(text[j])
                    j += 1
                if j >= n:
                    raise fail("Unclosed end of attribute value", value_begin)
                j += 1
                attrs[attr] = "".join(chars)
            else:
                token_begin = j
                while j < n and text[j].isascii() and (text[j].isalnum() or text[j] in ".-"):
                    j += 1
                if j < n and not text[j].isspace() and text[j] != ">":
                    raise fail("Unexpected end of name token", token_begin)
                attrs[attr] = text[token_begin:j].lower()
        i = j + 1
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail('Tag "span" must have class "tg-spoiler"', begin)
        stack.append(_OpenTag(name, attrs, pos16, _byte_offset(text, begin)))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(tag: _OpenTag, end16: int, stack: list[_OpenTag]) -> JSON | None:
    """The MessageEntity for a closed tag, or None when Telegram would not create one."""
    css_class = tag.attrs.get("class", "")
    if tag.name == "code" and stack and stack[-1].name == "pre" and css_class.startswith("language-"):
        # <pre><code class="language-x">: one "pre" entity with a language
        stack[-1].language = css_class.removeprefix("language-")
        return None
    length = end16 - tag.start16
    if length <= 0:
        return None
    entity: JSON = {"offset": tag.start16, "length": length}
    if tag.name in _HTML_ENTITY_TYPES:
        entity["type"] = _HTML_ENTITY_TYPES[tag.name]
        if tag.name == "pre" and tag.language:
            entity["language"] = tag.language
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "a":
        if not tag.attrs.get("href"):
            return None
        entity.update(type="text_link", url=tag.attrs["href"])
    elif tag.name == "tg-emoji":
        if not tag.attrs.get("emoji-id"):
            return None
        entity.update(type="custom_emoji", custom_emoji_id=tag.attrs["emoji-id"])
    else:  # pragma: no cover - every tag in _HTML_TAGS is handled above
        return None
    return entity


_AUTO_ENTITY_PATTERNS = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{5,32}\b")),
    ("url", re.compile(r"(?<!\S)https?://\S+")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)


def auto_entities(text: str) -> list[JSON]:
    """The entities Telegram detects in a user's message: /commands, @mentions, URLs, #hashtags."""
    entities: list[JSON] = [
        {"type": kind, "offset": _u16(text[: m.start()]), "length": _u16(m.group())}
        for kind, pattern in _AUTO_ENTITY_PATTERNS
        for m in pattern.finditer(text)
    ]
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities


def _strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram trims leading/trailing whitespace of a message; shift and clip entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = _u16(text[: len(text) - len(text.lstrip())])
    total16 = _u16(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead16)
        end = min(total16, entity["offset"] + entity["length"] - lead16)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


# --------------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------------


class FakeBotApi:
    """A fake Telegram Bot API server running inside the test's event loop.

    Use as ``async with FakeBotApi() as api``; then build the PTB application with
    ``.token(api.token).base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot")``.

    All state lives in the event loop's thread and is only mutated between awaits, so concurrent
    requests need no locks. The user-side helpers are synchronous: they queue the update and wake
    the pending ``getUpdates`` long poll.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Create the server (it starts on ``__aenter__``).

        ``token``: any string is accepted; requests with a different token get 401.
        A chat the bot sends to is created on the fly if unknown (positive ids: private,
        negative: group).
        """
        self.token = token or f"{secrets.randbelow(9 * 10**9) + 10**9}:AA{secrets.token_urlsafe(33)[:33]}"
        bot_id_text = self.token.split(":", 1)[0]
        self.bot_id = int(bot_id_text) if bot_id_text.isdigit() else 1_000_000_000
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.host = host
        self.port = port
        self.url = ""

        self.violations: list[Violation] = []
        self.updates: list[JSON] = []  # every update ever queued
        self.delivery_counts: Counter[int] = Counter()  # update_id -> times handed to getUpdates

        self._calls: list[Call] = []
        self._calls_changed = asyncio.Event()
        self._queue: list[JSON] = []  # updates not yet confirmed through getUpdates' offset
        self._updates_changed = asyncio.Event()
        self._next_update_id = 1
        self._active_poll: _Poll | None = None
        self._allowed_updates: frozenset[str] | None = None
        self._closing = False

        self._users: dict[int, JSON] = {}
        self._chats: dict[ChatId, JSON] = {}
        self._messages: dict[tuple[ChatId, int], JSON] = {}
        self._bot_messages: set[tuple[ChatId, int]] = set()
        self._message_counters: Counter[ChatId] = Counter()
        self._files: dict[str, _StoredFile] = {}
        self._file_counter = 0
        self._query_counter = 0
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._webhook: JSON = {}
        self._member_status: dict[tuple[ChatId, int], str] = {}  # (chat id, user id) -> status

        self._faults: list[FaultRule] = []
        self._delays: dict[str, float] = {}

        self._methods: dict[str, tuple[str, Callable[[JSON], Any]]] = {}
        for name, handler in self._handlers().items():
            self._methods[name.lower()] = (name, handler)

        self.user: JSON = self.make_user(
            DEFAULT_USER_ID, "Test", last_name="User", username="test_user", language_code="es"
        )
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start uvicorn as a task of the running loop and wait until it listens."""
        if self._task is not None:
            raise RuntimeError("FakeBotApi is already running")
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._handle_file, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app,
            host=self.host,
            port=self.port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            http="h11",
            timeout_graceful_shutdown=3,
        )
        self._closing = False
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(), name="FakeBotApi-uvicorn")
        ready = asyncio.create_task(self._server.ready.wait())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            task, self._task = self._task, None
            task.result()  # re-raise the startup error, if any
            raise RuntimeError("FakeBotApi: uvicorn stopped before it started listening")
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Release pending long polls and shut uvicorn down (it waits for open requests)."""
        if self._task is None or self._server is None:
            return
        self._closing = True
        self._wake_pollers()
        self._server.should_exit = True
        task, self._task = self._task, None
        await task

    # ------------------------------------------------------------------------------------------
    # Users, chats and updates (the "people" side)
    # ------------------------------------------------------------------------------------------

    @property
    def user_id(self) -> int:
        """Id of the default private user (also the id of its private chat)."""
        return int(self.user["id"])

    def make_user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
        is_bot: bool = False,
    ) -> JSON:
        """Register (or replace) a user and return its User dict."""
        user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` says of the user in the chat: "creator", "administrator",
        "member" (the default for everyone), "left" or "kicked"."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}; one of {sorted(_MEMBER_STATUSES)}")
        self._member_status[(chat_id, user_id)] = status

    def make_chat(
        self, chat_id: int, chat_type: str = "group", *, title: str | None = None, username: str | None = None
    ) -> JSON:
        """Register a group, supergroup or channel (negative id) and return its Chat dict."""
        if chat_type not in ("group", "supergroup", "channel"):
            raise ValueError("make_chat is for group/supergroup/channel chats; use make_user for users")
        if chat_id >= 0:
            raise ValueError(f"{chat_type} ids are negative (e.g. -100123 for supergroups), got {chat_id}")
        chat: JSON = {"id": chat_id, "type": chat_type, "title": title or f"Test {chat_type} {-chat_id}"}
        if username:
            chat["username"] = username
        if chat_type == "supergroup":
            chat["is_forum"] = False
        self._chats[chat_id] = chat
        return dict(chat)

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw Update dict; ``update_id`` is assigned unless present. Returns a copy."""
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(key)
            if isinstance(message, dict) and "chat" in message and "message_id" in message:
                self._remember_chat(message["chat"])
                self._store(message)
        self._queue.append(update)
        self.updates.append(update)
        self._wake_pollers()
        return copy.deepcopy(update)

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """A user writes ``text``; /commands, @mentions, URLs and #hashtags get entities."""
        content: JSON = {"text": text}
        found = auto_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_command(
        self,
        chat_id: int,
        command: str,
        args: str | Sequence[str] = "",
        *,
        user: UserLike = None,
        chat_type: str = "private",
        mention_bot: bool = False,
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends ``/command args`` (``/command@bot args`` with ``mention_bot``)."""
        name = command.removeprefix("/")
        if mention_bot:
            name += f"@{self.bot_user['username']}"
        arg_text = args if isinstance(args, str) else " ".join(args)
        text = f"/{name} {arg_text}" if arg_text else f"/{name}"
        return self.send_text(chat_id, text, user=user, chat_type=chat_type, reply_to=reply_to)

    def edit_text(self, message: JSON, text: str, *, entities: list[JSON] | None = None) -> JSON:
        """The author of ``message`` edits it; queues an ``edited_message`` update."""
        key = (message["chat"]["id"], int(message["message_id"]))
        stored = self._messages.get(key)
        if stored is None:
            raise ValueError(f"message {key} does not exist (deleted?)")
        if key in self._bot_messages:
            raise ValueError(f"message {key} was sent by the bot; users can only edit their own")
        stored["text"] = text
        stored.pop("entities", None)
        found = auto_entities(text) if entities is None else entities
        if found:
            stored["entities"] = found
        stored["edit_date"] = _now()
        kind = "edited_channel_post" if stored["chat"]["type"] == "channel" else "edited_message"
        return self.push_update({kind: stored})

    def channel_post(
        self, chat_id: int, text: str, *, title: str | None = None, entities: list[JSON] | None = None
    ) -> JSON:
        """A post in a channel the bot administers (``channel_post`` update, no ``from``)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self.make_chat(chat_id, "channel", title=title)
        elif chat["type"] != "channel":
            raise ValueError(f"chat {chat_id} is a {chat['type']}, not a channel")
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "sender_chat": dict(chat),
            "chat": dict(chat),
            "date": _now(),
            "text": text,
        }
        found = auto_entities(text) if entities is None else entities
        if found:
            message["entities"] = found
        return self.push_update({"channel_post": message})

    def press_button(
        self, message: JSON | Sent, callback_data: str, *, user: UserLike = None, check: bool = True
    ) -> JSON:
        """A user presses the inline button with ``callback_data`` under one of the bot's messages.

        The update carries the message as it is *now* (after edits). With ``check`` (default) a
        ValueError is raised if that message is gone or has no such button.
        """
        message_dict = message.message if isinstance(message, Sent) else message
        key = (message_dict["chat"]["id"], int(message_dict["message_id"]))
        current = self._messages.get(key)
        if check:
            if current is None:
                raise ValueError(f"message {key} does not exist (deleted?)")
            available = [
                button.get("callback_data")
                for row in current.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            if callback_data not in available:
                raise ValueError(f"message {key} has no button {callback_data!r}; buttons: {available}")
        shown = current if current is not None else message_dict
        chat = shown["chat"]
        sender = self._resolve_user(user, default_id=chat["id"] if chat["type"] == "private" else None)
        query_id = self._new_query_id()
        self._open_callback_queries.add(query_id)
        query: JSON = {
            "id": query_id,
            "from": sender,
            "message": copy.deepcopy(shown),
            "chat_instance": str(10**18 + abs(int(chat["id"]))),
            "data": callback_data,
        }
        return self.push_update({"callback_query": query})

    def inline_query(
        self, query: str, *, user: UserLike = None, offset: str = "", chat_type: str | None = "private"
    ) -> JSON:
        """A user types ``@bot query`` in some chat."""
        query_id = self._new_query_id()
        self._open_inline_queries.add(query_id)
        inline: JSON = {"id": query_id, "from": self._resolve_user(user), "query": query, "offset": offset}
        if chat_type:
            inline["chat_type"] = chat_type
        return self.push_update({"inline_query": inline})

    def send_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        set_name: str | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        stored = self._new_file("stickers", b"RIFF\x00\x00\x00\x00WEBPfake", ext="webp")
        sticker: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        if set_name:
            sticker["set_name"] = set_name
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"sticker": sticker})

    def send_photo_from_user(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends a photo; every size is downloadable (bytes: ``data`` or a tiny PNG)."""
        data = _TINY_PNG if data is None else data
        detected = _image_size(data)
        size = (width or (detected or (1280, 720))[0], height or (detected or (1280, 720))[1])
        content: JSON = {"photo": self._new_photo(data, size)}
        if caption is not None:
            content["caption"] = caption
            found = auto_entities(caption)
            if found:
                content["caption_entities"] = found
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_document_from_user(
        self,
        chat_id: int,
        *,
        file_id: str | None = None,
        data: bytes | None = None,
        file_name: str = "document.txt",
        mime_type: str | None = "text/plain",
        caption: str | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends a document: an already registered ``file_id``, or new ``data``."""
        if file_id is not None and file_id in self._files and data is None:
            stored = self._files[file_id]
        elif file_id is not None:
            self._register_file(file_id, data, file_name=file_name, mime_type=mime_type)
            stored = self._files[file_id]
        else:
            stored = self._new_file("documents", data if data is not None else b"", name=file_name)
        document: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        document["file_name"] = stored.meta.get("file_name", file_name)
        if stored.meta.get("mime_type", mime_type):
            document["mime_type"] = stored.meta.get("mime_type", mime_type)
        if stored.file_size is not None:
            document["file_size"] = stored.file_size
        stored.meta.update({k: v for k, v in document.items() if k in ("file_name", "mime_type")})
        content: JSON = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_voice(
        self,
        chat_id: int,
        *,
        duration: int = 2,
        data: bytes | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        stored = self._new_file("voice", data if data is not None else b"OggS\x00fake-voice", ext="oga")
        voice: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.file_size,
        }
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"voice": voice})

    def send_location(
        self,
        chat_id: int,
        latitude: float,
        longitude: float,
        *,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"location": location})

    def send_contact(
        self,
        chat_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"contact": contact})

    def _register_file(
        self,
        file_id: str,
        data: bytes | None,
        *,
        file_path: str | None = None,
        file_unique_id: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> JSON:
        """Make ``file_id`` known: the bot may send it, ``getFile`` it and download ``data``."""
        self._file_counter += 1
        ext = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else "bin"
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=file_unique_id or f"AgAD{self._file_counter:08d}",
            data=data,
            file_path=file_path or f"documents/file_{self._file_counter}.{ext}",
            file_size=None if data is None else len(data),
        )
        if file_name:
            stored.meta["file_name"] = file_name
        if mime_type:
            stored.meta["mime_type"] = mime_type
        self._files[file_id] = stored
        return self._file_object(stored)

    # ------------------------------------------------------------------------------------------
    # Recording and assertions
    # ------------------------------------------------------------------------------------------

    def file_bytes(self, file_id: str) -> bytes | None:
        """The content of a file the bot uploaded or a test registered (None if unknown)."""
        stored = self._files.get(file_id)
        return stored.data if stored else None

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, optionally of one method (case-insensitive), oldest first."""
        if method is None:
            return list(self._calls)
        wanted = method.lower()
        return [c for c in self._calls if c.method.lower() == wanted]

    def mark(self) -> int:
        """Current position in the call log, for ``wait_for(..., since=api.mark())``."""
        return len(self._calls)

    def sent(self, chat_id: ChatId | None = None, *, since: int = 0) -> list[Sent]:
        """Messages the bot sent successfully (sendMessage/sendPhoto/sendDocument), oldest first."""
        return [
            sent
            for call in self._calls[since:]
            if (sent := self._as_sent(call)) is not None and self._sent_matches(sent, chat_id)
        ]

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """The current state of a message (after edits), or None if unknown/deleted."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by setMyCommands for this exact scope and language."""
        return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[JSON]:
        """Queued updates not yet confirmed by the bot (getUpdates offset)."""
        return copy.deepcopy(self._queue)

    async def wait_for(
        self,
        match: CallMatcher,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
        *,
        since: int = 0,
    ) -> list[Call]:
        """Wait until ``count`` calls matching ``match`` are recorded (from index ``since``).

        ``match`` is a method name (case-insensitive, failed calls included) or a predicate on
        :class:`Call`. Counting starts at the beginning of the log unless ``since`` is given
        (see :meth:`mark`). Returns all matching calls. Raises TimeoutError listing calls seen.
        """
        predicate: Callable[[Call], bool]
        if isinstance(match, str):
            wanted = match.lower()
            description = repr(match)

            def predicate(call: Call) -> bool:
                return call.method.lower() == wanted

        else:
            predicate, description = match, getattr(match, "__name__", "predicate")
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._calls_changed
                    found = [c for c in self._calls[since:] if predicate(c)]
                    if len(found) >= count:
                        return found
                    await changed.wait()
        except TimeoutError:
            found = [c for c in self._calls[since:] if predicate(c)]
            raise TimeoutError(
                f"waited {timeout}s for {count} call(s) matching {description}, got {len(found)}.\n"
                + self._describe_calls(since)
            ) from None

    async def wait_for_sent(
        self,
        chat_id: ChatId | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the helper's contract
        since: int = 0,
    ) -> list[Sent]:
        """Wait until the bot sent ``count`` messages (to ``chat_id`` if given); return them."""

        def sent_message(call: Call) -> bool:
            sent = self._as_sent(call)
            return sent is not None and self._sent_matches(sent, chat_id)

        calls = await self.wait_for(sent_message, count, timeout, since=since)
        return [sent for call in calls if (sent := self._as_sent(call)) is not None]

    async def wait_polling(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a getUpdates long poll is pending, i.e. the bot is listening."""
        try:
            async with asyncio.timeout(timeout):
                while self._active_poll is None:
                    await self._updates_changed.wait()
        except TimeoutError:
            raise TimeoutError(f"no getUpdates long poll started within {timeout}s") from None

    async def wait_delivered(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed (through getUpdates' offset) every deliverable update."""
        try:
            async with asyncio.timeout(timeout):
                while any(self._is_allowed(u) for u in self._queue):
                    await self._updates_changed.wait()
        except TimeoutError:
            ids = [u["update_id"] for u in self._queue]
            raise TimeoutError(f"updates {ids} still unconfirmed after {timeout}s") from None

    def assert_no_violations(self, *, ignore: Iterable[str] = ()) -> None:
        """Fail if the bot made a request Telegram would reject (``ignore``: substrings)."""
        skipped = tuple(ignore)
        found = [v for v in self.violations if not any(s in v.description for s in skipped)]
        if found:
            listing = "\n".join(f"  - {v}" for v in found)
            raise AssertionError(f"{len(found)} Bot API violation(s):\n{listing}")

    def clear(self) -> None:
        """Forget recorded calls and violations (chats, messages and files are kept)."""
        self._calls.clear()
        self.violations.clear()

    # ------------------------------------------------------------------------------------------
    # Fault injection
    # ------------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        count: int = 1,
        chat_id: ChatId | None = None,
    ) -> FaultRule:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` if given) with an error.

        Defaults per status: 429 "Too Many Requests: retry after N" (+ retry_after parameter),
        403 "Forbidden: bot was blocked by the user", 400 "Bad Request: chat not found",
        500/502 their HTTP phrase. ``description`` overrides the text.
        """
        name = self._canonical(method)
        response = ErrorResponse.for_status(status, retry_after=retry_after, description=description)
        wanted_chat = None if chat_id is None else _chat_key(chat_id)

        def predicate(called: str, params: JSON) -> bool:
            if called != name:
                return False
            if wanted_chat is None:
                return True
            try:
                return _chat_key(params.get("chat_id")) == wanted_chat
            except _ApiError:
                return False

        return self.add_fault(predicate, response, count=count)

    def add_fault(
        self,
        predicate: FaultPredicate,
        response: ErrorResponse | Callable[[str, JSON], ErrorResponse | None],
        *,
        count: int | None = None,
    ) -> FaultRule:
        """Answer calls for which ``predicate(method, params)`` is true with ``response``.

        ``response`` may be a callable returning an ErrorResponse or None (no fault). Rules are
        tried in order; ``count`` limits how many times the rule fires (None: forever).
        Example, 5% random flood control: ``api.add_fault(lambda m, p: rng.random() < 0.05,
        ErrorResponse.too_many_requests(1))``.
        """
        rule = FaultRule(predicate, response, count)
        self._faults.append(rule)
        return rule

    def delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` ``seconds`` late (0 removes the delay)."""
        name = self._canonical(method)
        if seconds > 0:
            self._delays[name] = seconds
        else:
            self._delays.pop(name, None)

    # ------------------------------------------------------------------------------------------
    # HTTP plumbing
    # ------------------------------------------------------------------------------------------

    async def _handle_api(self, request: Request) -> Response:
        token = str(request.path_params["token"])
        method = str(request.path_params["method"])
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            return self._answer(method, {}, error=ErrorResponse(400, f"Bad Request: {exc}"), violation=True)
        if token != self.token:
            return self._answer(method, params, error=ErrorResponse(401, "Unauthorized"), violation=True)
        entry = self._methods.get(method.lower())
        if entry is None:
            error = ErrorResponse(404, "Not Found: method not found")
            return self._answer(method, params, error=error, violation=True)
        name, handler = entry
        if name in self._delays:
            await asyncio.sleep(self._delays[name])
        fault = self._match_fault(name, params)
        if fault is not None:
            return self._answer(name, params, error=fault, injected=True)
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _ApiError as exc:
            return self._answer(name, params, error=exc.response, violation=exc.violation)
        except Exception as exc:  # a bug in the fake must not look like a Telegram answer
            error = ErrorResponse(500, f"Internal Server Error: FakeBotApi failed: {exc!r}")
            return self._answer(name, params, error=error, violation=True)
        return self._answer(name, params, result=result)

    async def _read_params(self, request: Request) -> JSON:
        raw: JSON = dict(request.query_params)
        content_type = request.headers.get("content-type", "")
        body = await request.body()
        files: dict[str, UploadedFile] = {}
        if body:
            if content_type.startswith("application/json"):
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise ValueError("request body must be a JSON object")
                raw.update(decoded)
            elif content_type.startswith("application/x-www-form-urlencoded"):
                raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            elif content_type.startswith("multipart/form-data"):
                for name, filename, part_type, data in _parse_multipart(body, content_type):
                    if filename is None:
                        raw[name] = data.decode("utf-8")
                    else:
                        files[name] = UploadedFile(name, filename, part_type, data)
            else:
                raise ValueError(f"unsupported Content-Type {content_type!r}")
        params = {name: _coerce(name, value) for name, value in raw.items()}
        for name, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.get(value.removeprefix("attach://"))
                if attached is None:
                    raise ValueError(f"can't find attached file {value!r}")
                params[name] = attached
        for name, uploaded in files.items():
            params.setdefault(name, uploaded)
        return params

    def _answer(
        self,
        method: str,
        params: JSON,
        *,
        result: Any = None,
        error: ErrorResponse | None = None,
        violation: bool = False,
        injected: bool = False,
    ) -> Response:
        call = Call(
            method=method,
            params=params,
            result=copy.deepcopy(result),
            time=time.monotonic(),
            status=200 if error is None else error.status,
            error=error,
            injected=injected,
        )
        if violation and error is not None:
            self.violations.append(Violation(method, error.description, params))
        self._record(call)
        body = {"ok": True, "result": result} if error is None else error.body()
        return Response(
            _json_bytes(body),
            status_code=call.status,
            media_type="application/json",
        )

    async def _handle_file(self, request: Request) -> Response:
        """Serve ``/file/bot<token>/<file_path>`` (recorded as a ``downloadFile`` call)."""
        token = str(request.path_params["token"])
        file_path = str(request.path_params["file_path"])
        stored = next((f for f in self._files.values() if f.file_path == file_path), None)
        data = stored.data if stored is not None and token == self.token else None
        error = None if data is not None else ErrorResponse(404, "Not Found")
        self._record(Call("downloadFile", {"file_path": file_path}, None, time.monotonic(), 200, error))
        if data is None:
            return Response(
                json.dumps(ErrorResponse(404, "Not Found").body()), 404, media_type="application/json"
            )
        return Response(data, media_type="application/octet-stream")

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._calls_changed.set()
        self._calls_changed = asyncio.Event()

    def _match_fault(self, method: str, params: JSON) -> ErrorResponse | None:
        for rule in list(self._faults):
            if not rule.predicate(method, params):
                continue
            response = rule.response(method, params) if callable(rule.response) else rule.response
            if response is None:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._faults.remove(rule)
            return response
        return None

    def _canonical(self, method: str) -> str:
        entry = self._methods.get(method.lower())
        if entry is None:
            raise ValueError(f"FakeBotApi does not implement {method!r}")
        return entry[0]

    def _describe_calls(self, since: int) -> str:
        calls = self._calls[since:]
        polls = sum(1 for c in calls if c.method == "getUpdates")
        others = [c for c in calls if c.method != "getUpdates"]
        lines = [f"Calls seen (plus {polls} getUpdates):"] + [f"  {c.describe()}" for c in others[-40:]]
        if not others:
            lines.append("  (none)")
        return "\n".join(lines)

    def _as_sent(self, call: Call) -> Sent | None:
        if not call.ok or call.method not in SEND_METHODS or not isinstance(call.result, dict):
            return None
        params = call.params
        markup = params.get("reply_markup")
        return Sent(
            method=call.method,
            chat_id=call.result["chat"]["id"],
            message_id=call.result["message_id"],
            text=params.get("text") if call.method == "sendMessage" else None,
            caption=params.get("caption"),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            message=call.result,
            params=params,
        )

    def _sent_matches(self, sent: Sent, chat_id: ChatId | None) -> bool:
        if chat_id is None:
            return True
        return chat_id in (sent.chat_id, sent.params.get("chat_id"))

    # ------------------------------------------------------------------------------------------
    # Update queue and long polling
    # ------------------------------------------------------------------------------------------

    def _wake_pollers(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _is_allowed(self, update: JSON) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in _OPT_IN_UPDATE_TYPES
        return kind in self._allowed_updates

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook.get("url"):
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or None
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        if self._active_poll is not None:
            self._active_poll.terminated = True
        poll = self._active_poll = _Poll()
        self._wake_pollers()  # wakes a previous poll (now terminated) and wait_delivered()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                changed = self._updates_changed
                if poll.terminated:
                    raise _ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                        violation=False,
                    )
                batch = [u for u in self._queue if self._is_allowed(u)][:limit]
                remaining = deadline - loop.time()
                if batch or self._closing or remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await changed.wait()
        finally:
            if self._active_poll is poll:
                self._active_poll = None
        for update in batch:
            self.delivery_counts[update["update_id"]] += 1
        return copy.deepcopy(batch)

    # ------------------------------------------------------------------------------------------
    # Chats, messages and files
    # ------------------------------------------------------------------------------------------

    def _resolve_user(self, user: UserLike, *, default_id: int | None = None) -> JSON:
        if isinstance(user, dict):
            self._users.setdefault(int(user["id"]), dict(user))
            return dict(user)
        user_id = user if isinstance(user, int) else default_id
        if user_id is None:
            return dict(self.user)
        if user_id not in self._users:
            self.make_user(user_id, f"User{user_id}")
        return dict(self._users[user_id])

    def _remember_chat(self, chat: JSON) -> None:
        self._chats.setdefault(chat["id"], dict(chat))

    def _user_chat(self, chat_id: int, user: UserLike, chat_type: str) -> tuple[JSON, JSON]:
        if chat_type == "private":
            if chat_id <= 0:
                raise ValueError(f"private chats have the user's (positive) id, got {chat_id}")
            sender = self._resolve_user(user, default_id=chat_id)
            if sender["id"] != chat_id:
                raise ValueError(
                    f"in a private chat the chat id is the user's id ({sender['id']} != {chat_id})"
                )
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = {"id": chat_id, "type": "private"}
                chat.update({k: sender[k] for k in ("first_name", "last_name", "username") if k in sender})
                self._chats[chat_id] = chat
            return dict(chat), sender
        if chat_type in ("group", "supergroup"):
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self.make_chat(chat_id, chat_type)
            elif chat["type"] != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat['type']}, not a {chat_type}")
            return dict(chat), self._resolve_user(user)
        raise ValueError(f"unsupported chat_type {chat_type!r} (use channel_post for channels)")

    def _user_update(
        self,
        kind: str,
        chat_id: int,
        user: UserLike,
        chat_type: str,
        reply_to: ReplyTo,
        content: JSON,
    ) -> JSON:
        chat, sender = self._user_chat(chat_id, user, chat_type)
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": sender,
            "chat": chat,
            "date": _now(),
            **content,
        }
        if reply_to is not None:
            if isinstance(reply_to, Sent):
                reply_id = reply_to.message_id
            else:
                reply_id = reply_to if isinstance(reply_to, int) else int(reply_to["message_id"])
            target = self._messages.get((chat["id"], reply_id))
            if target is None:
                raise ValueError(f"no message {reply_id} in chat {chat['id']} to reply to")
            message["reply_to_message"] = self._reply_copy(target)
        return self.push_update({kind: message})

    def _next_message_id(self, chat_id: ChatId) -> int:
        self._message_counters[chat_id] += 1
        return self._message_counters[chat_id]

    def _store(self, message: JSON) -> None:
        key = (message["chat"]["id"], int(message["message_id"]))
        self._messages[key] = copy.deepcopy(message)
        self._message_counters[key[0]] = max(self._message_counters[key[0]], key[1])

    @staticmethod
    def _reply_copy(message: JSON) -> JSON:
        reply = copy.deepcopy(message)
        reply.pop("reply_to_message", None)  # Telegram nests replies one level deep only
        return reply

    def _target_chat(self, params: JSON) -> JSON:
        """The chat a bot request addresses, created on the fly (a username must be known)."""
        key = _chat_key(params.get("chat_id"))
        chat = self._find_chat(key)
        if chat is not None:
            return chat
        if isinstance(key, str):
            raise _bad("chat not found")
        if key > 0:
            chat = {"id": key, "type": "private", "first_name": f"User{key}"}
        else:
            chat = {"id": key, "type": "supergroup" if str(key).startswith("-100") else "group"}
            chat["title"] = f"Chat {key}"
        self._chats[key] = chat
        return dict(chat)

    def _find_chat(self, key: ChatId) -> JSON | None:
        if isinstance(key, str):
            username = key.removeprefix("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return dict(chat)
            return None
        found = self._chats.get(key)
        return dict(found) if found is not None else None

    def _bot_message(self, chat: JSON, content: JSON, params: JSON) -> JSON:
        # validate everything before a message id is allocated
        reply = self._reply_target(chat, params)
        markup = self._check_markup(params.get("reply_markup"))
        message: JSON = {"message_id": self._next_message_id(chat["id"])}
        if chat["type"] == "channel":
            message["sender_chat"] = dict(chat)
        else:
            message["from"] = dict(self.bot_user)
        message.update(chat=dict(chat), date=_now(), **content)
        if reply is not None:
            message["reply_to_message"] = reply
        if markup is not None and "inline_keyboard" in markup:
            # Message.reply_markup only ever holds inline keyboards
            message["reply_markup"] = markup
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._store(message)
        self._bot_messages.add((chat["id"], message["message_id"]))
        return message

    def _reply_target(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
            reply_chat = chat
            if reply.get("chat_id") is not None:
                reply_chat = self._find_chat(_chat_key(reply["chat_id"])) or chat
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow_missing = bool(params.get("allow_sending_without_reply"))
            reply_chat = chat
        else:
            return None
        try:
            target = self._messages.get((reply_chat["id"], int(str(message_id))))
        except ValueError:
            raise _bad("invalid reply parameters") from None
        if target is None:
            if allow_missing:
                return None
            raise _bad("message to be replied not found")
        return self._reply_copy(target)

    def _editable(self, params: JSON) -> JSON | None:
        """The stored message an edit addresses; None for inline messages (inline_message_id)."""
        if params.get("inline_message_id"):
            return None
        chat = self._find_chat(_chat_key(params.get("chat_id")))
        message_id = _int_param(params, "message_id")
        key = (chat["id"] if chat else _chat_key(params.get("chat_id")), message_id)
        message = self._messages.get(key)
        if message is None:
            raise _bad("message to edit not found")
        if key not in self._bot_messages:
            raise _bad("message can't be edited")
        return message

    def _format(self, text: Any, params: JSON, *, caption: bool) -> tuple[str, list[JSON]]:
        """Apply parse_mode/entities, strip, and enforce Telegram's length limits."""
        text = "" if text is None else str(text)
        entities_key = "caption_entities" if caption else "entities"
        given = params.get(entities_key)
        parse_mode = params.get("parse_mode")
        if isinstance(given, list) and given:
            plain, entities = text, [dict(e) for e in given]
        elif isinstance(parse_mode, str) and parse_mode.lower() == "html":
            try:
                plain, entities = parse_html(text)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        elif parse_mode in (None, "") or str(parse_mode).lower() in ("markdown", "markdownv2"):
            # Markdown is not validated: the text is kept verbatim, without entities.
            plain, entities = text, []
        else:
            raise _bad("unsupported parse_mode")
        plain, entities = _strip_text(plain, entities)
        if caption:
            if len(plain) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        elif not plain:
            raise _bad("message text is empty")
        elif len(plain) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        return plain, entities

    def _check_markup(self, markup: Any) -> JSON | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
                actions = [name for name in _INLINE_BUTTON_ACTIONS if name in button]
                if not actions:
                    raise _bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(actions) > 1:
                    raise _bad(
                        "can't parse inline keyboard button: exactly one of the optional fields must be "
                        f"used, got {', '.join(actions)}"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad("BUTTON_DATA_INVALID")
        return markup

    def _upload(self, value: Any, folder: str, *, photo: bool) -> _StoredFile | list[JSON]:
        """Resolve an InputFile upload, a known file_id or a URL into a stored file / photo set."""
        if isinstance(value, UploadedFile):
            if photo:
                return self._new_photo(value.data, _image_size(value.data) or (800, 600))
            stored = self._new_file(folder, value.data, name=value.filename or "document")
            if value.content_type:
                stored.meta["mime_type"] = value.content_type
            return stored
        if isinstance(value, str) and value:
            if value in self._files:
                known = self._files[value]
                if photo:
                    return (
                        copy.deepcopy(known.photo_set)
                        if known.photo_set
                        else [self._photo_size(known, 800, 600)]
                    )
                return known
            if value.startswith(("http://", "https://")):
                if photo:
                    return self._new_photo(b"", (800, 600))
                return self._new_file(folder, b"", name=value.rstrip("/").rpartition("/")[2] or "file")
        raise _bad(WRONG_FILE_ID.removeprefix("Bad Request: "))

    def _new_file(
        self, folder: str, data: bytes, *, name: str | None = None, ext: str | None = None
    ) -> _StoredFile:
        self._file_counter += 1
        number = self._file_counter
        extension = ext or (name.rpartition(".")[2] if name and "." in name else "bin")
        file_id = (
            base64.urlsafe_b64encode(f"{folder}:{number}:{self.bot_id}:fake".encode()).decode().rstrip("=")
        )
        stored = _StoredFile(
            file_id=f"BQAC{file_id}",
            file_unique_id=f"AgAD{number:08d}",
            data=data,
            file_path=f"{folder}/file_{number}.{extension}",
            file_size=len(data),
        )
        if name:
            stored.meta["file_name"] = name
        self._files[stored.file_id] = stored
        return stored

    def _new_photo(self, data: bytes, size: tuple[int, int]) -> list[JSON]:
        """PhotoSize list like Telegram's (90/320/800/1280 px thumbnails up to the original)."""
        width, height = size
        dimensions: list[tuple[int, int]] = []
        for side in (90, 320, 800, 1280):
            scale = min(1.0, side / max(width, height, 1))
            scaled = (max(1, round(width * scale)), max(1, round(height * scale)))
            if scaled not in dimensions:
                dimensions.append(scaled)
            if scale == 1.0:
                break
        photo_set: list[JSON] = []
        for w, h in dimensions:
            stored = self._new_file("photos", data, ext="jpg")
            # Every size serves the original bytes; smaller sizes report a proportional size.
            largest = (w, h) == dimensions[-1]
            stored.file_size = len(data) if largest else max(1, len(data) * w * h // max(1, width * height))
            photo_set.append(self._photo_size(stored, w, h))
        for entry in photo_set:
            self._files[entry["file_id"]].photo_set = photo_set
        return copy.deepcopy(photo_set)

    @staticmethod
    def _photo_size(stored: _StoredFile, width: int, height: int) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": stored.file_size or 0,
        }

    @staticmethod
    def _file_object(stored: _StoredFile) -> JSON:
        result: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_size is not None:
            result["file_size"] = stored.file_size
        result["file_path"] = stored.file_path
        return result

    def _new_query_id(self) -> str:
        self._query_counter += 1
        return str(4_000_000_000_000_000 + self._query_counter)

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope or (isinstance(scope, dict) and scope.get("type") == "default"):
            return "default"
        return json.dumps(scope, sort_keys=True)

    # ------------------------------------------------------------------------------------------
    # Bot API methods
    # ------------------------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[[JSON], Any]]:
        handlers: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda _params: dict(self.bot_user),
            "logOut": lambda _params: True,
            "close": lambda _params: True,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        for name in _TRUE_METHODS:
            handlers[name] = lambda _params: True
        return handlers

    def _set_webhook(self, params: JSON) -> bool:
        url = params.get("url")
        if not isinstance(url, str):
            raise _bad("bad webhook: URL must be provided for webhook")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {"url": url}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self._webhook = {}
        if params.get("drop_pending_updates"):
            self._queue.clear()
            self._wake_pollers()
        return True

    def _get_webhook_info(self, _params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _send_message(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        text, entities = self._format(params.get("text"), params, caption=False)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(chat, content, params)

    def _media_content(self, params: JSON, content: JSON) -> JSON:
        if params.get("caption") is not None:
            caption, entities = self._format(params["caption"], params, caption=True)
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return content

    def _send_photo(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        if params.get("photo") in (None, ""):
            raise _bad("there is no photo in the request")
        self._check_markup(params.get("reply_markup"))
        content = self._media_content(params, {})
        photo = self._upload(params["photo"], "photos", photo=True)
        content = {"photo": photo, **content}
        return self._bot_message(chat, content, params)

    def _send_document(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        if params.get("document") in (None, ""):
            raise _bad("there is no document in the request")
        self._check_markup(params.get("reply_markup"))
        content = self._media_content(params, {})
        stored = self._upload(params["document"], "documents", photo=False)
        assert isinstance(stored, _StoredFile)
        document: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        document.update({k: stored.meta[k] for k in ("file_name", "mime_type") if k in stored.meta})
        if stored.file_size is not None:
            document["file_size"] = stored.file_size
        return self._bot_message(chat, {"document": document, **content}, params)

    def _send_chat_action(self, params: JSON) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        text, entities = self._format(params.get("text"), params, caption=False)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    def _edit_message_caption(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        caption, entities = self._format(params.get("caption"), params, caption=True)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            message.get("caption", "") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_optional(message, "caption", caption or None)
        self._set_optional(message, "caption_entities", entities or None)
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if message.get("reply_markup") == new_markup:
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(message: JSON, key: str, value: Any) -> None:
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value

    def _delete_message(self, params: JSON) -> bool:
        key_chat = _chat_key(params.get("chat_id"))
        chat = self._find_chat(key_chat)
        key = (chat["id"] if chat else key_chat, _int_param(params, "message_id"))
        if self._messages.pop(key, None) is None:
            raise _bad("message to delete not found")
        self._bot_messages.discard(key)
        return True

    def _delete_messages(self, params: JSON) -> bool:
        key_chat = _chat_key(params.get("chat_id"))
        chat = self._find_chat(key_chat)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a non-empty list of at most 100 identifiers")
        for message_id in ids:
            key = (chat["id"] if chat else key_chat, int(message_id))
            self._messages.pop(key, None)
            self._bot_messages.discard(key)
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    def _answer_inline_query(self, params: JSON) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._open_inline_queries:
            raise _bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict):
                raise _bad("can't parse InlineQueryResult")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= MAX_INLINE_RESULT_ID_BYTES:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            self._check_markup(result.get("reply_markup"))
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._format(content["message_text"], content, caption=False)
        self._open_inline_queries.discard(query_id)
        return True

    def _get_chat(self, params: JSON) -> JSON:
        chat = self._find_chat(_chat_key(params.get("chat_id")))
        if chat is None:
            raise _bad("chat not found")
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._find_chat(_chat_key(params.get("chat_id")))
        if chat is None:
            raise _bad("chat not found")
        user = self._users.get(_int_param(params, "user_id"))
        if user is None:
            raise _bad("PARTICIPANT_ID_INVALID")
        status = self._member_status.get((chat["id"], int(user["id"])), "member")
        return {"status": status, "user": dict(user), **_MEMBER_STATUSES[status]}

    def _get_file(self, params: JSON) -> JSON:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if stored.file_size is not None and stored.file_size > MAX_DOWNLOAD_SIZE:
            raise _bad("file is too big")
        return self._file_object(stored)
