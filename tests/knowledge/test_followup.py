"""Follow-ups combine with the previous question."""

from __future__ import annotations

from knowledge.followup import ChatContext, is_follow_up, resolve


def test_new_zona_replaces_the_old_one() -> None:
    context = ChatContext(question="proyectos de agua en la zona 6", zona=6)
    assert resolve("¿y en la zona 10?", context) == "proyectos de agua en la zona 10"


def test_zona_is_added_when_the_question_had_none() -> None:
    assert resolve("y en la z4", ChatContext(question="pozos")) == "pozos zona 4"


def test_project_follow_up_goes_back_to_the_project() -> None:
    context = ChatContext(question="pozo san jose las rosas", snip="206148")
    assert resolve("¿y cuánto cuesta?", context) == "proyecto 206148"


def test_a_full_question_is_left_alone() -> None:
    context = ChatContext(question="zona 6", zona=6)
    assert (
        resolve("¿Cuál es la visión de la municipalidad?", context)
        == "¿Cuál es la visión de la municipalidad?"
    )
    assert not is_follow_up(
        "y entonces que pasa con todos los proyectos de agua de la zona diez del municipio"
    )


def test_no_context_no_change() -> None:
    assert resolve("¿y en la zona 10?", ChatContext()) == "¿y en la zona 10?"
