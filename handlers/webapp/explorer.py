"""The residents' plan explorer: public, read-only pages of the plan under ``/app``.

=========================  ===================================================================
``/app/``                  the plan's home: what it is, its totals, its temáticas, the zonas
``/app/zona/N``            a zona's projects with amount, observation and staff status; a chart
``/app/proyecto/SNIP``     a project's card, its status timeline, "Seguir" in the bot
``/app/financiamiento``    sources by inversión / funcionamiento: chart and table
``/app/metas``             the targets by temática, baseline → horizon as bars
``/app/buscar?q=…``        the bot's own answer to a search, with the pages of what it found
=========================  ===================================================================

A zona or SNIP the plan does not have, or any other address under ``/app``, gets a friendly 404
page; a search longer than ``knowledge.explorer.QUERY_MAX`` gets 400 with the form. Pages are
rendered once per version of what they show (``handlers.webapp.cache``) and answer
``If-None-Match`` with 304. Nothing here writes to the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from db.staff_store import current_status, current_statuses, status_history, status_version
from handlers.webapp.cache import PageCache, Version, names_etag
from handlers.webapp.pages import HTML, Pages
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.explorer import (
    Edition,
    answer_snip,
    edition,
    funding_page,
    home_page,
    project_page,
    read_query,
    search_page,
    targets_page,
    with_staff_status,
    zona_page,
)
from knowledge.plan_json import plan_digest

log = logging.getLogger(__name__)
STATUS_TTL = 1.0
"""Seconds the staff-status version is trusted: a status recorded shows on the pages within it."""
DATABASE_TIMEOUT = 3.0
"""Seconds a page waits for the database before it says to try again."""
SNIP_CHARS = 16
"""The longest SNIP the database keeps (``project_status.snip``)."""

Context = dict[str, Any]


@dataclass
class Sources:
    """What the explorer reads, filled by the server once it has started: the answerer (the plan
    and its search), the database's sessions, and the bot's username when known."""

    answerer: Answerer | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    bot_username: str | None = None


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What every page of one plan shares, worked out once per answerer."""

    answerer: Answerer
    digest: str
    edition: Edition

    @property
    def zonas(self) -> tuple[int, ...]:
        return self.answerer.plan.edition.zonas


class Unavailable(Exception):
    """The explorer cannot show the page now: not started yet, or the database did not answer."""


