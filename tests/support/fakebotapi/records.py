"""What the fake's users see of it: the records it keeps (calls, sent messages, violations,
faults), the errors it answers with, and Telegram's limits it enforces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeAlias

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


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
