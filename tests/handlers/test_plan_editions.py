"""Several editions in the running bot, end to end through the fake Bot API (SQLite and, with
TEST_DATABASE_URL, PostgreSQL): after staff load next year's edition, residents asking about the
previous year are answered from it with a note; "¿qué cambió?" and its page buttons; an older
year's edition sent by staff is kept beside the current one, without notices."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import col

from db.outbox_models import Broadcast
from db.staff_models import AuditEntry
from knowledge import catalog as t
from tests.editions import PREVIOUS_YEAR_AMOUNT
from tests.handlers.conftest import Chat
from tests.handlers.test_plan_upload import (
    ADMIN,
    FOLLOWERS,
    IDENTITY_2025,
    RESIDENT,
    button_data,
    next_reply,
    open_town,
    plan_digest_in_db,
    press,
    rows,
    say,
    upload,
)
from tests.support.editions import AMOUNTS, DROPPED_PROJECTS
from tests.support.fakebotapi import FakeBotApi

SNIP, (AMOUNT_2024, AMOUNT_2025) = "242177", AMOUNTS["242177"]
IDENTITY_2023 = "Plan Operativo Anual 2023 de la Municipalidad de Mixco"
NOTE_2024 = t.EDITION_OLDER_NOTE.format(older="POA 2024", current="POA 2025")


@pytest.fixture
async def town(api: FakeBotApi, database_url: str) -> AsyncIterator[Chat]:
    async with open_town(api, database_url) as chat:
        yield chat


async def load(town: Chat, document: str, file_name: str) -> str:
    """ADMIN sends ``document`` and presses "Cargar" under its preview; the bot's reply."""
    *_, preview = await upload(town, ADMIN, document.encode(), file_name, count=2)
    mark = await press(town, ADMIN, preview, button_data(preview, "cargar"))
    return await next_reply(town, ADMIN, mark)


async def test_after_next_years_edition_residents_ask_about_the_previous_year(
    town: Chat, next_edition_document: str
) -> None:
    loaded = await load(town, next_edition_document, "poa-2025.txt")
    assert loaded.startswith(f"Listo: ya respondo con el {IDENTITY_2025}.")

    (zona_5,) = await say(town, RESIDENT, "¿cuánto había en 2024 en la zona 5?")
    dropped_in_zona_5 = next(snip for snip, zona in DROPPED_PROJECTS.items() if zona == 5)
    assert NOTE_2024 in zona_5.plain_text
    assert f"SNIP {dropped_in_zona_5} · Q 375,000.00" in zona_5.plain_text
    (card_2024,) = await say(town, RESIDENT, f"proyecto {SNIP} en 2024")
    assert NOTE_2024 in card_2024.plain_text
    assert f"Monto 2024: Q {AMOUNT_2024}" in card_2024.plain_text
    (card,) = await say(town, RESIDENT, f"proyecto {SNIP}")
    assert f"Monto 2025: Q {AMOUNT_2025}" in card.plain_text
    assert NOTE_2024 not in card.plain_text
    (refused,) = await say(town, RESIDENT, "presupuesto 2022")
    assert t.OTHER_YEAR_KEPT.format(years="2025", older="la edición del 2024", example=2024) in (
        refused.plain_text
    )


async def test_what_changed_and_its_page_buttons(town: Chat, next_edition_document: str) -> None:
    await load(town, next_edition_document, "poa-2025.txt")

    summary = await say(town, RESIDENT, "¿qué cambió en el plan?", count=2)  # a long page: two messages
    text = "\n".join(s.plain_text for s in summary)
    assert text.startswith("Qué cambió del POA 2024 al POA 2025")
    assert "Página 1 de 2." in text
    assert "a|cambios:2" in summary[-1].callback_data  # under the last message
    (page_2,) = await town.press(summary[-1], "a|cambios:2")
    assert "Página 2 de 2." in page_2.plain_text
    assert page_2.plain_text not in text

    (zona_7,) = await say(town, RESIDENT, "¿qué hay de nuevo en la zona 7?")
    assert "En la zona 7, del POA 2024 al POA 2025" in zona_7.plain_text
    assert "SNIP 301378" in zona_7.plain_text


async def test_an_older_years_edition_is_kept_without_notices(
    api: FakeBotApi, database_url: str, next_edition_document: str, previous_year_document: str
) -> None:
    async with open_town(api, database_url) as town:
        for zona, chat in FOLLOWERS.items():
            await say(town, chat, f"/suscribir zona {zona}")
        before_2025 = town.api.mark()
        await load(town, next_edition_document, "poa-2025.txt")
        for chat in FOLLOWERS.values():  # the POA 2025's notices
            await town.api.wait_for_sent(chat, since=before_2025)
        digest_2025 = await plan_digest_in_db(town)
        broadcasts = len(await rows(town, Broadcast))
        mark = town.api.mark()

        *_, preview = await upload(town, ADMIN, previous_year_document.encode(), "poa-2023.txt", count=2)
        shown = "\n".join(s.plain_text for s in town.api.sent(ADMIN, since=mark))
        assert IDENTITY_2023 in shown
        assert t.PLAN_UPLOAD_OLDER.format(current=IDENTITY_2025) in shown
        confirm = await press(town, ADMIN, preview, button_data(preview, "cargar"))
        kept = await next_reply(town, ADMIN, confirm)
        assert kept == t.PLAN_KEPT_OLDER.format(identity=IDENTITY_2023, current=IDENTITY_2025)

        assert await plan_digest_in_db(town) == digest_2025
        (card,) = await say(town, RESIDENT, f"proyecto {SNIP}")
        assert f"Monto 2025: Q {AMOUNT_2025}" in card.plain_text
        (card_2023,) = await say(town, RESIDENT, f"proyecto {SNIP} en 2023")
        assert t.EDITION_OLDER_NOTE.format(older="POA 2023", current="POA 2025") in card_2023.plain_text
        assert f"Monto 2023: Q {PREVIOUS_YEAR_AMOUNT[1]}" in card_2023.plain_text
        await asyncio.sleep(0.3)  # the outbox worker had its chance to send anything
        assert len(await rows(town, Broadcast)) == broadcasts
        assert all(town.api.sent(chat, since=mark) == [] for chat in FOLLOWERS.values())
        loads = await rows(town, AuditEntry, col(AuditEntry.action) == "plan_load")
        assert [entry.target for entry in loads] == [IDENTITY_2025, IDENTITY_2023]

    async with open_town(api, database_url) as town:  # a restart reads every edition back
        (card_2023,) = await say(town, RESIDENT, f"proyecto {SNIP} en 2023")
        assert f"Monto 2023: Q {PREVIOUS_YEAR_AMOUNT[1]}" in card_2023.plain_text
        (card_2024,) = await say(town, RESIDENT, f"proyecto {SNIP} en 2024")
        assert f"Monto 2024: Q {AMOUNT_2024}" in card_2024.plain_text
        (card,) = await say(town, RESIDENT, f"proyecto {SNIP}")
        assert f"Monto 2025: Q {AMOUNT_2025}" in card.plain_text