class Explorer:
    """The explorer's pages over ``sources``; :meth:`app` is the ASGI app to mount at ``/app``."""

    def __init__(
        self, sources: Sources, pages: Pages | None = None, *, status_ttl: float = STATUS_TTL
    ) -> None:
        """``status_ttl``: seconds a status version read is trusted (0: read for every page)."""
        self.sources = sources
        self.pages = pages if pages is not None else Pages()
        self.cache = PageCache(fingerprint=self.pages.fingerprint)
        self.status_ttl = status_ttl
        self._facts: PlanFacts | None = None
        self._version: tuple[float, str] | None = None
        """The status version last read, and when."""
        self._version_read: asyncio.Future[str] | None = None
        """The read of it under way, which the requests that arrive meanwhile share."""

    def app(self, *, beside: Sequence[BaseRoute] = ()) -> Starlette:
        """The explorer's pages, and the routes ``beside`` them (the staff console's) first."""
        return Starlette(
            routes=[
                *beside,
                Route("/", self.home, methods=["GET"]),
                Route("/zona/{n}", self.zona, methods=["GET"]),
                Route("/proyecto/{snip}", self.project, methods=["GET"]),
                Route("/financiamiento", self.funding, methods=["GET"]),
                Route("/metas", self.targets, methods=["GET"]),
                Route("/buscar", self.search, methods=["GET"]),
            ],
            exception_handlers={404: self.no_such_page},
        )

    # Pages --------------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return await self.respond(
            request, ("home",), "home.html", lambda facts: plain({"page": home_page(facts.answerer)})
        )

    async def zona(self, request: Request) -> Response:
        raw = request.path_params["n"]
        number = int(raw) if raw.isdigit() and len(raw) <= 3 else None
        facts = self.facts()
        if number is None or (facts is not None and number not in facts.zonas):
            return await self.not_found(request, zona_missing=True)

        async def build(facts: PlanFacts) -> Context:
            rows = await self.read(current_statuses)
            statuses = {snip: row.view() for snip, row in rows.items()}
            return {"page": zona_page(facts.answerer, number, statuses)}

        return await self.respond(request, ("zona", number), "zona.html", build, statuses=True)

    async def project(self, request: Request) -> Response:
        snip = request.path_params["snip"]
        facts = self.facts()
        if facts is None:
            return self.unavailable(request)
        if len(snip) > SNIP_CHARS or facts.answerer.plan.project(snip) is None:
            return await self.not_found(
                request, message=t.WEB_PROJECT_NOT_FOUND.format(snip=snip[:SNIP_CHARS])
            )

        async def build(facts: PlanFacts) -> Context:
            history = await self.read(status_history, snip=snip)
            return {"page": project_page(facts.answerer, snip, [row.view() for row in history])}

        return await self.respond(request, ("proyecto", snip), "project.html", build, statuses=True)

    async def funding(self, request: Request) -> Response:
        return await self.respond(
            request,
            ("financiamiento",),
            "funding.html",
            lambda facts: plain({"page": funding_page(facts.answerer.plan)}),
        )

    async def targets(self, request: Request) -> Response:
        return await self.respond(
            request,
            ("metas",),
            "targets.html",
            lambda facts: plain({"page": targets_page(facts.answerer.plan)}),
        )

    async def search(self, request: Request) -> Response:
        query = read_query(request.query_params.get("q"))
        if query is None:  # too long: said on the page, with the form to try again
            facts = self.facts()
            if facts is None:
                return self.unavailable(request)
            page = search_page(facts.answerer, request.query_params.get("q"))
            return self.html(self.render(request, facts, "search.html", {"page": page}), 400)

        async def build(facts: PlanFacts) -> Context:
            page = search_page(facts.answerer, query)
            snip = answer_snip(page.answer) if page.answer is not None else None
            if snip is not None:  # a project's card shows what staff recorded, as in the bot
                row = await self.read(current_status, snip=snip)
                page = with_staff_status(page, row.view() if row is not None else None)
            return {"page": page}

        return await self.respond(request, ("buscar", query), "search.html", build, statuses=True)

    # What every page does -----------------------------------------------------------------------
    async def respond(
        self,
        request: Request,
        key: Hashable,
        template: str,
        build: Callable[[PlanFacts], Awaitable[Context]],
        *,
        statuses: bool = False,
        page_headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The page ``key`` for the current version of what it shows (``statuses``: staff
        statuses too): 304 when the client has it, else from the cache or rendered now.
        ``page_headers``: instead of the explorer's (the console's pages have their own policy)."""
        facts = self.facts()
        if facts is None:
            return self.unavailable(request)
        fixed = dict(page_headers) if page_headers is not None else self.pages.headers
        try:
            version: Version = (facts.digest, await self.status_version() if statuses else "")
            key = (key, request.scope.get("root_path", ""), self.sources.bot_username)
            etag = self.cache.etag(key, version)
            headers = {"ETag": etag, "Cache-Control": "no-cache"}
            if names_etag(request.headers.get("if-none-match"), etag):
                return Response(status_code=304, headers={**fixed, **headers})
            body = self.cache.get(key, version)
            if body is None:
                body = self.render(request, facts, template, await build(facts))
                self.cache.put(key, version, body)
        except Unavailable:
            return self.unavailable(request)
        return Response(body, status_code=200, media_type=HTML, headers={**fixed, **headers})

    async def status_version(self) -> str:
        """What staff recorded, as a version (``db.staff_store.status_version``), read at most
        once every ``status_ttl`` seconds: a status recorded shows on the pages within that time.
        Requests that arrive while it is being read share that read."""
        now = time.monotonic()
        if self._version is not None and now - self._version[0] < self.status_ttl:
            return self._version[1]
        if self._version_read is None:
            self._version_read = asyncio.ensure_future(self._read_version())
            self._version_read.add_done_callback(self._version_read_done)
        return await asyncio.shield(self._version_read)

    def _version_read_done(self, read: asyncio.Future[str]) -> None:
        if self._version_read is read:
            self._version_read = None
        if read.cancelled() or read.exception() is not None:  # retrieved: none may be waiting
            return
        self._version = (time.monotonic(), read.result())

    async def _read_version(self) -> str:
        return str(await self.read(status_version))

    def facts(self) -> PlanFacts | None:
        answerer = self.sources.answerer
        if answerer is None:
            return None
        if self._facts is None or self._facts.answerer is not answerer:
            self._facts = PlanFacts(answerer, plan_digest(answerer.plan), edition(answerer.plan))
        return self._facts

    async def read(self, query: Callable[..., Awaitable[Any]], **arguments: Any) -> Any:
        """One query in its own session, bounded by DATABASE_TIMEOUT; :class:`Unavailable` when
        the database does not answer."""
        sessionmaker = self.sources.sessionmaker
        if sessionmaker is None:
            raise Unavailable
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), sessionmaker() as session:
                return await query(session=session, **arguments)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.warning("explorer: the database did not answer (%s)", type(exc).__name__)
            raise Unavailable from exc

    def render(self, request: Request, facts: PlanFacts, template: str, context: Context) -> bytes:
        base = request.scope.get("root_path", "")
        username = self.sources.bot_username
        return self.pages.render(
            template,
            base=base,
            home_url=f"{base}/",
            ed=facts.edition,
            brand=facts.edition.say(t.WEB_BRAND),
            bot_username=username,
            bot_url=f"https://t.me/{username}" if username else None,
            **context,
        )

    def html(self, body: bytes, status: int, headers: dict[str, str] | None = None) -> Response:
        return Response(
            body, status_code=status, media_type=HTML, headers={**self.pages.headers, **(headers or {})}
        )

    # Pages that say something went wrong --------------------------------------------------------
    async def no_such_page(self, request: Request, _exc: Exception) -> Response:
        """Any address under the explorer that is none of its pages."""
        return await self.not_found(request)

    async def not_found(
        self, request: Request, *, message: str | None = None, zona_missing: bool = False
    ) -> Response:
        facts = self.facts()
        if facts is None:
            return self.unavailable(request)
        # The pages that name nothing of the address are kept; one that names a SNIP is not, so
        # that made-up addresses cannot fill the cache.
        key = ("404", zona_missing, request.scope.get("root_path", ""), self.sources.bot_username)
        version: Version = (facts.digest,)
        body = self.cache.get(key, version) if message is None else None
        if body is None:
            context = {
                "message": message or t.WEB_NOT_FOUND,
                "zona_message": facts.edition.say(
                    t.WEB_ZONA_NOT_FOUND, first=facts.zonas[0], last=facts.zonas[-1]
                )
                if zona_missing
                else None,
                "zonas": facts.zonas,
            }
            body = self.render(request, facts, "not_found.html", context)
            if message is None:
                self.cache.put(key, version, body)
        return self.html(body, 404)

    def unavailable(self, request: Request) -> Response:
        body = self.pages.render("unavailable.html", home_url=f"{request.scope.get('root_path', '')}/")
        return self.html(body, 503, {"Retry-After": "5"})


async def plain(context: Context) -> Context:
    """A page's context that needs no database read, as the awaitable ``respond`` takes."""
    return context
