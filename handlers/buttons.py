"""Button presses: every callback is validated; stale or forged data gets a polite line, and
staff buttons check the role again on every press."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update, User
from telegram.ext import CallbackQueryHandler

from handlers import follow, reports, staff
from handlers.answering import send_action, send_help
from handlers.charts import send_chart
from handlers.context import Context
from handlers.my_zona import choose_my_zona, send_my_zona, send_zona_picker
from knowledge import catalog as t
from knowledge.actions import Action, ActionError

STAFF_VERBS = frozenset({"estado", "enviar", "cancelar", "aplicar", "descartar", "revisar"})


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    _, answerer = context.bot_data.services()
    action = read_action(query.data)
    message = query.message
    if (
        action is None
        or not action.known_in(answerer.plan)
        or not isinstance(message, Message)
        or query.from_user is None
    ):
        await query.answer(t.STALE_BUTTON)
        return
    if action.verb in STAFF_VERBS:
        await staff_button(query, message, context, action)
    elif action.verb == "fb":
        query_id, useful = action.args
        await query.answer(await follow.feedback(message, context, int(query_id), useful == "1"))
    elif action.verb == "olvidar":
        choice, asker = action.args
        await follow.forget_pressed(query, message, context, choice, asker)
    else:
        await query.answer()
        await resident_button(message, query.from_user, context, action)


def read_action(data: str | None) -> Action | None:
    """The action in a button's callback data, or None when it is not one this bot issues."""
    try:
        return Action.parse(data) if data else None
    except ActionError:
        return None


async def resident_button(message: Message, user: User, context: Context, action: Action) -> None:
    verb, args = action.verb, action.args
    if verb == "zonas" and not args:
        await send_my_zona(message, context)
    elif verb == "zonas":
        await send_zona_picker(message)
    elif verb == "mizona":
        await choose_my_zona(message, context, int(args[0]))
    elif verb == "grafico":
        await send_zona_chart(message, context, int(args[1]))
    elif verb == "seguir":
        kind, key = args
        await follow.follow(message, context, kind, key)
    elif verb == "dejar":
        kind, key = args
        await follow.unfollow(message, context, kind, key)
    elif verb == "reportar":
        await reports.start_report(message, user, context, args[0])
    elif verb == "reporte":
        step, pending_id = args
        await reports.report_button(message, user, context, step, int(pending_id))
    elif verb == "ayuda":
        await send_help(message, context, user)
    else:
        await send_action(message, context, action)


async def staff_button(query: CallbackQuery, message: Message, context: Context, action: Action) -> None:
    verb, args = action.verb, action.args
    user_id = query.from_user.id
    if await staff.role_of(context, user_id) is None:
        await query.answer(t.STAFF_ONLY)
        return
    await query.answer()
    if verb == "estado":
        snip, status = args
        await staff.status_button(message, context, query.from_user, snip, status)
    elif verb in ("enviar", "cancelar"):
        await staff.confirm_announcement(message, context, user_id, int(args[0]), send=verb == "enviar")
    elif verb in ("aplicar", "descartar"):
        await staff.confirm_csv(message, context, query.from_user, int(args[0]), apply=verb == "aplicar")
    elif verb == "revisar":
        await staff.review_report(message, context, user_id, int(args[0]))


async def send_zona_chart(message: Message, context: Context, zona: int) -> None:
    _, answerer = context.bot_data.services()
    projects = [p for p in answerer.plan.projects if p.zona == zona]
    if not projects:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    await send_chart(message, context, f"zona-{zona}", t.ZONA_CHART_CAPTION.format(n=zona))


HANDLERS = [CallbackQueryHandler(button)]
