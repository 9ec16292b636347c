"""The staff console in a real headless Chromium at a phone's 360 px, as staff use it with a bot
that polls: a real ``python -m bot run`` (which sends what the outbox holds) and a real
``python -m bot web`` (which serves the console) on one SQLite file, both talking to the fake
Bot API, which runs here on a thread of its own (Playwright's sync API has the test's).

Telegram's ``telegram-web-app.js`` is answered by a stand-in that gives the page what Telegram
gives a Mini App opened from the menu button: ``Telegram.WebApp.initData``, signed with the
bot's token for the person opening it. A status changed in the page is in the database and
reaches a follower through the fake Bot API; a broadcast composed and sent in the page reaches
its recipients and the page shows the delivery counts, with the reason of the one that failed.

``SCREENSHOTS=docs/screenshots`` saves the console's pages at 360 px there (the README shows
them). Chromium is the system's; without it these tests are skipped (failed under CI=true).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlmodel import col, select

from db.chat_store import LoggedQuestion, log_queries
from db.migrate import upgrade
from db.resident_store import add_ground_report, subscribe, touch_recipient
from db.session import create_engine, create_sessionmaker
from db.staff_models import ProjectStatus
from knowledge import catalog as t
from tests.handlers.webapp.conftest import WIDTH, scroll_width, wait_healthy
from tests.support.fakebotapi import FakeBotApi, Sent
from tests.support.initdata import person, signed_init_data
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
STAFF = 700_000_010
RESIDENT = 100_000_010
"""Follows project 206148."""
NEIGHBOUR = 100_000_011
"""Follows zona 6, where 206148 is."""
BLOCKED = 100_000_012
"""A recipient who blocked the bot: Telegram answers 403."""
SNIP = "206148"
WEBAPP = "https://plan.example.org/app/"
SHOT_HEIGHT = 2000
WAIT_S = 30.0
T = TypeVar("T")


class FakeTelegram(threading.Thread):
    """The fake Bot API, serving from this thread's own event loop; :meth:`on_loop` reads or
    changes it there (its state belongs to that loop)."""

    def __init__(self) -> None:
        super().__init__(name="fake-telegram", daemon=True)
        self.loop = asyncio.new_event_loop()
        self.api = FakeBotApi(bot_username="plan_mixco_bot")
        self._serving = threading.Event()

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.api.start())
        self._serving.set()
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    def __enter__(self) -> FakeTelegram:
        self.start()
        if not self._serving.wait(10):
            raise TimeoutError("the fake Bot API did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.api.stop(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.join(10)

    def on_loop(self, do: Callable[[FakeBotApi], T]) -> T:
        async def run() -> T:
            return do(self.api)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def wait_for(self, what: str, test: Callable[[FakeBotApi], T | None], timeout: float = WAIT_S) -> T:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.on_loop(test)
            if found:
                return found
            time.sleep(0.1)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}")


async def prepare(database: Path) -> None:
    """The database both processes use: migrated, three recipients (two following 206148 by
    project and by zona, one who blocked the bot), a resident's report and questions the bot
    could not answer."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            await subscribe(session=session, chat_id=RESIDENT, kind="proyecto", key=SNIP)
            await subscribe(session=session, chat_id=NEIGHBOUR, kind="zona", key="6")
            for chat in (RESIDENT, NEIGHBOUR, BLOCKED):
                await touch_recipient(session=session, chat_id=chat, is_group=False)
            await add_ground_report(
                session=session, snip=SNIP, chat_id=RESIDENT, text="Ya taparon la zanja", photo_file_id=None
            )
            now = datetime.now(UTC)
            asked = (
                [(6, "¿cuándo pasa el camión?")] * 3 + [(10, "hay wifi en el parque")] + [(None, "hola")] * 2
            )
            await log_queries(
                session=session,
                questions=[
                    LoggedQuestion(n + 1, f"chat{n}", q, "abstain", False, zona, (), now)
                    for n, (zona, q) in enumerate(asked)
                ],
            )
            await session.commit()
    finally:
        await engine.dispose()


async def statuses(database: Path) -> list[ProjectStatus]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with create_sessionmaker(engine)() as session:
            found = await session.exec(select(ProjectStatus).order_by(col(ProjectStatus.id)))
            return list(found.all())
    finally:
        await engine.dispose()


