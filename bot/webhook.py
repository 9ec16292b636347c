"""``python -m bot webhook``: an ASGI app (Starlette) in front of the same Application.

``POST /telegram`` checks Telegram's secret header before reading anything, bounds the body,
drops redelivered update ids (shared across instances through the database) and hands the
update to the Application's queue, answering 200 at once. ``GET /healthz`` and ``GET /metrics``
are for the load balancer and Prometheus; /healthz says "degraded" (still 200: answers go out)
while the buffered per-chat writes fail. SIGTERM (uvicorn) stops taking requests, lets the
Application finish the queued updates, and releases the outbox leases.

The server (:func:`server_config`) does not wait for slow clients: a request's head must arrive
within ``header_timeout`` and its body within ``body_timeout``, or the connection is closed; and
at most ``max_connections`` are open at once — one more closes the oldest connection still
sending its head (a slow client, or one idle between requests), or itself when none is. So a
flood of connections that never finish their headers neither runs the process out of file
descriptors nor keeps Telegram and the health check out.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import h11
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from telegram import Update
from telegram.ext import Application
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.metrics import Metrics
from db.bot_store import claim_update
from db.outbox_store import PENDING, delivery_status_counts
from handlers.context import BotData
from handlers.webapp.console import Console, ConsoleSources
from handlers.webapp.explorer import Explorer, Sources

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000
MAX_DEPTH = 32
"""Nesting of a request body's JSON, at most: Telegram's updates nest about ten levels deep."""
MAX_UPDATE_ID = 2**63 - 1  # the largest the database's update id column holds
ACCEPT_FAILED = "socket.accept() out of system resource"
"""asyncio's message when accept() fails for lack of file descriptors (EMFILE) or memory."""
REPORT_EVERY = 60.0  # seconds between two log lines about the same recurring server trouble
DATABASE_PROBE_TIMEOUT = 3.0  # seconds /healthz and /metrics wait for the database
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"
EXPLORER_PATH = "/app"
"""Where the Mini App is served, beside the webhook: the residents' plan explorer, and the staff
console at ``/app/consola/`` with its API at ``/app/api/``."""


def create_webhook_app(
    application: Application,  # type: ignore[type-arg]
    *,
    secret: str,
    metrics: Metrics,
    webhook_url: str | None,
    init_data_max_age: float = 3600.0,
) -> Starlette:
    """The ASGI app; its lifespan starts and stops ``application`` (and registers the webhook).
    The Mini App (``handlers.webapp``: the plan explorer and the staff console) is mounted at
    ``/app`` and uses the same answerer, staff service and database; the console accepts
    Telegram's initData up to ``init_data_max_age`` seconds old (WEBAPP_AUTH_MAX_AGE)."""
    sources = Sources()
    explorer = Explorer(sources)
    console_sources = ConsoleSources(max_age=init_data_max_age)
    console = Console(explorer, console_sources)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        throttle_accept_errors(asyncio.get_running_loop())
        async with application:
            if application.post_init:
                await application.post_init(application)
            await application.start()
            data: BotData = application.bot_data
            sources.answerer, sources.sessionmaker = data.answerer, data.sessionmaker
            data.plan_listeners.append(lambda answerer: setattr(sources, "answerer", answerer))
            sources.bot_username = application.bot.username
            console_sources.staff, console_sources.bot_token = data.staff, application.bot.token
            console_sources.bot = application.bot
            console_sources.editions = data.editions
            if webhook_url:
                await application.bot.set_webhook(
                    webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES, max_connections=40
                )
            try:
                yield
            finally:
                await application.stop()
                if application.post_shutdown:
                    await application.post_shutdown(application)

    async def telegram(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await read_bounded(request)
        except ClientDisconnect:  # it went away, or sent its body slower than the body time-out
            return PlainTextResponse("incomplete body", status_code=400)
        if body is None:
            return PlainTextResponse("body too large", status_code=400)
        update = parse_update(body, application)
        if update is None:
            return PlainTextResponse("malformed update", status_code=400)
        data_store: BotData = application.bot_data
        sessionmaker = data_store.sessions()
        async with sessionmaker() as session:
            first_time = await claim_update(session=session, update_id=update.update_id)
            await session.commit()
        if first_time:
            await application.update_queue.put(update)
        return PlainTextResponse("ok")

    async def healthz(_request: Request) -> Response:
        data_store: BotData = application.bot_data
        status: dict[str, Any] = {"plan_loaded": data_store.answerer is not None}
        counts = await outbox_counts(data_store)
        if isinstance(counts, dict):
            status["outbox_pending"] = counts.get(PENDING, 0)
            status["database"] = "ok"
        else:
            status["database"] = f"error: {counts}"
        failed_flushes = data_store.chat_state.failed_flushes if data_store.chat_state is not None else 0
        status["chat_state"] = f"error: {failed_flushes} failed writes in a row" if failed_flushes else "ok"
        healthy = status["database"] == "ok" and status["plan_loaded"]
        overall = ("ok" if not failed_flushes else "degraded") if healthy else "unhealthy"
        return JSONResponse({"status": overall, **status}, status_code=200 if healthy else 503)

    async def metrics_endpoint(_request: Request) -> Response:
        """Always answers: while the database is away, ``bot_database_up`` is 0 and the outbox
        gauges keep their last values; what this process counts itself is still reported."""
        data_store: BotData = application.bot_data
        counts = await outbox_counts(data_store)
        stats = data_store.outbox_stats() if data_store.outbox_stats is not None else None
        state = data_store.chat_state.stats() if data_store.chat_state is not None else None
        body = metrics.render(counts if isinstance(counts, dict) else None, stats, state)
        return Response(body, media_type="text/plain; version=0.0.4")

    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, telegram, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Mount(EXPLORER_PATH, app=explorer.app(beside=console.routes())),
        ],
        lifespan=lifespan,
    )


