"""Staff and residents around project status, subscriptions, announcements and reports —
end to end through the fake Bot API, with the outbox worker delivering notifications."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.chat_store import chat_hash, queries_since
from db.outbox_models import Broadcast, Delivery
from db.staff_store import add_staff, add_status, ground_reports, status_history
from handlers.context import filled
from knowledge import catalog as t
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.handlers.webapp.test_console import snapshot
from tests.support.fakebotapi import FakeBotApi, Sent

ADMIN = 700_000_001
STAFF = 700_000_002
RESIDENT = 100_000_001  # the fake's default user
NEIGHBOUR = 100_000_002
OTHER = 100_000_003
STAFF_ONLY = "Este comando es solo para el personal de la municipalidad."


@asynccontextmanager
async def open_town(api: FakeBotApi, database: Path | str) -> AsyncIterator[Chat]:
    """The bot with one administrator (ADMIN_IDS) and the outbox worker running."""
    for user_id, name in ((ADMIN, "Admin"), (STAFF, "Técnica"), (NEIGHBOUR, "Vecina"), (OTHER, "Otro")):
        api.make_user(user_id, name)
    settings = settings_for(api, database, admin_ids=(ADMIN,), broadcast_rate=30)
    async with running_bot(api, settings) as application:
        yield Chat(api, application)
    api.assert_no_violations()


@pytest.fixture
async def town(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    async with open_town(api, tmp_path / "town.db") as chat:
        yield chat


@pytest.fixture
async def any_town(api: FakeBotApi, database_url: str) -> AsyncIterator[Chat]:
    """``town`` on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    async with open_town(api, database_url) as chat:
        yield chat


async def say(town: Chat, user_id: int, text: str, count: int = 1) -> list[Sent]:
    return await town.say(text, chat_id=user_id, user=user_id, count=count)


async def press(town: Chat, user_id: int, sent: Sent, data: str) -> str:
    """Press a button as ``user_id``; returns the callback answer's text ("" when none)."""
    mark = town.api.mark()
    town.api.press_button(sent.message, data, user=user_id, check=False)
    (call,) = await town.api.wait_for("answerCallbackQuery", since=mark)
    return str(call.params.get("text", ""))


async def test_resident_cannot_use_staff_commands(town: Chat) -> None:
    for command in (
        "/estado 242177 finalizado",
        "/anunciar todos hola",
        "/reporte",
        "/exportar",
        "/staff agregar 5",
        "/historial 242177",
    ):
        (reply,) = await say(town, RESIDENT, command)
        assert reply.plain_text == STAFF_ONLY
    (history,) = await say(town, ADMIN, "/historial 242177")
    assert "no tiene actualizaciones" in history.plain_text


async def test_status_is_shown_apart_from_the_plans_figures(town: Chat) -> None:
    (saved,) = await say(town, ADMIN, "/estado 242177 en ejecución 45% zanjeo terminado")
    assert "242177 → En ejecución · 45%" in saved.plain_text
    (card, *_) = await say(town, RESIDENT, "proyecto 242177")
    text = card.plain_text
    assert "Q 4,441,894.00" in text
    assert "Seguimiento (dato ingresado por el personal municipal)" in text
    assert "En ejecución · 45%" in text
    assert "Nota: zanjeo terminado" in text
    (history,) = await say(town, ADMIN, "/historial 242177")
    assert "En ejecución · 45% — zanjeo terminado" in history.plain_text


async def test_status_change_notifies_each_follower_once(town: Chat) -> None:
    await say(town, RESIDENT, "/suscribir proyecto 242177")
    await say(town, NEIGHBOUR, "/suscribir zona 10")
    await say(town, OTHER, "/suscribir zona 6")
    await say(town, RESIDENT, "/suscribir zona 10")  # follows project and zona: still one message
    mark = town.api.mark()
    (saved,) = await say(town, ADMIN, "/estado 242177 finalizado 100")
    assert "Se avisará a 2 chats" in saved.plain_text
    notified = await town.api.wait_for_sent(count=3, since=mark)  # the admin's reply + 2 notifications
    by_chat = {s.chat_id: s for s in notified if "Nuevo estado" in s.plain_text}
    assert set(by_chat) == {RESIDENT, NEIGHBOUR}
    assert "Finalizado · 100%" in by_chat[RESIDENT].plain_text
    await say(town, OTHER, "hola")  # processed after the worker's sends
    assert not any(s.chat_id == OTHER and "Nuevo estado" in s.plain_text for s in town.api.sent(since=mark))


