"""Button presses: every callback is validated; stale or forged data gets a polite line."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from handlers.commands import send_action, send_photo
from handlers.context import Context
from handlers.replies import action_from_callback, zona_picker
from knowledge import catalog as t
from knowledge.charts import zona_chart


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    action = action_from_callback(query.data)
    message = query.message
    if action is None or not isinstance(message, Message):
        await query.answer(t.STALE_BUTTON)
        return
    await query.answer()
    if action == "zonas":
        await message.reply_text(t.ZONA_PICK, reply_markup=zona_picker(), do_quote=False)
    elif action.startswith("grafico:zona:"):
        await send_zona_chart(message, context, int(action.rsplit(":", 1)[1]))
    else:
        await send_action(message, context, action)


async def send_zona_chart(message: Message, context: Context, zona: int) -> None:
    _, answerer = context.bot_data.services()
    projects = [p for p in answerer.plan.projects if p.zona == zona]
    if not projects:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    await send_photo(
        message,
        context,
        f"zona-{zona}",
        lambda: zona_chart(zona, projects),
        t.ZONA_CHART_CAPTION.format(n=zona),
    )


HANDLERS = [CallbackQueryHandler(button)]
