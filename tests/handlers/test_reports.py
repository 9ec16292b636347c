"""Ground reports ("📣 Reportar avance"), end to end: an explicit mode with a prompt and Cancelar,
a preview with Enviar before anything is filed, a time-out, questions and commands that leave the
mode and are answered as usual, and a message to the reporter once staff reviewed the report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from db.bot_models import PendingAction
from db.resident_models import GroundReport
from knowledge import catalog as t
from tests.conftest import running_bot, settings_for
from tests.handlers.conftest import Chat
from tests.support.fakebotapi import FakeBotApi, Sent

ADMIN = 700_000_001
RESIDENT = 100_000_001  # the fake's default user


@pytest.fixture
async def town(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Chat]:
    api.make_user(ADMIN, "Admin")
    settings = settings_for(api, tmp_path / "town.db", admin_ids=(ADMIN,), broadcast_rate=30)
    async with running_bot(api, settings) as application:
        yield Chat(api, application)
    api.assert_no_violations()


async def say(town: Chat, text: str, count: int = 1, user: int = RESIDENT) -> list[Sent]:
    return await town.say(text, chat_id=user, user=user, count=count)


def push(town: Chat, sent: Sent, prefix: str, user: int) -> int:
    """Press the button whose data starts with ``prefix``; the call log's mark before it."""
    data = next(d for d in sent.callback_data if d.startswith(prefix))
    mark = town.api.mark()
    town.api.press_button(sent.message, data, user=user)
    return mark


async def press(town: Chat, sent: Sent, prefix: str, user: int = RESIDENT) -> Sent:
    """Press a button; the message it made the bot send."""
    (reply,) = await town.api.wait_for_sent(sent.chat_id, since=push(town, sent, prefix, user))
    return reply


async def press_for_edit(town: Chat, sent: Sent, prefix: str, user: int = RESIDENT) -> str:
    """Press a button; what the bot edited the message to say (or the message it sent instead)."""
    mark = push(town, sent, prefix, user)
    (call,) = await town.api.wait_for(
        lambda c: c.method in ("editMessageText", "sendMessage") and c.params.get("chat_id") == sent.chat_id,
        since=mark,
    )
    return str(call.params["text"])


async def open_report(town: Chat, snip: str = "242177") -> Sent:
    """The project's card, then "📣 Reportar avance": the prompt."""
    (card, *_) = await say(town, f"proyecto {snip}")
    return await press(town, card, f"a|reportar:{snip}")


def answered_as_usual(reply: Sent) -> bool:
    """A reply from the plan: no report preview, prompt or notice."""
    return "reporte" not in reply.plain_text and not any("reporte:" in d for d in reply.callback_data)


async def filed(town: Chat) -> list[GroundReport]:
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        return list((await session.exec(select(GroundReport))).all())


async def test_questions_leave_report_mode_are_answered_and_never_use_up_the_limit(town: Chat) -> None:
    for _ in range(3):  # more than the three reports a day
        prompt = await open_report(town)
        assert "Escriba lo que ve en la obra del proyecto 242177" in prompt.plain_text
        left, answer = await say(town, "¿cuánto dinero tiene este proyecto?", count=2)
        assert "no se envió" in left.plain_text
        assert "Q 4,441,894.00" in answer.plain_text
        await open_report(town)
        left, card = await say(town, "proyecto 242177", count=2)
        assert "CONSTRUCCION SISTEMA DE ALCANTARILLADO" in card.plain_text
    assert await filed(town) == []
    await open_report(town)
    (preview,) = await say(town, "La obra está parada desde hace un mes")
    assert "La obra está parada desde hace un mes" in preview.plain_text
    assert await filed(town) == []  # nothing is filed before Enviar
    saved = await press_for_edit(town, preview, "a|reporte:enviar:")
    assert "su reporte del proyecto 242177 llegó" in saved
    (report,) = await filed(town)
    assert (report.snip, report.text) == ("242177", "La obra está parada desde hace un mes")


async def test_three_reports_a_day_then_the_prompt_and_a_waiting_draft_say_tomorrow(town: Chat) -> None:
    limit = "Ya envió 3 reportes hoy. Podrá enviar más mañana."
    await open_report(town)
    (waiting,) = await say(town, "La primera que escribí")  # previewed, not sent
    await say(town, "proyecto 242177", count=2)  # a lookup leaves the mode: the draft waits
    for n in range(3):
        await open_report(town)
        (preview,) = await say(town, f"Avance número {n}")
        await press_for_edit(town, preview, "a|reporte:enviar:")
    assert len(await filed(town)) == 3
    edits = len(town.api.calls("editMessageText"))
    mark = push(town, waiting, "a|reporte:enviar:", RESIDENT)
    (refused,) = await town.api.wait_for_sent(waiting.chat_id, since=mark)
    assert refused.plain_text == limit
    assert len(town.api.calls("editMessageText")) == edits  # the preview stays as it was
    (card, *_) = await say(town, "proyecto 242177")
    assert (await press(town, card, "a|reportar:242177")).plain_text == limit
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:
        drafts = (await session.exec(select(PendingAction).where(PendingAction.state == "waiting"))).all()
    assert [d.payload["text"] for d in drafts] == ["La primera que escribí"]  # it can go tomorrow


