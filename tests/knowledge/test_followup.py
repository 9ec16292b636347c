"""Follow-ups combine with the previous question, or replace it when they name their own subject;
"mi zona" is the chat's zona."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge.answers import Answerer
from knowledge.followup import (
    ChatContext,
    is_follow_up,
    names_my_zona,
    resolve,
    subject_test,
    with_my_zona,
)

AFTER_CARD = ChatContext(question="proyecto 242177", zona=10, snip="242177")
AFTER_ZONA = ChatContext(question="obras en la z10", zona=10)


def never(_question: str) -> bool:
    return False


def always(_question: str) -> bool:
    return True


def test_new_zona_replaces_the_old_one() -> None:
    context = ChatContext(question="proyectos de agua en la zona 6", zona=6)
    assert resolve("¿y en la zona 10?", context, names_subject=always) == "proyectos de agua en la zona 10"


def test_zona_is_added_when_the_question_had_none() -> None:
    assert resolve("y en la z4", ChatContext(question="pozos"), names_subject=never) == "pozos zona 4"


def test_a_zona_after_a_project_card_is_that_zona(answerer: Answerer) -> None:
    question = resolve("¿y en la zona 10?", AFTER_CARD, names_subject=subject_test(answerer.answer))
    assert "242177" not in question
    answer = answerer.answer(question)
    assert (answer.kind, answer.zona) == ("zona", 10)


def test_project_follow_up_goes_back_to_the_project() -> None:
    context = ChatContext(question="pozo san jose las rosas", snip="206148")
    assert resolve("¿y cuánto cuesta?", context, names_subject=never) == "proyecto 206148"


@pytest.mark.parametrize("text", ["¿y cuánto cuesta?", "¿y cuándo termina?", "¿y la meta?", "y el avance"])
def test_a_follow_up_with_no_subject_of_its_own_asks_about_the_last_one(text: str) -> None:
    """Even when the answerer would find something for "cuesta" alone (it reads "cuentas")."""
    assert resolve(text, AFTER_CARD, names_subject=always) == "proyecto 242177"


def test_a_follow_up_that_names_its_own_subject_stands_alone() -> None:
    asked: list[str] = []

    def names_subject(question: str) -> bool:
        asked.append(question)
        return "marilu" in question

    assert resolve("¿y el de la colonia Marilú?", AFTER_CARD, names_subject=names_subject) == (
        "el de la colonia marilu"
    )
    assert resolve("¿y el de la esquina?", AFTER_CARD, names_subject=names_subject) == "proyecto 242177"
    assert asked == ["el de la colonia marilu", "el de la esquina"]


def test_another_project_after_a_card_is_that_project(answerer: Answerer) -> None:
    question = resolve("¿y el de la colonia Marilú?", AFTER_CARD, names_subject=subject_test(answerer.answer))
    answer = answerer.answer(question)
    assert answer.kind == "project"
    assert answer.matches[0].id == "project:206213"


def test_cost_after_a_zona_list_asks_for_that_zona() -> None:
    assert resolve("¿y cuánto cuesta?", AFTER_ZONA, names_subject=always) == "cuanto cuesta zona 10"


def test_a_follow_up_without_subject_after_a_topic_keeps_the_topic() -> None:
    context = ChatContext(question="Mixco seguro")
    assert resolve("¿y la meta?", context, names_subject=always) == "la meta mixco seguro"


@dataclass(frozen=True)
class FakeAnswer:
    confident: bool
    zona: int | None = None
    matches: tuple[str, ...] = ()


@pytest.mark.parametrize(
    ("answer", "names"),
    [
        (FakeAnswer(True, zona=10), True),
        (FakeAnswer(True, matches=("project:206213",)), True),
        (FakeAnswer(True), False),  # "gracias": confident, about nothing
        (FakeAnswer(False, matches=("actor:8",)), False),
    ],
)
def test_subject_test_wants_a_confident_answer_about_something(answer: FakeAnswer, names: bool) -> None:
    assert subject_test(lambda _question: answer)("lo que sea") is names


def test_a_full_question_is_left_alone() -> None:
    context = ChatContext(question="zona 6", zona=6)
    assert (
        resolve("¿Cuál es la visión de la municipalidad?", context, names_subject=always)
        == "¿Cuál es la visión de la municipalidad?"
    )
    assert not is_follow_up(
        "y entonces que pasa con todos los proyectos de agua de la zona diez del municipio"
    )


def test_no_context_no_change() -> None:
    assert resolve("¿y en la zona 10?", ChatContext(), names_subject=always) == "¿y en la zona 10?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Qué obras hay en mi zona?", "¿que obras hay en la zona 7?"),
        ("mi zona", "la zona 7"),
        ("aquí en mi colonia qué proyectos hay", "aqui en la zona 7 que proyectos hay"),
        ("¿y en mi zona?", "¿y en la zona 7?"),
    ],
)
def test_mi_zona_is_the_chats_zona(text: str, expected: str) -> None:
    assert names_my_zona(text)
    assert with_my_zona(text, 7) == expected


@pytest.mark.parametrize("text", ["en mi zona 6", "mi zona diez", "zona 6", "mis proyectos", "mizona"])
def test_a_named_zona_or_no_mi_zona_is_not_the_chats_zona(text: str) -> None:
    assert not names_my_zona(text)
