"""Ground reports ("📣 Reportar avance"): an explicit mode, with a way out at every step.

The button opens the mode: a prompt with Cancelar. For ``REPORT_MODE_MINUTES`` (10) the person's
texts and photos in that chat make the report's draft, shown back each time as a preview with
Enviar and Cancelar; only Enviar on the latest preview files it (three a day). A question or a bare
lookup (``knowledge.question.asks_the_bot``) or a command leaves the mode, says so, and is answered
as usual; a draft already previewed can still be sent from its preview. When staff mark the report
reviewed, the reporter is told (``handlers.staff.review_report``).

The draft is a ``PendingAction`` of kind "ground_report": state "draft" while the mode takes
messages, "waiting" once the mode ended with a preview still out, then "done" or "cancelled".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, User
from telegram.ext import MessageHandler, filters

from db.bot_models import PendingAction
from db.bot_store import close_pending, create_pending, drafts_of, open_pending
from db.resident_store import add_ground_report, reports_today
from handlers.context import Context, on_message, on_message_from
from handlers.keyboards import button, confirm_row
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.counts import count_of
from knowledge.question import asks_the_bot
from knowledge.text import clean_text

KIND = "ground_report"
TAKING, WAITING, DONE, CANCELLED = "draft", "waiting", "done", "cancelled"
REPORTS_PER_DAY = 3
MAX_REPORT_CHARS = 2000  # ground_report.text


@dataclass(frozen=True, slots=True)
class Draft:
    """What a report says so far, as its preview shows it."""

    id: int
    snip: str
    text: str
    photo: str | None

    @classmethod
    def of(cls, pending: PendingAction) -> Draft:
        assert pending.id is not None
        payload = pending.payload
        return cls(pending.id, str(payload["snip"]), str(payload.get("text") or ""), payload.get("photo"))

    @property
    def empty(self) -> bool:
        return not self.text and self.photo is None


# Opening the mode --------------------------------------------------------------------------------
async def start_report(message: Message, user: User, context: Context, snip: str) -> None:
    """ "📣 Reportar avance" (``snip`` checked against the plan on arrival): the prompt."""
    pending: PendingAction | None = None
    async with context.session() as session:
        if await reports_today(session=session, chat_id=message.chat_id) < REPORTS_PER_DAY:
            await stop_taking(session, user.id)  # one report at a time takes messages
            pending = await create_pending(
                session=session,
                kind=KIND,
                created_by=user.id,
                payload={
                    "snip": snip,
                    "chat_id": message.chat_id,
                    "text": "",
                    "photo": None,
                    "preview": None,
                },
            )
            await session.commit()
    if pending is None:
        await message.reply_text(limit_line(), do_quote=False)
        return
    context.chat_state.note_report_request(user.id, open_=True)
    minutes = round(context.bot_data.report_mode.total_seconds() / 60)
    assert pending.id is not None
    markup = InlineKeyboardMarkup([[button(t.BTN_CANCEL, Action.of("reporte", "cancelar", pending.id))]])
    await message.reply_text(
        t.REPORT_ASK.format(snip=snip, minutes=minutes), reply_markup=markup, do_quote=False
    )


def limit_line() -> str:
    return t.REPORT_LIMIT.format(reports=count_of(REPORTS_PER_DAY, t.REPORTS))


async def stop_taking(session: AsyncSession, user_id: int) -> None:
    """End the mode for every draft of this person: one with something in it waits for its
    Enviar, an empty one is cancelled."""
    for pending in await drafts_of(session=session, kind=KIND, created_by=user_id):
        state = CANCELLED if Draft.of(pending).empty else WAITING
        await close_pending(session=session, pending=pending, state=state)


# Messages while the mode is open ------------------------------------------------------------------
async def open_here(
    session: AsyncSession, message: Message, context: Context, user_id: int
) -> PendingAction | None:
    """The draft taking this person's messages in this chat, if the mode is open here."""
    pending = await open_pending(
        session=session, kind=KIND, created_by=user_id, max_age=context.bot_data.report_mode
    )
    context.chat_state.note_report_request(user_id, open_=pending is not None)
    return pending if pending is not None and pending.payload.get("chat_id") == message.chat_id else None


async def take_message(message: Message, context: Context, text: str, photo: str | None = None) -> bool:
    """A message from someone whose report mode may be open: True when it went into the draft
    (a preview is shown); False when it is to be answered as usual — no mode open in this chat,
    or the message asks something and so ended the mode (the person is told)."""
    user = message.from_user
    if user is None or not context.chat_state.may_have_report_request(user.id):
        return False
    text = clean_text(text)  # a report is stored and sent back to staff: no NUL, no lone surrogate
    if photo is None and asks_the_bot(text):
        await leave_mode(message, context, user.id)
        return False
    async with context.session() as session:
        pending = await open_here(session, message, context, user.id)
        if pending is None:
            return False
        draft = _add_to(pending, text, photo)
        session.add(pending)
        await session.commit()
    await show_preview(message, context, draft)
    return True


