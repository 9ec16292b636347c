"""The staff console's "Edición del plan" over HTTP (httpx's ASGI transport) on a real database
(SQLite and, with TEST_DATABASE_URL, PostgreSQL), wired as the webhook server wires it: the
console's calls go to the bot's own ``Editions`` (the chat's use cases), whose plan is the one the
explorer, the staff service and the handlers answer with.

An upload is previewed (what it is, that it reconciles, every change against the current plan)
or refused with its line and nothing kept; "Cargar" by the staff member who uploaded it loads it
with the chat's audit entry and the zonas' notices in the outbox, and an earlier year's edition
is kept, not made current. Every call checks Telegram's initData and the staff role first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.routing import Mount

from bot.storage import Storage, current_plan, older_editions, replace_plan
from db.bot_models import PendingAction
from db.chat_state import ChatState
from db.models import PlanMeta
from db.outbox_models import Broadcast, Delivery
from db.staff_cache import StaffCache
from db.staff_models import AuditEntry
from db.staff_store import add_staff
from handlers.context import BotData, filled
from handlers.edition_service import Editions
from handlers.staff_service import Staff
from handlers.webapp.console import Console, ConsoleSources
from handlers.webapp.explorer import Explorer, Sources
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.editions import PlanEditions
from knowledge.ingest import read_bundled_text
from tests.conftest import broken_editions
from tests.handlers.webapp.test_console import (
    ADMIN,
    RESIDENT,
    STAFF,
    TOKEN,
    Maker,
    bad_credentials,
    follow,
    rows_of,
    snapshot,
)
from tests.support.editions import (
    ACTION_ADDED,
    ACTION_LINE_ADDED,
    AMOUNTS,
    DROPPED_PROJECTS,
    FUNDING_ADDED,
    FUNDING_DROPPED,
    NEW_PROJECTS,
)
from tests.support.initdata import console_headers

IDENTITY_2024 = "Plan Operativo Anual 2024 de la Municipalidad de Mixco"
IDENTITY_2025 = "Plan Operativo Anual 2025 de la Municipalidad de Mixco"
FOLLOWERS = {3: 100_000_003, 7: 100_000_007, 11: 100_000_011}
"""A follower of each zona the next edition brings a new project to."""
QUIET_ZONA, QUIET_FOLLOWER = 9, 100_000_009
"""Nothing of zona 9 changes in the next edition."""


@dataclass
class Office:
    """The console of a bot that loads editions, and what the tests look at."""

    client: httpx.AsyncClient
    sessionmaker: Maker
    data: BotData
    sources: ConsoleSources
    explorer_sources: Sources
    menus: list[str] = field(default_factory=list)
    """The command menu's "proyectos" text, each time the menus were set again."""

    async def call(
        self,
        method: str,
        path: str,
        content: bytes | None = None,
        *,
        user: int | None = STAFF,
        key: str | None = "e" * 16,
        auth: str | None = None,
    ) -> httpx.Response:
        headers = console_headers(TOKEN, method=method, user=user, key=key, auth=auth)
        if method == "POST" and content is None:
            content, headers["Content-Type"] = b"{}", "application/json"
        elif content is not None:
            headers["Content-Type"] = "application/octet-stream"
        return await self.client.request(method, f"/app/api{path}", content=content, headers=headers)

    async def upload(self, text: str, name: str = "poa-2025.txt", **options: Any) -> httpx.Response:
        return await self.call("POST", f"/edicion?archivo={name}", text.encode(), **options)


@pytest.fixture
async def office(engine: AsyncEngine, sessionmaker: Maker) -> AsyncIterator[Office]:
    """What ``bot.app`` and ``bot.webhook`` wire, on a database holding the bundled plan."""
    storage = Storage(engine, sessionmaker)
    plan = await current_plan(storage)
    data = BotData(sessionmaker=sessionmaker, answerer=Answerer(plan))
    data.plan_editions = PlanEditions.of(filled(data.answerer), await older_editions(storage, plan))
    state = ChatState(sessionmaker, exclusive=False)
    data.staff = Staff(
        sessionmaker,
        filled(data.answerer),
        StaffCache(sessionmaker, exclusive=False),
        state,
        admin_ids=(ADMIN,),
        notify_window=timedelta(minutes=10),
    )
    explorer_sources = Sources(data.answerer, sessionmaker, "plan_test_bot")
    data.plan_listeners.append(lambda answerer: setattr(explorer_sources, "answerer", answerer))
    menus: list[str] = []

    async def set_menus() -> None:
        menus.append(dict(filled(data.answerer).texts.COMMANDS)["proyectos"])

    data.editions = Editions(
        sessionmaker,
        current=data.editions_now,
        save=lambda new, source: replace_plan(storage, new, source),
        use=data.use_editions,
        menus=set_menus,
    )
    async with sessionmaker() as session:
        await add_staff(session=session, user_id=STAFF, role="staff", added_by=ADMIN)
        await session.commit()
    for zona, chat in (*FOLLOWERS.items(), (QUIET_ZONA, QUIET_FOLLOWER)):
        await follow(sessionmaker, chat, "zona", str(zona))
    explorer = Explorer(explorer_sources, status_ttl=0)
    sources = ConsoleSources(staff=data.staff, bot_token=TOKEN, max_age=3600, editions=data.editions)
    console = Console(explorer, sources)
    app = Starlette(routes=[Mount("/app", app=explorer.app(beside=console.routes()))])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plan") as client:
        yield Office(client, sessionmaker, data, sources, explorer_sources, menus)
    await state.close()


