"""One description per kind of record: its card, its one-line form, and the list it belongs to.

The answerer composes by looking a record's kind up here, so a new kind of record is one entry
in :data:`KINDS` (and, when people ask for all of them, one in :data:`LISTS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from knowledge import catalog as t
from knowledge.answer_types import (
    Answer,
    Fact,
    FollowUp,
    Line,
    Match,
    format_pct,
    format_q,
    sentence,
    shorten,
)
from knowledge.catalog import EditionTexts, texts
from knowledge.model import (
    Actor,
    FundingSource,
    GovernanceIndex,
    Item,
    Law,
    Plan,
    Policy,
    PolicyAxis,
    PomLine,
    Project,
    Statement,
    StrategicLine,
    Target,
    Tematica,
)
from knowledge.search import Doc

NUMBER_FIRST = r"(?:(?:a|al|en)\s+(?:un\s+)?[\d.,]+\s*(?:%|puntos porcentuales)?\s+(?:de forma anual\s+)?)?"
MEASURED_BY = (
    re.compile(  # a gerund says best what moves: "aumentando la cobertura del servicio … a un 95%"
        r"\b(?:aumentando|incrementando|disminuyendo|reduciendo|mejorando|ampliando|teniendo)\s+"
        + NUMBER_FIRST
        + r"(.{8,90}?)(?=\s+(?:a un|al|a|en un|de)\s+[\d.,]+|[,;(]|$)"
    ),
    re.compile(
        r"\b(?:fortalecido|incrementado|aumentado|disminuido|mantenido|desarrollado|cuenta con)\s+"
        r"(?:\w+mente\s+)?" + NUMBER_FIRST + r"(.{8,90}?)(?=\s+(?:a un|al|a|en un|de|para)\s+[\d.,]+|[,;(]|$)"
    ),
)


@dataclass(frozen=True, slots=True)
class PlanView:
    """What cards need besides their record: the plan, its edition's texts and a few lookups on it."""

    plan: Plan
    tematica_names: dict[str, str]
    texts: EditionTexts

    @classmethod
    def of(cls, plan: Plan) -> PlanView:
        return cls(plan, {tm.id: tm.name for tm in plan.tematicas}, texts(plan.edition))

    def tematica_name(self, tematica_id: str) -> str:
        return self.tematica_names.get(tematica_id, tematica_id)

    def project_line(self, p: Project) -> str:
        return f"SNIP {p.snip} · {format_q(p.amount)} · {p.observation} — {shorten(p.name, 120)}"

    def target_line(self, r: Target) -> str:
        """What is measured and from where to where: "la cobertura del servicio de recolección
        …: de 85% (2021) a 95% (2032)"."""
        measures = [m for m in r.measures if m.baseline or m.target]
        if not measures:
            return shorten(r.text)
        figures = "; ".join(
            measure_text(m.baseline, m.baseline_year, m.target, m.target_year) for m in measures
        )
        measured = measured_phrase(r.text) or shorten(r.text, 90)
        return f"{measured}: {figures}"

    def targets_for(self, record: object) -> list[Target]:
        """The 2032 targets of the objective a record serves (for lines and actions)."""
        if isinstance(record, PomLine):
            return [r for r in self.plan.targets if r.tematica == record.tematica][:2]
        objective = getattr(record, "objective", None) or getattr(record, "id", None)
        line_id = getattr(record, "strategic_line", None)
        if line_id:
            objective = next((s.objective for s in self.plan.strategic_lines if s.id == line_id), None)
        return [r for r in self.plan.targets if r.objective == objective]

    def projects_total(self) -> Decimal:
        return sum((p.amount for p in self.plan.projects if p.in_total), Decimal(0))


def measured_phrase(text: str) -> str | None:
    """The thing a target measures, in the target's own words."""
    for pattern in MEASURED_BY:
        found = pattern.search(text)
        if found:
            phrase = re.sub(r"\s+(?:y|e|o)$", "", found.group(1).strip(" ,."))
            return phrase[:1].upper() + phrase[1:] if phrase else None
    return None


def measure_text(
    baseline: str | None, baseline_year: int | None, target: str | None, year: int | None
) -> str:
    if baseline and target:
        return t.TARGET_MEASURE.format(
            baseline=baseline, baseline_year=baseline_year, target=target, target_year=year
        )
    if target:
        return f"{t.TARGET_YEAR_ONLY.format(year=year)}: {target}"
    return f"{baseline} ({baseline_year})"


SIBLING_CHARS = 300
"""How much of each other action of a policy axis its item's card shows."""

Card = Callable[[PlanView, Any, Doc, tuple[Match, ...]], Answer]
LineOf = Callable[[PlanView, Any, Doc], str]


