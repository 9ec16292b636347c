"""/start (with deep links), /ayuda and the plan commands."""

from __future__ import annotations

from telegram import Message
from telegram.ext import CommandHandler

from handlers.answering import answer_of_plan, follows_for, send_action, send_answer, send_help
from handlers.charts import send_chart
from handlers.context import Context, UpdateHandler, on_message
from handlers.keyboards import welcome_keyboard, zona_picker
from handlers.questions import answer_question
from knowledge import catalog as t
from knowledge.actions import Action, ActionError
from knowledge.answers import Answer, Answerer
from knowledge.text import clean_text, find_snips, fold


def user_args(context: Context) -> list[str]:
    """A command's arguments, cleaned as every text a person sends (``clean_text``)."""
    return [clean_text(arg) for arg in context.args or []]


def deep_link_answer(answerer: Answerer, payload: str) -> Answer | None:
    """The answer a ``/start`` payload opens (``zona_6``, ``p_242177``, ``tema_seguro``); None when
    it is no deep link of ours or names something the plan does not have."""
    try:
        action = Action.from_deep_link(payload)
    except ActionError:
        return None
    return answer_of_plan(answerer, action) if action.known_in(answerer.plan) else None


@on_message
async def start(message: Message, context: Context) -> None:
    """The welcome; a deep link's answer instead, or "no longer available" above the welcome when
    the link names something the plan does not have."""
    payload = context.args[0] if context.args else ""
    if payload:
        answer = deep_link_answer(context.answerer, payload)
        if answer is not None:
            followed = await follows_for(context, message, answer)
            await send_answer(message, answer, followed=followed, webapp_url=context.webapp_url)
            return
    said = context.answerer.texts
    welcome = said.WELCOME.format(plan=said.PLAN_NAME)
    text = f"{t.STALE_BUTTON}\n\n{welcome}" if payload else welcome
    markup = welcome_keyboard(said, context.webapp_url, private=message.chat.type == "private")
    await message.reply_text(text, reply_markup=markup, do_quote=False)


def show(action: Action) -> UpdateHandler:
    """A command that always shows the same answer (/proyectos, /temas, /plan)."""

    async def command(message: Message, context: Context) -> None:
        await send_action(message, context, action)

    return on_message(command)


@on_message
async def help_command(message: Message, context: Context) -> None:
    await send_help(message, context, message.from_user)


@on_message
async def zona(message: Message, context: Context) -> None:
    if not context.args:
        picker = zona_picker(context.answerer.plan.edition.zonas)
        await message.reply_text(context.answerer.texts.ZONA_PICK, reply_markup=picker, do_quote=False)
        return
    await answer_question(message, context, "zona " + " ".join(context.args))


@on_message
async def project(message: Message, context: Context) -> None:
    if not context.args:
        await message.reply_text(t.PROJECT_ASK, do_quote=False)
        return
    text = " ".join(context.args)
    snips = find_snips(fold(text))
    await answer_question(message, context, f"proyecto {snips[0]}" if snips else text)


@on_message
async def targets(message: Message, context: Context) -> None:
    if context.args:
        await answer_question(message, context, "metas " + " ".join(context.args))
    else:
        await send_action(message, context, Action.of("lista", "targets"))


@on_message
async def funding(message: Message, context: Context) -> None:
    """The funding chart (uploaded once, then re-sent by file_id) and the figures as text."""
    await send_chart(message, context, "funding", context.answerer.texts.FUNDING_CHART_CAPTION)
    await send_action(message, context, Action.of("lista", "funding"))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler(["ayuda", "help"], help_command),
    CommandHandler("zona", zona),
    CommandHandler("proyecto", project),
    CommandHandler("proyectos", show(Action.of("lista", "projects"))),
    CommandHandler(["temas", "tematicas"], show(Action.of("lista", "tematicas"))),
    CommandHandler("metas", targets),
    CommandHandler("financiamiento", funding),
    CommandHandler("plan", show(Action.of("plan"))),
]
