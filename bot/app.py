"""The composition root: ``build_application(settings)`` wires storage, the answering core and
the handlers; services open in ``post_init`` and close in ``post_shutdown``."""

from __future__ import annotations

import logging
import sys

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

import handlers
from bot.settings import Settings
from bot.storage import Storage, current_plan, open_storage
from handlers.context import BotData
from knowledge import catalog as t
from knowledge.answers import Answerer

log = logging.getLogger(__name__)
PlanBotApplication = Application  # type: ignore[type-arg]


def build_application(
    settings: Settings, *, request: BaseRequest | None = None, concurrent_updates: int = 8
) -> PlanBotApplication:
    """The bot, ready to start. ``request`` replaces the HTTP transport (the terminal chat uses it)."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    storage: list[Storage] = []

    async def post_init(application: PlanBotApplication) -> None:
        opened = await open_storage(settings.database_url)
        storage.append(opened)
        data: BotData = application.bot_data
        data.sessionmaker = opened.sessionmaker
        data.answerer = Answerer(await current_plan(opened))
        data.query_log_salt = settings.query_log_salt.get_secret_value()
        await application.bot.set_my_commands([BotCommand(name, text) for name, text in t.COMMANDS])

    async def post_shutdown(_application: PlanBotApplication) -> None:
        for opened in storage:
            await opened.close()

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url.rstrip("/"))
        .context_types(ContextTypes(bot_data=BotData))
        .concurrent_updates(concurrent_updates)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))  # type: ignore[arg-type]
    application = builder.build()
    handlers.register(application)
    return application


def run_polling(settings: Settings) -> int:
    if settings.telegram_token is None:
        print(
            "Falta TELEGRAM_TOKEN: créelo con @BotFather y expórtelo antes de iniciar el bot.",
            file=sys.stderr,
        )
        return 2
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0
