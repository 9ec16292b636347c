"""From an Answer to Telegram messages: HTML chunks, buttons, the query log, staff status."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from telegram.constants import ParseMode

from db.chat_state import ChatState
from db.chat_store import chat_hash
from db.staff_cache import StaffCache
from db.staff_store import ground_reports
from handlers.context import Context
from knowledge import catalog as t
from knowledge.answer_types import shorten
from knowledge.answers import Answer, Answerer, FollowUp
from knowledge.followup import context_after, names_my_zona, resolve, subject_test, with_my_zona
from knowledge.model import Plan
from knowledge.render import to_html
from knowledge.staff import format_date, staff_help, with_status
from knowledge.text import clean_text, find_zonas, fold

CALLBACK_MAX_BYTES = 64
ZONA = r"(?:[1-9]|1[01])"
SNIP = r"(?P<snip>\d{6})"
"""A project's SNIP: a button that names one is checked against the plan (:func:`known_action`)."""
TEMA = r"(?P<tema>[a-z0-9-]{1,40})"
"""A temática's id, checked against the plan like a SNIP."""
ROW_ID = r"\d{1,12}"
"""A database row (a logged question, a broadcast, a pending confirmation, a report): the handler
that reads it says when it is gone."""
LIST_PAGE = r"[a-z_]{1,24}(?::[a-z0-9-]{1,24})?:[1-9]\d?"
"""A page of a long list: ``lista:<list_id>:<page>`` or ``lista:<list_id>:<filter>:<page>``."""
VERBS: dict[str, re.Pattern[str]] = {
    verb: re.compile(arguments)
    for verb, arguments in {
        "zona": rf":{ZONA}",
        "proyecto": rf":{SNIP}",
        "tema": rf":{TEMA}",
        "metas": rf":{TEMA}",
        "lista": rf":(?:projects|funding|tematicas|targets|{LIST_PAGE})",
        "zonas": r"(?::cambiar)?",
        "mizona": rf":{ZONA}",
        "plan": "",
        "ayuda": "",
        "grafico": rf":zona:{ZONA}",
        "seguir": rf":(?:zona:{ZONA}|proyecto:{SNIP})",
        "dejar": rf":(?:zona:{ZONA}|proyecto:{SNIP})",
        "reportar": rf":{SNIP}",
        "reporte": rf":(?:enviar|cancelar):{ROW_ID}",
        "fb": rf":{ROW_ID}:[01]",
        "olvidar": r":(?:si|no):\d{1,16}",
        "estado": rf":{SNIP}:(?:planificado|en_ejecucion|suspendido|finalizado)",
        **{verb: rf":{ROW_ID}" for verb in ("enviar", "cancelar", "aplicar", "descartar", "revisar")},
    }.items()
}
"""Every action a button may carry: its verb, then what follows the verb (matched whole). Anything
else in callback data is stale or forged."""
BUTTONS_PER_ROW = 2


def parse_action(action: str) -> re.Match[str] | None:
    """The action read by its verb's grammar (named groups ``snip``, ``tema``), or None."""
    verb = action.split(":", 1)[0]
    grammar = VERBS.get(verb)
    return grammar.fullmatch(action, len(verb)) if grammar is not None else None


def known_action(action: str, plan: Plan) -> bool:
    """The action is well formed and every project and temática it names is in the plan (the
    grammar only admits Mixco's zonas). Buttons and deep links are checked with it on arrival."""
    parsed = parse_action(action)
    if parsed is None:
        return False
    named = parsed.groupdict()
    snip, tema = named.get("snip"), named.get("tema")
    if snip is not None and plan.project(snip) is None:
        return False
    return tema is None or plan.tematica(tema) is not None


def callback_for(action: str) -> str | None:
    data = f"a|{action}"
    return data if parse_action(action) and len(data.encode()) <= CALLBACK_MAX_BYTES else None


def action_from_callback(data: str | None) -> str | None:
    """The action in a button's callback data, or None when it is not one we issue."""
    if not data or len(data.encode()) > CALLBACK_MAX_BYTES or not data.startswith("a|"):
        return None
    action = data[2:]
    return action if parse_action(action) else None


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


def extra_follow_ups(
    answer: Answer, followed: frozenset[tuple[str, str]] = frozenset()
) -> tuple[FollowUp, ...]:
    """Buttons every zona or project answer offers: its chart, following it (or, when the chat
    follows it already, stopping), reporting on it."""
    extra: list[FollowUp] = []
    subject = card_subject(answer)
    if answer.kind == "zona" and answer.matches:
        extra.append(FollowUp(t.BTN_CHART, f"grafico:zona:{answer.zona}"))
    if subject is not None:
        kind, key = subject
        follows = subject in followed
        extra.append(
            FollowUp(
                t.BTN_UNFOLLOW if follows else t.BTN_FOLLOW,
                f"{'dejar' if follows else 'seguir'}:{kind}:{key}",
            )
        )
    if subject is not None and subject[0] == "proyecto":
        extra.append(FollowUp(t.BTN_REPORT, f"reportar:{subject[1]}"))
    return (*answer.follow_ups, *extra)


