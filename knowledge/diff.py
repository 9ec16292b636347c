"""What changed between two editions of the plan (last year's POA and this year's).

Pure: two :class:`~knowledge.model.Plan` records in, a :class:`PlanChanges` out. Records are
matched the way a reader would match them:

* projects by SNIP (the code the municipality and the CODEDE know them by);
* funding sources by name (written alike: the same words whatever the case, accents or
  punctuation), then by a name that is nearly the same ("Fondos de IUSI" / "Fondo de IUSI");
* texts (operational actions, objectives, strategic lines, lines of action, targets) by their
  words, within their temática: the same words are the same record wherever it stands and
  whatever number it has; left over, a text that is mostly the same is the same record
  reworded, and the rest was added or dropped. A target also matches one that measures the
  same figures, however its words changed; a target with a new value is that target changed,
  not one dropped and another added.

A change of spelling only (case, accents, spaces) is not a change. :func:`for_zona` keeps what
concerns one zona.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from rapidfuzz import fuzz

from knowledge.model import (
    ActionLine,
    FundingSource,
    FundingTotal,
    Item,
    Objective,
    Plan,
    Project,
    StrategicLine,
    Target,
)
from knowledge.plan_json import record_to_json
from knowledge.text import TOKEN, find_zonas, fold

__all__ = [
    "FundingChange",
    "Pair",
    "PlanChanges",
    "ProjectChange",
    "TargetChange",
    "TextChanges",
    "TotalChange",
    "change_counts",
    "changes_to_json",
    "compare_plans",
    "for_zona",
]

T = TypeVar("T")

REWORDED = 75.0
"""Similarity (rapidfuzz ``ratio`` of the folded texts, 0-100) from which a text left without its
exact twin is the same record reworded. Two different texts of the bundled plan in the same
temática reach at most 67 (two lines of action on health programmes)."""
RENAMED = 85.0
"""The same for a funding source's name: names are short, so a nearer likeness is asked."""
FUNDING_FIELDS = ("available", "investment", "investment_pct", "operating", "operating_pct")
TOTAL_FIELDS = ("available", "investment", "operating")


@dataclass(frozen=True, slots=True)
class Pair(Generic[T]):
    """One record as the old edition and the new one have it."""

    old: T
    new: T


@dataclass(frozen=True, slots=True)
class TextChanges(Generic[T]):
    """Records known by their text: the ones only the new edition has, the ones only the old
    one has, and the ones both have in other words."""

    added: tuple[T, ...] = ()
    dropped: tuple[T, ...] = ()
    reworded: tuple[Pair[T], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.dropped or self.reworded)


@dataclass(frozen=True, slots=True)
class ProjectChange:
    """A project both editions list (same SNIP) with another amount, observation or zona."""

    old: Project
    new: Project

    @property
    def snip(self) -> str:
        return self.new.snip

    @property
    def amount_changed(self) -> bool:
        return self.old.amount != self.new.amount

    @property
    def observation_changed(self) -> bool:
        return _key(self.old.observation) != _key(self.new.observation)

    @property
    def zona_changed(self) -> bool:
        return self.old.zona != self.new.zona

    @property
    def changed(self) -> bool:
        return self.amount_changed or self.observation_changed or self.zona_changed


@dataclass(frozen=True, slots=True)
class FundingChange:
    """A funding source both editions list, with some of its figures changed."""

    old: FundingSource
    new: FundingSource

    @property
    def fields(self) -> tuple[str, ...]:
        """The figures that changed, in the table's order (``available``, ``investment`` …)."""
        return tuple(f for f in FUNDING_FIELDS if getattr(self.old, f) != getattr(self.new, f))


@dataclass(frozen=True, slots=True)
class TotalChange:
    """The funding table's total row of each edition (None where an edition has none)."""

    old: FundingTotal | None
    new: FundingTotal | None

    @property
    def fields(self) -> tuple[str, ...]:
        if self.old is None or self.new is None:
            return TOTAL_FIELDS
        return tuple(f for f in TOTAL_FIELDS if getattr(self.old, f) != getattr(self.new, f))


@dataclass(frozen=True, slots=True)
class TargetChange:
    """A target (Resultado PDM-OT) both editions have, with other figures or other words."""

    old: Target
    new: Target

    @property
    def values_changed(self) -> bool:
        """A baseline or target value (or its year) is not what it was."""
        return self.old.measures != self.new.measures

    @property
    def reworded(self) -> bool:
        return _key(self.old.text) != _key(self.new.text)


