"""The staff service on its own: roles from ADMIN_IDS and from the database, the check that refuses
residents, the staff's menus set per chat (against the fake Bot API), and the staff use cases'
outcomes — on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from db.bot_models import PendingAction
from db.chat_state import ChatState
from db.outbox_models import Delivery
from db.resident_store import add_ground_report
from db.staff_cache import StaffCache
from db.staff_store import add_staff, lock_admins, remove_staff, status_history
from handlers.staff_service import Author, Outcome, Replayed, RoleChange, Staff
from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.staff import StatusChange
from tests.handlers.webapp.test_console import snapshot
from tests.support.fakebotapi import JSON, ErrorResponse, FakeBotApi
from tests.support.followers import follow

ADMIN = 700_000_001
STAFF = 700_000_002
STAFF_ADMIN = 700_000_003
RESIDENT = 100_000_001
NEIGHBOUR = 100_000_002
SNIP = "242177"
STAFF_MENU = {"estado", "historial", "anunciar", "reporte", "exportar", "staff"}

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_bundled_plan())


@dataclass
class Service:
    staff: Staff
    cache: StaffCache
    sessionmaker: Maker
    bot: Bot
    api: FakeBotApi
    wakes: list[None] = field(default_factory=list)

    def menu(self, user_id: int) -> set[str]:
        """The commands the fake says the user's private chat shows."""
        return {c["command"] for c in self.api.commands({"type": "chat", "chat_id": user_id})}


@pytest.fixture
async def service(sessionmaker: Maker, answerer: Answerer, api: FakeBotApi) -> AsyncIterator[Service]:
    cache = StaffCache(sessionmaker, exclusive=True)
    state = ChatState(sessionmaker, exclusive=True)
    wakes: list[None] = []
    staff = Staff(
        sessionmaker,
        answerer,
        cache,
        state,
        admin_ids=(ADMIN,),
        notify_window=timedelta(minutes=10),
        wake_outbox=lambda: wakes.append(None),
    )
    bot = Bot(api.token, base_url=f"{api.url}/bot")
    await bot.initialize()
    try:
        yield Service(staff, cache, sessionmaker, bot, api, wakes)
    finally:
        await bot.shutdown()
        await state.close()
    api.assert_no_violations()


async def store_member(sessionmaker: Maker, user_id: int, role: str) -> None:
    """A staff member written to the database by someone else (another instance, an operator)."""
    async with sessionmaker() as session:
        await add_staff(session=session, user_id=user_id, role=role, added_by=ADMIN)
        await session.commit()


async def two_table_administrators(sessionmaker: Maker, answerer: Answerer, *, exclusive: bool) -> Staff:
    """A staff service without ADMIN_IDS, whose administrators are STAFF_ADMIN and ADMIN of the
    table."""
    staff = Staff(
        sessionmaker,
        answerer,
        StaffCache(sessionmaker, exclusive=exclusive),
        ChatState(sessionmaker, exclusive=exclusive),
        admin_ids=(),
    )
    await store_member(sessionmaker, STAFF_ADMIN, "admin")
    await store_member(sessionmaker, ADMIN, "admin")
    return staff


async def test_roles_come_from_admin_ids_and_from_the_database(service: Service) -> None:
    await store_member(service.sessionmaker, STAFF_ADMIN, "admin")
    assert await service.staff.role(ADMIN) == "admin"  # ADMIN_IDS, with no row of its own
    assert await service.staff.role(STAFF_ADMIN) == "admin"
    assert await service.staff.add(service.bot, ADMIN, STAFF) is RoleChange.ADDED
    assert await service.staff.role(STAFF) == "staff"
    assert await service.staff.members() == [ADMIN, STAFF_ADMIN, STAFF]


