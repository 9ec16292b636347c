"""The staff console over HTTP (httpx's ASGI transport) on a real database (SQLite and, with
TEST_DATABASE_URL, PostgreSQL): every API call for each kind of caller — no valid initData,
a resident, staff —, what each one leaves in the database, and that a refused or replayed call
leaves it as it was."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.routing import Mount

from db.bot_models import PendingAction
from db.chat_state import ChatState
from db.chat_store import LoggedQuestion, Vote, log_queries, log_votes
from db.outbox_models import Broadcast, Delivery
from db.resident_models import GroundReport
from db.resident_store import add_ground_report
from db.staff_cache import StaffCache
from db.staff_models import AuditEntry, ProjectStatus
from db.staff_store import add_staff, add_status
from handlers.staff_service import Staff
from handlers.webapp.console import Console, ConsoleSources
from handlers.webapp.explorer import Explorer, Sources
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.catalog import texts
from knowledge.counts import thousands
from knowledge.ingest import load_bundled_plan
from knowledge.staff import StatusChange, announcement_html
from tests.handlers.webapp.test_explorer import Page
from tests.support.followers import follow
from tests.support.initdata import console_headers, person, signed_init_data

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OTHER_TOKEN = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ADMIN = 700_000_001
STAFF = 700_000_002
RESIDENT = 100_000_001
NEIGHBOUR = 100_000_002
REPORTER = 100_000_003
SNIP = "242177"  # zona 10
EVIL = '<script>alert("x")</script>'
EDITION = load_bundled_plan().edition
HEADER = texts(EDITION).ANNOUNCE_HEADER
"""The announcement's header as the bundled plan's edition words it."""
Maker = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_bundled_plan())


@dataclass
class Desk:
    client: httpx.AsyncClient
    sessionmaker: Maker
    staff: Staff
    sources: ConsoleSources
    draft_id: int
    """An announcement to zona 10 that STAFF prepared."""
    csv_id: int
    """A CSV of statuses STAFF sent, waiting for Aplicar."""
    report_id: int
    """A resident's report, not reviewed."""

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: int | None = STAFF,
        key: str | None = "k" * 16,
        auth: str | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        headers = console_headers(TOKEN, method=method, user=user, key=key, auth=auth)
        if content is None and method == "POST":
            content = json.dumps(body if body is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        if content_type is not None:
            headers["Content-Type"] = content_type
        return await self.client.request(method, f"/app/api{path}", content=content, headers=headers)


@pytest.fixture
async def desk(answerer: Answerer, sessionmaker: Maker) -> AsyncIterator[Desk]:
    state = ChatState(sessionmaker, exclusive=False)
    staff = Staff(
        sessionmaker,
        answerer,
        StaffCache(sessionmaker, exclusive=False),
        state,
        admin_ids=(ADMIN,),
        notify_window=timedelta(minutes=10),
    )
    async with sessionmaker() as session:
        await add_staff(session=session, user_id=STAFF, role="staff", added_by=ADMIN)
        report = await add_ground_report(
            session=session, snip=SNIP, chat_id=REPORTER, text="Ya pusieron la tubería", photo_file_id=None
        )
        await session.commit()
    assert report.id is not None
    await follow(sessionmaker, RESIDENT, "proyecto", SNIP)
    await follow(sessionmaker, NEIGHBOUR, "zona", "10")
    draft_id, _ = await staff.draft_announcement(
        STAFF, "zona:10", announcement_html("Corte de agua el lunes", EDITION)
    )
    csv_id = await staff.draft_csv(STAFF, [StatusChange("276227", "en_ejecucion", 15, "inicio")])
    explorer = Explorer(Sources(answerer, sessionmaker, "plan_test_bot"), status_ttl=0)
    sources = ConsoleSources(staff=staff, bot_token=TOKEN, max_age=3600)
    console = Console(explorer, sources)
    app = Starlette(routes=[Mount("/app", app=explorer.app(beside=console.routes()))])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plan") as client:
        yield Desk(client, sessionmaker, staff, sources, draft_id, csv_id, report.id)
    await state.close()


async def snapshot(sessionmaker: Maker) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: what "nothing changed" compares."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with sessionmaker() as session:
        connection = await session.connection()
        for name in sorted(SQLModel.metadata.tables):
            result = await connection.execute(text(f'SELECT * FROM "{name}"'))
            rows[name] = sorted((tuple(row) for row in result.all()), key=repr)
    return rows


async def run_sql(sessionmaker: Maker, statement: str, **values: Any) -> None:
    async with sessionmaker() as session:
        await (await session.connection()).execute(text(statement), values)
        await session.commit()


async def rows_of(sessionmaker: Maker, model: type[SQLModel]) -> list[Any]:
    async with sessionmaker() as session:
        return list((await session.exec(select(model))).all())


def every_call(desk: Desk) -> list[tuple[str, str, Any]]:
    """Each API call, with a body that staff would have it act on."""
    return [
        ("GET", "/yo", None),
        ("GET", "/proyectos", None),
        ("GET", f"/proyectos/{SNIP}/historial", None),
        ("POST", f"/proyectos/{SNIP}/estado", {"status": "en_ejecucion", "progress": 30, "note": "zanjeo"}),
        ("GET", "/anuncios", None),
        ("POST", "/anuncios/vista-previa", {"audience": "todos", "text": "Hola"}),
        ("POST", "/anuncios", {"audience": "todos", "text": "Feria el sábado"}),
        ("GET", f"/anuncios/{desk.draft_id}", None),
        ("POST", f"/anuncios/{desk.draft_id}/enviar", {}),
        ("POST", f"/anuncios/{desk.draft_id}/cancelar", {}),
        ("GET", "/reporte", None),
        ("POST", f"/reportes/{desk.report_id}/revisado", {}),
        ("GET", "/exportar", None),
        ("POST", "/csv", b"242177,finalizado,100,listo\n"),
        ("POST", f"/csv/{desk.csv_id}/aplicar", {}),
        ("POST", f"/csv/{desk.csv_id}/descartar", {}),
    ]


async def send(desk: Desk, method: str, path: str, body: Any, **options: Any) -> httpx.Response:
    if isinstance(body, bytes):
        return await desk.call(method, path, content=body, content_type="text/csv", **options)
    return await desk.call(method, path, body, **options)


def bad_credentials() -> dict[str, str | None]:
    valid = signed_init_data(TOKEN, person(STAFF))
    stale = signed_init_data(TOKEN, person(STAFF), auth_date=int(datetime.now(UTC).timestamp()) - 3601)
    return {
        "no header": None,
        "another scheme": "Bearer " + valid,
        "forged": "tma " + valid[:-64] + "0" * 64,
        "tampered": "tma " + valid.replace(f"%3A{STAFF}", f"%3A{ADMIN}"),
        "stale": "tma " + stale,
        "another bot": "tma " + signed_init_data(OTHER_TOKEN, person(STAFF)),
        "malformed": "tma %%%",
    }


async def test_every_call_without_valid_init_data_is_401_and_changes_nothing(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    for method, path, body in every_call(desk):
        for name, auth in bad_credentials().items():
            response = await send(desk, method, path, body, user=None, auth=auth)
            assert response.status_code == 401, (method, path, name)
            assert response.headers["www-authenticate"] == "tma"
            assert response.json() == {"error": t.CONSOLE_UNAUTHORIZED}
            assert response.headers["cache-control"] == "no-store"
    assert await snapshot(desk.sessionmaker) == before


async def test_every_call_by_a_resident_is_403_and_changes_nothing(desk: Desk) -> None:
    """A valid initData of someone who is not staff: refused, whatever the call would do."""
    before = await snapshot(desk.sessionmaker)
    for method, path, body in every_call(desk):
        response = await send(desk, method, path, body, user=RESIDENT)
        assert response.status_code == 403, (method, path)
        assert response.json() == {"error": t.CONSOLE_FORBIDDEN}
    assert await snapshot(desk.sessionmaker) == before


async def test_every_call_by_staff_is_answered_and_the_role_is_read_each_time(desk: Desk) -> None:
    """The same calls, in an order each can act in (cancelling after sending and discarding
    after applying are too late, and said so); then a staff member removed elsewhere is refused
    at once."""
    for n, (method, path, body) in enumerate(every_call(desk)):
        response = await send(desk, method, path, body, key=f"every-call-{n:06d}")
        expected = 200
        if path.endswith(("/cancelar", "/descartar")):
            expected = 409
        elif (method, path) == ("POST", "/anuncios"):
            expected = 201
        assert response.status_code == expected, (method, path, response.text)
    await run_sql(desk.sessionmaker, "DELETE FROM staff_member WHERE user_id = :user", user=STAFF)
    assert (await desk.call("GET", "/yo")).status_code == 403
    assert (await desk.call("GET", "/yo", user=ADMIN)).json() == {"name": f"@u{ADMIN}", "role": "admin"}


async def test_without_a_token_the_console_says_it_is_off(desk: Desk) -> None:
    desk.sources.bot_token = None
    response = await desk.call("GET", "/yo")
    assert response.status_code == 503
    assert response.json() == {"error": t.CONSOLE_OFF}


# Projects --------------------------------------------------------------------------------------------
async def test_the_projects_come_with_their_latest_status_and_author(desk: Desk, answerer: Answerer) -> None:
    async with desk.sessionmaker() as session:
        await add_status(
            session=session,
            snip="206148",
            status="suspendido",
            progress=20,
            note=EVIL,
            author_id=9,
            author_name="@ana",
        )
        await session.commit()
    data = (await desk.call("GET", "/proyectos")).json()
    assert [p["snip"] for p in data["projects"]] == [p.snip for p in answerer.plan.projects]
    assert data["statuses"][0] == ["planificado", "Planificado"]
    shown = {p["snip"]: p for p in data["projects"]}
    assert shown[SNIP]["status"] is None
    assert shown[SNIP]["zona"] == "Zona 10"
    status = shown["206148"]["status"]
    assert (status["status"], status["progress"], status["note"]) == ("suspendido", 20, EVIL)
    assert status["line"].startswith("Suspendido · 20% · ")
    assert status["line"].endswith(" · @ana")


async def test_a_status_is_recorded_audited_and_followers_are_told(desk: Desk) -> None:
    response = await desk.call(
        "POST",
        f"/proyectos/{SNIP}/estado",
        {"status": "en_ejecucion", "progress": "45", "note": "  zanjeo   listo "},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["notified"] == 2  # the project's follower and zona 10's
    assert data["message"] == t.STATUS_SAVED.format(
        snip=SNIP, status="En ejecución", progress=" · 45%", followers="2 chats que lo siguen"
    )
    assert data["project"]["status"]["line"].endswith(f"@u{STAFF}")
    (row,) = await rows_of(desk.sessionmaker, ProjectStatus)
    assert (row.snip, row.status, row.progress, row.note) == (SNIP, "en_ejecucion", 45, "zanjeo listo")
    assert (row.author_id, row.author_name) == (STAFF, f"@u{STAFF}")
    audits = [a for a in await rows_of(desk.sessionmaker, AuditEntry) if a.action == "status"]
    assert [(a.actor_id, a.target, a.action_id) for a in audits] == [(STAFF, SNIP, "k" * 16)]
    assert audits[0].after == {"status": "en_ejecucion", "progress": 45, "note": "zanjeo listo"}
    notices = [d for d in await rows_of(desk.sessionmaker, Delivery) if d.status == "pending"]
    broadcasts = {b.id: b for b in await rows_of(desk.sessionmaker, Broadcast)}
    told = {d.chat_id for d in notices if broadcasts[d.broadcast_id].kind == "status"}
    assert told == {RESIDENT, NEIGHBOUR}


async def test_the_same_status_call_sent_again_is_not_applied_again(desk: Desk) -> None:
    body = {"status": "finalizado", "progress": 100, "note": ""}
    assert (
        await desk.call("POST", f"/proyectos/{SNIP}/estado", body, key="replay-key-000001")
    ).status_code == 200
    before = await snapshot(desk.sessionmaker)
    again = await desk.call("POST", f"/proyectos/{SNIP}/estado", body, key="replay-key-000001")
    assert again.status_code == 409
    assert again.json() == {"error": t.CONSOLE_REPLAYED, "replayed": True}
    assert await snapshot(desk.sessionmaker) == before
    other = await desk.call("POST", f"/proyectos/{SNIP}/estado", body, user=ADMIN, key="replay-key-000001")
    assert other.status_code == 200  # keys are per person
    assert len(await rows_of(desk.sessionmaker, ProjectStatus)) == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"status": "terminando", "progress": 10}, t.STATUS_BAD_STATE.format(state="terminando")),
        ({"status": None}, t.STATUS_BAD_STATE.format(state="")),
        ({"status": "finalizado", "progress": 101}, t.STATUS_BAD_PROGRESS),
        ({"status": "finalizado", "progress": "mucho"}, t.STATUS_BAD_PROGRESS),
        ({"status": "finalizado", "progress": True}, t.STATUS_BAD_PROGRESS),
        ({"status": "finalizado", "note": ["x"]}, t.STATUS_BAD_NOTE),
    ],
)
async def test_a_bad_status_form_is_refused_with_the_chats_reason(
    desk: Desk, body: dict[str, Any], error: str
) -> None:
    before = await snapshot(desk.sessionmaker)
    response = await desk.call("POST", f"/proyectos/{SNIP}/estado", body)
    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert await snapshot(desk.sessionmaker) == before