def card_subject(answer: Answer) -> tuple[str, str] | None:
    """What a zona or project card can be followed as: ("zona", "6"), ("proyecto", SNIP)."""
    if answer.kind == "zona" and answer.zona:
        return "zona", str(answer.zona)
    snip = project_snip(answer)
    return ("proyecto", snip) if answer.kind == "project" and snip else None


async def follows_for(
    context: Context, message: Message, answer: Answer, *, session: AsyncSession | None = None
) -> frozenset[tuple[str, str]]:
    """What the chat follows, read only for a card that can be followed."""
    if card_subject(answer) is None:
        return frozenset()
    return await context.bot_data.staff().follows(message.chat_id, session=session)


def project_snip(answer: Answer) -> str | None:
    return next((m.id.split(":", 1)[1] for m in answer.matches[:1] if m.kind == "project"), None)


async def send_answer(
    message: Message,
    answer: Answer,
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
    *,
    followed: frozenset[tuple[str, str]] = frozenset(),
) -> list[Message]:
    """Send the answer as one or more HTML messages; buttons go under the last one. ``followed``:
    what the chat follows (its card offers to stop following it)."""
    chunks = to_html(answer)
    markup = keyboard(extra_follow_ups(answer, followed), extra_rows)
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


def user_args(context: Context) -> list[str]:
    """A command's arguments, cleaned as every text a person sends (``clean_text``)."""
    return [clean_text(arg) for arg in context.args or []]


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

    What must be read (the chat's context, a project's status, the role) comes
    from ``ChatState`` / ``StaffCache``, which read the database only for what this process does
    not know; the context, the recipient and the query log are written by ``ChatState`` in
    batches."""
    text = clean_text(text)
    sessionmaker, _ = context.bot_data.services()
    state = context.bot_data.state()
    answered = None
    followed: frozenset[tuple[str, str]] = frozenset()
    # One session for whatever must be read; it takes a connection only if something is read
    # (with long polling, usually nothing is) and is closed before anything is sent.
    async with sessionmaker() as session:
        asked = await with_own_zona(state, message.chat_id, text, session=session)
        if asked is not None:
            answered = await answer_from_plan(session, context, message, asked)
            followed = await follows_for(context, message, answered[1], session=session)
        if session.in_transaction():
            await session.commit()
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
    await send_answer(message, answer, rows if answer.confident else (), followed=followed)


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
    answer = answerer.zona_answer(zona)
    followed = await follows_for(context, message, answer)
    await send_answer(message, answer, [[button(t.BTN_CHANGE_ZONA, "zonas:cambiar")]], followed=followed)


async def choose_my_zona(message: Message, context: Context, zona: int) -> None:
    """A zona picked after "Mi zona" (or after "mi zona" in a question): remembered, then shown."""
    await context.bot_data.state().choose_zona(message.chat_id, zona)
    _, answerer = context.bot_data.services()
    answer = answerer.zona_answer(zona)
    answer = replace(answer, lines=(t.MY_ZONA_SAVED.format(n=zona), *answer.lines))
    followed = await follows_for(context, message, answer)
    await send_answer(message, answer, [[button(t.BTN_CHANGE_ZONA, "zonas:cambiar")]], followed=followed)


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


async def send_help(message: Message, context: Context, user: User | None) -> None:
    """/ayuda and the Ayuda button: staff, in their private chat, get their own help."""
    _, answerer = context.bot_data.services()
    answer = answerer.help_answer()
    if await is_staff_in_private(context, message, user):
        answer = staff_help(answer)
    await send_answer(message, answer)


async def is_staff_in_private(
    context: Context, message: Message, user: User | None, *, session: AsyncSession | None = None
) -> bool:
    if user is None or message.chat.type != "private":
        return False
    return (
        await context.bot_data.staff().role(user.id, context.bot_data.admin_ids, session=session) is not None
    )


async def is_staff_viewing_project(
    context: Context, message: Message, answer: Answer, *, session: AsyncSession | None = None
) -> bool:
    """Staff see status buttons under a project card, in their private chat only."""
    return answer.kind == "project" and await is_staff_in_private(
        context, message, message.from_user, session=session
    )


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
    answer = await with_staff_status(context.bot_data.staff(), answer)
    await send_answer(message, answer, followed=await follows_for(context, message, answer))


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
