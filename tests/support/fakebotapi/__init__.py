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

Three roles, by module:

* **Telegram for the bot** (``methods.py``, on the state kept in ``state.py``): answers the
  bot's HTTP calls (``getUpdates`` long polling, ``sendMessage``...) with real-shaped JSON and
  validates what the bot sends the way Telegram does (HTML parse mode, length limits,
  keyboards...). A request Telegram would reject is answered with the same 400 error *and*
  recorded in :attr:`FakeBotApi.violations`.
* **The users** (``people.py``): ``send_text``, ``press_button``, ``inline_query``... queue real
  ``Update`` objects that the bot receives through ``getUpdates``.
* **A recorder** (``server.py``, which also serves the HTTP): every call is kept as a
  :class:`Call`; tests await them with :meth:`FakeBotApi.wait_for` instead of sleeping.

Faults (429 flood control, 403 blocked, 5xx, slow answers) can be injected per method or by rule.
What tests read and match on (``Call``, ``Sent``, ``ErrorResponse``, Telegram's limits) is in
``records.py``, the HTML parse mode in ``entities.py``, the wire format in ``wire.py``. Import
from this package, not from its modules.
"""

from tests.support.fakebotapi.entities import HtmlParseError, parse_html
from tests.support.fakebotapi.records import (
    JSON,
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_RESULT_ID_BYTES,
    MAX_INLINE_RESULTS,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    WRONG_FILE_ID,
    Call,
    ErrorResponse,
    Sent,
    UploadedFile,
)
from tests.support.fakebotapi.server import FakeBotApi

__all__ = [
    "JSON",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_INLINE_RESULTS",
    "MAX_INLINE_RESULT_ID_BYTES",
    "MAX_TEXT_LENGTH",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "WRONG_FILE_ID",
    "Call",
    "ErrorResponse",
    "FakeBotApi",
    "HtmlParseError",
    "Sent",
    "UploadedFile",
    "parse_html",
]
