"""The bot's side of the fake: the Bot API methods, each answering with real-shaped JSON and
rejecting what Telegram would reject (HTML parse mode, length limits, keyboards...)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
from collections.abc import Callable
from typing import Any

from tests.support.fakebotapi.entities import HtmlParseError, parse_html, strip_text
from tests.support.fakebotapi.records import (
    JSON,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_COMMANDS,
    MAX_DOWNLOAD_SIZE,
    MAX_INLINE_RESULT_ID_BYTES,
    MAX_INLINE_RESULTS,
    MAX_TEXT_LENGTH,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    WRONG_FILE_ID,
    UploadedFile,
)
from tests.support.fakebotapi.state import MEMBER_STATUSES, Poll, State, StoredFile
from tests.support.fakebotapi.wire import ApiError, bad, chat_key, image_size, int_param, now

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Methods accepted and recorded without any modelling beyond answering ``true``.
_TRUE_METHODS = (
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setMessageReaction",
    "pinChatMessage",
    "unpinChatMessage",
)


class BotApiMethods(State):
    """The Bot API methods the fake implements, by name (:meth:`_handlers`)."""

    def _handlers(self) -> dict[str, Callable[[JSON], Any]]:
        handlers: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda _params: dict(self.bot_user),
            "logOut": lambda _params: True,
            "close": lambda _params: True,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        for name in _TRUE_METHODS:
            handlers[name] = lambda _params: True
        return handlers

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or None
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        if self._active_poll is not None:
            self._active_poll.terminated = True
        poll = self._active_poll = Poll()
        self._wake_pollers()  # wakes a previous poll (now terminated) and wait_delivered()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                changed = self._updates_changed
                if poll.terminated:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                        violation=False,
                    )
                batch = [u for u in self._queue if self._is_allowed(u)][:limit]
                remaining = deadline - loop.time()
                if batch or self._closing or remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await changed.wait()
        finally:
            if self._active_poll is poll:
                self._active_poll = None
        for update in batch:
            self.delivery_counts[update["update_id"]] += 1
        return copy.deepcopy(batch)

    def _target_chat(self, params: JSON) -> JSON:
        """The chat a bot request addresses, created on the fly (a username must be known)."""
        key = chat_key(params.get("chat_id"))
        chat = self._find_chat(key)
        if chat is not None:
            return chat
        if isinstance(key, str):
            raise bad("chat not found")
        if key > 0:
            chat = {"id": key, "type": "private", "first_name": f"User{key}"}
        else:
            chat = {"id": key, "type": "supergroup" if str(key).startswith("-100") else "group"}
            chat["title"] = f"Chat {key}"
        self._chats[key] = chat
        return dict(chat)

    def _bot_message(self, chat: JSON, content: JSON, params: JSON) -> JSON:
        # validate everything before a message id is allocated
        reply = self._reply_target(chat, params)
        markup = self._check_markup(params.get("reply_markup"), web_app_allowed=chat["type"] == "private")
        message: JSON = {"message_id": self._next_message_id(chat["id"])}
        if chat["type"] == "channel":
            message["sender_chat"] = dict(chat)
        else:
            message["from"] = dict(self.bot_user)
        message.update(chat=dict(chat), date=now(), **content)
        if reply is not None:
            message["reply_to_message"] = reply
        if markup is not None and "inline_keyboard" in markup:
            # Message.reply_markup only ever holds inline keyboards
            message["reply_markup"] = markup
        if isinstance(params.get("link_preview_options"), dict):
            message["link_preview_options"] = params["link_preview_options"]
        self._store(message)
        self._bot_messages.add((chat["id"], message["message_id"]))
        return message

    def _reply_target(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
            reply_chat = chat
            if reply.get("chat_id") is not None:
                reply_chat = self._find_chat(chat_key(reply["chat_id"])) or chat
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow_missing = bool(params.get("allow_sending_without_reply"))
            reply_chat = chat
        else:
            return None
        try:
            target = self._messages.get((reply_chat["id"], int(str(message_id))))
        except ValueError:
            raise bad("invalid reply parameters") from None
        if target is None:
            if allow_missing:
                return None
            raise bad("message to be replied not found")
        return self._reply_copy(target)

    def _editable(self, params: JSON) -> JSON | None:
        """The stored message an edit addresses; None for inline messages (inline_message_id)."""
        if params.get("inline_message_id"):
            return None
        chat = self._find_chat(chat_key(params.get("chat_id")))
        message_id = int_param(params, "message_id")
        key = (chat["id"] if chat else chat_key(params.get("chat_id")), message_id)
        message = self._messages.get(key)
        if message is None:
            raise bad("message to edit not found")
        if key not in self._bot_messages:
            raise bad("message can't be edited")
        return message

    def _format(self, text: Any, params: JSON, *, caption: bool) -> tuple[str, list[JSON]]:
        """Apply parse_mode/entities, strip, and enforce Telegram's length limits."""
        text = "" if text is None else str(text)
        entities_key = "caption_entities" if caption else "entities"
        given = params.get(entities_key)
        parse_mode = params.get("parse_mode")
        if isinstance(given, list) and given:
            plain, entities = text, [dict(e) for e in given]
        elif isinstance(parse_mode, str) and parse_mode.lower() == "html":
            try:
                plain, entities = parse_html(text)
            except HtmlParseError as exc:
                raise bad(f"can't parse entities: {exc}") from None
        elif parse_mode in (None, "") or str(parse_mode).lower() in ("markdown", "markdownv2"):
            # Markdown is not validated: the text is kept verbatim, without entities.
            plain, entities = text, []
        else:
            raise bad("unsupported parse_mode")
        plain, entities = strip_text(plain, entities)
        if caption:
            if len(plain) > MAX_CAPTION_LENGTH:
                raise bad("message caption is too long")
        elif not plain:
            raise bad("message text is empty")
        elif len(plain) > MAX_TEXT_LENGTH:
            raise bad("message is too long")
        return plain, entities

    def _check_markup(self, markup: Any, *, web_app_allowed: bool = True) -> JSON | None:
        """``web_app_allowed``: Telegram takes Web App buttons only in private chats with the bot
        (not in groups, not in inline results)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return markup
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad('can\'t parse inline keyboard button: Field "text" must be of type String')
                actions = [name for name in _INLINE_BUTTON_ACTIONS if name in button]
                if not actions:
                    raise bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(actions) > 1:
                    raise bad(
                        "can't parse inline keyboard button: exactly one of the optional fields must be "
                        f"used, got {', '.join(actions)}"
                    )
                if "web_app" in button:
                    url = button["web_app"].get("url") if isinstance(button["web_app"], dict) else None
                    if not web_app_allowed:
                        raise bad("BUTTON_TYPE_INVALID")
                    if not isinstance(url, str) or not url.startswith("https://"):
                        raise bad("BUTTON_URL_INVALID")
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise bad("BUTTON_DATA_INVALID")
        return markup

    def _upload(self, value: Any, folder: str, *, photo: bool) -> StoredFile | list[JSON]:
        """Resolve an InputFile upload, a known file_id or a URL into a stored file / photo set."""
        if isinstance(value, UploadedFile):
            if photo:
                return self._new_photo(value.data, image_size(value.data) or (800, 600))
            stored = self._new_file(folder, value.data, name=value.filename or "document")
            if value.content_type:
                stored.meta["mime_type"] = value.content_type
            return stored
        if isinstance(value, str) and value:
            if value in self._files:
                known = self._files[value]
                if photo:
                    return (
                        copy.deepcopy(known.photo_set)
                        if known.photo_set
                        else [self._photo_size(known, 800, 600)]
                    )
                return known
            if value.startswith(("http://", "https://")):
                if photo:
                    return self._new_photo(b"", (800, 600))
                return self._new_file(folder, b"", name=value.rstrip("/").rpartition("/")[2] or "file")
        raise bad(WRONG_FILE_ID.removeprefix("Bad Request: "))

    def _set_webhook(self, params: JSON) -> bool:
        url = params.get("url")
        if not isinstance(url, str):
            raise bad("bad webhook: URL must be provided for webhook")
        if url and not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = {"url": url}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self._webhook = {}
        if params.get("drop_pending_updates"):
            self._queue.clear()
            self._wake_pollers()
        return True

    def _get_webhook_info(self, _params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise bad("too many commands specified")
        for command in commands:
            if not isinstance(command, dict):
                raise bad("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    def _menu_chat(self, params: JSON) -> int | None:
        """The private chat a menu button is for; None: the bot's default button."""
        if params.get("chat_id") in (None, ""):
            return None
        chat = chat_key(params.get("chat_id"))
        if not isinstance(chat, int) or chat <= 0:  # only private chats have a menu button
            raise bad("chat not found")
        return chat

    def _set_chat_menu_button(self, params: JSON) -> bool:
        chat = self._menu_chat(params)
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict):
            raise bad("can't parse menu button JSON object")
        kind = button.get("type")
        if kind == "web_app":
            text, web_app = button.get("text"), button.get("web_app")
            if not isinstance(text, str) or not text.strip():
                raise bad("menu button text is empty")
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if not isinstance(url, str) or not url.startswith("https://"):
                raise bad("BUTTON_URL_INVALID")
            stored: JSON = {"type": "web_app", "text": text, "web_app": {"url": url}}
        elif kind in ("commands", "default"):
            stored = {"type": kind}
        else:
            raise bad("can't parse menu button: unsupported menu button type")
        if kind == "default":
            self._menu_buttons.pop(chat, None)
        else:
            self._menu_buttons[chat] = stored
        return True

    def _get_chat_menu_button(self, params: JSON) -> JSON:
        return self._menu_button_of(self._menu_chat(params))

    def _menu_button_of(self, chat: int | None) -> JSON:
        """What the chat shows: its own button, else the bot's default, else the commands menu."""
        shown = self._menu_buttons.get(chat) or self._menu_buttons.get(None) or {"type": "commands"}
        return copy.deepcopy(shown)

    def _send_message(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        text, entities = self._format(params.get("text"), params, caption=False)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(chat, content, params)

    def _media_content(self, params: JSON, content: JSON) -> JSON:
        if params.get("caption") is not None:
            caption, entities = self._format(params["caption"], params, caption=True)
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return content

    def _send_photo(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        if params.get("photo") in (None, ""):
            raise bad("there is no photo in the request")
        self._check_markup(params.get("reply_markup"))
        content = self._media_content(params, {})
        photo = self._upload(params["photo"], "photos", photo=True)
        content = {"photo": photo, **content}
        return self._bot_message(chat, content, params)

    def _send_document(self, params: JSON) -> JSON:
        chat = self._target_chat(params)
        if params.get("document") in (None, ""):
            raise bad("there is no document in the request")
        self._check_markup(params.get("reply_markup"))
        content = self._media_content(params, {})
        stored = self._upload(params["document"], "documents", photo=False)
        assert isinstance(stored, StoredFile)
        document: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        document.update({k: stored.meta[k] for k in ("file_name", "mime_type") if k in stored.meta})
        if stored.file_size is not None:
            document["file_size"] = stored.file_size
        return self._bot_message(chat, {"document": document, **content}, params)

    def _send_chat_action(self, params: JSON) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    def _edit_message_text(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        text, entities = self._format(params.get("text"), params, caption=False)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = now()
        return copy.deepcopy(message)

    def _edit_message_caption(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        caption, entities = self._format(params.get("caption"), params, caption=True)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        if "text" in message:
            raise bad("there is no caption in the message to edit")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            message.get("caption", "") == caption
            and message.get("caption_entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_optional(message, "caption", caption or None)
        self._set_optional(message, "caption_entities", entities or None)
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = now()
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        message = self._editable(params)
        markup = self._check_markup(params.get("reply_markup"))
        if message is None:
            return True
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if message.get("reply_markup") == new_markup:
            raise bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._set_optional(message, "reply_markup", new_markup)
        message["edit_date"] = now()
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(message: JSON, key: str, value: Any) -> None:
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value

    def _delete_message(self, params: JSON) -> bool:
        key_chat = chat_key(params.get("chat_id"))
        chat = self._find_chat(key_chat)
        key = (chat["id"] if chat else key_chat, int_param(params, "message_id"))
        if self._messages.pop(key, None) is None:
            raise bad("message to delete not found")
        self._bot_messages.discard(key)
        return True

    def _delete_messages(self, params: JSON) -> bool:
        key_chat = chat_key(params.get("chat_id"))
        chat = self._find_chat(key_chat)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad("message_ids must be a non-empty list of at most 100 identifiers")
        for message_id in ids:
            key = (chat["id"] if chat else key_chat, int(message_id))
            self._messages.pop(key, None)
            self._bot_messages.discard(key)
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callback_queries:
            raise bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    def _answer_inline_query(self, params: JSON) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._open_inline_queries:
            raise bad(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict):
                raise bad("can't parse InlineQueryResult")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= MAX_INLINE_RESULT_ID_BYTES:
                raise bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            self._check_markup(result.get("reply_markup"), web_app_allowed=False)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._format(content["message_text"], content, caption=False)
        self._open_inline_queries.discard(query_id)
        return True

    def _get_chat(self, params: JSON) -> JSON:
        chat = self._find_chat(chat_key(params.get("chat_id")))
        if chat is None:
            raise bad("chat not found")
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._find_chat(chat_key(params.get("chat_id")))
        if chat is None:
            raise bad("chat not found")
        user = self._users.get(int_param(params, "user_id"))
        if user is None:
            raise bad("PARTICIPANT_ID_INVALID")
        status = self._member_status.get((chat["id"], int(user["id"])), "member")
        return {"status": status, "user": dict(user), **MEMBER_STATUSES[status]}

    def _get_file(self, params: JSON) -> JSON:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad("invalid file_id")
        if stored.file_size is not None and stored.file_size > MAX_DOWNLOAD_SIZE:
            raise bad("file is too big")
        return self._file_object(stored)
