"""Staff commands: roles, project status, announcements, reports, CSV export and bulk updates.

Each command is checked (``staff_command``) and then translated into a call on the staff service
(``handlers.staff_service.Staff``, ``context.staff``), whose answer becomes the reply. The staff
buttons (``handlers.buttons``) end here too; the check runs again on every press.
"""

from __future__ import annotations

from functools import wraps
from html import escape

from telegram import InlineKeyboardMarkup, InputFile, Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, MessageHandler, filters

from handlers.commands import user_args
from handlers.context import Context, SenderHandler, UpdateHandler
from handlers.keyboards import button, confirm_row
from handlers.staff_service import Author, Confirmed, Outcome
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.counts import count_of, thousands
from knowledge.render import fit_lines, to_html
from knowledge.staff import (
    MAX_CSV_BYTES,
    StatusChange,
    announcement_html,
    audience_label,
    csv_preview_html,
    decode_csv,
    export_csv,
    history_lines,
    parse_announcement,
    parse_status_command,
    parse_status_csv,
    parse_user_id,
    progress_text,
    report_answer,
    status_label,
)
from knowledge.text import fold


def staff_command(handle: SenderHandler) -> UpdateHandler:
    """A command for staff: anyone else gets the catalogue's line, and nothing changes."""

    @wraps(handle)
    async def checked(update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        if user is None or await context.role() is None:
            await message.reply_text(t.STAFF_ONLY, do_quote=False)
            return
        await handle(message, user, context)

    return checked


def author(user: User) -> Author:
    """Who records a status, named as /historial shows them: @username, else the name Telegram gives."""
    return Author(user.id, f"@{user.username}" if user.username else user.full_name)


# /staff ----------------------------------------------------------------------------------------
@staff_command
async def staff_members_command(message: Message, user: User, context: Context) -> None:
    args = context.args or []
    if not args:
        ids = await context.staff.members()
        await message.reply_text(t.STAFF_LIST.format(ids=", ".join(str(i) for i in ids)), do_quote=False)
        return
    if await context.role() != "admin":
        await message.reply_text(t.ADMIN_ONLY, do_quote=False)
        return
    target = parse_user_id(args[1]) if len(args) == 2 else None
    if target is None or fold(args[0]) not in ("agregar", "quitar"):
        await message.reply_text(t.STAFF_USAGE, do_quote=False)
        return
    if fold(args[0]) == "agregar":
        changed = await context.staff.add(context.bot, user.id, target)
    else:
        changed = await context.staff.remove(context.bot, user.id, target)
    await message.reply_text(t.STAFF_CHANGED[changed].format(user_id=target), do_quote=False)


# Project status ---------------------------------------------------------------------------------
async def save_status(
    message: Message, context: Context, change: StatusChange, user: User, *, keep_rest: bool = False
) -> None:
    change, notified = await context.staff.record_status(change, author(user), keep_rest=keep_rest)
    await message.reply_text(
        t.STATUS_SAVED.format(
            snip=change.snip,
            status=status_label(change.status),
            progress=progress_text(change.progress),
            followers=count_of(notified, t.FOLLOWING_CHATS),
        ),
        do_quote=False,
    )


@staff_command
async def status_command(message: Message, user: User, context: Context) -> None:
    change = parse_status_command(user_args(context), context.answerer.plan)
    if isinstance(change, str):
        await message.reply_text(change, parse_mode=ParseMode.HTML, do_quote=False)
        return
    await save_status(message, context, change, user)


async def status_button(message: Message, context: Context, user: User, snip: str, status: str) -> None:
    """A button names the status only: progress and note stay as recorded."""
    await save_status(message, context, StatusChange(snip, status, None, None), user, keep_rest=True)


@staff_command
async def history_command(message: Message, _user: User, context: Context) -> None:
    snip = (context.args or [""])[0]
    entries = await context.staff.history(snip)
    if entries is None:
        await message.reply_text(t.STATUS_BAD_SNIP.format(snip=escape(snip[:20])), do_quote=False)
        return
    if not entries:
        await message.reply_text(t.HISTORY_EMPTY.format(snip=snip), do_quote=False)
        return
    title = f"<b>{escape(t.HISTORY_TITLE.format(snip=snip))}</b>"
    lines = [escape(line) for line in history_lines(entries)]
    await message.reply_text(
        fit_lines((title,), lines, keep_last=True), parse_mode=ParseMode.HTML, do_quote=False
    )


# Announcements ----------------------------------------------------------------------------------
@staff_command
async def announce_command(message: Message, user: User, context: Context) -> None:
    edition = context.answerer.plan.edition
    parsed = parse_announcement(user_args(context), edition)
    if isinstance(parsed, str):
        await message.reply_text(parsed, do_quote=False)
        return
    audience, text = parsed
    html = announcement_html(text, edition)
    broadcast_id, count = await context.staff.draft_announcement(user.id, audience, html)
    markup = InlineKeyboardMarkup(
        [confirm_row(t.BTN_SEND, Action.of("enviar", broadcast_id), Action.of("cancelar", broadcast_id))]
    )
    preview = t.ANNOUNCE_PREVIEW.format(
        audience=escape(audience_label(audience, context.answerer.plan)),
        recipients=count_of(count, t.RECIPIENTS),
        text=html,
    )
    sent = await message.reply_text(preview, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)
    await context.staff.keep_preview(broadcast_id, sent.chat_id, sent.message_id)


async def confirm_announcement(
    message: Message, context: Context, user_id: int, broadcast_id: int, send: bool
) -> None:
    """ "Enviar" or "Cancelar" under an announcement's preview."""
    confirmed = await context.staff.confirm_announcement(user_id, broadcast_id, send=send)
    await tell_confirmed(
        message, confirmed, t.ANNOUNCE_QUEUED.format(count=thousands(confirmed.count)), t.ANNOUNCE_NOT_YOURS
    )


async def tell_confirmed(message: Message, confirmed: Confirmed, done: str, not_yours: str) -> None:
    """A confirmation button's outcome: a line below the preview when the press changed nothing
    (``not_yours`` when the draft is someone else's), else the preview itself says what
    happened (``done`` when it was done)."""
    if confirmed.outcome is Outcome.STALE:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
    elif confirmed.outcome is Outcome.NOT_YOURS:
        await message.reply_text(not_yours, do_quote=False)
    elif confirmed.outcome is Outcome.CANCELLED:
        await message.edit_text(t.CANCELLED)
    elif confirmed.outcome is Outcome.NOBODY:
        await message.edit_text(t.ANNOUNCE_NONE.format(audience=confirmed.audience))
    else:
        await message.edit_text(done)


# Reports and export --------------------------------------------------------------------------------
@staff_command
async def report_command(message: Message, _user: User, context: Context) -> None:
    data, unreviewed = await context.staff.report()
    buttons = [[button(f"✔ #{report_id}", Action.of("revisar", report_id)) for report_id in unreviewed]]
    chunks = to_html(report_answer(data))
    for n, chunk in enumerate(chunks):
        markup = InlineKeyboardMarkup(buttons) if n == len(chunks) - 1 and buttons[0] else None
        await message.reply_text(chunk, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


async def review_report(message: Message, context: Context, user_id: int, report_id: int) -> None:
    """ "✔ #id" under /reporte: the report is reviewed and its reporter told, through the outbox."""
    reviewed = await context.staff.review_report(user_id, report_id)
    await message.reply_text(
        t.REPORT_REVIEWED.format(id=report_id) if reviewed else t.STALE_BUTTON, do_quote=False
    )


@staff_command
async def export_command(message: Message, _user: User, context: Context) -> None:
    data = export_csv(context.answerer.plan, await context.staff.statuses())
    await message.reply_document(InputFile(data, filename="estado-proyectos.csv"), do_quote=False)


# Bulk status updates from a CSV document ---------------------------------------------------------
@staff_command
async def csv_document(message: Message, user: User, context: Context) -> None:
    text = await read_csv(message)
    if text is None:
        await message.reply_text(t.CSV_TOO_BIG, do_quote=False)
        return
    read = parse_status_csv(text, context.answerer.plan)
    if read.refused is not None:
        await message.reply_text(read.refused, do_quote=False)
        return
    preview = csv_preview_html(read)
    if not read.changes:
        await message.reply_text(preview, parse_mode=ParseMode.HTML, do_quote=False)
        return
    pending_id = await context.staff.draft_csv(user.id, read.changes)
    markup = InlineKeyboardMarkup(
        [confirm_row(t.BTN_APPLY, Action.of("aplicar", pending_id), Action.of("descartar", pending_id))]
    )
    await message.reply_text(preview, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


async def read_csv(message: Message) -> str | None:
    """The document's text (UTF-8, else Latin-1), or None when it is over MAX_CSV_BYTES."""
    document = message.document
    assert document is not None  # the handler's filter asks for a CSV document
    if document.file_size and document.file_size > MAX_CSV_BYTES:
        return None
    raw = bytes(await (await document.get_file()).download_as_bytearray())
    if len(raw) > MAX_CSV_BYTES:
        return None
    return decode_csv(raw)


async def confirm_csv(message: Message, context: Context, user: User, pending_id: int, apply: bool) -> None:
    """ "Aplicar" or "Descartar" under a CSV's preview."""
    confirmed = await context.staff.confirm_csv(author(user), pending_id, apply=apply)
    await tell_confirmed(
        message,
        confirmed,
        t.CSV_APPLIED.format(applied=count_of(confirmed.count, t.UPDATES_APPLIED)),
        t.CSV_NOT_YOURS,
    )


HANDLERS = [
    CommandHandler("staff", staff_members_command),
    CommandHandler("estado", status_command),
    CommandHandler("historial", history_command),
    CommandHandler("anunciar", announce_command),
    CommandHandler("reporte", report_command),
    CommandHandler("exportar", export_command),
    MessageHandler(
        filters.UpdateType.MESSAGE
        & filters.ChatType.PRIVATE
        & (filters.Document.FileExtension("csv") | filters.Document.MimeType("text/csv")),
        csv_document,
    ),
]