@dataclass(frozen=True, slots=True)
class RecordKind:
    card: Card
    line: LineOf
    bare_line: LineOf | None = None
    """The one-line form without the temática, for a list whose members all share one (it is
    said once above them instead of on every line)."""


@dataclass(frozen=True, slots=True)
class ListSpec:
    """A whole list of the plan: the kind of the documents that make it up (its title is the
    edition's ``LIST_TITLES`` entry of the same id)."""

    doc_kind: str
    noun: str
    """How the answer names one member when counting ("proyectos")."""


# Cards ------------------------------------------------------------------------------------------
def project_card(view: PlanView, p: Project, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    lines: list[Line] = [p.name]
    if p.zona:
        lines.append(Fact(t.FACT_ZONA, str(p.zona)))
    if p.place:
        lines.append(Fact(t.FACT_PLACE, p.place))
    lines.append(Fact(view.texts.FACT_AMOUNT, format_q(p.amount)))
    lines.append(Fact(t.FACT_OBSERVATION, p.observation))
    lines.append(Fact(t.FACT_FUNDED_BY, t.PROJECT_FUNDER))
    if not p.in_total and view.plan.projects:
        lines.append(t.PROJECT_AFTER_TOTAL.format(total=format_q(view.projects_total())))
    follow = [FollowUp(t.BTN_ZONA.format(n=p.zona), f"zona:{p.zona}")] if p.zona else []
    follow.append(FollowUp(t.BTN_PROJECTS, "lista:projects"))
    return Answer(
        t.PROJECT_TITLE.format(snip=p.snip),
        tuple(lines),
        follow_ups=tuple(follow),
        source=view.texts.cite(p.section),
        matches=matches or (Match(f"project:{p.snip}", "project", p.name, 1.0),),
        kind="project",
        zona=p.zona,
    )


def tematica_card(view: PlanView, tm: Tematica, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    objectives = [o.text for o in view.plan.objectives if o.tematica == tm.id]
    targets = [view.target_line(r) for r in view.plan.targets if r.tematica == tm.id]
    lines: list[Line] = [Fact(t.FACT_EJE, tm.eje), Fact(t.FACT_LINKS, ", ".join(tm.pnd + tm.ods))]
    sections = [(t.TEMATICA_OBJECTIVES, tuple(objectives))]
    if targets:
        sections.append((view.texts.TEMATICA_TARGETS, tuple(targets)))
    return Answer(
        tm.name,
        tuple(lines),
        follow_ups=(
            FollowUp(view.texts.BTN_TARGETS, f"metas:{tm.id}"),
            FollowUp(t.BTN_TEMATICAS, "lista:tematicas"),
        ),
        source=view.texts.cite(tm.section),
        matches=matches,
        kind="tematica",
        sections=tuple(sections),
    )


def target_card(view: PlanView, r: Target, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    name = view.tematica_name(r.tematica)
    lines: list[Line] = [
        measure_text(m.baseline, m.baseline_year, m.target, m.target_year)
        for m in r.measures
        if m.baseline or m.target
    ]
    lines.append(r.text)
    return Answer(
        view.texts.TARGET_TITLE.format(tematica=name),
        tuple(lines),
        follow_ups=(FollowUp(name, f"tema:{r.tematica}"),),
        source=view.texts.cite(r.section),
        matches=matches,
        kind="target",
    )


def funding_card(view: PlanView, f: FundingSource, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    lines: list[Line] = [
        Fact(view.texts.FACT_AVAILABLE, format_q(f.available)),
        Fact(t.FACT_INVESTMENT, f"{format_q(f.investment)} ({format_pct(f.investment_pct)})"),
        Fact(t.FACT_OPERATING, f"{format_q(f.operating)} ({format_pct(f.operating_pct)})"),
    ]
    if view.plan.funding_total:
        lines.append(Fact(view.texts.FUNDING_TOTAL_TITLE, format_q(view.plan.funding_total.available)))
    return Answer(
        view.texts.FUNDING_TITLE.format(source=f.source),
        tuple(lines),
        follow_ups=(FollowUp(t.BTN_FUNDING, "lista:funding"),),
        source=view.texts.cite(f.section),
        matches=matches,
        kind="funding",
    )


def actor_card(view: PlanView, a: Actor, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    lines: list[Line] = [
        Fact(t.FACT_ROLE, a.role),
        Fact(t.FACT_INFLUENCE_DECISIONS, a.influence_decisions),
        Fact(t.FACT_INFLUENCE_IMPLEMENTATION, a.influence_implementation),
    ]
    return Answer(a.name, tuple(lines), source=view.texts.cite(a.section), matches=matches, kind="actor")


def actor_line(a: Actor) -> str:
    """An actor as a list line: its name, role and both grades of influence."""
    return t.ACTOR_LINE.format(
        name=a.name,
        role=a.role,
        decisions=a.influence_decisions.lower(),
        implementation=a.influence_implementation.lower(),
    )


def law_card(view: PlanView, law: Law, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    lines: list[Line] = [Fact(t.LAW_DECREE, law.decree)] if law.decree else []
    if law.description:
        lines.append(shorten(law.description, 700))
    return Answer(law.name, tuple(lines), source=view.texts.cite(law.section), matches=matches, kind="law")


def statement_card(view: PlanView, s: Statement, doc: Doc, matches: tuple[Match, ...]) -> Answer:
    if not s.text:
        return Answer(
            t.GAP_TITLE,
            (t.GAP_LINE.format(title=s.title),),
            source=view.texts.cite(s.section),
            confident=False,
            kind="gap",
            matches=matches,
        )
    return Answer(s.title, (s.text,), source=view.texts.cite(s.section), matches=matches, kind=doc.kind)


def policy_item_card(
    view: PlanView, record: tuple[Any, ...], _doc: Doc, matches: tuple[Match, ...]
) -> Answer:
    policy, axis, item, elsewhere = record
    assert isinstance(policy, Policy)
    assert isinstance(axis, PolicyAxis)
    lines: list[Line] = [str(item), _axis_line(axis)]
    siblings = tuple(shorten(i, SIBLING_CHARS) for i in axis.items if i != item)
    sections = ((t.POLICY_AXIS_MORE, siblings),) if siblings else ()
    return _policy_answer(
        view, policy, lines, matches, "policy_item", (*sections, *_same_axis_sections(elsewhere))
    )


def _axis_line(axis: PolicyAxis) -> str:
    return t.POLICY_AXIS.format(axis=" / ".join(x for x in (axis.national_axis, axis.axis) if x))


def _policy_answer(
    view: PlanView,
    policy: Policy,
    lines: list[Line],
    matches: tuple[Match, ...],
    kind: str,
    sections: tuple[tuple[str, tuple[str, ...]], ...],
) -> Answer:
    """A card about a part of a security policy, titled and cited by the policy."""
    return Answer(
        sentence(policy.name),
        tuple(lines),
        source=view.texts.cite(policy.section),
        matches=matches,
        kind=kind,
        sections=sections,
    )


def _same_axis_sections(
    elsewhere: tuple[tuple[Policy, PolicyAxis], ...],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What the other policies say of an axis of the same name (see documents._same_axis_elsewhere)."""
    return tuple(
        (
            t.POLICY_AXIS_ELSEWHERE.format(policy=sentence(other.name)),
            tuple(x for x in (same.objective, *same.items) if x),
        )
        for other, same in elsewhere
    )


def policy_axis_card(
    view: PlanView, record: tuple[Any, ...], _doc: Doc, matches: tuple[Match, ...]
) -> Answer:
    """An axis of a security policy: what it aims at, then everything it lists; then what the
    other policy says of the same programme, when one has an axis of that name."""
    policy, axis, elsewhere = record
    assert isinstance(policy, Policy)
    assert isinstance(axis, PolicyAxis)
    lines: list[Line] = [_axis_line(axis)]
    if axis.objective:
        lines.append(axis.objective)
    sections = ((t.POLICY_AXIS_ITEMS, axis.items), *_same_axis_sections(elsewhere))
    return _policy_answer(view, policy, lines, matches, "policy_axis", sections)


def text_card(view: PlanView, record: Any, doc: Doc, matches: tuple[Match, ...]) -> Answer:
    """Objectives, lines, actions, problems …: the text, its temática and its 2032 targets."""
    lines: list[Line] = [doc.title]
    follow: list[FollowUp] = []
    sections = []
    if isinstance(record, StrategicLine):  # what the line will do, before what it aims at
        actions = tuple(a.text for a in view.plan.action_lines if a.strategic_line == record.id)
        if actions:
            sections.append((t.LINE_ACTIONS, actions))
    if doc.tematica:
        name = view.tematica_name(doc.tematica)
        lines.append(t.LINE_OF_TEMATICA.format(tematica=name))
        follow.append(FollowUp(name, f"tema:{doc.tematica}"))
        targets = view.targets_for(record)
        if targets:
            sections.append((view.texts.TEMATICA_TARGETS, tuple(view.target_line(r) for r in targets)))
    return Answer(
        sentence(view.texts.KIND_TITLES.get(doc.kind, t.KIND_OTHER)),
        tuple(lines),
        follow_ups=tuple(follow),
        source=view.texts.cite(getattr(record, "section", ())),
        matches=matches,
        kind=doc.kind,
        sections=tuple(sections),
    )


def policy_card(view: PlanView, policy: Policy, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    """A security policy: its general and specific objectives, then its axes (what each one aims at)."""
    axes = tuple(
        " / ".join(x for x in (axis.national_axis, axis.axis) if x)
        + (f": {axis.objective}" if axis.objective else "")
        for axis in policy.axes
    )
    sections = [(t.POLICY_SPECIFIC, policy.specific_objectives)] if policy.specific_objectives else []
    if axes:
        sections.append((t.POLICY_AXES, tuple(dict.fromkeys(axes))))
    return Answer(
        sentence(policy.name),
        tuple(policy.general_objectives),
        source=view.texts.cite(policy.section),
        matches=matches,
        kind="policy",
        sections=tuple(sections),
    )


def governance_card(view: PlanView, index: GovernanceIndex, _doc: Doc, matches: tuple[Match, ...]) -> Answer:
    return Answer(
        index.name, (index.text,), source=view.texts.cite(index.section), matches=matches, kind="governance"
    )


# One-line forms ---------------------------------------------------------------------------------
def _title_line(_view: PlanView, _record: Any, doc: Doc) -> str:
    return shorten(doc.title, 300)


def _item_line(_view: PlanView, record: Item, _doc: Doc) -> str:
    return record.text


KINDS: dict[str, RecordKind] = {
    "project": RecordKind(project_card, lambda v, p, _d: v.project_line(p)),
    "tematica": RecordKind(tematica_card, lambda _v, tm, _d: f"{tm.name} ({tm.eje})"),
    "target": RecordKind(
        target_card,
        lambda v, r, _d: f"{v.tematica_name(r.tematica)}: {v.target_line(r)}",
        lambda v, r, _d: v.target_line(r),
    ),
    "funding": RecordKind(
        funding_card,
        lambda _v, f, _d: t.FUNDING_ROW.format(
            source=f.source,
            available=format_q(f.available),
            investment=format_q(f.investment),
            operating=format_q(f.operating),
        ),
    ),
    "actor": RecordKind(actor_card, lambda _v, a, _d: actor_line(a)),
    "law": RecordKind(law_card, lambda _v, law, _d: law.name),
    "statement": RecordKind(statement_card, _title_line),
    "policy_item": RecordKind(policy_item_card, _title_line),
    "policy_axis": RecordKind(policy_axis_card, _title_line),
    "problem": RecordKind(text_card, _item_line),
    "potentiality": RecordKind(text_card, _item_line),
    "operational_action": RecordKind(text_card, lambda _v, i, _d: f"{i.number}. {i.text}"),
    "governance": RecordKind(governance_card, lambda _v, g, _d: f"{g.name}: {shorten(g.text, 160)}"),
    "policy": RecordKind(policy_card, lambda _v, p, _d: sentence(p.name)),
    "pom_line": RecordKind(
        text_card,
        lambda v, pl, _d: f"{sentence(pl.text)} ({v.tematica_name(pl.tematica)})",
        lambda _v, pl, _d: sentence(pl.text),
    ),
    "objective": RecordKind(
        text_card, lambda v, o, _d: f"{o.text} ({v.tematica_name(o.tematica)})", lambda _v, o, _d: o.text
    ),
    "strategic_line": RecordKind(
        text_card, lambda v, s, _d: f"{s.text} ({v.tematica_name(s.tematica)})", lambda _v, s, _d: s.text
    ),
    "action_line": RecordKind(
        text_card, lambda v, a, _d: f"{a.text} ({v.tematica_name(a.tematica)})", lambda _v, a, _d: a.text
    ),
}
DEFAULT_KIND = RecordKind(text_card, _title_line)


def kind_of(doc_kind: str) -> RecordKind:
    return KINDS.get(doc_kind, DEFAULT_KIND)


LISTS: dict[str, ListSpec] = {
    "projects": ListSpec("project", "proyectos"),
    "funding": ListSpec("funding", "fuentes de financiamiento"),
    "problems": ListSpec("problem", "problemáticas"),
    "potentialities": ListSpec("potentiality", "potencialidades"),
    "actors": ListSpec("actor", "actores"),
    "laws": ListSpec("law", "leyes y normas"),
    "operational_actions": ListSpec("operational_action", "acciones operativas"),
    "tematicas": ListSpec("tematica", "temáticas"),
    "targets": ListSpec("target", "metas"),
    "objectives": ListSpec("objective", "objetivos"),
    "strategic_lines": ListSpec("strategic_line", "líneas estratégicas"),
    "action_lines": ListSpec("action_line", "líneas de acción"),
    "pom_lines": ListSpec("pom_line", "líneas estratégicas del POM"),
    "governance": ListSpec("governance", "índices"),
    "policies": ListSpec("policy", "políticas"),
}


def list_members(docs: Sequence[Doc], spec: ListSpec) -> list[Doc]:
    return [d for d in docs if d.kind == spec.doc_kind]
