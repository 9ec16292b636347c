"""Staff commands: roles, project status, announcements, reports, CSV export and bulk updates.

Every staff command and staff button checks the role on the server for every update.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import wraps
from html import escape
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, InputFile, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler, MessageHandler, filters

from db.bot_models import PendingAction
from db.bot_store import close_pending, create_pending
from db.chat_store import queries_since
from db.outbox_models import Broadcast
from db.outbox_store import broadcast_counts, create_broadcast, enqueue, recent_broadcasts
from db.resident_store import active_recipients, feedback_counts, followers, subscription_counts
from db.staff_store import (
    add_staff,
    add_status,
    audit,
    current_status,
    current_statuses,
    get_role,
    ground_reports,
    list_staff,
    mark_report_reviewed,
    remove_staff,
    status_history,
)
from db.status_notices import queue_status_notice
from handlers.commands import user_args
from handlers.context import Context
from handlers.keyboards import button, confirm_row
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.answer_types import shorten
from knowledge.answers import Answerer
from knowledge.counts import count_of, thousands
from knowledge.model import Project
from knowledge.render import to_html
from knowledge.staff import (
    HISTORY_SHOWN,
    ReportData,
    StatusChange,
    announcement_html,
    audience_label,
    export_csv,
    format_date,
    group_unanswered,
    history_lines,
    late_projects,
    parse_announcement,
    parse_status_command,
    parse_status_csv,
    progress_text,
    report_answer,
    report_reviewed_html,
    status_label,
    status_notification_html,
    subject_name,
)
from knowledge.text import clean_text, fold

log = logging.getLogger(__name__)
MAX_CSV_BYTES = 1_000_000
CSV_WINDOW = timedelta(hours=1)
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


async def role_of(context: Context, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        return await get_role(session=session, user_id=user_id, admin_ids=context.bot_data.admin_ids)


def staff_only(handler: Handler) -> Handler:
    """Refuse the command to anyone who is not staff, with the catalogue's line; nothing changes."""

    @wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        user = update.effective_user
        if await role_of(context, user.id if user else None) is None:
            if update.effective_message:
                await update.effective_message.reply_text(t.STAFF_ONLY, do_quote=False)
            return
        await handler(update, context)

    return guarded


async def set_staff_commands(context: Context, user_id: int) -> None:
    """Staff see their commands in their private chat only (a per-chat command scope)."""
    commands = [BotCommand(name, text) for name, text in (*t.COMMANDS, *t.STAFF_COMMANDS)]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except (BadRequest, Forbidden):
        log.info("could not set staff commands for %s (no private chat yet)", user_id)


def wake_outbox(context: Context) -> None:
    if context.bot_data.outbox_wakeup is not None:
        context.bot_data.outbox_wakeup()


# /staff ----------------------------------------------------------------------------------------
@staff_only
async def staff_command(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    args = context.args or []
    if not args:
        sessionmaker, _ = context.bot_data.services()
        async with sessionmaker() as session:
            members = await list_staff(session=session)
        ids = [*context.bot_data.admin_ids, *(m.user_id for m in members)]
        await message.reply_text(t.STAFF_LIST.format(ids=", ".join(str(i) for i in ids)), do_quote=False)
        return
    if await role_of(context, user.id) != "admin":
        await message.reply_text(t.ADMIN_ONLY, do_quote=False)
        return
    if len(args) != 2 or fold(args[0]) not in ("agregar", "quitar") or not args[1].isdigit():
        await message.reply_text(t.STAFF_USAGE, do_quote=False)
        return
    target = int(args[1])
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        if fold(args[0]) == "agregar":
            changed = await add_staff(session=session, user_id=target, role="staff", added_by=user.id)
            text = t.STAFF_ADDED if changed else t.STAFF_ALREADY
            action = "staff_add"
        else:
            changed = await remove_staff(session=session, user_id=target)
            text = t.STAFF_REMOVED if changed else t.STAFF_NOT_FOUND
            action = "staff_remove"
        if changed:
            await audit(session=session, actor_id=user.id, action=action, target=str(target))
        await session.commit()
    context.bot_data.staff().roles_changed()
    if changed and action == "staff_add":
        await set_staff_commands(context, target)
    elif changed:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(target))
    await message.reply_text(text.format(user_id=target), do_quote=False)


