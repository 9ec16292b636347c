"""``python -m bot webhook``: an ASGI app (Starlette) in front of the same Application.

``POST /telegram`` checks Telegram's secret header before reading anything, bounds the body,
drops redelivered update ids (shared across instances through the database) and hands the
update to the Application's queue, answering 200 at once. ``GET /healthz`` and ``GET /metrics``
are for the load balancer and Prometheus; /healthz says "degraded" (still 200: answers go out)
while the buffered per-chat writes fail. SIGTERM (uvicorn) stops taking requests, lets the
Application finish the queued updates, and releases the outbox leases.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.observability import Metrics
from db.chat_store import claim_update
from db.outbox_store import outbox_depth
from db.staff_store import delivery_status_counts
from handlers.context import BotData

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000
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
        try:
            sessionmaker, _ = data_store.services()
            async with sessionmaker() as session:
                await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
                status["outbox_pending"] = await outbox_depth(session=session)
            status["database"] = "ok"
        except Exception as exc:
            status["database"] = f"error: {type(exc).__name__}"
        failed_flushes = data_store.chat_state.failed_flushes if data_store.chat_state is not None else 0
        status["chat_state"] = f"error: {failed_flushes} failed writes in a row" if failed_flushes else "ok"
        healthy = status["database"] == "ok" and status["plan_loaded"]
        overall = ("ok" if not failed_flushes else "degraded") if healthy else "unhealthy"
        return JSONResponse({"status": overall, **status}, status_code=200 if healthy else 503)

    async def metrics_endpoint(_request: Request) -> Response:
        data_store: BotData = application.bot_data
        counts: dict[str, int] = {}
        if data_store.sessionmaker is not None:
            async with data_store.sessionmaker() as session:
                counts = await delivery_status_counts(session=session)
        stats = data_store.outbox_stats() if data_store.outbox_stats is not None else None
        state = data_store.chat_state.stats() if data_store.chat_state is not None else None
        return Response(metrics.render(counts, stats, state), media_type="text/plain; version=0.0.4")

    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, telegram, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


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
