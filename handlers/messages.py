"""Free text (private chats; in groups only when the bot is mentioned or replied to) and
messages the bot cannot read."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, MessageEntity
from telegram.ext import MessageHandler, filters

from handlers import reports
from handlers.answering import send_answer
from handlers.context import Context, on_message
from handlers.questions import answer_question
from knowledge import catalog as t
from knowledge.text import clean_text

NEW_MESSAGES = filters.UpdateType.MESSAGE
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.LOCATION
    | filters.CONTACT
    | filters.Document.ALL
    | filters.ANIMATION
    | filters.POLL
)


@on_message
async def private_text(message: Message, context: Context) -> None:
    if not message.text:
        return
    if not await reports.take_message(message, context, message.text):
        await answer_question(message, context, message.text)


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """In a group: the question when the message mentions the bot or replies to it, else None."""
    text = message.text or ""
    mention = f"@{bot_username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.lower() == mention:
            return (text[: entity.offset] + text[entity.offset + entity.length :]).strip()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return text
    return None


@on_message
async def group_text(message: Message, context: Context) -> None:
    if not message.text:
        return
    question = addressed_text(message, context.bot.username, context.bot.id)
    if question and not await reports.take_message(message, context, question):
        await answer_question(message, context, question)


@on_message
async def unknown_command(message: Message, context: Context) -> None:
    """A command the bot does not have ("/zonas", "/zona6"): say so and show what it can do."""
    if not message.text:
        return
    command = clean_text(message.text.split()[0].split("@")[0])
    answer = context.answerer.help_answer()
    await send_answer(message, replace(answer, title=t.UNKNOWN_COMMAND.format(command=command)))


@on_message
async def non_text(message: Message, _context: Context) -> None:
    await message.reply_text(t.NON_TEXT, do_quote=False)


HANDLERS = [
    MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, private_text),
    MessageHandler(
        NEW_MESSAGES
        & filters.ChatType.GROUPS
        & filters.TEXT
        & ~filters.COMMAND
        & (filters.Entity(MessageEntity.MENTION) | filters.REPLY),
        group_text,
    ),
    MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & NON_TEXT, non_text),
    MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & filters.COMMAND, unknown_command),
]
