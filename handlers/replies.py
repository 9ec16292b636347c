"""From an Answer to Telegram messages: HTML chunks, buttons, the query log, staff status."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from functools import lru_cache

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from db.chat_state import ChatState
from db.chat_store import chat_hash
from db.staff_cache import StaffCache
from db.staff_store import (
    add_ground_report,
    close_pending,
    ground_reports,
    open_pending,
)
from handlers.context import Context
from knowledge import catalog as t
from knowledge.answers import Answer, Answerer, FollowUp
from knowledge.followup import context_after, names_my_zona, resolve, subject_test, with_my_zona
from knowledge.render import to_html
from knowledge.staff import format_date, with_status
from knowledge.text import find_zonas, fold

CALLBACK_MAX_BYTES = 64
ZONA = r"(?:[1-9]|1[01])"
SNIP = r"\d{6}"
LIST_PAGE = r"lista:[a-z_]{1,24}(?::[a-z0-9-]{1,24})?:[1-9]\d?"
"""A page of a long list: ``lista:<list_id>:<page>`` or ``lista:<list_id>:<filter>:<page>``."""
ACTION = re.compile(
    rf"(?:zona:{ZONA}|proyecto:{SNIP}|tema:[a-z0-9-]{{1,40}}|metas:[a-z0-9-]{{1,40}}|"
    rf"lista:(?:projects|funding|tematicas|targets)|{LIST_PAGE}|"
    rf"zonas|zonas:cambiar|mizona:{ZONA}|plan|ayuda|grafico:zona:{ZONA}|"
    rf"seguir:(?:zona:{ZONA}|proyecto:{SNIP})|reportar:{SNIP}|fb:\d{{1,12}}:[01]|olvidar:(?:si|no)|"
    rf"estado:{SNIP}:(?:planificado|en_ejecucion|suspendido|finalizado)|"
    rf"(?:enviar|cancelar|aplicar|descartar|revisar):\d{{1,12}})"
)
"""Every action a button may carry (always matched whole, with ``fullmatch``). Anything else in
callback data is stale or forged."""
BUTTONS_PER_ROW = 2
REPORT_WINDOW = timedelta(minutes=30)
"""How long after "📣 Reportar avance" the next message counts as the report."""


def callback_for(action: str) -> str | None:
    data = f"a|{action}"
    return data if ACTION.fullmatch(action) and len(data.encode()) <= CALLBACK_MAX_BYTES else None


def action_from_callback(data: str | None) -> str | None:
    """The action in a button's callback data, or None when it is not one we issue."""
    if not data or len(data.encode()) > CALLBACK_MAX_BYTES or not data.startswith("a|"):
        return None
    action = data[2:]
    return action if ACTION.fullmatch(action) else None


def button(label: str, action: str) -> InlineKeyboardButton:
    data = callback_for(action)
    if data is None:
        raise ValueError(f"not a valid button action: {action!r}")
    return InlineKeyboardButton(label[:60], callback_data=data)


def keyboard(
    follow_ups: Sequence[FollowUp], extra_rows: Sequence[Sequence[InlineKeyboardButton]] = ()
) -> InlineKeyboardMarkup | None:
    rows = [*follow_up_rows(tuple(follow_ups)), *(tuple(row) for row in extra_rows if row)]
    return InlineKeyboardMarkup(rows) if rows else None


@lru_cache(maxsize=4096)
def follow_up_rows(follow_ups: tuple[FollowUp, ...]) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    """Follow-up buttons, two a row; built once per set of follow-ups (PTB's buttons are
    immutable, so one answer's keyboard can be shared by every reply that shows it)."""
    buttons = [button(f.label, f.action) for f in follow_ups if callback_for(f.action) is not None]
    return tuple(tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW))


def zona_picker(verb: str = "zona") -> InlineKeyboardMarkup:
    """Zonas 1 to 11; ``verb`` "mizona" makes the pick the chat's own zona."""
    buttons = [button(str(n), f"{verb}:{n}") for n in range(1, 12)]
    return InlineKeyboardMarkup([buttons[0:4], buttons[4:8], buttons[8:11]])


