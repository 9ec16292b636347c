"""``python -m bot web``: the Mini App alone (the plan explorer and the staff console), for a bot
that runs with long polling.

With a webhook the Mini App is served by the webhook server itself (``bot.webhook`` mounts it
at ``/app``). A bot that polls has no server, so this process serves the same pages from the
same database: ``/app/…``, ``GET /healthz``, and ``/`` sends to ``/app/``. It reads the plan
when it starts, and the staff statuses on every page that shows them, so what the bot's staff
record shows within a second; an edition loaded elsewhere (the bot's chat, ``python -m bot
load``) it follows within PLAN_CHECK_INTERVAL (``bot.editions``), as the bot follows one loaded
in this process's console. ``TELEGRAM_TOKEN``, when set, is used to learn the bot's username
for the "Seguir" links (``getMe``), to check the initData of the staff console's calls
(``ADMIN_IDS`` and the staff table say who is staff) and to set or reset the staff's commands and
menu button when an administrator changes the team there; without it the pages show no such link and
the console answers that it is off. What the console records (statuses, announcements, an
edition loaded) goes to the database, where the polling bot's outbox worker sends its notices and
deliveries, its cards see the statuses within a second (``db.staff_cache``), and it answers from
the edition within PLAN_CHECK_INTERVAL. The bot's command menus are set then, by the bot: this
process sets none on an edition switch, neither its console's nor one it follows (it has a Bot
API client only for the team's changes, and the menus are the bot's to set once for all, see
``handlers.edition_service``).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from telegram import Bot
from telegram.error import TelegramError

from bot.app import console_url
from bot.editions import Following, editions_of, read_editions
from bot.http import AiohttpRequest
from bot.settings import Settings
from bot.storage import open_storage
from bot.webhook import EXPLORER_PATH, outbox_counts
from db.chat_state import ChatState
from db.staff_cache import StaffCache
from handlers.context import BotData
from handlers.staff_service import Staff
from handlers.webapp.console import Console, ConsoleSources
from handlers.webapp.explorer import STATUS_TTL, Explorer, Sources
from knowledge.answers import Answerer

log = logging.getLogger(__name__)


def create_web_app(settings: Settings, *, status_ttl: float = STATUS_TTL) -> Starlette:
    """The explorer's ASGI app; its lifespan opens the database, loads the plan, asks Telegram
    for the bot's username (when a token is set) and follows the editions loaded elsewhere.
    ``status_ttl``: see ``Explorer``."""
    sources = Sources()
    data = BotData()
    """What this process answers with: the editions, the staff service and their loading."""
    explorer = Explorer(sources, status_ttl=status_ttl)
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    console_sources = ConsoleSources(bot_token=token, max_age=settings.webapp_auth_max_age)
    console = Console(explorer, console_sources)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        storage = await open_storage(settings.database_url)
        following: Following | None = None
        try:
            revision, editions = await read_editions(storage, settings.plan_zonas)
            data.sessionmaker = storage.sessionmaker
            data.answerer, data.plan_editions = editions.current, editions
            data.staff = web_staff(settings, storage.sessionmaker, editions.current)
            data.editions = editions_of(storage, settings, data, revision=revision)
            data.plan_listeners.append(lambda answerer: setattr(sources, "answerer", answerer))
            sources.answerer, sources.sessionmaker = editions.current, storage.sessionmaker
            console_sources.bot = await console_bot(settings)
            sources.bot_username = bot_username_of(console_sources.bot)
            console_sources.staff, console_sources.editions = data.staff, data.editions
            gc.freeze()  # the index lives as long as the process: keep it out of GC passes
            following = Following(data.editions, settings.plan_check_interval)
            yield
        finally:
            if following is not None:
                await following.stop()
            if console_sources.bot is not None:
                await console_sources.bot.shutdown()
            await storage.close()

    async def healthz(_request: Request) -> Response:
        counts = await outbox_counts(data)
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
            Mount(EXPLORER_PATH, app=explorer.app(beside=console.routes())),
        ],
        lifespan=lifespan,
    )


def web_staff(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], answerer: Answerer
) -> Staff:
    """The staff service of this process, which shares the database with the bot: it remembers
    nothing (``exclusive=False``), logs no questions of its own, and leaves the deliveries it
    queues to the bot's outbox worker (which looks for them every BROADCAST_IDLE_POLL)."""
    return Staff(
        sessionmaker,
        answerer,
        StaffCache(sessionmaker, exclusive=False),
        ChatState(sessionmaker, exclusive=False),
        admin_ids=settings.admin_ids,
        notify_window=timedelta(minutes=settings.notify_window_minutes),
        console_url=console_url(settings.webapp_url),
    )


async def console_bot(settings: Settings) -> Bot | None:
    """The Bot API client of this process (None without a token): it learns the bot's username
    (``getMe``), and sets or resets a staff member's commands and menu button when the console's
    team changes. When Telegram cannot be asked at the start, it is kept all the same (the
    team's changes ask again), without a username."""
    if settings.telegram_token is None:
        return None
    token = settings.telegram_token.get_secret_value()
    bot = Bot(token, base_url=settings.telegram_api_base_url.rstrip("/"), request=AiohttpRequest())
    try:
        await bot.initialize()
    except (TelegramError, OSError) as exc:
        log.warning("could not learn the bot's username (%s): pages show no 'Seguir' link", exc)
    return bot


def bot_username_of(bot: Bot | None) -> str | None:
    """The username ``getMe`` gave, or None when it was not asked or did not answer."""
    try:
        return bot.username if bot is not None else None
    except RuntimeError:  # not initialized: Telegram did not answer getMe
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
