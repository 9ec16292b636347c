"""The checks a plan must pass before it is kept (knowledge.reconcile), on Plans built directly."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from knowledge.errors import PlanFormatError
from knowledge.reconcile import (
    PrintedTotal,
    _describe_zonas,
    check_plan,
    municipality_zonas,
    projects_total_problem,
    share_matches,
)
from tests.factories import make_funding, make_plan, make_projects


def nowhere(_kind: str, _position: int | None, _field: str | None) -> None:
    """An input that cannot say where anything is."""
    return None


def named(kind: str, position: int | None, field: str | None) -> str:
    return f"{kind}/{position}/{field}"


@pytest.mark.parametrize(
    ("printed", "part", "whole", "matches"),
    [
        ("25", "75117470.09", "298040400.00", True),  # 25.20%, printed "25%" in the bundled document
        ("25.0", "75117470.09", "298040400.00", True),  # the same share as a JSON number
        ("25.2", "75117470.09", "298040400.00", True),
        ("25.1", "75117470.09", "298040400.00", False),
        ("24", "75117470.09", "298040400.00", False),
        ("97.5", "97.54", "100", True),
        ("97.5", "97.56", "100", False),
        ("70.00", "70.4", "100", True),  # trailing zeros do not count
        ("0", "0.00", "1833000.00", True),
        ("100", "0.00", "0.00", True),  # a share of nothing is not checked
    ],
)
def test_a_share_matches_to_the_decimals_it_is_written_with(
    printed: str, part: str, whole: str, matches: bool
) -> None:
    assert share_matches(Decimal(printed), Decimal(part), Decimal(whole)) is matches


def test_the_zonas_are_the_municipalitys() -> None:
    assert municipality_zonas(make_plan()) == make_plan().edition.zonas == tuple(range(1, 12))


@pytest.mark.parametrize(
    ("zonas", "said"),
    [((1, 2, 3, 4), "1 a 4"), ((1, 2, 5, 7), "1, 2, 5 y 7"), ((3,), "3"), ((2, 1), "1 y 2")],
)
def test_zonas_are_said_as_a_run_or_a_list(zonas: tuple[int, ...], said: str) -> None:
    assert _describe_zonas(zonas) == said


def test_the_projects_total_counts_only_the_projects_above_it() -> None:
    projects = make_projects()  # 4,441,894.00 + 1,856,242.37 in the total; 0.05 below it
    assert projects_total_problem(Decimal("6298136.37"), projects) is None
    assert projects_total_problem(Decimal("6298136.42"), projects) == (
        "el TOTAL de proyectos no cuadra: dice Q 6,298,136.42, pero los 2 proyectos de arriba suman "
        "Q 6,298,136.37 (diferencia Q 0.05)"
    )


def test_a_printed_total_is_checked_where_the_input_gives_one() -> None:
    wrong = PrintedTotal(Decimal("1.00"), "línea 9 «TOTAL | Q 1.00»")
    with pytest.raises(
        PlanFormatError, match=r"^línea 9 «TOTAL \| Q 1\.00»: el TOTAL de proyectos no cuadra"
    ):
        check_plan(make_plan(), nowhere, wrong)


def test_the_first_problem_in_the_documents_order_is_the_one_named() -> None:
    """Funding comes before projects in the document, and a row before the total it feeds."""
    funding = make_funding()
    broken_row = dataclasses.replace(funding[3], operating=Decimal("5400000.00"))
    negative = dataclasses.replace(make_projects()[0], amount=Decimal("-1.00"))
    plan = make_plan(funding=(*funding[:3], broken_row, *funding[4:]), projects=(negative,))
    with pytest.raises(PlanFormatError) as caught:
        check_plan(plan, named)
    assert caught.value.where == "funding/3/None"
    assert str(caught.value).startswith("funding/3/None: la fila no cuadra")


def test_an_input_that_cannot_say_where_gives_the_reason_alone() -> None:
    with pytest.raises(PlanFormatError) as caught:
        check_plan(make_plan(projects=()), nowhere)
    assert caught.value.where is None
    assert str(caught.value).startswith("el plan no trae proyectos")