@dataclass(frozen=True, slots=True)
class PlanChanges:
    """Everything that differs between two editions. Tuples keep the new edition's order (the
    old one's for what was dropped)."""

    projects_added: tuple[Project, ...] = ()
    projects_dropped: tuple[Project, ...] = ()
    projects_changed: tuple[ProjectChange, ...] = ()
    funding_added: tuple[FundingSource, ...] = ()
    funding_dropped: tuple[FundingSource, ...] = ()
    funding_changed: tuple[FundingChange, ...] = ()
    funding_total: TotalChange | None = None
    targets_added: tuple[Target, ...] = ()
    targets_dropped: tuple[Target, ...] = ()
    targets_changed: tuple[TargetChange, ...] = ()
    operational_actions: TextChanges[Item] = field(default_factory=TextChanges)
    objectives: TextChanges[Objective] = field(default_factory=TextChanges)
    strategic_lines: TextChanges[StrategicLine] = field(default_factory=TextChanges)
    action_lines: TextChanges[ActionLine] = field(default_factory=TextChanges)
    tematica_names: tuple[tuple[str, str], ...] = ()
    """Temática id → name, for saying where a target or a line belongs (the new edition's name
    wins)."""
    zona: int | None = None
    """Set by :func:`for_zona`: these are the changes of that zona only."""

    @property
    def amounts_changed(self) -> tuple[ProjectChange, ...]:
        return tuple(c for c in self.projects_changed if c.amount_changed)

    @property
    def observations_changed(self) -> tuple[ProjectChange, ...]:
        return tuple(c for c in self.projects_changed if c.observation_changed)

    @property
    def zonas_changed(self) -> tuple[ProjectChange, ...]:
        return tuple(c for c in self.projects_changed if c.zona_changed)

    @property
    def targets_with_new_values(self) -> tuple[TargetChange, ...]:
        return tuple(c for c in self.targets_changed if c.values_changed)

    @property
    def targets_reworded(self) -> tuple[TargetChange, ...]:
        return tuple(c for c in self.targets_changed if not c.values_changed)

    @property
    def empty(self) -> bool:
        texts = (self.operational_actions, self.objectives, self.strategic_lines, self.action_lines)
        records = (
            *(self.projects_added, self.projects_dropped, self.projects_changed),
            *(self.funding_added, self.funding_dropped, self.funding_changed),
            *(self.targets_added, self.targets_dropped, self.targets_changed),
        )
        return self.funding_total is None and not any(records) and all(t.empty for t in texts)

    def tematica_name(self, tematica_id: str) -> str:
        return dict(self.tematica_names).get(tematica_id, tematica_id)


def compare_plans(old: Plan, new: Plan) -> PlanChanges:
    """What changed from ``old`` to ``new`` (see the module's docstring for how records are matched)."""
    added, dropped, changed = _compare_projects(old.projects, new.projects)
    f_added, f_dropped, f_changed = _compare_funding(old.funding, new.funding)
    t_added, t_dropped, t_changed = _compare_targets(old.targets, new.targets)
    total = (
        None if old.funding_total == new.funding_total else TotalChange(old.funding_total, new.funding_total)
    )
    names = {tm.id: tm.name for tm in (*old.tematicas, *new.tematicas)}
    return PlanChanges(
        projects_added=added,
        projects_dropped=dropped,
        projects_changed=changed,
        funding_added=f_added,
        funding_dropped=f_dropped,
        funding_changed=f_changed,
        funding_total=total,
        targets_added=t_added,
        targets_dropped=t_dropped,
        targets_changed=t_changed,
        operational_actions=_text_changes(old.operational_actions, new.operational_actions),
        objectives=_text_changes(old.objectives, new.objectives),
        strategic_lines=_text_changes(old.strategic_lines, new.strategic_lines),
        action_lines=_text_changes(old.action_lines, new.action_lines),
        tematica_names=tuple(names.items()),
    )