async def test_more_messages_add_to_the_draft_and_only_the_latest_preview_sends(town: Chat) -> None:
    await open_report(town)
    (first,) = await say(town, "Ya pusieron los tubos")
    (second,) = await say(town, "pero falta el asfalto")
    assert "Ya pusieron los tubos\npero falta el asfalto" in second.plain_text
    assert await press_for_edit(town, first, "a|reporte:enviar:") == t.STALE_BUTTON
    await press_for_edit(town, second, "a|reporte:enviar:")
    assert [r.text for r in await filed(town)] == ["Ya pusieron los tubos\npero falta el asfalto"]
    (after,) = await say(town, "Hoy trabajaron toda la mañana")  # the mode is over: answered as usual
    assert answered_as_usual(after)


async def test_cancel_on_the_prompt_or_the_preview_files_nothing(town: Chat) -> None:
    prompt = await open_report(town)
    assert await press_for_edit(town, prompt, "a|reporte:cancelar:") == t.REPORT_CANCELLED
    (answer,) = await say(town, "obra detenida")  # no longer a report
    assert answered_as_usual(answer)
    await open_report(town)
    (preview,) = await say(town, "obra detenida")
    assert await press_for_edit(town, preview, "a|reporte:cancelar:") == t.REPORT_CANCELLED
    assert await filed(town) == []


async def test_a_command_leaves_report_mode_and_is_answered(town: Chat) -> None:
    await open_report(town)
    left, projects = await say(town, "/proyectos", count=2)
    assert "no se envió" in left.plain_text
    assert "242177" in projects.plain_text
    (answer,) = await say(town, "La obra está parada")
    assert answered_as_usual(answer)
    assert await filed(town) == []


async def test_report_mode_times_out(town: Chat) -> None:
    await open_report(town)
    sessionmaker = town.app.bot_data.sessionmaker
    assert sessionmaker is not None
    async with sessionmaker() as session:  # ten minutes (REPORT_MODE_MINUTES) go by
        (pending,) = (await session.exec(select(PendingAction))).all()
        pending.created_at -= timedelta(minutes=10, seconds=1)
        session.add(pending)
        await session.commit()
    (answer,) = await say(town, "La obra está parada")
    assert answered_as_usual(answer)
    (help_reply,) = await say(town, "/ayuda")  # nothing to leave any more: no notice first
    assert answered_as_usual(help_reply)
    assert await filed(town) == []


async def test_a_photo_with_its_caption_is_previewed_then_filed(town: Chat) -> None:
    await open_report(town, "206213")
    mark = town.api.mark()
    town.api.send_photo_from_user(RESIDENT, caption="Así está la calle 0", user=RESIDENT)
    (preview,) = await town.api.wait_for_sent(RESIDENT, since=mark)
    assert "Así está la calle 0" in preview.plain_text
    assert "📷" in preview.plain_text
    await press_for_edit(town, preview, "a|reporte:enviar:")
    (report,) = await filed(town)
    assert (report.snip, report.text) == ("206213", "Así está la calle 0")
    assert report.photo_file_id is not None


async def test_the_reporter_is_told_when_staff_review_the_report(town: Chat) -> None:
    await open_report(town)
    (preview,) = await say(town, "La obra está parada")
    await press_for_edit(town, preview, "a|reporte:enviar:")
    (*_, last) = await say(town, "/reporte", user=ADMIN)
    mark = town.api.mark()
    reviewed = await press(town, last, "a|revisar:", user=ADMIN)
    assert "marcado como revisado" in reviewed.plain_text
    (told,) = await town.api.wait_for_sent(RESIDENT, since=mark)
    assert "revisó su reporte del proyecto 242177" in told.plain_text
    assert "La obra está parada" in told.plain_text


async def test_in_a_group_only_the_reporter_sends_the_draft(town: Chat) -> None:
    group, neighbour = -4_012_345, 200_000_002
    town.api.make_chat(group)
    town.api.make_user(neighbour, "Vecina")
    mention = f"@{town.api.bot_user['username']}"
    (card, *_) = await town.say(f"{mention} proyecto 242177", chat_id=group, chat_type="group", user=RESIDENT)
    prompt = await press(town, card, "a|reportar:242177")
    (preview,) = await town.say(
        "Ya taparon las zanjas", chat_id=group, chat_type="group", user=RESIDENT, reply_to=prompt
    )
    assert "Ya taparon las zanjas" in preview.plain_text
    assert await press_for_edit(town, preview, "a|reporte:enviar:", user=neighbour) == t.STALE_BUTTON
    assert "su reporte del proyecto 242177 llegó" in await press_for_edit(town, preview, "a|reporte:enviar:")
    (report,) = await filed(town)
    assert (report.chat_id, report.text) == (group, "Ya taparon las zanjas")
