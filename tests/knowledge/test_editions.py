"""Several editions of the plan (knowledge.editions): the newest answers; a question that names a
kept older year is answered from that edition, under a note naming it; a period is no year; a
year that is not kept is refused naming the years that are; "¿qué cambió?" compares two editions;
the summary's page buttons turn its pages.

The editions are real ones made from the bundled document: the POA 2025 of
``tests/support/editions.py`` (other amounts, projects dropped and added) and the POA 2023 of
``tests/editions.py`` (project 242177 at Q 5,000,000.00)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from knowledge import catalog as t
from knowledge import editions as editions_module
from knowledge.answer_types import Answer
from knowledge.answers import Answerer
from knowledge.diff import compare_plans, for_zona
from knowledge.diff_answer import change_pages
from knowledge.editions import PlanEditions, compress
from knowledge.model import Plan
from knowledge.render import to_plain
from tests.editions import PREVIOUS_YEAR_AMOUNT
from tests.support.editions import AMOUNTS, DROPPED_PROJECTS, FUNDING_TOTAL, NEW_PROJECTS

NOTE_2024 = t.EDITION_OLDER_NOTE.format(older="POA 2024", current="POA 2025")
SNIP, (AMOUNT_2024, AMOUNT_2025) = "242177", AMOUNTS["242177"]
TOTAL_2024, TOTAL_2025 = FUNDING_TOTAL["available"]


@pytest.fixture(scope="module")
def bundled_answerer(bundled_edition: Plan) -> Answerer:
    """The bundled plan's answerer on its own: what the bot answered before editions were kept."""
    return Answerer(bundled_edition)


@pytest.fixture(scope="module")
def only_bundled(bundled_edition: Plan) -> PlanEditions:
    return PlanEditions(Answerer(bundled_edition))


@pytest.fixture(scope="module")
def two(bundled_edition: Plan, next_edition: Plan) -> PlanEditions:
    """The POA 2025 current, the POA 2024 kept (as ``Editions`` makes it on "Cargar": ``with_current``)."""
    return PlanEditions(Answerer(bundled_edition)).with_current(Answerer(next_edition))


@pytest.fixture(scope="module")
def three(bundled_edition: Plan, next_edition: Plan, previous_year_plan: Plan) -> PlanEditions:
    """The POA 2025 current, the POA 2023 and 2024 kept (its own answerers: an answerer knows
    the years kept beside it)."""
    two = PlanEditions(Answerer(bundled_edition)).with_current(Answerer(next_edition))
    return two.with_older(previous_year_plan)


def text_of(answer: Answer) -> str:
    return to_plain(answer)


def lead_of(answer: Answer) -> str:
    """The answer's first line (a change summary's counts, an older edition's note)."""
    first = answer.lines[0]
    assert isinstance(first, str)
    return first


# --- one edition ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "proyectos zona 6",
        "proyecto 242177",
        "presupuesto 2024",
        "presupuesto 2023",
        "proyectos 2024",
        "¿cuánto había en 2024 en la zona 5?",
        "proyectos multianual 2023-2025",
    ],
)
def test_with_one_edition_the_answer_is_the_current_answerers(
    only_bundled: PlanEditions, bundled_answerer: Answerer, question: str
) -> None:
    assert only_bundled.answer(question) == bundled_answerer.answer(question)


def test_with_one_edition_there_are_no_change_pages(only_bundled: PlanEditions) -> None:
    assert only_bundled.older_years == ()
    assert only_bundled.changes_page(("1",)) is None


# --- a question that names a kept older year -----------------------------------------------------


@pytest.mark.parametrize(
    "question", ["¿cuánto había en 2024 en la zona 5?", "proyectos 2024", "proyecto 242177 en 2024"]
)
def test_a_question_naming_the_kept_year_is_answered_from_that_edition_with_the_note(
    two: PlanEditions, bundled_answerer: Answerer, question: str
) -> None:
    answer = two.answer(question)
    older = bundled_answerer.answer(question)  # the POA 2024 alone, as it answered
    assert answer.lines[0] == NOTE_2024
    assert answer.lines[1:] == older.lines
    assert (answer.title, answer.items, answer.kind) == (older.title, older.items, older.kind)
    assert answer.follow_ups == ()  # its buttons would open the current edition's records


def test_the_older_editions_figures_are_the_ones_said(two: PlanEditions) -> None:
    zona_5 = text_of(two.answer("¿cuánto había en 2024 en la zona 5?"))
    dropped_in_zona_5 = next(snip for snip, zona in DROPPED_PROJECTS.items() if zona == 5)
    assert "POA 2024" in zona_5.splitlines()[1]
    assert f"SNIP {dropped_in_zona_5} · Q 375,000.00" in zona_5
    assert dropped_in_zona_5 not in text_of(two.answer("¿cuánto hay en la zona 5?"))

    projects = text_of(two.answer("proyectos 2024"))
    assert f"SNIP {SNIP} · Q {AMOUNT_2024}" in projects
    assert AMOUNT_2025 not in projects
    assert all(snip in projects for snip in DROPPED_PROJECTS)
    assert not any(snip in projects for snip in NEW_PROJECTS)

    assert TOTAL_2024 in text_of(two.answer("presupuesto 2024"))
    assert TOTAL_2025 not in text_of(two.answer("presupuesto 2024"))


