"""Bigger plans made from the real one, for measuring how the answering core scales.

``synthetic_plan(plan, factor)`` keeps every real record unchanged and in its place, then
appends ``factor - 1`` varied copies of each record list. The copies keep the plan's
structure (a copied objective points to the copied temática, a copied action line to the
copied strategic line), so every document kind grows ``factor`` times and the Answerer's
cross-references stay valid. Texts get a few words swapped with words of other records of
the same kind: the vocabulary stays the plan's Spanish, which is the hard case for an
inverted index (the posting lists grow with the plan, the vocabulary does not).

The dev questions still have their answers because the real records are all there; copies
compete with them, as similar records of a bigger plan would.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from knowledge.model import (
    ActionLine,
    Actor,
    FundingSource,
    GovernanceIndex,
    Item,
    Law,
    Objective,
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

WORD = re.compile(r"[^\W\d_]+")
"""Letters only: numbers (amounts, years, percentages) are never swapped."""
MIN_SWAP_LENGTH = 4
"""Words shorter than this are mostly articles and prepositions; swapping them adds nothing."""
ZONA_IN_NAME = re.compile(r"\b(ZONA|Zona|zona)\s+\d{1,2}\b")
SNIP_RANGE = (100_000, 990_000)
"""Six digits, below 990000 so that codes like 999999 (the dev set's unknown project) stay unknown."""
CENTS = Decimal("0.01")

R = TypeVar("R")


def synthetic_plan(plan: Plan, factor: int, seed: int = 0) -> Plan:
    """A plan ``factor`` times larger than ``plan``: the real records first, then varied copies.

    Deterministic for a given ``plan``, ``factor`` and ``seed``. ``factor=1`` returns the
    plan's records unchanged.
    """
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    rng = random.Random(seed)
    copies = range(1, factor)
    s = _Swapper(rng)

    tematica_pool = s.pool(t.name for t in plan.tematicas)
    objective_pool = s.pool(o.text for o in plan.objectives)
    line_pool = s.pool(x.text for x in plan.strategic_lines)
    action_pool = s.pool(x.text for x in plan.action_lines)
    target_pool = s.pool(x.text for x in plan.targets)
    funding_pool = s.pool(f.source for f in plan.funding)
    actor_pool = s.pool(a.name for a in plan.actors)
    law_pool = s.pool(x for law in plan.laws for x in (law.name, law.description))
    governance_pool = s.pool(x for g in plan.governance for x in (g.name, g.text))
    policy_pool = s.pool(
        x for p in plan.policies for x in (p.name, *p.general_objectives, *p.specific_objectives)
    )
    item_pool = s.pool(x for p in plan.policies for a in p.axes for x in a.items)
    pom_pool = s.pool(x.text for x in plan.pom_lines)
    statement_pool = s.pool(x for st in plan.statements for x in (st.title, st.text))
    project_pool = s.pool(p.name for p in plan.projects)
    place_pool = s.pool(p.place or "" for p in plan.projects)

    snips = _new_snips(rng, {p.snip for p in plan.projects}, len(plan.projects) * (factor - 1))
    observations = sorted({p.observation for p in plan.projects})
    project_offset = max((p.number for p in plan.projects), default=0)

    def project(p: Project, n: int, i: int) -> Project:
        zonas = plan.edition.zonas
        zona = zonas[((n - 1) * len(plan.projects) + i) % len(zonas)]
        name = ZONA_IN_NAME.sub(lambda m: f"{m.group(1)} {zona}", s.swap(p.name, project_pool))
        return replace(
            p,
            number=p.number + n * project_offset,
            snip=snips.pop(),
            name=name,
            zona=zona,
            amount=_perturb(rng, p.amount),
            observation=rng.choice(observations) if observations else p.observation,
            place=s.swap(p.place, place_pool) if p.place else p.place,
        )

    def funding(f: FundingSource, n: int) -> FundingSource:
        available = _perturb(rng, f.available)
        investment = (available * f.investment_pct / 100).quantize(CENTS)
        return replace(
            f,
            source=f"{s.swap(f.source, funding_pool)}-s{n}",
            available=available,
            investment=investment,
            operating=available - investment,
        )

    def policy(p: Policy, n: int) -> Policy:
        return replace(
            p,
            id=_sid(p.id, n),
            name=s.swap(p.name, policy_pool),
            general_objectives=tuple(s.swap(x, policy_pool) for x in p.general_objectives),
            specific_objectives=tuple(s.swap(x, policy_pool) for x in p.specific_objectives),
            axes=tuple(
                PolicyAxis(a.national_axis, a.axis, a.objective, tuple(s.swap(x, item_pool) for x in a.items))
                for a in p.axes
            ),
        )

    def tematica(t: Tematica, n: int) -> Tematica:
        return replace(t, id=_sid(t.id, n), name=s.swap(t.name, tematica_pool))

    def objective(o: Objective, n: int) -> Objective:
        return replace(o, id=_sid(o.id, n), tematica=_sid(o.tematica, n), text=s.swap(o.text, objective_pool))

    def strategic_line(x: StrategicLine, n: int) -> StrategicLine:
        return replace(
            x,
            id=_sid(x.id, n),
            tematica=_sid(x.tematica, n),
            objective=_sid(x.objective, n),
            text=s.swap(x.text, line_pool),
        )

    def action_line(x: ActionLine, n: int) -> ActionLine:
        return replace(
            x,
            id=_sid(x.id, n),
            tematica=_sid(x.tematica, n),
            strategic_line=_sid(x.strategic_line, n),
            text=s.swap(x.text, action_pool),
        )

    def target(x: Target, n: int) -> Target:
        objective_id = _sid(x.objective, n) if x.objective else None
        return replace(
            x,
            id=_sid(x.id, n),
            tematica=_sid(x.tematica, n),
            objective=objective_id,
            text=s.swap(x.text, target_pool),
        )

    actor_offset = max((a.number for a in plan.actors), default=0)

    def actor(a: Actor, n: int) -> Actor:
        return replace(a, number=a.number + n * actor_offset, name=s.swap(a.name, actor_pool))

    def law(x: Law, n: int) -> Law:  # noqa: ARG001 - laws have no id: their documents are numbered
        return replace(x, name=s.swap(x.name, law_pool), description=s.swap(x.description, law_pool))

    def governance(g: GovernanceIndex, n: int) -> GovernanceIndex:  # noqa: ARG001 - numbered too
        return replace(g, name=s.swap(g.name, governance_pool), text=s.swap(g.text, governance_pool))

    def pom_line(x: PomLine, n: int) -> PomLine:
        return replace(x, tematica=_sid(x.tematica, n), text=s.swap(x.text, pom_pool))

    def statement(x: Statement, n: int) -> Statement:
        return replace(
            x, id=_sid(x.id, n), title=s.swap(x.title, statement_pool), text=s.swap(x.text, statement_pool)
        )

    projects = list(plan.projects)
    for n in copies:
        projects.extend(project(p, n, i) for i, p in enumerate(plan.projects))

    return replace(
        plan,
        tematicas=_grow(plan.tematicas, copies, tematica),
        objectives=_grow(plan.objectives, copies, objective),
        strategic_lines=_grow(plan.strategic_lines, copies, strategic_line),
        action_lines=_grow(plan.action_lines, copies, action_line),
        targets=_grow(plan.targets, copies, target),
        funding=_grow(plan.funding, copies, funding),
        projects=tuple(projects),
        actors=_grow(plan.actors, copies, actor),
        potentialities=_grow_items(plan.potentialities, copies, s),
        problems=_grow_items(plan.problems, copies, s),
        laws=_grow(plan.laws, copies, law),
        governance=_grow(plan.governance, copies, governance),
        policies=_grow(plan.policies, copies, policy),
        pom_lines=_grow(plan.pom_lines, copies, pom_line),
        operational_actions=_grow_items(plan.operational_actions, copies, s),
        statements=_grow(plan.statements, copies, statement),
    )


class _Swapper:
    """Swaps a few words of a text with words drawn from a pool of the same kind of record."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    @staticmethod
    def pool(texts: Iterable[str]) -> tuple[str, ...]:
        """The swappable words of some texts, sorted so that the draw is deterministic."""
        return tuple(
            sorted({w.lower() for text in texts for w in WORD.findall(text) if len(w) >= MIN_SWAP_LENGTH})
        )

    def swap(self, text: str, pool: Sequence[str]) -> str:
        """``text`` with one word in six (one at least, four at most) replaced from ``pool``.

        The replacement takes the case of the word it replaces ("ALCANTARILLADO" stays upper case).
        """
        spans = [m.span() for m in WORD.finditer(text) if m.end() - m.start() >= MIN_SWAP_LENGTH]
        if not spans or len(pool) < 2:
            return text
        count = min(4, max(1, len(spans) // 6))
        chosen = sorted(self.rng.sample(spans, count), reverse=True)
        for start, end in chosen:
            old = text[start:end]
            new = self.rng.choice(pool)
            if new == old.lower():
                new = self.rng.choice(pool)
            text = text[:start] + _same_case(new, old) + text[end:]
        return text


def _same_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _sid(record_id: str, n: int) -> str:
    """The id of copy ``n`` of a record ("seguro-o3" → "seguro-o3-s2")."""
    return f"{record_id}-s{n}"


def _grow(records: tuple[R, ...], copies: range, make: Callable[[R, int], R]) -> tuple[R, ...]:
    return records + tuple(make(r, n) for n in copies for r in records)


def _grow_items(items: tuple[Item, ...], copies: range, s: _Swapper) -> tuple[Item, ...]:
    """Numbered list items: copy ``n`` continues the numbering so that document ids stay unique."""
    offset = max((i.number for i in items), default=0)
    pool = s.pool(i.text for i in items)
    return _grow(
        items, copies, lambda i, n: replace(i, number=i.number + n * offset, text=s.swap(i.text, pool))
    )


def _new_snips(rng: random.Random, taken: set[str], count: int) -> list[str]:
    """``count`` distinct six-digit SNIP codes, none of them a real one."""
    low, high = SNIP_RANGE
    codes = rng.sample(range(low, high), count + len(taken))
    fresh = [str(c) for c in codes if str(c) not in taken][:count]
    fresh.reverse()  # popped from the end: the first copy gets the first code drawn
    return fresh


def _perturb(rng: random.Random, amount: Decimal) -> Decimal:
    """The amount times a factor between 0.5 and 1.5, in cents."""
    return (amount * Decimal(rng.randint(50, 150)) / 100).quantize(CENTS)
