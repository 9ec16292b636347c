"""Telegram's ``initData``: who opened the Mini App, signed by Telegram with the bot's token.

Telegram gives a Mini App a query string (``Telegram.WebApp.initData``) of fields — ``user`` (a
JSON object), ``auth_date`` (Unix seconds), ``query_id``, ``chat_instance`` … — and ``hash``,
which only someone with the bot's token can make. The staff console's page sends it with every
API call (``Authorization: tma <initData>``) and :func:`validate_init_data` checks it as
Telegram documents it for Mini Apps:

* the data-check-string is every field but ``hash``, as ``key=value`` with its value decoded,
  sorted by key and joined by line feeds (``signature``, Telegram's Ed25519 signature for third
  parties, is a field like the others here);
* the secret key is HMAC-SHA256 of the bot's token keyed with ``"WebAppData"``;
* ``hash`` must be the hex HMAC-SHA256 of the data-check-string under that key, compared in
  constant time;
* ``auth_date`` (signed with the rest) must be at most ``max_age`` seconds old, and not ahead of
  this clock by more than :data:`FUTURE_SKEW`.

What it does not give: protection from replay. Anyone who holds a valid ``initData`` (it is sent
with every call) can send it again until it is ``max_age`` old; that is Telegram's design, and
why every call that changes something carries an ``Idempotency-Key`` that is applied once
(``handlers.webapp.console``). Everything here is pure: hashlib, hmac, json and the query-string
parser, no Telegram library and no database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

SCHEME = "tma"
"""The ``Authorization`` scheme the console's calls use: ``Authorization: tma <initData>``."""
MAX_INIT_DATA = 8192
"""Characters of an initData at most (Telegram's are well under 2,000)."""
MAX_FIELDS = 64
FUTURE_SKEW = 60
"""Seconds an ``auth_date`` may be ahead of this server's clock (the two clocks differ a little)."""
SECRET_KEY_KEY = b"WebAppData"
HASH = re.compile(r"[0-9a-f]{64}")
NAME_CHARS = 256
"""Characters kept of a name Telegram gives (its own limits are far lower)."""


class InitDataError(ValueError):
    """Why an initData is not accepted: ``reason`` is one of the constants below."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MISSING = "missing"
MALFORMED = "malformed"
NO_HASH = "no hash"
FORGED = "forged"
STALE = "stale"
FUTURE = "future"
NO_USER = "no user"


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The person who opened the Mini App, as Telegram signed it."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None

    @property
    def display_name(self) -> str:
        """How staff records name their author: @username, else the full name (as in the chat)."""
        if self.username:
            return f"@{self.username}"
        return " ".join(part for part in (self.first_name, self.last_name) if part) or str(self.id)


@dataclass(frozen=True, slots=True)
class InitData:
    user: WebAppUser
    auth_date: int
    """When Telegram made it, Unix seconds."""


def credentials(authorization: str | None) -> str:
    """The initData of an ``Authorization: tma <initData>`` header; :class:`InitDataError`
    (MISSING) for no header or another scheme."""
    if not authorization:
        raise InitDataError(MISSING)
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        raise InitDataError(MISSING)
    return value.strip()


def secret_key(bot_token: str) -> bytes:
    return hmac.new(SECRET_KEY_KEY, bot_token.encode("utf-8"), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def validate_init_data(init_data: str, bot_token: str, *, max_age: float, now: float) -> InitData:
    """The signed user and date of ``init_data``, made for the bot whose token is ``bot_token``
    at most ``max_age`` seconds before ``now`` (Unix seconds); :class:`InitDataError` otherwise."""
    fields = _fields(init_data)
    received = fields.get("hash")
    if received is None:
        raise InitDataError(NO_HASH)
    expected = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not HASH.fullmatch(received) or not hmac.compare_digest(expected.encode(), received.encode()):
        raise InitDataError(FORGED)
    auth_date = _auth_date(fields.get("auth_date"))
    if now - auth_date > max_age:
        raise InitDataError(STALE)
    if auth_date - now > FUTURE_SKEW:
        raise InitDataError(FUTURE)
    return InitData(_user(fields.get("user")), auth_date)


def _fields(init_data: str) -> dict[str, str]:
    """The query string's fields, values decoded; one of a key twice, a pair without "=", text
    that is not UTF-8 or too long is MALFORMED."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataError(MALFORMED if init_data else MISSING)
    try:
        pairs = parse_qsl(
            init_data, keep_blank_values=True, strict_parsing=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except ValueError as exc:  # UnicodeDecodeError is one too
        raise InitDataError(MALFORMED) from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError(MALFORMED)
    return fields


def _auth_date(value: str | None) -> int:
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 12:
        raise InitDataError(MALFORMED)
    return int(value)


def _user(value: str | None) -> WebAppUser:
    if value is None:
        raise InitDataError(NO_USER)
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise InitDataError(MALFORMED) from exc
    if not isinstance(data, dict):
        raise InitDataError(MALFORMED)
    user_id = data.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**63:
        raise InitDataError(NO_USER)
    return WebAppUser(
        id=user_id,
        first_name=_text(data.get("first_name")) or "",
        last_name=_text(data.get("last_name")),
        username=_text(data.get("username")),
    )


def _text(value: object) -> str | None:
    return value[:NAME_CHARS] if isinstance(value, str) and value else None