# Project status ---------------------------------------------------------------------------------
async def record_status(
    session: AsyncSession,
    project: Project,
    change: StatusChange,
    author: User,
    *,
    window: timedelta,
    keep_rest: bool = False,
) -> tuple[StatusChange, int]:
    """Store the status, audit it, and queue one notification per follower — one transaction;
    a follower told of this project less than ``window`` ago hears of it at the window's end (see
    db.status_notices). With ``keep_rest`` (a status button) the progress and note stay as
    recorded. Returns the status as stored and how many chats will be told."""
    actor = author.id
    before = await current_status(session=session, snip=project.snip)
    if keep_rest:
        change = change.keeping_rest_of(before.view() if before else None)
    row = await add_status(
        session=session,
        snip=project.snip,
        status=change.status,
        progress=change.progress,
        note=change.note,
        author_id=actor,
        author_name=author_name(author),
    )
    await audit(
        session=session,
        actor_id=actor,
        action="status",
        target=project.snip,
        before=_status_dict(before.status, before.progress, before.note) if before else None,
        after=_status_dict(change.status, change.progress, change.note),
    )
    keys = [("proyecto", project.snip)] + ([("zona", str(project.zona))] if project.zona else [])
    chats = await followers(session=session, keys=keys)
    if chats:
        await queue_status_notice(
            session=session,
            snip=project.snip,
            text=status_notification_html(project, change, row.created_at),
            chat_ids=chats,
            window=window,
            created_by=actor,
        )
    return change, len(chats)


def author_name(user: User) -> str:
    """How /historial names a staff member: @username, else the name Telegram gives."""
    return f"@{user.username}" if user.username else user.full_name


def _status_dict(status: str, progress: int | None, note: str | None) -> dict[str, Any]:
    return {"status": status, "progress": progress, "note": note}


async def save_status(
    message: Message, context: Context, change: StatusChange, author: User, *, keep_rest: bool = False
) -> None:
    sessionmaker, answerer = context.bot_data.services()
    project = answerer.plan.project(change.snip)
    assert project is not None  # parse_status_command, or Action.known_in for a button, checked it
    async with sessionmaker() as session:
        change, notified = await record_status(
            session, project, change, author, window=context.bot_data.notify_window, keep_rest=keep_rest
        )
        await session.commit()
    context.bot_data.staff().status_changed(change.snip)
    wake_outbox(context)
    await message.reply_text(
        t.STATUS_SAVED.format(
            snip=change.snip,
            status=status_label(change.status),
            progress=progress_text(change.progress),
            followers=count_of(notified, t.FOLLOWING_CHATS),
        ),
        do_quote=False,
    )


