"""From an Answer to Telegram messages, and the answer each action stands for (a button, a deep
link, a command that always shows the same thing)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, Message, User
from telegram.constants import ParseMode

from db.staff_cache import StaffCache
from handlers.context import Context
from handlers.keyboards import card_follow_ups, card_subject, explorer_row, keyboard, project_snip
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.answers import Answer, Answerer
from knowledge.diff_answer import PAGE_ACTION
from knowledge.editions import PlanEditions
from knowledge.render import to_html
from knowledge.staff import staff_help, with_status


async def send_answer(
    message: Message,
    answer: Answer,
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
    *,
    followed: frozenset[tuple[str, str]] = frozenset(),
    webapp_url: str | None = None,
) -> list[Message]:
    """Send the answer as one or more HTML messages; buttons go under the last one. ``followed``:
    what the chat follows (its card offers to stop following it); ``webapp_url``: the plan
    explorer's address, whose page of a zona or project the answer's "Ver el plan" opens."""
    chunks = to_html(answer)
    web_row = explorer_row(webapp_url, answer, private=message.chat.type == "private")
    markup = keyboard(card_follow_ups(answer, followed), [web_row, *extra_rows])
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


async def follows_for(
    context: Context, message: Message, answer: Answer, *, session: AsyncSession | None = None
) -> frozenset[tuple[str, str]]:
    """What the chat follows, read only for a card that can be followed."""
    if card_subject(answer) is None:
        return frozenset()
    return await context.staff_cache.follows(message.chat_id, session=session)


async def with_staff_status(
    staff: StaffCache, answer: Answer, *, session: AsyncSession | None = None
) -> Answer:
    """A project card also shows what staff recorded (first, when that is what was asked)."""
    snip = project_snip(answer)
    if answer.kind != "project" or snip is None:
        return answer
    return with_status(answer, await staff.status(snip, session=session))


async def send_action(message: Message, context: Context, action: Action) -> None:
    """Send the answer a button, deep link or command stands for."""
    answer = answer_for_action(context.plan_editions, action)
    if answer is None:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    answer = await with_staff_status(context.staff_cache, answer)
    followed = await follows_for(context, message, answer)
    await send_answer(message, answer, followed=followed, webapp_url=context.webapp_url)


AnswerFor = Callable[[Answerer, tuple[str, ...]], Answer | None]

WHOLE_LISTS: dict[str, Callable[[Answerer], Answer]] = {
    "projects": lambda answerer: answerer.projects_answer(),
    "funding": lambda answerer: answerer.funding_answer(),
    "tematicas": lambda answerer: answerer.tematicas_answer(),
    "targets": lambda answerer: answerer.targets_answer(),
}


def list_answer(answerer: Answerer, args: tuple[str, ...]) -> Answer | None:
    """``projects`` … (a whole list), or a page of a long list: ``<list_id>:<page>`` or
    ``<list_id>:<filter>:<page>`` (None when the answerer has no such list, filter or page)."""
    list_id, *rest = args
    if not rest:
        return WHOLE_LISTS[list_id](answerer)
    *filter_key, page = rest
    return answerer.list_page(list_id, filter_key[0] if filter_key else None, int(page))


ANSWERS: dict[str, AnswerFor] = {
    "zona": lambda answerer, args: answerer.zona_answer(int(args[0])),
    "proyecto": lambda answerer, args: answerer.project_answer(args[0]),
    "tema": lambda answerer, args: answerer.tematica_answer(args[0]),
    "metas": lambda answerer, args: answerer.targets_answer(args[0]),
    "lista": list_answer,
    "plan": lambda answerer, _args: answerer.plan_answer(),
    "ayuda": lambda answerer, _args: answerer.help_answer(),
}
"""The verbs that stand for an answer of the plan, and how the answerer gives it."""


def answer_for_action(editions: PlanEditions, action: Action) -> Answer | None:
    """The answer a button, deep link or command stands for; None when it names nothing."""
    if action.verb == PAGE_ACTION:
        return editions.changes_page(action.args)
    return answer_of_plan(editions.current, action)


def answer_of_plan(answerer: Answerer, action: Action) -> Answer | None:
    """The current edition's answer an action stands for (deep links and inline results open
    records of it); None when it names nothing."""
    answer_for = ANSWERS.get(action.verb)
    return answer_for(answerer, action.args) if answer_for is not None else None


async def send_help(message: Message, context: Context, user: User | None) -> None:
    """/ayuda and the Ayuda button: staff, in their private chat, get their own help."""
    answer = context.answerer.help_answer()
    if await context.staff.sees_staff_view(user.id if user else None, message.chat.type):
        answer = staff_help(answer)
    await send_answer(message, answer)
