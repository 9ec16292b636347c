"""What the fake Telegram knows: users, chats, messages, files and the queue of updates, shared
by the users' side (``people.py``) and the bot's side (``methods.py``) of the fake."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakebotapi.records import DEFAULT_USER_ID, JSON, ChatId, UserLike

# Update types Telegram does not deliver unless they are listed in ``allowed_updates``.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# ChatMember fields beyond status and user, by status (what getChatMember answers).
MEMBER_STATUSES: dict[str, JSON] = {
    "creator": {"is_anonymous": False},
    "administrator": {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
    },
    "member": {},
    "left": {},
    "kicked": {"until_date": 0},
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes | None
    file_path: str
    file_size: int | None
    photo_set: list[JSON] | None = None  # every PhotoSize of the photo this file belongs to
    meta: JSON = field(default_factory=dict)  # kind-specific fields (file_name, mime_type...)


@dataclass
class Poll:
    """A pending getUpdates call; a newer one terminates it (HTTP 409), like Telegram does."""

    terminated: bool = False


class State:
    """The fake's state and the bookkeeping both sides of it use. All of it lives in the event
    loop's thread and is only changed between awaits, so concurrent requests need no locks."""

    def __init__(self, *, token: str | None, bot_username: str, bot_first_name: str) -> None:
        self.token = token or f"{secrets.randbelow(9 * 10**9) + 10**9}:AA{secrets.token_urlsafe(33)[:33]}"
        bot_id_text = self.token.split(":", 1)[0]
        self.bot_id = int(bot_id_text) if bot_id_text.isdigit() else 1_000_000_000
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.updates: list[JSON] = []  # every update ever queued
        self.delivery_counts: Counter[int] = Counter()  # update_id -> times handed to getUpdates

        self._queue: list[JSON] = []  # updates not yet confirmed through getUpdates' offset
        self._updates_changed = asyncio.Event()
        self._next_update_id = 1
        self._active_poll: Poll | None = None
        self._allowed_updates: frozenset[str] | None = None
        self._closing = False

        self._users: dict[int, JSON] = {}
        self._chats: dict[ChatId, JSON] = {}
        self._messages: dict[tuple[ChatId, int], JSON] = {}
        self._bot_messages: set[tuple[ChatId, int]] = set()
        self._message_counters: Counter[ChatId] = Counter()
        self._files: dict[str, StoredFile] = {}
        self._file_counter = 0
        self._query_counter = 0
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._menu_buttons: dict[int | None, JSON] = {}  # chat id (None: the bot's default) -> button
        self._webhook: JSON = {}
        self._member_status: dict[tuple[ChatId, int], str] = {}  # (chat id, user id) -> status

        self.user: JSON = self.make_user(
            DEFAULT_USER_ID, "Test", last_name="User", username="test_user", language_code="es"
        )

    @property
    def user_id(self) -> int:
        """Id of the default private user (also the id of its private chat)."""
        return int(self.user["id"])

    def make_user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
        is_bot: bool = False,
    ) -> JSON:
        """Register (or replace) a user and return its User dict."""
        user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def make_chat(
        self, chat_id: int, chat_type: str = "group", *, title: str | None = None, username: str | None = None
    ) -> JSON:
        """Register a group, supergroup or channel (negative id) and return its Chat dict."""
        if chat_type not in ("group", "supergroup", "channel"):
            raise ValueError("make_chat is for group/supergroup/channel chats; use make_user for users")
        if chat_id >= 0:
            raise ValueError(f"{chat_type} ids are negative (e.g. -100123 for supergroups), got {chat_id}")
        chat: JSON = {"id": chat_id, "type": chat_type, "title": title or f"Test {chat_type} {-chat_id}"}
        if username:
            chat["username"] = username
        if chat_type == "supergroup":
            chat["is_forum"] = False
        self._chats[chat_id] = chat
        return dict(chat)

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw Update dict; ``update_id`` is assigned unless present. Returns a copy."""
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            message = update.get(key)
            if isinstance(message, dict) and "chat" in message and "message_id" in message:
                self._remember_chat(message["chat"])
                self._store(message)
        self._queue.append(update)
        self.updates.append(update)
        self._wake_pollers()
        return copy.deepcopy(update)

    def _wake_pollers(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _is_allowed(self, update: JSON) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self._allowed_updates

    def _resolve_user(self, user: UserLike, *, default_id: int | None = None) -> JSON:
        if isinstance(user, dict):
            self._users.setdefault(int(user["id"]), dict(user))
            return dict(user)
        user_id = user if isinstance(user, int) else default_id
        if user_id is None:
            return dict(self.user)
        if user_id not in self._users:
            self.make_user(user_id, f"User{user_id}")
        return dict(self._users[user_id])

    def _remember_chat(self, chat: JSON) -> None:
        self._chats.setdefault(chat["id"], dict(chat))

    def _next_message_id(self, chat_id: ChatId) -> int:
        self._message_counters[chat_id] += 1
        return self._message_counters[chat_id]

    def _store(self, message: JSON) -> None:
        key = (message["chat"]["id"], int(message["message_id"]))
        self._messages[key] = copy.deepcopy(message)
        self._message_counters[key[0]] = max(self._message_counters[key[0]], key[1])

    @staticmethod
    def _reply_copy(message: JSON) -> JSON:
        reply = copy.deepcopy(message)
        reply.pop("reply_to_message", None)  # Telegram nests replies one level deep only
        return reply

    def _find_chat(self, key: ChatId) -> JSON | None:
        if isinstance(key, str):
            username = key.removeprefix("@").lower()
            for chat in self._chats.values():
                if str(chat.get("username", "")).lower() == username:
                    return dict(chat)
            return None
        found = self._chats.get(key)
        return dict(found) if found is not None else None

    def _register_file(
        self,
        file_id: str,
        data: bytes | None,
        *,
        file_path: str | None = None,
        file_unique_id: str | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> JSON:
        """Make ``file_id`` known: the bot may send it, ``getFile`` it and download ``data``."""
        self._file_counter += 1
        ext = (file_name or "").rpartition(".")[2] if file_name and "." in file_name else "bin"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=file_unique_id or f"AgAD{self._file_counter:08d}",
            data=data,
            file_path=file_path or f"documents/file_{self._file_counter}.{ext}",
            file_size=None if data is None else len(data),
        )
        if file_name:
            stored.meta["file_name"] = file_name
        if mime_type:
            stored.meta["mime_type"] = mime_type
        self._files[file_id] = stored
        return self._file_object(stored)

    def _new_file(
        self, folder: str, data: bytes, *, name: str | None = None, ext: str | None = None
    ) -> StoredFile:
        self._file_counter += 1
        number = self._file_counter
        extension = ext or (name.rpartition(".")[2] if name and "." in name else "bin")
        file_id = (
            base64.urlsafe_b64encode(f"{folder}:{number}:{self.bot_id}:fake".encode()).decode().rstrip("=")
        )
        stored = StoredFile(
            file_id=f"BQAC{file_id}",
            file_unique_id=f"AgAD{number:08d}",
            data=data,
            file_path=f"{folder}/file_{number}.{extension}",
            file_size=len(data),
        )
        if name:
            stored.meta["file_name"] = name
        self._files[stored.file_id] = stored
        return stored

    def _new_photo(self, data: bytes, size: tuple[int, int]) -> list[JSON]:
        """PhotoSize list like Telegram's (90/320/800/1280 px thumbnails up to the original)."""
        width, height = size
        dimensions: list[tuple[int, int]] = []
        for side in (90, 320, 800, 1280):
            scale = min(1.0, side / max(width, height, 1))
            scaled = (max(1, round(width * scale)), max(1, round(height * scale)))
            if scaled not in dimensions:
                dimensions.append(scaled)
            if scale == 1.0:
                break
        photo_set: list[JSON] = []
        for w, h in dimensions:
            stored = self._new_file("photos", data, ext="jpg")
            # Every size serves the original bytes; smaller sizes report a proportional size.
            largest = (w, h) == dimensions[-1]
            stored.file_size = len(data) if largest else max(1, len(data) * w * h // max(1, width * height))
            photo_set.append(self._photo_size(stored, w, h))
        for entry in photo_set:
            self._files[entry["file_id"]].photo_set = photo_set
        return copy.deepcopy(photo_set)

    @staticmethod
    def _photo_size(stored: StoredFile, width: int, height: int) -> JSON:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": width,
            "height": height,
            "file_size": stored.file_size or 0,
        }

    @staticmethod
    def _file_object(stored: StoredFile) -> JSON:
        result: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if stored.file_size is not None:
            result["file_size"] = stored.file_size
        result["file_path"] = stored.file_path
        return result

    def _new_query_id(self) -> str:
        self._query_counter += 1
        return str(4_000_000_000_000_000 + self._query_counter)

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope or (isinstance(scope, dict) and scope.get("type") == "default"):
            return "default"
        return json.dumps(scope, sort_keys=True)