@staff_only
async def status_command(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    _, answerer = context.bot_data.services()
    change = parse_status_command(user_args(context), answerer.plan)
    if isinstance(change, str):
        await message.reply_text(change, parse_mode=ParseMode.HTML, do_quote=False)
        return
    await save_status(message, context, change, user)


@staff_only
async def history_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    snip = (context.args or [""])[0]
    sessionmaker, answerer = context.bot_data.services()
    if answerer.plan.project(snip) is None:
        await message.reply_text(t.STATUS_BAD_SNIP.format(snip=escape(snip[:20])), do_quote=False)
        return
    async with sessionmaker() as session:
        rows = await status_history(session=session, snip=snip, limit=HISTORY_SHOWN + 1)
    if not rows:
        await message.reply_text(t.HISTORY_EMPTY.format(snip=snip), do_quote=False)
        return
    lines = [f"<b>{escape(t.HISTORY_TITLE.format(snip=snip))}</b>"]
    lines.extend(escape(line) for line in history_lines([r.entry() for r in rows]))
    await message.reply_text("\n".join(lines)[:4096], parse_mode=ParseMode.HTML, do_quote=False)


async def status_button(message: Message, context: Context, user: User, snip: str, status: str) -> None:
    """A button names the status only: progress and note stay as recorded."""
    await save_status(message, context, StatusChange(snip, status, None, None), user, keep_rest=True)


# Announcements ----------------------------------------------------------------------------------
async def audience_chats(session: AsyncSession, audience: str) -> set[int]:
    if audience.startswith("zona:"):
        return await followers(session=session, keys=[("zona", audience.split(":", 1)[1])])
    return set(await active_recipients(session=session))


@staff_only
async def announce_command(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    parsed = parse_announcement(user_args(context))
    if isinstance(parsed, str):
        await message.reply_text(parsed, do_quote=False)
        return
    audience, text = parsed
    sessionmaker, answerer = context.bot_data.services()
    html = announcement_html(text)
    async with sessionmaker() as session:
        count = len(await audience_chats(session, audience))
        broadcast = await create_broadcast(
            session=session,
            kind="announcement",
            audience=audience,
            text=html,
            created_by=user.id,
            state="draft",
        )
        await session.commit()
    assert broadcast.id is not None
    markup = InlineKeyboardMarkup(
        [confirm_row(t.BTN_SEND, Action.of("enviar", broadcast.id), Action.of("cancelar", broadcast.id))]
    )
    preview = t.ANNOUNCE_PREVIEW.format(
        audience=escape(audience_label(audience, answerer.plan)),
        recipients=count_of(count, t.RECIPIENTS),
        text=html,
    )
    sent = await message.reply_text(preview, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)
    async with sessionmaker() as session:
        stored = await session.get(Broadcast, broadcast.id)
        if stored is not None:
            stored.preview_chat_id, stored.preview_message_id = sent.chat_id, sent.message_id
            session.add(stored)
            await session.commit()


async def confirm_announcement(
    message: Message, context: Context, user_id: int, broadcast_id: int, send: bool
) -> None:
    """Only "Enviar" by the staff member who prepared it sends; the recipients are counted again now."""
    sessionmaker, answerer = context.bot_data.services()
    async with sessionmaker() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.state != "draft":
            await message.reply_text(t.STALE_BUTTON, do_quote=False)
            return
        if broadcast.created_by != user_id:
            await message.reply_text(t.ANNOUNCE_NOT_YOURS, do_quote=False)
            return
        if not send:
            broadcast.state = "cancelled"
            session.add(broadcast)
            await audit(session=session, actor_id=user_id, action="announce_cancel", target=str(broadcast_id))
            await session.commit()
            await message.edit_text(t.CANCELLED)
            return
        chats = await audience_chats(session, broadcast.audience)
        if not chats:
            broadcast.state = "cancelled"
            session.add(broadcast)
            await session.commit()
            await message.edit_text(
                t.ANNOUNCE_NONE.format(audience=audience_label(broadcast.audience, answerer.plan))
            )
            return
        await enqueue(session=session, broadcast=broadcast, chat_ids=chats)
        await audit(
            session=session,
            actor_id=user_id,
            action="announce",
            target=str(broadcast_id),
            after={"audience": broadcast.audience, "recipients": len(chats)},
        )
        await session.commit()
    wake_outbox(context)
    await message.edit_text(t.ANNOUNCE_QUEUED.format(count=thousands(len(chats))))


# Reports and export --------------------------------------------------------------------------------
async def gather_report(session: AsyncSession, answerer: Answerer) -> ReportData:
    asked = await queries_since(session=session, days=90)
    unanswered = group_unanswered([(q.zona, q.question) for q in asked if not q.confident])
    topics = Counter(q.matches[0] for q in asked if q.confident and q.matches)
    titles = answerer.index.by_id
    up, down = await feedback_counts(session=session)
    subscriptions = [
        (subject_name(kind, key, answerer.plan), n)
        for (kind, key), n in sorted(
            (await subscription_counts(session=session)).items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]
    broadcasts = []
    for b in await recent_broadcasts(session=session):
        assert b.id is not None
        counts = await broadcast_counts(session=session, broadcast_id=b.id)
        broadcasts.append(
            t.REPORT_BROADCAST_LINE.format(
                date=format_date(b.created_at),
                audience=audience_label(b.audience, answerer.plan),
                sent=count_of(counts.get("sent", 0), t.SENT),
                failed=count_of(counts.get("failed", 0) + counts.get("inactive", 0), t.UNDELIVERED),
                pending=count_of(counts.get("pending", 0), t.PENDING),
            )
        )
    views = {snip: r.view() for snip, r in (await current_statuses(session=session)).items()}
    ground = [
        t.REPORT_GROUND_LINE.format(
            id=r.id, snip=r.snip, date=format_date(r.created_at), text=shorten(r.text, 100)
        )
        for r in await ground_reports(session=session, unreviewed=True, limit=10)
    ]
    return ReportData(
        unanswered=unanswered,
        topics=[
            (shorten(titles[doc_id].title, 80) if doc_id in titles else doc_id, n)
            for doc_id, n in topics.most_common(8)
        ],
        feedback_up=up,
        feedback_down=down,
        subscriptions=subscriptions[:15],
        broadcasts=broadcasts,
        late=late_projects(answerer.plan, views, datetime.now(UTC).date()),
        ground=ground,
    )


@staff_only
async def report_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    sessionmaker, answerer = context.bot_data.services()
    await context.bot_data.state().flush()  # the latest questions count too
    async with sessionmaker() as session:
        data = await gather_report(session, answerer)
        unreviewed = await ground_reports(session=session, unreviewed=True, limit=5)
    buttons = [[button(f"✔ #{r.id}", Action.of("revisar", r.id)) for r in unreviewed if r.id is not None]]
    chunks = to_html(report_answer(data))
    for n, chunk in enumerate(chunks):
        markup = InlineKeyboardMarkup(buttons) if n == len(chunks) - 1 and buttons[0] else None
        await message.reply_text(chunk, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


async def review_report(message: Message, context: Context, user_id: int, report_id: int) -> None:
    """Mark a resident's report reviewed and tell the reporter's chat, through the outbox."""
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        row = await mark_report_reviewed(session=session, report_id=report_id, reviewer=user_id)
        if row is not None:
            await audit(session=session, actor_id=user_id, action="report_reviewed", target=str(report_id))
            notice = await create_broadcast(
                session=session,
                kind="report_reviewed",
                audience=f"reporte:{report_id}",
                text=report_reviewed_html(row.snip, row.created_at, row.text),
                created_by=user_id,
                state="sending",
            )
            await enqueue(session=session, broadcast=notice, chat_ids=[row.chat_id])
        await session.commit()
    if row is not None:
        wake_outbox(context)
    await message.reply_text(
        t.REPORT_REVIEWED.format(id=report_id) if row else t.STALE_BUTTON, do_quote=False
    )


@staff_only
async def export_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    sessionmaker, answerer = context.bot_data.services()
    async with sessionmaker() as session:
        views = {snip: r.view() for snip, r in (await current_statuses(session=session)).items()}
    data = export_csv(answerer.plan, views)
    await message.reply_document(InputFile(data, filename="estado-proyectos.csv"), do_quote=False)


# Bulk status updates from a CSV document ---------------------------------------------------------
@staff_only
async def csv_document(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    document = message.document
    if document.file_size and document.file_size > MAX_CSV_BYTES:
        await message.reply_text(t.CSV_TOO_BIG, do_quote=False)
        return
    raw = bytes(await (await document.get_file()).download_as_bytearray())
    if len(raw) > MAX_CSV_BYTES:
        await message.reply_text(t.CSV_TOO_BIG, do_quote=False)
        return
    try:
        text = clean_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        text = clean_text(raw.decode("latin-1"))
    sessionmaker, answerer = context.bot_data.services()
    changes, rejected = parse_status_csv(text, answerer.plan)
    lines = [
        t.CSV_PREVIEW.format(
            ok=count_of(len(changes), t.ROWS_READY), bad=count_of(len(rejected), t.ROWS_REJECTED)
        )
    ]
    lines += [
        escape(
            t.CSV_ROW.format(snip=c.snip, status=status_label(c.status), progress=progress_text(c.progress))
        )
        for c in changes[:30]
    ]
    lines += [escape(t.CSV_REJECTED.format(line=r.line, reason=r.reason)) for r in rejected[:30]]
    if not changes:
        lines.append(escape(t.CSV_NOTHING))
        await message.reply_text("\n".join(lines)[:4096], parse_mode=ParseMode.HTML, do_quote=False)
        return
    payload = {"rows": [[c.snip, c.status, c.progress, c.note] for c in changes]}
    async with sessionmaker() as session:
        pending = await create_pending(
            session=session, kind="csv_status", created_by=user.id, payload=payload
        )
        await session.commit()
    assert pending.id is not None
    markup = InlineKeyboardMarkup(
        [confirm_row(t.BTN_APPLY, Action.of("aplicar", pending.id), Action.of("descartar", pending.id))]
    )
    await message.reply_text(
        "\n".join(lines)[:4096], parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False
    )


async def confirm_csv(message: Message, context: Context, user: User, pending_id: int, apply: bool) -> None:
    """All rows at once, in one transaction, only by the staff member who sent the file."""
    user_id = user.id
    sessionmaker, answerer = context.bot_data.services()
    async with sessionmaker() as session:
        pending = await session.get(PendingAction, pending_id)
        if (
            pending is None
            or pending.state != "draft"
            or pending.kind != "csv_status"
            or pending.created_by != user_id
            or pending.created_at < datetime.now(UTC) - CSV_WINDOW
        ):
            await message.reply_text(t.STALE_BUTTON, do_quote=False)
            return
        if not apply:
            await close_pending(session=session, pending=pending, state="cancelled")
            await session.commit()
            await message.edit_text(t.CANCELLED)
            return
        rows = [
            StatusChange(
                str(s), str(st), p if isinstance(p, int) else None, n if isinstance(n, str) else None
            )
            for s, st, p, n in pending.payload["rows"]
        ]
        for change in rows:
            project = answerer.plan.project(change.snip)
            if project is not None:
                await record_status(session, project, change, user, window=context.bot_data.notify_window)
        await close_pending(session=session, pending=pending, state="applied")
        await session.commit()
    for change in rows:
        context.bot_data.staff().status_changed(change.snip)
    wake_outbox(context)
    await message.edit_text(t.CSV_APPLIED.format(applied=count_of(len(rows), t.UPDATES_APPLIED)))


HANDLERS = [
    CommandHandler("staff", staff_command),
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
