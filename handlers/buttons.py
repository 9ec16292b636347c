"""Button presses: every callback is validated; stale or forged data gets a polite line, and
staff buttons check the role again on every press."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update, User
from telegram.ext import CallbackQueryHandler

from handlers import follow, reports, staff
from handlers.charts import send_chart
from handlers.context import Context
from handlers.replies import (
    action_from_callback,
    choose_my_zona,
    known_action,
    send_action,
    send_help,
    send_my_zona,
    zona_picker,
)
from knowledge import catalog as t

STAFF_VERBS = frozenset({"estado", "enviar", "cancelar", "aplicar", "descartar", "revisar"})


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    _, answerer = context.bot_data.services()
    action = action_from_callback(query.data)
    message = query.message
    if (
        action is None
        or not known_action(action, answerer.plan)
        or not isinstance(message, Message)
        or query.from_user is None
    ):
        await query.answer(t.STALE_BUTTON)
        return
    verb, _, arg = action.partition(":")
    if verb in STAFF_VERBS:
        await staff_button(query, message, context, verb, arg)
    elif verb == "fb":
        query_id, useful = arg.split(":")
        await query.answer(await follow.feedback(message, context, int(query_id), useful == "1"))
    elif verb == "olvidar":
        await follow.forget_pressed(query, message, context, arg)
    else:
        await query.answer()
        await resident_button(message, query.from_user, context, action)


async def resident_button(message: Message, user: User, context: Context, action: str) -> None:
    verb, _, arg = action.partition(":")
    if action == "zonas":
        await send_my_zona(message, context)
    elif action == "zonas:cambiar":
        await message.reply_text(t.MY_ZONA_PICK, reply_markup=zona_picker("mizona"), do_quote=False)
    elif verb == "mizona":
        await choose_my_zona(message, context, int(arg))
    elif verb == "grafico":
        await send_zona_chart(message, context, int(arg.rsplit(":", 1)[1]))
    elif verb == "seguir":
        kind, key = arg.split(":")
        await follow.follow(message, context, kind, key)
    elif verb == "dejar":
        kind, key = arg.split(":")
        await follow.unfollow(message, context, kind, key)
    elif verb == "reportar":
        await reports.start_report(message, user, context, arg)
    elif verb == "reporte":
        step, pending_id = arg.split(":")
        await reports.report_button(message, user, context, step, int(pending_id))
    elif action == "ayuda":
        await send_help(message, context, user)
    else:
        await send_action(message, context, action)


async def staff_button(query: CallbackQuery, message: Message, context: Context, verb: str, arg: str) -> None:
    user_id = query.from_user.id
    if await staff.role_of(context, user_id) is None:
        await query.answer(t.STAFF_ONLY)
        return
    await query.answer()
    if verb == "estado":
        snip, status = arg.split(":")
        await staff.status_button(message, context, query.from_user, snip, status)
    elif verb in ("enviar", "cancelar"):
        await staff.confirm_announcement(message, context, user_id, int(arg), send=verb == "enviar")
    elif verb in ("aplicar", "descartar"):
        await staff.confirm_csv(message, context, query.from_user, int(arg), apply=verb == "aplicar")
    elif verb == "revisar":
        await staff.review_report(message, context, user_id, int(arg))


async def send_zona_chart(message: Message, context: Context, zona: int) -> None:
    _, answerer = context.bot_data.services()
    projects = [p for p in answerer.plan.projects if p.zona == zona]
    if not projects:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    await send_chart(message, context, f"zona-{zona}", t.ZONA_CHART_CAPTION.format(n=zona))


HANDLERS = [CallbackQueryHandler(button)]
