"""The staff console: pages for municipal staff inside Telegram (a Mini App opened from the menu
button of each staff member's private chat), on the same staff service as the chat's commands.

===============================  ===============================================================
``/app/consola/``                projects: status, progress and note edited in place, history
``/app/consola/anuncios``        an announcement: audience, live count, Telegram's preview, send,
                                 then its delivery
``/app/consola/reporte``         the report: unanswered questions per zona (a chart), topics,
                                 👍/👎, residents' reports ("Revisado"), late projects; CSV
                                 export, and a CSV of statuses previewed row by row, then applied
``/app/consola/edicion``         the plan's edition and the editions kept; a plan document or
                                 export uploaded, its preview (what it is, that it reconciles,
                                 every change against the current plan) or its refusal, then
                                 "Cargar"
``/app/consola/equipo``          administrators only: who is staff (id, name when known, who
                                 added them and when), someone added by Telegram id, removed
===============================  ===============================================================

The pages are the same for everyone and hold no data: what they show comes from the JSON API
under ``/app/api/…``, which their script calls with Telegram's ``initData`` in
``Authorization: tma <initData>``. Every call is checked in this order, and refused before
anything is read or changed: no valid, fresh initData of this bot → 401; a person who is not
staff (their role read from the database on every call, ``Staff.role``) → 403; and for the
team's calls (``admin=True``), a person who is staff but no administrator → 403. There are no
cookies, so nothing a browser sends by itself (another site's form, a link) carries the
credentials: no CSRF.

A valid initData can be sent again until WEBAPP_AUTH_MAX_AGE has passed (Telegram's design:
``handlers.webapp.auth``). So every call that changes something carries an ``Idempotency-Key``
(the page makes a random one per action) which the staff service keeps on the action's audit
entry, one per person and key: the same call sent again is answered 409 and applies nothing.
Sending or applying a draft (an announcement, a CSV) also happens once by itself, since it
leaves the draft state.

Each call is one use case of ``handlers.staff_service.Staff`` — the same as ``/estado``,
``/anunciar`` + Enviar, ``/reporte``, ``✔ #id``, ``/exportar``, a CSV document + Aplicar and
``/staff`` (with its menus set or reset through ``ConsoleSources.bot``) — or
of ``handlers.edition_service.Editions`` — a plan document + Cargar —, so the rules, the
validation, the audit and the notices are the chat's. An edition loaded here is answered with
at once by the process that serves the console (the webhook server, or ``python -m bot web``),
and by every other process on the database within PLAN_CHECK_INTERVAL (``Editions.follow``:
the bot that polls beside ``python -m bot web``, other replicas), which the page says.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from telegram import Bot

from handlers.edition_service import Editions, LoadOutcome, kept_editions_of
from handlers.staff_service import Author, Confirmed, Outcome, Replayed, RoleChange, Staff
from handlers.webapp.auth import InitDataError, WebAppUser, credentials, validate_init_data
from handlers.webapp.explorer import Context, Explorer, PlanFacts
from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.console import (
    announcement_draft,
    confirm_line,
    dashboard,
    edition_now,
    edition_preview,
    history_rows,
    kept_older_line,
    loaded_line,
    project_rows,
    recipients_line,
    status_options,
    team_rows,
    too_big_line,
    upload_lead,
)
from knowledge.counts import count_of
from knowledge.edition_upload import file_size
from knowledge.staff import (
    HISTORY_SHOWN,
    MAX_CSV_BYTES,
    audience_label,
    csv_preview_lines,
    decode_csv,
    export_csv,
    parse_audience,
    parse_status_csv,
    parse_status_fields,
    parse_user_id,
    progress_text,
    status_label,
)

log = logging.getLogger(__name__)
MAX_JSON = 64_000
"""Bytes of a JSON body at most (an announcement is at most a few thousand characters)."""
CALL_TIMEOUT = 10.0
"""Seconds a call waits for the database before it answers 503."""
KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
"""An Idempotency-Key: what the page makes (32 hex digits), or any other 16 to 64 of these."""
ID_DIGITS = 9
"""Digits of a draft's or report's id in an address, at most."""
JSON_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
VIEWS = {
    "proyectos": (t.CONSOLE_PROJECTS_TITLE, t.CONSOLE_PROJECTS_LEAD),
    "anuncios": (t.CONSOLE_ANNOUNCE_TITLE, t.CONSOLE_ANNOUNCE_LEAD),
    "reporte": (t.CONSOLE_REPORT_TITLE, t.CONSOLE_REPORT_LEAD),
    "edicion": (t.CONSOLE_EDITION_TITLE, t.CONSOLE_EDITION_LEAD),
    "equipo": (t.CONSOLE_TEAM_TITLE, t.CONSOLE_TEAM_LEAD),
}
SCRIPT_TEXTS = {
    "loading": t.CONSOLE_LOADING,
    "saving": t.CONSOLE_SAVING,
    "network": t.CONSOLE_NETWORK,
    "outside": t.CONSOLE_OUTSIDE_TELEGRAM,
    "signed_in": t.CONSOLE_SIGNED_IN,
    "nothing": t.CONSOLE_NOTHING,
    "no_status": t.STATUS_NONE,
    "note": t.STATUS_NOTE,
    "changed": t.HISTORY_CHANGED.strip(),
    "too_big": t.CONSOLE_TOO_BIG,
    "reading": t.CONSOLE_EDITION_READING,
    "admin_only": t.CONSOLE_ADMIN_ONLY,
    "bad_id": t.CONSOLE_TEAM_BAD_ID,
}
"""What the page's script itself may have to say (everything else comes with the API's answers)."""


@dataclass
class ConsoleSources:
    """What the console needs besides the explorer's sources, filled once the server started:
    the staff service, the bot's token (initData is signed with it), how old an initData may be
    (WEBAPP_AUTH_MAX_AGE), this process's edition loading, and a Bot API client for the
    team's changes."""

    staff: Staff | None = None
    bot_token: str | None = None
    max_age: float = 3600.0
    editions: Editions | None = None
    bot: Bot | None = None
    """What the team's changes ask of Telegram with (a staff member's commands and menu button)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """A call that passed the checks: who makes it, the service and the plan it uses."""

    user: WebAppUser
    role: str
    staff: Staff
    answerer: Answerer

    @property
    def author(self) -> Author:
        return Author(self.user.id, self.user.display_name)


class Refused(Exception):
    """A call answered with an error: its status and the text the page shows."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Endpoint = Callable[[Request, Caller], Awaitable[Response]]