async def test_staff_buttons_on_the_card_and_forged_presses(town: Chat) -> None:
    (card, *_) = await say(town, ADMIN, "proyecto 206148")
    assert "a|estado:206148:suspendido" in card.callback_data
    (resident_card, *_) = await say(town, RESIDENT, "proyecto 206148")
    assert not any(d.startswith("a|estado:") for d in resident_card.callback_data)
    assert await press(town, RESIDENT, resident_card, "a|estado:206148:finalizado") == STAFF_ONLY
    mark = town.api.mark()
    assert await press(town, ADMIN, card, "a|estado:206148:suspendido") == ""
    (saved,) = await town.api.wait_for_sent(ADMIN, since=mark)
    assert "206148 → Suspendido" in saved.plain_text
    (history,) = await say(town, ADMIN, "/historial 206148")
    assert "Suspendido" in history.plain_text
    assert "Finalizado" not in history.plain_text


async def test_announcement_preview_cancel_and_send(town: Chat) -> None:
    await say(town, NEIGHBOUR, "/suscribir zona 6")
    await say(town, OTHER, "/suscribir zona 6")
    (preview,) = await say(town, ADMIN, "/anunciar zona 6 Corte de agua el lunes <8am>")
    assert "2 destinatarios" in preview.plain_text
    assert "Corte de agua el lunes <8am>" in preview.plain_text
    send = next(d for d in preview.callback_data if d.startswith("a|enviar:"))
    assert await press(town, RESIDENT, preview, send) == STAFF_ONLY
    await say(town, ADMIN, f"/staff agregar {STAFF}")
    mark = town.api.mark()
    await press(town, STAFF, preview, send)
    (refused,) = await town.api.wait_for_sent(preview.chat_id, since=mark)
    assert "Solo quien preparó el anuncio" in refused.plain_text
    mark = town.api.mark()
    await press(town, ADMIN, preview, send)
    delivered = await town.api.wait_for_sent(count=2, since=mark)
    assert {s.chat_id for s in delivered if "Corte de agua" in s.plain_text} == {NEIGHBOUR, OTHER}
    (cancel_preview,) = await say(town, ADMIN, "/anunciar todos Feria el sábado")
    cancel = next(d for d in cancel_preview.callback_data if d.startswith("a|cancelar:"))
    await press(town, ADMIN, cancel_preview, cancel)
    await say(town, RESIDENT, "hola")
    assert not any("Feria" in s.plain_text for s in town.api.sent() if s.chat_id != ADMIN)


async def test_an_announcement_in_the_chat_keeps_no_control_or_bidi_character(town: Chat) -> None:
    await say(town, NEIGHBOUR, "/suscribir zona 6")
    (preview,) = await say(
        town, ADMIN, "/anunciar zona 6 Feria \u202eel\u202c sábado\x07 en el \u2066parque\u2069"
    )
    assert "Feria el sábado  en el parque" in preview.plain_text
    assert not set(preview.plain_text) & set("\u202e\u202c\u2066\u2069\x07")
    mark = town.api.mark()
    await press(town, ADMIN, preview, next(d for d in preview.callback_data if d.startswith("a|enviar:")))
    (delivered,) = await town.api.wait_for_sent(NEIGHBOUR, since=mark)
    assert delivered.plain_text.endswith("Feria el sábado  en el parque")


async def test_staff_management_is_for_administrators(town: Chat) -> None:
    (added,) = await say(town, ADMIN, f"/staff agregar {STAFF}")
    assert f"{STAFF} ahora es parte del personal" in added.plain_text
    scoped = town.api.commands({"type": "chat", "chat_id": STAFF})
    assert {"estado", "anunciar", "reporte"} <= {c["command"] for c in scoped}
    assert "estado" not in {c["command"] for c in town.api.commands()}
    (refused,) = await say(town, STAFF, "/staff quitar 700000001")
    assert "Solo un administrador" in refused.plain_text
    (ok,) = await say(town, STAFF, "/estado 276227 en_ejecucion")
    assert "276227 → En ejecución" in ok.plain_text
    (removed,) = await say(town, ADMIN, f"/staff quitar {STAFF}")
    assert "ya no es parte del personal" in removed.plain_text
    (after,) = await say(town, STAFF, "/estado 276227 finalizado")
    assert after.plain_text == STAFF_ONLY
    (said,) = await say(town, ADMIN, f"/staff agregar {ADMIN}")  # ADMIN_IDS: the setting's
    assert said.plain_text == t.STAFF_CONFIGURED.format(user_id=ADMIN)
    (said,) = await say(town, ADMIN, f"/staff quitar {ADMIN}")  # nobody removes themselves
    assert said.plain_text == t.STAFF_SELF
    (arabic,) = await say(town, ADMIN, "/staff agregar \u0667\u0660\u0660")  # Arabic-Indic 700: no id
    assert arabic.plain_text == t.STAFF_USAGE
    (listed,) = await say(town, ADMIN, "/staff")
    assert listed.plain_text == t.STAFF_LIST.format(ids=ADMIN)


