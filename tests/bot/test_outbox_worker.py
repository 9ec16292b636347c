"""The outbox worker with a real telegram.Bot against the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.outbox import OutboxWorker
from bot.outbox_progress import done_text, progress_text
from db.outbox_models import Broadcast, Delivery
from db.outbox_store import create_broadcast, enqueue
from db.resident_models import Recipient
from tests.support.fakebotapi import Call, FakeBotApi

Sessions = async_sessionmaker[AsyncSession]
STAFF_CHAT = 900_000_001


class FlakyRequest(HTTPXRequest):
    """Times out (before anything reaches the server) the first sendMessage to some chats."""

    def __init__(self, time_out_chats: set[int]) -> None:
        super().__init__()
        self.pending = set(time_out_chats)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            chat_id = request_data.parameters.get("chat_id")
            if isinstance(chat_id, int) and chat_id in self.pending:
                self.pending.discard(chat_id)
                raise TimedOut("Timed out")
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def make_bot(api: FakeBotApi, request: HTTPXRequest | None = None) -> Bot:
    return Bot(api.token, base_url=f"{api.url}/bot", request=request or HTTPXRequest())


def make_worker(bot: Bot, sessionmaker: Sessions, **overrides: Any) -> OutboxWorker:
    options: dict[str, Any] = {
        "rate": 100.0,
        "owner": "test-worker",
        "lease_seconds": 10.0,
        "max_attempts": 3,
        "retry_base_delay": 0.05,
        "idle_poll": 0.1,
        "progress_interval": 0.3,
    }
    options.update(overrides)
    return OutboxWorker(bot, sessionmaker, **options)


async def broadcast(
    sessionmaker: Sessions, chat_ids: list[int], *, preview: tuple[int, int] | None = None, text: str = ""
) -> int:
    async with sessionmaker() as session:
        row = await create_broadcast(
            session=session,
            kind="announcement",
            audience="todos",
            text=text or "<b>Aviso</b>: corte de agua en la zona 6 el martes.",
            created_by=1,
            preview_chat_id=preview[0] if preview else None,
            preview_message_id=preview[1] if preview else None,
        )
        await enqueue(session=session, broadcast=row, chat_ids=chat_ids)
        await session.commit()
        assert row.id is not None
        return row.id


async def deliveries(sessionmaker: Sessions) -> dict[tuple[int, int], Delivery]:
    async with sessionmaker() as session:
        rows = (await session.exec(select(Delivery).order_by(col(Delivery.id)))).all()
    return {(d.broadcast_id, d.chat_id): d for d in rows}


def sends_per_chat(api: FakeBotApi) -> Counter[int]:
    return Counter(int(sent.chat_id) for sent in api.sent() if sent.chat_id != STAFF_CHAT)


def ok_sends(api: FakeBotApi) -> list[Call]:
    return [c for c in api.calls("sendMessage") if c.ok and c.params.get("chat_id") != STAFF_CHAT]


def test_texts_use_the_guatemalan_thousands_separator() -> None:
    assert progress_text(1200, 5000) == "Enviando anuncio… Enviados 1.200 de 5.000"
    assert done_text(4990, 10) == "Anuncio enviado: 4.990 entregados, 10 no entregados."


async def test_every_fault_ends_in_a_recorded_outcome(api: FakeBotApi, sessionmaker: Sessions) -> None:
    chats = [*range(1001, 1057), -2001, -2002, -1003001, -1003002]
    c429, c403, c_gone, c400, c500, c502, c_timeout = range(1001, 1008)
    c_group_gone = -2002
    api.fail_next("sendMessage", status=429, retry_after=1, chat_id=c429)
    api.fail_next("sendMessage", status=403, chat_id=c403)
    api.fail_next("sendMessage", status=400, chat_id=c_gone)  # "chat not found"
    kicked = "Forbidden: bot was kicked from the group chat"
    api.fail_next("sendMessage", status=403, description=kicked, chat_id=c_group_gone)
    api.fail_next("sendMessage", status=400, description="Bad Request: message is too long", chat_id=c400)
    api.fail_next("sendMessage", status=500, chat_id=c500)
    api.fail_next("sendMessage", status=502, count=100, chat_id=c502)
    api.delay("sendMessage", 0.05)

    bot = make_bot(api, FlakyRequest({c_timeout}))
    async with bot:
        preview = await bot.send_message(STAFF_CHAT, "Vista previa del anuncio")
        broadcast_id = await broadcast(sessionmaker, chats, preview=(preview.chat_id, preview.message_id))
        worker = make_worker(bot, sessionmaker)
        await worker.run_until_idle(timeout=8)

    rows = await deliveries(sessionmaker)
    by_chat = {chat: rows[(broadcast_id, chat)] for chat in chats}
    outcome = {chat: (d.status, d.attempts) for chat, d in by_chat.items()}
    assert outcome[c429] == ("sent", 1), "a RetryAfter is not a failed attempt"
    assert outcome[c403] == ("inactive", 1)
    assert outcome[c_gone] == ("inactive", 1)
    assert outcome[c_group_gone] == ("inactive", 1)
    assert outcome[c400] == ("failed", 1)
    assert outcome[c500] == ("sent", 2)
    assert outcome[c502] == ("failed", 3)
    assert outcome[c_timeout] == ("sent", 2)
    failed_chats = {c403, c_gone, c_group_gone, c400, c502}
    assert {c for c, (status, _) in outcome.items() if status != "sent"} == failed_chats
    assert by_chat[c403].last_error == "Forbidden: bot was blocked by the user"
    assert by_chat[c_gone].last_error == "BadRequest: Chat not found"
    assert by_chat[c_group_gone].last_error == "Forbidden: bot was kicked from the group chat"
    assert by_chat[c400].last_error == "BadRequest: Message is too long"
    assert by_chat[c502].last_error == "NetworkError: Bad Gateway (after 3 attempts)"
    assert by_chat[c_timeout].last_error == "TimedOut: Timed out", "the failed attempt is on record"
    assert by_chat[c500].last_error == "NetworkError: Internal Server Error"
    assert all(d.lease_until is None for d in by_chat.values())
    assert all(d.sent_at is not None for d in by_chat.values() if d.status == "sent")

    per_chat = sends_per_chat(api)
    assert max(per_chat.values()) == 1, "no chat got the message twice"
    assert set(per_chat) == set(chats) - failed_chats

    async with sessionmaker() as session:
        people = {r.chat_id: r for r in (await session.exec(select(Recipient))).all()}
        stored = await session.get(Broadcast, broadcast_id)
    assert set(people) == {c403, c_gone, c_group_gone}
    assert not people[c403].active
    assert people[c403].inactive_reason == "Forbidden: bot was blocked by the user"
    assert people[c_group_gone].is_group
    assert stored is not None
    assert stored.state == "done"

    final = api.message(STAFF_CHAT, preview.message_id)
    assert final is not None
    assert final["text"] == "Anuncio enviado: 55 entregados, 5 no entregados."
    assert worker.stats["sent"] == 55
    assert worker.stats["rate_limited"] == 1

    # RetryAfter paused everything: nothing was sent during the second that followed, beyond the
    # requests already on their way (answered within the 0.05 s delay, with a wide margin).
    [limited] = [c for c in api.calls("sendMessage") if c.status == 429]
    assert not [c for c in ok_sends(api) if limited.time + 0.3 < c.time < limited.time + 0.9]
    api.assert_no_violations()


async def test_rate_and_per_chat_spacing(api: FakeBotApi, sessionmaker: Sessions) -> None:
    rate = 20.0
    twice = 3001
    await broadcast(sessionmaker, list(range(3001, 3061)))
    await broadcast(sessionmaker, [twice, 3100, 3101], text="Segundo aviso")
    async with make_bot(api) as bot:
        worker = make_worker(bot, sessionmaker, rate=rate)
        await worker.run_until_idle(timeout=9)

    calls = ok_sends(api)
    assert len(calls) == 63
    times = sorted(c.time for c in calls)
    overall = (len(times) - 1) / (times[-1] - times[0])
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert overall <= rate * 1.1, f"{overall:.1f} messages/s"
    assert overall >= rate * 0.5, f"{overall:.1f} messages/s: the configured rate is far from reached"
    assert busiest <= rate * 1.25, f"{busiest} messages in one second"
    to_twice = sorted(c.time for c in calls if c.params.get("chat_id") == twice)
    assert len(to_twice) == 2
    assert to_twice[1] - to_twice[0] >= 1.0
    api.assert_no_violations()


async def test_progress_is_shown_while_sending(api: FakeBotApi, sessionmaker: Sessions) -> None:
    async with make_bot(api) as bot:
        preview = await bot.send_message(STAFF_CHAT, "Vista previa")
        await broadcast(sessionmaker, list(range(4001, 4031)), preview=(STAFF_CHAT, preview.message_id))
        worker = make_worker(bot, sessionmaker, rate=15.0, progress_interval=0.5)
        await worker.run_until_idle(timeout=8)
    edits = [c.params["text"] for c in api.calls("editMessageText") if c.ok]
    assert edits[-1] == "Anuncio enviado: 30 entregados, 0 no entregados."
    progress = edits[:-1]
    assert progress, "at least one progress edit during a 2-second broadcast"
    assert all(
        text.startswith("Enviando anuncio… Enviados ") and text.endswith(" de 30") for text in progress
    )
    assert len(edits) == len(set(edits))
    api.assert_no_violations()


async def test_stop_records_in_flight_sends_and_releases_the_rest(
    api: FakeBotApi, sessionmaker: Sessions
) -> None:
    broadcast_id = await broadcast(sessionmaker, list(range(5001, 5101)))
    api.delay("sendMessage", 0.05)
    async with make_bot(api) as bot:
        first = make_worker(bot, sessionmaker, rate=50.0, owner="first")
        await first.start()
        await api.wait_for(lambda c: c.method == "sendMessage" and c.ok, count=20)
        await first.stop()
        rows = await deliveries(sessionmaker)
        assert not [d for d in rows.values() if d.lease_until is not None], "leases released"
        sent_rows = {chat for (_, chat), d in rows.items() if d.status == "sent"}
        assert sent_rows == set(sends_per_chat(api)), "every message that left is recorded"
        assert 20 <= len(sent_rows) < 100

        second = make_worker(bot, sessionmaker, rate=200.0, owner="second")
        await second.run_until_idle(timeout=8)
    per_chat = sends_per_chat(api)
    assert set(per_chat) == set(range(5001, 5101))
    assert max(per_chat.values()) == 1
    async with sessionmaker() as session:
        stored = await session.get(Broadcast, broadcast_id)
    assert stored is not None
    assert stored.state == "done"


async def test_a_cancelled_broadcast_is_not_sent(api: FakeBotApi, sessionmaker: Sessions) -> None:
    broadcast_id = await broadcast(sessionmaker, [6001, 6002])
    async with sessionmaker() as session:
        stored = await session.get(Broadcast, broadcast_id)
        assert stored is not None
        stored.state = "cancelled"
        session.add(stored)
        await session.commit()
    async with make_bot(api) as bot:
        await make_worker(bot, sessionmaker).run_until_idle(timeout=5)
    assert api.sent() == []
    rows = await deliveries(sessionmaker)
    assert {(d.status, d.last_error) for d in rows.values()} == {("failed", "broadcast cancelled")}


async def test_the_heartbeat_keeps_leases_longer_than_their_term(
    api: FakeBotApi, sessionmaker: Sessions
) -> None:
    """A backlog that takes longer to send than one lease: renewed, never reclaimed or doubled."""
    await broadcast(sessionmaker, list(range(7001, 7013)))
    async with make_bot(api) as bot:
        worker = make_worker(bot, sessionmaker, rate=6.0, lease_seconds=0.9)
        await worker.run_until_idle(timeout=8)
    assert worker.stats["lease_lost"] == 0
    assert worker.stats["sent"] == 12
    assert sends_per_chat(api) == Counter(range(7001, 7013))
