"""Updates of different chats at the same time; updates of one chat one after another."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes up to ``max_concurrent_updates`` updates at once, but the updates of one chat
    in the order they arrived, each after the previous one finished.

    Why: a follow-up ("¿y en la zona 10?") must see the context its previous message left, and a
    photo sent right after "📣 Reportar avance" must find the request; with plain concurrency two
    messages of one chat may be handled out of order. Telegram itself delivers a chat's updates
    in order, so ordering per chat is all the bot has to keep. Updates without a chat (inline
    queries) are not ordered.
    """

    __slots__ = ("_chats",)

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _ChatTurns] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_of(update)
        if chat_id is None:
            await coroutine
            return
        turns = self._chats.get(chat_id)
        if turns is None:
            turns = self._chats[chat_id] = _ChatTurns()
        turns.holders += 1
        try:
            async with turns.lock:  # asyncio.Lock wakes its waiters first come, first served
                await coroutine
        finally:
            turns.holders -= 1
            if turns.holders == 0:
                del self._chats[chat_id]

    @property
    def chats_in_progress(self) -> int:
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""


@dataclass
class _ChatTurns:
    """One chat's lock and how many of its updates hold it or wait for it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    return chat.id if chat is not None else None