async def test_the_only_administrator_cannot_remove_themselves(api: FakeBotApi, database_url: str) -> None:
    """No ADMIN_IDS: the one administrator is a row of the staff table. Their own "/staff quitar"
    is refused with the catalogue's line and the database is as it was; they stay administrator."""
    api.make_user(STAFF, "Técnica")
    settings = settings_for(api, database_url, admin_ids=())
    async with running_bot(api, settings) as application:
        town = Chat(api, application)
        sessions = application.bot_data.sessionmaker
        async with sessions() as session:
            await add_staff(session=session, user_id=STAFF, role="admin", added_by=STAFF)
            await session.commit()
        before = await snapshot(sessions)
        (refused,) = await say(town, STAFF, f"/staff quitar {STAFF}")
        assert refused.plain_text == t.STAFF_SELF
        assert await snapshot(sessions) == before
        (still,) = await say(town, STAFF, f"/staff agregar {NEIGHBOUR}")  # an administrator still
        assert still.plain_text == t.STAFF_ADDED.format(user_id=NEIGHBOUR)
    api.assert_no_violations()


async def test_a_progress_out_of_range_is_refused_not_kept_as_the_note(town: Chat) -> None:
    for command, token in (
        ("/estado 206148 finalizado 1000%", "1000%"),
        ("/estado 206148 finalizado -5 nota", "-5"),
        ("/estado 206148 finalizado ٤٥ nota", "٤٥"),
    ):
        (refused,) = await say(town, ADMIN, command)
        assert refused.plain_text == t.STATUS_BAD_PROGRESS_GIVEN.format(value=token), command
    (history,) = await say(town, ADMIN, "/historial 206148")
    assert "no tiene actualizaciones" in history.plain_text  # nothing saved
    (saved,) = await say(town, ADMIN, "/estado 206148 finalizado 100 obra\u202e entregada\u0007 hoy")
    assert "206148 → Finalizado · 100%" in saved.plain_text
    (history,) = await say(town, ADMIN, "/historial 206148")
    assert "Finalizado · 100% — obra entregada hoy" in history.plain_text


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"206148,finalizado,100,a\rb\n", "1 fila lista, 1 rechazada."),
        (b"206148,finalizado,100,a\r242177,planificado,,b\r", "2 filas listas, 0 rechazadas."),
        (b'206148,finalizado,100,"abierta\n242177,planificado,,b\n', t.CSV_UNCLOSED_QUOTE.format(line=1)),
        (bytes(range(256)) * 20, t.CSV_NOT_TEXT),
        (b"206148,finalizado,100," + b"x" * 131_073, t.CSV_CELL_TOO_LONG.format(line=1, limit="131.072")),
        (b"206148;finalizado;100;nota, con coma", "1 fila lista, 0 rechazadas."),
    ],
)
async def test_any_csv_gets_a_preview_or_a_refusal_never_an_error(
    town: Chat, content: bytes, said: str
) -> None:
    mark = town.api.mark()
    town.api.send_document_from_user(
        ADMIN, data=content, file_name="estados.csv", mime_type="text/csv", user=ADMIN
    )
    (reply,) = await town.api.wait_for_sent(ADMIN, since=mark)
    assert said in reply.plain_text
    assert t.ERROR not in reply.plain_text


async def test_forget_me_deletes_the_chats_data(town: Chat) -> None:
    await say(town, RESIDENT, "/suscribir zona 4")  # also makes zona 4 the chat's own
    (mine,) = await say(town, RESIDENT, "mi zona")
    assert "Zona 4 de Mixco" in mine.plain_text
    (ask,) = await say(town, RESIDENT, "/olvidarme")
    await press(town, RESIDENT, ask, f"a|olvidar:si:{RESIDENT}")
    (empty,) = await say(town, RESIDENT, "/suscripciones")
    assert "Todavía no sigue" in empty.plain_text
    (which,) = await say(town, RESIDENT, "mi zona")
    assert which.callback_data == [f"a|mizona:{n}" for n in range(1, 12)]  # the zona is forgotten too


async def test_feedback_once_per_answer_and_report(town: Chat) -> None:
    (answer, *_) = await say(town, RESIDENT, "meta de basura")
    up = next(d for d in answer.callback_data if d.startswith("a|fb:") and d.endswith(":1"))
    assert await press(town, RESIDENT, answer, up) == "¡Gracias por su opinión!"
    assert await press(town, RESIDENT, answer, up) == "Ya recibimos su opinión sobre esta respuesta."
    await say(town, RESIDENT, "receta de pepián")
    await say(town, NEIGHBOUR, "receta de pepian")
    await say(town, NEIGHBOUR, "¿a qué hora pasa el camión en la zona 7?")
    replies = await say(town, ADMIN, "/reporte")
    text = "\n".join(r.plain_text for r in replies)
    assert "Sin zona: «receta de pepián» (2 veces)" in text
    assert "Zona 7:" in text
    assert "Opiniones: 👍 1 · 👎 0" in text
    assert "287389: nunca se ha actualizado" in text