def in_thread(work: Any) -> Any:
    """Run a coroutine to its end on a thread of its own (Playwright's sync API may own a loop here)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


@dataclass
class Deployment:
    telegram: FakeTelegram
    url: str
    """Where ``python -m bot web`` serves the Mini App."""
    database: Path
    token: str


@contextmanager
def spawned(command: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m bot COMMAND``, its output in ``log``; stopped with SIGTERM at the end."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", command], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Deployment]:
    """The bot polling the fake Bot API and the Mini App beside it, as the README deploys them
    with long polling. (It asks for the ``browser`` first: nothing starts where none can run.)"""
    assert browser is not None
    folder = tmp_path_factory.mktemp("console")
    database = folder / "console.db"
    in_thread(prepare(database))
    with FakeTelegram() as telegram:
        api = telegram.api
        telegram.on_loop(
            lambda a: a.fail_next(
                "sendMessage",
                status=403,
                description="Forbidden: bot was blocked by the user",
                count=100,
                chat_id=BLOCKED,
            )
        )
        port = free_port()
        env = {
            **os.environ,
            "TELEGRAM_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": f"{api.url}/bot",
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "ADMIN_IDS": str(STAFF),
            "WEBAPP_URL": WEBAPP,
            "WEB_PORT": str(port),
            "WEBHOOK_LISTEN": "127.0.0.1",
            "BROADCAST_IDLE_POLL": "0.2",
            "BROADCAST_PROGRESS_INTERVAL": "0.5",
            "NOTIFY_WINDOW_MINUTES": "0",
        }
        console = {"type": "web_app", "text": t.CONSOLE_MENU_BUTTON, "web_app": {"url": WEBAPP + "consola/"}}
        with spawned("run", env, folder / "bot.log"), spawned("web", env, folder / "web.log") as web:
            telegram.wait_for("the staff's menu button", lambda a: a.menu_button(STAFF) == console)
            url = f"http://127.0.0.1:{port}"
            wait_healthy(web, url, folder / "web.log")
            yield Deployment(telegram, url, database, api.token)
        problems = telegram.on_loop(lambda a: list(a.violations))
        assert problems == [], problems


def stand_in(init_data: str) -> str:
    """What ``telegram-web-app.js`` gives a Mini App, with this initData."""
    return (
        "window.Telegram = {WebApp: {initData: " + json.dumps(init_data) + ", themeParams: {},"
        " BackButton: {show: function () {}, hide: function () {}, onClick: function () {}},"
        " onEvent: function () {}, ready: function () {}}};"
    )


@pytest.fixture
def open_as(browser: Any, deployment: Deployment) -> Iterator[Callable[..., Any]]:
    """A 360 px page inside "Telegram" for a person (None: outside Telegram, the script refused);
    every script error or dialog fails the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def opener(user_id: int | None, path: str = "consola/", **user: Any) -> Any:
        context = browser.new_context(viewport={"width": WIDTH, "height": 800}, device_scale_factor=1)
        contexts.append(context)
        if user_id is None:
            context.route("https://telegram.org/**", lambda route: route.abort())
        else:
            script = stand_in(signed_init_data(deployment.token, person(user_id, **user)))
            context.route(
                "https://telegram.org/**",
                lambda route: route.fulfill(status=200, content_type="application/javascript", body=script),
            )
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("dialog", on_dialog)
        page.goto(f"{deployment.url}/app/{path}")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert problems == []


def messages_to(chat_id: int) -> Callable[[FakeBotApi], list[Sent]]:
    return lambda api: [sent for sent in api.sent(chat_id) if sent.method == "sendMessage"]


def messages_with(chat_id: int, words: str) -> Callable[[FakeBotApi], list[Sent]]:
    return lambda api: [sent for sent in messages_to(chat_id)(api) if words in sent.plain_text]


