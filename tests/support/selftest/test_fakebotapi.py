"""Self-tests of ``tests.support.fakebotapi``: a real, unmodified PTB stack talks HTTP to the fake."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonDefault,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from tests.support.fakebotapi import NOT_MODIFIED, Call, ErrorResponse, FakeBotApi, HtmlParseError, parse_html

# A real 2x3 PNG (only the header matters for the reported dimensions).
PNG_2X3 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000030806000000"
    "9d74a4db0000001249444154789c63f8cfc0f01f0c18fe03000a1f02fe"
    "a1f3c1a40000000049454e44ae426082"
)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    """A bare PTB Bot (no Application) for calling methods directly."""
    async with Bot(api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as client:
        yield client


def build_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(f"{api.url}/bot")
        .base_file_url(f"{api.url}/file/bot")
        .build()
    )

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "", do_quote=True)

    async def menu(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("A", callback_data="a"), InlineKeyboardButton("B", callback_data="b")]]
        )
        await update.effective_message.reply_text(
            "<b>Choose</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
        )

    async def button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"got {query.data}")
        await query.edit_message_text(f"You chose {query.data}")

    async def inline(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.inline_query is not None
        text = update.inline_query.query
        results = [
            InlineQueryResultArticle(str(i), f"{text} {i}", InputTextMessageContent(f"{text} {i}"))
            for i in range(3)
        ]
        await update.inline_query.answer(results)

    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(InlineQueryHandler(inline))
    return app


@asynccontextmanager
async def running(api: FakeBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = build_app(api)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()


# --------------------------------------------------------------------------------------------------
# A real Application polling the fake
# --------------------------------------------------------------------------------------------------


async def test_echo_bot_replies_over_http(api: FakeBotApi) -> None:
    async with running(api):
        update = api.send_text(api.user_id, "hola Mixco")
        [reply] = await api.wait_for_sent(api.user_id)

    assert reply.text == "hola Mixco"
    assert reply.method == "sendMessage"
    assert reply.message["from"]["id"] == api.bot_id
    assert reply.message["chat"] == {
        "id": api.user_id,
        "type": "private",
        "first_name": "Test",
        "last_name": "User",
        "username": "test_user",
    }
    assert reply.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert reply.message["reply_to_message"]["text"] == "hola Mixco"
    assert api.calls("getMe")
    assert api.calls("deleteWebhook")
    api.assert_no_violations()


async def test_button_press_is_answered_and_edits_the_message(api: FakeBotApi) -> None:
    async with running(api):
        api.send_command(api.user_id, "menu")
        [menu] = await api.wait_for_sent(api.user_id)
        assert menu.text == "<b>Choose</b>"
        assert menu.plain_text == "Choose"
        assert menu.message["entities"] == [{"offset": 0, "length": 6, "type": "bold"}]
        assert menu.callback_data == ["a", "b"]

        api.press_button(menu, "b")
        [answer] = await api.wait_for("answerCallbackQuery")
        [edit] = await api.wait_for("editMessageText")

    assert answer.ok
    assert answer.params["text"] == "got b"
    assert edit.ok
    assert edit.result["text"] == "You chose b"
    current = api.message(api.user_id, menu.message_id)
    assert current is not None
    assert current["text"] == "You chose b"
    assert "reply_markup" not in current  # an edit without reply_markup drops the keyboard
    with pytest.raises(ValueError, match="no button"):
        api.press_button(menu, "a")
    api.assert_no_violations()


async def test_inline_query_is_answered(api: FakeBotApi) -> None:
    async with running(api):
        api.inline_query("poa")
        [call] = await api.wait_for("answerInlineQuery")

    assert call.ok
    assert [r["id"] for r in call.params["results"]] == ["0", "1", "2"]
    assert call.params["results"][0]["input_message_content"]["message_text"] == "poa 0"
    api.assert_no_violations()


async def test_an_update_is_delivered_once_across_restarts(api: FakeBotApi) -> None:
    async with running(api):
        first = api.send_text(api.user_id, "uno")
        await api.wait_for_sent(api.user_id)
    # Updater.stop() confirmed the offset, so a new bot instance does not see "uno" again.
    async with running(api):
        api.send_text(api.user_id, "dos")
        replies = await api.wait_for_sent(api.user_id, count=2)

    assert [r.text for r in replies] == ["uno", "dos"]
    assert api.delivery_counts[first["update_id"]] == 1
    assert api.pending_updates == []
    api.assert_no_violations()


# --------------------------------------------------------------------------------------------------
# getUpdates semantics
# --------------------------------------------------------------------------------------------------


async def test_offset_confirms_updates(api: FakeBotApi, bot: Bot) -> None:
    first = api.send_text(api.user_id, "a")
    second = api.send_text(api.user_id, "b")

    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [first["update_id"], second["update_id"]]
    assert len(await bot.get_updates(offset=second["update_id"], timeout=0)) == 1
    assert await bot.get_updates(offset=second["update_id"] + 1, timeout=0) == ()
    assert api.pending_updates == []
    await api.wait_delivered(timeout=0.5)
    assert second["update_id"] == first["update_id"] + 1


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await api.wait_polling()
    started = time.monotonic()
    api.send_text(api.user_id, "ya")
    updates = await poll
    assert time.monotonic() - started < 1
    assert updates[0].message is not None
    assert updates[0].message.text == "ya"


async def test_user_side_helpers_build_real_updates(api: FakeBotApi, bot: Bot) -> None:
    maria = api.make_user(42, "María", username="maria_gt")
    group = api.send_command(
        -100123, "start", ["x", "y"], user=maria, chat_type="supergroup", mention_bot=True
    )
    api.send_sticker(api.user_id)
    api.send_location(api.user_id, 14.63, -90.6)
    api.send_contact(api.user_id, "+50255555555", "Ana")
    api.send_voice(api.user_id, duration=3)
    api.channel_post(-1009, "aviso #poa")
    api.edit_text(group["message"], "/start z")
    api.send_photo_from_user(api.user_id, data=PNG_2X3, caption="foto")

    updates = await bot.get_updates(timeout=0)
    messages = [u.effective_message for u in updates]
    assert all(m is not None for m in messages)
    command = updates[0].message
    assert command is not None
    assert command.text == f"/start@{api.bot_user['username']} x y"
    assert command.chat.type == "supergroup"
    assert command.from_user is not None
    assert command.from_user.first_name == "María"
    assert command.entities[0].type == "bot_command"
    assert command.entities[0].length == len(f"/start@{api.bot_user['username']}")
    assert updates[1].message is not None
    assert updates[1].message.sticker is not None
    assert updates[2].message is not None
    assert updates[2].message.location is not None
    assert updates[3].message is not None
    assert updates[3].message.contact is not None
    assert updates[4].message is not None
    assert updates[4].message.voice is not None
    assert updates[5].channel_post is not None
    assert updates[5].channel_post.entities[0].type == "hashtag"
    assert updates[6].edited_message is not None
    assert updates[6].edited_message.text == "/start z"
    photo_message = updates[7].message
    assert photo_message is not None
    assert (photo_message.photo[-1].width, photo_message.photo[-1].height) == (2, 3)
    photo_file = await photo_message.photo[-1].get_file()
    assert await photo_file.download_as_bytearray() == PNG_2X3
    with pytest.raises(ValueError, match="negative"):
        api.send_text(5, "x", chat_type="group")


async def test_opt_in_update_types_need_allowed_updates(api: FakeBotApi, bot: Bot) -> None:
    member = {"status": "member", "user": api.user}
    change = {
        "chat": {"id": -5, "type": "group", "title": "g"},
        "from": api.user,
        "date": 0,
        "old_chat_member": {**member, "status": "left"},
        "new_chat_member": member,
    }
    pushed = api.push_update({"chat_member": change})
    assert await bot.get_updates(timeout=0) == ()
    [update] = await bot.get_updates(timeout=0, allowed_updates=["chat_member"])
    assert update.update_id == pushed["update_id"]
    assert update.chat_member is not None


async def test_concurrent_updates_application(api: FakeBotApi) -> None:
    app = ApplicationBuilder().token(api.token).base_url(f"{api.url}/bot").concurrent_updates(True).build()

    async def slow_echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, slow_echo))
    api.delay("sendMessage", 0.05)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
        await app.start()
        for i in range(40):
            user = api.make_user(1000 + i, f"U{i}")
            api.send_text(user["id"], f"m{i}", user=user)
        replies = await api.wait_for_sent(count=40)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()

    assert sorted(r.text or "" for r in replies) == sorted(f"m{i}" for i in range(40))
    assert all(r.chat_id == 1000 + int((r.text or "m0")[1:]) for r in replies)
    api.assert_no_violations()


# --------------------------------------------------------------------------------------------------
# Validation of what the bot sends
# --------------------------------------------------------------------------------------------------


async def test_html_is_validated_like_telegram(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Can't find end tag"):
        await bot.send_message(api.user_id, "<b>unclosed", parse_mode=ParseMode.HTML)
    assert [v.description for v in api.violations] == [
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    ]
    api.violations.clear()

    text = f"<b>{html.escape('Plan <2024> & más')}</b> 👍 <i>fin</i>"
    message = await bot.send_message(api.user_id, text, parse_mode=ParseMode.HTML)
    assert message.text == "Plan <2024> & más 👍 fin"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 17), ("italic", 21, 3)]
    assert api.sent(api.user_id)[-1].text == text
    api.assert_no_violations()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("ñ<b", "Unclosed start tag at byte offset 2"),
    ],
)
def test_parse_html_errors(text: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as raised:
        parse_html(text)
    assert str(raised.value) == error


def test_parse_html_entities() -> None:
    text, entities = parse_html(
        '<a href="https://x.org/?a=1&amp;b=2">l</a> <pre><code class="language-py">p</code></pre>'
        " &lt;&#65;&quot; R&D <tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote>"
    )
    assert text == 'l p <A" R&D s q'
    assert entities == [
        {"offset": 0, "length": 1, "type": "text_link", "url": "https://x.org/?a=1&b=2"},
        {"offset": 2, "length": 1, "type": "pre", "language": "py"},
        {"offset": 12, "length": 1, "type": "spoiler"},
        {"offset": 14, "length": 1, "type": "expandable_blockquote"},
    ]


async def test_limits_and_keyboards_are_validated(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(api.user_id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(api.user_id, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(api.user_id, PNG_2X3, caption="c" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            api.user_id,
            "hi",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]]),
        )
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(
            api.user_id, "hi", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x")]])
        )
    with pytest.raises(BadRequest, match=r"(?i)exactly one"):
        await bot.send_message(
            api.user_id,
            "hi",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", url="https://a.b", callback_data="c")]]
            ),
        )
    assert len(api.violations) == 6
    assert api.sent() == []
    with pytest.raises(AssertionError, match="6 Bot API violation"):
        api.assert_no_violations()


async def test_web_app_buttons_go_to_private_chats_only(api: FakeBotApi, bot: Bot) -> None:
    """Telegram refuses a Web App button in a group (or in an inline result), and one whose page
    is not HTTPS."""

    def markup(url: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("plan", web_app=WebAppInfo(url))]])

    sent = await bot.send_message(api.user_id, "hi", reply_markup=markup("https://plan.example.org/app/"))
    assert sent.reply_markup is not None
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_TYPE_INVALID"):
        await bot.send_message(-4_000_001, "hi", reply_markup=markup("https://plan.example.org/app/"))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_URL_INVALID"):
        await bot.send_message(api.user_id, "hi", reply_markup=markup("http://plan.example.org/app/"))
    assert [v.description for v in api.violations] == [
        "Bad Request: BUTTON_TYPE_INVALID",
        "Bad Request: BUTTON_URL_INVALID",
    ]
    api.violations.clear()


async def test_edits_follow_telegram_rules(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=api.user_id, message_id=999)
    message = await bot.send_message(api.user_id, "same")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", chat_id=api.user_id, message_id=message.message_id)
    assert api.violations[-1].description == NOT_MODIFIED
    user_message = api.send_text(api.user_id, "mine")["message"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=api.user_id, message_id=user_message["message_id"])
    edited = await bot.edit_message_text("new", chat_id=api.user_id, message_id=message.message_id)
    assert isinstance(edited, type(message))
    assert edited.text == "new"
    assert edited.edit_date is not None
    assert await bot.delete_message(api.user_id, message.message_id) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(api.user_id, message.message_id)
    assert len(api.violations) == 4


async def test_inline_answers_are_validated(api: FakeBotApi, bot: Bot) -> None:
    def article(result_id: str) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(result_id, "t", InputTextMessageContent("m"))

    query_id = api.inline_query("q")["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(query_id, [article("1"), article("1")])
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, [article(str(i)) for i in range(51)])
    with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_INVALID"):
        await bot.answer_inline_query(query_id, [article("x" * 65)])
    assert await bot.answer_inline_query(query_id, [article("1")]) is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [article("1")])


# --------------------------------------------------------------------------------------------------
# Files, commands, webhooks, chats
# --------------------------------------------------------------------------------------------------


async def test_uploads_file_ids_and_downloads(api: FakeBotApi, bot: Bot) -> None:
    photo_message = await bot.send_photo(
        api.user_id, PNG_2X3, caption="<i>foto</i>", parse_mode=ParseMode.HTML
    )
    largest = photo_message.photo[-1]
    assert (largest.width, largest.height, largest.file_size) == (2, 3, len(PNG_2X3))
    assert photo_message.caption == "foto"
    again = await bot.send_photo(api.user_id, largest.file_id)
    assert again.photo[-1].file_id == largest.file_id

    document = await bot.send_document(api.user_id, b"a,b\n1,2\n", filename="plan.csv")
    assert document.document is not None
    assert document.document.file_name == "plan.csv"
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert downloaded == b"a,b\n1,2\n"

    sent_by_user = api.send_document_from_user(
        api.user_id,
        file_id="user-doc-1",
        data=b"%PDF-1.4 fake",
        file_name="poa.pdf",
        mime_type="application/pdf",
    )
    incoming = sent_by_user["message"]["document"]
    assert incoming["file_name"] == "poa.pdf"
    assert incoming["file_size"] == 13
    assert await (await bot.get_file("user-doc-1")).download_as_bytearray() == b"%PDF-1.4 fake"
    await bot.send_document(api.user_id, "user-doc-1")

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(api.user_id, "no-such-file")
    assert [s.method for s in api.sent(api.user_id)] == [
        "sendPhoto",
        "sendPhoto",
        "sendDocument",
        "sendDocument",
    ]
    assert api.sent()[0].caption == "<i>foto</i>"
    assert len(api.violations) == 1


async def test_menu_buttons_per_chat_and_by_default(api: FakeBotApi, bot: Bot) -> None:
    assert (await bot.get_chat_menu_button()).type == "commands"  # what a new bot shows
    console = MenuButtonWebApp("Consola", WebAppInfo("https://plan.example.org/app/consola/"))
    assert await bot.set_chat_menu_button(chat_id=api.user_id, menu_button=console)
    assert api.menu_button(api.user_id) == {
        "type": "web_app",
        "text": "Consola",
        "web_app": {"url": "https://plan.example.org/app/consola/"},
    }
    shown = await bot.get_chat_menu_button(chat_id=api.user_id)
    assert isinstance(shown, MenuButtonWebApp)
    assert shown.web_app.url == "https://plan.example.org/app/consola/"
    assert api.menu_button(api.user_id + 1) == {"type": "commands"}  # other chats keep the default
    assert await bot.set_chat_menu_button(chat_id=api.user_id, menu_button=MenuButtonDefault())
    assert api.menu_button(api.user_id) == {"type": "commands"}
    plain = MenuButtonWebApp("Consola", WebAppInfo("http://plan.example.org/"))
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.set_chat_menu_button(chat_id=api.user_id, menu_button=plain)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.set_chat_menu_button(chat_id=-100123, menu_button=console)  # a group has none
    assert api.menu_button(api.user_id) == {"type": "commands"}
    assert len(api.violations) == 2


async def test_commands_webhook_chat_and_actions(api: FakeBotApi, bot: Bot) -> None:
    scope = BotCommandScopeChat(api.user_id)
    assert await bot.set_my_commands([BotCommand("plan", "Ver el plan")], scope=scope, language_code="es")
    assert await bot.set_my_commands([BotCommand("help", "Help")])
    assert api.commands(scope.to_dict(), "es") == [{"command": "plan", "description": "Ver el plan"}]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]
    assert await bot.get_my_commands(scope=scope) == ()
    assert await bot.delete_my_commands()
    assert api.commands() == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    assert await bot.delete_webhook()

    api.send_text(api.user_id, "hi")
    chat = await bot.get_chat(api.user_id)
    assert chat.id == api.user_id
    assert chat.type == "private"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-4242)
    assert await bot.send_chat_action(api.user_id, "typing")
    assert await bot.close()
    assert await bot.log_out()


async def test_http_level_errors(api: FakeBotApi) -> None:
    async with httpx.AsyncClient(base_url=api.url) as client:
        unknown = await client.post(f"/bot{api.token}/sendTelepathy", json={})
        wrong_token = await client.post("/bot1:wrong/getMe")
        json_body = await client.post(f"/bot{api.token}/sendMessage", json={"chat_id": "7", "text": 42})
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    assert wrong_token.status_code == 401
    assert wrong_token.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert json_body.json()["result"]["text"] == "42"
    assert json_body.json()["result"]["chat"]["id"] == 7
    assert {v.method for v in api.violations} == {"sendTelepathy", "getMe"}


# --------------------------------------------------------------------------------------------------
# Faults, recording, concurrency
# --------------------------------------------------------------------------------------------------


async def test_429_raises_retry_after(api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, PTB 22 emits a deprecation warning while building RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(api.user_id, "x")
    assert raised.value.retry_after == dtm.timedelta(seconds=7)
    assert (await bot.send_message(api.user_id, "x")).text == "x"
    [failed, passed] = api.calls("sendMessage")
    assert failed.injected
    assert failed.status == 429
    assert failed.error is not None
    assert failed.error.body() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert passed.ok
    api.assert_no_violations()


async def test_403_400_and_5xx_faults(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403, chat_id=555)
    assert (await bot.send_message(556, "other chat")).chat.id == 556  # the rule is for 555 only
    api.fail_next("sendMessage", status=400, count=2, chat_id=556)
    api.fail_next("getChat", status=502)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(556, "x")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(556, "x")
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(555, "x")
    with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
        await bot.get_chat(556)
    assert (await bot.send_message(555, "ok")).text == "ok"


async def test_rule_based_faults_and_delays(api: FakeBotApi, bot: Bot) -> None:
    rng = random.Random(3)
    api.add_fault(
        lambda method, _params: method == "sendMessage" and rng.random() < 0.5, ErrorResponse.forbidden()
    )
    outcomes = await asyncio.gather(*(bot.send_message(1, str(i)) for i in range(20)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, Forbidden)]
    assert 0 < len(failures) < 20

    api.delay("sendChatAction", 0.3)
    started = time.monotonic()
    await bot.send_chat_action(1, "typing")
    assert time.monotonic() - started >= 0.3


async def test_concurrent_sends_get_unique_message_ids(api: FakeBotApi, bot: Bot) -> None:
    messages = await asyncio.gather(*(bot.send_message(api.user_id, f"m{i}") for i in range(60)))
    assert len({m.message_id for m in messages}) == 60
    calls = await api.wait_for("sendMessage", count=60)
    assert len(calls) == 60
    api.assert_no_violations()


async def test_wait_for_times_out_with_a_listing(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(api.user_id, "visible")
    with pytest.raises(TimeoutError, match=r"sendMessage\(chat_id=100000001, text='visible'\) -> ok"):
        await api.wait_for("sendMessage", count=2, timeout=0.05)
    mark = api.mark()
    with pytest.raises(TimeoutError, match="got 0"):
        await api.wait_for("sendMessage", timeout=0.05, since=mark)

    def is_photo(call: Call) -> bool:
        return call.method == "sendPhoto"

    with pytest.raises(TimeoutError, match="matching is_photo, got 0"):
        await api.wait_for(is_photo, timeout=0.05)


async def test_get_chat_member_reports_the_status_a_test_set(api: FakeBotApi, bot: Bot) -> None:
    api.make_chat(-4001, "group")
    api.make_user(501, "Admin")
    api.make_user(502, "Vecina")
    api.set_member_status(-4001, 501, "administrator")
    admin = await bot.get_chat_member(-4001, 501)
    member = await bot.get_chat_member(-4001, 502)
    assert (admin.status, admin.user.id) == ("administrator", 501)
    assert (member.status, member.user.id) == ("member", 502)
    api.set_member_status(-4001, 502, "creator")
    assert (await bot.get_chat_member(-4001, 502)).status == "creator"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat_member(-4999, 501)
    with pytest.raises(ValueError, match="unknown member status"):
        api.set_member_status(-4001, 501, "boss")
