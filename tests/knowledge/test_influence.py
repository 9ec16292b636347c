"""The actors' influence (the analysis of actors grades each Alto / Medio / Bajo in the decisions
and in the PDM-OT's implementation): lists by grade with their count first, the grade asked as
"más peso", misspellings, chatter, and two actors compared. Grades checked here were read in the
plan's table."""

from __future__ import annotations

import pytest

from knowledge.answers import Answerer
from knowledge.influence import actors_named, distinctive_stems, grade
from knowledge.render import to_plain
from knowledge.text import content_words, fold, stem

LEAD = 400
HIGH_IN_DECISIONS = ("CONSEJOS COMUNITARIOS", "EMPRESARIOS", "MINISTERIO DE AMBIENTE", "VECINOS")


def text_of(answerer: Answerer, question: str) -> str:
    return to_plain(answerer.answer(question))


@pytest.mark.parametrize(
    "question",
    [
        "cuantos actores tienen influencia alta en la toma de decisiones",
        "cuales actores tienen influencia alta en la toma de desiciones",  # misspelt
        "a quien le hace caso la muni, quienes tienen mas peso en las desiciones segun el analisis d actores",
        "actores con mayor influencia en las decisiones",
    ],
)
def test_the_actors_of_a_grade_are_counted_and_named_first(answerer: Answerer, question: str) -> None:
    text = text_of(answerer, question)
    lead = text[:LEAD]
    assert "4 de los 50 actores tienen influencia alta en la toma de decisiones" in lead
    assert all(name in lead for name in HIGH_IN_DECISIONS)
    assert "INTECAP" not in text  # bajo/bajo
    assert "CONAP" not in text  # medio in the decisions, alto only in the implementation


def test_less_influence_is_the_lowest_grade(answerer: Answerer) -> None:
    text = text_of(answerer, "que actores tienen menos influencia en la implementacion")
    assert "16 de los 50 actores tienen influencia baja en la implementación del PDM-OT" in text
    assert "INTECAP" in text
    assert "VECINOS" not in text


def test_many_actors_of_a_grade_are_counted_not_named_in_the_lead(answerer: Answerer) -> None:
    lines = text_of(answerer, "que actores tienen influencia media en la implementacion").splitlines()
    assert lines[1] == "26 de los 50 actores tienen influencia media en la implementación del PDM-OT:"


def test_two_actors_named_by_trade_are_compared_in_both_places(answerer: Answerer) -> None:
    text = text_of(answerer, "tienen mas influencia los transportistas o los taxistas en el plan?")
    lines = text.splitlines()
    assert lines[1].startswith("En la toma de decisiones pesa más GREMIAL DE TRANSPORTISTAS EN MIXCO")
    assert "influencia media" in lines[1]
    assert "TAXISTAS ROTATIVOS Y ESTACIONARIOS (baja)" in lines[1]
    assert lines[2].startswith("En la implementación del PDM-OT pesa más GREMIAL DE TRANSPORTISTAS")
    assert "influencia alta" in lines[2]


def test_the_place_asked_is_the_only_one_compared(answerer: Answerer) -> None:
    text = text_of(answerer, "conap o inab, quien tiene mas influensia en la implementacion")
    lines = text.splitlines()
    assert lines[1].startswith("En la implementación del PDM-OT pesa más CONAP")
    assert "INAB - Instituto Nacional de Bosques (media)" in lines[1]
    assert "toma de decisiones pesa" not in text


def test_actors_of_the_same_grade_are_said_to_weigh_the_same(answerer: Answerer) -> None:
    text = text_of(answerer, "quien pesa mas en las decisiones, los vecinos o los empresarios")
    assert text.splitlines()[1] == "En la toma de decisiones tienen la misma influencia: alta."


def test_an_actor_is_named_only_by_a_word_no_other_actor_has(answerer: Answerer) -> None:
    actors = answerer.plan.actors
    own = distinctive_stems(actors, frozenset())
    asked = frozenset(stem(w) for w in content_words(fold("el ministerio y la gremial")))
    assert actors_named(actors, own, asked) == []  # words many actors' names share name none
    asked = frozenset(stem(w) for w in content_words(fold("los taxistas")))
    assert [a.number for a in actors_named(actors, own, asked)] == [14]


def test_grades_read_as_the_table_writes_them() -> None:
    assert grade("Alto") > grade("Medio") > grade("Baja") == grade("Bajo") > grade("")
