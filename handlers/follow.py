"""What residents and COCODE groups follow, feedback, and /olvidarme."""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from db.chat_store import chat_hash
from db.resident_store import (
    add_feedback,
    forget_chat,
    subscribe,
    subscriptions_of,
    touch_recipient,
    unsubscribe,
)
from handlers.context import Context, on_message, on_message_from
from handlers.keyboards import button, confirm_row
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.model import Plan
from knowledge.staff import subject_name
from knowledge.text import fold

GROUP_ADMINS = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


def parse_target(args: list[str], plan: Plan) -> tuple[str, str] | None:
    """``zona 6`` → ("zona", "6"); ``proyecto 242177`` → ("proyecto", "242177"); else None (a
    zona the municipality does not have, a SNIP the plan does not list)."""
    if len(args) != 2:
        return None
    kind, key = fold(args[0]), args[1].strip()
    if kind == "zona" and key.isdigit() and int(key) in plan.edition.zonas:
        return "zona", str(int(key))
    if kind == "proyecto" and plan.project(key) is not None:
        return "proyecto", key
    return None


async def follow(message: Message, context: Context, kind: str, key: str) -> None:
    async with context.session() as session:
        created = await subscribe(session=session, chat_id=message.chat_id, kind=kind, key=key)
        await touch_recipient(
            session=session, chat_id=message.chat_id, is_group=message.chat.type != "private"
        )
        await session.commit()
    context.staff_cache.follows_changed(message.chat_id)
    if kind == "zona":  # the first zona a chat follows is its own, unless it chose one
        await context.chat_state.choose_zona(message.chat_id, int(key), replace=False)
    text = t.SUBSCRIBED if created else t.ALREADY_SUBSCRIBED
    await message.reply_text(text.format(what=subject_name(kind, key, context.answerer.plan)), do_quote=False)


@on_message
async def subscribe_command(message: Message, context: Context) -> None:
    target = parse_target(context.args or [], context.answerer.plan)
    if target is None:
        await message.reply_text(t.SUBSCRIBE_USAGE, do_quote=False)
        return
    await follow(message, context, *target)


@on_message
async def unsubscribe_command(message: Message, context: Context) -> None:
    target = parse_target(context.args or [], context.answerer.plan)
    if target is None:
        await message.reply_text(t.UNSUBSCRIBE_USAGE, do_quote=False)
        return
    await unfollow(message, context, *target)


async def unfollow(message: Message, context: Context, kind: str, key: str) -> None:
    """/desuscribir, the card's "🔕 Dejar de seguir" and the buttons under /suscripciones."""
    async with context.session() as session:
        removed = await unsubscribe(session=session, chat_id=message.chat_id, kind=kind, key=key)
        await session.commit()
    context.staff_cache.follows_changed(message.chat_id)
    text = t.UNSUBSCRIBED if removed else t.NOT_SUBSCRIBED
    await message.reply_text(text.format(what=subject_name(kind, key, context.answerer.plan)), do_quote=False)


@on_message
async def subscriptions_command(message: Message, context: Context) -> None:
    async with context.session() as session:
        rows = await subscriptions_of(session=session, chat_id=message.chat_id)
    if not rows:
        await message.reply_text(t.SUBSCRIPTIONS_EMPTY, do_quote=False)
        return
    lines = [f"<b>{escape(t.SUBSCRIPTIONS_TITLE)}</b>"] + [
        f"• {escape(subject_name(r.kind, r.key, context.answerer.plan))}" for r in rows
    ]
    markup = InlineKeyboardMarkup([[unfollow_button(r.kind, r.key)] for r in rows])
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=False)


def unfollow_button(kind: str, key: str) -> InlineKeyboardButton:
    label = t.BTN_UNFOLLOW_ZONA.format(n=key) if kind == "zona" else t.BTN_UNFOLLOW_PROJECT.format(snip=key)
    return button(label, Action.of("dejar", kind, key))


async def is_group_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether Telegram says the person administers the group (or created it)."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden):  # the bot was removed, or the person is unknown there
        return False
    return member.status in GROUP_ADMINS


@on_message_from
async def forget_command(message: Message, user: User, context: Context) -> None:
    """Ask before forgetting the chat; a group is forgotten only by one of its administrators,
    and the buttons answer only the person who asked."""
    if message.chat.type != "private" and not await is_group_admin(context, message.chat_id, user.id):
        await message.reply_text(t.FORGET_GROUP_ADMINS, do_quote=False)
        return
    markup = InlineKeyboardMarkup(
        [
            confirm_row(
                t.BTN_FORGET_YES, Action.of("olvidar", "si", user.id), Action.of("olvidar", "no", user.id)
            )
        ]
    )
    await message.reply_text(t.FORGET_ASK, reply_markup=markup, do_quote=False)


async def forget_pressed(
    query: CallbackQuery, message: Message, context: Context, choice: str, asker: str
) -> None:
    """ "Sí, borrar" (``choice`` "si") or "Cancelar" under /olvidarme's question, asked by the
    user ``asker``. In a group only the member who asked may answer, and only while still an
    administrator; anyone else gets a polite line."""
    user_id = query.from_user.id
    if message.chat.type != "private":
        if asker != str(user_id):
            await query.answer(t.FORGET_NOT_YOURS)
            return
        if not await is_group_admin(context, message.chat_id, user_id):
            await query.answer(t.FORGET_GROUP_ADMINS)
            return
    await query.answer()
    await forget_confirmed(message, context, confirmed=choice == "si")


async def forget_confirmed(message: Message, context: Context, *, confirmed: bool) -> None:
    if not confirmed:
        await message.edit_text(t.CANCELLED)
        return
    hashed = chat_hash(message.chat_id, context.bot_data.query_log_salt)
    await context.chat_state.forget(message.chat_id, hashed)  # nothing buffered comes back
    async with context.session() as session:
        await forget_chat(session=session, chat_id=message.chat_id, chat_hash=hashed)
        await session.commit()
    context.staff_cache.follows_changed(message.chat_id)
    await message.edit_text(t.FORGET_DONE)


async def feedback(message: Message, context: Context, query_id: int, useful: bool) -> str:
    state = context.chat_state
    hashed = chat_hash(message.chat_id, context.bot_data.query_log_salt)
    saved = state.vote(query_id, hashed, useful=useful)
    if saved is None:  # a question this process did not log: the database decides
        await state.flush()
        async with context.session() as session:
            saved = await add_feedback(session=session, query_id=query_id, chat_hash=hashed, useful=useful)
            await session.commit()
    if saved is None:
        return t.STALE_BUTTON
    return t.FEEDBACK_THANKS if saved else t.FEEDBACK_DUPLICATE


HANDLERS = [
    CommandHandler("suscribir", subscribe_command),
    CommandHandler("desuscribir", unsubscribe_command),
    CommandHandler("suscripciones", subscriptions_command),
    CommandHandler("olvidarme", forget_command),
]