async def test_the_check_refuses_residents_and_follows_the_database_at_once(service: Service) -> None:
    assert await service.staff.role(RESIDENT) is None
    assert await service.staff.role(None) is None  # an update with no sender
    assert not await service.staff.sees_staff_view(RESIDENT, "private")
    await store_member(service.sessionmaker, RESIDENT, "staff")  # written elsewhere, not through Staff
    assert await service.staff.role(RESIDENT) == "staff"
    assert await service.staff.remove(service.bot, ADMIN, RESIDENT) is RoleChange.REMOVED
    assert await service.staff.role(RESIDENT) is None
    assert await service.staff.remove(service.bot, ADMIN, RESIDENT) is RoleChange.NOT_STAFF


async def test_the_staff_view_is_for_staff_in_their_private_chat_and_follows_changes(
    service: Service,
) -> None:
    assert await service.staff.sees_staff_view(ADMIN, "private")
    assert not await service.staff.sees_staff_view(ADMIN, "supergroup")
    assert not await service.staff.sees_staff_view(STAFF, "private")  # remembered as not staff …
    await service.staff.add(service.bot, ADMIN, STAFF)
    assert await service.staff.sees_staff_view(STAFF, "private")  # … until a role changes
    await service.staff.remove(service.bot, ADMIN, STAFF)
    assert not await service.staff.sees_staff_view(STAFF, "private")


async def test_menus_are_set_per_chat_for_staff_only(service: Service) -> None:
    await store_member(service.sessionmaker, STAFF, "staff")
    await service.staff.set_menus(service.bot)
    assert service.menu(ADMIN) >= STAFF_MENU
    assert service.menu(STAFF) >= STAFF_MENU
    assert {"zona", "proyecto"} <= service.menu(STAFF)  # the residents' commands too
    assert service.menu(RESIDENT) == set()
    assert service.api.commands() == []  # the default scope is not the staff's
    await service.staff.add(service.bot, ADMIN, NEIGHBOUR)
    assert service.menu(NEIGHBOUR) >= STAFF_MENU
    await service.staff.remove(service.bot, ADMIN, STAFF)
    assert service.menu(STAFF) == set()


async def test_a_staff_member_without_a_private_chat_does_not_stop_the_other_menus(service: Service) -> None:
    def to_staff(method: str, params: JSON) -> bool:
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        return method == "setMyCommands" and isinstance(scope, dict) and scope.get("chat_id") == STAFF

    service.api.add_fault(to_staff, ErrorResponse.for_status(400, description="Bad Request: chat not found"))
    await store_member(service.sessionmaker, STAFF, "staff")
    await store_member(service.sessionmaker, STAFF_ADMIN, "admin")
    await service.staff.set_menus(service.bot)
    assert service.menu(STAFF) == set()
    assert service.menu(ADMIN) >= STAFF_MENU
    assert service.menu(STAFF_ADMIN) >= STAFF_MENU


async def test_the_team_is_admin_ids_then_the_table_with_who_added_whom_and_names(service: Service) -> None:
    await store_member(service.sessionmaker, STAFF_ADMIN, "admin")
    assert await service.staff.add(service.bot, STAFF_ADMIN, STAFF) is RoleChange.ADDED
    await service.staff.record_status(StatusChange(SNIP, "planificado", None, None), Author(STAFF, "@vieja"))
    await service.staff.record_status(StatusChange(SNIP, "finalizado", None, None), Author(STAFF, "@tecnica"))
    team = await service.staff.team()
    assert [(m.user_id, m.role, m.configured, m.added_by) for m in team.members] == [
        (ADMIN, "admin", True, None),
        (STAFF_ADMIN, "admin", False, ADMIN),
        (STAFF, "staff", False, STAFF_ADMIN),
    ]
    assert all(m.added_at is not None for m in team.members[1:])
    assert dict(team.names) == {STAFF: "@tecnica"}  # the latest name it recorded a status under
    assert await service.staff.members() == [ADMIN, STAFF_ADMIN, STAFF]  # what /staff lists


