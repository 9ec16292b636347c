"""The console's "Edición del plan" in a real headless Chromium at a phone's 360 px, as staff use
it with a bot behind a webhook: a real ``python -m bot webhook`` (the bot, its outbox and the Mini
App in one process, which answers from an edition loaded at once) on a SQLite file, talking to the
fake Bot API on a thread of its own (``test_console_browser.FakeTelegram``). Beside a bot that
polls, the same load is ``tests/bot/test_web_editions.py``'s.

Staff upload next year's document (``tests/editions.py``), read its preview, press "Cargar"; the
database holds the 2025 edition with the chat's audit entry, the follower of a zona it changes is
told through the fake Bot API, and the explorer the same process serves shows 2025.
``SCREENSHOTS=docs/screenshots`` saves the section at 360 px there (the README shows it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from db.migrate import upgrade
from db.models import PlanMeta
from db.session import create_engine, create_sessionmaker
from db.staff_models import AuditEntry
from knowledge import catalog as t
from tests.conftest import broken_editions
from tests.editions import next_year_text
from tests.handlers.webapp.conftest import WIDTH, scroll_width, wait_healthy
from tests.handlers.webapp.test_console_browser import (
    SHOT_HEIGHT,
    WEBAPP,
    FakeTelegram,
    in_thread,
    messages_with,
    spawned,
    stand_in,
)
from tests.support.followers import follow
from tests.support.initdata import person, signed_init_data
from tests.support.processes import free_port

STAFF = 700_000_020
FOLLOWER = 100_000_020
"""Follows zona 5, whose project "NUEVO 2024" is "NUEVO 2025" in next year's document."""
IDENTITY_2025 = "Plan Operativo Anual 2025 de la Municipalidad de Mixco"


@dataclass
class Webhook:
    telegram: FakeTelegram
    url: str
    database: Path
    token: str


async def prepare(database: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        await follow(create_sessionmaker(engine), FOLLOWER, "zona", "5")
    finally:
        await engine.dispose()


async def loaded(database: Path) -> tuple[PlanMeta | None, list[AuditEntry]]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with create_sessionmaker(engine)() as session:
            meta = await session.get(PlanMeta, 1)
            audits = await session.exec(select(AuditEntry).where(col(AuditEntry.action) == "plan_load"))
            return meta, list(audits.all())
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def webhook(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Webhook]:
    """The bot behind its webhook server (no WEBHOOK_URL: nothing asks Telegram to call it), with
    one administrator. (It asks for the ``browser`` first: nothing starts where none can run.)"""
    assert browser is not None
    folder = tmp_path_factory.mktemp("console-edition")
    database = folder / "webhook.db"
    in_thread(prepare(database))
    with FakeTelegram() as telegram:
        api = telegram.api
        port = free_port()
        env = {
            **os.environ,
            "TELEGRAM_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "ADMIN_IDS": str(STAFF),
            "WEBAPP_URL": WEBAPP,
            "WEBHOOK_SECRET": "s" * 32,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "BROADCAST_IDLE_POLL": "0.2",
        }
        env.pop("WEBHOOK_URL", None)
        with spawned("webhook", env, folder / "webhook.log") as server:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(server, url, folder / "webhook.log")
            yield Webhook(telegram, url, database, api.token)
        problems = telegram.on_loop(lambda a: list(a.violations))
        assert problems == [], problems


@pytest.fixture
def staff_page(browser: Any, webhook: Webhook) -> Iterator[Any]:
    """The edition section at 360 px inside "Telegram", as the administrator opens it; every
    script error or dialog fails the test."""
    problems: list[str] = []
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, device_scale_factor=1)
    script = stand_in(signed_init_data(webhook.token, person(STAFF, username="ana_tecnica")))
    context.route(
        "https://telegram.org/**",
        lambda route: route.fulfill(status=200, content_type="application/javascript", body=script),
    )
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{webhook.url}/app/consola/edicion")
    yield page
    context.close()
    assert problems == []


