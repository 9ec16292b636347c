"""What the staff console shows (the staff's Mini App, ``handlers.webapp.console``): the projects
with their staff status and history, an announcement's preview as Telegram will show it, a
broadcast's delivery, the report dashboard, the plan's edition and an uploaded one's preview, and
the team (who is staff, for administrators).

Each is a function from what the caller read (the plan; statuses, counts and the report's data
from the database through the staff service) to frozen values whose texts come from the
catalogue's console block. The decisions themselves — what a status form may say, who an
announcement may go to, what is late — are ``knowledge.staff``'s, the same as in the chat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from knowledge import catalog as t
from knowledge.answer_types import Fact, Line, sentence, shorten
from knowledge.counts import count_of, thousands
from knowledge.edition_upload import UploadPreview, file_size, identity
from knowledge.explorer import Bar
from knowledge.model import Edition, Plan
from knowledge.staff import (
    HistoryEntry,
    ReportData,
    announcement_excess,
    announcement_html,
    announcement_text,
    audience_label,
    format_datetime,
    parse_audience,
    progress_text,
    status_label,
    what_changed,
)

NAME_CHARS = 90
"""Characters of a project's name in its row (the full name is on the explorer's page)."""


# Projects ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StatusCell:
    """A project's latest staff status, as its row shows it (and its form starts from)."""

    status: str
    label: str
    progress: int | None
    note: str | None
    line: str
    """"En ejecución · 45% · 03/12/2026 10:15 · @tecnica"."""


@dataclass(frozen=True, slots=True)
class ProjectRow:
    snip: str
    title: str
    name: str
    zona: str
    observation: str
    status: StatusCell | None


def status_options() -> tuple[tuple[str, str], ...]:
    """The statuses a project may have: (value, label), in the order staff choose from."""
    return tuple(t.STATUS_LABELS.items())


def status_cell(entry: HistoryEntry) -> StatusCell:
    view = entry.view
    line = t.CONSOLE_CURRENT.format(
        status=status_label(view.status),
        progress=progress_text(view.progress),
        date=format_datetime(view.at),
        author=entry.author,
    )
    return StatusCell(view.status, status_label(view.status), view.progress, view.note, line)


def project_rows(plan: Plan, current: Mapping[str, HistoryEntry]) -> tuple[ProjectRow, ...]:
    """Every project of the plan in its order, with what staff recorded last (``current``: the
    latest entry per SNIP)."""
    return tuple(
        ProjectRow(
            snip=p.snip,
            title=t.WEB_PROJECT_TITLE.format(snip=p.snip),
            name=shorten(sentence(p.name), NAME_CHARS),
            zona=t.CONSOLE_PROJECT_ZONA.format(n=p.zona) if p.zona else t.CONSOLE_PROJECT_NO_ZONA,
            observation=p.observation,
            status=status_cell(current[p.snip]) if p.snip in current else None,
        )
        for p in plan.projects
    )


@dataclass(frozen=True, slots=True)
class HistoryRow:
    heading: str
    """When and who: "03/12/2026 10:15 · @tecnica" (Guatemala time)."""
    status: str
    note: str | None
    changed: str | None
    """What it changed from the entry before it; None for the first one recorded."""


def history_rows(entries: Sequence[HistoryEntry], shown: int) -> tuple[HistoryRow, ...]:
    """The latest ``shown`` of ``entries`` (oldest first, as ``/historial`` reads them: one more
    than shown, so that the oldest shown has one to compare with), the newest first."""
    rows = []
    for n in range(max(len(entries) - shown, 0), len(entries)):
        view = entries[n].view
        rows.append(
            HistoryRow(
                heading=t.CONSOLE_HISTORY_LINE.format(
                    date=format_datetime(view.at), author=entries[n].author
                ),
                status=t.CONSOLE_HISTORY_STATUS.format(
                    status=status_label(view.status), progress=progress_text(view.progress)
                ),
                note=view.note,
                changed=what_changed(entries[n - 1].view, view) if n > 0 else None,
            )
        )
    return tuple(reversed(rows))