def test_how_much_there_was_in_a_kept_year_is_that_editions_budget(two: PlanEditions) -> None:
    """The issue's own example: "¿cuánto había en 2024?" names nothing but the year."""
    answer = text_of(two.answer("¿cuánto había en 2024?"))
    assert NOTE_2024 in answer
    assert TOTAL_2024 in answer
    assert TOTAL_2025 not in answer
    assert TOTAL_2025 in text_of(two.answer("¿cuánto hay?"))


def test_the_current_edition_answers_when_no_older_year_is_named(two: PlanEditions) -> None:
    for question in ("proyecto 242177", "proyecto 242177 en 2025", "presupuesto 2025", "proyectos"):
        answer = two.answer(question)
        assert answer == two.current.answer(question)
        assert NOTE_2024 not in answer.lines
    assert f"Monto 2025: Q {AMOUNT_2025}" in text_of(two.answer("proyecto 242177"))
    assert TOTAL_2025 in text_of(two.answer("presupuesto 2025"))


def test_each_kept_year_answers_from_its_own_edition(three: PlanEditions) -> None:
    assert three.older_years == (2023, 2024)
    in_2023 = three.answer("proyecto 242177 en 2023")
    assert in_2023.lines[0] == t.EDITION_OLDER_NOTE.format(older="POA 2023", current="POA 2025")
    assert f"Monto 2023: Q {PREVIOUS_YEAR_AMOUNT[1]}" in text_of(in_2023)
    in_2024 = three.answer("proyecto 242177 en 2024")
    assert in_2024.lines[0] == NOTE_2024
    assert f"Monto 2024: Q {AMOUNT_2024}" in text_of(in_2024)
    assert f"Monto 2023: Q {PREVIOUS_YEAR_AMOUNT[1]}" in text_of(three.answer("proyecto 242177 en 2023"))


def test_an_older_editions_answerer_is_built_only_when_its_year_is_asked(
    bundled_edition: Plan, next_edition: Plan
) -> None:
    editions = PlanEditions(Answerer(next_edition), {2024: compress(bundled_edition)})
    assert not editions.needs_building("proyecto 242177")
    assert not editions.needs_building("proyecto 242177 en 2025")
    assert editions.needs_building("proyecto 242177 en 2024")
    editions.prepare("proyecto 242177 en 2024")
    assert not editions.needs_building("proyectos 2024")


@contextmanager
def no_gc_passes() -> Iterator[None]:
    """Only reference counts free objects meanwhile: what a reference cycle holds stays."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_an_answerer_is_freed_when_its_last_reference_goes(bundled_edition: Plan) -> None:
    with no_gc_passes():
        answerer = Answerer(bundled_edition)
        answerer.answer("proyecto 242177")
        answerer.answer("proyectos de agua en zona 6")  # a misspelling corrected: the index's memo
        freed_answerer, freed_index = weakref.ref(answerer), weakref.ref(answerer.index)
        del answerer
        assert freed_answerer() is None
        assert freed_index() is None


def test_one_older_answerer_is_resident_whichever_years_are_asked(
    bundled_edition: Plan, next_edition: Plan, previous_year_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each older year asked builds its edition's answerer; the one built before is gone by then."""
    built: weakref.WeakSet[Answerer] = weakref.WeakSet()
    alive_when_built: list[int] = []

    class Older(Answerer):
        def __init__(self, plan: Plan) -> None:
            alive_when_built.append(len(built))
            super().__init__(plan)
            built.add(self)

    monkeypatch.setattr(editions_module, "Answerer", Older)
    older = {2023: compress(previous_year_plan), 2024: compress(bundled_edition)}
    editions = PlanEditions(Answerer(next_edition), older)
    with no_gc_passes():
        for question, year in (
            ("proyecto 242177 en 2023", 2023),
            ("proyectos 2024", 2024),
            ("presupuesto 2023", 2023),
            ("proyectos 2024", 2024),
        ):
            note = t.EDITION_OLDER_NOTE.format(older=f"POA {year}", current="POA 2025")
            assert lead_of(editions.answer(question)) == note
        assert alive_when_built == [0, 0, 0, 0]
        assert len(built) == 1


