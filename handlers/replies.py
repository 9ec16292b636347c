"""From an Answer to Telegram messages: HTML chunks, follow-up buttons, the query log."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from db.chat_store import get_chat_context, log_query, save_chat_context
from handlers.context import Context
from knowledge import catalog as t
from knowledge.answers import Answer, Answerer, FollowUp
from knowledge.followup import context_after, resolve
from knowledge.render import to_html

CALLBACK_MAX_BYTES = 64
ACTION = re.compile(
    r"^(?:zona:(?:[1-9]|1[01])|proyecto:\d{6}|tema:[a-z0-9-]{1,40}|metas:[a-z0-9-]{1,40}|"
    r"lista:(?:projects|funding|tematicas|targets)|zonas|plan|ayuda|grafico:zona:(?:[1-9]|1[01]))$"
)
"""Every action a button may carry. Anything else in callback data is stale or forged."""
BUTTONS_PER_ROW = 2


def callback_for(action: str) -> str | None:
    data = f"a|{action}"
    return data if ACTION.match(action) and len(data.encode()) <= CALLBACK_MAX_BYTES else None


def action_from_callback(data: str | None) -> str | None:
    """The action in a button's callback data, or None when it is not one we issue."""
    if not data or len(data.encode()) > CALLBACK_MAX_BYTES or not data.startswith("a|"):
        return None
    action = data[2:]
    return action if ACTION.match(action) else None


def keyboard(follow_ups: Sequence[FollowUp]) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(f.label[:60], callback_data=data)
        for f in follow_ups
        if (data := callback_for(f.action)) is not None
    ]
    if not buttons:
        return None
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def zona_picker() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(str(n), callback_data=f"a|zona:{n}") for n in range(1, 12)]
    return InlineKeyboardMarkup([buttons[0:4], buttons[4:8], buttons[8:11]])


def with_chart(answer: Answer) -> tuple[FollowUp, ...]:
    """A zona with projects also offers its chart."""
    if answer.kind == "zona" and answer.zona and answer.matches:
        return (*answer.follow_ups, FollowUp(t.BTN_CHART, f"grafico:zona:{answer.zona}"))
    return answer.follow_ups


async def send_answer(message: Message, answer: Answer) -> list[Message]:
    """Send the answer as one or more HTML messages; buttons go under the last one."""
    chunks = to_html(answer)
    markup = keyboard(with_chart(answer))
    sent = []
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        sent.append(
            await message.reply_text(
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                do_quote=False,
                disable_web_page_preview=True,
            )
        )
    return sent


def chat_hash(chat_id: int, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{chat_id}".encode()).hexdigest()


async def answer_question(message: Message, context: Context, text: str) -> None:
    """A free-text question: resolve follow-ups from the chat's context, answer, log, reply."""
    sessionmaker, answerer = context.bot_data.services()
    chat_id = message.chat_id
    async with sessionmaker() as session:
        previous = await get_chat_context(session=session, chat_id=chat_id)
        question = resolve(text, previous)
        answer = answerer.answer(question)
        await record(session, context, chat_id, question, answer)
        await session.commit()
    await send_answer(message, answer)


async def record(
    session: AsyncSession, context: Context, chat_id: int, question: str, answer: Answer
) -> None:
    """Log the question (chat hashed) and keep the chat's context for follow-ups."""
    snip = next((m.id.split(":", 1)[1] for m in answer.matches[:1] if m.kind == "project"), None)
    await log_query(
        session=session,
        chat_hash=chat_hash(chat_id, context.bot_data.query_log_salt),
        question=question,
        answer_kind=answer.kind,
        confident=answer.confident,
        zona=answer.zona,
        matches=[m.id for m in answer.matches],
    )
    if answer.confident:
        await save_chat_context(
            session=session, chat_id=chat_id, context=context_after(question, answer.zona, snip)
        )


def answer_for_action(answerer: Answerer, action: str) -> Answer | None:
    """The answer a button, deep link or command stands for; None when it names nothing."""
    verb, _, arg = action.partition(":")
    if verb == "zona":
        return answerer.zona_answer(int(arg))
    if verb == "proyecto":
        return answerer.project_answer(arg)
    if verb == "tema":
        return answerer.tematica_answer(arg)
    if verb == "metas":
        return answerer.targets_answer(arg)
    if verb == "lista":
        return {
            "projects": answerer.projects_answer,
            "funding": answerer.funding_answer,
            "tematicas": answerer.tematicas_answer,
            "targets": answerer.targets_answer,
        }[arg]()
    if verb == "plan":
        return answerer.plan_answer()
    if verb == "ayuda":
        return answerer.help_answer()
    return None
