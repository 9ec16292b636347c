"""Refuse a plan that does not add up, before it is kept.

One set of checks on a read :class:`~knowledge.model.Plan`, called by the document parser
(``knowledge.ingest``, which names lines: «línea 1255 «7) Total…»») and by the JSON import
(``knowledge.plan_json``, which names paths: ``funding_total.available``). The input decides how a
place is named through a :data:`Place` function; the checks decide what is wrong. Every refusal
is a PlanFormatError whose message comes from the catalogue.

What is checked, in the document's order:

* the lists the bot stands on are there: projects, funding sources and the funding total;
* each funding row: no negative amount or share, investment + operating = available, and each
  share as printed matches its amount, to the decimals it is written with ("25%" is any share
  from 24.5 to 25.5, "97.5%" one from 97.45 to 97.55: the bundled document rounds Ingresos
  propios' 25.20% to "25%");
* the funding total row equals the sum of the rows, column by column (available, investment,
  operating);
* each project: a SNIP no other project has, no negative amount, a zona of the municipality;
* the projects' TOTAL row, where the document prints one (only the text knows it, so the
  parser hands it in): it equals the projects listed above it (the bundled document lists
  project 8 after its total, which is allowed: that project is simply not in it);
* the records point at records that exist (an objective's temática, an action line's strategic
  line …), which the answering index looks up by id.

Pure: no I/O, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from knowledge import catalog as t
from knowledge.errors import PlanFormatError
from knowledge.model import FundingSource, FundingTotal, Plan, Project

__all__ = [
    "Place",
    "PrintedTotal",
    "check_plan",
    "check_unique_snips",
    "municipality_zonas",
    "projects_total_problem",
    "share_matches",
]

Place = Callable[[str, int | None, str | None], str | None]
"""Where a plan list's record (or one of its fields) stands in the input: ``("funding", 3,
"investment_pct")`` → ``"línea 1252 «Ingresos propios | …»"`` or ``"funding[3].investment_pct"``;
``("projects", None, None)`` names the list itself. None where the input cannot say."""

FUNDING_COLUMNS = ("available", "investment", "operating")
SHARES = (("investment", "investment_pct"), ("operating", "operating_pct"))
HUNDRED = Decimal(100)
SHOWN_SHARE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PrintedTotal:
    """A total the document prints but the plan does not keep (the projects' TOTAL row)."""

    amount: Decimal
    place: str | None


def municipality_zonas(plan: Plan) -> tuple[int, ...]:
    """The zonas a project of ``plan`` may be in (the one place that says where they come from)."""
    return plan.edition.zonas


def check_plan(plan: Plan, place: Place, projects_total: PrintedTotal | None = None) -> None:
    """PlanFormatError for the first thing in ``plan`` that does not add up (see the module)."""
    _check_required(plan, place)
    _check_funding_rows(plan.funding, place)
    assert plan.funding_total is not None  # _check_required
    _check_funding_total(plan.funding, plan.funding_total, place)
    check_unique_snips(plan.projects, place)
    _check_projects(plan.projects, municipality_zonas(plan), place)
    if projects_total is not None:
        _raise(projects_total_problem(projects_total.amount, plan.projects), projects_total.place)
    _check_references(plan, place)


def _raise(problem: str | None, where: str | None) -> None:
    if problem is not None:
        raise PlanFormatError(problem, where)


# --- required lists ---------------------------------------------------------------------------


def _check_required(plan: Plan, place: Place) -> None:
    if not plan.projects:
        raise PlanFormatError(t.CHECK_NO_PROJECTS, place("projects", None, None))
    if not plan.funding:
        raise PlanFormatError(t.CHECK_NO_FUNDING, place("funding", None, None))
    if plan.funding_total is None:
        raise PlanFormatError(t.CHECK_NO_FUNDING_TOTAL, place("funding_total", None, None))


# --- funding ------------------------------------------------------------------------------------


def _check_funding_rows(rows: Sequence[FundingSource], place: Place) -> None:
    for position, row in enumerate(rows):
        for name in (*FUNDING_COLUMNS, "investment_pct", "operating_pct"):
            _raise(_negative(name, getattr(row, name)), place("funding", position, name))
        _raise(_parts_problem(row), place("funding", position, None))
        for amount, share in SHARES:
            _raise(_share_problem(row, amount, share), place("funding", position, share))


def _negative(name: str, value: Decimal) -> str | None:
    if value >= 0:
        return None
    shown = f"{value}%" if name.endswith("_pct") else f"Q {value:,}"
    return t.CHECK_NEGATIVE.format(what=t.CHECK_AMOUNT_NAMES[name], amount=shown)


def _parts_problem(row: FundingSource) -> str | None:
    summed = row.investment + row.operating
    if summed == row.available:
        return None
    return t.CHECK_ROW_PARTS.format(
        investment=f"{row.investment:,}",
        operating=f"{row.operating:,}",
        summed=f"{summed:,}",
        available=f"{row.available:,}",
    )


def share_matches(printed: Decimal, part: Decimal, whole: Decimal) -> bool:
    """Whether ``printed`` (a percentage as the plan writes it) is ``part`` of ``whole``, rounded
    to its decimals: "25" stands for 24.5 to 25.5, "97.5" for 97.45 to 97.55. Trailing zeros do
    not count ("70.00" is read as "70"): the JSON export writes shares as numbers, 25 as 25.0,
    and a plan must get the same answer from its document and from its export. A share of
    nothing (``whole`` 0) is not checked."""
    if whole == 0:
        return True
    decimals = min(int(printed.normalize().as_tuple().exponent), 0)
    half_a_digit = Decimal(5).scaleb(decimals - 1)
    return abs(part * HUNDRED / whole - printed) <= half_a_digit


def _share_problem(row: FundingSource, amount: str, share: str) -> str | None:
    printed: Decimal = getattr(row, share)
    part: Decimal = getattr(row, amount)
    if share_matches(printed, part, row.available):
        return None
    return t.CHECK_SHARE.format(
        what=t.CHECK_AMOUNT_NAMES[share],
        printed=printed,
        part=f"{part:,}",
        available=f"{row.available:,}",
        computed=(part * HUNDRED / row.available).quantize(SHOWN_SHARE),
    )


def _check_funding_total(rows: Sequence[FundingSource], total: FundingTotal, place: Place) -> None:
    for name in FUNDING_COLUMNS:
        printed: Decimal = getattr(total, name)
        _raise(_negative(name, printed), place("funding_total", None, name))
        summed = sum((getattr(row, name) for row in rows), Decimal("0.00"))
        if summed != printed:
            problem = t.CHECK_FUNDING_TOTAL.format(
                column=t.CHECK_COLUMN_NAMES[name],
                printed=f"{printed:,}",
                rows=len(rows),
                summed=f"{summed:,}",
                difference=f"{abs(printed - summed):,}",
            )
            raise PlanFormatError(problem, place("funding_total", None, name))


# --- projects -----------------------------------------------------------------------------------


def check_unique_snips(projects: Sequence[Project], place: Place) -> None:
    """PlanFormatError when two projects share a SNIP (staff data and the database know a
    project by it)."""
    seen: dict[str, int] = {}
    for position, project in enumerate(projects):
        if project.snip in seen:
            first = place("projects", seen[project.snip], "snip")
            problem = t.CHECK_SNIP_TWICE.format(snip=project.snip, first=first)
            raise PlanFormatError(problem, place("projects", position, "snip"))
        seen[project.snip] = position


def _check_projects(projects: Sequence[Project], zonas: Sequence[int], place: Place) -> None:
    for position, project in enumerate(projects):
        _raise(_negative("amount", project.amount), place("projects", position, "amount"))
        if project.zona is not None and project.zona not in zonas:
            problem = t.CHECK_ZONA.format(zona=project.zona, zonas=_describe_zonas(zonas))
            raise PlanFormatError(problem, place("projects", position, "zona"))


def _describe_zonas(zonas: Sequence[int]) -> str:
    """ "1 a 11" for a run of zonas, else "1, 2, 5 y 7"."""
    ordered = sorted(zonas)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]} a {ordered[-1]}"
    words = [str(z) for z in ordered]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} y {words[-1]}"


