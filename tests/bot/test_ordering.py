"""ChatOrderedProcessor: chats at the same time, one chat's updates in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import Update

from bot.ordering import ChatOrderedProcessor
from tests.conftest import running_bot, settings_for
from tests.support.fakebotapi import FakeBotApi


def message_update(update_id: int, chat_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_764_000_000,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Vecina"},
                "text": f"mensaje {update_id}",
            },
        },
        None,
    )


def inline_update(update_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "inline_query": {
                "id": str(update_id),
                "from": {"id": 9, "is_bot": False, "first_name": "Líder"},
                "query": "zona 6",
                "offset": "",
            },
        },
        None,
    )


class Journal:
    """Records when each update's handling starts and ends; ``gates`` hold an update open."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.gates: dict[int, asyncio.Event] = {}

    async def handle(self, update_id: int) -> None:
        self.events.append(f"start {update_id}")
        gate = self.gates.get(update_id)
        if gate is not None:
            await gate.wait()
        else:
            await asyncio.sleep(0)
        self.events.append(f"end {update_id}")


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_chat_waits_for_its_previous_update_others_do_not() -> None:
    processor = ChatOrderedProcessor(8)
    journal = Journal()
    journal.gates[1] = asyncio.Event()
    tasks = [
        asyncio.create_task(processor.process_update(message_update(n, chat), journal.handle(n)))
        for n, chat in ((1, 100), (2, 100), (3, 200))
    ]
    await settle()
    assert journal.events == ["start 1", "start 3", "end 3"]  # 2 waits for 1; chat 200 is not held
    assert processor.chats_in_progress == 1
    journal.gates[1].set()
    await asyncio.gather(*tasks)
    assert journal.events == ["start 1", "start 3", "end 3", "end 1", "start 2", "end 2"]
    assert processor.chats_in_progress == 0  # nothing kept for chats that went quiet


async def test_updates_of_one_chat_run_in_arrival_order() -> None:
    processor = ChatOrderedProcessor(64)
    journal = Journal()
    tasks = [
        asyncio.create_task(processor.process_update(message_update(n, 100), journal.handle(n)))
        for n in range(1, 21)
    ]
    await asyncio.gather(*tasks)
    assert journal.events == [e for n in range(1, 21) for e in (f"start {n}", f"end {n}")]


async def test_updates_without_a_chat_are_not_held() -> None:
    processor = ChatOrderedProcessor(8)
    journal = Journal()
    journal.gates[1] = asyncio.Event()
    first = asyncio.create_task(processor.process_update(inline_update(1), journal.handle(1)))
    second = asyncio.create_task(processor.process_update(inline_update(2), journal.handle(2)))
    await settle()
    assert journal.events == ["start 1", "start 2", "end 2"]
    journal.gates[1].set()
    await asyncio.gather(first, second)


async def test_a_failing_update_does_not_block_the_chat() -> None:
    processor = ChatOrderedProcessor(8)
    journal = Journal()

    async def fail() -> None:
        raise RuntimeError("handler bug")

    with pytest.raises(RuntimeError, match="handler bug"):
        await processor.process_update(message_update(1, 100), fail())
    await processor.process_update(message_update(2, 100), journal.handle(2))
    assert journal.events == ["start 2", "end 2"]
    assert processor.chats_in_progress == 0


async def test_at_most_max_concurrent_updates_run_at_once() -> None:
    processor = ChatOrderedProcessor(2)
    journal = Journal()
    for n in (1, 2, 3):
        journal.gates[n] = asyncio.Event()
    tasks = [
        asyncio.create_task(processor.process_update(message_update(n, 100 + n), journal.handle(n)))
        for n in (1, 2, 3)
    ]
    await settle()
    assert journal.events == ["start 1", "start 2"]
    journal.gates[1].set()
    await settle()
    assert journal.events == ["start 1", "start 2", "end 1", "start 3"]
    journal.gates[2].set()
    journal.gates[3].set()
    await asyncio.gather(*tasks)


async def test_a_follow_up_sent_at_once_is_answered_after_its_question(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """End to end with the bot's own concurrency: two chats write two messages each without
    waiting; each chat's follow-up still sees the question before it."""
    settings = settings_for(api, tmp_path / "bot.db")
    async with running_bot(api, settings, concurrent_updates=64):
        mark = api.mark()
        chats = (api.user_id, api.user_id + 1)
        for chat_id in chats:
            api.send_text(chat_id, "pozo en San José Las Rosas")
            api.send_text(chat_id, "¿y cuánto cuesta?")
        for chat_id in chats:
            replies = await api.wait_for_sent(chat_id, count=2, since=mark)
            assert all("Q 2,108,047.56" in reply.plain_text for reply in replies)
