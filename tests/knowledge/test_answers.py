"""Answers from the real plan: right records, the document's figures, honest abstention."""

from __future__ import annotations

import pytest

from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan
from knowledge.render import MAX_MESSAGE, to_html, to_plain

ALL_SNIPS = ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")


def text_of(answerer: Answerer, question: str) -> str:
    return to_plain(answerer.answer(question))


@pytest.mark.parametrize(
    ("question", "snips"),
    [("proyectos zona 6", {"273703", "206148"}), ("z10", {"242177", "206213"}), ("zona cinco", {"287389"})],
)
def test_zona_lists_its_projects_only(answerer: Answerer, question: str, snips: set[str]) -> None:
    answer = answerer.answer(question)
    text = to_plain(answer)
    assert answer.confident
    assert answer.kind == "zona"
    assert {s for s in ALL_SNIPS if s in text} == snips


def test_zona_without_projects_says_so_and_offers_the_others(answerer: Answerer) -> None:
    answer = answerer.answer("zona 3")
    text = to_plain(answer)
    assert "En la zona 3 no hay proyectos" in text
    assert "1, 2, 4, 5, 6 y 10" in text
    assert not any(s in text for s in ALL_SNIPS)
    assert not answer.confident  # the plan lists nothing here: no 👍/👎, no context kept
    assert answerer.answer("zona 6").confident


@pytest.mark.parametrize("question", ["zona 999", "zona -1", "zona 0", "zona 12"])
def test_zona_outside_mixco(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert "Mixco tiene zonas de la 1 a la 11" in to_plain(answer)
    assert not answer.confident
    assert len(answer.follow_ups) == 11


def test_project_card_has_the_plans_figures_and_source(answerer: Answerer) -> None:
    answer = answerer.answer("snip 206213")
    text = to_plain(answer)
    assert "Q 1,988,236.44" in text
    assert "ARRASTRE" in text
    assert "MARILU" in text
    assert answer.source
    assert "Proyectos con aporte del CODEDE" in answer.source


def test_project_after_the_total_is_explained(answerer: Answerer) -> None:
    text = text_of(answerer, "proyecto 287389")
    assert "Q 375,000.00" in text
    assert "no está sumado en el total de Q 18,819,178.00" in text


def test_unknown_snip_is_not_guessed(answerer: Answerer) -> None:
    answer = answerer.answer("proyecto 999999")
    assert not answer.confident
    assert "999999" in to_plain(answer)
    assert not any(s in to_plain(answer) for s in ALL_SNIPS)


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("cuanto pisto viene del iusi", "Q 268,817,000.00"),
        ("presupuesto total 2024", "Q 688,310,200.00"),
        ("fonpetrol", "Q 1,833,000.00"),
        ("meta de vasura 2032", "95%"),
        ("alcantarilado colonia marilu", "206213"),
    ],
)
def test_money_targets_and_typos(answerer: Answerer, question: str, figure: str) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert figure in to_plain(answer)


def test_target_shows_baseline_and_2032_value(answerer: Answerer) -> None:
    text = text_of(answerer, "meta de agua potable producida")
    assert "De 20,915,104 m³ producidos (2021) a 28,235,390 m³ (2032)" in text


def test_tematica_answer_has_objectives_and_targets(answerer: Answerer) -> None:
    answer = answerer.tematica_answer("hambre")
    assert answer is not None
    text = to_plain(answer)
    assert "Mixco hambre cero" in text
    assert "Contribuir a la seguridad alimentaria" in text
    assert "2.1x1000" in text