async def test_an_admin_of_admin_ids_is_neither_added_nor_removed_and_replays_do_nothing(
    service: Service,
) -> None:
    assert await service.staff.add(service.bot, ADMIN, ADMIN) is RoleChange.CONFIGURED
    await store_member(service.sessionmaker, STAFF_ADMIN, "admin")
    assert await service.staff.remove(service.bot, STAFF_ADMIN, ADMIN) is RoleChange.CONFIGURED
    await service.staff.remove(service.bot, ADMIN, STAFF_ADMIN)
    assert [m.user_id for m in (await service.staff.team()).members] == [ADMIN]
    assert (
        await service.staff.add(service.bot, ADMIN, STAFF, action_id="team-key-0000001") is RoleChange.ADDED
    )
    assert await service.staff.add(service.bot, ADMIN, STAFF) is RoleChange.ALREADY
    with pytest.raises(Replayed):
        await service.staff.remove(service.bot, ADMIN, STAFF, action_id="team-key-0000001")
    assert await service.staff.role(STAFF) == "staff"


async def test_nobody_removes_themselves_and_the_last_administrator_stays(
    sessionmaker: Maker, answerer: Answerer, api: FakeBotApi
) -> None:
    """Without ADMIN_IDS the administrators are the table's: removing oneself is refused (also
    for the last one), another administrator may be removed, and nothing is written on refusal."""
    staff = await two_table_administrators(sessionmaker, answerer, exclusive=True)
    async with Bot(api.token, base_url=f"{api.url}/bot") as bot:
        before = await snapshot(sessionmaker)
        assert await staff.remove(bot, STAFF_ADMIN, STAFF_ADMIN) is RoleChange.SELF
        assert await snapshot(sessionmaker) == before
        assert await staff.remove(bot, STAFF_ADMIN, ADMIN) is RoleChange.REMOVED
        before = await snapshot(sessionmaker)
        assert await staff.remove(bot, STAFF_ADMIN, STAFF_ADMIN, action_id="self-remove-00001") is (
            RoleChange.SELF
        )
        assert await snapshot(sessionmaker) == before
        assert await staff.role(STAFF_ADMIN) == "admin"
        # ADMIN, removed, is no administrator: what it asks is refused and changes nothing
        assert await staff.remove(bot, ADMIN, STAFF_ADMIN) is RoleChange.NOT_ADMIN
        assert await snapshot(sessionmaker) == before


async def test_two_administrators_removing_each_other_at_once_leave_one(
    engine: AsyncEngine, sessionmaker: Maker, answerer: Answerer, api: FakeBotApi
) -> None:
    """STAFF_ADMIN's removal of ADMIN holds the administrators' rows (as ``Staff.remove`` does)
    when ADMIN's removal of STAFF_ADMIN starts; the second waits for the first and then finds its
    author gone. On PostgreSQL it waits on the rows' lock (seen in pg_stat_activity; without the
    lock it would read both administrators and remove the last one); SQLite has one writer."""
    staff = await two_table_administrators(sessionmaker, answerer, exclusive=False)
    async with Bot(api.token, base_url=f"{api.url}/bot") as bot:
        async with sessionmaker() as first:
            assert await lock_admins(session=first) == {ADMIN, STAFF_ADMIN}
            second = asyncio.create_task(staff.remove(bot, ADMIN, STAFF_ADMIN))
            if engine.dialect.name == "postgresql":
                await blocked_or_done(second, sessionmaker)
            else:
                for _ in range(50):
                    await asyncio.sleep(0)
            await remove_staff(session=first, user_id=ADMIN)
            await first.commit()
        assert await second is RoleChange.NOT_ADMIN
    assert await staff.role(STAFF_ADMIN) == "admin"
    assert await staff.role(ADMIN) is None


async def blocked_or_done(task: asyncio.Task[RoleChange], sessionmaker: Maker) -> None:
    """Until ``task`` waits on a row lock in PostgreSQL (or has finished without waiting)."""
    for _ in range(3000):
        if task.done() or await waiting_on_a_lock(sessionmaker):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the second removal neither waited nor finished")


