"""The users' side of the fake: what people do in Telegram (write, press a button, send a photo,
type an inline query...), each queued as a real ``Update`` the bot receives through
``getUpdates``."""

from __future__ import annotations

import base64
import copy
from collections.abc import Sequence

from tests.support.fakebotapi.entities import auto_entities
from tests.support.fakebotapi.records import JSON, ReplyTo, Sent, UserLike
from tests.support.fakebotapi.state import MEMBER_STATUSES, State
from tests.support.fakebotapi.wire import image_size, now

# A 1x1 transparent PNG, served for user-sent photos when the test does not provide bytes.
_TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class People(State):
    """User-side helpers: synchronous, they queue the update and wake the pending long poll."""

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What ``getChatMember`` says of the user in the chat: "creator", "administrator",
        "member" (the default for everyone), "left" or "kicked"."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}; one of {sorted(MEMBER_STATUSES)}")
        self._member_status[(chat_id, user_id)] = status

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """A user writes ``text``; /commands, @mentions, URLs and #hashtags get entities."""
        content: JSON = {"text": text}
        found = auto_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_command(
        self,
        chat_id: int,
        command: str,
        args: str | Sequence[str] = "",
        *,
        user: UserLike = None,
        chat_type: str = "private",
        mention_bot: bool = False,
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends ``/command args`` (``/command@bot args`` with ``mention_bot``)."""
        name = command.removeprefix("/")
        if mention_bot:
            name += f"@{self.bot_user['username']}"
        arg_text = args if isinstance(args, str) else " ".join(args)
        text = f"/{name} {arg_text}" if arg_text else f"/{name}"
        return self.send_text(chat_id, text, user=user, chat_type=chat_type, reply_to=reply_to)

    def edit_text(self, message: JSON, text: str, *, entities: list[JSON] | None = None) -> JSON:
        """The author of ``message`` edits it; queues an ``edited_message`` update."""
        key = (message["chat"]["id"], int(message["message_id"]))
        stored = self._messages.get(key)
        if stored is None:
            raise ValueError(f"message {key} does not exist (deleted?)")
        if key in self._bot_messages:
            raise ValueError(f"message {key} was sent by the bot; users can only edit their own")
        stored["text"] = text
        stored.pop("entities", None)
        found = auto_entities(text) if entities is None else entities
        if found:
            stored["entities"] = found
        stored["edit_date"] = now()
        kind = "edited_channel_post" if stored["chat"]["type"] == "channel" else "edited_message"
        return self.push_update({kind: stored})

    def channel_post(
        self, chat_id: int, text: str, *, title: str | None = None, entities: list[JSON] | None = None
    ) -> JSON:
        """A post in a channel the bot administers (``channel_post`` update, no ``from``)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self.make_chat(chat_id, "channel", title=title)
        elif chat["type"] != "channel":
            raise ValueError(f"chat {chat_id} is a {chat['type']}, not a channel")
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "sender_chat": dict(chat),
            "chat": dict(chat),
            "date": now(),
            "text": text,
        }
        found = auto_entities(text) if entities is None else entities
        if found:
            message["entities"] = found
        return self.push_update({"channel_post": message})

    def press_button(
        self, message: JSON | Sent, callback_data: str, *, user: UserLike = None, check: bool = True
    ) -> JSON:
        """A user presses the inline button with ``callback_data`` under one of the bot's messages.

        The update carries the message as it is *now* (after edits). With ``check`` (default) a
        ValueError is raised if that message is gone or has no such button.
        """
        message_dict = message.message if isinstance(message, Sent) else message
        key = (message_dict["chat"]["id"], int(message_dict["message_id"]))
        current = self._messages.get(key)
        if check:
            if current is None:
                raise ValueError(f"message {key} does not exist (deleted?)")
            available = [
                button.get("callback_data")
                for row in current.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            if callback_data not in available:
                raise ValueError(f"message {key} has no button {callback_data!r}; buttons: {available}")
        shown = current if current is not None else message_dict
        chat = shown["chat"]
        sender = self._resolve_user(user, default_id=chat["id"] if chat["type"] == "private" else None)
        query_id = self._new_query_id()
        self._open_callback_queries.add(query_id)
        query: JSON = {
            "id": query_id,
            "from": sender,
            "message": copy.deepcopy(shown),
            "chat_instance": str(10**18 + abs(int(chat["id"]))),
            "data": callback_data,
        }
        return self.push_update({"callback_query": query})

    def inline_query(
        self, query: str, *, user: UserLike = None, offset: str = "", chat_type: str | None = "private"
    ) -> JSON:
        """A user types ``@bot query`` in some chat."""
        query_id = self._new_query_id()
        self._open_inline_queries.add(query_id)
        inline: JSON = {"id": query_id, "from": self._resolve_user(user), "query": query, "offset": offset}
        if chat_type:
            inline["chat_type"] = chat_type
        return self.push_update({"inline_query": inline})

    def send_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        set_name: str | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        stored = self._new_file("stickers", b"RIFF\x00\x00\x00\x00WEBPfake", ext="webp")
        sticker: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        if set_name:
            sticker["set_name"] = set_name
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"sticker": sticker})

    def send_photo_from_user(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends a photo; every size is downloadable (bytes: ``data`` or a tiny PNG)."""
        data = _TINY_PNG if data is None else data
        detected = image_size(data)
        size = (width or (detected or (1280, 720))[0], height or (detected or (1280, 720))[1])
        content: JSON = {"photo": self._new_photo(data, size)}
        if caption is not None:
            content["caption"] = caption
            found = auto_entities(caption)
            if found:
                content["caption_entities"] = found
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_document_from_user(
        self,
        chat_id: int,
        *,
        file_id: str | None = None,
        data: bytes | None = None,
        file_name: str = "document.txt",
        mime_type: str | None = "text/plain",
        caption: str | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        """A user sends a document: an already registered ``file_id``, or new ``data``."""
        if file_id is not None and file_id in self._files and data is None:
            stored = self._files[file_id]
        elif file_id is not None:
            self._register_file(file_id, data, file_name=file_name, mime_type=mime_type)
            stored = self._files[file_id]
        else:
            stored = self._new_file("documents", data if data is not None else b"", name=file_name)
        document: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        document["file_name"] = stored.meta.get("file_name", file_name)
        if stored.meta.get("mime_type", mime_type):
            document["mime_type"] = stored.meta.get("mime_type", mime_type)
        if stored.file_size is not None:
            document["file_size"] = stored.file_size
        stored.meta.update({k: v for k, v in document.items() if k in ("file_name", "mime_type")})
        content: JSON = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self._user_update("message", chat_id, user, chat_type, reply_to, content)

    def send_voice(
        self,
        chat_id: int,
        *,
        duration: int = 2,
        data: bytes | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        stored = self._new_file("voice", data if data is not None else b"OggS\x00fake-voice", ext="oga")
        voice: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.file_size,
        }
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"voice": voice})

    def send_location(
        self,
        chat_id: int,
        latitude: float,
        longitude: float,
        *,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"location": location})

    def send_contact(
        self,
        chat_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        user: UserLike = None,
        chat_type: str = "private",
        reply_to: ReplyTo = None,
    ) -> JSON:
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._user_update("message", chat_id, user, chat_type, reply_to, {"contact": contact})

    def _user_chat(self, chat_id: int, user: UserLike, chat_type: str) -> tuple[JSON, JSON]:
        if chat_type == "private":
            if chat_id <= 0:
                raise ValueError(f"private chats have the user's (positive) id, got {chat_id}")
            sender = self._resolve_user(user, default_id=chat_id)
            if sender["id"] != chat_id:
                raise ValueError(
                    f"in a private chat the chat id is the user's id ({sender['id']} != {chat_id})"
                )
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = {"id": chat_id, "type": "private"}
                chat.update({k: sender[k] for k in ("first_name", "last_name", "username") if k in sender})
                self._chats[chat_id] = chat
            return dict(chat), sender
        if chat_type in ("group", "supergroup"):
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self.make_chat(chat_id, chat_type)
            elif chat["type"] != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat['type']}, not a {chat_type}")
            return dict(chat), self._resolve_user(user)
        raise ValueError(f"unsupported chat_type {chat_type!r} (use channel_post for channels)")

    def _user_update(
        self,
        kind: str,
        chat_id: int,
        user: UserLike,
        chat_type: str,
        reply_to: ReplyTo,
        content: JSON,
    ) -> JSON:
        chat, sender = self._user_chat(chat_id, user, chat_type)
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "from": sender,
            "chat": chat,
            "date": now(),
            **content,
        }
        if reply_to is not None:
            if isinstance(reply_to, Sent):
                reply_id = reply_to.message_id
            else:
                reply_id = reply_to if isinstance(reply_to, int) else int(reply_to["message_id"])
            target = self._messages.get((chat["id"], reply_id))
            if target is None:
                raise ValueError(f"no message {reply_id} in chat {chat['id']} to reply to")
            message["reply_to_message"] = self._reply_copy(target)
        return self.push_update({kind: message})