def extra_follow_ups(answer: Answer) -> tuple[FollowUp, ...]:
    """Buttons every zona or project answer offers: its chart, following it, reporting on it."""
    extra: list[FollowUp] = []
    if answer.kind == "zona" and answer.zona:
        if answer.matches:
            extra.append(FollowUp(t.BTN_CHART, f"grafico:zona:{answer.zona}"))
        extra.append(FollowUp(t.BTN_FOLLOW, f"seguir:zona:{answer.zona}"))
    snip = project_snip(answer)
    if answer.kind == "project" and snip:
        extra.append(FollowUp(t.BTN_FOLLOW, f"seguir:proyecto:{snip}"))
        extra.append(FollowUp(t.BTN_REPORT, f"reportar:{snip}"))
    return (*answer.follow_ups, *extra)


def project_snip(answer: Answer) -> str | None:
    return next((m.id.split(":", 1)[1] for m in answer.matches[:1] if m.kind == "project"), None)


async def send_answer(
    message: Message, answer: Answer, extra_rows: Sequence[Sequence[InlineKeyboardButton]] = ()
) -> list[Message]:
    """Send the answer as one or more HTML messages; buttons go under the last one."""
    chunks = to_html(answer)
    markup = keyboard(extra_follow_ups(answer), extra_rows)
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


async def with_staff_status(
    staff: StaffCache, answer: Answer, *, session: AsyncSession | None = None
) -> Answer:
    """A project card also shows what staff recorded (first, when that is what was asked)."""
    snip = project_snip(answer)
    if answer.kind != "project" or snip is None:
        return answer
    return with_status(answer, await staff.status(snip, session=session))


async def answer_question(message: Message, context: Context, text: str) -> None:
    """A free-text question: resolve follow-ups from the chat's context, answer, log, reply.

    What must be read (a report request, the chat's context, a project's status, the role) comes
    from ``ChatState`` / ``StaffCache``, which read the database only for what this process does
    not know; the context, the recipient and the query log are written by ``ChatState`` in
    batches."""
    sessionmaker, _ = context.bot_data.services()
    state = context.bot_data.state()
    answered = None
    # One session for whatever must be read; it takes a connection only if something is read
    # (with long polling, usually nothing is) and is closed before anything is sent.
    async with sessionmaker() as session:
        report_snip = await take_ground_report(session, message, state)
        asked = None if report_snip else await with_own_zona(state, message.chat_id, text, session=session)
        if asked is not None:
            answered = await answer_from_plan(session, context, message, asked)
        if session.in_transaction():
            await session.commit()
    if report_snip is not None:
        await message.reply_text(t.REPORT_SAVED.format(snip=report_snip), do_quote=False)
        return
    if answered is None:  # "mi zona" in a chat that has not said which zona is its own
        await message.reply_text(t.MY_ZONA_ASK, reply_markup=zona_picker("mizona"), do_quote=False)
        return
    question, answer, staff_view = answered
    query_id = await record(state, context, message, question, answer)
    if context.bot_data.answer_observer is not None:
        context.bot_data.answer_observer(answer.confident)
    rows = [[button(t.BTN_USEFUL, f"fb:{query_id}:1"), button(t.BTN_NOT_USEFUL, f"fb:{query_id}:0")]]
    snip = project_snip(answer)
    if staff_view and snip:
        rows.extend(status_rows(snip))
    await send_answer(message, answer, rows if answer.confident else ())


async def answer_from_plan(
    session: AsyncSession, context: Context, message: Message, text: str
) -> tuple[str, Answer, bool]:
    """The question (follow-ups completed from the chat's context), its answer with what staff
    recorded, and whether a staff member is looking at a project card."""
    _, answerer = context.bot_data.services()
    staff = context.bot_data.staff()
    chat_context = await context.bot_data.state().context(message.chat_id, session=session)
    question = resolve(text, chat_context, names_subject=subject_test(answerer.answer))
    answer = await with_staff_status(staff, answerer.answer(question), session=session)
    staff_view = await is_staff_viewing_project(context, message, answer, session=session)
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


async def send_my_zona(message: Message, context: Context) -> None:
    """The "Mi zona" button: the chat's zona, with a button to change it; the picker when the
    chat has not chosen one yet."""
    zona = await context.bot_data.state().zona(message.chat_id)
    if zona is None:
        await message.reply_text(t.MY_ZONA_PICK, reply_markup=zona_picker("mizona"), do_quote=False)
        return
    _, answerer = context.bot_data.services()
    await send_answer(message, answerer.zona_answer(zona), [[button(t.BTN_CHANGE_ZONA, "zonas:cambiar")]])


