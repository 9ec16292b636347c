"""Questions asked relative to one thing (set aside: "aparte de X, ¿hay otro?"; ranked past:
"después de X, ¿cuál es el más caro?"), places in a ranking ("el penúltimo"), two projects
compared by their places, and which set a superlative over projects ranks (the table's TOTAL
sums 7 of its 8 rows). Expected records are read from the plan's rows, not from the answerer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.answer_types import format_q
from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan, Project
from knowledge.ranks import Place, asks_from_the_end, place_asked
from knowledge.relative import set_aside
from knowledge.render import to_plain
from knowledge.text import fold

LEAD = 400


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


@pytest.fixture(scope="module")
def answerer(plan: Plan) -> Answerer:
    return Answerer(plan)


def lead_of(answerer: Answerer, question: str) -> str:
    return to_plain(answerer.answer(question))[:LEAD]


def snips_in(plan: Plan, text: str) -> set[str]:
    return {p.snip for p in plan.projects if p.snip in text}


def by_place(plan: Plan, words: str) -> Project:
    """The one project whose row's place has all these words (how a resident names it)."""
    found = [p for p in plan.projects if all(w in fold(p.place or "") for w in words.split())]
    assert len(found) == 1, words
    return found[0]


def by_amount(projects: list[Project], *, highest: bool = True) -> list[Project]:
    return sorted(projects, key=lambda p: p.amount, reverse=highest)


# Set aside ----------------------------------------------------------------------------------------
def test_what_is_set_aside_runs_to_the_punctuation() -> None:
    aside = set_aside(fold("fuera del pozo de San José las Rosas, ¿hay otro proyecto en la zona 6?"))
    assert aside is not None
    assert aside.named == "pozo de san jose las rosas"  # six words: the whole place, not its first five
    assert "zona 6" in aside.rest
    assert "rosas" not in aside.rest
    assert not aside.after
    after = set_aside(fold("después del de Sacoj cuál es el más caro"))
    assert after is not None
    assert after.after
    assert after.named == "de sacoj"
    assert set_aside(fold("¿cuánto cuesta el pozo de Sacoj?")) is None


@pytest.mark.parametrize(
    ("question", "named_place", "zona"),
    [
        ("fuera del de la Marilú, ¿hay algún otro proyecto en la zona 10?", "marilu", 10),
        ("sin contar el pozo de la finca El Chiquirín, ¿qué otro hay en la zona 6?", "chiquirin", 6),
        ("además del de San José las Rosas, ¿queda otro en la zona seis?", "jose rosas", 6),
        ("aparte del barrio San Antonio, hay otra obra en la z10?", "antonio", 10),
    ],
)
def test_besides_a_project_named_by_its_place_the_others_of_the_zona_lead(
    plan: Plan, answerer: Answerer, question: str, named_place: str, zona: int
) -> None:
    named = by_place(plan, named_place)
    others = {p.snip for p in plan.projects if p.zona == zona and p is not named}
    answer = answerer.answer(question)
    text = to_plain(answer)[:LEAD]
    assert answer.confident
    assert snips_in(plan, text) == others  # the other(s) lead; the one set aside is named by its place
    assert named.place
    assert named.place in text


def test_besides_the_only_project_of_a_zona_says_there_is_no_other(plan: Plan, answerer: Answerer) -> None:
    only = by_place(plan, "primero julio")
    assert [p for p in plan.projects if p.zona == only.zona] == [only]
    answer = answerer.answer("aparte del parque de la colonia Primero de Julio, ¿hay otro en la zona 5?")
    text = to_plain(answer)[:LEAD]
    assert text.split("\n", 2)[1].startswith("No:")
    assert "no lista otro proyecto" in text
    assert only.snip in text
    assert answer.confident


def test_besides_a_project_with_a_kind_of_work_keeps_to_that_kind(plan: Plan, answerer: Answerer) -> None:
    named = by_place(plan, "sacoj")
    wells = {p.snip for p in plan.projects if "pozo" in fold(p.name) and p is not named}
    text = lead_of(answerer, "aparte del pozo de Sacoj, ¿tienen otros pozos?")
    assert wells
    assert wells <= snips_in(plan, text)
    assert named.snip not in text


def test_besides_a_funding_source_the_others_lead(plan: Plan, answerer: Answerer) -> None:
    iusi = next(f for f in plan.funding if "iusi" in fold(f.source))
    text = lead_of(answerer, "¿hay otra fuente de dinero además del IUSI?")
    assert text.split("\n", 2)[1].startswith("Sí:")
    assert all(f.source in text for f in plan.funding if f is not iusi)
    assert f"{len(plan.funding) - 1} fuentes de financiamiento más" in text


