"""Button presses: the callback data is read as an :class:`~knowledge.actions.Action` (stale or
forged data gets a polite line) and its verb's entry in :data:`ROUTES` handles it; staff verbs
check the role again on every press."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Message, Update, User
from telegram.ext import CallbackQueryHandler

from handlers import editions, follow, reports, staff
from handlers.answering import send_action, send_help
from handlers.charts import send_chart
from handlers.context import Context
from handlers.my_zona import choose_my_zona, send_my_zona, send_zona_picker
from knowledge import catalog as t
from knowledge.actions import Action, ActionError


@dataclass(frozen=True, slots=True)
class Press:
    """A press of a button whose action is well formed and names only what the plan has."""

    query: CallbackQuery
    message: Message
    user: User
    context: Context
    action: Action

    @property
    def args(self) -> tuple[str, ...]:
        return self.action.args


ButtonHandler = Callable[[Press], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Route:
    """What a verb's press does. ``staff``: only staff may press it (checked on every press).
    ``answers_press``: the handler answers the callback itself, with a line of its own; otherwise
    the press is answered (the spinner stops) before the handler runs."""

    handle: ButtonHandler
    staff: bool = False
    answers_press: bool = False


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    action = read_action(query.data)
    message = query.message
    if (
        action is None
        or not action.known_in(context.answerer.plan)
        or not isinstance(message, Message)
        or query.from_user is None
    ):
        await query.answer(t.STALE_BUTTON)
        return
    route = ROUTES[action.verb]
    if route.staff and await context.role() is None:
        await query.answer(t.STAFF_ONLY)
        return
    if not route.answers_press:
        await query.answer()
    await route.handle(Press(query, message, query.from_user, context, action))


def read_action(data: str | None) -> Action | None:
    """The action in a button's callback data, or None when it is not one this bot issues."""
    try:
        return Action.parse(data) if data else None
    except ActionError:
        return None


# Residents ---------------------------------------------------------------------------------------
async def show_answer(press: Press) -> None:
    """zona, proyecto, tema, metas, lista, plan: the answer of the plan the button stands for."""
    await send_action(press.message, press.context, press.action)


async def help_pressed(press: Press) -> None:
    await send_help(press.message, press.context, press.user)


async def my_zona_pressed(press: Press) -> None:
    """``zonas``: the chat's zona (or the picker); ``zonas:cambiar``: the picker."""
    if press.args:
        await send_zona_picker(press.message, press.context)
    else:
        await send_my_zona(press.message, press.context)


async def zona_chosen(press: Press) -> None:
    await choose_my_zona(press.message, press.context, int(press.args[0]))


async def chart_pressed(press: Press) -> None:
    """``grafico:zona:<n>``: the zona's chart, when the plan has projects there."""
    message, context = press.message, press.context
    zona = int(press.args[1])
    if not any(p.zona == zona for p in context.answerer.plan.projects):
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    caption = context.answerer.texts.ZONA_CHART_CAPTION.format(n=zona)
    await send_chart(message, context, f"zona-{zona}", caption)


async def follow_pressed(press: Press) -> None:
    kind, key = press.args
    await follow.follow(press.message, press.context, kind, key)


async def unfollow_pressed(press: Press) -> None:
    kind, key = press.args
    await follow.unfollow(press.message, press.context, kind, key)


async def report_pressed(press: Press) -> None:
    await reports.start_report(press.message, press.user, press.context, press.args[0])


async def report_step_pressed(press: Press) -> None:
    step, pending_id = press.args
    await reports.report_button(press.message, press.user, press.context, step, int(pending_id))


async def feedback_pressed(press: Press) -> None:
    query_id, useful = press.args
    await press.query.answer(
        await follow.feedback(press.message, press.context, int(query_id), useful == "1")
    )


async def forget_pressed(press: Press) -> None:
    choice, asker = press.args
    await follow.forget_pressed(press.query, press.message, press.context, choice, asker)


# Staff -------------------------------------------------------------------------------------------
async def status_pressed(press: Press) -> None:
    snip, status = press.args
    await staff.status_button(press.message, press.context, press.user, snip, status)


async def announcement_pressed(press: Press) -> None:
    send = press.action.verb == "enviar"
    await staff.confirm_announcement(
        press.message, press.context, press.user.id, int(press.args[0]), send=send
    )


async def csv_pressed(press: Press) -> None:
    apply = press.action.verb == "aplicar"
    await staff.confirm_csv(press.message, press.context, press.user, int(press.args[0]), apply=apply)


async def load_pressed(press: Press) -> None:
    load = press.action.verb == "cargar"
    await editions.confirm_load(press.message, press.context, press.user.id, int(press.args[0]), load=load)


async def review_pressed(press: Press) -> None:
    await staff.review_report(press.message, press.context, press.user.id, int(press.args[0]))


ROUTES: dict[str, Route] = {
    **dict.fromkeys(("zona", "proyecto", "tema", "metas", "lista", "plan", "cambios"), Route(show_answer)),
    "ayuda": Route(help_pressed),
    "zonas": Route(my_zona_pressed),
    "mizona": Route(zona_chosen),
    "grafico": Route(chart_pressed),
    "seguir": Route(follow_pressed),
    "dejar": Route(unfollow_pressed),
    "reportar": Route(report_pressed),
    "reporte": Route(report_step_pressed),
    "fb": Route(feedback_pressed, answers_press=True),
    "olvidar": Route(forget_pressed, answers_press=True),
    "estado": Route(status_pressed, staff=True),
    "enviar": Route(announcement_pressed, staff=True),
    "cancelar": Route(announcement_pressed, staff=True),
    "aplicar": Route(csv_pressed, staff=True),
    "descartar": Route(csv_pressed, staff=True),
    "revisar": Route(review_pressed, staff=True),
    "cargar": Route(load_pressed, staff=True),
    "nocargar": Route(load_pressed, staff=True),
}
"""Every verb of the protocol (``knowledge.actions.VERBS``; a test checks both name the same
verbs) and what its press does."""

HANDLERS = [CallbackQueryHandler(button)]