async def test_export_csv(town: Chat) -> None:
    await say(town, ADMIN, "/estado 297669 en ejecución 30% perforación")
    (document,) = await say(town, ADMIN, "/exportar")
    assert document.method == "sendDocument"
    data = town.api.file_bytes(document.message["document"]["file_id"])
    assert data is not None
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    row = next(r for r in rows if r["snip"] == "297669")
    assert (row["estado"], row["avance"], row["nota"]) == ("en_ejecucion", "30", "perforación")


async def test_csv_bulk_update_preview_then_apply(town: Chat) -> None:
    content = "SNIP,estado,avance,nota\n242177,finalizado,100,entregado\n999999,finalizado,,\n"
    mark = town.api.mark()
    town.api.send_document_from_user(
        ADMIN, data=content.encode(), file_name="estados.csv", mime_type="text/csv", user=ADMIN
    )
    (preview,) = await town.api.wait_for_sent(ADMIN, since=mark)
    assert "1 fila lista, 1 rechazada." in preview.plain_text
    assert "Línea 3: no hay proyecto con SNIP 999999" in preview.plain_text
    (history,) = await say(town, ADMIN, "/historial 242177")
    assert "no tiene actualizaciones" in history.plain_text  # nothing applied before confirming
    apply = next(d for d in preview.callback_data if d.startswith("a|aplicar:"))
    assert await press(town, RESIDENT, preview, apply) == STAFF_ONLY
    mark = town.api.mark()
    await press(town, ADMIN, preview, apply)
    (applied,) = await town.api.wait_for("editMessageText", since=mark)
    assert applied.params["text"] == "Listo: 1 actualización aplicada."
    (after,) = await say(town, ADMIN, "/historial 242177")
    assert "Finalizado · 100% — entregado" in after.plain_text


async def test_a_csv_preview_is_one_message_telegram_takes_with_every_line_whole(any_town: Chat) -> None:
    """Rows rejected for a state of 30 "<": each is 4 characters of the HTML sent and one of
    what Telegram shows, so the message is longer than 4,096 as written and shorter as read. It is
    sent whole (never cut inside an entity, which Telegram refuses), with its Aplicar button."""
    plan = filled(any_town.app.bot_data.answerer).plan
    snips = sorted({p.snip for p in plan.projects})
    content = "".join(f"{snip},finalizado,100\n" for snip in snips)
    content += f"{snips[0]},{'<' * 30},\n" * 35
    mark = any_town.api.mark()
    any_town.api.send_document_from_user(
        ADMIN, data=content.encode(), file_name="estados.csv", mime_type="text/csv", user=ADMIN
    )
    (preview,) = await any_town.api.wait_for_sent(ADMIN, since=mark)
    (call,) = [c for c in any_town.api.calls("sendMessage") if c.params.get("chat_id") == ADMIN][-1:]
    assert len(str(call.params["text"])) > 4096  # as written
    lines = preview.plain_text.split("\n")
    assert lines[0] == f"Actualización masiva: {len(snips)} filas listas, 35 rechazadas."
    bad = t.CSV_REJECTED.format(line=0, reason=t.CSV_BAD_STATE.format(state="<" * 30))
    assert [line.split(":", 1)[1] for line in lines[-31:-1]] == [bad.split(":", 1)[1]] * 30
    assert lines[-1] == "… y 5 filas rechazadas más."
    assert any(d.startswith("a|aplicar:") for d in preview.callback_data)


async def test_a_long_history_keeps_its_newest_entries_in_one_message(any_town: Chat) -> None:
    """Thirty statuses with notes of 500 characters (written "&amp;" and "&lt;"): /historial is
    one message Telegram takes, its newest entries whole and last, the older counted first."""
    sessions = any_town.app.bot_data.sessionmaker
    async with sessions() as session:
        for n in range(30):
            note = f"{n:02d} " + "a & b < c " * 49 + "fin"
            await add_status(
                session=session,
                snip="206148",
                status="en_ejecucion",
                progress=n,
                note=note,
                author_id=ADMIN,
                author_name="@jefa",
            )
        await session.commit()
    (history,) = await say(any_town, ADMIN, "/historial 206148")
    lines = history.plain_text.split("\n")
    assert len(history.plain_text) <= 4096
    assert lines[0] == t.HISTORY_TITLE.format(snip="206148")
    kept = len(lines) - 2
    assert 0 < kept < 30
    assert lines[1] == t.MESSAGE_CUT_EARLIER.format(lines=f"{30 - kept} líneas anteriores")
    assert f"· 29% — 29 {'a & b < c ' * 49}fin (" in lines[-1]  # the newest, whole
    assert all(f"{'a & b < c ' * 49}fin (" in line for line in lines[2:])


