"""What staff read when they send an edition of the plan to the bot, and what its followers hear.

* :func:`preview_messages`: the edition's identity (municipality, POA year, POM period, zonas),
  its counts, that its totals reconcile (a plan that does not was refused before: see
  :func:`refusal_html`), and what changes against the current edition (the summary's lead and
  first page, ``knowledge.diff_answer``), as Telegram HTML messages.
* :func:`zona_notices`: per zona with changes, the short message its followers get.

Pure: no telegram, no database. Every dynamic string is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from knowledge import catalog as t
from knowledge.counts import count_of
from knowledge.diff import PlanChanges, compare_plans, for_zona
from knowledge.diff_answer import change_pages, edition_labels, lead
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


def preview_messages(
    current: Plan, new: Plan, changes: PlanChanges | None = None, older_years: Sequence[int] = ()
) -> list[str]:
    """The preview of ``new`` as Telegram HTML messages (the buttons go under the last).
    ``older_years``: the older editions kept (one of ``new``'s year is replaced by it)."""
    edition = new.edition
    changes = compare_plans(current, new) if changes is None else changes
    old_label, new_label = labels(current, new)
    counts = t.PLAN_UPLOAD_COUNTS.format(
        projects=count_of(len(new.projects), t.PROJECTS),
        funding=count_of(len(new.funding), t.FUNDING_SOURCES),
        targets=count_of(len(new.targets), t.TARGETS),
        actions=count_of(len(new.operational_actions), t.OPERATIONAL_ACTIONS),
    )
    blocks = [
        t.PLAN_UPLOAD_PREVIEW,
        f"<b>{escape(identity(edition))}</b>",
        escape(t.PLAN_UPLOAD_POM.format(pom=edition_fields(edition)["pom_period"])),
        escape(t.PLAN_UPLOAD_ZONAS.format(zonas=edition_fields(edition)["zonas_span"])),
        escape(counts),
        escape(t.PLAN_UPLOAD_RECONCILES),
        "",
    ]
    first_page = change_pages(changes, old_label, new_label)[0]
    blocks.extend(to_html_blocks(first_page))
    blocks.append("")
    if new.edition.year in older_years:
        blocks.append(escape(t.PLAN_UPLOAD_REPLACES.format(year=new.edition.year)))
    if replaces_current(current.edition, new.edition):
        blocks.append(escape(t.PLAN_UPLOAD_ASK))
    else:
        blocks.append(escape(t.PLAN_UPLOAD_OLDER.format(current=identity(current.edition))))
    return pack(blocks, MAX_MESSAGE)


def refusal_html(error: PlanFormatError) -> str:
    """Why the file was refused, with the line (or JSON path) at fault, and that nothing changed."""
    problem = str(error).rstrip(".")
    return t.PLAN_UPLOAD_REFUSED.format(problem_html=escape(problem[:1].upper() + problem[1:]))


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