async def waiting_on_a_lock(sessionmaker: Maker) -> bool:
    async with sessionmaker() as session:
        waiting = await session.exec(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )  # type: ignore[call-overload]
        )
        return bool(waiting.one()[0])


async def test_a_team_change_stands_when_telegram_does_not_answer(
    sessionmaker: Maker, answerer: Answerer, api: FakeBotApi
) -> None:
    """The role is the database's: when the menu cannot be set (Telegram down), the change is
    kept, said, and the menu is set at the next start (``set_menus``)."""
    staff = Staff(
        sessionmaker,
        answerer,
        StaffCache(sessionmaker, exclusive=True),
        ChatState(sessionmaker, exclusive=True),
        admin_ids=(ADMIN,),
        console_url="https://plan.example.org/app/consola/",
    )
    async with Bot(api.token, base_url=f"{api.url}/bot") as bot:
        api.add_fault(
            lambda method, _params: method == "setMyCommands", ErrorResponse.for_status(502), count=1
        )
        assert await staff.add(bot, ADMIN, STAFF) is RoleChange.ADDED
        assert await staff.role(STAFF) == "staff"
        assert api.menu_button(STAFF)["type"] != "web_app"
        await staff.set_menus(bot)
        assert api.menu_button(STAFF)["type"] == "web_app"
        api.add_fault(
            lambda method, _params: method == "deleteMyCommands", ErrorResponse.for_status(502), count=1
        )
        assert await staff.remove(bot, ADMIN, STAFF) is RoleChange.REMOVED
        assert await staff.role(STAFF) is None


async def notices(sessionmaker: Maker) -> set[int]:
    async with sessionmaker() as session:
        return {d.chat_id for d in (await session.exec(select(Delivery))).all()}


async def test_a_status_is_stored_cards_see_it_and_followers_are_told(
    service: Service, answerer: Answerer
) -> None:
    project = answerer.plan.project(SNIP)
    assert project is not None
    assert project.zona is not None
    await follow(service.sessionmaker, RESIDENT, "proyecto", SNIP)
    await follow(service.sessionmaker, NEIGHBOUR, "zona", str(project.zona))
    await follow(service.sessionmaker, 100_000_009, "zona", str(project.zona % 11 + 1))  # another zona
    assert await service.cache.status(SNIP) is None  # a card read it before: remembered
    author = Author(STAFF, "@tecnica")
    _, told = await service.staff.record_status(StatusChange(SNIP, "en_ejecucion", 40, "tubería"), author)
    assert told == 2
    assert await notices(service.sessionmaker) == {RESIDENT, NEIGHBOUR}
    assert service.wakes  # the outbox worker was told
    seen = await service.cache.status(SNIP)
    assert seen is not None
    assert (seen.status, seen.progress) == ("en_ejecucion", 40)
    kept, _ = await service.staff.record_status(
        StatusChange(SNIP, "suspendido", None, None), author, keep_rest=True
    )
    assert (kept.status, kept.progress, kept.note) == ("suspendido", 40, "tubería")
    history = await service.staff.history(SNIP)
    assert history is not None
    assert [e.author for e in history] == ["@tecnica", "@tecnica"]
    assert await service.staff.history("999999") is None  # not a project of the plan


