"""initData as Telegram would give it to a Mini App, signed with a bot's token, for the tests and
the browser tests: written from Telegram's documentation, apart from the validator it checks
(``handlers.webapp.auth``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote


def signed_init_data(
    token: str,
    user: dict[str, Any] | None,
    *,
    auth_date: int | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """A query string of ``query_id``, ``user`` (JSON), ``auth_date`` (now, unless given) and
    ``extra``, with the ``hash`` Telegram makes: the hex HMAC-SHA256 of the sorted ``key=value``
    lines under the key HMAC-SHA256("WebAppData", token)."""
    fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc", "auth_date": str(auth_date or int(time.time()))}
    if user is not None:
        fields["user"] = json.dumps(user, separators=(",", ":"), ensure_ascii=False)
    fields.update(extra or {})
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in fields.items())


def person(user_id: int, first_name: str = "Ana", **more: Any) -> dict[str, Any]:
    """A ``user`` field as Telegram writes it."""
    return {"id": user_id, "first_name": first_name, "language_code": "es", **more}


def console_headers(
    token: str, *, method: str, user: int | None, key: str | None, auth: str | None = None
) -> dict[str, str]:
    """The headers the console's script sends: ``auth`` as given, else ``user``'s signed
    initData (none when both are None); on a POST, the ``Idempotency-Key`` ``key`` if any."""
    headers: dict[str, str] = {}
    if auth is not None:
        headers["Authorization"] = auth
    elif user is not None:
        headers["Authorization"] = "tma " + signed_init_data(token, person(user, username=f"u{user}"))
    if method == "POST" and key is not None:
        headers["Idempotency-Key"] = key
    return headers