def for_zona(changes: PlanChanges, zona: int) -> PlanChanges:
    """The changes that concern ``zona``: its projects (added, dropped, changed, and those that
    moved into or out of it), and the texts that name it ("… en la zona 7"). The funding table
    is the whole municipality's, so it is left out."""

    def named(*texts: str) -> bool:
        return any(zona in _zonas_named(text) for text in texts)

    def texts(found: TextChanges[Any]) -> TextChanges[Any]:
        return TextChanges(
            tuple(r for r in found.added if named(r.text)),
            tuple(r for r in found.dropped if named(r.text)),
            tuple(p for p in found.reworded if named(p.old.text, p.new.text)),
        )

    return PlanChanges(
        projects_added=tuple(p for p in changes.projects_added if p.zona == zona),
        projects_dropped=tuple(p for p in changes.projects_dropped if p.zona == zona),
        projects_changed=tuple(c for c in changes.projects_changed if zona in (c.old.zona, c.new.zona)),
        targets_added=tuple(r for r in changes.targets_added if named(r.text)),
        targets_dropped=tuple(r for r in changes.targets_dropped if named(r.text)),
        targets_changed=tuple(c for c in changes.targets_changed if named(c.old.text, c.new.text)),
        operational_actions=texts(changes.operational_actions),
        objectives=texts(changes.objectives),
        strategic_lines=texts(changes.strategic_lines),
        action_lines=texts(changes.action_lines),
        tematica_names=changes.tematica_names,
        zona=zona,
    )


def change_counts(changes: PlanChanges) -> dict[str, int]:
    """How many changes of each kind, in the order the summary says them (zeros included)."""
    return {
        "projects_added": len(changes.projects_added),
        "projects_dropped": len(changes.projects_dropped),
        "amounts_changed": len(changes.amounts_changed),
        "observations_changed": len(changes.observations_changed),
        "zonas_changed": len(changes.zonas_changed),
        "funding_added": len(changes.funding_added),
        "funding_dropped": len(changes.funding_dropped),
        "funding_changed": len(changes.funding_changed),
        "targets_added": len(changes.targets_added),
        "targets_dropped": len(changes.targets_dropped),
        "targets_values_changed": len(changes.targets_with_new_values),
        "targets_reworded": len(changes.targets_reworded),
        **{
            f"{name}_{what}": len(getattr(getattr(changes, name), what))
            for name in ("operational_actions", "objectives", "strategic_lines", "action_lines")
            for what in ("added", "dropped", "reworded")
        },
    }


# --- matching ------------------------------------------------------------------------------


def _compare_projects(
    old: Sequence[Project], new: Sequence[Project]
) -> tuple[tuple[Project, ...], tuple[Project, ...], tuple[ProjectChange, ...]]:
    before = {p.snip: p for p in old}
    after = {p.snip: p for p in new}
    changed = (ProjectChange(before[p.snip], p) for p in new if p.snip in before)
    return (
        tuple(p for p in new if p.snip not in before),
        tuple(p for p in old if p.snip not in after),
        tuple(c for c in changed if c.changed),
    )


def _compare_funding(
    old: Sequence[FundingSource], new: Sequence[FundingSource]
) -> tuple[tuple[FundingSource, ...], tuple[FundingSource, ...], tuple[FundingChange, ...]]:
    pairs, dropped, added = _match(old, new, text=lambda f: f.source, group=_no_group, threshold=RENAMED)
    changed = (FundingChange(a, b) for a, b in pairs)
    return added, dropped, tuple(c for c in changed if c.fields)


def _compare_targets(
    old: Sequence[Target], new: Sequence[Target]
) -> tuple[tuple[Target, ...], tuple[Target, ...], tuple[TargetChange, ...]]:
    def score(a: Target, b: Target) -> float:
        alike = fuzz.ratio(_key(a.text), _key(b.text))
        same_figures = bool(a.measures) and a.measures == b.measures and any(m.target for m in a.measures)
        return max(alike, REWORDED) if same_figures else alike

    pairs, dropped, added = _match(old, new, text=lambda r: r.text, group=_tematica, score=score)
    changed = (TargetChange(a, b) for a, b in pairs)
    return added, dropped, tuple(c for c in changed if c.values_changed or c.reworded)


R = TypeVar("R", Item, Objective, StrategicLine, ActionLine)


def _text_changes(old: Sequence[R], new: Sequence[R]) -> TextChanges[R]:
    """Operational actions have no temática: they are all one group."""
    pairs, dropped, added = _match(old, new, text=lambda r: r.text, group=_tematica)
    reworded = tuple(Pair(a, b) for a, b in pairs if _key(a.text) != _key(b.text))
    return TextChanges(added, dropped, reworded)