@pytest.mark.parametrize(
    "question",
    [
        "¿Quién ganó el partido de ayer?",
        "receta de pepián",
        "¿A qué hora pasa el camión de la basura?",
        "número de teléfono del alcalde",
        "quiero pagar mi boleto de ornato",
        "asdfghjkl qwerty",
        "usted q opina, el alcalde esta haciendo buen trabajo",
        "es cierto q cerraron el mercado de la zona 1 la semana pasada",
        "cuanto cobran de agua al mes, la tarifa",
        "cuantos empleados tiene la muni",
        "cuantos pozos tiene la muni funcionando",
    ],
)
def test_out_of_scope_abstains_without_a_random_match(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    text = to_plain(answer)
    assert "plan" in text
    assert not any(s in text for s in ALL_SNIPS)


@pytest.mark.parametrize("question", ["hola", "buenas tardes", "gracias!", "ayuda"])
def test_small_talk_gets_a_kind_answer(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.kind in {"greeting", "thanks", "help"}
    assert answer.follow_ups


HOSTILE = [
    "a" * 4096,
    "😀🎉🔥" * 50,
    "\u200b\u200f\u202e zona\u200b 6",
    "<b>zona 6</b> & <script>alert(1)</script>",
    "*_`[zona 6](http://x)`_*",
    "'; DROP TABLE project; --",
    "zona 999",
    "zona -1",
    "proyecto 000000",
    "",
    "   ",
    "?!¿¡...",
]


@pytest.mark.parametrize("question", HOSTILE)
def test_hostile_text_gets_a_valid_answer(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    messages = to_html(answer)
    assert messages
    assert all(0 < len(m) <= MAX_MESSAGE for m in messages)
    assert "<script>" not in "".join(messages)
    assert to_plain(answer).strip()


def test_invisible_characters_do_not_hide_the_zona(answerer: Answerer) -> None:
    assert answerer.answer("\u200b\u200f\u202e zona\u200b 6").zona == 6


def test_sql_looking_text_is_just_text(answerer: Answerer) -> None:
    answer = answerer.answer("'; DROP TABLE project; --")
    assert not answer.confident


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("cuales son los valores y principios de la muni", "«Valores y principios»"),
        ("organigrama de la municipalidad", "«Organigrama institucional»"),
    ],
)
def test_headings_without_text_are_said_to_be_missing(
    answerer: Answerer, question: str, expected: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert expected in to_plain(answer)


def test_money_for_a_year_the_plan_has_no_budget_for(answerer: Answerer) -> None:
    answer = answerer.answer("presupuesto de la muni para 2025")
    assert not answer.confident
    assert "2024" in to_plain(answer)
    assert answerer.answer("presupuesto total 2024").confident


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("objetivo de la tematica hambre sero", "seguridad alimentaria"),  # c/s
        ("alcantariyado en la sona 10", "242177"),  # ll/y, z/s
        ("q cosas buenas tiene mixco", "Área protegida"),  # a phrase of stop words stands for a topic
        ("el tren de aseo q cobertura tiene", "95%"),  # local name of the garbage service
    ],
)
def test_spelling_by_ear_and_local_phrases(answerer: Answerer, question: str, figure: str) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert figure in to_plain(answer)


def test_repeated_questions_come_from_a_bounded_memory() -> None:
    plan = load_bundled_plan()
    remembering = Answerer(plan, remember=2)
    fresh = Answerer(plan, remember=0)
    first = remembering.answer("¿Qué proyectos hay en la zona 6?")
    assert remembering.answer("¿Qué proyectos hay en la zona 6?") is first
    assert first == fresh.answer("¿Qué proyectos hay en la zona 6?")
    remembering.answer("financiamiento")
    remembering.answer("metas de agua")  # the zona question is now the least recently used: gone
    assert remembering.answer("¿Qué proyectos hay en la zona 6?") is not first
    assert fresh.answer("zona 6") is not fresh.answer("zona 6")


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # a long chatty question: the right record explains a third of it and clearly leads
        (
            "los centros de salud aqui estan llenos cuanto va a subir la capacidad de atencion y q pasa"
            " con el igss",
            "50%",
        ),
        # "número" asks for the number; it is not what the law is about
        ("el codigo municipal q numero de decreto es", "12-2002"),
    ],
)
def test_chatty_and_question_words_do_not_hide_the_record(
    answerer: Answerer, question: str, figure: str
) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert figure in to_plain(answer)
