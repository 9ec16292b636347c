"""Logs (text or JSON, one line per update), Prometheus metrics, and the Application subclass
that times every update."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from telegram import Update
from telegram.ext import Application

log = logging.getLogger("bot.updates")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
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


class Metrics:
    """The process's Prometheus metrics, in their own registry (nothing global)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "bot_updates_total",
            "Updates handled, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bot_update_latency_seconds",
            "Time to handle one update",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "bot_answers_total",
            "Answers to questions, by whether the plan covered them",
            ["confident"],
            registry=self.registry,
        )
        self.unanswered_ratio = Gauge(
            "bot_unanswered_ratio", "Share of questions the plan did not answer", registry=self.registry
        )
        self.outbox = Gauge(
            "bot_outbox_deliveries", "Outbox deliveries by status", ["status"], registry=self.registry
        )
        self.send_errors = Counter(
            "bot_send_errors_total", "Errors answering updates, by kind", ["kind"], registry=self.registry
        )
        self.worker = Gauge(
            "bot_outbox_worker_events",
            "This instance's outbox worker: deliveries by outcome, rate_limited and lease_lost events; "
            "window, in_window and most_in_window (deliveries a crash would send again)",
            ["event"],
            registry=self.registry,
        )
        self.chat_state = Gauge(
            "bot_chat_state",
            "Buffered per-chat writes: waiting, questions dropped, failed flushes in a row, rows rejected",
            ["measure"],
            registry=self.registry,
        )
        self.database_up = Gauge(
            "bot_database_up",
            "1 when the last look at the database (for /metrics) succeeded, 0 when it failed",
            registry=self.registry,
        )
        self._answered = 0
        self._unconfident = 0

    def observe_answer(self, confident: bool) -> None:
        self.answers.labels(confident=str(confident).lower()).inc()
        self._answered += 1
        self._unconfident += 0 if confident else 1
        self.unanswered_ratio.set(self._unconfident / self._answered)

    def observe_send_error(self, kind: str) -> None:
        self.send_errors.labels(kind=kind).inc()

    def render(
        self,
        outbox_counts: dict[str, int] | None,
        worker_stats: dict[str, int] | None = None,
        chat_state: dict[str, int] | None = None,
    ) -> bytes:
        """The exposition text; ``outbox_counts`` None: the database could not be read."""
        self.database_up.set(0 if outbox_counts is None else 1)
        for status, count in (outbox_counts or {}).items():
            self.outbox.labels(status=status).set(count)
        for event, count in (worker_stats or {}).items():
            self.worker.labels(event=event).set(count)
        for measure, value in (chat_state or {}).items():
            self.chat_state.labels(measure=measure).set(value)
        return generate_latest(self.registry)


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
