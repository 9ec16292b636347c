"""Which questions ask what changed between editions, and what the bot says to them when it has
only one edition (knowledge.editions)."""

from __future__ import annotations

import pytest

from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.editions import PlanEditions
from knowledge.model import Plan


@pytest.fixture(scope="module")
def only_bundled(bundled_edition: Plan) -> PlanEditions:
    return PlanEditions(Answerer(bundled_edition))


@pytest.fixture(scope="module")
def bundled_kept(bundled_edition: Plan, next_edition: Plan) -> PlanEditions:
    """The next edition current, the bundled one kept as the older edition."""
    return PlanEditions(Answerer(bundled_edition)).with_current(Answerer(next_edition))


@pytest.mark.parametrize("question", ["¿Qué cambió en el plan?", "que cambios hay", "novedades del poa"])
def test_with_one_edition_a_change_question_says_there_is_nothing_to_compare(
    only_bundled: PlanEditions, question: str
) -> None:
    answer = only_bundled.answer(question)
    assert not answer.confident
    assert answer.lines[0] == t.CHANGES_ONE_EDITION.format(label="POA 2024")


def test_with_one_edition_whats_new_in_a_zona_says_so_then_shows_the_zona(only_bundled: PlanEditions) -> None:
    answer = only_bundled.answer("que hay de nuevo en la zona 6")
    assert answer.lines[0] == t.CHANGES_ONE_EDITION.format(label="POA 2024")
    assert answer.zona == 6
    assert "273703" in " ".join(answer.items)


@pytest.mark.parametrize(
    "question",
    [
        "cual es la diferencia entre lo que va a inversion y lo de funcionamiento",
        "¿qué acciones hay contra el cambio climático?",
        "diferencia entre el IUSI y el IVA PAZ",
    ],
)
def test_questions_with_change_words_about_other_things_answer_from_the_current_plan(
    bundled_kept: PlanEditions, question: str
) -> None:
    assert bundled_kept.answer(question) == bundled_kept.current.answer(question)


@pytest.mark.parametrize(
    "question",
    ["¿qué cambió en el plan?", "diferencias entre los planes", "cambios en mi zona 7", "qué cambios hay"],
)
def test_change_questions_compare_the_kept_edition_with_the_current(
    bundled_kept: PlanEditions, question: str
) -> None:
    answer = bundled_kept.answer(question)
    assert "POA 2024" in answer.title
    assert "POA 2025" in answer.title