def test_a_status_changed_in_the_console_is_stored_and_its_follower_is_told(
    open_as: Callable[..., Any], deployment: Deployment
) -> None:
    page = open_as(STAFF, username="ana_tecnica")
    card = page.locator(f"#proyecto-{SNIP}")
    card.wait_for()
    assert t.STATUS_NONE in card.inner_text()
    card.locator("select[name=status]").select_option("en_ejecucion")
    card.locator("input[name=progress]").fill("60")
    card.locator("input[name=note]").fill("Tubería <b>instalada</b>")
    card.get_by_role("button", name=t.CONSOLE_SAVE).click()
    page.wait_for_function(
        "s => document.querySelector(s).textContent.startsWith('Listo')", arg=f"#proyecto-{SNIP} .result"
    )
    assert "2 chats que lo siguen" in card.locator(".result").inner_text()
    assert "En ejecución · 60% · " in card.locator(".p-current").inner_text()
    assert scroll_width(page) <= WIDTH

    (row,) = in_thread(statuses(deployment.database))
    assert (row.snip, row.status, row.progress, row.note) == (
        SNIP,
        "en_ejecucion",
        60,
        "Tubería <b>instalada</b>",
    )
    assert (row.author_id, row.author_name) == (STAFF, "@ana_tecnica")
    (notice,) = deployment.telegram.wait_for("the follower's notice", messages_to(RESIDENT))
    assert f"Proyecto SNIP {SNIP}" in notice.plain_text
    assert "En ejecución · 60%" in notice.plain_text
    assert "Nota: Tubería <b>instalada</b>" in notice.plain_text  # the note as typed, as text
    deployment.telegram.wait_for("the zona's follower's notice", messages_to(NEIGHBOUR))

    card.locator("details.history summary").click()
    page.wait_for_function(
        "s => document.querySelectorAll(s).length > 0", arg=f"#proyecto-{SNIP} .timeline time"
    )
    assert "@ana_tecnica" in card.locator(".timeline").inner_text()


def test_a_broadcast_composed_in_the_console_is_delivered_and_counted(
    open_as: Callable[..., Any], deployment: Deployment
) -> None:
    page = open_as(STAFF, "consola/anuncios", username="ana_tecnica")
    page.locator("select[name=audience]").select_option("todos")
    page.locator("textarea[name=text]").fill("Feria del agua el sábado <8 a 12>")
    page.wait_for_function(
        "() => document.querySelector('#recipients').textContent.includes('3 destinatarios')"
    )
    preview = page.locator("#preview")
    page.wait_for_function("() => document.querySelector('#preview').textContent.includes('sábado <8 a 12>')")
    assert preview.locator(".tg-b").count() == 1  # the header's bold, as Telegram shows it
    assert scroll_width(page) <= WIDTH
    page.get_by_role("button", name=t.CONSOLE_PREPARE).click()
    page.locator("#confirm").wait_for()
    assert "3 destinatarios" in page.locator("#confirm-line").inner_text()
    page.get_by_role("button", name=t.CONSOLE_SEND).click()
    done = t.CONSOLE_DELIVERY_COUNTS.format(sent=2, total=3, pending=0, failed=1)
    page.wait_for_function(
        "text => document.querySelector('#delivery-counts').textContent === text",
        arg=done,
        timeout=WAIT_S * 1000,
    )
    assert "Forbidden: bot was blocked by the user" in page.locator("#delivery-problems").inner_text()
    for chat in (RESIDENT, NEIGHBOUR):
        sent = deployment.telegram.wait_for("the announcement", messages_with(chat, "Feria del agua"))
        assert "sábado <8 a 12>" in sent[0].plain_text
    page.wait_for_function("() => document.querySelector('#recent').textContent.includes('Anuncio')")


def test_the_report_shows_its_chart_and_a_csv_is_applied_from_it(
    open_as: Callable[..., Any], deployment: Deployment, tmp_path: Path
) -> None:
    page = open_as(STAFF, "consola/reporte", username="ana_tecnica")
    page.locator("#reports li.card").wait_for()
    assert "Ya taparon la zanja" in page.locator("#reports").inner_text()
    page.locator("#reports li.card").get_by_role("button", name=t.CONSOLE_REVIEWED).click()
    page.wait_for_function(
        "() => document.querySelector('#reports .result').textContent.includes('revisado')"
    )
    deployment.telegram.wait_for("the reporter's notice", messages_with(RESIDENT, "revisó su reporte"))
    csv = tmp_path / "estados.csv"
    csv.write_text(
        "SNIP,estado,avance,nota\n242177,finalizado,100,entregado\n999999,finalizado,,\n", encoding="utf-8"
    )
    page.locator("input[name=file]").set_input_files(str(csv))
    page.get_by_role("button", name=t.CONSOLE_CSV_READ).click()
    page.locator("#csv-actions").wait_for()
    assert "1 fila lista, 1 rechazada." in page.locator("#csv-summary").inner_text()
    assert "no hay proyecto con SNIP 999999" in page.locator("#csv-rejected").inner_text()
    page.get_by_role("button", name=t.BTN_APPLY).click()
    page.wait_for_function("() => document.querySelector('#csv-result').textContent.startsWith('Listo')")
    assert ("242177", "finalizado", 100) in {
        (s.snip, s.status, s.progress) for s in in_thread(statuses(deployment.database))
    }
    assert scroll_width(page) <= WIDTH


