"""The plan explorer's pages over HTTP (httpx's ASGI transport), on a real database (SQLite and,
with TEST_DATABASE_URL, PostgreSQL): every page, escaping, 404 and 400, ETag and 304."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.routing import Mount

from db.staff_store import add_status
from handlers.webapp.explorer import Explorer, Sources
from handlers.webapp.pages import TELEGRAM_SCRIPT
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.render import to_plain

ZONAS = tuple(range(1, 12))
"""The bundled plan's zonas."""
BOT = "plan_test_bot"
PAGE_LIMIT = 100_000
"""Bytes of a page at most: a phone on a slow connection still opens it at once."""
EVIL = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_bundled_plan())


@dataclass
class Site:
    client: httpx.AsyncClient
    sources: Sources
    sessionmaker: async_sessionmaker[AsyncSession]

    async def get(self, path: str, **headers: str) -> httpx.Response:
        return await self.client.get(path, headers=headers)

    async def record(
        self, snip: str, status: str, progress: int | None = None, note: str | None = None
    ) -> None:
        async with self.sessionmaker() as session:
            await add_status(
                session=session, snip=snip, status=status, progress=progress, note=note, author_id=7
            )
            await session.commit()


@pytest.fixture
async def site(answerer: Answerer, sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[Site]:
    sources = Sources(answerer, sessionmaker, BOT)
    app = Starlette(routes=[Mount("/app", app=Explorer(sources, status_ttl=0).app())])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plan") as client:
        yield Site(client, sources, sessionmaker)


class Page(HTMLParser):
    """What a page is made of: its text, its links, scripts, svg charts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.scripts: list[str] = []
        self.svgs = 0
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        for name in ("src", "srcset", "data"):
            if found.get(name):
                self.sources.append(str(found[name]))
        if tag == "link" and found.get("href"):
            self.sources.append(str(found["href"]))
        if tag == "svg":
            self.svgs += 1
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        elif data.strip():
            self.text.append(" ".join(data.split()))

    @property
    def plain(self) -> str:
        return " ".join(self.text)


async def page_of(site: Site, path: str, status: int = 200) -> Page:
    response = await site.get(path)
    assert response.status_code == status, (path, response.status_code)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert len(response.content) <= PAGE_LIMIT
    return Page(response.text)


ALL_PAGES = [
    "/app/",
    *(f"/app/zona/{n}" for n in ZONAS),
    *(f"/app/proyecto/{p.snip}" for p in load_bundled_plan().projects),
    "/app/financiamiento",
    "/app/metas",
    "/app/buscar",
    "/app/buscar?q=proyectos+zona+6",
]


async def test_every_page_is_small_self_contained_and_cites_its_section(site: Site) -> None:
    """No CDN, no font, no script but Telegram's; every page names the section it comes from."""
    for path in ALL_PAGES:
        page = await page_of(site, path)
        assert page.sources == [TELEGRAM_SCRIPT], path
        outside = [link for link in page.links if re.match(r"https?://", link)]
        assert all(link.startswith(f"https://t.me/{BOT}") for link in outside), (path, outside)
        if path != "/app/buscar":  # the empty search form quotes nothing
            assert "Fuente: POA" in page.plain, path


async def test_the_inline_script_is_the_one_the_policy_allows(site: Site) -> None:
    response = await site.get("/app/")
    (script,) = Page(response.text).scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy
    assert "script-src https://telegram.org 'sha256-" in policy
    assert "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_home_shows_the_totals_the_zonas_and_the_tematicas(site: Site, answerer: Answerer) -> None:
    page = await page_of(site, "/app/")
    for figure in ("Q 688,310,200.00", "Q 364,029,262.59", "Q 324,280,937.41", "Q 18,819,178.00"):
        assert figure in page.plain
    assert all(f"/app/zona/{n}" in page.links for n in ZONAS)
    for tematica in answerer.plan.tematicas:
        assert tematica.name in page.plain
        assert f"/app/metas#tema-{tematica.id}" in page.links


async def test_a_zona_shows_its_projects_with_amount_observation_and_status(site: Site) -> None:
    await site.record("206148", "en_ejecucion", 45, "zanjeo terminado")
    page = await page_of(site, "/app/zona/6")
    text = page.plain
    assert "Q 3,725,625.00" in text
    assert "Q 2,108,047.56" in text
    assert "MULTIANUAL 2023-2025" in text
    assert "ARRASTRE" in text
    assert {"/app/proyecto/273703", "/app/proyecto/206148"} <= set(page.links)
    assert "/app/proyecto/242177" not in page.links  # zona 10's
    assert f"{t.STATUS_LABELS['en_ejecucion']} · 45%" in text
    assert t.STATUS_NOTE.format(note="zanjeo terminado") in text
    assert t.WEB_STATUS_NONE in text  # 273703 has no status yet
    assert page.svgs == 1  # the chart of its amounts


async def test_a_zona_without_projects_says_so(site: Site) -> None:
    page = await page_of(site, "/app/zona/3")
    assert t.WEB_ZONA_NONE.format(n=3) in page.plain
    assert "/app/zona/6" in page.links  # where the plan does list projects
    assert page.svgs == 0


async def test_a_project_shows_its_card_timeline_and_a_follow_link(site: Site, answerer: Answerer) -> None:
    await site.record("242177", "planificado")
    await site.record("242177", "en_ejecucion", 30, "tubería instalada")
    page = await page_of(site, "/app/proyecto/242177")
    text = page.plain
    card = answerer.project_answer("242177")
    assert card.title in text
    assert "Q 4,441,894.00" in text
    assert "BARRIO SAN ANTONIO" in text
    assert text.index(t.STATUS_LABELS["en_ejecucion"]) < text.rindex(t.STATUS_LABELS["planificado"])
    assert f"https://t.me/{BOT}?start=p_242177" in page.links
    assert "/app/zona/10" in page.links


async def test_without_the_bots_username_there_is_no_follow_link(site: Site) -> None:
    site.sources.bot_username = None
    page = await page_of(site, "/app/proyecto/242177")
    assert not [link for link in page.links if "t.me" in link]
    assert t.WEB_PROJECT_FOLLOW not in page.plain


async def test_funding_has_every_source_in_the_chart_and_the_table(site: Site, answerer: Answerer) -> None:
    page = await page_of(site, "/app/financiamiento")
    for source in answerer.plan.funding:
        assert page.plain.count(source.source) >= 2  # the chart's label and the table's row
    assert "Q 188,171,900.00 (70.00%)" in page.plain
    assert page.svgs == 1


async def test_targets_show_each_tematica_with_its_bars(site: Site, answerer: Answerer) -> None:
    response = await site.get("/app/metas")
    page = Page(response.text)
    for tematica in {r.tematica for r in answerer.plan.targets}:
        assert f'id="tema-{tematica}"' in response.text
    assert "De 85% (2021) a 95% (2032)" in page.plain
    assert page.svgs >= 10


async def test_search_gives_the_bots_answer(site: Site, answerer: Answerer) -> None:
    page = await page_of(site, "/app/buscar?q=cuanto+pisto+viene+del+iusi")
    bot_answer = answerer.answer("cuanto pisto viene del iusi")
    assert bot_answer.title in page.plain
    assert "Q 268,817,000.00" in page.plain
    empty = await page_of(site, "/app/buscar")
    assert all(example in empty.plain for example in t.WEB_SEARCH_EXAMPLE_QUESTIONS)


async def test_a_projects_search_shows_the_staff_status_as_the_bot_does(
    site: Site, answerer: Answerer
) -> None:
    await site.record("206213", "suspendido", None, "lluvias")
    page = await page_of(site, "/app/buscar?q=proyecto+206213")
    assert t.STATUS_LABELS["suspendido"] in page.plain
    assert to_plain(answerer.answer("proyecto 206213")).splitlines()[0] in page.plain


async def test_a_staff_note_with_markup_is_shown_escaped(site: Site) -> None:
    await site.record("206148", "suspendido", None, EVIL)
    for path in ("/app/zona/6", "/app/proyecto/206148", "/app/buscar?q=proyecto+206148"):
        response = await site.get(path)
        assert EVIL not in response.text, path
        assert "&lt;script&gt;alert(" in response.text, path
        assert EVIL in Page(response.text).plain  # what the reader sees is the note as typed


async def test_a_search_with_markup_is_shown_escaped(site: Site) -> None:
    response = await site.get(f"/app/buscar?q={EVIL}")
    assert response.status_code == 200
    assert EVIL not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/app/zona/12",
        "/app/zona/0",
        "/app/zona/abc",
        "/app/zona/99999",
        "/app/proyecto/999999",
        "/app/proyecto/" + "9" * 40,
        "/app/nada",
        "/app/zona/",
    ],
)
async def test_what_the_plan_does_not_have_gets_a_friendly_404(site: Site, path: str) -> None:
    page = await page_of(site, path, status=404)
    assert t.WEB_NOT_FOUND_TITLE in page.plain
    assert "/app/" in page.links


