"""``python -m bot webhook``: an ASGI app (Starlette) in front of the same Application.

``POST /telegram`` checks Telegram's secret header before reading anything, bounds the body,
drops redelivered update ids (shared across instances through the database) and hands the
update to the Application's queue, answering 200 at once. ``GET /healthz`` and ``GET /metrics``
are for the load balancer and Prometheus. SIGTERM (uvicorn) stops taking requests, lets the
Application finish the queued updates, and releases the outbox leases.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.observability import Metrics
from db.chat_store import claim_update
from db.outbox_store import PENDING
from db.staff_store import delivery_status_counts
from handlers.context import BotData

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000
DATABASE_PROBE_TIMEOUT = 3.0  # seconds /healthz and /metrics wait for the database
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram"


def create_webhook_app(
    application: Application,  # type: ignore[type-arg]
    *,
    secret: str,
    metrics: Metrics,
    webhook_url: str | None,
) -> Starlette:
    """The ASGI app; its lifespan starts and stops ``application`` (and registers the webhook)."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with application:
            if application.post_init:
                await application.post_init(application)
            await application.start()
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
        body = await read_bounded(request)
        if body is None:
            return PlainTextResponse("body too large", status_code=400)
        update = parse_update(body, application)
        if update is None:
            return PlainTextResponse("malformed update", status_code=400)
        data_store: BotData = application.bot_data
        sessionmaker, _ = data_store.services()
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
        healthy = status["database"] == "ok" and status["plan_loaded"]
        return JSONResponse(
            {"status": "ok" if healthy else "unhealthy", **status}, status_code=200 if healthy else 503
        )

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
    """The Update in a request body, or None when the body is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("update_id"), int)
        or isinstance(data["update_id"], bool)
    ):
        return None
    try:
        return Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


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
