"""What residents and COCODE groups follow, ground reports, feedback, and /olvidarme."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, MessageHandler, filters

from db.chat_store import chat_hash
from db.staff_store import (
    add_feedback,
    create_pending,
    forget_chat,
    reports_today,
    subscribe,
    subscriptions_of,
    touch_recipient,
    unsubscribe,
)
from handlers.context import Context
from handlers.replies import button, take_ground_report
from knowledge import catalog as t
from knowledge.model import ZONAS
from knowledge.text import fold

REPORTS_PER_DAY = 3


def parse_target(args: list[str], known_snips: set[str]) -> tuple[str, str] | None:
    """``zona 6`` → ("zona", "6"); ``proyecto 242177`` → ("proyecto", "242177"); else None."""
    if len(args) != 2:
        return None
    kind, key = fold(args[0]), args[1].strip()
    if kind == "zona" and key.isdigit() and int(key) in ZONAS:
        return "zona", str(int(key))
    if kind == "proyecto" and key in known_snips:
        return "proyecto", key
    return None


def describe(kind: str, key: str) -> str:
    return t.WHAT_ZONA.format(n=key) if kind == "zona" else t.WHAT_PROJECT.format(snip=key)


async def follow(message: Message, context: Context, kind: str, key: str) -> None:
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        created = await subscribe(session=session, chat_id=message.chat_id, kind=kind, key=key)
        await touch_recipient(
            session=session, chat_id=message.chat_id, is_group=message.chat.type != "private"
        )
        await session.commit()
    if kind == "zona":  # the first zona a chat follows is its own, unless it chose one
        await context.bot_data.state().choose_zona(message.chat_id, int(key), replace=False)
    text = t.SUBSCRIBED if created else t.ALREADY_SUBSCRIBED
    await message.reply_text(text.format(what=describe(kind, key)), do_quote=False)


async def subscribe_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    _, answerer = context.bot_data.services()
    target = parse_target(context.args or [], {p.snip for p in answerer.plan.projects})
    if target is None:
        await message.reply_text(t.SUBSCRIBE_USAGE, do_quote=False)
        return
    await follow(message, context, *target)


async def unsubscribe_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    sessionmaker, answerer = context.bot_data.services()
    target = parse_target(context.args or [], {p.snip for p in answerer.plan.projects})
    if target is None:
        await message.reply_text(t.UNSUBSCRIBE_USAGE, do_quote=False)
        return
    async with sessionmaker() as session:
        removed = await unsubscribe(session=session, chat_id=message.chat_id, kind=target[0], key=target[1])
        await session.commit()
    text = t.UNSUBSCRIBED if removed else t.NOT_SUBSCRIBED
    await message.reply_text(text.format(what=describe(*target)), do_quote=False)


async def subscriptions_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        rows = await subscriptions_of(session=session, chat_id=message.chat_id)
    if not rows:
        await message.reply_text(t.SUBSCRIPTIONS_EMPTY, do_quote=False)
        return
    lines = [f"<b>{escape(t.SUBSCRIPTIONS_TITLE)}</b>"] + [
        f"• {escape(describe(r.kind, r.key))}" for r in rows
    ]
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML, do_quote=False)


async def forget_command(update: Update, _context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    markup = InlineKeyboardMarkup(
        [[button(t.BTN_FORGET_YES, "olvidar:si"), button(t.BTN_CANCEL, "olvidar:no")]]
    )
    await message.reply_text(t.FORGET_ASK, reply_markup=markup, do_quote=False)


async def forget_confirmed(message: Message, context: Context, confirmed: bool) -> None:
    if not confirmed:
        await message.edit_text(t.CANCELLED)
        return
    sessionmaker, _ = context.bot_data.services()
    hashed = chat_hash(message.chat_id, context.bot_data.query_log_salt)
    await context.bot_data.state().forget(message.chat_id, hashed)  # nothing buffered comes back
    async with sessionmaker() as session:
        await forget_chat(session=session, chat_id=message.chat_id, chat_hash=hashed)
        await session.commit()
    await message.edit_text(t.FORGET_DONE)


async def start_report(message: Message, user: User, context: Context, snip: str) -> None:
    """The next text or photo this person sends in this chat becomes a ground report."""
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        if await reports_today(session=session, chat_id=message.chat_id) >= REPORTS_PER_DAY:
            await message.reply_text(t.REPORT_LIMIT.format(n=REPORTS_PER_DAY), do_quote=False)
            return
        await create_pending(
            session=session,
            kind="ground_report",
            created_by=user.id,
            payload={"snip": snip, "chat_id": message.chat_id},
        )
        await session.commit()
    context.bot_data.state().note_report_request(user.id, open_=True)
    await message.reply_text(t.REPORT_ASK.format(snip=snip), do_quote=False)


async def photo_report(update: Update, context: Context) -> None:
    """A photo (with its caption) sent right after "📣 Reportar avance" is the report."""
    message = update.effective_message
    if message is None:
        return
    sessionmaker, _ = context.bot_data.services()
    async with sessionmaker() as session:
        snip = await take_ground_report(session, message, context.bot_data.state())
        await session.commit()
    if snip is not None:
        await message.reply_text(t.REPORT_SAVED.format(snip=snip), do_quote=False)
    elif message.chat.type == "private":
        await message.reply_text(t.NON_TEXT, do_quote=False)


async def feedback(message: Message, context: Context, query_id: int, useful: bool) -> str:
    sessionmaker, _ = context.bot_data.services()
    state = context.bot_data.state()
    hashed = chat_hash(message.chat_id, context.bot_data.query_log_salt)
    saved = state.vote(query_id, hashed, useful=useful)
    if saved is None:  # a question this process did not log: the database decides
        await state.flush()
        async with sessionmaker() as session:
            saved = await add_feedback(session=session, query_id=query_id, chat_hash=hashed, useful=useful)
            await session.commit()
    return t.FEEDBACK_THANKS if saved else t.FEEDBACK_DUPLICATE


HANDLERS = [
    CommandHandler("suscribir", subscribe_command),
    CommandHandler("desuscribir", unsubscribe_command),
    CommandHandler("suscripciones", subscriptions_command),
    CommandHandler("olvidarme", forget_command),
    MessageHandler(filters.UpdateType.MESSAGE & filters.PHOTO, photo_report),
]