async def plan_meta(office: Office) -> PlanMeta:
    (meta,) = await rows_of(office.sessionmaker, PlanMeta)
    return meta


async def edition_notices(office: Office) -> list[Broadcast]:
    return [b for b in await rows_of(office.sessionmaker, Broadcast) if b.kind == "plan_edition"]


def items(preview: dict[str, Any]) -> list[str]:
    return [item for group in preview["groups"] for item in group["items"]]


def group(preview: dict[str, Any], title: str) -> list[str]:
    (found,) = [g["items"] for g in preview["groups"] if g["title"] == title]
    return list(found)


# The preview ---------------------------------------------------------------------------------------
async def test_the_section_shows_the_edition_the_bot_answers_with_and_those_kept(office: Office) -> None:
    data = (await office.call("GET", "/edicion")).json()
    assert (data["year"], data["municipality"]) == (2024, "Mixco")
    assert data["identity"] == f"El bot responde con el {IDENTITY_2024}."
    (kept,) = data["kept"]
    assert kept.startswith("POA 2024 · vigente · cargada el ")
    assert data["upload"]["max_bytes"] == 5_000_000
    assert "de hasta 5.0 MB" in data["upload"]["lead"]


async def test_an_upload_is_previewed_with_every_change_and_kept_as_a_draft(
    office: Office, next_edition_document: str
) -> None:
    digest_before = (await plan_meta(office)).sha256
    response = await office.upload(next_edition_document)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["year"], preview["municipality"], preview["identity"]) == (2025, "Mixco", IDENTITY_2025)
    assert preview["facts"][2] == (
        "Trae 9 proyectos, 7 fuentes de financiamiento, 23 metas y 16 acciones operativas."
    )
    assert preview["facts"][3] == t.PLAN_UPLOAD_RECONCILES
    assert preview["changes_title"] == "Qué cambió del POA 2024 al POA 2025"
    assert preview["changes"][0].startswith(
        "Del POA 2024 al POA 2025: 3 proyectos nuevos, 2 proyectos dejaron de estar, 3 montos cambiaron"
    )
    added = " ".join(group(preview, "Proyectos nuevos"))
    assert all(f"SNIP {snip}" in added for snip in NEW_PROJECTS)
    dropped = " ".join(group(preview, "Proyectos que dejaron de estar"))
    assert all(f"SNIP {snip}" in dropped for snip in DROPPED_PROJECTS)
    every = " ".join(items(preview))
    for old, new in AMOUNTS.values():
        assert f"Q {old} → Q {new}" in every
    assert FUNDING_ADDED[0] in every
    assert FUNDING_DROPPED in every
    assert ACTION_ADDED in every
    assert ACTION_LINE_ADDED in every  # past the chat's first page: the console shows them all
    assert preview["notes"] == [t.PLAN_UPLOAD_ASK]
    assert preview["becomes_current"] is True
    (pending,) = await rows_of(office.sessionmaker, PendingAction)
    assert (pending.id, pending.kind, pending.created_by, pending.state) == (
        preview["id"],
        "plan_upload",
        STAFF,
        "draft",
    )
    (drafted,) = await rows_of(office.sessionmaker, AuditEntry)
    assert (drafted.action, drafted.actor_id, drafted.action_id) == ("plan_draft", STAFF, "e" * 16)
    assert (await plan_meta(office)).sha256 == digest_before
    assert await edition_notices(office) == []


@pytest.mark.parametrize("name", ["projects-total", "funding-total-available", "zona-99"])
async def test_a_broken_edition_is_refused_with_its_line_and_reason_and_nothing_changes(
    office: Office, name: str
) -> None:
    broken = broken_editions()[name]
    before = await snapshot(office.sessionmaker)
    response = await office.upload(broken.text, "poa-roto.txt")
    assert response.status_code == 422
    refusal = response.json()
    assert refusal["error"] == t.CONSOLE_EDITION_REFUSED
    assert refusal["problem"].startswith(f"L{broken.where[1:]}")
    assert broken.message in refusal["problem"]
    assert refusal["unchanged"] == t.CONSOLE_EDITION_UNCHANGED
    assert await snapshot(office.sessionmaker) == before


