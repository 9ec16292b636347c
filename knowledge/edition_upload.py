"""What staff read when they send an edition of the plan to the bot, and what its followers hear.

* :func:`upload_preview`: the edition's identity (municipality, POA year, POM period, zonas),
  its counts, that its totals reconcile (a plan that does not was refused before: see
  :func:`refusal_html`), and what changes against the current edition (the summary's lead and
  first page, ``knowledge.diff_answer``; every change, for the staff console); the chat's
  Telegram HTML messages are :func:`preview_html` of it (:func:`preview_messages`).
* :func:`zona_notices`: per zona with changes, the short message its followers get.

Pure: no telegram, no database. Every dynamic string is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from knowledge import catalog as t
from knowledge.answer_types import Answer
from knowledge.counts import count_of
from knowledge.diff import PlanChanges, compare_plans, for_zona
from knowledge.diff_answer import change_pages, edition_labels, lead, whole_summary
from knowledge.edition import edition_fields, replaces_current
from knowledge.errors import PlanFormatError
from knowledge.model import Edition, Plan
from knowledge.render import MAX_MESSAGE, pack, to_html_blocks

NOTICE_CHARS = 3500
"""A zona's notice stays well under what a broadcast keeps (4,000 characters of HTML)."""


def identity(edition: Edition) -> str:
    """ "Plan Operativo Anual 2025 de la Municipalidad de Mixco" (plain text)."""
    return t.PLAN_IDENTITY.format(year=edition.year, municipality=edition.municipality)


def labels(current: Plan, new: Plan) -> tuple[str, str]:
    """The two editions' labels in a summary ("POA 2024", "POA 2025")."""
    return edition_labels(current, new, t.PLAN_UPLOAD_CURRENT, t.PLAN_UPLOAD_FILE)


@dataclass(frozen=True, slots=True)
class UploadPreview:
    """What staff read of an uploaded edition before they load it, in plain text: the chat's
    messages (:func:`preview_html`) and the staff console's page are both made from it."""

    edition: Edition
    identity: str
    facts: tuple[str, ...]
    """The POM's period, the zonas, the counts, that the totals reconcile."""
    first_page: Answer
    """What changes against the current edition: the summary's first page (the chat's)."""
    summary: Answer
    """The same, every change on one page (the console's)."""
    notes: tuple[str, ...]
    """That it replaces a kept edition of its year; that it becomes the current plan, or is
    kept as an older edition."""
    becomes_current: bool


def upload_preview(
    current: Plan, new: Plan, changes: PlanChanges | None = None, older_years: Sequence[int] = ()
) -> UploadPreview:
    """The preview of ``new`` against ``current``. ``older_years``: the older editions kept
    (one of ``new``'s year is replaced by it)."""
    edition = new.edition
    changes = compare_plans(current, new) if changes is None else changes
    old_label, new_label = labels(current, new)
    counts = t.PLAN_UPLOAD_COUNTS.format(
        projects=count_of(len(new.projects), t.PROJECTS),
        funding=count_of(len(new.funding), t.FUNDING_SOURCES),
        targets=count_of(len(new.targets), t.TARGETS),
        actions=count_of(len(new.operational_actions), t.OPERATIONAL_ACTIONS),
    )
    fields = edition_fields(edition)
    facts = (
        t.PLAN_UPLOAD_POM.format(pom=fields["pom_period"]),
        t.PLAN_UPLOAD_ZONAS.format(zonas=fields["zonas_span"]),
        counts,
        t.PLAN_UPLOAD_RECONCILES,
    )
    notes = [t.PLAN_UPLOAD_REPLACES.format(year=edition.year)] if edition.year in older_years else []
    becomes_current = replaces_current(current.edition, edition)
    if becomes_current:
        notes.append(t.PLAN_UPLOAD_ASK)
    else:
        notes.append(t.PLAN_UPLOAD_OLDER.format(current=identity(current.edition)))
    return UploadPreview(
        edition=edition,
        identity=identity(edition),
        facts=facts,
        first_page=change_pages(changes, old_label, new_label)[0],
        summary=whole_summary(changes, old_label, new_label),
        notes=tuple(notes),
        becomes_current=becomes_current,
    )


def preview_html(preview: UploadPreview) -> list[str]:
    """The preview as Telegram HTML messages (the buttons go under the last)."""
    blocks = [
        t.PLAN_UPLOAD_PREVIEW,
        f"<b>{escape(preview.identity)}</b>",
        *(escape(fact) for fact in preview.facts),
        "",
        *to_html_blocks(preview.first_page),
        "",
        *(escape(note) for note in preview.notes),
    ]
    return pack(blocks, MAX_MESSAGE)


def preview_messages(
    current: Plan, new: Plan, changes: PlanChanges | None = None, older_years: Sequence[int] = ()
) -> list[str]:
    """The preview of ``new`` as Telegram HTML messages (:func:`upload_preview`, :func:`preview_html`)."""
    return preview_html(upload_preview(current, new, changes, older_years))


def refusal_text(error: PlanFormatError) -> str:
    """What is wrong with the file, with the line (or JSON path) at fault, as one sentence
    without its full stop."""
    problem = str(error).rstrip(".")
    return problem[:1].upper() + problem[1:]


def refusal_html(error: PlanFormatError) -> str:
    """Why the file was refused, with the line (or JSON path) at fault, and that nothing changed."""
    return t.PLAN_UPLOAD_REFUSED.format(problem_html=escape(refusal_text(error)))


def zona_notices(current: Plan, new: Plan, changes: PlanChanges | None = None) -> dict[int, str]:
    """Zona → the HTML message for its followers, for the zonas the new edition changes (a zona
    of either edition); zonas without changes get none."""
    changes = compare_plans(current, new) if changes is None else changes
    old_label, new_label = labels(current, new)
    title = f"<b>{escape(t.PLAN_NOTICE_TITLE.format(identity=identity(new.edition)))}</b>"
    notices = {}
    for zona in sorted({*current.edition.zonas, *new.edition.zonas}):
        of_zona = for_zona(changes, zona)
        if of_zona.empty:
            continue
        page = change_pages(of_zona, old_label, new_label)[0]
        blocks = [title, escape(lead(of_zona, old_label, new_label))]
        for section, items in page.sections:
            blocks.append(f"<b>{escape(section)}</b>")
            blocks.extend(f"• {escape(item)}" for item in items)
        blocks.append(escape(t.PLAN_NOTICE_MORE.format(n=zona)))
        notices[zona] = _within(blocks)
    return notices


def _within(blocks: list[str]) -> str:
    """The blocks in one message of at most NOTICE_CHARS: whole blocks, then a line that says
    there is more (the last block, the invitation to ask, always stays)."""
    message = "\n".join(blocks)
    if len(message) <= NOTICE_CHARS:
        return message
    *body, last = blocks
    ending = [escape(t.PLAN_NOTICE_CUT), last]
    kept: list[str] = []
    for block in body:
        if len("\n".join([*kept, block, *ending])) > NOTICE_CHARS:
            break
        kept.append(block)
    return "\n".join([*kept, *ending])


def file_size(size: int) -> str:
    """A file's size as staff read it: "4.2 MB", "820 KB"."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(size, 1_000) / 1_000:.0f} KB"


def too_big_text(size: int, limit: int) -> str:
    return t.PLAN_UPLOAD_TOO_BIG.format(size=file_size(size), limit=file_size(limit))