async def test_an_unknown_zona_lists_the_zonas(site: Site) -> None:
    page = await page_of(site, "/app/zona/12", status=404)
    assert "Mixco tiene zonas de la 1 a la 11" in page.plain
    assert all(f"/app/zona/{n}" in page.links for n in ZONAS)


async def test_an_unknown_snip_is_named_escaped(site: Site) -> None:
    response = await site.get("/app/proyecto/%3Cb%3E1")
    assert response.status_code == 404
    assert "<b>1" not in response.text
    assert t.WEB_PROJECT_NOT_FOUND.format(snip="<b>1") in Page(response.text).plain


async def test_a_search_too_long_gets_400_and_the_form(site: Site) -> None:
    page = await page_of(site, "/app/buscar?q=" + "a" * 201, status=400)
    assert t.WEB_SEARCH_TOO_LONG.format(limit=200) in page.plain
    assert (await site.get("/app/buscar?q=" + "a" * 200)).status_code == 200


async def test_a_page_the_client_has_gets_304(site: Site) -> None:
    first = await site.get("/app/financiamiento")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = await site.get("/app/financiamiento", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await site.get("/app/financiamiento", **{"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    other = await site.get("/app/financiamiento", **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


async def test_a_status_change_gives_its_pages_new_etags_and_leaves_the_rest(site: Site) -> None:
    zona = (await site.get("/app/zona/10")).headers["etag"]
    project = (await site.get("/app/proyecto/242177")).headers["etag"]
    home = (await site.get("/app/")).headers["etag"]
    await site.record("242177", "finalizado", 100)
    changed = await site.get("/app/zona/10", **{"If-None-Match": zona})
    assert changed.status_code == 200
    assert changed.headers["etag"] != zona
    assert t.STATUS_LABELS["finalizado"] in Page(changed.text).plain
    assert (await site.get("/app/proyecto/242177", **{"If-None-Match": project})).status_code == 200
    assert (await site.get("/app/", **{"If-None-Match": home})).status_code == 304


async def test_pages_are_rendered_once_per_version(site: Site) -> None:
    """The second request is the cached page (same bytes), a new status renders it again."""
    first = await site.get("/app/zona/6")
    assert (await site.get("/app/zona/6")).content == first.content
    await site.record("273703", "en_ejecucion", 10)
    assert (await site.get("/app/zona/6")).content != first.content


async def test_the_status_version_is_trusted_for_its_time(site: Site) -> None:
    """With a long ``status_ttl`` the version read first stands, so the page stays as it was."""
    explorer = Explorer(site.sources, status_ttl=3600)
    app = Starlette(routes=[Mount("/app", app=explorer.app())])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://plan") as client:
        before = await client.get("/app/zona/5")
        await site.record("287389", "finalizado", 100)
        assert (await client.get("/app/zona/5")).content == before.content
    assert t.STATUS_LABELS["finalizado"] in (await site.get("/app/zona/5")).text  # read every time


async def test_before_the_server_has_started_pages_say_to_try_again(site: Site) -> None:
    site.sources.answerer = None
    response = await site.get("/app/zona/6")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert t.WEB_UNAVAILABLE in Page(response.text).plain


async def test_a_database_that_is_gone_gets_503_not_a_traceback(site: Site) -> None:
    engine = site.sessionmaker.kw["bind"]
    async with engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE project_status")
    response = await site.get("/app/zona/6")
    assert response.status_code == 503
    assert "Traceback" not in response.text
    assert (await site.get("/app/financiamiento")).status_code == 200  # it reads no status