async def test_a_file_that_is_no_plan_is_refused_and_an_oversized_one_is_not_read(office: Office) -> None:
    before = await snapshot(office.sessionmaker)
    garbage = await office.upload("hola, esto no es un plan", "notas.txt")
    assert garbage.status_code == 422
    assert garbage.json()["problem"]
    filled(office.data.editions).max_bytes = 100_000
    big = await office.call("POST", "/edicion?archivo=grande.txt", b"x" * 250_000)
    assert big.status_code == 413
    assert big.json() == {"error": t.CONSOLE_EDITION_TOO_BIG.format(limit="100 KB")}
    assert await snapshot(office.sessionmaker) == before


async def test_the_same_upload_sent_again_drafts_nothing_more(
    office: Office, next_edition_document: str
) -> None:
    assert (await office.upload(next_edition_document, key="upload-key-00000001")).status_code == 200
    before = await snapshot(office.sessionmaker)
    again = await office.upload(next_edition_document, key="upload-key-00000001")
    assert again.status_code == 409
    assert again.json() == {"error": t.CONSOLE_REPLAYED, "replayed": True}
    assert await snapshot(office.sessionmaker) == before


# Who may call ----------------------------------------------------------------------------------------
async def test_without_valid_init_data_or_as_a_resident_nothing_is_read_or_changed(
    office: Office, next_edition_document: str
) -> None:
    drafted = await filled(office.data.editions).draft(STAFF, next_edition_document.encode(), "poa-2025.txt")
    calls: list[tuple[str, str, bytes | None]] = [
        ("GET", "/edicion", None),
        ("POST", "/edicion?archivo=poa-2025.txt", next_edition_document.encode()),
        ("POST", f"/edicion/{drafted.pending_id}/cargar", None),
        ("POST", f"/edicion/{drafted.pending_id}/descartar", None),
    ]
    before = await snapshot(office.sessionmaker)
    for method, path, content in calls:
        for name, auth in bad_credentials().items():
            response = await office.call(method, path, content, user=None, auth=auth)
            assert response.status_code == 401, (method, path, name)
            assert response.json() == {"error": t.CONSOLE_UNAUTHORIZED}
        resident = await office.call(method, path, content, user=RESIDENT)
        assert (resident.status_code, resident.json()) == (403, {"error": t.CONSOLE_FORBIDDEN})
    assert await snapshot(office.sessionmaker) == before
    assert filled(office.data.answerer).plan.edition.year == 2024


# Cargar ----------------------------------------------------------------------------------------------
async def test_cargar_by_the_uploader_loads_it_audits_and_tells_the_zonas_followers(
    office: Office, next_edition_document: str
) -> None:
    digest_before = (await plan_meta(office)).sha256
    preview = (await office.upload(next_edition_document, key="upload-key-00000002")).json()
    path = f"/edicion/{preview['id']}/cargar"

    before = await snapshot(office.sessionmaker)
    theirs = await office.call("POST", path, user=ADMIN, key="load-key-000000001")  # staff, not the uploader
    assert (theirs.status_code, theirs.json()) == (409, {"error": t.PLAN_LOAD_NOT_YOURS})
    assert await snapshot(office.sessionmaker) == before

    loaded = await office.call("POST", path, key="load-key-000000002")
    assert loaded.status_code == 200, loaded.text
    result = loaded.json()
    assert (result["outcome"], result["zonas"]) == ("loaded", len(FOLLOWERS))
    assert result["chats"] == len(FOLLOWERS)
    assert result["message"] == t.CONSOLE_EDITION_LOADED.format(
        identity=IDENTITY_2025, notices="Avisos en camino: 3 zonas con cambios para 3 chats"
    )
    meta = await plan_meta(office)
    assert (meta.sha256 != digest_before, meta.source) == (True, "consola:poa-2025.txt")
    (entry,) = [a for a in await rows_of(office.sessionmaker, AuditEntry) if a.action == "plan_load"]
    assert (entry.actor_id, entry.target, entry.action_id) == (STAFF, IDENTITY_2025, "load-key-000000002")
    assert entry.before is not None
    assert entry.before["edition"] == IDENTITY_2024
    assert entry.after is not None
    assert (entry.after["zonas_notified"], entry.after["deliveries"]) == (3, 3)
    notices = await edition_notices(office)
    assert {b.audience for b in notices} == {f"zona:{zona}" for zona in FOLLOWERS}
    assert all(IDENTITY_2025 in b.text for b in notices)
    deliveries = await rows_of(office.sessionmaker, Delivery)
    assert {d.chat_id for d in deliveries} == set(FOLLOWERS.values())
    assert QUIET_FOLLOWER not in {d.chat_id for d in deliveries}

    # the bot, the explorer and the staff service answer from it; the menus name its year
    assert filled(office.data.answerer).plan.edition.year == 2025
    assert office.explorer_sources.answerer is office.data.answerer
    assert office.menus == ["Todos los proyectos 2025"]
    now = (await office.call("GET", "/edicion")).json()
    assert now["identity"] == f"El bot responde con el {IDENTITY_2025}."
    kept_2024, kept_2025 = now["kept"]
    assert kept_2024.startswith("POA 2024 · cargada el ")
    assert kept_2025.startswith("POA 2025 · vigente · cargada el ")

    after = await snapshot(office.sessionmaker)
    again = await office.call("POST", path, key="load-key-000000003")
    assert (again.status_code, again.json()) == (409, {"error": t.STALE_BUTTON})
    assert await snapshot(office.sessionmaker) == after