class Console:
    """The console's pages and API over the explorer (its plan, layout and page cache) and
    ``sources``; :meth:`routes` go beside the explorer's (``Explorer.app(beside=…)``)."""

    def __init__(
        self, explorer: Explorer, sources: ConsoleSources, *, clock: Callable[[], float] = time.time
    ) -> None:
        """``clock``: Unix seconds now, which an initData's age is measured against."""
        self.explorer = explorer
        self.sources = sources
        self.clock = clock

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/consola/", self.page("proyectos"), methods=["GET"]),
            Route("/consola/anuncios", self.page("anuncios"), methods=["GET"]),
            Route("/consola/reporte", self.page("reporte"), methods=["GET"]),
            Route("/consola/edicion", self.page("edicion"), methods=["GET"]),
            Route("/consola/equipo", self.page("equipo"), methods=["GET"]),
            Mount("/api", app=self.api()),
        ]

    def api(self) -> Starlette:
        g = self.guarded
        return Starlette(
            routes=[
                Route("/yo", g(self.me), methods=["GET"]),
                Route("/proyectos", g(self.projects), methods=["GET"]),
                Route("/proyectos/{snip}/historial", g(self.history), methods=["GET"]),
                Route("/proyectos/{snip}/estado", g(self.record_status), methods=["POST"]),
                Route("/anuncios", g(self.broadcasts), methods=["GET"]),
                Route("/anuncios", g(self.draft_announcement), methods=["POST"]),
                Route("/anuncios/vista-previa", g(self.preview), methods=["POST"]),
                Route("/anuncios/{id}", g(self.delivery), methods=["GET"]),
                Route("/anuncios/{id}/enviar", g(self.send_announcement), methods=["POST"]),
                Route("/anuncios/{id}/cancelar", g(self.cancel_announcement), methods=["POST"]),
                Route("/reporte", g(self.report), methods=["GET"]),
                Route("/reportes/{id}/revisado", g(self.review_report), methods=["POST"]),
                Route("/exportar", g(self.export), methods=["GET"]),
                Route("/csv", g(self.upload_csv), methods=["POST"]),
                Route("/csv/{id}/aplicar", g(self.apply_csv), methods=["POST"]),
                Route("/csv/{id}/descartar", g(self.discard_csv), methods=["POST"]),
                Route("/edicion", g(self.edition), methods=["GET"]),
                Route("/edicion", g(self.upload_edition), methods=["POST"]),
                Route("/edicion/{id}/cargar", g(self.load_edition, bounded=False), methods=["POST"]),
                Route("/edicion/{id}/descartar", g(self.discard_edition, bounded=False), methods=["POST"]),
                Route("/equipo", g(self.team, admin=True), methods=["GET"]),
                Route("/equipo", g(self.add_member, admin=True), methods=["POST"]),
                Route("/equipo/{user}/quitar", g(self.remove_member, admin=True), methods=["POST"]),
            ],
            exception_handlers={404: self.no_such_call, 405: self.no_such_call},
        )

    # Pages ----------------------------------------------------------------------------------------
    def page(self, view: str) -> Callable[[Request], Awaitable[Response]]:
        heading, lead = VIEWS[view]

        async def build(facts: PlanFacts) -> Context:
            plan = facts.answerer.plan
            return {
                "view": view,
                "heading": heading,
                "lead": lead,
                "texts": SCRIPT_TEXTS,
                "statuses": status_options(),
                "zonas": plan.edition.zonas,
                "projects": project_rows(plan, {}),
            }

        async def endpoint(request: Request) -> Response:
            return await self.explorer.respond(
                request,
                ("consola", view),
                "console.html",
                build,
                page_headers=self.explorer.pages.console_headers,
            )

        return endpoint

    # The checks every call passes ---------------------------------------------------------------
    def guarded(
        self, endpoint: Endpoint, *, bounded: bool = True, admin: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        """``endpoint`` for staff only — for administrators only when ``admin`` —, checked
        before it runs; its refusals and the database's silence become answers. Not
        ``bounded``, only the check has CALL_TIMEOUT: loading an edition is not cut off halfway
        (the chat's "Cargar" is not either)."""

        async def checked(request: Request) -> Response:
            try:
                async with asyncio.timeout(CALL_TIMEOUT) as deadline:
                    caller = await self.caller(request)
                    if admin and caller.role != "admin":
                        raise Refused(403, t.CONSOLE_ADMIN_ONLY)
                    if not bounded:
                        deadline.reschedule(None)
                    return await endpoint(request, caller)
            except Refused as refused:
                return problem(refused.status, refused.message)
            except Replayed:
                return problem(409, t.CONSOLE_REPLAYED, replayed=True)
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                log.warning("console: the database did not answer (%s)", type(exc).__name__)
                return problem(503, t.CONSOLE_UNAVAILABLE, headers={"Retry-After": "5"})

        return checked

    async def caller(self, request: Request) -> Caller:
        """Who makes the call: Telegram's signed user, when they are staff now."""
        staff, token = self.sources.staff, self.sources.bot_token
        facts = self.explorer.facts()
        if token is None:
            raise Refused(503, t.CONSOLE_OFF)
        if staff is None or facts is None:
            raise Refused(503, t.CONSOLE_UNAVAILABLE)
        try:
            init_data = credentials(request.headers.get("authorization"))
            user = validate_init_data(init_data, token, max_age=self.sources.max_age, now=self.clock()).user
        except InitDataError as refused:
            log.info("console: initData refused (%s)", refused.reason)
            raise Refused(401, t.CONSOLE_UNAUTHORIZED) from refused
        role = await staff.role(user.id)
        if role is None:
            raise Refused(403, t.CONSOLE_FORBIDDEN)
        return Caller(user, role, staff, facts.answerer)

    async def no_such_call(self, _request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return problem(status if status in (404, 405) else 404, t.CONSOLE_NOT_FOUND)

    # Who is calling -----------------------------------------------------------------------------
    async def me(self, _request: Request, caller: Caller) -> Response:
        return answer({"name": caller.user.display_name, "role": caller.role})

    # Projects -----------------------------------------------------------------------------------
    async def projects(self, _request: Request, caller: Caller) -> Response:
        rows = project_rows(caller.answerer.plan, await caller.staff.current_entries())
        return answer({"statuses": status_options(), "projects": [asdict(row) for row in rows]})

    async def history(self, request: Request, caller: Caller) -> Response:
        snip = project_in_path(request, caller)
        entries = await caller.staff.history(snip)
        rows = history_rows(entries or [], HISTORY_SHOWN)
        return answer(
            {
                "snip": snip,
                "title": t.HISTORY_TITLE.format(snip=snip),
                "entries": [asdict(row) for row in rows],
                "empty": t.HISTORY_EMPTY.format(snip=snip),
            }
        )

    async def record_status(self, request: Request, caller: Caller) -> Response:
        """What ``/estado SNIP estado avance nota`` does, from the row's form."""
        snip = project_in_path(request, caller)
        key = idempotency_key(request)
        body = await json_body(request)
        change = parse_status_fields(
            snip, body.get("status"), body.get("progress"), body.get("note"), caller.answerer.plan
        )
        if isinstance(change, str):
            raise Refused(400, change)
        stored, told = await caller.staff.record_status(change, caller.author, action_id=key)
        rows = project_rows(caller.answerer.plan, await caller.staff.current_entries())
        row = next(r for r in rows if r.snip == snip)
        message = t.STATUS_SAVED.format(
            snip=snip,
            status=status_label(stored.status),
            progress=progress_text(stored.progress),
            followers=count_of(told, t.FOLLOWING_CHATS),
        )
        return answer({"project": asdict(row), "notified": told, "message": message})

    # Announcements ------------------------------------------------------------------------------
    async def preview(self, request: Request, caller: Caller) -> Response:
        """What the announcement being typed would be: its recipients now, Telegram's rendering,
        or what is wrong with it. Changes nothing."""
        body = await json_body(request)
        plan = caller.answerer.plan
        audience = parse_audience(body.get("audience"), plan)
        draft = announcement_draft(body.get("audience"), body.get("text"), plan)
        count = await caller.staff.audience_count(audience) if audience is not None else None
        line = (
            recipients_line(count, audience_label(audience, plan)) if audience and count is not None else None
        )
        return answer(
            {
                "recipients": count,
                "recipients_line": line,
                "runs": [asdict(run) for run in draft.runs] if not isinstance(draft, str) else [],
                "error": draft if isinstance(draft, str) else None,
            }
        )

    async def draft_announcement(self, request: Request, caller: Caller) -> Response:
        """``/anunciar``: a draft with its preview and recipients, which only "Enviar" sends."""
        key = idempotency_key(request)
        body = await json_body(request)
        draft = announcement_draft(body.get("audience"), body.get("text"), caller.answerer.plan)
        if isinstance(draft, str):
            raise Refused(400, draft)
        broadcast_id, count = await caller.staff.draft_announcement(
            caller.user.id, draft.audience, draft.html, action_id=key
        )
        return answer(
            {
                "id": broadcast_id,
                "recipients": count,
                "confirm": confirm_line(count, draft.audience_label),
                "runs": [asdict(run) for run in draft.runs],
            },
            201,
        )

    async def send_announcement(self, request: Request, caller: Caller) -> Response:
        """ "Enviar" under the preview: the deliveries are queued in the outbox."""
        broadcast_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        confirmed = await caller.staff.confirm_announcement(
            caller.user.id, broadcast_id, send=True, action_id=key
        )
        refuse_unless_done(confirmed, t.ANNOUNCE_NOT_YOURS)
        delivery = await caller.staff.deliveries(broadcast_id)
        return answer({"delivery": asdict(delivery) if delivery is not None else None})

    async def cancel_announcement(self, request: Request, caller: Caller) -> Response:
        broadcast_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        confirmed = await caller.staff.confirm_announcement(
            caller.user.id, broadcast_id, send=False, action_id=key
        )
        refuse_unless_done(confirmed, t.ANNOUNCE_NOT_YOURS)
        return answer({"message": t.CANCELLED})

    async def delivery(self, request: Request, caller: Caller) -> Response:
        delivery = await caller.staff.deliveries(id_in_path(request))
        if delivery is None:
            raise Refused(404, t.CONSOLE_NOT_FOUND)
        return answer({"delivery": asdict(delivery)})

    async def broadcasts(self, _request: Request, caller: Caller) -> Response:
        return answer({"broadcasts": [asdict(d) for d in await caller.staff.recent_deliveries()]})

    # The report ---------------------------------------------------------------------------------
    async def report(self, _request: Request, caller: Caller) -> Response:
        """``/reporte``, for the page: the chart is drawn here, an SVG with its figures as text."""
        data, _ = await caller.staff.report()
        shown = dashboard(data, await caller.staff.unreviewed_reports())
        chart = (
            self.explorer.pages.render("console_chart.html", title=shown.chart_title, rows=shown.chart)
            if shown.chart
            else None
        )
        return answer({**asdict(shown), "chart_svg": chart.decode("utf-8") if chart else None})

    async def review_report(self, request: Request, caller: Caller) -> Response:
        """ "✔ #id" under ``/reporte``: the reporter is told through the outbox."""
        report_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        if not await caller.staff.review_report(caller.user.id, report_id, action_id=key):
            raise Refused(409, t.STALE_BUTTON)
        return answer({"message": t.CONSOLE_REVIEWED_DONE.format(id=report_id)})

    async def export(self, _request: Request, caller: Caller) -> Response:
        """``/exportar``: every project with its latest status, as CSV."""
        data = export_csv(caller.answerer.plan, await caller.staff.statuses())
        headers = {**JSON_HEADERS, "Content-Disposition": 'attachment; filename="estado-proyectos.csv"'}
        return Response(data, media_type="text/csv; charset=utf-8", headers=headers)

    # A CSV of statuses --------------------------------------------------------------------------
    async def upload_csv(self, request: Request, caller: Caller) -> Response:
        """A CSV document in the chat: each row ready or rejected with its reason (the first
        CSV_ROWS_SHOWN of each, and how many more), or the whole file refused (422) when it
        cannot be read as rows; the rows ready are kept as a draft that only "Aplicar" applies."""
        key = idempotency_key(request)
        raw = await bounded_body(request, MAX_CSV_BYTES)
        read = parse_status_csv(decode_csv(raw), caller.answerer.plan)
        if read.refused is not None:
            raise Refused(422, read.refused)
        changes = read.changes
        pending_id = await caller.staff.draft_csv(caller.user.id, changes, action_id=key) if changes else None
        summary = t.CONSOLE_CSV_SUMMARY.format(
            ok=count_of(len(changes), t.ROWS_READY), bad=count_of(len(read.rejected), t.ROWS_REJECTED)
        )
        ready, rejected = csv_preview_lines(read)
        return answer(
            {
                "id": pending_id,
                "summary": summary,
                "ready_count": len(changes),
                "rejected_count": len(read.rejected),
                "ready": ready,
                "rejected": rejected,
                "nothing": t.CSV_NOTHING if not changes else None,
            }
        )

    async def apply_csv(self, request: Request, caller: Caller) -> Response:
        pending_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        confirmed = await caller.staff.confirm_csv(caller.author, pending_id, apply=True, action_id=key)
        refuse_unless_done(confirmed, t.CSV_NOT_YOURS)
        return answer(
            {
                "applied": confirmed.count,
                "message": t.CSV_APPLIED.format(applied=count_of(confirmed.count, t.UPDATES_APPLIED)),
            }
        )

    async def discard_csv(self, request: Request, caller: Caller) -> Response:
        pending_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        confirmed = await caller.staff.confirm_csv(caller.author, pending_id, apply=False, action_id=key)
        refuse_unless_done(confirmed, t.CSV_NOT_YOURS)
        return answer({"message": t.CANCELLED})

    # The team ------------------------------------------------------------------------------------
    async def team(self, _request: Request, caller: Caller) -> Response:
        """``/staff``, for an administrator: who is staff, with what is known of each."""
        return await self.team_answer(caller)

    async def add_member(self, request: Request, caller: Caller) -> Response:
        """``/staff agregar ID``: the same use case, its audit and the menus it sets."""
        key = idempotency_key(request)
        user_id = parse_user_id((await json_body(request)).get("user_id"))
        if user_id is None:
            raise Refused(400, t.CONSOLE_TEAM_BAD_ID)
        changed = await caller.staff.add(self.bot(), caller.user.id, user_id, action_id=key)
        return await self.team_answer(caller, changed, user_id)

    async def remove_member(self, request: Request, caller: Caller) -> Response:
        """``/staff quitar ID``: the same use case, its audit and the menus it resets."""
        user_id = parse_user_id(str(request.path_params["user"]))
        if user_id is None:
            raise Refused(404, t.CONSOLE_NOT_FOUND)
        key = idempotency_key(request)
        await json_body(request)
        changed = await caller.staff.remove(self.bot(), caller.user.id, user_id, action_id=key)
        return await self.team_answer(caller, changed, user_id)

    async def team_answer(
        self, caller: Caller, changed: RoleChange | None = None, user_id: int | None = None
    ) -> Response:
        """The team as it is now; after a change, what it came to (409 when nothing changed)."""
        rows = team_rows(await caller.staff.team(), caller.user.id, caller.user.display_name)
        content: dict[str, Any] = {"members": [asdict(row) for row in rows]}
        if changed is None:
            return answer(content)
        message = t.STAFF_CHANGED[changed].format(user_id=user_id)
        if changed in (RoleChange.ADDED, RoleChange.REMOVED):
            return answer({**content, "outcome": changed.value, "message": message})
        return answer({**content, "outcome": changed.value, "error": message}, 409)

    def bot(self) -> Bot:
        if self.sources.bot is None:
            raise Refused(503, t.CONSOLE_UNAVAILABLE)
        return self.sources.bot

    # The plan's edition ------------------------------------------------------------------------
    async def edition(self, _request: Request, caller: Caller) -> Response:
        """The edition the bot answers with, the editions kept, and what an upload may be."""
        editions = self.loader()
        current = caller.answerer.plan.edition
        kept = await kept_editions_of(self.sessions(), current.municipality)
        upload = {
            "max_bytes": editions.max_bytes,
            "lead": upload_lead(editions.max_bytes),
            "too_big": too_big_line(editions.max_bytes),
        }
        return answer({**asdict(edition_now(current, kept)), "upload": upload})

    async def upload_edition(self, request: Request, caller: Caller) -> Response:
        """A plan document or export, as the chat reads one sent to the bot: its preview, kept as
        a draft that only its sender's "Cargar" loads, or why it is refused (422: nothing kept)."""
        editions = self.loader()
        key = idempotency_key(request)
        raw = await bounded_body(request, editions.max_bytes, too_big_line(editions.max_bytes))
        name = request.query_params.get("archivo", "")
        drafted = await editions.draft(caller.user.id, raw, name, via="consola", action_id=key)
        if drafted.preview is None or drafted.pending_id is None:
            refusal = {
                "error": t.CONSOLE_EDITION_REFUSED,
                "problem": drafted.refusal,
                "unchanged": t.CONSOLE_EDITION_UNCHANGED,
            }
            return answer(refusal, 422)
        return answer({"id": drafted.pending_id, **asdict(edition_preview(drafted.preview))})

    async def load_edition(self, request: Request, caller: Caller) -> Response:
        """ "Cargar": the same load as the chat's button, by the staff member who uploaded it."""
        return await self.confirm_edition(request, caller, load=True)

    async def discard_edition(self, request: Request, caller: Caller) -> Response:
        return await self.confirm_edition(request, caller, load=False)

    async def confirm_edition(self, request: Request, caller: Caller, *, load: bool) -> Response:
        editions = self.loader()
        pending_id = id_in_path(request)
        key = idempotency_key(request)
        await json_body(request)
        loaded = await editions.confirm(caller.user.id, pending_id, load=load, action_id=key)
        if loaded.outcome is LoadOutcome.NOT_YOURS:
            raise Refused(409, t.PLAN_LOAD_NOT_YOURS)
        if loaded.outcome is LoadOutcome.STALE:
            raise Refused(409, t.STALE_BUTTON)
        if loaded.outcome is LoadOutcome.FAILED:
            raise Refused(503, t.CONSOLE_EDITION_FAILED)
        if loaded.outcome is LoadOutcome.CANCELLED:
            return answer({"outcome": loaded.outcome.value, "message": t.CANCELLED})
        assert loaded.edition is not None
        if loaded.outcome is LoadOutcome.KEPT:
            message = kept_older_line(loaded.edition, caller.answerer.plan.edition)
        else:
            message = loaded_line(loaded.edition, loaded.zonas, loaded.chats)
        outcome = {"outcome": loaded.outcome.value, "message": message}
        return answer({**outcome, "zonas": loaded.zonas, "chats": loaded.chats})

    def loader(self) -> Editions:
        """This process's edition loading (None only before the server started)."""
        if self.sources.editions is None:
            raise Refused(503, t.CONSOLE_UNAVAILABLE)
        return self.sources.editions

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        sessionmaker = self.explorer.sources.sessionmaker
        if sessionmaker is None:
            raise Refused(503, t.CONSOLE_UNAVAILABLE)
        return sessionmaker


# Reading a call ---------------------------------------------------------------------------------
def idempotency_key(request: Request) -> str:
    """The call's ``Idempotency-Key``: every call that changes something has one."""
    key = request.headers.get("idempotency-key", "").strip()
    if not KEY.fullmatch(key):
        raise Refused(400, t.CONSOLE_BAD_REQUEST)
    return key


def project_in_path(request: Request, caller: Caller) -> str:
    snip = str(request.path_params["snip"])
    if len(snip) > 20 or caller.answerer.plan.project(snip) is None:
        raise Refused(404, t.STATUS_BAD_SNIP.format(snip=snip[:20]))
    return snip


def id_in_path(request: Request) -> int:
    raw = str(request.path_params["id"])
    if not raw.isascii() or not raw.isdigit() or len(raw) > ID_DIGITS:
        raise Refused(404, t.CONSOLE_NOT_FOUND)
    return int(raw)


async def bounded_body(request: Request, limit: int, too_big: str = t.CONSOLE_TOO_BIG) -> bytes:
    """The body, refused (413, saying ``too_big``) over ``limit`` bytes, checked while it is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, too_big)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, too_big)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise Refused(400, t.CONSOLE_BAD_REQUEST) from exc
    return b"".join(chunks)


async def json_body(request: Request) -> dict[str, Any]:
    """A JSON object sent as ``application/json`` (an empty body is an empty object)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Refused(415, t.CONSOLE_BAD_REQUEST)
    raw = await bounded_body(request, MAX_JSON, t.CONSOLE_JSON_TOO_BIG.format(limit=file_size(MAX_JSON)))
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise Refused(400, t.CONSOLE_BAD_REQUEST) from exc
    if not isinstance(data, dict):
        raise Refused(400, t.CONSOLE_BAD_REQUEST)
    return data


def refuse_unless_done(confirmed: Confirmed, not_yours: str) -> None:
    """A confirmation that changed nothing says why (409): already sent, applied or cancelled;
    another person's draft (``not_yours``); nobody to send it to."""
    if confirmed.outcome in (Outcome.DONE, Outcome.CANCELLED):
        return
    if confirmed.outcome is Outcome.NOT_YOURS:
        raise Refused(409, not_yours)
    if confirmed.outcome is Outcome.NOBODY:
        raise Refused(409, t.ANNOUNCE_NONE.format(audience=confirmed.audience))
    raise Refused(409, t.STALE_BUTTON)


# Answers ------------------------------------------------------------------------------------------
def answer(content: dict[str, Any], status: int = 200) -> Response:
    return JSONResponse(content, status_code=status, headers=JSON_HEADERS)


def problem(
    status: int, message: str, *, replayed: bool = False, headers: dict[str, str] | None = None
) -> Response:
    extra = {"WWW-Authenticate": "tma"} if status == 401 else {}
    content: dict[str, Any] = {"error": message}
    if replayed:
        content["replayed"] = True
    return JSONResponse(content, status_code=status, headers={**JSON_HEADERS, **extra, **(headers or {})})