def test_besides_a_zona_the_other_zonas_with_projects(plan: Plan, answerer: Answerer) -> None:
    others = sorted({p.zona for p in plan.projects if p.zona and p.zona != 6})
    text = lead_of(answerer, "fuera de la zona 6, ¿en qué otras zonas hay obras?")
    assert "Aparte de la zona 6" in text
    assert all(f"{n}" in text for n in others)


@pytest.mark.parametrize(
    "question",
    [
        "aparte de eso, ¿hay otro proyecto?",  # nothing the plan names is set aside
        "aparte del agua, ¿qué otros proyectos hay?",  # a kind of work, not one project: the list filters
        "además del IUSI, ¿cuánto aporta el situado?",  # no "otro": a question about the situado
    ],
)
def test_what_is_not_one_named_thing_is_not_answered_as_the_others(answerer: Answerer, question: str) -> None:
    text = lead_of(answerer, question)
    assert "aparte del proyecto de" not in text.lower()
    assert "además de Fondos de IUSI, el plan lista" not in text


# Ranked past or in a place ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stem", "place"),
    [
        ("el segundo más caro", Place(1)),
        ("la 3ra fuente que más aporta", Place(2)),
        ("el quinto proyecto con más dinero", Place(4)),
        ("el penúltimo proyecto en monto", Place(1, from_end=True)),
        ("la última en dinero", Place(0, from_end=True)),
        ("el antepenúltimo en plata", Place(2, from_end=True)),
        ("el tanque de la 4ta. calle", Place(0)),  # an address, not a place in a ranking
        ("de 3 a 5 millones", Place(0)),
        ("cuál fue el último año", Place(0)),  # "último" before a noun it does not rank
    ],
)
def test_the_place_a_question_asks(stem: str, place: Place) -> None:
    assert place_asked(fold(stem)) == place


def test_a_place_from_the_end_ranks_only_by_money() -> None:
    assert asks_from_the_end(fold("el penúltimo proyecto en monto"))
    assert not asks_from_the_end(fold("la última fuente de la tabla"))
    assert not asks_from_the_end(fold("el segundo más caro"))


@pytest.mark.parametrize(
    ("question", "place"), [("¿cuál es el 3er proyecto más caro?", 2), ("el 2do más caro", 1)]
)
def test_a_place_from_the_top_of_the_projects(
    plan: Plan, answerer: Answerer, question: str, place: int
) -> None:
    chosen = by_amount(list(plan.projects))[place]
    text = lead_of(answerer, question)
    first = text.split("\n", 2)[1]
    assert chosen.snip in first
    assert format_q(chosen.amount) in first
    assert f"Puesto {place + 1} de {len(plan.projects)}, ordenados de mayor a menor monto" in text


def test_a_place_from_the_end_is_counted_from_the_least(plan: Plan, answerer: Answerer) -> None:
    chosen = by_amount(list(plan.projects), highest=False)[1]
    text = lead_of(answerer, "¿cuál es el penúltimo proyecto en dinero?")
    assert chosen.snip in text.split("\n", 2)[1]
    assert "ordenados de menor a mayor monto" in text


def test_a_place_among_the_zonas_by_their_sums(plan: Plan, answerer: Answerer) -> None:
    sums: dict[int, Decimal] = {}
    for p in plan.projects:
        if p.zona:
            sums[p.zona] = sums.get(p.zona, Decimal(0)) + p.amount
    second = sorted(sums, key=lambda z: sums[z], reverse=True)[1]
    text = lead_of(answerer, "¿cuál es la segunda zona con más dinero?")
    assert f"la zona {second}: {format_q(sums[second])}" in text.split("\n", 2)[1]


def test_a_place_among_the_funding_sources(plan: Plan, answerer: Answerer) -> None:
    third = sorted(plan.funding, key=lambda f: f.available, reverse=True)[2]
    text = lead_of(answerer, "la tercera fuente que más aporta")
    assert third.source in text.split("\n", 2)[1]
    assert f"Puesto 3 de {len(plan.funding)}" in text


def test_after_a_project_the_next_in_the_ranking(plan: Plan, answerer: Answerer) -> None:
    ranked = by_amount(list(plan.projects))
    named = by_place(plan, "sacoj")
    following = ranked[ranked.index(named) + 1]
    text = lead_of(answerer, "después del pozo de Sacoj, ¿cuál es la obra más cara?")
    first = text.split("\n", 2)[1]
    assert first.startswith("Después del")
    assert first.index(named.snip) < first.index(following.snip)
    assert format_q(following.amount) in first