async def report(town: Chat, snip: str, text: str) -> str:
    """A resident's report from the card's "📣 Reportar avance" to Enviar; the bot's last word."""
    (card, *_) = await say(town, RESIDENT, f"proyecto {snip}")
    mark = town.api.mark()
    await press(town, RESIDENT, card, f"a|reportar:{snip}")
    (prompt,) = await town.api.wait_for_sent(RESIDENT, since=mark)
    assert f"Escriba lo que ve en la obra del proyecto {snip}" in prompt.plain_text
    (preview,) = await say(town, RESIDENT, text)
    mark = town.api.mark()
    await press(town, RESIDENT, preview, next(d for d in preview.callback_data if "reporte:enviar" in d))
    (saved,) = await town.api.wait_for("editMessageText", since=mark)
    return str(saved.params["text"])


async def test_ground_report_reaches_staff_without_changing_the_status(town: Chat) -> None:
    saved = await report(town, "273703", "La obra está parada desde hace un mes")
    assert "su reporte del proyecto 273703 llegó" in saved
    replies = await say(town, ADMIN, "/reporte")
    text = "\n".join(r.plain_text for r in replies)
    assert "proyecto 273703" in text
    assert "La obra está parada" in text
    (history,) = await say(town, ADMIN, "/historial 273703")
    assert "no tiene actualizaciones" in history.plain_text


async def test_staff_see_residents_reports_on_the_project_card(town: Chat) -> None:
    await report(town, "206213", "Ya pusieron los tubos en la calle 0")
    (resident_view, *_) = await say(town, NEIGHBOUR, "proyecto 206213")
    assert "Ya pusieron los tubos" not in resident_view.plain_text
    (staff_view, *_) = await say(town, ADMIN, "proyecto 206213")
    assert "Reportes de vecinos sin revisar:" in staff_view.plain_text
    assert "Ya pusieron los tubos en la calle 0" in staff_view.plain_text


async def test_a_status_button_changes_the_status_and_keeps_progress_and_note(town: Chat) -> None:
    await say(town, ADMIN, "/estado 242177 suspendido 35% obra detenida")
    await say(town, RESIDENT, "/suscribir proyecto 242177")
    (card, *_) = await say(town, ADMIN, "proyecto 242177")
    mark = town.api.mark()
    assert await press(town, ADMIN, card, "a|estado:242177:en_ejecucion") == ""
    by_chat = {s.chat_id: s.plain_text for s in await town.api.wait_for_sent(count=2, since=mark)}
    assert "242177 → En ejecución · 35%" in by_chat[ADMIN]
    assert "Nuevo estado: En ejecución · 35%" in by_chat[RESIDENT]
    assert "Nota: obra detenida" in by_chat[RESIDENT]
    (resident_card, *_) = await say(town, RESIDENT, "proyecto 242177")
    assert "En ejecución · 35%" in resident_card.plain_text
    assert "Nota: obra detenida" in resident_card.plain_text
    (history,) = await say(town, ADMIN, "/historial 242177")
    first, second = history.plain_text.splitlines()[1:]
    assert first.endswith("Suspendido · 35% — obra detenida")
    assert second.endswith("En ejecución · 35% — obra detenida (cambió estado: Suspendido → En ejecución)")


async def test_quick_changes_reach_a_follower_as_one_message_then_the_latest(town: Chat) -> None:
    await say(town, RESIDENT, "/suscribir proyecto 242177")
    await say(town, RESIDENT, "/suscribir zona 10")
    mark = town.api.mark()
    await say(town, ADMIN, "/estado 242177 suspendido 35% obra detenida")
    (first,) = await town.api.wait_for_sent(RESIDENT, since=mark)  # a quiet period: at once
    assert "Nuevo estado: Suspendido · 35%" in first.plain_text
    second_change = datetime.now(UTC)
    await say(town, ADMIN, "/estado 242177 en ejecución 40%")
    await say(town, ADMIN, "/estado 242177 finalizado 100%")
    window = timedelta(minutes=10)
    async with town_session(town) as session:
        first_sent, waiting = await notices_to(session, RESIDENT, ("sent", "pending"))
        assert first_sent.sent_at is not None
        # due when the window after the first message ends (or after the change, if it was on its way)
        assert min(first_sent.sent_at, second_change) + window <= waiting.next_attempt_at
        assert waiting.next_attempt_at <= datetime.now(UTC) + window
        waiting.next_attempt_at = datetime.now(UTC)  # the window's end has come
        session.add(waiting)
        await session.commit()
    mark = town.api.mark()
    wake = town.app.bot_data.outbox_wakeup
    assert wake is not None
    wake()
    (latest,) = await town.api.wait_for_sent(RESIDENT, since=mark)
    assert "Nuevo estado: Finalizado · 100%" in latest.plain_text
    recorded = await recorded_notices_to(town, RESIDENT)  # every notice accounted for
    assert [d.status for d in recorded] == ["sent", "superseded", "sent"]