# --- periods are not years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "proyectos 2021-2025",
        "plan 2024-2028",
        "¿qué dice el POM 2024\u20132028?",
        "proyectos multianual 2023-2025",
        "proyectos del 2024 al 2028",
        "metas de 2024 a 2032",
    ],
)
def test_a_period_is_not_routed_to_an_edition(two: PlanEditions, question: str) -> None:
    answer = two.answer(question)
    assert answer == two.current.answer(question)
    assert NOTE_2024 not in answer.lines


# --- a year that is not kept ---------------------------------------------------------------------


def test_a_year_not_kept_is_refused_naming_the_kept_one(two: PlanEditions) -> None:
    answer = two.answer("presupuesto 2023")
    assert answer.kind == "not_in_plan"
    assert not answer.confident
    note = t.OTHER_YEAR_KEPT.format(years="2025", older="la edición del 2024", example=2024)
    assert note in answer.lines
    assert "«presupuesto 2024»" in note
    assert TOTAL_2025 not in text_of(answer)


def test_a_year_not_kept_is_refused_naming_every_kept_one(three: PlanEditions) -> None:
    answer = three.answer("¿cuánto dinero hubo en 2022?")
    older = "las ediciones de 2023 y 2024"
    assert t.OTHER_YEAR_KEPT.format(years="2025", older=older, example=2024) in answer.lines


def test_without_older_editions_another_year_gets_the_plain_refusal(only_bundled: PlanEditions) -> None:
    assert t.OTHER_YEAR.format(years="2024") in only_bundled.answer("presupuesto 2023").lines


# --- what changed --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(bundled_edition: Plan, next_edition: Plan) -> tuple[Answer, ...]:
    """The summary of what changed from the POA 2024 to the POA 2025, as ``diff`` prints it."""
    return change_pages(compare_plans(bundled_edition, next_edition), "POA 2024", "POA 2025")


@pytest.mark.parametrize(
    "question", ["¿Qué cambió en el plan?", "¿qué hay de nuevo?", "diferencias entre 2024 y 2025"]
)
def test_what_changed_is_the_summary_from_the_kept_edition_to_the_current(
    two: PlanEditions, pages: tuple[Answer, ...], question: str
) -> None:
    answer = two.answer(question)
    assert answer == pages[0]
    lead = lead_of(answer)
    assert lead.startswith(f"Del POA 2024 al POA 2025: {len(NEW_PROJECTS)} proyectos nuevos, ")
    assert f"{len(DROPPED_PROJECTS)} proyectos dejaron de estar" in lead
    assert [f.action for f in answer.follow_ups] == [f"cambios:{n}" for n in range(2, len(pages) + 1)]


def test_whats_new_in_a_zona_is_that_zonas_changes(two: PlanEditions) -> None:
    answer = two.answer("¿qué hay de nuevo en la zona 7?")
    new_in_7 = next(snip for snip, (zona, *_) in NEW_PROJECTS.items() if zona == 7)
    assert lead_of(answer).startswith("En la zona 7, del POA 2024 al POA 2025:")
    assert f"SNIP {new_in_7}" in text_of(answer)
    assert "SNIP 301122" not in text_of(answer)  # zona 11's new project


def test_what_changed_between_two_older_years(three: PlanEditions) -> None:
    answer = three.answer("¿qué cambió del 2023 al 2024?")
    assert lead_of(answer).startswith("Del POA 2023 al POA 2024:")
    assert f"Q {PREVIOUS_YEAR_AMOUNT[1]} → Q {PREVIOUS_YEAR_AMOUNT[0]}" in text_of(answer)
    assert answer.follow_ups == ()  # the page buttons name the newest pair only


def test_what_changed_since_a_year_compares_it_with_the_current(three: PlanEditions) -> None:
    answer = three.answer("¿qué cambió desde el 2023?")
    assert lead_of(answer).startswith("Del POA 2023 al POA 2025:")
    assert f"Q {PREVIOUS_YEAR_AMOUNT[1]} → Q {AMOUNT_2025}" in text_of(answer)
    assert lead_of(three.answer("¿qué cambió?")).startswith("Del POA 2024 al POA 2025:")


def test_change_pages_are_the_summarys_pages(two: PlanEditions, pages: tuple[Answer, ...]) -> None:
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert two.changes_page((str(number),)) == page
        assert f"Página {number} de {len(pages)}." in page.lines
    assert two.changes_page((str(len(pages) + 1),)) is None


def test_a_zonas_change_pages(
    two: PlanEditions, bundled_edition: Plan, next_edition: Plan, pages: tuple[Answer, ...]
) -> None:
    zona_7 = change_pages(for_zona(compare_plans(bundled_edition, next_edition), 7), "POA 2024", "POA 2025")
    assert two.changes_page(("zona", "7", "1")) == zona_7[0]
    assert zona_7[0] != pages[0]
    assert two.changes_page(("zona", "12", "1")) is None  # Mixco has eleven zonas