async def choose_my_zona(message: Message, context: Context, zona: int) -> None:
    """A zona picked after "Mi zona" (or after "mi zona" in a question): remembered, then shown."""
    await context.bot_data.state().choose_zona(message.chat_id, zona)
    _, answerer = context.bot_data.services()
    answer = answerer.zona_answer(zona)
    answer = replace(answer, lines=(t.MY_ZONA_SAVED.format(n=zona), *answer.lines))
    await send_answer(message, answer, [[button(t.BTN_CHANGE_ZONA, "zonas:cambiar")]])


async def with_ground_reports(session: AsyncSession, answer: Answer) -> Answer:
    """The staff view of a project card: residents' reports not yet reviewed, beside the status."""
    snip = project_snip(answer)
    if snip is None:
        return answer
    reports = await ground_reports(session=session, snip=snip, unreviewed=True, limit=5)
    lines = tuple(
        t.REPORT_GROUND_LINE.format(id=r.id, snip=r.snip, date=format_date(r.created_at), text=r.text[:200])
        for r in reports
    )
    return replace(answer, sections=(*answer.sections, (t.REPORT_GROUND, lines or (t.REPORT_NOTHING,))))


async def take_ground_report(session: AsyncSession, message: Message, state: ChatState) -> str | None:
    """When this person was asked for a ground report in this chat ("📣 Reportar avance"), the
    message is that report: store it and return the project's SNIP; else None."""
    user = message.from_user
    if user is None or not state.may_have_report_request(user.id):
        return None
    pending = await open_pending(
        session=session, kind="ground_report", created_by=user.id, max_age=REPORT_WINDOW
    )
    if pending is None or pending.payload.get("chat_id") != message.chat_id:
        state.note_report_request(user.id, open_=pending is not None)
        return None
    state.note_report_request(user.id, open_=False)
    snip = str(pending.payload["snip"])
    photo = message.photo[-1].file_id if message.photo else None
    await add_ground_report(
        session=session,
        snip=snip,
        chat_id=message.chat_id,
        text=message.text or message.caption or "",
        photo_file_id=photo,
    )
    await close_pending(session=session, pending=pending, state="done")
    return snip


async def is_staff_viewing_project(
    context: Context, message: Message, answer: Answer, *, session: AsyncSession | None = None
) -> bool:
    """Staff see status buttons under a project card, in their private chat only."""
    user = message.from_user
    if answer.kind != "project" or user is None or message.chat.type != "private":
        return False
    role = await context.bot_data.staff().role(user.id, context.bot_data.admin_ids, session=session)
    return role is not None


def status_rows(snip: str) -> list[list[InlineKeyboardButton]]:
    buttons = [button(label, f"estado:{snip}:{status}") for status, label in t.STATUS_LABELS.items()]
    return [buttons[:2], buttons[2:]]


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


async def send_action(message: Message, context: Context, action: str) -> None:
    """Send the answer a button, deep link or command stands for."""
    _, answerer = context.bot_data.services()
    answer = answer_for_action(answerer, action)
    if answer is None:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
        return
    await send_answer(message, await with_staff_status(context.bot_data.staff(), answer))


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
        return list_answer(answerer, arg)
    if verb == "plan":
        return answerer.plan_answer()
    if verb == "ayuda":
        return answerer.help_answer()
    return None


def list_answer(answerer: Answerer, arg: str) -> Answer | None:
    """``projects`` … (a whole list), or a page of a long list: ``<list_id>:<page>`` or
    ``<list_id>:<filter>:<page>`` (None when the answerer has no such list, filter or page)."""
    list_id, *rest = arg.split(":")
    if not rest:
        return {
            "projects": answerer.projects_answer,
            "funding": answerer.funding_answer,
            "tematicas": answerer.tematicas_answer,
            "targets": answerer.targets_answer,
        }[list_id]()
    *filter_key, page = rest
    return answerer.list_page(list_id, filter_key[0] if filter_key else None, int(page))
