"""What changed between two editions, as an :class:`~knowledge.answer_types.Answer`.

The first line is the direct answer: how many changes of each kind ("Del POA 2024 al POA 2025:
3 proyectos nuevos, 2 proyectos dejaron de estar, 3 montos cambiaron …"); then one titled group
per kind, each change with both figures as the plan writes them (old → new). A long summary
is cut into pages as the plan's long lists are (``knowledge.lists``: about one Telegram message
of items a page, "Página 1 de 3." and the buttons to the other pages).

The editions are named by labels (``POA 2025``): :func:`edition_label` is the one place that
finds an edition's label in a plan.

Pure: no telegram, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from knowledge import catalog as t
from knowledge.answer_types import Answer, FollowUp, Line, format_pct, format_q, join_words, shorten
from knowledge.counts import count_of
from knowledge.diff import PlanChanges, ProjectChange, TargetChange, TotalChange, change_counts
from knowledge.kinds import measure_text, measured_phrase
from knowledge.lists import MAX_PAGE_ITEMS, PAGE_CHARS
from knowledge.model import FundingSource, FundingTotal, Item, Measure, Plan, Project, Target
from knowledge.text import fold

NAME_CHARS = 120
"""A project's name in a change line is shortened as in the project lists."""
OWN_YEAR = re.compile(r"\bplan operativo anual\s+(?:\(poa\)\s+)?((?:19|20)\d{2})\b")
NEW_IN_YEAR = re.compile(r"\bnuevo\s+((?:19|20)\d{2})\b")
PAGE_ACTION = "cambios"
"""The verb the page buttons carry (``cambios:2``, ``cambios:zona:7:2``; ``knowledge.actions.VERBS``):
the pages of what changed from the newest older edition kept to the current one
(``knowledge.editions.PlanEditions.changes_page``)."""

Entry = tuple[str, str]
"""One change line and the title of the group it belongs to."""


def edition_label(plan: Plan, fallback: str) -> str:
    """What an edition is called in the summary ("POA 2025"), or ``fallback`` (a file's name)
    when the plan does not say its year.

    The year is the one the document gives its own POA in its introduction ("El Plan Operativo
    Anual 2025 forma parte …"), else the year of the projects it marks as new ("NUEVO 2025").
    This is the one function to change when editions carry their year themselves.
    """
    for statement_id in ("introduction", "poa_intro", "poa_objective"):
        statement = plan.statement(statement_id)
        found = OWN_YEAR.search(fold(statement.text)) if statement else None
        if found:
            return t.EDITION_LABEL.format(year=found.group(1))
    new_years = [int(m.group(1)) for p in plan.projects if (m := NEW_IN_YEAR.search(fold(p.observation)))]
    return t.EDITION_LABEL.format(year=max(new_years)) if new_years else fallback


def edition_labels(old: Plan, new: Plan, old_name: str, new_name: str) -> tuple[str, str]:
    """Both editions' labels; two that read the same are told apart by their names (files)."""
    old_label, new_label = edition_label(old, old_name), edition_label(new, new_name)
    if old_label == new_label and old_name != new_name:
        old_label = t.EDITION_NAMED.format(label=old_label, name=old_name)
        new_label = t.EDITION_NAMED.format(label=new_label, name=new_name)
    return old_label, new_label


def change_pages(changes: PlanChanges, old: str, new: str) -> tuple[Answer, ...]:
    """Every page of the summary of ``changes`` from the edition labelled ``old`` to ``new``."""
    pages = _cut(list(_entries(changes)))
    return tuple(_page(changes, old, new, pages, n) for n in range(1, len(pages) + 1))


def whole_summary(changes: PlanChanges, old: str, new: str) -> Answer:
    """The summary of ``changes`` on one page, however long: for a web page, which has no
    message's limit (the same lead, groups and lines as :func:`change_pages`)."""
    return _page(changes, old, new, [list(_entries(changes))], 1)


def change_answer(changes: PlanChanges, old: str, new: str, page: int = 1) -> Answer | None:
    """One page of the summary (the first by default); None for a page it does not have."""
    pages = change_pages(changes, old, new)
    return pages[page - 1] if 1 <= page <= len(pages) else None


def lead(changes: PlanChanges, old: str, new: str) -> str:
    """The summary's first line: the counts of each kind of change, or that there are none."""
    counts = _count_phrases(changes)
    if changes.zona is not None:
        if not counts:
            return t.CHANGES_ZONA_NONE.format(n=changes.zona, old=old, new=new)
        return t.CHANGES_ZONA_LEAD.format(n=changes.zona, old=old, new=new, counts=join_words(counts))
    if not counts:
        return t.CHANGES_NONE.format(old=old, new=new)
    return t.CHANGES_LEAD.format(old=old, new=new, counts=join_words(counts))