def _match(
    old: Sequence[T],
    new: Sequence[T],
    *,
    text: Callable[[T], str],
    group: Callable[[T], str],
    threshold: float = REWORDED,
    score: Callable[[T, T], float] | None = None,
) -> tuple[list[tuple[T, T]], tuple[T, ...], tuple[T, ...]]:
    """Pairs (old, new) in the new edition's order, the old records left (dropped) and the new
    ones left (added). Within a group: the same words first, then the most alike pairs whose
    likeness reaches ``threshold``, best first."""
    scorer = score or (lambda a, b: fuzz.ratio(_key(text(a)), _key(text(b))))
    left_old = list(range(len(old)))
    partner: dict[int, int] = {}  # new index -> old index
    by_words: dict[tuple[str, str], list[int]] = {}
    for i in left_old:
        by_words.setdefault((group(old[i]), _key(text(old[i]))), []).append(i)
    for j, record in enumerate(new):
        twins = by_words.get((group(record), _key(text(record))))
        if twins:
            partner[j] = twins.pop(0)
    taken = set(partner.values())
    candidates = sorted(
        (-scorer(old[i], new[j]), i, j)
        for j in range(len(new))
        if j not in partner
        for i in range(len(old))
        if i not in taken and group(old[i]) == group(new[j])
    )
    for negative, i, j in candidates:
        if -negative < threshold:
            break
        if j not in partner and i not in taken:
            partner[j] = i
            taken.add(i)
    pairs = [(old[partner[j]], new[j]) for j in range(len(new)) if j in partner]
    dropped = tuple(old[i] for i in range(len(old)) if i not in taken)
    added = tuple(new[j] for j in range(len(new)) if j not in partner)
    return pairs, dropped, added


def _key(text: str) -> str:
    """A text's words as compared: folded (case, accents, spaces) and without punctuation."""
    return " ".join(TOKEN.findall(fold(text)))


def _tematica(record: Any) -> str:
    return str(getattr(record, "tematica", ""))


def _no_group(_record: Any) -> str:
    return ""


def _zonas_named(text: str) -> set[int]:
    return {z.number for z in find_zonas(fold(text))}


# --- JSON ----------------------------------------------------------------------------------


def changes_to_json(changes: PlanChanges) -> dict[str, Any]:
    """The changes as a JSON-ready dict. Records are written as ``python -m bot export`` writes
    them; a changed figure or text as ``{"old": …, "new": …}``."""
    return {
        "changed": not changes.empty,
        "zona": changes.zona,
        "counts": change_counts(changes),
        "projects": {
            "added": _records(changes.projects_added),
            "dropped": _records(changes.projects_dropped),
            "changed": [_project_change(c) for c in changes.projects_changed],
        },
        "funding": {
            "added": _records(changes.funding_added),
            "dropped": _records(changes.funding_dropped),
            "changed": [
                {"source": c.new.source, **_fields(c.old, c.new, c.fields)} for c in changes.funding_changed
            ],
            "total": _total_change(changes.funding_total),
        },
        "targets": {
            "added": _records(changes.targets_added),
            "dropped": _records(changes.targets_dropped),
            "changed": [
                {
                    "tematica": c.new.tematica,
                    "values_changed": c.values_changed,
                    "old": record_to_json(c.old),
                    "new": record_to_json(c.new),
                }
                for c in changes.targets_changed
            ],
        },
        **{
            name: _text_json(getattr(changes, name))
            for name in ("operational_actions", "objectives", "strategic_lines", "action_lines")
        },
    }


def _records(records: Iterable[object]) -> list[dict[str, Any]]:
    return [record_to_json(r) for r in records]


def _project_change(change: ProjectChange) -> dict[str, Any]:
    what = [
        name
        for name, changed in (
            ("amount", change.amount_changed),
            ("observation", change.observation_changed),
            ("zona", change.zona_changed),
        )
        if changed
    ]
    return {"snip": change.snip, "name": change.new.name, **_fields(change.old, change.new, what)}


def _total_change(change: TotalChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "old": None if change.old is None else record_to_json(change.old),
        "new": None if change.new is None else record_to_json(change.new),
        "fields": list(change.fields),
    }


def _fields(old: object, new: object, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    before, after = record_to_json(old), record_to_json(new)
    return {name: {"old": before[name], "new": after[name]} for name in names}


def _text_json(found: TextChanges[Any]) -> dict[str, list[Any]]:
    return {
        "added": _records(found.added),
        "dropped": _records(found.dropped),
        "reworded": [{"old": record_to_json(p.old), "new": record_to_json(p.new)} for p in found.reworded],
    }
