"""The plan explorer in a real headless Chromium (Debian's ``chromium``, driven by Playwright): a
phone's 360 px without horizontal scroll, a zona's projects, the search, the charts, and the
Telegram enhancement.

The server is a real ``python -m bot web`` on a SQLite file. Chromium is the system's
(``/usr/bin/chromium``, or ``CHROMIUM``); Playwright never downloads one. Without it these tests
are skipped, saying why, except in CI (``CI=true``), where a missing browser is a failure:
``.ci/run`` installs it.

No page reaches the network: ``telegram-web-app.js`` is refused (a page must work when it does
not load) or, to see what the pages do inside Telegram, answered by a stand-in that gives what
Telegram's script gives a Mini App (``Telegram.WebApp`` with ``initData``, ``themeParams`` and a
``BackButton``); only Telegram's clients can run the real one.

``SCREENSHOTS=docs/screenshots`` saves the main pages at 360 px there (the README shows them).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from db.migrate import upgrade
from db.session import create_engine, create_sessionmaker
from db.staff_store import add_status
from knowledge import catalog as t
from tests.handlers.webapp.conftest import WIDTH, scroll_width, wait_healthy
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
SHOT_HEIGHT = 1800
"""Pixels of a screenshot at most (the top of a long page)."""
EVIL_NOTE = '<img src=x onerror="alert(1)">'
STAFF_NOTE = "Tubería instalada en la 11 avenida A"
SCREENSHOT_PAGES = {
    "home": "",
    "zona": "zona/6",
    "proyecto": "proyecto/206148",
    "financiamiento": "financiamiento",
    "metas": "metas",
    "buscar": "buscar?q=proyectos%20zona%2010",
}
TELEGRAM_STAND_IN = """
window.__back = "untouched";
window.Telegram = {WebApp: {
  initData: "query_id=test&user=%7B%22id%22%3A1%7D&auth_date=1&hash=0",
  themeParams: {bg_color: "#112233", text_color: "#fafafa", button_color: "#ff8800"},
  BackButton: {
    show: function () { window.__back = "shown"; },
    hide: function () { window.__back = "hidden"; },
    onClick: function (f) { window.__backClick = f; }
  },
  onEvent: function () {}, ready: function () { window.__ready = true; }
}};
"""


async def prepare(database: Path) -> None:
    """The database the server reads: migrated, with staff statuses (one with markup in its note)."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    statuses = [
        ("206148", "planificado", None, None),
        ("206148", "en_ejecucion", 60, STAFF_NOTE),
        ("206213", "suspendido", None, EVIL_NOTE),
    ]
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            for snip, status, progress, note in statuses:
                await add_status(
                    session=session, snip=snip, status=status, progress=progress, note=note, author_id=1
                )
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``python -m bot web`` on 127.0.0.1; its base URL."""
    folder = tmp_path_factory.mktemp("web")
    database = folder / "web.db"
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API may be running a loop here
        thread.submit(asyncio.run, prepare(database)).result()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "WEB_PORT": str(port),
        "WEBHOOK_LISTEN": "127.0.0.1",
    }
    env.pop("TELEGRAM_TOKEN", None)
    log = (folder / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(process, url, folder / "web.log")
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 360 px wide page that never reaches the network; every script error or dialog fails."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    context.route("https://telegram.org/**", lambda route: route.abort())
    yield page
    context.close()
    assert problems == []


def test_every_page_fits_a_phone_without_horizontal_scroll(phone: Any, server: str) -> None:
    pages = [*SCREENSHOT_PAGES.values(), "zona/3", "zona/10", "proyecto/242177", "proyecto/287389", "zona/99"]
    shots = os.environ.get("SCREENSHOTS")
    for path in pages:
        phone.goto(f"{server}/app/{path}")
        assert scroll_width(phone) <= WIDTH, path
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        for name, path in SCREENSHOT_PAGES.items():
            phone.goto(f"{server}/app/{path}")
            height = min(int(phone.evaluate("document.scrollingElement.scrollHeight")), SHOT_HEIGHT)
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": height}
            phone.screenshot(path=str(Path(shots) / f"{name}-360.png"), full_page=True, clip=clip)


def test_a_zona_page_shows_its_projects(phone: Any, server: str) -> None:
    phone.goto(f"{server}/app/zona/6")
    cards = phone.locator("article.card")
    assert cards.count() == 2
    assert "Proyecto SNIP 273703" in cards.nth(0).inner_text()
    second = cards.nth(1).inner_text()
    assert "Q 2,108,047.56" in second
    assert f"{t.STATUS_LABELS['en_ejecucion']} · 60%" in second
    assert STAFF_NOTE in second
    phone.get_by_role("link", name="Proyecto SNIP 273703").click()
    phone.wait_for_url("**/app/proyecto/273703")
    assert "Q 3,725,625.00" in phone.inner_text("main")


def test_a_staff_note_with_markup_is_text_not_markup(phone: Any, server: str) -> None:
    phone.goto(f"{server}/app/zona/10")
    assert EVIL_NOTE in phone.inner_text("main")  # as typed; the fixture fails on a dialog
    assert phone.locator("main img").count() == 0


def test_the_search_works_from_the_home_page(phone: Any, server: str) -> None:
    phone.goto(f"{server}/app/")
    phone.fill("#q", "obras en la zona diez")
    phone.press("#q", "Enter")
    phone.wait_for_url("**/app/buscar?q=*")
    main = phone.inner_text("main")
    assert "Zona 10 de Mixco" in main
    assert "242177" in main
    phone.get_by_role("link", name="Proyecto SNIP 242177").last.click()
    phone.wait_for_url("**/app/proyecto/242177")


@pytest.mark.parametrize(("path", "charts"), [("zona/6", 1), ("financiamiento", 1), ("metas", 10)])
def test_charts_render_with_a_size(phone: Any, server: str, path: str, charts: int) -> None:
    phone.goto(f"{server}/app/{path}")
    svgs = phone.locator("svg.chart")
    assert svgs.count() >= charts
    for n in range(svgs.count()):
        box = svgs.nth(n).bounding_box()
        assert box is not None
        assert 0 < box["width"] <= WIDTH
        assert box["height"] > 0
    widths = phone.eval_on_selector_all(
        "svg.chart rect.bar", "rs => rs.map(r => r.getBoundingClientRect().width)"
    )
    assert max(widths) > 100  # the longest bar is drawn across most of the chart


def test_without_telegrams_script_the_page_is_left_as_it_is(phone: Any, server: str) -> None:
    phone.goto(f"{server}/app/zona/6")
    assert phone.evaluate("document.documentElement.classList.contains('in-telegram')") is False
    assert phone.evaluate("typeof window.Telegram") == "undefined"


def test_inside_telegram_the_theme_and_back_button_are_telegrams(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    context.route(
        "https://telegram.org/**",
        lambda route: route.fulfill(
            status=200, content_type="application/javascript", body=TELEGRAM_STAND_IN
        ),
    )
    page = context.new_page()
    try:
        page.goto(f"{server}/app/")
        assert page.evaluate("window.__back") == "hidden"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(17, 34, 51)"
        page.goto(f"{server}/app/zona/6")
        assert page.evaluate("window.__back") == "shown"
        assert page.evaluate("window.__ready") is True
        page.evaluate("window.__backClick()")
        page.wait_for_url(f"{server}/app/")
    finally:
        context.close()
