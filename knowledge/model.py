"""Typed records of the plan document.

Every record keeps ``section``: the heading path where it stands in the document, so
that answers can cite it. Amounts are ``Decimal`` so that cents survive every step;
percentages keep the precision the document writes ("70.00" stays "70.00").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from knowledge.text import year_range

ZONAS: tuple[int, ...] = tuple(range(1, 12))
"""Mixco has zonas 1 to 11."""

LARGEST_NUMBER = 2**31 - 1
"""A plan's whole numbers (row numbers, zonas, years) are kept as 32-bit integers."""
LARGEST_AMOUNT = Decimal(2**63 - 1).scaleb(-2)
"""Amounts are kept as whole cents in a 64-bit integer: Q 92,233,720,368,547,758.07 at most."""
LONGEST_PERCENT = 32
"""Characters of a percentage as written ("52.89"), which is how it is kept."""


def number_problem(value: int) -> str | None:
    """Why a whole number cannot be part of a plan, or None."""
    if -LARGEST_NUMBER - 1 <= value <= LARGEST_NUMBER:
        return None
    return f"número fuera de rango: {value} (máximo {LARGEST_NUMBER})"


def amount_problem(value: Decimal) -> str | None:
    """Why an amount cannot be part of a plan, or None."""
    if abs(value) <= LARGEST_AMOUNT:
        return None
    return f"monto fuera de rango: Q {value:,} (máximo Q {LARGEST_AMOUNT:,})"


def percent_problem(value: Decimal) -> str | None:
    """Why a percentage cannot be part of a plan, or None."""
    return None if len(str(value)) <= LONGEST_PERCENT else f"porcentaje con demasiadas cifras: {value}"


Section = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tematica:
    id: str
    eje: str
    name: str
    pnd: tuple[str, ...]
    ods: tuple[str, ...]
    section: Section


@dataclass(frozen=True, slots=True)
class Objective:
    id: str
    tematica: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class StrategicLine:
    id: str
    tematica: str
    objective: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class ActionLine:
    id: str
    tematica: str
    strategic_line: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class Measure:
    """One "De X en el AAAA a Y en el AAAA" pair inside a target's text."""

    baseline: str | None
    baseline_year: int | None
    target: str | None
    target_year: int | None


@dataclass(frozen=True, slots=True)
class Target:
    """A "Resultado PDM-OT": what Mixco wants to reach by 2032."""

    id: str
    tematica: str
    objective: str | None
    text: str
    measures: tuple[Measure, ...]
    section: Section

    @property
    def baseline(self) -> str | None:
        return self.measures[0].baseline if self.measures else None

    @property
    def baseline_year(self) -> int | None:
        return self.measures[0].baseline_year if self.measures else None

    @property
    def target(self) -> str | None:
        return self.measures[0].target if self.measures else None

    @property
    def target_year(self) -> int | None:
        return self.measures[0].target_year if self.measures else None


@dataclass(frozen=True, slots=True)
class FundingSource:
    source: str
    available: Decimal
    investment: Decimal
    investment_pct: Decimal
    operating: Decimal
    operating_pct: Decimal
    section: Section


@dataclass(frozen=True, slots=True)
class FundingTotal:
    available: Decimal
    investment: Decimal
    operating: Decimal


@dataclass(frozen=True, slots=True)
class Project:
    """A project with CODEDE funding (Consejo Departamental de Desarrollo)."""

    number: int
    snip: str
    name: str
    zona: int | None
    amount_2024: Decimal
    observation: str
    place: str | None
    in_total: bool
    section: Section

    @property
    def period(self) -> tuple[int, int] | None:
        """The multi-year period of the observation ("MULTIANUAL 2021-2024"), if any."""
        return year_range(self.observation)


@dataclass(frozen=True, slots=True)
class Actor:
    number: int
    name: str
    role: str
    influence_decisions: str
    influence_implementation: str
    section: Section


@dataclass(frozen=True, slots=True)
class Item:
    """A numbered item of a plain list (potentialities, problems, operational actions)."""

    number: int
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class Law:
    name: str
    decree: str | None
    description: str
    section: Section


@dataclass(frozen=True, slots=True)
class GovernanceIndex:
    name: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class PolicyAxis:
    national_axis: str | None
    axis: str
    objective: str | None
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    general_objectives: tuple[str, ...]
    specific_objectives: tuple[str, ...]
    axes: tuple[PolicyAxis, ...]
    section: Section


@dataclass(frozen=True, slots=True)
class PomLine:
    eje: str
    tematica: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class Statement:
    """A named paragraph of the plan: vision, mission, objectives, national framework."""

    id: str
    title: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class Plan:
    tematicas: tuple[Tematica, ...] = ()
    objectives: tuple[Objective, ...] = ()
    strategic_lines: tuple[StrategicLine, ...] = ()
    action_lines: tuple[ActionLine, ...] = ()
    targets: tuple[Target, ...] = ()
    funding: tuple[FundingSource, ...] = ()
    funding_total: FundingTotal | None = None
    projects: tuple[Project, ...] = ()
    actors: tuple[Actor, ...] = ()
    potentialities: tuple[Item, ...] = ()
    problems: tuple[Item, ...] = ()
    laws: tuple[Law, ...] = ()
    governance: tuple[GovernanceIndex, ...] = ()
    policies: tuple[Policy, ...] = ()
    pom_lines: tuple[PomLine, ...] = ()
    operational_actions: tuple[Item, ...] = ()
    statements: tuple[Statement, ...] = ()
    ejes: tuple[str, ...] = field(default=())

    def statement(self, statement_id: str) -> Statement | None:
        return next((s for s in self.statements if s.id == statement_id), None)

    def tematica(self, tematica_id: str) -> Tematica | None:
        return next((t for t in self.tematicas if t.id == tematica_id), None)

    def project(self, snip: str) -> Project | None:
        return next((p for p in self.projects if p.snip == snip), None)
