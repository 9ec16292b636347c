"""Decisions about staff input that need no Telegram and no database: parsing /estado and
/anunciar, reading a status CSV, which projects are late, and the texts of notifications."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from html import escape

from knowledge import catalog as t
from knowledge.answer_types import sentence, shorten
from knowledge.answers import Answer
from knowledge.catalog import texts
from knowledge.counts import count_of, thousands
from knowledge.model import Edition, Plan, Project
from knowledge.render import MAX_MESSAGE, fit_lines
from knowledge.text import clean_text, fold

STATUS_ALIASES = {
    "planificado": "planificado",
    "planeado": "planificado",
    "en_ejecucion": "en_ejecucion",
    "en ejecucion": "en_ejecucion",
    "ejecucion": "en_ejecucion",
    "en_ejecución": "en_ejecucion",
    "suspendido": "suspendido",
    "detenido": "suspendido",
    "finalizado": "finalizado",
    "terminado": "finalizado",
}
PROGRESS = re.compile(r"([0-9]{1,3})\s*%?")
"""A progress as staff write it: 0 to 999 in ASCII digits, with or without "%" (the range is
checked apart, to say so)."""
NUMBER_LIKE = re.compile(r"[+-]?[\d.,]*\d[\d.,]*\s*%?")
"""What looks like a progress but is none: a sign, a decimal, other digits than ASCII ("٤٥")."""
STALE_DAYS = 60
HISTORY_SHOWN = 30
GUATEMALA = timezone(timedelta(hours=-6), "America/Guatemala")
"""America/Guatemala: UTC-6 all year (no daylight saving time since 2006). A fixed offset needs no
time zone database, which slim containers lack."""
MAX_NOTE = 500
MAX_ANNOUNCEMENT = 3500
"""What a recipient reads of an announcement, in UTF-16 code units (as Telegram counts, an emoji
is two): Telegram's 4,096 less room for the preview's first line."""
BROADCAST_TEXT_MAX = 4000
"""Characters of a broadcast's HTML the database keeps (``broadcast.text``)."""
MAX_CSV_BYTES = 1_000_000
"""The largest CSV of statuses read (a document in the chat, an upload in the staff console)."""
CSV_ROWS_SHOWN = 30
"""Rows ready and rows rejected a CSV's preview lists, each (the counts say how many in all)."""
CSV_DELIMITERS = (",", ";", "\t")
CSV_SAMPLE_LINES = 50
"""Lines (not blank) of a CSV its delimiter is chosen from."""
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters (C0 and C1, but tab and line breaks): what text has none of."""
BINARY_CONTROLS = 10
"""A file with at least this many control characters, one in a hundred characters or more, is
not text (a spreadsheet's .xlsx, an image): random bytes are about one in four."""
INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""Bidirectional controls (U+202E shows what follows reversed) and the byte-order mark: a note
shows none of them."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet program runs as a formula starts (OWASP, "CSV Injection")."""


@dataclass(frozen=True, slots=True)
class StatusChange:
    snip: str
    status: str
    progress: int | None
    note: str | None

    def keeping_rest_of(self, before: StatusView | None) -> StatusChange:
        """This change with the progress and note it leaves out (None) as ``before`` has them: a
        status button names the status only, and the rest stays as recorded."""
        if before is None:
            return self
        return replace(
            self,
            progress=self.progress if self.progress is not None else before.progress,
            note=self.note if self.note is not None else before.note,
        )


@dataclass(frozen=True, slots=True)
class StatusView:
    """A staff-entered status as the card shows it."""

    status: str
    progress: int | None
    note: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of /historial: the status as recorded and who recorded it (name, @username or id)."""

    view: StatusView
    author: str


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str


def status_label(status: str) -> str:
    return t.STATUS_LABELS.get(status, status)


def progress_text(progress: int | None) -> str:
    return f" · {progress}%" if progress is not None else ""


def normalise_status(text: str) -> str | None:
    return STATUS_ALIASES.get(fold(text).replace("-", " ").strip())


def parse_progress(text: str) -> int | str | None:
    """45 or "45%" → 45; None when the text is no number; an error text when it is a number out
    of 0 to 100 ("1000%", "-5"), or not a whole one in ASCII digits ("4.5", "٤٥")."""
    text = text.strip()
    found = PROGRESS.fullmatch(text)
    if found:
        value = int(found.group(1))
        return value if value <= 100 else t.STATUS_BAD_PROGRESS
    return t.STATUS_BAD_PROGRESS if NUMBER_LIKE.fullmatch(text) else None


def shown_text(value: str) -> str:
    """What staff write for others to read — a status note, an announcement —, as it may be kept
    and shown: no NUL or lone surrogate (``clean_text``), no bidirectional control or byte-order
    mark (``INVISIBLE``: U+202E would show what follows reversed), and every other control
    character (``CONTROL``: C0 and C1, but tab and line breaks) a space. The one rule that
    :func:`note_text` and :func:`announcement_text` both apply."""
    return CONTROL.sub(" ", INVISIBLE.sub("", clean_text(value)))


def note_text(value: str) -> str | None:
    """A status note as it is kept, from wherever it comes (/estado, the console's form, a CSV
    cell): :func:`shown_text`, on one line (line breaks, tabs and runs of spaces become one
    space), at most MAX_NOTE characters; None when nothing is left."""
    return " ".join(shown_text(value).split())[:MAX_NOTE].rstrip() or None


def parse_user_id(value: object) -> int | None:
    """A Telegram user id as staff type it: ASCII digits only (16 at most), not zero; None else."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 16 or int(digits) == 0:
        return None
    return int(digits)


def parse_status_command(args: list[str], plan: Plan) -> StatusChange | str:
    """``/estado 242177 en ejecución 45% nota…`` → StatusChange, or the error text to show."""
    if len(args) < 2:
        return t.STATUS_USAGE
    snip = args[0]
    if plan.project(snip) is None:
        return t.STATUS_BAD_SNIP.format(snip=escape(snip[:20]))
    status, rest = _status_and_rest(args[1:])
    if status is None:
        return t.STATUS_BAD_STATE.format(state=escape(" ".join(args[1:3])[:40]))
    progress: int | None = None
    if rest:
        parsed = parse_progress(rest[0])
        if isinstance(parsed, str):
            return t.STATUS_BAD_PROGRESS_GIVEN.format(value=escape(rest[0][:12]))
        if parsed is not None:
            progress, rest = parsed, rest[1:]
            if rest and rest[0] == "%":  # "45 %"
                rest = rest[1:]
    return StatusChange(snip, status, progress, note_text(" ".join(rest)))


def _status_and_rest(words: list[str]) -> tuple[str | None, list[str]]:
    """The status may be two words ("en ejecución")."""
    if len(words) >= 2:
        two = normalise_status(f"{words[0]} {words[1]}")
        if two:
            return two, words[2:]
    return normalise_status(words[0]), words[1:]


def parse_status_fields(
    snip: str, status: object, progress: object, note: object, plan: Plan
) -> StatusChange | str:
    """A status as a form gives it (the staff console's: each field apart, as JSON) → the
    StatusChange /estado would record, or the text that says what is wrong, under /estado's
    rules: a project of the plan, a status it knows, progress 0 to 100 or none, the note's
    words at most MAX_NOTE characters or none. The texts are plain (the console shows them as
    text), where /estado's are HTML."""
    if plan.project(snip) is None:
        return t.STATUS_BAD_SNIP.format(snip=snip[:20])
    state = normalise_status(status) if isinstance(status, str) else None
    if state is None:
        return t.STATUS_BAD_STATE.format(state=str(status)[:40] if isinstance(status, str | int) else "")
    value: int | None = None
    if progress is not None and progress != "":
        readable = isinstance(progress, int | str) and not isinstance(progress, bool)
        parsed = parse_progress(str(progress)) if readable else None
        if not isinstance(parsed, int):
            return t.STATUS_BAD_PROGRESS
        value = parsed
    if note is not None and not isinstance(note, str):
        return t.STATUS_BAD_NOTE
    return StatusChange(snip, state, value, note_text(note) if note else None)


def parse_audience(value: object, plan: Plan) -> str | None:
    """Who an announcement goes to, as the console's form names it: "todos", "zona:N" (a zona of
    the municipality) or "proyecto:SNIP" (a project of the plan); None for anything else."""
    if not isinstance(value, str):
        return None
    kind, _, key = value.strip().partition(":")
    if kind == "todos" and not key:
        return "todos"
    zona = int(key) if key.isascii() and key.isdigit() and len(key) <= 3 else None
    if kind == "zona" and zona in plan.edition.zonas:
        return f"zona:{zona}"
    if kind == "proyecto" and plan.project(key) is not None:
        return f"proyecto:{key}"
    return None


def announcement_text(value: object) -> str | None:
    """The text of an announcement as typed in a form or after ``/anunciar``: :func:`shown_text`
    (as a note), its lines kept (CR LF and CR are line breaks), blank lines at either end
    dropped; None when there is none."""
    if not isinstance(value, str):
        return None
    text = shown_text(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def decode_csv(raw: bytes) -> str:
    """A CSV file's text: UTF-16 when it starts with its byte-order mark (Excel's "Unicode
    text"), UTF-8 (with or without BOM), else Latin-1, which spreadsheet programs in Spanish
    often write."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return clean_text(raw.decode("utf-16", "replace"))
    try:
        return clean_text(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return clean_text(raw.decode("latin-1"))


@dataclass(frozen=True, slots=True)
class StatusCsv:
    """A CSV of statuses as read: the rows ready, each bad row with its reason — or, when the
    file cannot be read as rows at all, why (``refused``, naming the line), and nothing else."""

    changes: list[StatusChange]
    rejected: list[Rejected]
    refused: str | None = None


def parse_status_csv(text: str, plan: Plan) -> StatusCsv:
    """Rows "SNIP, estado, avance, nota" (a header row is allowed), separated by comma,
    semicolon or tab (``csv_delimiter``), lines ending in CR LF, LF or CR alone (what Excel for
    Mac writes); each bad row with its reason. Refused whole: a file that is not text, quotes
    that open a cell and do not close it in its row (the rows after it would become its note),
    a cell longer than the csv module reads."""
    if _binary(text):
        return StatusCsv([], [], t.CSV_NOT_TEXT)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    delimiter = csv_delimiter(lines, plan)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    changes: list[StatusChange] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    while True:
        first = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            return StatusCsv([], [], _unreadable(first, reader.line_num, lines))
        if reader.line_num > first and any(
            _row_shape(_cells(line, delimiter), plan) == 2 for line in lines[first : reader.line_num]
        ):
            return StatusCsv([], [], t.CSV_UNCLOSED_QUOTE.format(line=first))
        cells = [c.strip() for c in row]
        if not any(cells) or (first == 1 and fold(cells[0]) == "snip"):
            continue
        result = _csv_row(cells, delimiter, plan)
        if isinstance(result, str):
            rejected.append(Rejected(first, result))
        elif result.snip in seen:
            rejected.append(Rejected(first, t.CSV_REPEATED.format(snip=result.snip)))
        else:
            seen.add(result.snip)
            changes.append(result)
    return StatusCsv(changes, rejected)


def csv_delimiter(lines: Sequence[str], plan: Plan) -> str:
    """The delimiter among comma, semicolon and tab under which the file's first lines read best
    as rows: most rows that start with a SNIP and a status (or are the header), then most that
    start with a SNIP, then most with two cells or more; comma when none reads. Unlike
    ``csv.Sniffer``, one row is enough, and a comma inside a note of a semicolon file is no
    delimiter."""
    sample = [line for line in lines if line.strip()][:CSV_SAMPLE_LINES]
    best, best_score = CSV_DELIMITERS[0], (0, 0, 0)
    for delimiter in CSV_DELIMITERS:
        shapes = [_row_shape(_cells(line, delimiter), plan) for line in sample]
        score = (shapes.count(2), shapes.count(1), sum(1 for s in shapes if s >= 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _cells(line: str, delimiter: str) -> list[str]:
    """One line's cells, read alone (quotes need not close)."""
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error:
        return [line]


def _row_shape(cells: Sequence[str], plan: Plan) -> int:
    """2: a SNIP and a status, or the header row; 1: a SNIP and more cells; 0: two cells or
    more; -1: fewer."""
    if len(cells) < 2:
        return -1
    first = cells[0]
    if fold(first) == "snip" and fold(cells[1]) == "estado":
        return 2
    if not (plan.project(first) is not None or (first.isascii() and first.isdigit())):
        return 0
    return 2 if normalise_status(cells[1]) is not None else 1


def _binary(text: str) -> bool:
    controls = sum(1 for _ in CONTROL.finditer(text))
    return controls >= BINARY_CONTROLS and controls * 100 >= len(text)


def _unreadable(first: int, last: int, lines: Sequence[str]) -> str:
    """Why the csv module stopped at the record that began on line ``first`` (it read up to line
    ``last``): a cell over its limit, quotes that do not close, or text after closing quotes."""
    limit = csv.field_size_limit()
    record = lines[first - 1 : max(last, first)]
    if last <= first and any(len(line) > limit for line in record):
        return t.CSV_CELL_TOO_LONG.format(line=first, limit=thousands(limit))
    if sum(line.count('"') for line in record) % 2:  # a doubled quote inside a cell is two
        return t.CSV_UNCLOSED_QUOTE.format(line=first)
    return t.CSV_BAD_QUOTES.format(line=first)


def csv_preview_lines(read: StatusCsv, shown: int = CSV_ROWS_SHOWN) -> tuple[list[str], list[str]]:
    """A CSV's preview, in the chat and in the console: the first ``shown`` rows ready and the
    first ``shown`` rejected (with their reasons), each list closed by how many more it has."""
    ready = [
        t.CSV_ROW.format(snip=c.snip, status=status_label(c.status), progress=progress_text(c.progress))
        for c in read.changes[:shown]
    ]
    rejected = [t.CSV_REJECTED.format(line=r.line, reason=r.reason) for r in read.rejected[:shown]]
    if len(read.changes) > shown:
        ready.append(t.CSV_MORE.format(rows=count_of(len(read.changes) - shown, t.ROWS_READY)))
    if len(read.rejected) > shown:
        rejected.append(t.CSV_MORE.format(rows=count_of(len(read.rejected) - shown, t.ROWS_MORE_REJECTED)))
    return ready, rejected


def csv_preview_html(read: StatusCsv, limit: int = MAX_MESSAGE) -> str:
    """The chat's preview of a CSV, one Telegram message: the counts, the rows
    :func:`csv_preview_lines` lists — as many as Telegram's ``limit`` holds once the HTML is read
    (``fit_lines``: the rest counted in a last line) — and, when no row is ready, that nothing
    is applied."""
    head = t.CSV_PREVIEW.format(
        ok=count_of(len(read.changes), t.ROWS_READY), bad=count_of(len(read.rejected), t.ROWS_REJECTED)
    )
    ready, rejected = csv_preview_lines(read)
    tail = () if read.changes else (escape(t.CSV_NOTHING),)
    return fit_lines((head,), [escape(line) for line in (*ready, *rejected)], tail, limit)


def _csv_row(cells: list[str], delimiter: str, plan: Plan) -> StatusChange | str:
    if len(cells) < 2:
        return t.CSV_FEW_COLUMNS
    snip, state = cells[0], cells[1]
    if plan.project(snip) is None:
        return t.CSV_NO_PROJECT.format(snip=snip[:20])
    status = normalise_status(state)
    if status is None:
        return t.CSV_BAD_STATE.format(state=state[:30])
    progress: int | None = None
    if len(cells) > 2 and cells[2]:
        parsed = parse_progress(cells[2])
        if parsed is None or isinstance(parsed, str):
            return t.CSV_BAD_PROGRESS.format(value=cells[2][:10])
        progress = parsed
    note = note_text(delimiter.join(cells[3:])) if len(cells) > 3 else None
    return StatusChange(snip, status, progress, note)


def parse_announcement(args: list[str], edition: Edition) -> tuple[str, str] | str:
    """``zona 6 texto…`` → ("zona:6", texto); ``todos texto…`` → ("todos", texto); a zona the
    municipality does not have → the text that says so; else usage."""
    zona_named = len(args) >= 2 and fold(args[0]) == "zona" and args[1].isdigit()
    if zona_named and int(args[1]) not in edition.zonas:
        return texts(edition).ANNOUNCE_BAD_ZONA.format(n=int(args[1]))
    if len(args) >= 3 and fold(args[0]) == "zona" and args[1].isdigit():
        audience, words = f"zona:{int(args[1])}", args[2:]
    elif len(args) >= 2 and fold(args[0]) == "todos":
        audience, words = "todos", args[1:]
    else:
        return t.ANNOUNCE_USAGE
    text = announcement_text(" ".join(words))
    if text is None:
        return t.ANNOUNCE_USAGE
    excess = announcement_excess(text, edition)
    return t.ANNOUNCE_TOO_LONG.format(n=thousands(excess)) if excess else (audience, text)


def announcement_excess(text: str, edition: Edition) -> int:
    """How many characters the announcement must lose (0 when it fits): its HTML as stored and
    sent, where & < > and quotes are escaped to several characters, must fit the database's
    column, and the text a recipient reads must fit a Telegram message. Taking out that many
    characters of any kind is enough, since each one shortens both by at least one."""
    stored = len(announcement_html(text, edition)) - BROADCAST_TEXT_MAX
    read = len(text.encode("utf-16-le")) // 2 - MAX_ANNOUNCEMENT
    return max(stored, read, 0)


SHORT_NAME = 40


def subject_name(kind: str, key: str, plan: Plan) -> str:
    """What a subscription or an audience names, in words: "la zona 6", "el proyecto 206148
    (its name, shortened)", "el tema Mixco seguro", "el reporte #12"."""
    if kind == "zona":
        return t.WHAT_ZONA.format(n=key)
    if kind == "proyecto":
        project = plan.project(key)
        if project is None:
            return t.WHAT_PROJECT.format(snip=key)
        return t.WHAT_PROJECT_NAMED.format(snip=key, name=shorten(sentence(project.name), SHORT_NAME))
    if kind == "tema":
        tematica = plan.tematica(key)
        return t.WHAT_TEMA.format(name=tematica.name if tematica else key)
    if kind == "reporte":
        return t.WHAT_REPORT.format(id=key)
    return f"{kind} {key}"


def audience_label(audience: str, plan: Plan) -> str:
    """Who a broadcast goes to: "todos", or the subject its followers follow ("zona:6" → "la zona 6")."""
    kind, _, key = audience.partition(":")
    return subject_name(kind, key, plan) if key else t.ANNOUNCE_AUDIENCE_ALL


def staff_help(resident_help: Answer) -> Answer:
    """/ayuda for staff: their commands with an example each, the CSV format and how to load a
    new edition of the plan, then the resident help's buttons."""
    sections = (
        (t.STAFF_HELP_COMMANDS_TITLE, t.STAFF_HELP_COMMANDS),
        (t.STAFF_HELP_CSV_TITLE, t.STAFF_HELP_CSV),
        (t.STAFF_HELP_EDITION_TITLE, t.STAFF_HELP_EDITION),
    )
    return replace(resident_help, title=t.STAFF_HELP_TITLE, lines=(t.STAFF_HELP_PLAN,), sections=sections)


def announcement_html(text: str, edition: Edition) -> str:
    """The broadcast as sent: the municipality's header, then the text (escaped)."""
    return texts(edition).ANNOUNCE_HEADER + escape(text)


def status_notification_html(project: Project, change: StatusChange, when: datetime) -> str:
    note = f"{t.STATUS_NOTE.format(note=escape(change.note))}\n" if change.note else ""
    return t.NOTIFY_STATUS.format(
        snip=project.snip,
        name=escape(project.name),
        status=escape(status_label(change.status)),
        progress=escape(progress_text(change.progress)),
        note=note,
        date=format_date(when),
    )


def report_reviewed_html(snip: str, reported_at: datetime, text: str) -> str:
    """What the reporter is told once staff reviewed the report (the report's opening words)."""
    said = shorten(text, 80)
    return escape(t.REPORT_REVIEWED_NOTICE.format(snip=snip, date=format_date(reported_at), text=said))


def status_lines(view: StatusView | None) -> tuple[str, ...]:
    if view is None:
        return (t.STATUS_NONE,)
    lines = [
        t.STATUS_CARD_LINE.format(
            status=status_label(view.status), progress=progress_text(view.progress), date=format_date(view.at)
        )
    ]
    if view.note:
        lines.append(t.STATUS_NOTE.format(note=view.note))
    return tuple(lines)


def history_lines(entries: Sequence[HistoryEntry], shown: int = HISTORY_SHOWN) -> list[str]:
    """/historial: the latest ``shown`` entries, oldest first (newest last), each with its author,
    date and time of day, and what it changed from the entry before it (an older entry not shown
    still counts as the one before)."""
    views = [entry.view for entry in entries]
    first = max(len(entries) - shown, 0)
    lines = []
    for n in range(first, len(entries)):
        view = views[n]
        changed = "" if n == 0 else t.HISTORY_CHANGED.format(what=what_changed(views[n - 1], view))
        note = f" — {view.note}" if view.note else ""
        lines.append(
            t.HISTORY_LINE.format(
                date=format_datetime(view.at),
                author=entries[n].author,
                status=status_label(view.status),
                progress=progress_text(view.progress),
                note=note,
                changed=changed,
            )
        )
    return lines


def what_changed(before: StatusView, after: StatusView) -> str:
    """ "estado: Suspendido → En ejecución; avance: 35% → 50%; nota" — or "nada"."""
    changes = []
    if before.status != after.status:
        changes.append(
            t.CHANGED_STATUS.format(before=status_label(before.status), after=status_label(after.status))
        )
    if before.progress != after.progress:
        changes.append(
            t.CHANGED_PROGRESS.format(
                before=_progress_value(before.progress), after=_progress_value(after.progress)
            )
        )
    if before.note != after.note:
        changes.append(t.CHANGED_NOTE)
    return "; ".join(changes) or t.CHANGED_NOTHING


def _progress_value(progress: int | None) -> str:
    return f"{progress}%" if progress is not None else t.CHANGED_NO_PROGRESS


def with_status(answer: Answer, view: StatusView | None) -> Answer:
    """A project card with what staff recorded, apart from the plan's figures. When the question
    asked how the project is going or when it ends, the recorded status is the first line."""
    if answer.kind != "project":
        return answer
    answer = replace(answer, sections=(*answer.sections, (t.STATUS_CARD_TITLE, status_lines(view))))
    if view is None or t.WHEN_NO_PROGRESS not in answer.lines:
        return answer
    lead = t.WHEN_STAFF.format(
        status=status_label(view.status), progress=progress_text(view.progress), date=format_date(view.at)
    )
    rest = tuple(line for line in answer.lines if line != t.WHEN_NO_PROGRESS)
    return replace(answer, lines=(lead, *rest), confident=True)


def format_date(when: datetime | date) -> str:
    return when.strftime("%d/%m/%Y")


def format_datetime(when: datetime) -> str:
    """ "02/12/2026 14:35", Guatemala time (a naive datetime is taken as UTC)."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(GUATEMALA).strftime("%d/%m/%Y %H:%M")


def late_projects(plan: Plan, statuses: dict[str, StatusView], today: date) -> list[str]:
    """Projects past the end year of their multi-year period and not finished, or not updated
    by staff for 60 days (or never)."""
    late = []
    for project in plan.projects:
        view = statuses.get(project.snip)
        period = project.period
        finished = view is not None and view.status == "finalizado"
        if period and period[1] < today.year and not finished:
            late.append(t.LATE_PERIOD.format(snip=project.snip, year=period[1]))
        elif view is None:
            late.append(t.LATE_NEVER.format(snip=project.snip))
        elif not finished and (today - view.at.date()).days > STALE_DAYS:
            late.append(
                t.LATE_STALE.format(snip=project.snip, days=count_of((today - view.at.date()).days, t.DAYS))
            )
    return late


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything /reporte shows, gathered by the caller from the database."""

    unanswered: list[tuple[str, str, int]]
    """(zona label, question, times asked), most asked first."""
    topics: list[tuple[str, int]]
    feedback_up: int
    feedback_down: int
    subscriptions: list[tuple[str, int]]
    broadcasts: list[str]
    late: list[str]
    ground: list[str]
    unanswered_by_zona: list[tuple[str, int]] = field(default_factory=list)
    """(zona label, unanswered questions) of every zona that has any, the zonas in order, then
    the questions with no zona (what the staff console's chart shows)."""


def report_answer(data: ReportData) -> Answer:
    def items(values: list[str]) -> tuple[str, ...]:
        return tuple(values) if values else (t.REPORT_NOTHING,)

    sections = (
        (
            t.REPORT_UNANSWERED,
            items(
                [
                    t.REPORT_ASKED.format(zona=zona, question=q, times=count_of(n, t.TIMES))
                    for zona, q, n in data.unanswered
                ]
            ),
        ),
        (
            t.REPORT_TOPICS,
            items(
                [t.REPORT_COUNTED.format(text=title, times=count_of(n, t.TIMES)) for title, n in data.topics]
            ),
        ),
        (
            t.REPORT_SUBSCRIPTIONS,
            items(
                [
                    t.REPORT_SUBSCRIPTION_LINE.format(what=w, chats=count_of(n, t.CHATS))
                    for w, n in data.subscriptions
                ]
            ),
        ),
        (t.REPORT_BROADCASTS, items(data.broadcasts)),
        (t.REPORT_LATE, items(data.late)),
        (t.REPORT_GROUND, items(data.ground)),
    )
    lines = (t.REPORT_FEEDBACK.format(up=data.feedback_up, down=data.feedback_down),)
    return Answer(t.REPORT_TITLE, lines, sections=sections, kind="staff_report")


def unanswered_by_zona(zonas: Sequence[int | None]) -> list[tuple[str, int]]:
    """How many unanswered questions each zona had (the zona each question was asked for), the
    zonas in their order and "Sin zona" last; zonas with none are left out."""
    counts: dict[int | None, int] = {}
    for zona in zonas:
        counts[zona] = counts.get(zona, 0) + 1
    ordered = sorted((z for z in counts if z is not None), key=int)
    rows = [(t.REPORT_ZONA.format(n=z), counts[z]) for z in ordered]
    return rows + ([(t.REPORT_NO_ZONA, counts[None])] if None in counts else [])


def group_unanswered(questions: list[tuple[int | None, str]], limit: int = 15) -> list[tuple[str, str, int]]:
    """Unanswered questions counted per zona and wording (folded), most asked first."""
    counts: dict[tuple[str, str], int] = {}
    shown: dict[tuple[str, str], str] = {}
    for zona, question in questions:
        label = t.REPORT_ZONA.format(n=zona) if zona is not None else t.REPORT_NO_ZONA
        key = (label, fold(question))
        counts[key] = counts.get(key, 0) + 1
        shown.setdefault(key, shorten(question, 120))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(label, shown[(label, folded)], n) for (label, folded), n in ranked[:limit]]


def export_csv(plan: Plan, statuses: dict[str, StatusView]) -> bytes:
    """Every project with the plan's figures and its latest staff status, as CSV (UTF-8 with BOM
    so that spreadsheet programs show accents); no text cell runs as a formula there."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["snip", "nombre", "zona", "monto", "observacion", "estado", "avance", "nota", "actualizado"]
    )
    for project in plan.projects:
        view = statuses.get(project.snip)
        writer.writerow(
            [
                project.snip,
                spreadsheet_safe(project.name),
                project.zona or "",
                f"{project.amount:.2f}",
                spreadsheet_safe(project.observation),
                view.status if view else "",
                view.progress if view and view.progress is not None else "",
                spreadsheet_safe(view.note) if view and view.note else "",
                view.at.isoformat(timespec="seconds") if view else "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def spreadsheet_safe(value: str) -> str:
    """A text cell a spreadsheet program shows as text: one that starts as a formula would
    ("=", "+", "-", "@", a tab or a carriage return) gets an apostrophe first, as OWASP advises
    against CSV injection."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
