"""The composition root: ``build_application(settings)`` wires storage, the answering core and
the handlers; services open in ``post_init`` and ``post_shutdown`` closes them in the reverse
order (one AsyncExitStack)."""

from __future__ import annotations

import asyncio
import gc
import logging
import subprocess
import sys
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, ExtBot
from telegram.request import BaseRequest

import handlers
from bot.editions import Following, editions_of, read_editions
from bot.http import AiohttpRequest
from bot.observability import InstrumentedApplication
from bot.ordering import ChatOrderedProcessor
from bot.outbox_runner import start_outbox
from bot.schema import finish_migration
from bot.settings import Settings, file_base_url
from bot.storage import Storage, open_storage, query_log_salt
from db.bot_store import prune_processed_updates
from db.chat_state import ChatState
from db.chat_store import prune_query_log
from db.staff_cache import StaffCache
from handlers.context import BotData, Context, filled
from handlers.staff_service import Staff
from handlers.webapp import CONSOLE_PATH
from knowledge import catalog as t

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
PlanBotApplication: TypeAlias = Application[
    ExtBot[None], Context, dict[object, object], dict[object, object], BotData, None
]
"""The bot's application: typed BotData, no job queue."""
HOUSEKEEPING_EVERY = 6 * 3600.0


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    concurrent_updates: int = 64,
    run_outbox: bool = True,
    metrics: Metrics | None = None,
    webhook: bool = False,
) -> PlanBotApplication:
    """The bot, ready to start. ``request`` replaces the HTTP transport (the terminal chat uses it);
    ``run_outbox`` starts the delivery worker for broadcasts and notifications in this process;
    ``webhook`` builds it without an Updater (updates arrive through ``bot.webhook``)."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    resources = AsyncExitStack()
    """What post_init opens, closed by post_shutdown in the reverse order."""
    base_url = settings.telegram_api_base_url.rstrip("/")

    async def post_init(application: PlanBotApplication) -> None:
        opened = await open_storage(settings.database_url)
        resources.push_async_callback(opened.close)
        data: BotData = application.bot_data
        data.sessionmaker = opened.sessionmaker
        revision, editions = await read_editions(opened, settings.plan_zonas)
        data.answerer, data.plan_editions = editions.current, editions
        # Long polling: this process is Telegram's only consumer, so it may trust what it knows.
        state = ChatState(opened.sessionmaker, exclusive=not webhook)
        await state.start()
        resources.push_async_callback(state.close)
        data.chat_state = state
        data.staff_cache = StaffCache(opened.sessionmaker, exclusive=not webhook)
        configured_salt = settings.query_log_salt.get_secret_value() if settings.query_log_salt else None
        data.query_log_salt = await query_log_salt(opened, configured_salt)
        data.staff = Staff(
            opened.sessionmaker,
            data.answerer,
            data.staff_cache,
            state,
            admin_ids=settings.admin_ids,
            notify_window=timedelta(minutes=settings.notify_window_minutes),
            wake_outbox=data.wake_outbox,
            console_url=console_url(settings.webapp_url),
        )
        data.editions = editions_of(
            opened, settings, data, revision=revision, menus=lambda: plan_menus(application.bot, data)
        )
        data.report_mode = timedelta(minutes=settings.report_mode_minutes)
        data.webapp_url = settings.webapp_url
        if metrics is not None:
            data.answer_observer = metrics.observe_answer
            data.error_observer = metrics.observe_send_error
        gc.freeze()  # the index is built and lives as long as the process: keep it out of GC passes
        await plan_menus(application.bot, data)
        if run_outbox:
            worker = await resources.enter_async_context(
                start_outbox(settings, opened.sessionmaker, request=request)
            )
            data.outbox_wakeup = worker.notify
            data.outbox_stats = worker.report
        chore = asyncio.create_task(housekeeping(opened, settings.query_log_days), name="housekeeping")
        resources.callback(chore.cancel)
        following = Following(data.editions, settings.plan_check_interval)
        resources.push_async_callback(following.stop)

    async def post_shutdown(_application: PlanBotApplication) -> None:
        await resources.aclose()

    builder = (
        ApplicationBuilder()
        .application_class(InstrumentedApplication)
        .token(token)
        .base_url(base_url)
        .base_file_url(file_base_url(settings.telegram_api_base_url))
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .concurrent_updates(ChatOrderedProcessor(concurrent_updates))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Replies are not throttled globally (the outbox paces broadcasts itself); the limiter keeps
        # groups under 20 messages a minute and retries once Telegram answers 429 RetryAfter.
        limiter = AIORateLimiter(overall_max_rate=0, max_retries=2)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
        # Bot API calls over aiohttp (see bot/http.py); long polling gets its own connection.
        builder = builder.request(AiohttpRequest())
        builder = builder.get_updates_request(AiohttpRequest(connection_pool_size=1))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    assert isinstance(application, InstrumentedApplication)
    application.metrics = metrics
    handlers.register(application)
    return application


async def plan_menus(bot: Bot, data: BotData) -> None:
    """The command menus, whose texts name the current plan's year: everyone's, and the staff's.
    Every process that owns the bot sets them at its start (ADMIN_IDS and WEBAPP_URL, which they
    depend on, are read then and may have changed with it); on an edition switch one of them
    does, for all (``Editions._set_menus``)."""
    commands = filled(data.answerer).texts.COMMANDS
    await bot.set_my_commands([BotCommand(name, text) for name, text in commands])
    await filled(data.staff).set_menus(bot)


def console_url(webapp_url: str | None) -> str | None:
    """The staff console's public address, under the explorer's (WEBAPP_URL ends in "/")."""
    return f"{webapp_url}{CONSOLE_PATH}" if webapp_url else None


async def housekeeping(storage: Storage, query_log_days: int) -> None:
    """Retention, now and every few hours: questions older than QUERY_LOG_DAYS, update ids older
    than two days (Telegram stops redelivering long before)."""
    while True:
        try:
            async with storage.sessionmaker() as session:
                questions = await prune_query_log(session=session, keep_days=query_log_days)
                updates = await prune_processed_updates(session=session)
                await session.commit()
            log.info("housekeeping: %d old questions and %d old update ids deleted", questions, updates)
        except SQLAlchemyError:
            log.warning("housekeeping failed; will try again", exc_info=True)
        await asyncio.sleep(HOUSEKEEPING_EVERY)


def run_polling(settings: Settings, migration: subprocess.Popen[bytes]) -> int:
    """Long polling; ``migration`` is the schema migration the caller started (bot.schema) once
    it checked the settings this mode needs (``missing_setting``)."""
    application = build_application(settings)
    if not schema_ready(migration):
        return 1
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0


def run_webhook(settings: Settings, migration: subprocess.Popen[bytes]) -> int:
    """Serve updates over HTTPS webhooks (behind a load balancer); see bot.webhook."""
    import uvicorn

    from bot.metrics import Metrics
    from bot.webhook import create_webhook_app, server_config

    if settings.webhook_secret is None:
        raise ValueError("run_webhook needs WEBHOOK_SECRET (see missing_setting)")
    metrics = Metrics()
    application = build_application(settings, metrics=metrics, webhook=True)
    app = create_webhook_app(
        application,
        secret=settings.webhook_secret.get_secret_value(),
        metrics=metrics,
        webhook_url=settings.webhook_url,
        init_data_max_age=settings.webapp_auth_max_age,
    )
    if not schema_ready(migration):
        return 1
    config = server_config(
        app,
        host=settings.webhook_listen,
        port=settings.webhook_port,
        header_timeout=settings.webhook_header_timeout,
        body_timeout=settings.webhook_body_timeout,
        max_connections=settings.webhook_max_connections,
    )
    uvicorn.Server(config).run()
    return 0


def schema_ready(migration: subprocess.Popen[bytes]) -> bool:
    if finish_migration(migration):
        return True
    print(t.DATABASE_NOT_READY, file=sys.stderr)
    return False
