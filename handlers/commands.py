"""/start (with deep links), /ayuda and the plan commands."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from handlers.charts import send_chart
from handlers.context import Context
from handlers.replies import (
    answer_for_action,
    answer_question,
    follows_for,
    known_action,
    parse_action,
    send_action,
    send_answer,
    send_help,
    zona_picker,
)
from knowledge import catalog as t
from knowledge.text import find_snips, fold

DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEEP_LINK_ACTIONS = (
    (re.compile(r"zona_(\d{1,2})"), "zona:{}"),
    (re.compile(r"p_(\d{6})"), "proyecto:{}"),
    (re.compile(r"tema_([a-z0-9-]{1,40})"), "tema:{}"),
)


def action_for_payload(payload: str) -> str | None:
    """``zona_6`` → ``zona:6``, ``p_242177`` → ``proyecto:242177``, ``tema_seguro`` → ``tema:seguro``."""
    if not DEEP_LINK.fullmatch(payload):
        return None
    for pattern, template in DEEP_LINK_ACTIONS:
        found = pattern.fullmatch(payload)
        if found:
            action = template.format(found.group(1))
            return action if parse_action(action) else None
    return None


def welcome_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(t.BTN_MY_ZONA, callback_data="a|zonas"),
            InlineKeyboardButton(t.BTN_PROJECTS, callback_data="a|lista:projects"),
        ],
        [
            InlineKeyboardButton(t.BTN_TEMATICAS, callback_data="a|lista:tematicas"),
            InlineKeyboardButton(t.BTN_FUNDING, callback_data="a|lista:funding"),
        ],
        [
            InlineKeyboardButton(t.BTN_TARGETS, callback_data="a|lista:targets"),
            InlineKeyboardButton(t.BTN_HELP, callback_data="a|ayuda"),
        ],
    ]
    return InlineKeyboardMarkup(rows)


async def start(update: Update, context: Context) -> None:
    """The welcome; a deep link's answer instead, or "no longer available" above the welcome when
    the link names something the plan does not have."""
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args else ""
    if payload:
        _, answerer = context.bot_data.services()
        action = action_for_payload(payload)
        known = action is not None and known_action(action, answerer.plan)
        answer = answer_for_action(answerer, action) if action and known else None
        if answer is not None:
            await send_answer(message, answer, followed=await follows_for(context, message, answer))
            return
    welcome = t.WELCOME.format(plan=t.PLAN_NAME)
    text = f"{t.STALE_BUTTON}\n\n{welcome}" if payload else welcome
    await message.reply_text(text, reply_markup=welcome_keyboard(), do_quote=False)


def show(action: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """A command that always shows the same answer (/proyectos, /temas, /plan)."""

    async def command(update: Update, context: Context) -> None:
        if update.effective_message:
            await send_action(update.effective_message, context, action)

    return command


async def help_command(update: Update, context: Context) -> None:
    if update.effective_message:
        await send_help(update.effective_message, context, update.effective_user)


async def zona(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.args:
        await message.reply_text(t.ZONA_PICK, reply_markup=zona_picker(), do_quote=False)
        return
    await answer_question(message, context, "zona " + " ".join(context.args))


async def project(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.args:
        await message.reply_text(t.PROJECT_ASK, do_quote=False)
        return
    text = " ".join(context.args)
    snips = find_snips(fold(text))
    await answer_question(message, context, f"proyecto {snips[0]}" if snips else text)


async def targets(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if context.args:
        await answer_question(message, context, "metas " + " ".join(context.args))
    else:
        await send_action(message, context, "lista:targets")


async def funding(update: Update, context: Context) -> None:
    """The funding chart (uploaded once, then re-sent by file_id) and the figures as text."""
    message = update.effective_message
    if message is None:
        return
    await send_chart(message, context, "funding", t.FUNDING_CHART_CAPTION)
    await send_action(message, context, "lista:funding")


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler(["ayuda", "help"], help_command),
    CommandHandler("zona", zona),
    CommandHandler("proyecto", project),
    CommandHandler("proyectos", show("lista:projects")),
    CommandHandler(["temas", "tematicas"], show("lista:tematicas")),
    CommandHandler("metas", targets),
    CommandHandler("financiamiento", funding),
    CommandHandler("plan", show("plan")),
]