async def leave_mode(message: Message, context: Context, user_id: int) -> None:
    """A question or a command while the mode is open here ends it, and the person is told
    whether a draft waits for its Enviar."""
    async with context.session() as session:
        pending = await open_here(session, message, context, user_id)
        if pending is None:
            return
        draft = Draft.of(pending)
        await stop_taking(session, user_id)
        await session.commit()
    context.chat_state.note_report_request(user_id, open_=False)
    text = t.REPORT_LEFT if draft.empty else t.REPORT_LEFT_DRAFT
    await message.reply_text(text.format(snip=draft.snip), do_quote=False)


def _add_to(pending: PendingAction, text: str, photo: str | None) -> Draft:
    """The message's text after what the draft says (a photo replaces the draft's photo)."""
    said = Draft.of(pending)
    joined = "\n".join(part for part in (said.text, text.strip()) if part)[:MAX_REPORT_CHARS]
    pending.payload = {**pending.payload, "text": joined, "photo": photo or said.photo}
    return Draft.of(pending)


async def show_preview(message: Message, context: Context, draft: Draft) -> None:
    """The draft as it would be filed, with Enviar and Cancelar; only this preview's Enviar
    sends it (an older preview shows less)."""
    markup = InlineKeyboardMarkup(
        [
            confirm_row(
                t.BTN_SEND,
                Action.of("reporte", "enviar", draft.id),
                Action.of("reporte", "cancelar", draft.id),
            )
        ]
    )
    body = "\n".join(part for part in (draft.text, t.REPORT_PREVIEW_PHOTO if draft.photo else "") if part)
    preview = t.REPORT_PREVIEW.format(snip=draft.snip, body=body)
    sent = await message.reply_text(preview[:4096], reply_markup=markup, do_quote=False)
    async with context.session() as session:
        pending = await session.get(PendingAction, draft.id)
        if pending is not None and pending.state in (TAKING, WAITING):
            pending.payload = {**pending.payload, "preview": sent.message_id}
            session.add(pending)
            await session.commit()


@on_message
async def photo_message(message: Message, context: Context) -> None:
    """A photo (with its caption) while the report mode is open goes into the draft."""
    if not message.photo:
        return
    if await take_message(message, context, message.caption or "", photo=message.photo[-1].file_id):
        return
    if message.chat.type == "private":
        await message.reply_text(t.NON_TEXT, do_quote=False)


@on_message_from
async def command_leaves(message: Message, user: User, context: Context) -> None:
    """Any command ends the report mode (and is then handled as usual, by the next group)."""
    if context.chat_state.may_have_report_request(user.id):
        await leave_mode(message, context, user.id)


# Enviar / Cancelar ---------------------------------------------------------------------------------
async def report_button(message: Message, user: User, context: Context, verb: str, pending_id: int) -> None:
    """``reporte:enviar:<id>`` on the latest preview files the report; ``reporte:cancelar:<id>``
    on the prompt or a preview drops it. Only the person who opened it, in that chat."""
    sending = verb == "enviar"
    was_taking = False
    async with context.session() as session:
        pending = await session.get(PendingAction, pending_id)
        if pending is None or not _answerable(pending, user, message, sending=sending):
            line, closed = t.STALE_BUTTON, False
        elif sending and await reports_today(session=session, chat_id=message.chat_id) >= REPORTS_PER_DAY:
            line, closed = limit_line(), False  # the draft stays: its Enviar works again tomorrow
        else:
            was_taking = pending.state == TAKING
            line, closed = await _close(session, pending, message.chat_id, sending=sending), True
            await session.commit()
    if was_taking:
        context.chat_state.note_report_request(user.id, open_=False)
    if closed:
        await message.edit_text(line)
    else:
        await message.reply_text(line, do_quote=False)


async def _close(session: AsyncSession, pending: PendingAction, chat_id: int, *, sending: bool) -> str:
    """File the draft as a ground report (``sending``) or drop it; what the preview then says."""
    if not sending:
        await close_pending(session=session, pending=pending, state=CANCELLED)
        return t.REPORT_CANCELLED
    draft = Draft.of(pending)
    await add_ground_report(
        session=session, snip=draft.snip, chat_id=chat_id, text=draft.text, photo_file_id=draft.photo
    )
    await close_pending(session=session, pending=pending, state=DONE)
    return t.REPORT_SAVED.format(snip=draft.snip)


def _answerable(pending: PendingAction, user: User, message: Message, *, sending: bool) -> bool:
    payload: dict[str, Any] = pending.payload
    own = (
        pending.kind == KIND
        and pending.state in (TAKING, WAITING)
        and pending.created_by == user.id
        and payload.get("chat_id") == message.chat_id
    )
    if not sending:
        return own
    return own and payload.get("preview") == message.message_id and not Draft.of(pending).empty


HANDLERS = [MessageHandler(filters.UpdateType.MESSAGE & filters.PHOTO, photo_message)]
BEFORE_HANDLERS = [MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, command_leaves)]
"""Run before every other handler, in their own group (see ``handlers.register``)."""
