"""The one error handler: log with the update id and tell the person something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from handlers.context import Context
from knowledge import catalog as t

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if update_id is not None:
        context.bot_data.failed_updates.add(update_id)
    if context.bot_data.error_observer is not None and context.error is not None:
        context.bot_data.error_observer(type(context.error).__name__)
    if not isinstance(update, Update) or update.effective_chat is None or update.inline_query:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, t.ERROR)
    except Forbidden:
        log.info("chat %s blocked the bot; no error message sent", update.effective_chat.id)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id, exc_info=True)
