"""Every text a person reads names the plan's year, periods and municipality as its edition
says: a 2025 edition never says 2024, another municipality's plan never says Mixco, and the
questions that name the municipality are read with the edition's name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from knowledge import catalog
from knowledge.answers import Answer, Answerer
from knowledge.catalog import EditionTexts, texts
from knowledge.charts import chart_specs
from knowledge.glossary import glossary
from knowledge.ingest import load_bundled_plan, parse_plan
from knowledge.kinds import LISTS
from knowledge.model import Plan
from knowledge.render import to_plain
from tests.editions import other_municipality_text
from tests.factories import make_edition

ROOT = Path(__file__).resolve().parents[2]
QUESTION_SETS = [
    ROOT / "tests" / "eval" / "dev" / "questions-dev.jsonl",  # a copy of ../shared/eval's, so a clone runs it
    *sorted((ROOT / "tests" / "eval").glob("*.jsonl")),
]
EDITION_LITERALS = re.compile(r"2024|2028|2021-2025|2032|mixco|mixqueñ", re.IGNORECASE)
OLD_YEAR = re.compile(r"\b2024\b")
OLD_NAME = re.compile(r"mixco|mixqueñ", re.IGNORECASE)
SEP = catalog.SOURCE_SEPARATOR


@pytest.fixture(scope="module")
def mixco() -> Answerer:
    return Answerer(load_bundled_plan())


@pytest.fixture(scope="module")
def next_year(next_year_plan: Plan) -> Answerer:
    return Answerer(next_year_plan)


@pytest.fixture(scope="module")
def villa_nueva(other_municipality_plan: Plan) -> Answerer:
    return Answerer(other_municipality_plan)


def _questions() -> list[str]:
    return [
        json.loads(line)["q"]
        for path in QUESTION_SETS
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "values"):
        for item in value.values():
            yield from _strings(item)


def _catalogue_templates() -> Iterator[tuple[str, str]]:
    for name in dir(catalog):
        if name.isupper():
            yield from ((name, s) for s in _strings(getattr(catalog, name)))
    for name in vars(EditionTexts):
        if name.isupper():
            yield from ((f"EditionTexts.{name}", s) for s in _strings(vars(EditionTexts)[name]))


def _filled_texts(said: EditionTexts) -> Iterator[tuple[str, str]]:
    for name in vars(EditionTexts):
        if name.isupper():
            yield from ((name, s) for s in _strings(getattr(said, name)))


def _shown(answer: Answer) -> str:
    """Everything of an answer a person sees: its text, its buttons and its source."""
    return "\n".join([to_plain(answer), *(f.label for f in answer.follow_ups), answer.source or ""])


def _every_answer(answerer: Answerer, questions: list[str]) -> Iterator[tuple[str, Answer]]:
    """The answers to the questions, and every answer commands and buttons give directly."""
    plan = answerer.plan
    for question in questions:
        yield question, answerer.answer(question)
    yield from ((f"zona {n}", answerer.zona_answer(n)) for n in (*plan.edition.zonas, 0, 99))
    for project in plan.projects:
        yield project.snip, answerer.project_answer(project.snip)
        yield f"when {project.snip}", answerer.when_answer(project)
    for tematica in plan.tematicas:
        yield from (
            (tematica.id, answerer.tematica_answer(tematica.id)),
            (tematica.id, answerer.targets_answer(tematica.id)),
        )  # type: ignore[misc]
    for list_id in LISTS:
        yield from ((list_id, page) for page in (answerer.list_page(list_id, None, 1),) if page is not None)
    yield "plan", answerer.plan_answer()
    yield "help", answerer.help_answer()
    yield "zonas 1 y 2", answerer.zonas_answer((1, 2))
    yield "project 999999", answerer.project_answer("999999")


def test_no_catalogue_text_names_a_year_a_period_or_the_municipality() -> None:
    """The wording takes them from the edition: a literal one would be wrong for the next edition."""
    found = [(name, text) for name, text in _catalogue_templates() if EDITION_LITERALS.search(text)]
    assert found == []


def test_no_glossary_text_names_the_edition_but_the_national_plan() -> None:
    raw = json.loads((ROOT / "knowledge" / "data" / "glossary.json").read_text(encoding="utf-8"))
    said = [
        text
        for entry in raw["terms"]
        if not entry["term"].startswith("PND")
        for key in ("term", "aliases", "plan_text", "explanation", "card", "plan_where")
        for text in _strings(entry.get(key))
    ]
    assert [t for t in said if EDITION_LITERALS.search(t) and "munimixco" not in t] == []


def test_the_catalogue_of_the_2025_edition_never_says_2024(next_year_plan: Plan) -> None:
    said = texts(next_year_plan.edition)
    assert [(n, s) for n, s in _filled_texts(said) if OLD_YEAR.search(s)] == []
    assert said.SOURCE_PREFIX == "Fuente: POA 2025"
    assert said.FACT_AMOUNT == "Monto 2025"
    assert dict(said.COMMANDS)["proyectos"] == "Todos los proyectos 2025"
    assert said.LIST_TITLES["pom_lines"] == "Líneas estratégicas del POM 2025-2029"
    assert said.PLAN_NAME == "Plan Operativo Anual 2025 de la Municipalidad de Mixco"
    terms = {term.term: term for term in glossary(next_year_plan.edition)}
    assert "NUEVO 2025" in terms
    assert not [
        t
        for t in terms.values()
        for s in (t.term, t.explanation, t.card or "", t.plan_text or "")
        if OLD_YEAR.search(s)
    ]


def test_the_catalogue_of_another_municipality_never_says_mixco(other_municipality_plan: Plan) -> None:
    said = texts(other_municipality_plan.edition)
    assert [(n, s) for n, s in _filled_texts(said) if OLD_NAME.search(s)] == []
    assert said.ZONA_TITLE.format(n=14) == "Zona 14 de Villa Nueva"
    assert said.ZONA_PICK == "¿De qué zona quiere saber? Villa Nueva tiene zonas de la 1 a la 15."
    assert said.ANNOUNCE_HEADER == "📢 <b>Municipalidad de Villa Nueva</b>\n"
    shown = [
        s
        for t in glossary(other_municipality_plan.edition)
        for s in (t.term, t.explanation, t.card or "", t.plan_text or "")
    ]
    assert [s for s in shown if OLD_NAME.search(s)] == []


def test_the_bundled_plans_catalogue_says_what_it_always_said(mixco: Answerer) -> None:
    said = mixco.texts
    assert said.PLAN_NAME == "Plan Operativo Anual 2024 de la Municipalidad de Mixco"
    assert (
        said.cite(("V. Plan Operativo Anual 2024",)) == f"Fuente: POA 2024{SEP}V. Plan Operativo Anual 2024"
    )
    assert said.WELCOME.format(plan=said.PLAN_NAME).startswith(
        "¡Bienvenido! Soy el asistente del Plan Operativo Anual 2024 de la Municipalidad de Mixco.\n"
        "Pregúnteme por las obras de su zona, el dinero del plan o las metas para 2032."
    )
    assert said.ZONA_OUT_OF_RANGE == "Mixco tiene zonas de la 1 a la 11. ¿De cuál zona quiere saber?"


def test_no_answer_of_the_2025_edition_says_2024(next_year: Answerer) -> None:
    """Questions that name 2024 themselves are asked of a plan without 2024 (next test)."""
    questions = [q for q in _questions() if not OLD_YEAR.search(q)]
    said = [(q, _shown(a)) for q, a in _every_answer(next_year, questions) if OLD_YEAR.search(_shown(a))]
    assert said == []


def test_the_2025_edition_refuses_2024_and_answers_2025(next_year: Answerer, mixco: Answerer) -> None:
    for question in ("presupuesto 2024", "¿cuánto dinero hay para 2024?"):
        refused = next_year.answer(question)
        assert not refused.confident
        assert refused.lines == (
            "El plan trae las cifras de dinero de 2025; para otros años no tiene datos.",
        )
    answered = next_year.answer("presupuesto 2025")
    assert answered.confident
    assert answered.title == "Presupuesto total 2025"
    assert "Q 688,310,200.00" in _shown(answered)
    assert not mixco.answer("presupuesto 2025").confident
    assert mixco.answer("presupuesto 2024").title == "Presupuesto total 2024"


def test_the_2025_editions_cards_name_2025(next_year: Answerer) -> None:
    card = next_year.project_answer("242177")
    assert "Monto 2025: Q 4,441,894.00" in to_plain(card)
    assert (
        card.source
        == f"Fuente: POA 2025{SEP}V. Plan Operativo Anual 2025{SEP}Proyectos con aporte del CODEDE 2025"
    )
    assert next_year.zona_answer(6).lines[0] == "Proyectos del POA 2025 en la zona 6 (aporte CODEDE):"
    assert any(f.label == "Metas 2032" for f in next_year.menu())
    lines = to_plain(next_year.answer("líneas estratégicas del POM 2025-2029"))
    assert lines.startswith("Líneas estratégicas del POM 2025-2029")


def test_no_answer_of_another_municipality_says_mixco(villa_nueva: Answerer) -> None:
    """Asked as its residents would ask: with their municipality's name where Mixco's was."""
    questions = [re.sub("mixco", "Villa Nueva", q, flags=re.IGNORECASE) for q in _questions()]
    said = [(q, _shown(a)) for q, a in _every_answer(villa_nueva, questions) if OLD_NAME.search(_shown(a))]
    assert said == []


def test_another_municipalitys_zonas_follow_its_document(villa_nueva: Answerer) -> None:
    fourteen = villa_nueva.zona_answer(14)
    assert fourteen.confident
    assert fourteen.title == "Zona 14 de Villa Nueva"
    assert {m.id for m in fourteen.matches} == {"project:206213", "project:242177"}
    fifteen = villa_nueva.zona_answer(15)
    assert fifteen.kind == "zona"
    assert not fifteen.confident  # a zona of the municipality without projects listed
    sixteen = villa_nueva.zona_answer(16)
    assert sixteen.kind == "zona_out_of_range"
    assert sixteen.lines == ("Villa Nueva tiene zonas de la 1 a la 15. ¿De cuál zona quiere saber?",)
    assert [f.action for f in sixteen.follow_ups] == [f"zona:{n}" for n in range(1, 16)]
    assert villa_nueva.answer("proyectos en la zona 14 de villa nueva").title == "Zona 14 de Villa Nueva"


def test_the_municipality_a_question_names_is_the_editions(villa_nueva: Answerer, mixco: Answerer) -> None:
    for question in ("¿qué proyectos tiene la muni de Villa Nueva?", "proyectos en villa nueva"):
        assert villa_nueva.answer(question).kind == "list:projects", question
        assert mixco.answer(question).kind == "not_in_plan", question
    for question in ("¿qué proyectos tiene la muni de Mixco?", "proyectos en mixco"):
        assert mixco.answer(question).kind == "list:projects", question
        assert villa_nueva.answer(question).kind == "not_in_plan", question
    # "Nueva" of "Villa Nueva", in every record, is no "nuevo" asked for
    new = villa_nueva.answer("¿qué proyectos son nuevos en el 2024?")
    assert [m.id for m in new.matches] == ["project:287389"]
    assert villa_nueva.answer("¿qué es el plan Villa Nueva 2032?").kind == "define"


def test_another_municipality_is_understood_as_mixco_is(mixco: Answerer) -> None:
    """The development questions, with Mixco's name in them replaced, get the same kind of
    answer about the same records from the same plan under another name."""
    villa_nueva = Answerer(parse_plan(other_municipality_text(zona_ten_as=10)))
    dev = [
        json.loads(line) for line in QUESTION_SETS[0].read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for item in dev:
        question = item["q"]
        ours, theirs = (
            mixco.answer(question),
            villa_nueva.answer(re.sub("mixco", "Villa Nueva", question, flags=re.I)),
        )
        same = (ours.kind, ours.confident, [m.id for m in ours.matches[:1]])
        assert (theirs.kind, theirs.confident, [m.id for m in theirs.matches[:1]]) == same, question


def test_chart_titles_name_the_editions_year(next_year_plan: Plan) -> None:
    specs = chart_specs(next_year_plan)
    assert specs["funding"]["title"] == "Disponibilidad financiera 2025 por fuente"
    assert specs["zona-6"]["title"] == "Zona 6: monto 2025 por proyecto (CODEDE)"


def test_an_edition_without_the_peis_period_explains_the_pei_without_one() -> None:
    terms = {t.term: t for t in glossary(make_edition(pei=None))}
    pei = terms["PEI"]
    assert pei.plan_text == "Plan Estratégico Institucional -PEI-"
    assert "aquí" not in pei.explanation
    assert "pei 2021-2025" not in pei.aliases
    with_period = {t.term: t for t in glossary(make_edition())}["PEI"]
    assert "aquí 2021-2025" in with_period.explanation


def test_answers_of_a_synthetic_plan_name_its_edition() -> None:
    """A plan built in code (tests, benchmarks) says what its edition says, nothing else."""
    plan = replace(
        load_bundled_plan(), edition=make_edition(year=2030, municipality="Amatitlán", pom=(2030, 2034))
    )
    answerer = Answerer(plan)
    assert answerer.zona_answer(6).title == "Zona 6 de Amatitlán"
    assert answerer.not_in_plan(answerer_query(answerer)).lines == (
        "Solo conozco el Plan Operativo Anual 2030 de la Municipalidad de Amatitlán: obras por zona, "
        "presupuesto, temas y metas. Para trámites, pagos, horarios o teléfonos, comuníquese "
        "directamente con la municipalidad.",
    )


def answerer_query(answerer: Answerer) -> Any:
    from knowledge.search import analyze

    return analyze("¿a qué hora pasa el camión?", answerer.index)