async def test_a_csv_applies_once_only_for_its_sender_within_the_hour(service: Service) -> None:
    changes = [StatusChange(SNIP, "finalizado", 100, None), StatusChange("276227", "en_ejecucion", 10, "x")]
    pending_id = await service.staff.draft_csv(STAFF, changes)
    other = await service.staff.confirm_csv(Author(ADMIN, "Admin"), pending_id, apply=True)
    assert other.outcome is Outcome.NOT_YOURS  # said so, as an announcement's author is
    assert (await service.staff.confirm_csv(Author(ADMIN, "Admin"), pending_id, apply=False)).outcome is (
        Outcome.NOT_YOURS
    )
    applied = await service.staff.confirm_csv(Author(STAFF, "Técnica"), pending_id, apply=True)
    assert (applied.outcome, applied.count) == (Outcome.DONE, 2)
    async with service.sessionmaker() as session:
        rows = await status_history(session=session, snip="276227")
    assert [(r.status, r.progress, r.note, r.author_name) for r in rows] == [
        ("en_ejecucion", 10, "x", "Técnica")
    ]
    again = await service.staff.confirm_csv(Author(STAFF, "Técnica"), pending_id, apply=True)
    assert again.outcome is Outcome.STALE
    late_id = await service.staff.draft_csv(STAFF, changes)
    async with service.sessionmaker() as session:
        late = await session.get(PendingAction, late_id)
        assert late is not None
        late.created_at -= timedelta(hours=1, seconds=1)
        session.add(late)
        await session.commit()
    expired = await service.staff.confirm_csv(Author(STAFF, "Técnica"), late_id, apply=True)
    assert expired.outcome is Outcome.STALE
    dropped_id = await service.staff.draft_csv(STAFF, changes)
    dropped = await service.staff.confirm_csv(Author(STAFF, "Técnica"), dropped_id, apply=False)
    assert dropped.outcome is Outcome.CANCELLED


async def test_an_announcement_goes_only_from_its_author_to_an_audience_that_is_there(
    service: Service,
) -> None:
    await follow(service.sessionmaker, RESIDENT, "zona", "6")
    await follow(service.sessionmaker, NEIGHBOUR, "zona", "7")
    draft_id, recipients = await service.staff.draft_announcement(STAFF, "zona:6", "Corte de agua")
    assert recipients == 1
    assert (await service.staff.confirm_announcement(ADMIN, draft_id, send=True)).outcome is Outcome.NOT_YOURS
    sent = await service.staff.confirm_announcement(STAFF, draft_id, send=True)
    assert (sent.outcome, sent.count) == (Outcome.DONE, 1)
    assert await notices(service.sessionmaker) == {RESIDENT}
    assert (await service.staff.confirm_announcement(STAFF, draft_id, send=True)).outcome is Outcome.STALE
    empty_id, nobody_yet = await service.staff.draft_announcement(STAFF, "zona:3", "Nadie sigue la zona 3")
    assert nobody_yet == 0
    nobody = await service.staff.confirm_announcement(STAFF, empty_id, send=True)
    assert nobody.outcome is Outcome.NOBODY
    assert "3" in nobody.audience
    kept_id, _ = await service.staff.draft_announcement(STAFF, "todos", "Feria")
    cancelled = await service.staff.confirm_announcement(STAFF, kept_id, send=False)
    assert cancelled.outcome is Outcome.CANCELLED
    assert await notices(service.sessionmaker) == {RESIDENT}


async def test_a_report_is_offered_for_review_until_reviewed_and_its_reporter_told_once(
    service: Service,
) -> None:
    async with service.sessionmaker() as session:
        filed = await add_ground_report(
            session=session, snip=SNIP, chat_id=NEIGHBOUR, text="La obra está parada", photo_file_id=None
        )
        await session.commit()
    assert filed.id is not None
    data, unreviewed = await service.staff.report()
    assert unreviewed == [filed.id]
    assert any("La obra está parada" in line for line in data.ground)
    assert await service.staff.review_report(STAFF, filed.id) is True
    assert await notices(service.sessionmaker) == {NEIGHBOUR}
    assert await service.staff.review_report(ADMIN, filed.id) is False  # reviewed already
    assert await service.staff.review_report(STAFF, filed.id + 1) is False  # no such report
    async with service.sessionmaker() as session:
        assert len((await session.exec(select(Delivery))).all()) == 1
    data, unreviewed = await service.staff.report()
    assert unreviewed == []
    assert data.ground == []