def test_a_broken_edition_is_refused_with_its_line_shown_as_text(
    staff_page: Any, webhook: Webhook, tmp_path: Path
) -> None:
    """The refusal names the line at fault, whose start is the document's own text: shown, never
    run (a script in it would open a dialog, which fails the test)."""
    page = staff_page
    page.locator("#edition-form").wait_for()
    evil = "<img src=x onerror=alert(1)>"
    edition = broken_editions()["zona-99"]
    broken = edition.text.replace("8\tMEJORAMIENTO PARQUE RECREATIVO", f"8\t{evil} PARQUE RECREATIVO")
    document = tmp_path / "poa-roto.txt"
    document.write_text(broken, encoding="utf-8")
    page.locator("#edition-form input[name=file]").set_input_files(str(document))
    page.get_by_role("button", name=t.CONSOLE_EDITION_READ).click()
    page.locator("#ep-refused").wait_for()
    assert page.locator("#ep-error").inner_text() == t.CONSOLE_EDITION_REFUSED
    problem = page.locator("#ep-problem").inner_text()
    assert problem.startswith(f"Línea {edition.line} «8 | {evil} PARQUE")
    assert "la zona 99 no es del municipio" in problem
    assert page.locator("#ep-unchanged").inner_text() == t.CONSOLE_EDITION_UNCHANGED
    assert page.locator("#edition-preview img").count() == 0
    assert page.locator("#ep-actions").is_hidden()
    meta, audits = in_thread(loaded(webhook.database))
    assert (meta.poa_year if meta else None, audits) == (2024, [])


def test_next_years_edition_is_uploaded_previewed_and_loaded(
    staff_page: Any, webhook: Webhook, tmp_path: Path
) -> None:
    page = staff_page
    page.wait_for_function("() => document.querySelector('#edition-now').textContent.includes('2024')")
    assert page.locator("#edition-kept li").count() == 1
    document = tmp_path / "poa-2025.txt"
    document.write_text(next_year_text(), encoding="utf-8")
    page.locator("#edition-form input[name=file]").set_input_files(str(document))
    page.get_by_role("button", name=t.CONSOLE_EDITION_READ).click()
    page.locator("#ep-actions").wait_for()
    assert page.locator("#ep-identity").inner_text() == IDENTITY_2025
    assert t.PLAN_UPLOAD_RECONCILES in page.locator("#ep-facts").inner_text()
    assert page.locator("#ep-changes-title").inner_text() == "Qué cambió del POA 2024 al POA 2025"
    assert "3 observaciones cambiaron" in page.locator("#ep-changes").inner_text()
    assert "NUEVO 2024 → NUEVO 2025" in page.locator("#ep-groups").inner_text()
    assert page.locator("#ep-notes").inner_text() == t.PLAN_UPLOAD_ASK
    meta, audits = in_thread(loaded(webhook.database))
    assert (meta.poa_year if meta else None, audits) == (2024, [])  # nothing loaded before Cargar
    assert scroll_width(page) <= WIDTH

    page.get_by_role("button", name=t.BTN_LOAD).click()
    page.wait_for_function("() => document.querySelector('#ep-result').textContent.startsWith('Listo')")
    assert (
        page.locator("#ep-result")
        .inner_text()
        .startswith(f"Listo: el bot ya responde con el {IDENTITY_2025}.")
    )
    page.wait_for_function("() => document.querySelector('#edition-now').textContent.includes('2025')")
    assert page.locator("#edition-kept li").count() == 2
    meta, audits = in_thread(loaded(webhook.database))
    assert meta is not None
    assert (meta.poa_year, meta.source) == (2025, "consola:poa-2025.txt")
    (entry,) = audits
    assert (entry.actor_id, entry.target) == (STAFF, IDENTITY_2025)
    notice = webhook.telegram.wait_for("the zona's notice", messages_with(FOLLOWER, IDENTITY_2025))
    assert "SNIP 287389" in notice[0].plain_text
    shots = os.environ.get("SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        height = min(int(page.evaluate("document.scrollingElement.scrollHeight")), SHOT_HEIGHT)
        clip = {"x": 0, "y": 0, "width": WIDTH, "height": height}
        page.screenshot(path=str(Path(shots) / "consola-edicion-360.png"), full_page=True, clip=clip)
    page.goto(f"{webhook.url}/app/")
    assert "2025" in page.locator("h1").inner_text()  # the same process answers from it now