def test_besides_a_project_the_top_of_the_others(plan: Plan, answerer: Answerer) -> None:
    top = by_amount(list(plan.projects))[0]
    runner_up = by_amount([p for p in plan.projects if p is not top])[0]
    text = lead_of(
        answerer, f"sin contar el de {(top.place or '').lower()}, ¿cuál proyecto tiene más dinero?"
    )
    assert runner_up.snip in text.split("\n", 2)[1]
    assert "Sin contar" in text


def test_after_the_last_there_is_none(plan: Plan, answerer: Answerer) -> None:
    last = by_amount(list(plan.projects))[-1]
    text = lead_of(
        answerer, f"después del de {(last.place or '').split(',')[-1].strip().lower()}, ¿cuál es el más caro?"
    )
    assert "no hay otro proyecto después" in text


def test_after_a_source_and_after_a_zona(plan: Plan, answerer: Answerer) -> None:
    ranked = sorted(plan.funding, key=lambda f: f.available, reverse=True)
    text = lead_of(answerer, f"después de {ranked[0].source.lower()}, ¿qué fuente da más?")
    assert ranked[1].source in text.split("\n", 2)[1]
    sums: dict[int, Decimal] = {}
    for p in plan.projects:
        if p.zona:
            sums[p.zona] = sums.get(p.zona, Decimal(0)) + p.amount
    zonas = sorted(sums, key=lambda z: sums[z])  # least first
    text = lead_of(answerer, f"después de la zona {zonas[0]}, ¿qué zona recibe menos pisto?")
    assert f"es la zona {zonas[1]}" in text.split("\n", 2)[1]


# Two projects by their places ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "a", "b"),
    [
        ("compara el de la colonia Marilú con el del barrio San Antonio", "marilu", "antonio"),
        ("compare el pozo del boulevard San Nicolás con el de Molino de las Flores", "nicolas", "molino"),
        ("compárame el de San José las Rosas con el de Sacoj", "rosas", "sacoj"),
        ("¿cuál sale más caro, el de la Primero de Julio o el de la 4ta. calle?", "julio", "4ta"),
    ],
)
def test_two_projects_compared_by_their_places(
    plan: Plan, answerer: Answerer, question: str, a: str, b: str
) -> None:
    first, second = by_place(plan, a), by_place(plan, b)
    answer = answerer.answer(question)
    text = to_plain(answer)
    assert answer.kind == "compare"
    assert answer.confident
    assert format_q(first.amount) in text
    assert format_q(second.amount) in text
    assert f"Diferencia: {format_q(abs(first.amount - second.amount))} (calculada" in text
    winner = max(first, second, key=lambda p: p.amount)
    assert winner.snip in text.split("\n", 2)[1]


def test_a_comparison_with_an_unlisted_place_is_not_made(answerer: Answerer) -> None:
    answer = answerer.answer("compara el de la colonia El Milagro con el de San Antonio")
    assert answer.kind != "compare"
    assert not answer.confident


# Which set a superlative over projects ranks ------------------------------------------------------
def test_the_least_money_names_the_one_inside_the_total_when_it_differs(
    plan: Plan, answerer: Answerer
) -> None:
    overall = by_amount(list(plan.projects), highest=False)[0]
    inside = by_amount([p for p in plan.projects if p.in_total], highest=False)[0]
    assert overall is not inside
    assert not overall.in_total
    lines = lead_of(answerer, "¿qué obra es la que tiene menos plata?").split("\n")
    assert overall.snip in lines[1]
    assert lines[2].startswith(
        f"Entre los {sum(p.in_total for p in plan.projects)} proyectos que suma el TOTAL"
    )
    assert inside.snip in lines[2]
    assert format_q(inside.amount) in lines[2]


def test_the_most_money_adds_no_line_when_the_total_agrees(plan: Plan, answerer: Answerer) -> None:
    top = by_amount(list(plan.projects))[0]
    assert top.in_total
    text = lead_of(answerer, "¿cuál es el proyecto que más dinero tiene?")
    assert top.snip in text
    assert "que suma el TOTAL" not in text


def test_a_ranking_inside_the_total_alone_adds_no_line(answerer: Answerer) -> None:
    text = lead_of(answerer, "¿cuál es el proyecto de agua más barato?")  # no water project is after it
    assert "que suma el TOTAL" not in text