# Announcements ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of a message's text and how Telegram draws it: "b", "i", "u", "s", "code",
    "a", "spoiler", "quote"."""

    text: str
    styles: tuple[str, ...]


STYLE_OF_TAG = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "code",
    "a": "a",
    "tg-spoiler": "spoiler",
    "blockquote": "quote",
}
"""Telegram's HTML parse mode, tag by tag (``<span class="tg-spoiler">`` too)."""


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = STYLE_OF_TAG.get(tag)
        if tag == "span" and ("class", "tg-spoiler") in attrs:
            style = "spoiler"
        self._open.append(style)

    def handle_endtag(self, _tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        styles = tuple(dict.fromkeys(s for s in self._open if s))
        if self.runs and self.runs[-1].styles == styles:
            self.runs[-1] = Run(self.runs[-1].text + data, styles)
        else:
            self.runs.append(Run(data, styles))


def telegram_runs(html: str) -> tuple[Run, ...]:
    """A message in Telegram's HTML parse mode as Telegram shows it: its text (entities read),
    in runs of the same formatting."""
    parser = _Runs()
    parser.feed(html)
    parser.close()
    return tuple(run for run in parser.runs if run.text)


@dataclass(frozen=True, slots=True)
class AnnouncementDraft:
    audience: str
    """"todos", "zona:6", "proyecto:242177"."""
    audience_label: str
    html: str
    """What the outbox sends, in Telegram's HTML parse mode (``knowledge.staff.announcement_html``)."""
    runs: tuple[Run, ...]
    """The same as Telegram will show it."""


def announcement_draft(audience: object, text: object, plan: Plan) -> AnnouncementDraft | str:
    """The announcement a form asks for, or the text that says what is wrong with it: who it goes
    to, its text, its length as ``/anunciar`` counts it."""
    chosen = parse_audience(audience, plan)
    if chosen is None:
        return t.CONSOLE_BAD_AUDIENCE
    words = announcement_text(text)
    if words is None:
        return t.CONSOLE_ANNOUNCE_EMPTY
    excess = announcement_excess(words, plan.edition)
    if excess:
        return t.ANNOUNCE_TOO_LONG.format(n=thousands(excess))
    html = announcement_html(words, plan.edition)
    return AnnouncementDraft(chosen, audience_label(chosen, plan), html, telegram_runs(html))


def recipients_line(count: int, audience: str) -> str:
    return t.CONSOLE_RECIPIENTS.format(recipients=count_of(count, t.RECIPIENTS), audience=audience)


def confirm_line(count: int, audience: str) -> str:
    return t.CONSOLE_CONFIRM.format(recipients=count_of(count, t.RECIPIENTS), audience=audience)


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a broadcast's deliveries are going, from the outbox's counts."""

    id: int
    title: str
    line: str
    """"#12 · Anuncio · 03/12/2026 10:15 · la zona 6 · enviando"."""
    state: str
    total: int
    sent: int
    pending: int
    failed: int
    """Failed and inactive (the chat blocked the bot or is gone): not delivered."""
    counts: str
    problems: tuple[str, ...]
    """Why deliveries were not delivered, each reason with how many."""
    finished: bool
    """Nothing is pending any more (or it never was sent)."""


def delivery(
    broadcast_id: int,
    kind: str,
    audience: str,
    state: str,
    created_at: datetime,
    counts: Mapping[str, int],
    problems: Sequence[tuple[str, str, int]],
    plan: Plan,
) -> Delivery:
    """``counts``: deliveries by status (``db.outbox_store.broadcast_counts``); ``problems``:
    (status, error, how many) of the undelivered ones."""
    sent, pending = counts.get("sent", 0), counts.get("pending", 0)
    failed = counts.get("failed", 0) + counts.get("inactive", 0)
    total = sum(counts.get(status, 0) for status in ("sent", "pending", "failed", "inactive"))
    line = t.CONSOLE_BROADCAST_LINE.format(
        id=broadcast_id,
        kind=t.CONSOLE_BROADCAST_KINDS.get(kind, kind),
        date=format_datetime(created_at),
        audience=audience_label(audience, plan),
        state=t.CONSOLE_BROADCAST_STATES.get(state, state),
    )
    reasons = tuple(
        t.CONSOLE_PROBLEM_COUNT.format(
            reason=(t.CONSOLE_PROBLEM_INACTIVE if status == "inactive" else t.CONSOLE_PROBLEM_FAILED).format(
                reason=shorten(error, 120) if error else "—"
            ),
            count=thousands(n),
        )
        for status, error, n in problems
    )
    return Delivery(
        id=broadcast_id,
        title=t.CONSOLE_DELIVERY.format(id=broadcast_id),
        line=line,
        state=state,
        total=total,
        sent=sent,
        pending=pending,
        failed=failed,
        counts=t.CONSOLE_DELIVERY_COUNTS.format(
            sent=thousands(sent), total=thousands(total), pending=thousands(pending), failed=thousands(failed)
        ),
        problems=reasons,
        finished=pending == 0 and state != "draft",
    )


# The report dashboard --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GroundItem:
    """A resident's report from the ground, not yet reviewed."""

    id: int
    heading: str
    text: str


def ground_item(report_id: int, snip: str, at: datetime, text: str) -> GroundItem:
    return GroundItem(
        report_id, t.CONSOLE_GROUND_LINE.format(id=report_id, snip=snip, date=format_datetime(at)), text
    )


@dataclass(frozen=True, slots=True)
class Dashboard:
    chart_title: str
    chart: tuple[Bar, ...]
    """Unanswered questions per zona, as bars; the figures are their labels' values."""
    unanswered: tuple[str, ...]
    topics: tuple[str, ...]
    feedback: str
    subscriptions: tuple[str, ...]
    late: tuple[str, ...]
    reports: tuple[GroundItem, ...]


def count_bars(rows: Sequence[tuple[str, int]]) -> tuple[Bar, ...]:
    """One bar per (label, count), the largest count the full length."""
    largest = max((n for _, n in rows), default=0)
    return tuple(Bar(label, thousands(n), n / largest if largest else 0.0) for label, n in rows)


def dashboard(data: ReportData, reports: Sequence[GroundItem]) -> Dashboard:
    """What ``/reporte`` gathers, for the page: the same figures, with a chart per zona and each
    unreviewed report apart (it has its "Revisado" button)."""
    return Dashboard(
        chart_title=t.CONSOLE_UNANSWERED_CHART,
        chart=count_bars(data.unanswered_by_zona),
        unanswered=tuple(
            t.CONSOLE_UNANSWERED_LINE.format(zona=zona, question=question, times=count_of(n, t.TIMES))
            for zona, question, n in data.unanswered
        ),
        topics=tuple(
            t.REPORT_COUNTED.format(text=title, times=count_of(n, t.TIMES)) for title, n in data.topics
        ),
        feedback=t.CONSOLE_FEEDBACK_LINE.format(
            up=thousands(data.feedback_up), down=thousands(data.feedback_down)
        ),
        subscriptions=tuple(
            t.REPORT_SUBSCRIPTION_LINE.format(what=what, chats=count_of(n, t.CHATS))
            for what, n in data.subscriptions
        ),
        late=tuple(data.late),
        reports=tuple(reports),
    )


# The plan's edition -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EditionNow:
    """The edition the bot answers with, and the editions kept of its municipality."""

    year: int
    municipality: str
    identity: str
    """"El bot responde con el Plan Operativo Anual 2024 de la Municipalidad de …"."""
    kept: tuple[str, ...]
    """One line per edition kept, oldest year first: "POA 2024 · vigente · cargada el …"."""


def edition_now(edition: Edition, kept: Sequence[tuple[int, datetime]]) -> EditionNow:
    """``kept``: (year, when it was loaded) of each edition kept of ``edition``'s municipality."""
    lines = tuple(
        (t.CONSOLE_EDITION_KEPT_CURRENT if year == edition.year else t.CONSOLE_EDITION_KEPT_LINE).format(
            label=t.EDITION_LABEL.format(year=year), date=format_datetime(at)
        )
        for year, at in kept
    )
    return EditionNow(
        year=edition.year,
        municipality=edition.municipality,
        identity=t.CONSOLE_EDITION_NOW.format(identity=identity(edition)),
        kept=lines,
    )


def upload_lead(max_bytes: int) -> str:
    """What the upload takes, with the largest file read (PLAN_MAX_BYTES)."""
    return t.CONSOLE_EDITION_UPLOAD_LEAD.format(limit=file_size(max_bytes))


def too_big_line(max_bytes: int) -> str:
    return t.CONSOLE_EDITION_TOO_BIG.format(limit=file_size(max_bytes))


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EditionPreview:
    """An uploaded edition as the console shows it before "Cargar": the chat's preview
    (``knowledge.edition_upload.upload_preview``), with every change rather than the first page."""

    year: int
    municipality: str
    identity: str
    facts: tuple[str, ...]
    """The POM's period, the zonas, the counts, that the totals reconcile."""
    changes_title: str
    changes: tuple[str, ...]
    """The summary's first line (how many of each kind of change) and how to read a change."""
    groups: tuple[ChangeGroup, ...]
    """Projects added, dropped, amounts changed …, funding sources, targets, operational actions."""
    source: str | None
    notes: tuple[str, ...]
    becomes_current: bool


def edition_preview(preview: UploadPreview) -> EditionPreview:
    summary = preview.summary
    return EditionPreview(
        year=preview.edition.year,
        municipality=preview.edition.municipality,
        identity=preview.identity,
        facts=preview.facts,
        changes_title=summary.title,
        changes=tuple(_plain(line) for line in summary.lines),
        groups=tuple(ChangeGroup(title, items) for title, items in summary.sections),
        source=summary.source,
        notes=preview.notes,
        becomes_current=preview.becomes_current,
    )


def _plain(line: Line) -> str:
    return f"{line.label}: {line.value}" if isinstance(line, Fact) else line


def loaded_line(edition: Edition, zonas: int, chats: int) -> str:
    """What "Cargar" did when the edition became the current plan: the zonas' notices queued."""
    notices = t.PLAN_LOADED_NO_NOTICES
    if zonas:
        notices = t.PLAN_LOADED_NOTICES.format(
            zonas=count_of(zonas, t.ZONAS_WITH_CHANGES), chats=count_of(chats, t.CHATS)
        )
    return t.CONSOLE_EDITION_LOADED.format(identity=identity(edition), notices=notices)


def kept_older_line(edition: Edition, current: Edition) -> str:
    """What "Cargar" did with an edition of an earlier year than the current plan's."""
    return t.CONSOLE_EDITION_KEPT_OLDER.format(
        identity=identity(edition), current=identity(current), year=edition.year
    )


# The team ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Member:
    """Someone with a staff role: an administrator of ADMIN_IDS (``configured``), or a row of
    the staff table with who added them and when."""

    user_id: int
    role: str
    """ "admin" or "staff"."""
    configured: bool = False
    added_by: int | None = None
    added_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """Who is staff (ADMIN_IDS first, then in the order they were added), and the names known
    of them and of who added them (by Telegram id)."""

    members: tuple[Member, ...]
    names: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class TeamRow:
    user_id: int
    title: str
    """ "@ana · 700000002", or the id alone when no name is known; "(usted)" for the caller."""
    role: str
    added: str | None
    """When they were added and by whom ("Alta: 03/12/2026 10:15, por @jefa · 700000001"), or
    that only the setting removes them."""
    removable: bool
    """Not for an administrator of ADMIN_IDS, nor for the caller (nobody removes themselves)."""
    confirm: str | None
    """What "Quitar" asks before it removes them."""
    note: str | None = None
    """Why the caller's own row has no "Quitar"."""


def team_rows(team: Team, caller: int, caller_name: str) -> tuple[TeamRow, ...]:
    """The team as the console lists it; the caller is named as Telegram names them now."""
    names = {**team.names, caller: caller_name}

    def who(user_id: int) -> str:
        name = names.get(user_id)
        return t.CONSOLE_TEAM_MEMBER.format(name=name, user_id=user_id) if name else str(user_id)

    rows = []
    for member in team.members:
        title = who(member.user_id)
        added: str | None = t.CONSOLE_TEAM_CONFIGURED if member.configured else None
        yourself = member.user_id == caller
        if member.added_at is not None:
            date = format_datetime(member.added_at)
            added = (
                t.CONSOLE_TEAM_ADDED_BY.format(date=date, who=who(member.added_by))
                if member.added_by is not None
                else t.CONSOLE_TEAM_ADDED.format(date=date)
            )
        role = "configured" if member.configured else member.role
        rows.append(
            TeamRow(
                user_id=member.user_id,
                title=t.CONSOLE_TEAM_YOU.format(title=title) if yourself else title,
                role=t.CONSOLE_TEAM_ROLES.get(role, role),
                added=added,
                removable=not (member.configured or yourself),
                confirm=None if member.configured or yourself else t.CONSOLE_TEAM_CONFIRM.format(who=title),
                note=t.CONSOLE_TEAM_SELF if yourself and not member.configured else None,
            )
        )
    return tuple(rows)
