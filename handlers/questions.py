"""A free-text question: completed from the chat's context, answered, logged (the chat hashed),
with the staff's view of a project card."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message

from db.chat_state import ChatState
from db.chat_store import chat_hash
from db.staff_store import ground_reports
from handlers.answering import follows_for, send_answer, with_staff_status
from handlers.context import Context
from handlers.keyboards import feedback_row, project_snip, status_rows, zona_picker
from knowledge import catalog as t
from knowledge.answer_types import shorten
from knowledge.answers import Answer
from knowledge.followup import context_after, names_my_zona, resolve, subject_test, with_my_zona
from knowledge.staff import format_date
from knowledge.text import clean_text, find_zonas, fold


async def answer_question(message: Message, context: Context, text: str) -> None:
    """A free-text question: resolve follow-ups from the chat's context, answer, log, reply.

    What must be read (the chat's context, a project's status, the role) comes
    from ``ChatState`` / ``StaffCache``, which read the database only for what this process does
    not know; the context, the recipient and the query log are written by ``ChatState`` in
    batches."""
    text = clean_text(text)
    state = context.chat_state
    answered = None
    followed: frozenset[tuple[str, str]] = frozenset()
    # One session for whatever must be read; it takes a connection only if something is read
    # (with long polling, usually nothing is) and is closed before anything is sent.
    async with context.session() as session:
        asked = await with_own_zona(state, message.chat_id, text, session=session)
        if asked is not None:
            answered = await answer_from_plan(session, context, message, asked)
            followed = await follows_for(context, message, answered[1], session=session)
        if session.in_transaction():
            await session.commit()
    if answered is None:  # "mi zona" in a chat that has not said which zona is its own
        picker = zona_picker(context.answerer.plan.edition.zonas, "mizona")
        await message.reply_text(t.MY_ZONA_ASK, reply_markup=picker, do_quote=False)
        return
    question, answer, staff_view = answered
    query_id = await record(state, context, message, question, answer)
    if context.bot_data.answer_observer is not None:
        context.bot_data.answer_observer(answer.confident)
    rows = [feedback_row(query_id)]
    snip = project_snip(answer)
    if staff_view and snip:
        rows.extend(status_rows(snip))
    extra = rows if answer.confident else ()
    await send_answer(message, answer, extra, followed=followed, webapp_url=context.webapp_url)


async def answer_from_plan(
    session: AsyncSession, context: Context, message: Message, text: str
) -> tuple[str, Answer, bool]:
    """The question (follow-ups completed from the chat's context), its answer with what staff
    recorded, and whether a staff member is looking at a project card."""
    editions = context.plan_editions
    chat_context = await context.chat_state.context(message.chat_id, session=session)
    question = resolve(text, chat_context, names_subject=subject_test(context.answerer.answer))
    if editions.needs_building(question):  # an older edition's index: built off the event loop
        await asyncio.to_thread(editions.prepare, question)
    answer = await with_staff_status(context.staff_cache, editions.answer(question), session=session)
    # staff see status buttons under a project card, in their private chat only
    sender = message.from_user.id if message.from_user else None
    staff_view = answer.kind == "project" and await context.staff.sees_staff_view(
        sender, message.chat.type, session=session
    )
    if staff_view:
        answer = await with_ground_reports(session, answer)
    return question, answer, staff_view


async def with_own_zona(
    state: ChatState, chat_id: int, text: str, *, session: AsyncSession | None = None
) -> str | None:
    """The question with "mi zona" / "mi colonia" read as the chat's own zona; None when the
    question needs it and the chat has not chosen one."""
    if not names_my_zona(text):
        return text
    zona = await state.zona(chat_id, session=session)
    return None if zona is None else with_my_zona(text, zona)


async def with_ground_reports(session: AsyncSession, answer: Answer) -> Answer:
    """The staff view of a project card: residents' reports not yet reviewed, beside the status."""
    snip = project_snip(answer)
    if snip is None:
        return answer
    reports = await ground_reports(session=session, snip=snip, unreviewed=True, limit=5)
    lines = tuple(
        t.REPORT_GROUND_LINE.format(
            id=r.id, snip=r.snip, date=format_date(r.created_at), text=shorten(r.text, 200)
        )
        for r in reports
    )
    return replace(answer, sections=(*answer.sections, (t.REPORT_GROUND, lines or (t.REPORT_NOTHING,))))


async def record(state: ChatState, context: Context, message: Message, question: str, answer: Answer) -> int:
    """Log the question (chat hashed), remember the chat, keep its context for follow-ups;
    returns the question's id (its feedback buttons carry it)."""
    chat_id = message.chat_id
    query_id = await state.log_question(
        chat_hash=chat_hash(chat_id, context.bot_data.query_log_salt),
        question=question,
        answer_kind=answer.kind,
        confident=answer.confident,
        zona=answer.zona if answer.zona is not None else next(iter(_zonas_named(question)), None),
        matches=[m.id for m in answer.matches],
    )
    state.seen(chat_id, is_group=message.chat.type != "private")
    if answer.confident:
        snip = project_snip(answer) if answer.kind == "project" else None  # a zona's list names none
        state.remember(chat_id, context_after(question, answer.zona, snip))
    return query_id


def _zonas_named(question: str) -> list[int]:
    return [z.number for z in find_zonas(fold(question))]