def town_session(town: Chat) -> AsyncSession:
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    return sessionmaker()


async def notices_to(session: AsyncSession, chat_id: int, statuses: tuple[str, ...] = ()) -> list[Delivery]:
    """The chat's deliveries (of those statuses), oldest first."""
    query = select(Delivery).where(Delivery.chat_id == chat_id).order_by(col(Delivery.id))
    if statuses:
        query = query.where(col(Delivery.status).in_(statuses))
    return list((await session.exec(query)).all())


async def recorded_notices_to(town: Chat, chat_id: int) -> list[Delivery]:
    """The chat's deliveries once the worker recorded the outcome of each."""
    async with asyncio.timeout(5):
        while True:
            async with town_session(town) as session:
                rows = await notices_to(session, chat_id)
            if all(d.status != "pending" for d in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_text_no_database_can_store_is_cleaned_where_it_enters(any_town: Chat) -> None:
    """NUL (PostgreSQL text cannot hold it) and lone surrogates (nothing can encode them), as a
    broken or hostile client sends them, in a question, a ground report and a staff note."""
    town = any_town
    (answer, *_) = await say(town, RESIDENT, "proyectos\x00 zona 6 \ud800")
    assert "273703" in answer.plain_text
    (card, *_) = await say(town, RESIDENT, "proyecto 273703")
    mark = town.api.mark()
    await press(town, RESIDENT, card, "a|reportar:273703")
    await town.api.wait_for_sent(RESIDENT, since=mark)
    assert "su reporte del proyecto 273703 llegó" in await send_report(
        town, RESIDENT, "obra\x00 parada\ud800"
    )
    (status,) = await say(town, ADMIN, "/estado 273703 suspendido falta\x00 material\ud800")
    assert "273703 → Suspendido" in status.plain_text
    assert await town.app.bot_data.chat_state.flush() is True
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        questions = [row.question for row in await queries_since(session=session, days=1)]
        reports = [row.text for row in await ground_reports(session=session)]
        notes = [row.note for row in await status_history(session=session, snip="273703")]
    assert sorted(questions) == ["proyecto 273703", "proyectos zona 6 \ufffd"]
    assert reports == ["obra parada\ufffd"]
    assert notes == ["falta material\ufffd"]


def names_the_chat(value: object, chat_id: int, hashed: str) -> bool:
    """A stored value that names the chat: its id as a number, or its id or hash in a text or
    JSON value."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value == chat_id
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return isinstance(value, str) and (str(chat_id) in value or hashed in value)


async def where_the_chat_is_named(town: Chat, chat_id: int) -> set[str]:
    """Every ``table.column`` of every table in the metadata that names the chat anywhere, so a
    table added later is searched too."""
    await town.app.bot_data.chat_state.flush()
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    hashed = chat_hash(chat_id, town.app.bot_data.query_log_salt)
    found: set[str] = set()
    async with sessionmaker() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(table.select())).mappings():
                found.update(
                    f"{table.name}.{column}"
                    for column, value in row.items()
                    if names_the_chat(value, chat_id, hashed)
                )
    return found


async def leave_every_trace(town: Chat, user_id: int) -> Sent:
    """Follow, ask, vote, report, open a report request; returns an answer not voted on yet."""
    await say(town, user_id, "/suscribir zona 4")
    (voted, *_) = await say(town, user_id, "meta de basura")
    await press(town, user_id, voted, next(d for d in voted.callback_data if d.startswith("a|fb:")))
    (unvoted, *_) = await say(town, user_id, "proyectos zona 6")
    (card, *_) = await say(town, user_id, "proyecto 273703")
    for report in ("La obra está parada", None):  # one report sent, one request left open
        mark = town.api.mark()
        await press(town, user_id, card, "a|reportar:273703")
        await town.api.wait_for_sent(user_id, since=mark)
        if report:
            await send_report(town, user_id, report)
    return unvoted


async def send_report(town: Chat, user_id: int, text: str) -> str:
    """In an open report mode: the text, then Enviar on its preview; what the bot says then."""
    (preview,) = await say(town, user_id, text)
    send = next(d for d in preview.callback_data if d.startswith("a|reporte:enviar:"))
    mark = town.api.mark()
    await press(town, user_id, preview, send)
    (said,) = await town.api.wait_for(
        lambda c: c.method in ("editMessageText", "sendMessage") and c.params.get("chat_id") == user_id,
        since=mark,
    )
    return str(said.params["text"])


async def test_forgetting_leaves_no_row_that_names_the_chat(any_town: Chat) -> None:
    town = any_town
    unvoted = await leave_every_trace(town, RESIDENT)
    await say(town, NEIGHBOUR, "/suscribir zona 6")
    (preview,) = await say(town, ADMIN, "/anunciar todos Feria el sábado")
    mark = town.api.mark()
    await press(town, ADMIN, preview, next(d for d in preview.callback_data if d.startswith("a|enviar:")))
    await town.api.wait_for_sent(RESIDENT, since=mark)  # the announcement was delivered to the chat
    before = {name.split(".")[0] for name in await where_the_chat_is_named(town, RESIDENT)}
    assert {
        "subscription", "recipient", "chat_zona", "chat_context", "query_log", "feedback",
        "ground_report", "pending_action", "delivery",
    } <= before  # fmt: skip

    (ask,) = await say(town, RESIDENT, "/olvidarme")
    await press(town, RESIDENT, ask, f"a|olvidar:si:{RESIDENT}")
    await press(town, RESIDENT, unvoted, next(d for d in unvoted.callback_data if d.startswith("a|fb:")))
    assert await where_the_chat_is_named(town, RESIDENT) == set()
    assert "subscription.chat_id" in await where_the_chat_is_named(town, NEIGHBOUR)  # others' rows stay


GROUP = -4_012_345


async def test_only_a_group_administrator_forgets_the_group_and_only_who_asked_confirms(
    town: Chat,
) -> None:
    town.api.set_member_status(GROUP, NEIGHBOUR, "administrator")
    (followed,) = await town.say("/suscribir zona 6", chat_id=GROUP, user=RESIDENT, chat_type="group")
    assert "zona 6" in followed.plain_text
    (refused,) = await town.say("/olvidarme", chat_id=GROUP, user=RESIDENT, chat_type="group")
    assert refused.plain_text == t.FORGET_GROUP_ADMINS
    assert refused.callback_data == []
    (ask,) = await town.say("/olvidarme", chat_id=GROUP, user=NEIGHBOUR, chat_type="group")
    confirm = f"a|olvidar:si:{NEIGHBOUR}"
    assert confirm in ask.callback_data
    assert await press(town, RESIDENT, ask, confirm) == t.FORGET_NOT_YOURS
    forged = f"a|olvidar:si:{OTHER}"  # claims to be the one who asked, but administers nothing
    assert await press(town, OTHER, ask, forged) == t.FORGET_GROUP_ADMINS
    assert "subscription.chat_id" in await where_the_chat_is_named(town, GROUP)  # nothing was deleted
    town.api.set_member_status(GROUP, NEIGHBOUR, "member")  # no longer an administrator
    assert await press(town, NEIGHBOUR, ask, confirm) == t.FORGET_GROUP_ADMINS
    town.api.set_member_status(GROUP, NEIGHBOUR, "creator")
    mark = town.api.mark()
    assert await press(town, NEIGHBOUR, ask, confirm) == ""
    (done,) = await town.api.wait_for("editMessageText", since=mark)
    assert done.params["text"] == t.FORGET_DONE
    assert await where_the_chat_is_named(town, GROUP) == set()


async def test_an_announcement_too_long_to_store_says_how_much_to_cut(any_town: Chat) -> None:
    town = any_town
    await say(town, NEIGHBOUR, "/suscribir zona 6")  # a recipient
    text = " ".join(['Aviso "importante" & urgente'] * 120)  # 3,479 characters, 5,191 stored as HTML
    (refused,) = await say(town, ADMIN, f"/anunciar todos {text}")
    assert refused.plain_text == t.ANNOUNCE_TOO_LONG.format(n="1.191")
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        assert (await session.exec(select(Broadcast))).all() == []  # nothing was stored
    shortened = text[:-1191]
    (preview,) = await say(town, ADMIN, f"/anunciar todos {shortened}")
    assert shortened in preview.plain_text
    mark = town.api.mark()
    await press(town, ADMIN, preview, next(d for d in preview.callback_data if d.startswith("a|enviar:")))
    (delivered,) = await town.api.wait_for_sent(NEIGHBOUR, since=mark)
    assert delivered.plain_text.endswith(shortened)


async def test_history_shows_the_latest_entries_with_author_and_guatemala_time(town: Chat) -> None:
    town.api.make_user(ADMIN, "Admin", username="jefa_obras")
    start = datetime(2026, 12, 2, 20, 31, tzinfo=UTC)  # 14:31 in Guatemala (UTC-6)
    async with town_session(town) as session:
        for n in range(1, 33):
            row = await add_status(
                session=session,
                snip="242177",
                status="en_ejecucion",
                progress=n,
                note=f"paso {n}",
                author_id=STAFF,
                author_name="Técnica Pérez" if n % 2 == 0 else None,
            )
            row.created_at = start + timedelta(minutes=n)
            session.add(row)
        await session.commit()
    await say(town, ADMIN, "/estado 242177 finalizado 100%")
    (history,) = await say(town, ADMIN, "/historial 242177")
    _title, *entries = history.plain_text.splitlines()
    assert len(entries) == 30  # the latest 30 of 33, oldest first
    assert entries[0] == (
        "02/12/2026 14:35 · Técnica Pérez: En ejecución · 4% — paso 4 (cambió avance: 3% → 4%; nota)"
    )
    assert entries[1].startswith(f"02/12/2026 14:36 · {STAFF}: En ejecución · 5% — paso 5")
    assert "· @jefa_obras: Finalizado · 100% (cambió estado: En ejecución → Finalizado;" in entries[-1]
    assert not any("paso 3 " in line or line.endswith("paso 3") for line in entries)


async def test_staff_texts_count_in_good_spanish_and_name_what_is_followed(town: Chat) -> None:
    await say(town, RESIDENT, "/suscribir proyecto 242177")
    await say(town, NEIGHBOUR, "/suscribir zona 6")
    mark = town.api.mark()
    (saved,) = await say(town, ADMIN, "/estado 242177 en ejecución 10%")
    assert saved.plain_text.endswith("Se avisará a 1 chat que lo sigue.")
    await town.api.wait_for_sent(RESIDENT, since=mark)  # the notice is delivered
    (preview,) = await say(town, ADMIN, "/anunciar zona 6 Corte de agua el lunes")
    assert "para la zona 6 (1 destinatario):" in preview.plain_text
    await say(town, RESIDENT, "receta de pepián")
    replies = await say(town, ADMIN, "/reporte")
    text = "\n".join(r.plain_text for r in replies)
    assert "Sin zona: «receta de pepián» (1 vez)" in text
    assert "el proyecto 242177 (Construccion sistema de alcantarillado…): 1 chat" in text
    assert "la zona 6: 1 chat" in text
    assert (
        "· el proyecto 242177 (Construccion sistema de alcantarillado…): 1 enviado, 0 no entregados" in text
    )
    assert "proyecto:242177" not in text
    assert "proyecto 242177:" not in text
    (following,) = await say(town, RESIDENT, "/suscripciones")
    assert "• el proyecto 242177 (Construccion sistema de alcantarillado…)" in following.plain_text


async def test_staff_get_their_own_help_and_residents_keep_theirs(town: Chat) -> None:
    (staff_help,) = await say(town, ADMIN, "/ayuda")
    text = staff_help.plain_text
    assert text.startswith("Ayuda para el personal municipal")
    for command, _ in t.STAFF_COMMANDS:
        assert f"/{command} " in text
        assert f"Ejemplo: /{command}" in text
    assert "SNIP, estado, avance, nota" in text
    assert "Ejemplo de fila: 242177,en_ejecucion,45,zanjeo terminado" in text
    assert "Cargar el plan del año nuevo:" in text
    assert "nada cambia hasta que toque «Cargar»" in text
    (resident_help,) = await say(town, RESIDENT, "/ayuda")
    assert resident_help.plain_text.startswith("¿En qué le puedo ayudar?")
    assert "/estado" not in resident_help.plain_text
    (welcome,) = await say(town, ADMIN, "/start")
    mark = town.api.mark()
    await press(town, ADMIN, welcome, "a|ayuda")
    (pressed,) = await town.api.wait_for_sent(ADMIN, since=mark)
    assert pressed.plain_text == text
    group = -4_000_123
    (in_group,) = await town.say("/ayuda", chat_id=group, user=ADMIN, chat_type="group")
    assert "/estado" not in in_group.plain_text  # the group's residents see no staff commands


async def test_an_announcement_to_a_zona_mixco_does_not_have_says_so(town: Chat) -> None:
    (reply,) = await say(town, ADMIN, "/anunciar zona 12 Corte de agua")
    assert reply.plain_text == (
        "Mixco no tiene zona 12: tiene zonas de la 1 a la 11. Por ejemplo: /anunciar zona 6 texto del anuncio"
    )
    assert not any(d.startswith("a|enviar:") for d in reply.callback_data)