def test_a_resident_or_a_browser_outside_telegram_sees_no_data(open_as: Callable[..., Any]) -> None:
    resident = open_as(RESIDENT)
    resident.wait_for_function("() => !document.querySelector('#notice').hidden")
    assert resident.locator("#notice").inner_text() == t.CONSOLE_FORBIDDEN
    assert resident.locator("#view").is_hidden()
    assert resident.locator("#projects article").count() == 0
    outside = open_as(None)
    outside.wait_for_function("() => !document.querySelector('#notice').hidden")
    assert outside.locator("#notice").inner_text() == t.CONSOLE_OUTSIDE_TELEGRAM


def test_beside_a_bot_that_polls_the_edition_section_offers_the_upload(open_as: Callable[..., Any]) -> None:
    """``python -m bot web`` serves the console apart from the bot, and loads editions as the
    webhook server does (the bot follows: ``tests/bot/test_web_editions.py``): the section says
    which plan the bot answers with and offers the upload."""
    page = open_as(STAFF, "consola/edicion", username="ana_tecnica")
    page.locator("#edition-form").wait_for()
    assert "Plan Operativo Anual 2024" in page.locator("#edition-now").inner_text()
    assert page.locator("#edition-kept li").count() == 1
    assert "5.0 MB" in page.locator("#edition-lead").inner_text()
    assert page.locator("#edition-form").get_attribute("data-max") == "5000000"
    assert scroll_width(page) <= WIDTH


def test_an_empty_announcement_keeps_saying_so_after_the_preview_refreshes(
    open_as: Callable[..., Any],
) -> None:
    """Spaces, then "Revisar y enviar" at once: the press says the text is missing, and the
    preview asked by the typing, which answers after it, must not take that away."""
    page = open_as(STAFF, "consola/anuncios", username="ana_tecnica")
    page.wait_for_function("() => document.querySelector('#recipients').textContent !== ''")
    error = page.locator("#announce-error")
    with page.expect_response(lambda r: r.url.endswith("/anuncios/vista-previa")):
        page.locator("textarea[name=text]").fill("   ")
        page.get_by_role("button", name=t.CONSOLE_PREPARE).click()
        error.wait_for()
    page.wait_for_timeout(300)  # the preview's answer is read and shown
    assert error.is_visible()
    assert error.inner_text() == t.CONSOLE_ANNOUNCE_EMPTY
    assert page.locator("#confirm").is_hidden()
    page.locator("textarea[name=text]").fill("Feria")  # typing again: no error while it is fine
    page.wait_for_function("() => document.querySelector('#announce-error').hidden")


NEWCOMER = 5_123_456_789
"""Someone the administrator adds from the console (a ten-digit id)."""