def _count_phrases(changes: PlanChanges) -> list[str]:
    """ "3 proyectos nuevos", … in the order of the groups below, the total after the sources."""
    phrases = []
    for kind, n in change_counts(changes).items():
        if n:
            phrases.append(count_of(n, t.CHANGE_COUNTS[kind]))
        if kind == "funding_changed" and changes.funding_total is not None:
            phrases.append(t.CHANGES_TOTAL_CHANGED)
    return phrases


# --- pages ---------------------------------------------------------------------------------


def _page(changes: PlanChanges, old: str, new: str, pages: list[list[Entry]], page: int) -> Answer:
    lines: list[Line] = [lead(changes, old, new)] if page == 1 else []
    if pages[page - 1]:
        lines.append(t.CHANGES_HOW_TO_READ.format(old=old, new=new))
    follow: list[FollowUp] = []
    if len(pages) > 1:
        lines.append(t.LIST_PAGE.format(page=page, pages=len(pages)))
        if page > 1:
            follow.append(
                FollowUp(t.BTN_BACK.format(page=page - 1, pages=len(pages)), _action(changes, page - 1))
            )
        if page < len(pages):
            follow.append(
                FollowUp(t.BTN_MORE.format(page=page + 1, pages=len(pages)), _action(changes, page + 1))
            )
    if changes.zona is None:
        title = t.CHANGES_TITLE.format(old=old, new=new)
    else:
        title = t.CHANGES_ZONA_TITLE.format(n=changes.zona, old=old, new=new)
    return Answer(
        title,
        tuple(lines),
        follow_ups=tuple(follow),
        source=t.CHANGES_SOURCE.format(old=old, new=new),
        kind="changes",
        zona=changes.zona,
        sections=_sections(pages[page - 1]),
    )


def _action(changes: PlanChanges, page: int) -> str:
    where = () if changes.zona is None else ("zona", str(changes.zona))
    return ":".join((PAGE_ACTION, *where, str(page)))


def _cut(entries: list[Entry]) -> list[list[Entry]]:
    """Pages of at most :data:`~knowledge.lists.PAGE_CHARS` characters of lines (a group's
    title counted where it starts) and :data:`~knowledge.lists.MAX_PAGE_ITEMS` lines; always
    one page, empty when nothing changed."""
    pages: list[list[Entry]] = [[]]
    size = 0
    for title, line in entries:
        length = len(line) + 3 + (len(title) + 1 if not pages[-1] or pages[-1][-1][0] != title else 0)
        if pages[-1] and (size + length > PAGE_CHARS or len(pages[-1]) >= MAX_PAGE_ITEMS):
            pages.append([])
            size = len(title) + 1
        pages[-1].append((title, line))
        size += length
    return pages


