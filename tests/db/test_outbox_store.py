"""The outbox queries on SQLite and PostgreSQL: enqueue, leases, due times, outcomes, counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.outbox_models import Broadcast, Delivery
from db.outbox_store import (
    broadcast_counts,
    claim_due,
    complete_broadcasts,
    create_broadcast,
    enqueue,
    mark_failed,
    mark_inactive,
    mark_retry,
    mark_sent,
    outbox_depth,
    release_leases,
    renew_leases,
)
from db.resident_models import Recipient

Sessions = async_sessionmaker[AsyncSession]
LEASE = 30.0


async def new_broadcast(sessionmaker: Sessions, chat_ids: list[int]) -> int:
    async with sessionmaker() as session:
        broadcast = await create_broadcast(
            session=session, kind="announcement", audience="todos", text="<b>Hola</b>", created_by=7
        )
        await enqueue(session=session, broadcast=broadcast, chat_ids=chat_ids)
        await session.commit()
        assert broadcast.id is not None
        return broadcast.id


async def deliveries(sessionmaker: Sessions, broadcast_id: int | None = None) -> list[Delivery]:
    async with sessionmaker() as session:
        statement = select(Delivery).order_by(col(Delivery.id))
        if broadcast_id is not None:
            statement = statement.where(Delivery.broadcast_id == broadcast_id)
        return list((await session.exec(statement)).all())


async def claim(
    sessionmaker: Sessions, owner: str, limit: int = 100, now: datetime | None = None
) -> list[Delivery]:
    async with sessionmaker() as session:
        return await claim_due(session=session, owner=owner, limit=limit, lease_seconds=LEASE, now=now)


async def test_create_broadcast_flushes_an_id_and_keeps_the_draft(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        broadcast = await create_broadcast(
            session=session,
            kind="announcement",
            audience="zona:6",
            text="Aviso",
            created_by=None,
            preview_chat_id=5,
            preview_message_id=9,
        )
        assert broadcast.id is not None
        await session.commit()
    async with sessionmaker() as session:
        stored = await session.get(Broadcast, broadcast.id)
    assert stored is not None
    assert (stored.state, stored.total, stored.preview_chat_id, stored.preview_message_id) == (
        "draft",
        0,
        5,
        9,
    )


async def test_enqueue_is_idempotent_per_chat(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        broadcast = await create_broadcast(
            session=session, kind="announcement", audience="todos", text="Hola", created_by=1
        )
        assert await enqueue(session=session, broadcast=broadcast, chat_ids=[3, 1, 3, 2, -100]) == 4
        assert (broadcast.state, broadcast.total) == ("sending", 4)
        assert await enqueue(session=session, broadcast=broadcast, chat_ids=iter([2, 3, 4])) == 1
        assert broadcast.total == 5
        await session.commit()
    assert broadcast.id is not None
    rows = await deliveries(sessionmaker, broadcast.id)
    assert sorted(d.chat_id for d in rows) == [-100, 1, 2, 3, 4]
    assert {(d.status, d.attempts, d.lease_owner) for d in rows} == {("pending", 0, None)}
    async with sessionmaker() as session:
        stored = await session.get(Broadcast, broadcast.id)
        assert stored is not None
        assert (stored.state, stored.total) == ("sending", 5)
        assert await outbox_depth(session=session) == 5


async def test_enqueue_many_chats_in_chunks(sessionmaker: Sessions) -> None:
    broadcast_id = await new_broadcast(sessionmaker, list(range(1, 2502)))
    async with sessionmaker() as session:
        assert await broadcast_counts(session=session, broadcast_id=broadcast_id) == {
            "pending": 2501,
            "sent": 0,
            "failed": 0,
            "inactive": 0,
        }


async def test_claim_leases_oldest_first_and_others_skip_leased_rows(sessionmaker: Sessions) -> None:
    first = await new_broadcast(sessionmaker, [10, 11, 12])
    second = await new_broadcast(sessionmaker, [20, 21])
    mine = await claim(sessionmaker, "a", limit=4)
    assert [d.chat_id for d in mine] == [10, 11, 12, 20]
    assert {d.lease_owner for d in mine} == {"a"}
    assert all(d.lease_until is not None and d.lease_until > datetime.now(UTC) for d in mine)
    theirs = await claim(sessionmaker, "b", limit=10)
    assert [(d.broadcast_id, d.chat_id) for d in theirs] == [(second, 21)]
    assert await claim(sessionmaker, "c") == []
    assert first != second


async def test_claim_respects_the_due_time(sessionmaker: Sessions) -> None:
    await new_broadcast(sessionmaker, [1, 2])
    [one, two] = await claim(sessionmaker, "a")
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        assert one.id is not None
        assert two.id is not None
        assert await mark_retry(
            session=session, delivery_id=one.id, owner="a", error="Bad Gateway", delay_seconds=60, now=now
        )
        await release_leases(session=session, owner="a")
        await session.commit()
    [again] = await claim(sessionmaker, "b", now=now)
    assert again.id == two.id
    async with sessionmaker() as session:
        assert await mark_sent(session=session, delivery_id=two.id, owner="b")
        await session.commit()
    assert await claim(sessionmaker, "b", now=now + timedelta(seconds=59)) == []
    later = await claim(sessionmaker, "b", now=now + timedelta(seconds=61))
    assert [d.id for d in later] == [one.id]
    assert (later[0].attempts, later[0].last_error) == (1, "Bad Gateway")


async def test_an_expired_lease_is_reclaimable_and_the_old_owner_is_refused(sessionmaker: Sessions) -> None:
    await new_broadcast(sessionmaker, [1, 2, 3])
    old = await claim(sessionmaker, "old")
    assert len(old) == 3
    expired = datetime.now(UTC) + timedelta(seconds=LEASE + 1)
    new = await claim(sessionmaker, "new", now=expired)
    assert [d.id for d in new] == [d.id for d in old]
    ids = [d.id for d in new]
    assert None not in ids
    a, b, c = (int(i) for i in ids if i is not None)
    async with sessionmaker() as session:
        assert not await mark_sent(session=session, delivery_id=a, owner="old")
        assert not await mark_failed(session=session, delivery_id=b, owner="old", error="x")
        assert not await mark_inactive(session=session, delivery_id=c, owner="old", error="blocked")
        assert not await mark_retry(session=session, delivery_id=a, owner="old", error="x", delay_seconds=1)
        assert await renew_leases(session=session, owner="old", lease_seconds=LEASE) == set()
        assert await renew_leases(session=session, owner="new", lease_seconds=LEASE, ids=[a, b]) == {a, b}
        assert await mark_sent(session=session, delivery_id=a, owner="new")
        assert not await mark_sent(session=session, delivery_id=a, owner="new"), "already final"
        await session.commit()
        assert await broadcast_counts(session=session, broadcast_id=new[0].broadcast_id) == {
            "pending": 2,
            "sent": 1,
            "failed": 0,
            "inactive": 0,
        }
    assert await recipients(sessionmaker) == {}


async def recipients(sessionmaker: Sessions) -> dict[int, tuple[bool, str | None]]:
    async with sessionmaker() as session:
        rows = (await session.exec(select(Recipient))).all()
    return {r.chat_id: (r.active, r.inactive_reason) for r in rows}


async def test_outcomes_are_recorded(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        session.add(Recipient(chat_id=3, active=True, updated_at=datetime.now(UTC)))
        await session.commit()
    broadcast_id = await new_broadcast(sessionmaker, [1, 2, 3, -4, 5])
    claimed = {d.chat_id: d.id for d in await claim(sessionmaker, "w")}
    async with sessionmaker() as session:

        def ident(chat_id: int) -> int:
            value = claimed[chat_id]
            assert value is not None
            return value

        assert await mark_sent(session=session, delivery_id=ident(1), owner="w")
        assert await mark_failed(
            session=session, delivery_id=ident(2), owner="w", error="Bad Request: x" * 50
        )
        assert await mark_inactive(
            session=session, delivery_id=ident(3), owner="w", error="Forbidden: bot was blocked by the user"
        )
        assert await mark_inactive(
            session=session, delivery_id=ident(-4), owner="w", error="Bad Request: chat not found"
        )
        await session.commit()
        assert await broadcast_counts(session=session, broadcast_id=broadcast_id) == {
            "pending": 1,
            "sent": 1,
            "failed": 1,
            "inactive": 2,
        }
        assert await complete_broadcasts(session=session) == []
        assert await outbox_depth(session=session) == 1
    rows = {d.chat_id: d for d in await deliveries(sessionmaker)}
    assert rows[1].sent_at is not None
    assert rows[1].status == "sent"
    assert rows[2].last_error is not None
    assert len(rows[2].last_error) <= 300
    assert {d.attempts for c, d in rows.items() if c != 5} == {1}
    assert {d.lease_until for d in rows.values() if d.status != "pending"} == {None}
    assert await recipients(sessionmaker) == {
        3: (False, "Forbidden: bot was blocked by the user"),
        -4: (False, "Bad Request: chat not found"),
    }
    async with sessionmaker() as session:
        assert await release_leases(session=session, owner="w") == 1
        await session.commit()
    [last] = await claim(sessionmaker, "x")
    assert last.chat_id == 5
    assert last.id is not None
    async with sessionmaker() as session:
        assert await mark_sent(session=session, delivery_id=last.id, owner="x")
        assert await complete_broadcasts(session=session, broadcast_ids=[broadcast_id]) == [broadcast_id]
        assert await complete_broadcasts(session=session) == []
        await session.commit()
        stored = await session.get(Broadcast, broadcast_id)
        assert stored is not None
        assert stored.state == "done"


async def test_an_empty_broadcast_completes(sessionmaker: Sessions) -> None:
    broadcast_id = await new_broadcast(sessionmaker, [])
    await new_broadcast(sessionmaker, [5])  # still pending: not done
    async with sessionmaker() as session:
        assert await complete_broadcasts(session=session) == [broadcast_id]
        await session.commit()


async def test_concurrent_claimers_never_share_a_delivery(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    """Four workers claim small batches in parallel until the outbox is empty."""
    await new_broadcast(sessionmaker, list(range(1, 301)))

    async def worker(owner: str) -> list[int]:
        got: list[int] = []
        while True:
            batch = await claim(sessionmaker, owner, limit=7)
            if not batch:
                return got
            got.extend(d.id for d in batch if d.id is not None)
            async with sessionmaker() as session:
                for delivery_id in got[-len(batch) :]:
                    assert await mark_sent(session=session, delivery_id=delivery_id, owner=owner)
                await session.commit()

    results = await asyncio.gather(*(worker(f"w{i}") for i in range(4)))
    claimed = [i for result in results for i in result]
    assert len(claimed) == len(set(claimed)) == 300
    if engine.dialect.name == "postgresql":  # SQLite may let one connection win every round
        assert sum(1 for result in results if result) >= 2, "the claimers did run side by side"


async def test_postgresql_claim_skips_rows_locked_by_another_transaction(
    engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    """SKIP LOCKED: a claimer does not wait for, nor take, rows another claimer is locking."""
    if engine.dialect.name != "postgresql":
        return
    await new_broadcast(sessionmaker, [1, 2, 3, 4])
    async with sessionmaker() as locker:
        locked = (
            await locker.exec(
                select(Delivery.id).order_by(col(Delivery.id)).limit(2).with_for_update()  # type: ignore[arg-type]
            )
        ).all()
        async with asyncio.timeout(5):
            got = await claim(sessionmaker, "b")
        assert {d.id for d in got}.isdisjoint(locked)
        assert len(got) == 2
        await locker.rollback()
