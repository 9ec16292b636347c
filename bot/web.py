"""``python -m bot web``: the plan explorer alone, for a bot that runs with long polling.

With a webhook the explorer is served by the webhook server itself (``bot.webhook`` mounts it
at ``/app``). A bot that polls has no server, so this process serves the same pages from the
same database: ``/app/…``, ``GET /healthz``, and ``/`` sends to ``/app/``. It reads the plan
when it starts, and the staff statuses on every page that shows them, so what the bot's staff
record shows within a second. ``TELEGRAM_TOKEN``, when set, is used once, to learn the bot's username
for the "Seguir" links (``getMe``); without it the pages show no such link.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from telegram import Bot
from telegram.error import TelegramError

from bot.http import AiohttpRequest
from bot.settings import Settings
from bot.storage import current_plan, open_storage
from bot.webhook import EXPLORER_PATH, outbox_counts
from handlers.context import BotData
from handlers.webapp.explorer import STATUS_TTL, Explorer, Sources
from knowledge.answers import Answerer

log = logging.getLogger(__name__)


def create_web_app(settings: Settings, *, status_ttl: float = STATUS_TTL) -> Starlette:
    """The explorer's ASGI app; its lifespan opens the database, loads the plan and asks
    Telegram for the bot's username (when a token is set). ``status_ttl``: see ``Explorer``."""
    sources = Sources()
    explorer = Explorer(sources, status_ttl=status_ttl)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        storage = await open_storage(settings.database_url)
        try:
            sources.answerer = Answerer(await current_plan(storage))
            sources.sessionmaker = storage.sessionmaker
            sources.bot_username = await bot_username(settings)
            gc.freeze()  # the index lives as long as the process: keep it out of GC passes
            yield
        finally:
            await storage.close()

    async def healthz(_request: Request) -> Response:
        probe = BotData(sessionmaker=sources.sessionmaker)
        counts = await outbox_counts(probe)
        database = "ok" if isinstance(counts, dict) else f"error: {counts}"
        healthy = database == "ok" and sources.answerer is not None
        status = {"status": "ok" if healthy else "unhealthy", "plan_loaded": sources.answerer is not None}
        return JSONResponse({**status, "database": database}, status_code=200 if healthy else 503)

    async def root(_request: Request) -> Response:
        return RedirectResponse(f"{EXPLORER_PATH}/", status_code=307)

    return Starlette(
        routes=[
            Route("/", root, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount(EXPLORER_PATH, app=explorer.app()),
        ],
        lifespan=lifespan,
    )


async def bot_username(settings: Settings) -> str | None:
    """The bot's username (``getMe``), or None without a token or when Telegram cannot be asked."""
    if settings.telegram_token is None:
        return None
    token = settings.telegram_token.get_secret_value()
    base_url = settings.telegram_api_base_url.rstrip("/")
    try:
        async with Bot(token, base_url=base_url, request=AiohttpRequest()) as bot:
            return bot.username
    except (TelegramError, OSError) as exc:
        log.warning("could not learn the bot's username (%s): pages show no 'Seguir' link", exc)
        return None


def run_web(settings: Settings) -> int:
    """Serve the explorer on ``WEBHOOK_LISTEN``:``WEB_PORT``, with the webhook server's limits on
    slow clients and connections."""
    import uvicorn

    from bot.webhook import server_config

    config = server_config(
        create_web_app(settings),
        host=settings.webhook_listen,
        port=settings.web_port,
        header_timeout=settings.webhook_header_timeout,
        body_timeout=settings.webhook_body_timeout,
        max_connections=settings.webhook_max_connections,
    )
    uvicorn.Server(config).run()
    return 0
