"""End-to-end fixtures: the real Application, polling a fake Bot API over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from tests.conftest import running_bot, settings_for
from tests.support.fakebotapi import FakeBotApi, Sent


@dataclass
class Chat:
    """One conversation with the bot: say something, get what the bot sent back."""

    api: FakeBotApi
    app: Application  # type: ignore[type-arg]

    async def say(
        self, text: str, *, count: int = 1, chat_id: int | None = None, **kwargs: Any
    ) -> list[Sent]:
        chat = chat_id if chat_id is not None else self.api.user_id
        mark = self.api.mark()
        self.api.send_text(chat, text, **kwargs)
        return await self.api.wait_for_sent(chat, count=count, since=mark)

    async def press(self, sent: Sent, data: str, *, count: int = 1) -> list[Sent]:
        mark = self.api.mark()
        self.api.press_button(sent.message, data)
        await self.api.wait_for("answerCallbackQuery", since=mark)
        return await self.api.wait_for_sent(sent.chat_id, count=count, since=mark) if count else []


@pytest.fixture
async def chat(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    async with running_bot(api, settings_for(api, tmp_path / "bot.db")) as application:
        yield Chat(api, application)
    api.assert_no_violations()