async def outbox_counts(data_store: BotData) -> dict[str, int] | str:
    """Outbox deliveries by status, or why the database could not say (the error's type name).

    Bounded by DATABASE_PROBE_TIMEOUT, so that a database that stopped answering (rather than
    refusing) cannot hold the health check or the metrics.
    """
    if data_store.sessionmaker is None:
        return "not started"
    try:
        async with asyncio.timeout(DATABASE_PROBE_TIMEOUT), data_store.sessionmaker() as session:
            return await delivery_status_counts(session=session)
    except Exception as exc:  # whatever the database or its driver raised: the probe's answer
        return type(exc).__name__


def parse_update(body: bytes, application: Application) -> Update | None:  # type: ignore[type-arg]
    """The Update in a request body, or None when the body is not one (not JSON, nested deeper
    than MAX_DEPTH, no update id between 0 and MAX_UPDATE_ID)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return None
    if not isinstance(data, dict) or nested_deeper_than(data, MAX_DEPTH):
        return None
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id <= MAX_UPDATE_ID:
        return None
    try:
        return Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether JSON data nests lists and objects more than ``limit`` levels (without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


async def read_bounded(request: Request) -> bytes | None:
    """The request body, or None when it is larger than MAX_BODY (checked while reading)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class Throttled:
    """A log line for something that recurs, written at most once every ``interval`` seconds
    with how many times it happened since the last line."""

    def __init__(
        self, logger: logging.Logger, level: int, message: str, *, interval: float = REPORT_EVERY
    ) -> None:
        self._logger = logger
        self._level = level
        self._message = message
        self._interval = interval
        self._count = 0
        self._next = 0.0

    def __call__(self, detail: object) -> None:
        self._count += 1
        now = time.monotonic()
        if now < self._next:
            return
        self._logger.log(
            self._level, "%s: %s (count since the last report: %d)", self._message, detail, self._count
        )
        self._count = 0
        self._next = now + self._interval


def throttle_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Make the loop report failed accept() calls (no file descriptor left) in one line a minute.

    asyncio reports each failure with a traceback, once per connection waiting in the listen
    backlog (up to 2,048) every second: 259 MB of "Too many open files" in 35 s. Everything else
    still goes to the handler that was there.
    """
    previous = loop.get_exception_handler()
    report = Throttled(log, logging.ERROR, "cannot accept connections")

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == ACCEPT_FAILED:
            report(context.get("exception"))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)


@dataclass
class ConnectionGuard:
    """The limits of one server, and the connections it holds: all open ones, and those still
    sending a request head (or idle between requests), oldest first."""

    header_timeout: float
    body_timeout: float
    max_connections: int
    open: set[GuardedH11Protocol] = field(default_factory=set)
    waiting: dict[GuardedH11Protocol, None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.report_full = Throttled(log, logging.WARNING, f"more than {self.max_connections} connections")

    def admit(self, connection: GuardedH11Protocol) -> None:
        """Count a new connection; over the limit, close the oldest waiting one (or this one)."""
        self.open.add(connection)
        if len(self.open) <= self.max_connections:
            return
        oldest = next(iter(self.waiting), connection)
        self.report_full(
            "refused a new one, all were busy" if oldest is connection else "closed the oldest idle one"
        )
        self.forget(oldest)
        oldest.drop()

    def forget(self, connection: GuardedH11Protocol) -> None:
        self.open.discard(connection)
        self.waiting.pop(connection, None)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with the time-outs and the connection limit of ``guard``.

    What a connection waits for is h11's state of the client: IDLE (its request head, or the
    next request), SEND_BODY (the body); each has its deadline, which more bytes do not extend.
    """

    guard: ClassVar[ConnectionGuard]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_for: object = None  # the h11 state the deadline is for
        self.guard.admit(self)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_deadline(None)
        self.guard.forget(self)
        super().connection_lost(exc)

    def drop(self) -> None:
        """Close the connection now, whatever it was doing."""
        self._set_deadline(None)
        if not self.transport.is_closing():
            self.transport.close()

    def _watch(self) -> None:
        state = self.conn.their_state
        if state is self._waiting_for or self.transport.is_closing():
            return
        self._waiting_for = state
        if state is h11.IDLE:
            self.guard.waiting[self] = None
            self._set_deadline(self.guard.header_timeout)
            return
        self.guard.waiting.pop(self, None)
        self._set_deadline(self.guard.body_timeout if state is h11.SEND_BODY else None)

    def _set_deadline(self, seconds: float | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None if seconds is None else self.loop.call_later(seconds, self._time_out)

    def _time_out(self) -> None:
        self._deadline = None
        self.guard.forget(self)
        self.drop()


def guarded_protocol(guard: ConnectionGuard) -> type[GuardedH11Protocol]:
    """A protocol class bound to ``guard`` (uvicorn builds one instance per connection)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})


def server_config(
    app: Starlette,
    *,
    host: str,
    port: int,
    header_timeout: float,
    body_timeout: float,
    max_connections: int,
) -> uvicorn.Config:
    """uvicorn's configuration for the webhook app, slow clients and floods bounded as above.

    The listen backlog is ``max_connections`` too: asyncio accepts up to a backlog's worth of
    connections in one go before any of them is looked at, so this bounds the file descriptors
    a burst takes to twice the limit.
    """
    guard = ConnectionGuard(header_timeout, body_timeout, max_connections)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(guard),
        backlog=max_connections,
        log_config=None,
        timeout_graceful_shutdown=30,
    )
