"""Staff load an edition of the plan by sending it to the bot: the plan document (.txt) or its
JSON export, as a document in their private chat. A preview comes back with "Cargar" and
"Cancelar"; the use cases are in ``handlers.edition_service`` (``context.editions``), which
the staff console's edition upload calls too (it also sets the command menus again once a new
edition answers: their texts name its year).

Anyone else who sends such a file gets a kind line and nothing is downloaded. The size is checked
from the Document's ``file_size`` before the download and on the bytes after it.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, User
from telegram.constants import ParseMode
from telegram.ext import MessageHandler, filters

from handlers.context import Context, on_message_from
from handlers.edition_service import LoadOutcome
from handlers.keyboards import confirm_row
from knowledge import catalog as t
from knowledge.actions import Action
from knowledge.counts import count_of
from knowledge.edition_upload import identity, too_big_text


@on_message_from
async def plan_document(message: Message, user: User, context: Context) -> None:
    document = message.document
    assert document is not None  # the handler's filter asks for a document
    if await context.role() is None:
        await message.reply_text(t.PLAN_UPLOAD_STAFF_ONLY, do_quote=False)
        return
    editions = context.editions
    if document.file_size and document.file_size > editions.max_bytes:
        await message.reply_text(too_big_text(document.file_size, editions.max_bytes), do_quote=False)
        return
    raw = bytes(await (await document.get_file()).download_as_bytearray())
    if len(raw) > editions.max_bytes:
        await message.reply_text(too_big_text(len(raw), editions.max_bytes), do_quote=False)
        return
    drafted = await editions.draft(user.id, raw, document.file_name or "")
    markup = None
    if drafted.pending_id is not None:
        yes, no = Action.of("cargar", drafted.pending_id), Action.of("nocargar", drafted.pending_id)
        markup = InlineKeyboardMarkup([confirm_row(t.BTN_LOAD, yes, no)])
    last = len(drafted.messages) - 1
    for n, html in enumerate(drafted.messages):
        await message.reply_text(
            html, parse_mode=ParseMode.HTML, reply_markup=markup if n == last else None, do_quote=False
        )


async def confirm_load(message: Message, context: Context, user_id: int, pending_id: int, load: bool) -> None:
    """ "Cargar" or "Cancelar" under an uploaded edition's preview."""
    loaded = await context.editions.confirm(user_id, pending_id, load=load)
    if loaded.outcome is LoadOutcome.STALE:
        await message.reply_text(t.STALE_BUTTON, do_quote=False)
    elif loaded.outcome is LoadOutcome.NOT_YOURS:
        await message.reply_text(t.PLAN_LOAD_NOT_YOURS, do_quote=False)
    elif loaded.outcome is LoadOutcome.CANCELLED:
        await message.edit_text(t.CANCELLED)
    elif loaded.outcome is LoadOutcome.FAILED:
        await message.reply_text(t.PLAN_LOAD_FAILED, do_quote=False)
    elif loaded.outcome is LoadOutcome.KEPT:
        assert loaded.edition is not None
        kept = t.PLAN_KEPT_OLDER.format(
            identity=identity(loaded.edition), current=identity(context.answerer.plan.edition)
        )
        await message.edit_text(kept)
    else:
        assert loaded.edition is not None
        notices = (
            t.PLAN_LOADED_NOTICES.format(
                zonas=count_of(loaded.zonas, t.ZONAS_WITH_CHANGES), chats=count_of(loaded.chats, t.CHATS)
            )
            if loaded.zonas
            else t.PLAN_LOADED_NO_NOTICES
        )
        await message.edit_text(t.PLAN_LOADED.format(identity=identity(loaded.edition), notices=notices))


PLAN_FILES = filters.Document.FileExtension("txt") | filters.Document.FileExtension("json")

HANDLERS = [
    MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & PLAN_FILES, plan_document),
]
