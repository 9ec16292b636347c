"""Logs (text or JSON, one line per update) and the Application subclass that times every update
(and counts it in ``bot.metrics`` when the process has metrics)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from telegram import Update
from telegram.ext import Application

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger("bot.updates")

REDACTED = "[redacted]"
BOT_TOKEN_SHAPE = re.compile(r"\d{3,}(?::|%3A)[A-Za-z0-9_-]{30,}")
"""Anything shaped like a bot token (``123456789:AAH…``, also URL-quoted), whoever's it is."""


class RedactSecrets(logging.Filter):
    """Replaces the bot token and the other secrets in every record a handler writes.

    PTB logs the Bot API URL, which contains the token, at DEBUG ("Set Bot API URL: …/bot<token>");
    HTTP clients log request URLs and the webhook's ``secret_token`` parameter; an exception's
    text can quote a URL. On a handler this filter sees every record the handler writes, from
    any logger at any level, so the record's message (arguments merged in), its exception text
    and its stack are rewritten before any formatter reads them.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        known = {s for secret in secrets if secret for s in (secret, quote(secret, safe=""))}
        self._secrets = sorted(known, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return BOT_TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: the handler reports it, redacted too
            message = f"{record.msg!s} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's extra fields."""

    FIELDS = ("update_id", "kind", "latency_ms", "outcome")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({f: getattr(record, f) for f in self.FIELDS if hasattr(record, f)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, fmt: str, *, secrets: Iterable[str] = ()) -> None:
    """One handler on the root logger, in ``fmt`` (text or json), that never writes ``secrets``
    nor anything shaped like a bot token (:class:`RedactSecrets`)."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # At INFO httpx logs every request (its URL, redacted above): noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per plugin at start-up otherwise


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return "other"
    if update.message is not None:
        text = update.message.text or ""
        return "command" if text.startswith("/") else "message" if text else "media"
    for kind in ("callback_query", "inline_query", "edited_message", "channel_post", "my_chat_member"):
        if getattr(update, kind) is not None:
            return kind
    return "other"


class InstrumentedApplication(Application):  # type: ignore[type-arg]
    """Times every update and logs one line for it: id, kind, latency, outcome."""

    metrics: Metrics | None = None

    async def process_update(self, update: object) -> None:
        kind = update_kind(update)
        update_id = update.update_id if isinstance(update, Update) else None
        start = time.perf_counter()
        outcome = "ok"
        try:
            await super().process_update(update)
        except Exception:
            outcome = "error"
            raise
        finally:
            failed: set[int] = getattr(self.bot_data, "failed_updates", set())
            if update_id is not None and update_id in failed:
                failed.discard(update_id)
                outcome = "error"
            elapsed = time.perf_counter() - start
            if self.metrics is not None:
                self.metrics.updates.labels(kind=kind, outcome=outcome).inc()
                self.metrics.latency.labels(kind=kind).observe(elapsed)
            log.info(
                "update %s %s %.1f ms %s",
                update_id,
                kind,
                elapsed * 1000,
                outcome,
                extra={
                    "update_id": update_id,
                    "kind": kind,
                    "latency_ms": round(elapsed * 1000, 2),
                    "outcome": outcome,
                },
            )