async def test_an_earlier_years_edition_is_kept_not_made_current(
    office: Office, next_edition_document: str
) -> None:
    first = (await office.upload(next_edition_document, key="upload-key-00000003")).json()
    assert (
        await office.call("POST", f"/edicion/{first['id']}/cargar", key="load-key-000000004")
    ).status_code == 200
    notices = len(await edition_notices(office))
    digest_2025 = (await plan_meta(office)).sha256

    older = (await office.upload(read_bundled_text(), "poa-2024.txt", key="upload-key-00000004")).json()
    assert older["becomes_current"] is False
    assert older["notes"] == [
        t.PLAN_UPLOAD_REPLACES.format(year=2024),
        t.PLAN_UPLOAD_OLDER.format(current=IDENTITY_2025),
    ]
    kept = await office.call("POST", f"/edicion/{older['id']}/cargar", key="load-key-000000005")
    assert kept.status_code == 200, kept.text
    assert kept.json()["outcome"] == "kept"
    assert kept.json()["message"] == t.CONSOLE_EDITION_KEPT_OLDER.format(
        identity=IDENTITY_2024, current=IDENTITY_2025, year=2024
    )
    assert (await plan_meta(office)).sha256 == digest_2025
    assert filled(office.data.answerer).plan.edition.year == 2025
    assert filled(office.data.plan_editions).older_years == (2024,)
    assert len(await edition_notices(office)) == notices  # nobody is told
    audits = [a for a in await rows_of(office.sessionmaker, AuditEntry) if a.action == "plan_load"]
    assert [a.target for a in audits] == [IDENTITY_2025, IDENTITY_2024]
    now = (await office.call("GET", "/edicion")).json()
    assert now["identity"] == f"El bot responde con el {IDENTITY_2025}."


async def test_a_discarded_upload_cannot_be_loaded(office: Office, next_edition_document: str) -> None:
    preview = (await office.upload(next_edition_document, key="upload-key-00000005")).json()
    discarded = await office.call("POST", f"/edicion/{preview['id']}/descartar", key="drop-key-000000001")
    assert discarded.json() == {"outcome": "cancelled", "message": t.CANCELLED}
    late = await office.call("POST", f"/edicion/{preview['id']}/cargar", key="load-key-000000006")
    assert (late.status_code, late.json()) == (409, {"error": t.STALE_BUTTON})
    assert filled(office.data.answerer).plan.edition.year == 2024
    (pending,) = await rows_of(office.sessionmaker, PendingAction)
    assert pending.state == "cancelled"


# Before the server started ----------------------------------------------------------------------------
async def test_before_the_server_started_the_section_says_to_try_again(
    office: Office, next_edition_document: str
) -> None:
    office.sources.editions = None  # what ConsoleSources holds until the lifespan filled it
    before = await snapshot(office.sessionmaker)
    for response in (await office.call("GET", "/edicion"), await office.upload(next_edition_document)):
        assert (response.status_code, response.json()) == (503, {"error": t.CONSOLE_UNAVAILABLE})
    assert await snapshot(office.sessionmaker) == before


async def test_the_edition_page_holds_no_data(office: Office) -> None:
    response = await office.client.get("/app/consola/edicion")
    assert response.status_code == 200
    assert IDENTITY_2024 not in response.text
    assert t.CONSOLE_EDITION_TITLE in response.text
    assert 'href="/app/consola/edicion" aria-current="page"' in response.text
    assert t.CONSOLE_NO_SCRIPT in response.text
    assert (
        await office.client.get("/app/consola/edicion", headers={"If-None-Match": response.headers["etag"]})
    ).status_code == 304
