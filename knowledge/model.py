"""Typed records of the plan document.

Every record keeps ``section``: the heading path where it stands in the document, so
that answers can cite it. Amounts are ``Decimal`` so that cents survive every step;
percentages keep the precision the document writes ("70.00" stays "70.00").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from knowledge.text import year_range

LARGEST_NUMBER = 2**31 - 1
"""A plan's whole numbers (row numbers, zonas, years) are kept as 32-bit integers."""
LARGEST_AMOUNT = Decimal(2**63 - 1).scaleb(-2)
"""Amounts are kept as whole cents in a 64-bit integer: Q 92,233,720,368,547,758.07 at most."""
LONGEST_PERCENT = 32
"""Characters of a percentage as written ("52.89"), which is how it is kept."""
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""The years an edition may name."""
LONGEST_NAME = 120
"""Characters of a municipality's, a demonym's or a PDM-OT's name at most."""
MOST_ZONAS = 99


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


def edition_problem(edition: Edition) -> str | None:
    """Why an edition cannot be a plan's identity, or None."""
    years = [edition.year, edition.pdmot_horizon, *edition.pom, *(edition.pei or ())]
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        return f"año fuera de rango en la edición del plan: {years}"
    for what, name in (
        ("municipio", edition.municipality),
        ("PDM-OT", edition.pdmot),
        ("gentilicio", edition.demonym),
    ):
        if name is not None and not _plain_name(name):
            return f"nombre de {what} no válido: «{name[:LONGEST_NAME]}»"
    for name, period in (("POM", edition.pom), ("PEI", edition.pei)):
        if period is not None and period[0] > period[1]:
            return f"el periodo del {name} termina antes de empezar: {period[0]}-{period[1]}"
    zonas = edition.zonas
    if not zonas or list(zonas) != sorted(set(zonas)) or zonas[0] < 1 or zonas[-1] > MOST_ZONAS:
        return f"zonas no válidas: {list(zonas)[:10]} (números de 1 a {MOST_ZONAS}, sin repetir, en orden)"
    return None


def _plain_name(name: str) -> bool:
    """A name texts can carry as it is: not empty, not too long, no braces or angle brackets
    (templates and HTML have them)."""
    return bool(name.strip()) and len(name) <= LONGEST_NAME and not any(c in name for c in "{}<>")


Section = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Edition:
    """Which plan this is, as its document says it: every text that names the plan's year, its
    periods or its municipality takes them from here (``knowledge.catalog.texts``)."""

    municipality: str
    """ "Mixco": "Para la Municipalidad de Mixco, …" in the introduction."""
    demonym: str | None
    """The masculine singular the document uses ("mixqueño"; it writes "población mixqueña"), or None."""
    year: int
    """The POA's budget year (2024): the only year the plan has money figures for."""
    pei: tuple[int, int] | None
    """The Plan Estratégico Institucional's period (2021, 2025), when the document gives it."""
    pom: tuple[int, int]
    """The Plan Operativo Multianual's period (2024, 2028)."""
    pdmot: str
    """The PDM-OT's name ("Mixco 2032")."""
    pdmot_horizon: int
    """The year the PDM-OT's targets are for (2032)."""
    zonas: tuple[int, ...]
    """The municipality's zonas (1 to 11 for Mixco), in order."""


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
    """A "Resultado PDM-OT": what the municipality wants to reach by the PDM-OT's horizon."""

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
    amount: Decimal
    """The CODEDE's contribution in the POA's year (``Edition.year``)."""
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


LEAD_IN = "{list_id}_lead_in"
"""The id of the statement that holds the sentence a list of the document opens with ("La
planificación municipal … se sustenta en las siguientes normativas"): it says what every member
is, so its words pick none of them."""


@dataclass(frozen=True, slots=True)
class Statement:
    """A named paragraph of the plan: vision, mission, objectives, national framework."""

    id: str
    title: str
    text: str
    section: Section


@dataclass(frozen=True, slots=True)
class Plan:
    edition: Edition = field(kw_only=True)
    """Which plan this is; there is no default: a plan without one would say the wrong year."""
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
