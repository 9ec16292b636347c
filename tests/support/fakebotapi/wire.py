"""The Bot API's wire format, as the fake reads and writes it: parameter types recovered from
form-encoded strings, multipart bodies, image sizes, UTF-8 JSON answers, and the error a method
handler raises to be answered with."""

from __future__ import annotations

import json
import re
import struct
import time
from typing import Any

from tests.support.fakebotapi.records import JSON, ChatId, ErrorResponse

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


class ApiError(Exception):
    """Raised by method handlers; turned into an error answer. ``violation`` marks bot mistakes."""

    def __init__(self, status: int, description: str, *, violation: bool = True) -> None:
        super().__init__(description)
        self.response = ErrorResponse(status, description)
        self.violation = violation


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def now() -> int:
    return int(time.time())


def chat_key(chat_id: Any) -> ChatId:
    if isinstance(chat_id, bool):
        raise bad("chat_id is invalid")
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id.strip()):
        return int(chat_id)
    if isinstance(chat_id, str) and chat_id:
        return chat_id
    raise bad("chat_id is empty")


def int_param(params: JSON, name: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad(f"{name} is empty")
    if isinstance(value, bool):
        raise bad(f"invalid {name} specified")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad(f"invalid {name} specified") from None


def coerce(name: str, value: Any) -> Any:
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


def parse_multipart(body: bytes, content_type: str) -> list[tuple[str, str | None, str | None, bytes]]:
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


def image_size(data: bytes) -> tuple[int, int] | None:
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


def json_bytes(body: JSON) -> bytes:
    """An answer as UTF-8 JSON. Text that UTF-8 cannot hold (a lone surrogate a test sends as a
    user's text) goes as ``\\u`` escapes, as Telegram writes every non-ASCII character."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")