async def test_a_malformed_status_call_is_refused_and_changes_nothing(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    path = f"/proyectos/{SNIP}/estado"
    body = {"status": "finalizado"}
    assert (await desk.call("POST", path, body, key=None)).status_code == 400  # no Idempotency-Key
    assert (await desk.call("POST", path, body, key="short")).status_code == 400
    assert (
        await desk.call("POST", path, content=b"status=x", content_type="application/x-www-form-urlencoded")
    ).status_code == 415
    assert (
        await desk.call("POST", path, content=b"{not json", content_type="application/json")
    ).status_code == 400
    assert (await desk.call("POST", path, content=b"[1]", content_type="application/json")).status_code == 400
    unknown = await desk.call("POST", "/proyectos/999999/estado", body)
    assert unknown.status_code == 404
    assert unknown.json() == {"error": t.STATUS_BAD_SNIP.format(snip="999999")}
    assert (await desk.call("GET", "/no-such-call")).json() == {"error": t.CONSOLE_NOT_FOUND}
    assert (await desk.call("DELETE", "/proyectos")).status_code == 405
    assert await snapshot(desk.sessionmaker) == before


async def test_a_projects_history_is_newest_first_with_author_time_and_change(desk: Desk) -> None:
    await desk.call("POST", f"/proyectos/{SNIP}/estado", {"status": "planificado"}, key="history-0000000001")
    await desk.call(
        "POST",
        f"/proyectos/{SNIP}/estado",
        {"status": "en_ejecucion", "progress": 30},
        user=ADMIN,
        key="history-0000000002",
    )
    data = (await desk.call("GET", f"/proyectos/{SNIP}/historial")).json()
    newest, oldest = data["entries"]
    assert re.fullmatch(rf"\d\d/\d\d/\d{{4}} \d\d:\d\d · @u{ADMIN}", newest["heading"])
    assert newest["status"] == "En ejecución · 30%"
    assert newest["changed"] == "estado: Planificado → En ejecución; avance: sin dato → 30%"
    assert oldest["heading"].endswith(f"@u{STAFF}")
    assert oldest["changed"] is None
    empty = (await desk.call("GET", "/proyectos/206148/historial")).json()
    assert empty["entries"] == []
    assert empty["empty"] == t.HISTORY_EMPTY.format(snip="206148")
    assert (await desk.call("GET", "/proyectos/000000/historial")).status_code == 404


# Announcements -------------------------------------------------------------------------------------
async def test_the_preview_counts_recipients_and_shows_what_telegram_will(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    typed = {"audience": "zona:10", "text": "Corte <b> & más"}
    zona = (await desk.call("POST", "/anuncios/vista-previa", typed)).json()
    assert zona["recipients"] == 1
    assert zona["recipients_line"] == "Llega a 1 destinatario (la zona 10)."
    header = re.sub(r"<[^>]+>", "", HEADER)  # what a reader sees of the header
    assert "".join(run["text"] for run in zona["runs"]) == header + "Corte <b> & más"
    bold = [run["text"] for run in zona["runs"] if "b" in run["styles"]]
    assert bold == re.findall(r"<b>(.*?)</b>", HEADER)  # the header's, not the typed "<b>"
    assert zona["error"] is None
    everyone = (await desk.call("POST", "/anuncios/vista-previa", {"audience": "todos", "text": ""})).json()
    assert everyone["recipients"] == 2
    assert everyone["recipients_line"] == "Llega a 2 destinatarios (todos)."  # counted before the text
    assert everyone["error"] == t.CONSOLE_ANNOUNCE_EMPTY
    project = (
        await desk.call("POST", "/anuncios/vista-previa", {"audience": f"proyecto:{SNIP}", "text": "x"})
    ).json()
    assert project["recipients"] == 1
    for audience in ("zona:12", "proyecto:999999", "nadie", 7):
        wrong = (
            await desk.call("POST", "/anuncios/vista-previa", {"audience": audience, "text": "x"})
        ).json()
        assert (wrong["recipients"], wrong["error"]) == (None, t.CONSOLE_BAD_AUDIENCE)
    long = (
        await desk.call("POST", "/anuncios/vista-previa", {"audience": "todos", "text": "&" * 900})
    ).json()
    stored = 900 * len("&amp;") + len(HEADER)  # as the database keeps it: 4,000 at most
    assert long["error"] == t.ANNOUNCE_TOO_LONG.format(n=stored - 4000)
    assert await snapshot(desk.sessionmaker) == before


async def test_an_announcement_is_drafted_then_sent_once_through_the_outbox(desk: Desk) -> None:
    drafted = await desk.call(
        "POST", "/anuncios", {"audience": "zona:10", "text": "Feria <el> sábado"}, key="draft-key-0000001"
    )
    assert drafted.status_code == 201
    data = drafted.json()
    assert data["recipients"] == 1
    assert data["confirm"] == t.CONSOLE_CONFIRM.format(recipients="1 destinatario", audience="la zona 10")
    async with desk.sessionmaker() as session:
        broadcast = await session.get(Broadcast, data["id"])
    assert broadcast is not None
    assert (broadcast.state, broadcast.audience, broadcast.created_by) == ("draft", "zona:10", STAFF)
    assert broadcast.text == announcement_html("Feria <el> sábado", EDITION)  # what /anunciar stores
    assert broadcast.text.endswith("Feria &lt;el&gt; sábado")
    assert (
        await desk.call("POST", "/anuncios", {"audience": "zona:10", "text": "x"}, key="draft-key-0000001")
    ).status_code == 409
    assert len([b for b in await rows_of(desk.sessionmaker, Broadcast) if b.kind == "announcement"]) == 2
    assert (await desk.call("GET", f"/anuncios/{data['id']}")).json()["delivery"]["finished"] is False

    sent = await desk.call("POST", f"/anuncios/{data['id']}/enviar", key="send-key-00000001")
    assert sent.status_code == 200, sent.text
    delivery = sent.json()["delivery"]
    assert (delivery["total"], delivery["pending"], delivery["sent"]) == (1, 1, 0)
    assert delivery["counts"] == t.CONSOLE_DELIVERY_COUNTS.format(sent=0, total=1, pending=1, failed=0)
    deliveries = [d for d in await rows_of(desk.sessionmaker, Delivery) if d.broadcast_id == data["id"]]
    assert [(d.chat_id, d.status) for d in deliveries] == [(NEIGHBOUR, "pending")]
    audits = {(a.action, a.action_id) for a in await rows_of(desk.sessionmaker, AuditEntry)}
    assert {("announce_draft", "draft-key-0000001"), ("announce", "send-key-00000001")} <= audits

    before = await snapshot(desk.sessionmaker)
    replay = await desk.call("POST", f"/anuncios/{data['id']}/enviar", key="send-key-00000001")
    assert (replay.status_code, replay.json()["error"]) == (409, t.CONSOLE_REPLAYED)
    again = await desk.call("POST", f"/anuncios/{data['id']}/enviar", key="send-key-00000002")
    assert (again.status_code, again.json()["error"]) == (409, t.STALE_BUTTON)
    assert await snapshot(desk.sessionmaker) == before


async def test_only_the_author_sends_a_draft_and_a_cancelled_one_never(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    theirs = await desk.call("POST", f"/anuncios/{desk.draft_id}/enviar", user=ADMIN)
    assert (theirs.status_code, theirs.json()["error"]) == (409, t.ANNOUNCE_NOT_YOURS)
    assert await snapshot(desk.sessionmaker) == before
    cancelled = await desk.call("POST", f"/anuncios/{desk.draft_id}/cancelar")
    assert cancelled.json() == {"message": t.CANCELLED}
    async with desk.sessionmaker() as session:
        broadcast = await session.get(Broadcast, desk.draft_id)
    assert broadcast is not None
    assert broadcast.state == "cancelled"
    late = await desk.call("POST", f"/anuncios/{desk.draft_id}/enviar", key="late-key-00000001")
    assert (late.status_code, late.json()["error"]) == (409, t.STALE_BUTTON)
    assert [d for d in await rows_of(desk.sessionmaker, Delivery) if d.broadcast_id == desk.draft_id] == []
    assert (await desk.call("POST", "/anuncios/99999/enviar")).status_code == 409
    assert (await desk.call("GET", "/anuncios/99999")).status_code == 404
    assert (await desk.call("GET", "/anuncios/abc")).status_code == 404


async def test_an_announcement_keeps_no_control_or_bidi_character(desk: Desk) -> None:
    """The composer's text, previewed and drafted, by the notes' rule: U+202E would show the rest
    of the announcement reversed to every recipient."""
    typed = "Feria \u202eel\u202c sábado\x07\r\nen el \u2066parque\u2069\x1b"
    preview = await desk.call("POST", "/anuncios/vista-previa", {"audience": "zona:10", "text": typed})
    assert preview.status_code == 200, preview.text
    shown = "".join(run["text"] for run in preview.json()["runs"])
    assert shown.endswith("Feria el sábado \nen el parque")
    drafted = await desk.call(
        "POST", "/anuncios", {"audience": "zona:10", "text": typed}, key="draft-bidi-00001"
    )
    assert drafted.status_code == 201, drafted.text
    async with desk.sessionmaker() as session:
        broadcast = await session.get(Broadcast, drafted.json()["id"])
    assert broadcast is not None
    assert broadcast.text == announcement_html("Feria el sábado \nen el parque", EDITION)


async def test_a_bad_announcement_is_refused_and_nothing_is_drafted(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    for body, error in (
        ({"audience": "zona:99", "text": "x"}, t.CONSOLE_BAD_AUDIENCE),
        ({"audience": "todos", "text": "   "}, t.CONSOLE_ANNOUNCE_EMPTY),
        ({"audience": "todos", "text": "😀" * 1800}, t.ANNOUNCE_TOO_LONG.format(n="100")),
    ):
        response = await desk.call("POST", "/anuncios", body)
        assert (response.status_code, response.json()) == (400, {"error": error})
    assert await snapshot(desk.sessionmaker) == before


async def test_the_delivery_says_what_was_sent_and_why_the_rest_was_not(desk: Desk) -> None:
    sent = await desk.call("POST", f"/anuncios/{desk.draft_id}/enviar")
    assert sent.status_code == 200
    async with desk.sessionmaker() as session:
        for chat, status, error in (
            (NEIGHBOUR, "inactive", "Forbidden: bot was blocked by the user"),
            (200_000_001, "failed", "Bad Request: chat not found"),
            (200_000_002, "failed", "Bad Request: chat not found"),
            (200_000_003, "sent", None),
        ):
            await (await session.connection()).execute(
                text("DELETE FROM delivery WHERE chat_id = :chat"), {"chat": chat}
            )
            session.add(
                Delivery(
                    broadcast_id=desk.draft_id,
                    chat_id=chat,
                    status=status,
                    next_attempt_at=datetime.now(UTC),
                    last_error=error,
                )
            )
        await session.commit()
    delivery = (await desk.call("GET", f"/anuncios/{desk.draft_id}")).json()["delivery"]
    assert (delivery["total"], delivery["sent"], delivery["pending"], delivery["failed"]) == (4, 1, 0, 3)
    assert delivery["finished"] is True
    assert delivery["problems"] == [
        "Falló: Bad Request: chat not found (2)",
        "El chat bloqueó el bot o ya no existe: Forbidden: bot was blocked by the user (1)",
    ]
    recent = (await desk.call("GET", "/anuncios")).json()["broadcasts"]
    assert recent[0]["id"] == desk.draft_id
    assert "Anuncio" in recent[0]["line"]
    assert "la zona 10" in recent[0]["line"]


# The report ----------------------------------------------------------------------------------------
async def test_the_report_has_the_chart_the_figures_and_the_residents_reports(desk: Desk) -> None:
    now = datetime.now(UTC)
    asked = [
        (6, "Cuándo arreglan el puente"),
        (6, "cuando arreglan el puente"),
        (10, "hay wifi"),
        (None, "hola?"),
    ]
    async with desk.sessionmaker() as session:
        await log_queries(
            session=session,
            questions=[
                LoggedQuestion(n + 1, f"h{n}", q, "abstain", False, zona, (), now)
                for n, (zona, q) in enumerate(asked)
            ]
            + [LoggedQuestion(9, "h9", "proyecto 242177", "project", True, 10, ("project:242177",), now)],
        )
        await log_votes(session=session, votes=[Vote(9, "h9", True, now), Vote(1, "h0", False, now)])
        await session.commit()
    before = await snapshot(desk.sessionmaker)
    data = (await desk.call("GET", "/reporte")).json()
    assert await snapshot(desk.sessionmaker) == before
    assert [(bar["label"], bar["value"]) for bar in data["chart"]] == [
        ("Zona 6", "2"),
        ("Zona 10", "1"),
        ("Sin zona", "1"),
    ]
    chart = Page(data["chart_svg"])
    assert chart.svgs == 1
    assert all(figure in chart.plain for figure in ("Zona 6", "Zona 10", "Sin zona", "2", "1"))
    assert f'aria-label="{t.CONSOLE_UNANSWERED_CHART}"' in data["chart_svg"]  # the page's heading says it
    assert data["unanswered"][0] == "Zona 6: «Cuándo arreglan el puente» (2 veces)"
    assert data["feedback"] == "👍 1 · 👎 1"
    assert data["topics"][0].endswith("(1 vez)")
    (report,) = data["reports"]
    assert report["id"] == desk.report_id
    assert report["text"] == "Ya pusieron la tubería"
    assert report["heading"].startswith(f"#{desk.report_id} · proyecto {SNIP} · ")
    assert any(line.startswith("242177") for line in data["late"])
    assert "la zona 10: 1 chat" in data["subscriptions"]


async def test_a_report_marked_reviewed_tells_its_reporter_once(desk: Desk) -> None:
    response = await desk.call("POST", f"/reportes/{desk.report_id}/revisado", key="review-key-000001")
    assert response.json() == {"message": t.CONSOLE_REVIEWED_DONE.format(id=desk.report_id)}
    (report,) = await rows_of(desk.sessionmaker, GroundReport)
    assert report.reviewed_by == STAFF
    assert report.reviewed_at is not None
    notices = [d.chat_id for d in await rows_of(desk.sessionmaker, Delivery)]
    assert notices == [REPORTER]
    before = await snapshot(desk.sessionmaker)
    assert (
        await desk.call("POST", f"/reportes/{desk.report_id}/revisado", key="review-key-000001")
    ).status_code == 409
    twice = await desk.call("POST", f"/reportes/{desk.report_id}/revisado", key="review-key-000002")
    assert (twice.status_code, twice.json()["error"]) == (409, t.STALE_BUTTON)
    assert await snapshot(desk.sessionmaker) == before
    assert (await desk.call("GET", "/reporte")).json()["reports"] == []


async def test_the_export_is_the_chats_csv(desk: Desk) -> None:
    await desk.call(
        "POST", f"/proyectos/{SNIP}/estado", {"status": "suspendido", "progress": 5, "note": "lluvia"}
    )
    response = await desk.call("GET", "/exportar")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="estado-proyectos.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("snip,nombre,zona,")
    (row,) = [line for line in lines if line.startswith(SNIP)]
    assert ",suspendido,5,lluvia," in row
    await desk.call(
        "POST", f"/proyectos/{SNIP}/estado", {"status": "suspendido", "note": "=1+1"}, key="formula-000000001"
    )
    lines = (await desk.call("GET", "/exportar")).content.decode("utf-8-sig").splitlines()
    (row,) = [line for line in lines if line.startswith(SNIP)]
    assert ",suspendido,,'=1+1," in row  # a spreadsheet shows it, and runs nothing


async def test_a_csv_is_previewed_row_by_row_and_applied_once(desk: Desk) -> None:
    rows = (
        "SNIP;estado;avance;nota",
        "242177;terminado;100;listo año",
        "999999;finalizado;;",
        "206148;volando;;",
    )
    csv = "\n".join(rows).encode("latin-1")
    before = await snapshot(desk.sessionmaker)
    preview = await desk.call("POST", "/csv", content=csv, content_type="text/csv", key="csv-key-000000001")
    data = preview.json()
    assert data["summary"] == "1 fila lista, 2 rechazadas."
    assert data["ready"] == ["242177 → Finalizado · 100%"]
    assert data["rejected"] == [
        "Línea 3: no hay proyecto con SNIP 999999",
        "Línea 4: estado «volando» no reconocido",
    ]
    assert await rows_of(desk.sessionmaker, ProjectStatus) == []  # nothing applied yet
    assert len(await rows_of(desk.sessionmaker, PendingAction)) == len(before["pending_action"]) + 1
    applied = await desk.call("POST", f"/csv/{data['id']}/aplicar", key="csv-key-000000002")
    assert applied.json() == {
        "applied": 1,
        "message": t.CSV_APPLIED.format(applied="1 actualización aplicada"),
    }
    (row,) = await rows_of(desk.sessionmaker, ProjectStatus)
    assert (row.snip, row.status, row.progress, row.note) == (SNIP, "finalizado", 100, "listo año")
    assert row.author_name == f"@u{STAFF}"
    after = await snapshot(desk.sessionmaker)
    assert (await desk.call("POST", f"/csv/{data['id']}/aplicar", key="csv-key-000000002")).status_code == 409
    assert (await desk.call("POST", f"/csv/{data['id']}/aplicar", key="csv-key-000000003")).status_code == 409
    theirs = await desk.call("POST", f"/csv/{desk.csv_id}/aplicar", user=ADMIN)
    assert (theirs.status_code, theirs.json()) == (409, {"error": t.CSV_NOT_YOURS})  # not "no longer there"
    theirs = await desk.call("POST", f"/csv/{desk.csv_id}/descartar", user=ADMIN, key="csv-key-000000004")
    assert (theirs.status_code, theirs.json()) == (409, {"error": t.CSV_NOT_YOURS})
    assert await snapshot(desk.sessionmaker) == after


async def test_a_csv_with_nothing_valid_or_too_big_keeps_nothing(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    nothing = (await desk.call("POST", "/csv", content=b"hola\n", content_type="text/csv")).json()
    assert (nothing["id"], nothing["nothing"]) == (None, t.CSV_NOTHING)
    big = await desk.call("POST", "/csv", content=b"x" * 1_000_001, content_type="text/csv")
    assert (big.status_code, big.json()) == (413, {"error": t.CONSOLE_TOO_BIG})
    assert await snapshot(desk.sessionmaker) == before


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'206148,finalizado,100,"abierta\n242177,planificado,,b\n', t.CSV_UNCLOSED_QUOTE.format(line=1)),
        (b"242177,finalizado,,\n206148,finalizado,100," + b"x" * 131_073, None),
        (random.Random(3).randbytes(5000), t.CSV_NOT_TEXT),
        (b'206148,finalizado,100,"cerrada"y no\n', t.CSV_BAD_QUOTES.format(line=1)),
    ],
)
async def test_a_csv_that_cannot_be_read_as_rows_is_refused_saying_where(
    desk: Desk, body: bytes, error: str | None
) -> None:
    """The csv module's errors were a 500; an unclosed quote made the rows after it a note."""
    expected = error or t.CSV_CELL_TOO_LONG.format(line=2, limit="131.072")
    before = await snapshot(desk.sessionmaker)
    response = await desk.call("POST", "/csv", content=body, content_type="text/csv")
    assert (response.status_code, response.json()) == (422, {"error": expected})
    assert await snapshot(desk.sessionmaker) == before


async def test_a_csv_with_mac_line_ends_or_one_row_of_semicolons_is_read(desk: Desk) -> None:
    for n, (body, ready) in enumerate(
        (
            (
                b"206148,finalizado,100,a\r242177,planificado,,b\r",
                ["206148 → Finalizado · 100%", "242177 → Planificado"],
            ),
            (b"206148;finalizado;100;nota, con coma", ["206148 → Finalizado · 100%"]),
            (b"206148\tfinalizado\t100\tnota, con coma", ["206148 → Finalizado · 100%"]),
        )
    ):
        data = (
            await desk.call(
                "POST", "/csv", content=body, content_type="text/csv", key=f"mac-and-one-row-{n:03d}"
            )
        ).json()
        assert (data["ready"], data["rejected"]) == (ready, []), body
        assert data["id"] is not None


async def test_a_big_csv_preview_lists_thirty_rows_of_each_kind_with_the_totals(desk: Desk) -> None:
    row = b"206148,finalizado,100,a\n"
    body = row * (1_000_000 // len(row))
    response = await desk.call("POST", "/csv", content=body, content_type="text/csv")
    data = response.json()
    rejected = len(body) // len(row) - 1
    assert (data["ready_count"], data["rejected_count"]) == (1, rejected)
    assert data["summary"] == f"1 fila lista, {thousands(rejected)} rechazadas."
    assert data["ready"] == ["206148 → Finalizado · 100%"]
    assert len(data["rejected"]) == 31
    assert data["rejected"][-1] == f"… y {thousands(rejected - 30)} filas rechazadas más."
    assert len(response.content) < 10_000  # it was 1.9 MB


async def test_a_json_body_over_its_limit_says_its_own_limit(desk: Desk) -> None:
    before = await snapshot(desk.sessionmaker)
    text = "x" * 70_000
    response = await desk.call("POST", "/anuncios/vista-previa", {"audience": "todos", "text": text})
    assert (response.status_code, response.json()) == (
        413,
        {"error": "Es demasiado largo para enviarlo (máximo 64 KB)."},
    )
    assert await snapshot(desk.sessionmaker) == before


async def test_a_note_keeps_no_control_or_bidi_characters_and_a_progress_only_ascii_digits(
    desk: Desk,
) -> None:
    body = {"status": "en_ejecucion", "progress": "40", "note": "tubo\u0007 \u202eodnalac\u202c\nlisto"}
    assert (await desk.call("POST", f"/proyectos/{SNIP}/estado", body)).status_code == 200
    (row,) = await rows_of(desk.sessionmaker, ProjectStatus)
    assert row.note == "tubo odnalac listo"
    before = await snapshot(desk.sessionmaker)
    arabic = {"status": "en_ejecucion", "progress": "٤٥"}
    refused = await desk.call("POST", f"/proyectos/{SNIP}/estado", arabic, key="arabic-digits-0001")
    assert (refused.status_code, refused.json()) == (400, {"error": t.STATUS_BAD_PROGRESS})
    assert await snapshot(desk.sessionmaker) == before


# The pages -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/app/consola/",
        "/app/consola/anuncios",
        "/app/consola/reporte",
        "/app/consola/edicion",
        "/app/consola/equipo",
    ],
)
async def test_the_console_pages_hold_no_data_and_run_only_their_scripts(desk: Desk, path: str) -> None:
    await desk.call(
        "POST", f"/proyectos/{SNIP}/estado", {"status": "suspendido", "note": "secreto del personal"}
    )
    response = await desk.client.get(path)
    assert response.status_code == 200
    assert "secreto del personal" not in response.text
    page = Page(response.text)
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self'" in policy
    assert len(page.scripts) == 2  # the layout's and the console's, both by their hashes
    for script in page.scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert t.CONSOLE_TITLE in page.plain
    assert t.CONSOLE_NO_SCRIPT in page.plain
    explorer = await desk.client.get("/app/")
    assert "connect-src" not in explorer.headers["content-security-policy"]  # the explorer calls nothing
    assert (
        await desk.client.get(path, headers={"If-None-Match": response.headers["etag"]})
    ).status_code == 304