def test_an_administrator_adds_and_removes_staff_in_the_team_view(
    open_as: Callable[..., Any], deployment: Deployment
) -> None:
    """The "Equipo" view at 360 px: the list, someone added by id (their chat gets the staff's
    commands and the console's button through the fake Bot API), who then opens the console as
    plain staff and sees no "Equipo", then removed (the bot's own button again)."""
    page = open_as(STAFF, "consola/", username="ana_tecnica")
    tab = page.get_by_role("link", name=t.CONSOLE_NAV_TEAM)
    tab.wait_for()
    tab.click()
    page.locator(f"#miembro-{STAFF}").wait_for()
    mine = page.locator(f"#miembro-{STAFF}")
    assert "(usted)" in mine.inner_text()
    assert t.CONSOLE_TEAM_CONFIGURED in mine.inner_text()
    assert mine.locator(".m-remove").is_hidden()  # ADMIN_IDS: only the setting removes them
    assert scroll_width(page) <= WIDTH

    page.locator("input[name=user_id]").fill("12ab")
    page.get_by_role("button", name=t.CONSOLE_TEAM_ADD).click()
    assert page.locator("#team-result").inner_text() == t.CONSOLE_TEAM_BAD_ID
    page.locator("input[name=user_id]").fill(str(NEWCOMER))
    page.get_by_role("button", name=t.CONSOLE_TEAM_ADD).click()
    added = t.STAFF_ADDED.format(user_id=NEWCOMER)
    page.wait_for_function("text => document.querySelector('#team-result').textContent === text", arg=added)
    card = page.locator(f"#miembro-{NEWCOMER}")
    assert "Personal" in card.inner_text()
    assert "por @ana_tecnica" in card.inner_text()
    console = {"type": "web_app", "text": t.CONSOLE_MENU_BUTTON, "web_app": {"url": WEBAPP + "consola/"}}
    deployment.telegram.wait_for(
        "the newcomer's console button", lambda a: a.menu_button(NEWCOMER) == console
    )
    commands = deployment.telegram.on_loop(lambda a: a.commands({"type": "chat", "chat_id": NEWCOMER}))
    assert "estado" in {c["command"] for c in commands}
    assert scroll_width(page) <= WIDTH

    newcomer = open_as(NEWCOMER, "consola/")
    newcomer.locator("#projects article").first.wait_for()
    assert newcomer.get_by_role("link", name=t.CONSOLE_NAV_TEAM).count() == 0  # hidden for plain staff
    other = open_as(NEWCOMER, "consola/equipo")
    other.wait_for_function("() => !document.querySelector('#notice').hidden")
    assert other.locator("#notice").inner_text() == t.CONSOLE_ADMIN_ONLY
    assert other.locator("#view").is_hidden()

    card.get_by_role("button", name=t.CONSOLE_TEAM_REMOVE).click()
    assert str(NEWCOMER) in card.locator(".m-question").inner_text()
    card.get_by_role("button", name=t.CONSOLE_TEAM_REMOVE_YES).click()
    removed = t.STAFF_REMOVED.format(user_id=NEWCOMER)
    page.wait_for_function("text => document.querySelector('#team-result').textContent === text", arg=removed)
    assert page.locator(f"#miembro-{NEWCOMER}").count() == 0
    deployment.telegram.wait_for("the bot's own button back", lambda a: a.menu_button(NEWCOMER) != console)
    assert scroll_width(page) <= WIDTH

    # an administrator of the staff table (written there by an operator) has no "Quitar" of their own
    with closing(sqlite3.connect(deployment.database)) as database, database:
        database.execute(
            "INSERT INTO staff_member (user_id, role, added_by, added_at)"
            " VALUES (?, 'admin', ?, '2026-12-03 16:00:00.000000')",
            (NEWCOMER, STAFF),
        )
    own = open_as(NEWCOMER, "consola/equipo")
    row = own.locator(f"#miembro-{NEWCOMER}")
    row.wait_for()
    assert "(usted)" in row.inner_text()
    assert row.locator(".m-remove").is_hidden()
    assert row.locator(".m-note").inner_text() == t.CONSOLE_TEAM_SELF
    assert own.locator(f"#miembro-{STAFF} .m-note").is_hidden()
    assert scroll_width(own) <= WIDTH


def test_every_console_page_fits_a_phone(open_as: Callable[..., Any]) -> None:
    """Last, so that the pages show what the tests above did (the screenshots in the README)."""
    shots = os.environ.get("SCREENSHOTS")
    for name, path, ready in (
        ("consola-proyectos", "consola/", "#projects article"),
        ("consola-anuncios", "consola/anuncios", "#recent li"),
        ("consola-reporte", "consola/reporte", "#chart svg"),
        ("consola-equipo", "consola/equipo", "#team li.card"),
    ):
        page = open_as(STAFF, path, username="ana_tecnica")
        page.locator(ready).first.wait_for()
        assert scroll_width(page) <= WIDTH, path
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            height = min(int(page.evaluate("document.scrollingElement.scrollHeight")), SHOT_HEIGHT)
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": height}
            page.screenshot(path=str(Path(shots) / f"{name}-360.png"), full_page=True, clip=clip)
