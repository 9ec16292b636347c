""" "Mi zona": the zona a chat chose as its own, shown with a button to change it."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message

from handlers.answering import follows_for, send_answer
from handlers.context import Context
from handlers.keyboards import change_zona_row, zona_picker
from knowledge import catalog as t


async def send_my_zona(message: Message, context: Context) -> None:
    """The "Mi zona" button: the chat's zona, with a button to change it; the picker when the
    chat has not chosen one yet."""
    zona = await context.chat_state.zona(message.chat_id)
    if zona is None:
        await send_zona_picker(message, context)
        return
    answer = context.answerer.zona_answer(zona)
    followed = await follows_for(context, message, answer)
    await send_answer(message, answer, [change_zona_row()], followed=followed, webapp_url=context.webapp_url)


async def send_zona_picker(message: Message, context: Context) -> None:
    """Which zona is the chat's own (after "Mi zona", or "Cambiar de zona")."""
    picker = zona_picker(context.answerer.plan.edition.zonas, "mizona")
    await message.reply_text(t.MY_ZONA_PICK, reply_markup=picker, do_quote=False)


async def choose_my_zona(message: Message, context: Context, zona: int) -> None:
    """A zona picked after "Mi zona" (or after "mi zona" in a question): remembered, then shown."""
    await context.chat_state.choose_zona(message.chat_id, zona)
    answer = context.answerer.zona_answer(zona)
    answer = replace(answer, lines=(t.MY_ZONA_SAVED.format(n=zona), *answer.lines))
    followed = await follows_for(context, message, answer)
    await send_answer(message, answer, [change_zona_row()], followed=followed, webapp_url=context.webapp_url)
