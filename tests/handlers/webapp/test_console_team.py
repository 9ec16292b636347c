"""The staff console's team (``/app/api/equipo``) over HTTP, on a real database (SQLite and, with
TEST_DATABASE_URL, PostgreSQL) and the fake Bot API: who may call it (administrators only, and
the check is the console's own, before anything is read), that it is ``/staff``'s use case —
its audit, the staff's commands and the console's menu button set and reset —, and that a
refused, replayed or idle call leaves the database as it was."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from telegram import Bot

from db.chat_state import ChatState
from db.staff_cache import StaffCache
from db.staff_models import AuditEntry, StaffMember
from db.staff_store import add_staff, add_status
from handlers.staff_service import Staff
from handlers.webapp.console import Console, ConsoleSources
from handlers.webapp.explorer import Explorer, Sources
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from tests.handlers.webapp.test_console import Maker, rows_of, snapshot
from tests.support.fakebotapi import FakeBotApi
from tests.support.initdata import console_headers

ADMIN = 700_000_001
"""ADMIN_IDS."""
STAFF_ADMIN = 700_000_003
"""An administrator of the staff table."""
STAFF = 700_000_002
NEWCOMER = 5_123_456_789
"""Ten digits, as newer Telegram ids have."""
RESIDENT = 100_000_001
CONSOLE_URL = "https://plan.example.org/app/consola/"
CONSOLE_BUTTON = {"type": "web_app", "text": t.CONSOLE_MENU_BUTTON, "web_app": {"url": CONSOLE_URL}}


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_bundled_plan())


@dataclass
class Office:
    client: httpx.AsyncClient
    sessionmaker: Maker
    api: FakeBotApi
    token: str

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: int | None = ADMIN,
        key: str | None = "t" * 16,
    ) -> httpx.Response:
        headers = console_headers(self.token, method=method, user=user, key=key)
        content = None
        if method == "POST":
            content = json.dumps(body if body is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        return await self.client.request(method, f"/app/api{path}", content=content, headers=headers)

    def menu(self, user_id: int) -> set[str]:
        return {c["command"] for c in self.api.commands({"type": "chat", "chat_id": user_id})}


@pytest.fixture
async def office(answerer: Answerer, sessionmaker: Maker, api: FakeBotApi) -> AsyncIterator[Office]:
    state = ChatState(sessionmaker, exclusive=False)
    staff = Staff(
        sessionmaker,
        answerer,
        StaffCache(sessionmaker, exclusive=False),
        state,
        admin_ids=(ADMIN,),
        notify_window=timedelta(minutes=10),
        console_url=CONSOLE_URL,
    )
    async with sessionmaker() as session:
        await add_staff(session=session, user_id=STAFF_ADMIN, role="admin", added_by=ADMIN)
        await add_staff(session=session, user_id=STAFF, role="staff", added_by=STAFF_ADMIN)
        await add_status(
            session=session,
            snip="242177",
            status="planificado",
            progress=None,
            note=None,
            author_id=STAFF,
            author_name="@tecnica <b>",
        )
        await session.commit()
    for user_id in (ADMIN, STAFF_ADMIN, STAFF, NEWCOMER, RESIDENT):
        api.make_user(user_id, f"Persona {user_id}")
    async with Bot(api.token, base_url=f"{api.url}/bot") as bot:
        explorer = Explorer(Sources(answerer, sessionmaker, "plan_test_bot"), status_ttl=0)
        sources = ConsoleSources(staff=staff, bot_token=api.token, max_age=3600, bot=bot)
        app = Starlette(routes=[Mount("/app", app=explorer.app(beside=Console(explorer, sources).routes()))])
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://plan") as client:
            yield Office(client, sessionmaker, api, api.token)
    await state.close()
    api.assert_no_violations()


def menu_type(button: Any) -> str:
    return str((json.loads(button) if isinstance(button, str) else button)["type"])


TEAM_CALLS = [
    ("GET", "/equipo", None),
    ("POST", "/equipo", {"user_id": str(NEWCOMER)}),
    ("POST", f"/equipo/{STAFF}/quitar", {}),
]


async def test_the_team_is_for_administrators_only_and_a_refused_call_changes_nothing(office: Office) -> None:
    """Everything else in the console takes staff or administrator alike; the team's calls
    check the role themselves: staff → 403, a resident → 403, no initData → 401."""
    before = await snapshot(office.sessionmaker)
    for method, path, body in TEAM_CALLS:
        for user, status, error in (
            (STAFF, 403, t.CONSOLE_ADMIN_ONLY),
            (RESIDENT, 403, t.CONSOLE_FORBIDDEN),
            (None, 401, t.CONSOLE_UNAUTHORIZED),
        ):
            response = await office.call(method, path, body, user=user)
            assert (response.status_code, response.json()) == (status, {"error": error}), (method, path, user)
    assert await snapshot(office.sessionmaker) == before
    assert office.api.calls("setMyCommands") == office.api.calls("setChatMenuButton") == []
    assert (await office.call("GET", "/yo", user=STAFF)).json()["role"] == "staff"  # the rest stays open


async def test_the_team_lists_who_is_staff_with_names_and_who_added_them(office: Office) -> None:
    before = await snapshot(office.sessionmaker)
    members = (await office.call("GET", "/equipo", user=STAFF_ADMIN)).json()["members"]
    assert await snapshot(office.sessionmaker) == before
    assert [m["user_id"] for m in members] == [ADMIN, STAFF_ADMIN, STAFF]
    admin, staff_admin, staff = members
    assert admin["title"] == str(ADMIN)  # no name known
    assert admin["role"] == t.CONSOLE_TEAM_ROLES["configured"]
    assert (admin["added"], admin["removable"], admin["confirm"]) == (t.CONSOLE_TEAM_CONFIGURED, False, None)
    assert staff_admin["title"] == f"@u{STAFF_ADMIN} · {STAFF_ADMIN} (usted)"  # as Telegram names the caller
    assert staff_admin["role"] == "Administrador"
    assert staff_admin["added"].startswith("Alta: ")
    assert staff_admin["added"].endswith(f", por {ADMIN}")
    assert staff["title"] == f"@tecnica <b> · {STAFF}"  # the page shows it as text
    assert staff["role"] == "Personal"
    assert staff["added"].endswith(f", por @u{STAFF_ADMIN} · {STAFF_ADMIN}")
    assert staff["confirm"] == t.CONSOLE_TEAM_CONFIRM.format(who=f"@tecnica <b> · {STAFF}")


async def test_someone_added_is_staff_audited_and_sees_the_staffs_menu_once(office: Office) -> None:
    response = await office.call("POST", "/equipo", {"user_id": f" {NEWCOMER} "}, key="team-add-00000001")
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["outcome"], data["message"]) == ("added", t.STAFF_ADDED.format(user_id=NEWCOMER))
    assert data["members"][-1]["user_id"] == NEWCOMER
    assert data["members"][-1]["added"].endswith(f", por @u{ADMIN} · {ADMIN}")
    (row,) = [m for m in await rows_of(office.sessionmaker, StaffMember) if m.user_id == NEWCOMER]
    assert (row.role, row.added_by) == ("staff", ADMIN)
    audits = [a for a in await rows_of(office.sessionmaker, AuditEntry) if a.action == "staff_add"]
    assert [(a.actor_id, a.target, a.action_id) for a in audits] == [
        (ADMIN, str(NEWCOMER), "team-add-00000001")
    ]
    assert {"estado", "anunciar", "staff"} <= office.menu(NEWCOMER)
    assert office.api.menu_button(NEWCOMER) == CONSOLE_BUTTON
    assert (await office.call("GET", "/yo", user=NEWCOMER)).json()["role"] == "staff"  # at once

    before = await snapshot(office.sessionmaker)
    replay = await office.call("POST", "/equipo", {"user_id": str(NEWCOMER)}, key="team-add-00000001")
    assert (replay.status_code, replay.json()) == (409, {"error": t.CONSOLE_REPLAYED, "replayed": True})
    again = await office.call("POST", "/equipo", {"user_id": str(NEWCOMER)}, key="team-add-00000002")
    assert again.status_code == 409
    assert (again.json()["outcome"], again.json()["error"]) == (
        "already",
        t.STAFF_ALREADY.format(user_id=NEWCOMER),
    )
    admin = await office.call("POST", "/equipo", {"user_id": ADMIN}, key="team-add-00000003")
    assert (admin.status_code, admin.json()["error"]) == (409, t.STAFF_CONFIGURED.format(user_id=ADMIN))
    assert await snapshot(office.sessionmaker) == before
    assert len(office.api.calls("setChatMenuButton")) == 1


@pytest.mark.parametrize("typed", ["٤٥", "12a", "-5", "0", "", None, True, 4.5, "1" * 17])
async def test_an_id_that_is_not_ascii_digits_is_refused(office: Office, typed: Any) -> None:
    before = await snapshot(office.sessionmaker)
    response = await office.call("POST", "/equipo", {"user_id": typed})
    assert (response.status_code, response.json()) == (400, {"error": t.CONSOLE_TEAM_BAD_ID})
    assert await snapshot(office.sessionmaker) == before


async def test_someone_removed_is_staff_no_more_and_gets_the_bots_own_menu_back(office: Office) -> None:
    assert (
        await office.call("POST", "/equipo", {"user_id": STAFF}, key="team-remove-prep01")
    ).status_code == 409
    response = await office.call("POST", f"/equipo/{STAFF}/quitar", key="team-remove-00001")
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["outcome"], data["message"]) == ("removed", t.STAFF_REMOVED.format(user_id=STAFF))
    assert STAFF not in [m["user_id"] for m in data["members"]]
    audits = [a for a in await rows_of(office.sessionmaker, AuditEntry) if a.action == "staff_remove"]
    assert [(a.actor_id, a.target, a.before, a.action_id) for a in audits] == [
        (ADMIN, str(STAFF), {"role": "staff"}, "team-remove-00001")
    ]
    (reset,) = office.api.calls("setChatMenuButton")
    assert (reset.params["chat_id"], menu_type(reset.params["menu_button"])) == (STAFF, "default")
    assert (await office.call("GET", "/yo", user=STAFF)).status_code == 403  # at once

    await office.call("POST", "/equipo", {"user_id": NEWCOMER}, key="team-remove-prep02")
    assert (office.api.menu_button(NEWCOMER), "staff" in office.menu(NEWCOMER)) == (CONSOLE_BUTTON, True)
    assert (
        await office.call("POST", f"/equipo/{NEWCOMER}/quitar", key="team-remove-prep03")
    ).status_code == 200
    assert office.menu(NEWCOMER) == set()
    assert office.api.menu_button(NEWCOMER) != CONSOLE_BUTTON  # the bot's own again

    before = await snapshot(office.sessionmaker)
    gone = await office.call("POST", f"/equipo/{STAFF}/quitar", key="team-remove-00002")
    assert (gone.status_code, gone.json()["error"]) == (409, t.STAFF_NOT_FOUND.format(user_id=STAFF))
    admin = await office.call("POST", f"/equipo/{ADMIN}/quitar", key="team-remove-00003", user=STAFF_ADMIN)
    assert (admin.status_code, admin.json()["error"]) == (409, t.STAFF_CONFIGURED.format(user_id=ADMIN))
    for wrong in ("abc", "٤٥", "0"):
        assert (
            await office.call("POST", f"/equipo/{wrong}/quitar", key="team-remove-00004")
        ).status_code == 404
    assert (await office.call("POST", f"/equipo/{STAFF_ADMIN}/quitar", key=None)).status_code == 400
    assert await snapshot(office.sessionmaker) == before


async def test_an_administrator_cannot_remove_themselves_from_the_console(office: Office) -> None:
    """Their own row offers no "Quitar" and says why; the call itself is refused the same way as
    ``/staff quitar`` (the same use case), and nothing changes."""
    listed = await office.call("GET", "/equipo", user=STAFF_ADMIN)
    rows = {m["user_id"]: m for m in listed.json()["members"]}
    assert (rows[STAFF_ADMIN]["removable"], rows[STAFF_ADMIN]["note"]) == (False, t.CONSOLE_TEAM_SELF)
    assert (rows[STAFF]["removable"], rows[STAFF]["note"]) == (True, None)
    assert (rows[ADMIN]["removable"], rows[ADMIN]["note"]) == (False, None)  # ADMIN_IDS's
    before = await snapshot(office.sessionmaker)
    for user in (STAFF_ADMIN, ADMIN):
        refused = await office.call("POST", f"/equipo/{user}/quitar", key="team-self-000001", user=user)
        said = refused.json()
        assert (refused.status_code, said["outcome"], said["error"]) == (409, "self", t.STAFF_SELF)
    assert await snapshot(office.sessionmaker) == before
    assert office.api.calls("setChatMenuButton") == []
    assert (await office.call("GET", "/yo", user=STAFF_ADMIN)).status_code == 200


async def test_the_team_page_is_the_same_for_everyone_and_holds_no_data(office: Office) -> None:
    response = await office.client.get("/app/consola/equipo")
    assert response.status_code == 200
    assert str(STAFF) not in response.text
    assert "@tecnica" not in response.text
    assert t.CONSOLE_TEAM_TITLE in response.text
    assert "data-admin hidden" in response.text  # its tab, shown by the script to administrators