def _sections(entries: Sequence[Entry]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Consecutive lines of one group under its title (a group cut by a page is titled again)."""
    sections: list[tuple[str, list[str]]] = []
    for title, line in entries:
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append(line)
    return tuple((title, tuple(lines)) for title, lines in sections)


# --- the lines of each kind of change ------------------------------------------------------


def _entries(changes: PlanChanges) -> Iterator[Entry]:
    name = changes.tematica_name
    groups: tuple[tuple[str, Sequence[Any], Callable[[Any], str]], ...] = (
        ("projects_added", changes.projects_added, _project),
        ("projects_dropped", changes.projects_dropped, _project),
        ("amounts_changed", changes.amounts_changed, _amount),
        ("observations_changed", changes.observations_changed, _observation),
        ("zonas_changed", changes.zonas_changed, _zona_move),
        ("funding_added", changes.funding_added, _source),
        ("funding_dropped", changes.funding_dropped, _source),
        (
            "funding_changed",
            changes.funding_changed,
            lambda c: _figures(c.new.source, c.old, c.new, c.fields),
        ),
        ("funding_total", (changes.funding_total,) if changes.funding_total else (), _total),
        ("targets_added", changes.targets_added, lambda r: _target(r, name)),
        ("targets_dropped", changes.targets_dropped, lambda r: _target(r, name)),
        ("targets_values_changed", changes.targets_with_new_values, lambda c: _target_values(c, name)),
        (
            "targets_reworded",
            changes.targets_reworded,
            lambda c: _reworded(name(c.new.tematica), c.old, c.new),
        ),
        ("operational_actions_added", changes.operational_actions.added, _action_item),
        ("operational_actions_dropped", changes.operational_actions.dropped, _action_item),
        ("operational_actions_reworded", changes.operational_actions.reworded, _action_reworded),
    )
    for title, records, line in groups:
        yield from ((t.CHANGE_SECTIONS[title], line(r)) for r in records)
    for kind in ("objectives", "strategic_lines", "action_lines"):
        found = getattr(changes, kind)
        for what in ("added", "dropped"):
            title = t.CHANGE_SECTIONS[f"{kind}_{what}"]
            yield from (
                (title, t.CHANGE_IN_TEMATICA.format(tematica=name(r.tematica), text=r.text))
                for r in getattr(found, what)
            )
        title = t.CHANGE_SECTIONS[f"{kind}_reworded"]
        yield from ((title, _reworded(name(p.new.tematica), p.old, p.new)) for p in found.reworded)


def _zona(zona: int | None) -> str:
    return t.CHANGE_NO_ZONA if zona is None else t.CHANGE_ZONA.format(n=zona)


def _name(project: Project) -> str:
    return shorten(project.name, NAME_CHARS)


def _project(p: Project) -> str:
    return t.CHANGE_PROJECT.format(
        snip=p.snip,
        zona=_zona(p.zona),
        amount=format_q(p.amount),
        observation=p.observation,
        name=_name(p),
    )


def _amount(c: ProjectChange) -> str:
    return t.CHANGE_PROJECT_AMOUNT.format(
        snip=c.snip,
        zona=_zona(c.new.zona),
        old=format_q(c.old.amount),
        new=format_q(c.new.amount),
        name=_name(c.new),
    )


def _observation(c: ProjectChange) -> str:
    return t.CHANGE_PROJECT_FIELD.format(
        snip=c.snip, old=c.old.observation, new=c.new.observation, name=_name(c.new)
    )


def _zona_move(c: ProjectChange) -> str:
    return t.CHANGE_PROJECT_FIELD.format(
        snip=c.snip, old=_zona(c.old.zona), new=_zona(c.new.zona), name=_name(c.new)
    )


def _source(f: FundingSource) -> str:
    return t.FUNDING_ROW.format(
        source=f.source,
        available=format_q(f.available),
        investment=format_q(f.investment),
        operating=format_q(f.operating),
    )


def _figure(value: Decimal, field: str) -> str:
    return format_pct(value) if field.endswith("_pct") else format_q(value)


def _figures(source: str, old: object, new: object, fields: Sequence[str]) -> str:
    figures = "; ".join(
        t.CHANGE_FIGURE.format(
            label=t.CHANGE_FIGURE_LABELS[f], old=_figure(getattr(old, f), f), new=_figure(getattr(new, f), f)
        )
        for f in fields
    )
    return t.CHANGE_FIGURES.format(source=source, figures=figures)


def _total(change: TotalChange) -> str:
    if change.old is None or change.new is None:  # a JSON export may have no total row
        label = t.CHANGE_FIGURE_LABELS["available"]
        figure = t.CHANGE_FIGURE.format(label=label, old=_total_row(change.old), new=_total_row(change.new))
        return t.CHANGE_FIGURES.format(source=t.CHANGE_TOTAL, figures=figure)
    return _figures(t.CHANGE_TOTAL, change.old, change.new, change.fields)


def _total_row(total: FundingTotal | None) -> str:
    return t.CHANGE_NO_TOTAL if total is None else format_q(total.available)


def _measures(measures: Sequence[Measure]) -> str:
    return "; ".join(
        measure_text(m.baseline, m.baseline_year, m.target, m.target_year)
        if m.baseline or m.target
        else t.TARGET_YEAR_ONLY.format(year=m.target_year)
        for m in measures
    )


def _measured(target: Target) -> str:
    return measured_phrase(target.text) or shorten(target.text, 90)


def _target(r: Target, name: Callable[[str], str]) -> str:
    shown = f"{_measured(r)}: {_measures(r.measures)}" if r.measures else shorten(r.text)
    return t.CHANGE_TARGET.format(tematica=name(r.tematica), target=shown)


def _target_values(c: TargetChange, name: Callable[[str], str]) -> str:
    """Only the measures that changed, when both editions have as many."""
    old, new = list(c.old.measures), list(c.new.measures)
    if len(old) == len(new):
        pairs = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
        old, new = [a for a, _ in pairs], [b for _, b in pairs]
    return t.CHANGE_TARGET_VALUES.format(
        tematica=name(c.new.tematica), measured=_measured(c.new), old=_measures(old), new=_measures(new)
    )


def _reworded(where: str, old: Any, new: Any) -> str:
    return t.CHANGE_REWORDED.format(where=where, old=old.text, new=new.text)


def _action_item(item: Item) -> str:
    return t.CHANGE_ACTION.format(number=item.number, text=item.text)


def _action_reworded(pair: Any) -> str:
    return t.CHANGE_ACTION_REWORDED.format(
        old_number=pair.old.number, old=pair.old.text, new_number=pair.new.number, new=pair.new.text
    )
