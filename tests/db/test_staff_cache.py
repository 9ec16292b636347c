"""StaffCache: project cards read statuses and roles; only the only consumer keeps them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.resident_store import subscribe
from db.staff_cache import StaffCache
from db.staff_store import add_staff, add_status, remove_staff

Maker = async_sessionmaker[AsyncSession]
ADMINS = (1,)


async def record(sessionmaker: Maker, snip: str, status: str, progress: int | None) -> None:
    async with sessionmaker() as session:
        await add_status(session=session, snip=snip, status=status, progress=progress, note=None, author_id=1)
        await session.commit()


async def test_statuses_read_known_and_forgotten_when_written(sessionmaker: Maker) -> None:
    exclusive = StaffCache(sessionmaker, exclusive=True, status_version_ttl=3600)
    shared = StaffCache(sessionmaker, exclusive=False)
    assert await exclusive.status("242177") is None
    await record(sessionmaker, "242177", "en_ejecucion", 40)
    assert await exclusive.status("242177") is None  # known: this process did not write it
    seen = await shared.status("242177")
    assert seen is not None
    assert (seen.status, seen.progress) == ("en_ejecucion", 40)
    exclusive.status_changed("242177")  # what the handler says after committing /estado
    fresh = await exclusive.status("242177")
    assert fresh is not None
    assert (fresh.status, fresh.progress) == ("en_ejecucion", 40)
    await record(sessionmaker, "242177", "finalizado", 100)
    latest = await shared.status("242177")
    assert latest is not None
    assert latest.status == "finalizado"


async def test_a_status_another_process_recorded_is_seen_once_the_version_is_read(
    sessionmaker: Maker,
) -> None:
    """The staff console (``python -m bot web``) writes statuses beside a polling bot: the bot's
    remembered statuses give way when the status version moved."""
    exclusive = StaffCache(sessionmaker, exclusive=True, status_version_ttl=0)
    assert await exclusive.status("242177") is None
    assert await exclusive.status("206148") is None
    await record(sessionmaker, "206148", "suspendido", None)  # another process; no status_changed
    assert await exclusive.status("242177") is None
    seen = await exclusive.status("206148")
    assert seen is not None
    assert seen.status == "suspendido"
    patient = StaffCache(sessionmaker, exclusive=True, status_version_ttl=3600)
    before = await patient.status("206148")
    await record(sessionmaker, "206148", "finalizado", 100)
    assert await patient.status("206148") == before  # within its time the version is not read again


async def test_roles_read_known_and_forgotten_when_changed(sessionmaker: Maker) -> None:
    exclusive = StaffCache(sessionmaker, exclusive=True)
    shared = StaffCache(sessionmaker, exclusive=False)
    assert await exclusive.role(1, ADMINS) == "admin"
    assert await exclusive.role(7, ADMINS) is None
    async with sessionmaker() as session:
        await add_staff(session=session, user_id=7, role="staff", added_by=1)
        await session.commit()
    assert await shared.role(7, ADMINS) == "staff"
    assert await exclusive.role(7, ADMINS) is None
    exclusive.roles_changed()
    assert await exclusive.role(7, ADMINS) == "staff"
    async with sessionmaker() as session:
        await remove_staff(session=session, user_id=7)
        await session.commit()
    exclusive.roles_changed()
    assert await exclusive.role(7, ADMINS) is None
    assert await shared.role(7, ADMINS) is None


async def test_follows_read_known_and_forgotten_when_changed(sessionmaker: Maker) -> None:
    exclusive = StaffCache(sessionmaker, exclusive=True)
    shared = StaffCache(sessionmaker, exclusive=False)
    assert await exclusive.follows(1000) == frozenset()
    async with sessionmaker() as session:
        await subscribe(session=session, chat_id=1000, kind="zona", key="6")
        await subscribe(session=session, chat_id=2000, kind="zona", key="7")
        await session.commit()
    assert await shared.follows(1000) == {("zona", "6")}
    assert await exclusive.follows(1000) == frozenset()  # known: this process did not write it
    exclusive.follows_changed(1000)  # what the handlers say after committing a (un)subscription
    assert await exclusive.follows(1000) == {("zona", "6")}