def projects_total_problem(printed: Decimal, projects: Sequence[Project]) -> str | None:
    """Why a projects' TOTAL row that prints ``printed`` does not add up, or None: it must equal
    the projects above it (those ``in_total``)."""
    counted = [p.amount for p in projects if p.in_total]
    summed = sum(counted, Decimal("0.00"))
    if summed == printed:
        return None
    return t.CHECK_PROJECTS_TOTAL.format(
        printed=f"{printed:,}",
        rows=len(counted),
        summed=f"{summed:,}",
        difference=f"{abs(printed - summed):,}",
    )


# --- references between records -------------------------------------------------------------------

_REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("objectives", "tematica", "tematicas"),
    ("strategic_lines", "tematica", "tematicas"),
    ("strategic_lines", "objective", "objectives"),
    ("action_lines", "tematica", "tematicas"),
    ("action_lines", "strategic_line", "strategic_lines"),
    ("targets", "tematica", "tematicas"),
    ("targets", "objective", "objectives"),
    ("pom_lines", "tematica", "tematicas"),
)
"""(list, field, the list whose ids it names); a None reference (a target without objective) is fine."""


def _check_references(plan: Plan, place: Place) -> None:
    ids = {
        name: {r.id for r in getattr(plan, name)} for name in ("tematicas", "objectives", "strategic_lines")
    }
    for list_name, field, target in _REFERENCES:
        for position, record in enumerate(getattr(plan, list_name)):
            ref = getattr(record, field)
            if ref is not None and ref not in ids[target]:
                problem = t.CHECK_UNKNOWN_REFERENCE.format(what=t.CHECK_REFERENCE_NAMES[field], ref=ref)
                raise PlanFormatError(problem, place(list_name, position, field))
