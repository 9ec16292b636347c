"""Kinds of question, one group each: lists, aggregates, when/status, who, definitions, chatty
messages, unlisted places and questions the plan does not answer. Every answer leads with the
direct answer: what is checked as "lead" must be in its first 400 characters."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest

from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.lists import PAGE_CHARS
from knowledge.question import amount_threshold, asks_the_bot, question_clauses, read_ask
from knowledge.render import to_plain
from knowledge.staff import StatusView, with_status
from knowledge.text import find_zonas, fold

LEAD = 400
ALL_SNIPS = ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")


def lead_of(answerer: Answerer, question: str) -> str:
    return to_plain(answerer.answer(question))[:LEAD]


# What is asked ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "what", "list_id"),
    [
        ("¿cuáles son los problemas de Mixco?", "list", "problems"),
        ("todas las potencialidades", "list", "potentialities"),
        ("¿qué ministerios aparecen?", "list", "actors"),
        ("proyectos de agua", "list", "projects"),
        ("¿cuál es el proyecto más caro?", "max", "projects"),
        ("el que tiene menos pisto", "min", None),
        ("¿cuántos proyectos hay?", "count", "projects"),
        ("¿cuánto suma la zona 6?", "sum", None),
        ("¿hasta cuándo dura el proyecto del tanque?", "when", "projects"),
        ("¿ya terminaron el pozo de San José las Rosas?", "status", None),
        ("¿quién valida y aprueba el plan?", "who", None),
        ("¿qué quiere decir arrastre?", "define", None),
        ("meta de basura", "lookup", None),
        ("servicios para el adulto mayor", "lookup", None),  # "mayor" here is not a superlative
        ("y el pozo pa cuando esta listo", "when", None),  # "cuándo" asks for a time, the period says it
        ("lineas del POM en el eje economico", "list", "pom_lines"),  # the longer name says which list
        ("¿cómo está el pozo de San José las Rosas?", "status", None),
        ("como esta estructurado el PDM-OT", "lookup", None),  # what it is made of, not how it goes
        ("¿cómo están conformados los COCODES?", "lookup", None),
    ],
)
def test_what_a_question_asks(question: str, what: str, list_id: str | None) -> None:
    ask = read_ask(fold(question))
    assert ask.what == what
    assert ask.list_id == list_id


@pytest.mark.parametrize(
    "question",
    [
        "como se distribuye el presupuesto",
        "¿cómo está dividido el presupuesto de la muni?",
        "desglose del presupuesto",
    ],
)
def test_how_the_budget_is_split_is_the_whole_budgets_card(answerer: Answerer, question: str) -> None:
    assert answerer.answer(question).title == answerer.answer("¿cuál es el presupuesto de la muni?").title
    assert "688,310,200.00" in lead_of(answerer, question)


def test_the_question_inside_a_chatty_message_is_found() -> None:
    clauses = question_clauses("que proyectos de drenajes hay? aqui se inunda todo cuando llueve y apesta")
    assert clauses[0] == "que proyectos de drenajes hay?".rstrip("?")
    assert question_clauses("proyectos zona 6") == []  # short messages are taken whole


def test_a_question_in_two_parts_joined_by_y_is_taken_whole(answerer: Answerer) -> None:
    """ "¿cuánto … en total y cómo lo reparten …?": the tail after "y" is the second part of the
    same question, not the question."""
    message = (
        "Buenas, hago un trabajo para el colegio: ¿cuánto dinero tiene la muni en total para 2024 "
        "y cómo lo reparten entre inversión y funcionamiento?"
    )
    lead = to_plain(answerer.answer(message))[:LEAD]
    assert "Q 688,310,200.00" in lead
    assert "Q 364,029,262.59" in lead
    assert "Q 324,280,937.41" in lead


def test_que_after_an_article_relates_and_does_not_start_the_question(answerer: Answerer) -> None:
    message = "y cual es el de menos plata de todos los que salen en la lista de obras?"
    assert not any(c.startswith("que salen") for c in question_clauses(message))
    lead = to_plain(answerer.answer(message))[:LEAD]
    assert "287389" in lead
    assert "Q 375,000.00" in lead  # the least of the table's rows, read from the plan


# Lists --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "que categoria le dieron a la muni en los indices del ranking",
        "la categoria que saco la municipalidad en el ranking cual fue",
    ],
)
def test_members_picked_by_a_detail_show_the_sentence_that_gives_it(
    answerer: Answerer, question: str
) -> None:
    """The indices' texts say their category past where a line is cut: each shows that sentence."""
    answer = answerer.answer(question)
    assert answer.confident
    assert answer.kind == "list:governance"
    lead = fold(to_plain(answer))[:LEAD]
    assert "categoria media" in lead
    assert fold(to_plain(answer)).count("categoria media") >= 3  # the plan rates three or more indices so


@pytest.mark.parametrize(
    ("question", "count", "sample"),
    [
        ("¿cuáles son los problemas de Mixco?", 12, "percepción de inseguridad"),
        ("todas las potencialidades", 6, "Aglomeraciones urbanas"),
        ("¿qué leyes respaldan el plan?", 12, "101-97"),
        ("acciones operativas del poa, todas", 16, "educación integral"),
    ],
)
def test_a_list_question_gets_the_whole_list(
    answerer: Answerer, question: str, count: int, sample: str
) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert answer.kind.startswith("list:")
    assert len(answer.items) == count
    assert sample in to_plain(answer)


def test_a_list_that_fits_comes_whole(answerer: Answerer) -> None:
    answer = answerer.answer("¿qué actores trabajan con la muni?")
    assert answer.kind == "list:actors"
    assert len(answer.items) == 50
    assert not any(f.action.startswith("lista:actors:") for f in answer.follow_ups)


def test_a_long_list_is_paginated_with_buttons(answerer: Answerer) -> None:
    first = answerer.answer("todas las líneas de acción")
    assert first.kind == "list:action_lines"
    assert 0 < len(first.items) < 128
    assert [f.action for f in first.follow_ups if f.action.startswith("lista:")] == ["lista:action_lines:2"]
    pages = [first.items]
    n = 2
    while (page := answerer.list_page("action_lines", None, n)) is not None:
        assert sum(len(item) for item in page.items) <= PAGE_CHARS
        pages.append(page.items)
        n += 1
    every = [item for items in pages for item in items]
    assert len(every) == len(set(every)) == 128  # each line once, none lost between pages
    last = answerer.list_page("action_lines", None, n - 1)
    assert last is not None
    assert [f.action for f in last.follow_ups if f.action.startswith("lista:")] == [
        f"lista:action_lines:{n - 2}"
    ]
    assert answerer.list_page("nothing", None, 1) is None
    assert answerer.list_page("action_lines", None, 0) is None


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        (
            "¿qué ministerios aparecen?",
            {"MINISTERIO DE EDUCACIÓN", "MINISTERIO PÚBLICO"},
            {"VECINOS", "INTECAP"},
        ),
        (
            "actores con influencia alta en las decisiones",
            {"VECINOS", "EMPRESARIOS", "MINISTERIO DE AMBIENTE"},
            {"INTECAP", "SEGEPLAN"},
        ),
        ("proyectos de agua", {"276227", "297669", "299884", "273703"}, {"242177", "206213", "287389"}),
        ("proyectos multianuales 2023-2025", {"297669", "299884", "273703"}, {"242177", "276227", "206148"}),
    ],
)
def test_a_list_question_with_a_filter_gets_that_part(
    answerer: Answerer, question: str, present: set[str], absent: set[str]
) -> None:
    text = to_plain(answerer.answer(question))
    assert all(p in text for p in present)
    assert not any(a in text for a in absent)


def test_a_plural_word_in_passing_does_not_make_a_list(answerer: Answerer) -> None:
    answer = answerer.answer("decreto de la ley de consejos de desarrollo urbano y rural")
    assert "11-2002" in lead_of(answerer, "decreto de la ley de consejos de desarrollo urbano y rural")
    assert answer.kind == "law"


# Aggregates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("¿cuál es el proyecto más caro?", "SNIP 242177: Q 4,441,894.00"),
        ("el que tiene menos pisto", "SNIP 287389: Q 375,000.00"),
        ("¿qué zona recibe más dinero?", "La zona 10"),
        ("¿cuál fuente aporta más?", "Ingresos propios: Q 298,040,400.00"),
        ("la fuente de financiamiento más pequeña", "Porcentaje Forestal INAB de Madera: Q 3,500.00"),
        ("segunda fuente de ingresos más grande", "Fondos de IUSI: Q 268,817,000.00"),
        ("cual fuente manda mas porcentaje a funcionamiento", "75%"),
        ("la muni gasta más en inversión o en funcionamiento", "inversión: Q 364,029,262.59"),
        ("¿cuánto suma la zona 6?", "Q 5,833,672.56"),
        ("¿cuántos proyectos hay?", "8 proyectos"),
        ("cuantos proyectos de arrastre hay y cuanto suman", "Q 4,096,284.00"),
    ],
)
def test_aggregates_lead_with_the_figure(answerer: Answerer, question: str, lead: str) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert lead in to_plain(answer)[:LEAD]


def test_a_computed_sum_says_it_is_computed_and_the_plans_total_is_quoted(answerer: Answerer) -> None:
    zona = to_plain(answerer.answer("¿cuánto suma la zona 6?"))
    assert "suma de los 2 proyectos listados" in zona
    assert "calculada de las filas del plan" in zona
    total = to_plain(answerer.answer("¿cuántos proyectos hay?"))
    assert "Q 18,819,178.00" in total  # the TOTAL row as the document prints it


@pytest.mark.parametrize(
    "question",
    [
        "cuanto cuesta el proyecto de semaforos inteligentes 2024",
        "cuánto dinero tiene el proyecto de mercado municipal",
    ],
)
def test_the_cost_of_a_project_the_table_does_not_list_is_not_stated(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert "Ninguno de los proyectos del plan menciona" in to_plain(answer)[:LEAD]


def test_the_largest_zona_lists_the_ranking(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("que zona recibe mas dinero del codede"))
    assert "242177" in text
    assert "206213" in text
    assert text.index("Zona 10: Q 6,430,130.44") < text.index("Zona 6: Q 5,833,672.56")


# When and status ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("¿cuándo termina el proyecto 242177?", "MULTIANUAL 2021-2024: el plan lo programa de 2021 a 2024."),
        ("¿ya terminaron el pozo de San José las Rosas?", "ARRASTRE: viene de años anteriores"),
        ("cómo va el parque de la colonia Primero de Julio", "NUEVO 2024: es un proyecto nuevo"),
        ("hasta cuando dura el proyecto del tanque en la zona 1", "2023-2025"),
    ],
)
def test_when_and_status_answer_from_the_period_the_plan_gives(
    answerer: Answerer, question: str, lead: str
) -> None:
    answer = answerer.answer(question)
    assert answer.confident is (answer.asks == "when")  # how it is going: only staff can say
    assert answer.asks in {"when", "status"}
    text = to_plain(answer)[:LEAD]
    assert lead in text
    assert t.WHEN_NO_PROGRESS in text


def test_a_recorded_status_comes_first_with_its_date(answerer: Answerer) -> None:
    answer = answerer.answer("¿cómo va el proyecto 242177?")
    view = StatusView("suspendido", 35, "obra detenida", datetime(2024, 5, 2, 10, 0))
    shown = with_status(answer, view)
    assert not answer.confident
    assert shown.confident
    text = to_plain(shown)
    assert (
        text.splitlines()[1]
        == "Estado: Suspendido · 35%, según el personal municipal (actualizado el 02/05/2024)."
    )
    assert t.WHEN_NO_PROGRESS not in text
    assert "MULTIANUAL 2021-2024" in text[:LEAD]
    assert t.WHEN_NO_PROGRESS in to_plain(with_status(answer, None))


def test_a_plan_date_comes_from_the_sentence_that_gives_it(answerer: Answerer) -> None:
    assert "2021-2025" in lead_of(answerer, "vigencia del PEI")


# Who, definitions -------------------------------------------------------------------------------------
def test_who_answers_with_the_actors_whose_role_says_it(answerer: Answerer) -> None:
    answer = answerer.answer("¿quién valida y aprueba el plan?")
    text = to_plain(answer)
    assert answer.asks == "who"
    for actor in ("SEGEPLAN", "CONSEJO DEPARTAMENTAL DE DESARROLLO", "MINISTERIO DE AMBIENTE"):
        assert actor in text
    assert "VECINOS" not in text


def test_who_about_a_topic_is_searched_not_matched_by_role(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("con quien coordina la muni para los centros de cuidado infantil"))
    assert "Secretaría de Obras Sociales" in text


@pytest.mark.parametrize(
    ("question", "plan_words"),
    [
        ("¿qué quiere decir arrastre?", None),
        ("que es el PDM-OT", "Plan de Desarrollo Municipal con Enfoque Territorial"),
        ("que significa IUSI", "Impuesto Único Sobre Inmuebles"),
    ],
)
def test_plan_words_are_explained_and_marked_as_explanations(
    answerer: Answerer, question: str, plan_words: str | None
) -> None:
    answer = answerer.answer(question)
    text = to_plain(answer)
    assert answer.kind == "define"
    assert "Explicación (no es texto del plan)" in text
    if plan_words:
        assert f"En el plan: «{plan_words}" in text


def test_a_project_card_explains_its_observation(answerer: Answerer) -> None:
    text = to_plain(answerer.project_answer("206148"))
    assert "Qué significa (explicación, no es texto del plan)" in text


def test_a_term_that_only_qualifies_the_question_is_not_defined(answerer: Answerer) -> None:
    answer = answerer.answer("q es el objetivo operativo anual del poa 2024")
    assert answer.kind != "define"


# Chatty messages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "snips"),
    [
        ("que proyectos de drenajes hay? aqui se inunda todo cuando llueve y apesta", {"242177", "206213"}),
        (
            "buenas tardes, fíjese que en mi colonia siempre se va el agua… "
            "¿qué proyectos de pozos tiene la muni?",
            {"276227", "297669", "273703", "206148"},
        ),
        (
            "buenos dias seño, en barrio san antonio zona 10 las aguas negras corren por la calle, cuando "
            "terminan el alcantariyado??",
            {"242177"},
        ),
    ],
)
def test_complaint_words_do_not_sink_the_question(answerer: Answerer, question: str, snips: set[str]) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert all(s in to_plain(answer) for s in snips)


def test_thanks_with_chatter_is_thanks(answerer: Answerer) -> None:
    assert answerer.answer("muchas gracias mija, dios le bendiga").kind == "thanks"


# Places the plan does not list -------------------------------------------------------------------------
def test_an_unlisted_colonia_is_said_to_be_unlisted(answerer: Answerer) -> None:
    answer = answerer.answer("obras en la colonia El Milagro")
    assert not answer.confident
    assert "«El Milagro»" in to_plain(answer)
    assert not any(s in to_plain(answer) for s in ALL_SNIPS)


def test_an_unlisted_place_offers_what_is_near(answerer: Answerer) -> None:
    answer = answerer.answer("¿hay proyecto en Sacoj Grande?")
    text = to_plain(answer)
    assert not answer.confident
    assert "«Sacoj Grande» no aparece en el plan" in text
    assert "273703" in text  # Sacoj Chiquito is what the plan has


def test_an_unlisted_place_in_a_zona_offers_that_zona(answerer: Answerer) -> None:
    answer = answerer.answer("proyectos en la colonia el naranjo zona 6")
    text = to_plain(answer)
    assert not answer.confident
    assert "En la zona 6 el plan tiene:" in text
    assert "273703" in text


# Questions the plan does not answer -------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "¿cómo saco mi DPI?",
        "¿cómo se llama el alcalde?",
        "¿cuánto recaudó el IUSI en 2023?",
        "venden terrenos en la zona 6?",
        "¿cuánto se gastó en 242177 en 2022?",
        "meta de produccion de agua potable para el 2040",
        "que profundidad va a tener el pozo de san jose las rosas",
        "como formo un COCODE en mi colonia, que papeles piden",
    ],
)
def test_questions_that_share_the_plans_words_abstain(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident


def test_a_detail_the_plan_lacks_still_shows_the_project(answerer: Answerer) -> None:
    answer = answerer.answer("que profundidad va a tener el pozo de san jose las rosas")
    text = to_plain(answer)
    assert "El plan no dice eso (profundidad)" in text
    assert "206148" in text


# Target summaries ---------------------------------------------------------------------------------------
def test_target_summaries_say_what_is_measured(answerer: Answerer) -> None:
    lines = to_plain(answerer.targets_answer("ambientalmente"))
    assert "La cobertura del servicio de recolección de desechos sólidos: De 85% (2021) a 95% (2032)" in lines


# Comparisons, exclusions, ranks ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "lead"),
    [
        (
            "a cual le toca mas dinero a la zona 6 o a la zona 10",
            ("La zona 10", "Q 5,833,672.56", "596,457.88"),
        ),
        (
            "se invierte mas en agua o en alcantarillado",
            ("«agua»: Q 12,389,047.56", "«alcantarillado»: Q 6,430,130.44"),
        ),
        ("segundo proyecto con mas monto", ("número 2", "SNIP 273703: Q 3,725,625.00")),
        ("cual proyecto multianual dura mas años", ("SNIP 242177", "4 años")),
    ],
)
def test_comparisons_and_ranks_lead_with_both_figures(
    answerer: Answerer, question: str, lead: tuple[str, ...]
) -> None:
    text = lead_of(answerer, question)
    assert all(part in text for part in lead)


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        (
            "aparte del codigo municipal que otras leyes menciona el marco legal",
            {"101-97", "15-98"},
            {"12-2002"},
        ),
        ("que proyectos no son de agua", {"242177", "206213", "287389"}, {"276227", "297669", "273703"}),
    ],
)
def test_what_a_question_leaves_out_is_left_out(
    answerer: Answerer, question: str, present: set[str], absent: set[str]
) -> None:
    text = to_plain(answerer.answer(question))
    assert all(p in text for p in present)
    assert not any(a in text for a in absent)


def test_a_plan_word_alone_is_defined_and_brings_its_record(answerer: Answerer) -> None:
    answer = answerer.answer("fonpetrol")
    text = to_plain(answer)
    assert answer.kind == "define"
    assert "Explicación (no es texto del plan)" in text
    assert "Q 1,833,000.00" in text  # the funding row it names
    assert answerer.answer("vivienda de interes social").kind != "define"  # plain words are a topic


@pytest.mark.parametrize(("question", "zona"), [("que hay pa la 6", 6), ("aqui en la 10 que obras hay", 10)])
def test_zonas_as_people_say_them(answerer: Answerer, question: str, zona: int) -> None:
    assert answerer.answer(question).zona == zona
    assert find_zonas(fold("vivo en la 30 avenida")) == []  # an avenue, not a zona


def test_thanks_after_a_real_question_is_not_small_talk(answerer: Answerer) -> None:
    answer = answerer.answer(
        "buenas soy piloto de bus y un compañero me dijo que nos van a capacitar a los pilotos, "
        "a cuantos? gracias"
    )
    assert answer.kind != "thanks"
    assert "3,000 pilotos" in to_plain(answer)


# Where, who pays, empty headings -----------------------------------------------------------------------
def test_where_is_answered_by_a_projects_place_only(answerer: Answerer) -> None:
    answer = answerer.answer("donde queda exactamente el tanque de agua de la zona 1")
    assert answer.confident
    assert "4TA. CALLE Y 6TA. AVENIDA" in to_plain(answer)
    assert not answerer.answer("donde va a quedar el observatorio municipal de seguridad").confident


def test_who_pays_for_the_projects_is_the_projects_table(answerer: Answerer) -> None:
    text = lead_of(answerer, "quien pone el pisto para los pozos y alcantarillados")
    assert "Consejo Departamental de Desarrollo" in text
    assert "242177" in text


def test_a_heading_named_by_its_own_word_says_it_has_no_text(answerer: Answerer) -> None:
    answer = answerer.answer(
        "me puede explicar el organigrama de la muni, quien esta a cargo de cada direccion"
    )
    assert answer.kind == "gap"
    assert not answer.confident


def test_a_place_name_keeps_its_de(answerer: Answerer) -> None:
    answer = answerer.answer("hay proyectos para la colonia lo de bran?")
    assert not answer.confident
    assert "no aparece en el plan" in to_plain(answer)


def test_a_count_of_something_no_row_counts_is_not_confident(answerer: Answerer) -> None:
    answer = answerer.answer("cuantas familias se van a beneficiar con el pozo de molino de las flores")
    assert not answer.confident
    assert "276227" in to_plain(answer)  # the card still follows


# Filters: alternatives, the records above, word families -------------------------------------------
def test_a_filter_joined_by_y_is_the_union_of_its_sides(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("problemas del municipio que tengan que ver con agua y basura"))
    assert "continuidad del servicio de agua potable" in text
    assert "cuerpos de agua" in text
    assert "desechos sólidos" in text
    assert "3 de 12" in text


def test_lines_under_the_objective_the_question_names_are_listed(answerer: Answerer) -> None:
    """The lines of action under the objective on the mantos freáticos do not repeat its words."""
    answer = answerer.answer("lineas de accion para el recurso hidrico y los mantos freaticos")
    assert answer.kind == "list:action_lines"
    text = fold(to_plain(answer))
    assert "rios superficiales" in text
    assert "areas permeables" in text


def test_a_verb_finds_the_noun_of_its_family(answerer: Answerer) -> None:
    """ "construir" and "construcción" stem apart; the family links them."""
    assert "construccion" in answerer.index.related_stems("constru")
    answer = answerer.answer("en que zonas van a perforar o construir pozos")
    text = to_plain(answer)
    assert all(snip in text for snip in ("276227", "297669", "273703", "206148"))


def test_words_that_part_late_are_one_family(answerer: Answerer) -> None:
    """ "presidencia" stems as "president", "presidencial" stays: they part after eight letters."""
    assert "presidencial" in answerer.index.related_stems("president")
    assert "presupuest" not in answerer.index.related_stems("prestacion")  # "pres" is not enough
    text = to_plain(answerer.answer("cuales actores son secretarias de la presidencia"))
    assert all(name in text for name in ("SEPREM", "SOSEP", "SEGEPLAN", "SCEP"))


def test_a_project_card_says_who_contributes(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("el proyecto 242177 con aporte de quien se hace"))
    assert f"{t.FACT_FUNDED_BY}: Consejo Departamental de Desarrollo" in text


def test_which_zonas_leads_with_the_zonas_of_the_projects_picked(answerer: Answerer) -> None:
    assert "Están en la zona 10." in lead_of(answerer, "en que zonas hay proyectos de drenaje")
    every = lead_of(answerer, "que zonas tienen proyectos")
    assert "la zona 1, la zona 2, la zona 4, la zona 5, la zona 6 y la zona 10" in every


# Comparisons of two things --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("cuanta diferencia hay entre el alcantarillado de san antonio y el de la marilu", "2,453,657.56"),
        ("quien recibe mas, el proyecto de zona 4 o el de zona 1? y por cuanto", "631,933.00"),
        ("el pozo de la zona 4 cuesta mas o menos que el del molino de las flores", "809,291.00"),
        ("que aporta mas para inversion, el situado constitucional o el IVA PAZ", "47,700,000.00"),
        ("diferencia de dinero entre los dos proyectos de alcantarillado de la zona 10", "2,453,657.56"),
    ],
)
def test_two_things_side_by_side_lead_with_the_larger_and_the_difference(
    answerer: Answerer, question: str, lead: str
) -> None:
    answer = answerer.answer(question)
    assert answer.kind == "compare"
    assert lead in to_plain(answer)[:LEAD]
    assert "calculada" in to_plain(answer)  # a computed figure says so


def test_the_smaller_side_when_the_question_asks_for_less(answerer: Answerer) -> None:
    text = lead_of(answerer, "cual recibe menos, el pozo de la zona 4 o el del molino de las flores")
    assert text.index("276227") < text.index("297669")
    assert "tiene menos" in text


def test_sides_that_are_not_two_things_with_amounts_are_no_comparison(answerer: Answerer) -> None:
    assert answerer.answer("diferencia entre arrastre y multianual").kind != "compare"
    assert answerer.answer("proyectos de agua y drenaje").kind != "compare"


# Traps: days the plan does not give, procedures, details a row lacks ---------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "cuando inauguran el parque de la primero de julio, que fecha",
        "que dia empiezan los trabajos del tanque en la 4ta calle y 6ta avenida zona 1",
        "cuanto cuesta inscribirse en la escuela de bomberos municipales",
        "como hace mi COCODE para meter un proyecto al consejo departamental de desarrollo",
        "que juegos va a tener el parque de la primero de julio",
    ],
)
def test_what_the_plan_does_not_give_is_not_confident(answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).confident


def test_a_day_asked_keeps_the_years_the_plan_gives(answerer: Answerer) -> None:
    answer = answerer.answer("que dia empiezan los trabajos del tanque en la 4ta calle y 6ta avenida zona 1")
    text = to_plain(answer)
    assert t.EXACT_DATE_NOT_IN_PLAN in text
    assert "299884" in text


def test_a_project_asked_by_what_its_row_says_stays_confident(answerer: Answerer) -> None:
    assert answerer.answer("cuanto cuesta el parque de la primero de julio").confident
    assert answerer.answer("cuando terminan el pozo de molino de las flores").confident


def test_a_zona_asked_for_its_works_among_chatter_gets_its_projects(answerer: Answerer) -> None:
    answer = answerer.answer(
        "mire disculpe, vivo en zona 6 y quiero saber si la muni va a hacer algo por aca o no"
    )
    assert answer.zona == 6
    assert "273703" in to_plain(answer)
    assert not answerer.answer("venden terrenos en la zona 6?").confident


def test_a_funding_source_named_with_money_words_is_that_sources_row(answerer: Answerer) -> None:
    text = lead_of(answerer, "del IUSI que porcentaje va a obras y cuanto es")
    assert "188,171,900.00" in text
    assert "70.00%" in text


# What a thing is: the record itself, not its parts ----------------------------------------------------
def test_what_a_list_is_is_what_describes_it(answerer: Answerer) -> None:
    answer = answerer.answer("para que sirve el ranking de la gestion municipal")
    assert answer.kind != "list:governance"
    assert "2012" in to_plain(answer)
    assert (
        answerer.answer("cuales son los indices del ranking de la gestion municipal").kind
        == "list:governance"
    )


def test_what_a_record_measures_is_that_record(answerer: Answerer) -> None:
    text = lead_of(answerer, "que mide el indice de informacion a la ciudadania")
    assert "ingresos y egresos" in text


def test_the_plans_own_name_filters_no_list(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("que tematicas tiene el plan de desarrollo"))
    assert "Mixco Saludable" in text
    assert "Mixco próspero" in text


def test_strategic_lines_of_the_multi_year_plan_are_the_poms(answerer: Answerer) -> None:
    answer = answerer.answer("lineas estrategicas del eje ambiental en el plan multianual")
    assert answer.kind == "list:pom_lines"


# Phone shorthand, framing, SNIPs among chatter ------------------------------------------------------
def test_phone_shorthand_is_read_as_the_words_it_stands_for(answerer: Answerer) -> None:
    assert not answerer.answer("a q hora pasa el camion de la basura en mi colonia").confident
    assert "agua potable" in to_plain(answerer.answer("cuales son los problemas d mixco"))
    assert "Q 375,000.00" in to_plain(answerer.answer("287389"))  # "Q" before a figure stays quetzales


def test_a_snip_among_chatter_is_that_project(answerer: Answerer) -> None:
    answer = answerer.answer("me dijeron q el 287389 es un parque, es cierto? donde queda")
    assert answer.confident
    assert "PRIMERO DE JULIO" in to_plain(answer)


def test_no_clause_of_a_message_out_of_the_plans_scope_is_answered(answerer: Answerer) -> None:
    assert not answerer.answer(
        "quien gano la licitacion del parque de la primero de julio, cual es el NOG"
    ).confident
    assert not answerer.answer(
        "cuanto cuesta un nicho en el cementerio municipal, se me murio mi abuelita"
    ).confident
    framed = answerer.answer(
        "van a perforar un pozo en una finca de la zona 6, como se llama la finca y cuanto cuesta"
    )
    assert "3,725,625.00" in to_plain(framed)


def test_the_difference_between_the_plans_two_totals(answerer: Answerer) -> None:
    text = lead_of(
        answerer, "cual es la diferencia entre lo que va a inversion y lo de funcionamiento en quetzales"
    )
    assert "39,748,325.18" in text


def test_a_filtered_list_puts_the_members_that_say_most_of_it_first(answerer: Answerer) -> None:
    text = lead_of(answerer, "que instituciones le dan apoyo tecnico y financiero a la muni")
    assert "Técnico y Financiero" in text


def test_is_there_a_project_of_a_kind_lists_the_projects_of_that_kind(answerer: Answerer) -> None:
    text = lead_of(
        answerer, "hay algun proyecto de parques o areas pa que jueguen los patojos en el poa 2024"
    )
    assert "287389" in text


def test_the_objectives_of_a_policy_named_are_that_policys(answerer: Answerer) -> None:
    answer = answerer.answer(
        "cuales son los objetivos de la politica de prevencion de la violencia y el delito"
    )
    assert answer.kind == "policy"
    assert "Observatorio Municipal de Seguridad Ciudadana" in to_plain(answer)


# The sentence asked for, and what "acciones" means -------------------------------------------------------
def test_the_sentence_that_answers_is_quoted_first_from_a_long_text(answerer: Answerer) -> None:
    text = lead_of(answerer, "Disculpe, ¿quiénes participaron en la elaboración del POA 2024?")
    assert "todas las áreas" in text
    assert "estado de la gestión municipal" in lead_of(answerer, "que es el ranking de la gestion municipal")


def test_actions_about_a_topic_are_the_pdmot_lines_of_action(answerer: Answerer) -> None:
    answer = answerer.answer("que acciones hay para el agua y los mantos freaticos")
    assert answer.kind == "list:action_lines"
    assert answerer.answer("que acciones operativas tiene el poa").kind == "list:operational_actions"


def test_a_filter_counts_only_its_own_words(answerer: Answerer) -> None:
    """The words that name the list ("con aporte del consejo departamental") pick no member."""
    text = lead_of(answerer, "cuantos proyectos de agua potable hay con aporte del consejo departamental")
    assert "5 de 8" in text or "5 proyectos" in text


def test_funding_sources_by_the_share_they_give_to_investment(answerer: Answerer) -> None:
    text = lead_of(answerer, "que fuentes van 100% a inversion")
    assert "Fonpetrol" in text
    assert "Porcentaje Forestal" in text
    assert "IVA-PAZ" not in text


@pytest.mark.parametrize(
    "text",
    [
        "¿cuánto dinero tiene este proyecto?",
        "proyecto 242177",
        "zona 6",
        "cuanto cuesta",
        "donde queda",
        "hay agua?",
    ],
)
def test_questions_and_bare_lookups_ask_the_bot(text: str) -> None:
    assert asks_the_bot(text)


@pytest.mark.parametrize(
    "text",
    [
        "La obra está parada desde hace un mes",
        "obra detenida",
        "qué bueno que ya empezaron",
        "Ya pusieron los tubos",
    ],
)
def test_what_one_sees_is_told_not_asked(text: str) -> None:
    assert not asks_the_bot(text)


def test_a_source_asked_among_chatter_is_its_row_but_a_payment_is_not_the_plans(answerer: Answerer) -> None:
    assert "268,817,000.00" in lead_of(
        answerer, "cuanto piensa sacar la muni del iusi, segun el plan, porq uno paga y paga"
    )
    assert not answerer.answer("cuanto IUSI tengo que pagar por mi casa que vale 500 mil").confident


def test_since_when_quotes_the_sentence_that_says_when_it_began(answerer: Answerer) -> None:
    assert "2012" in lead_of(answerer, "desde cuando se hace el ranking de la gestion municipal")


def test_which_is_more_compares_the_two_totals(answerer: Answerer) -> None:
    text = lead_of(answerer, "que es mas, lo de inversion o lo de funcionamiento en el 2024")
    assert "364,029,262.59" in text
    assert "324,280,937.41" in text


def test_a_misspelt_word_that_only_introduces_a_list_filters_nothing(answerer: Answerer) -> None:
    assert "12 problemáticas" in lead_of(
        answerer, "cuantas problematicas identifca el plan, osea los problemas del municpio"
    )


def test_job_seeking_is_not_the_plans(answerer: Answerer) -> None:
    assert not answerer.answer("hay chamba en la muni? como aplico").confident


def test_lines_under_a_strategic_line_that_names_the_filter_beat_another_kind(answerer: Answerer) -> None:
    """ "educación cívica y vial" does not say "seguridad"; its strategic line does, and a policy's
    line that says both does not make the PDM-OT's lines of action less of an answer."""
    answer = answerer.answer("lineas de accion para la seguridad vial")
    assert answer.kind == "list:action_lines"
    text = fold(to_plain(answer))
    assert "alcoholemia" in text
    assert "reglamento de transito" in text


def test_an_axis_of_a_policy_answers_with_its_aim_and_all_it_lists(answerer: Answerer) -> None:
    text = fold(to_plain(answerer.answer("para que sirve el observatorio municipal de seguridad ciudadana")))
    assert "diagnosticos y estudios" in text[:LEAD]
    assert "camaras de seguridad" in text
    assert "incidencia delictiva" in text


def test_a_record_that_explains_more_beats_a_section_found_by_the_plans_name(answerer: Answerer) -> None:
    """ "POA 2024" names the operational actions' list; the question is who took part."""
    assert "todas las áreas" in lead_of(answerer, "quienes participaron en hacer el POA 2024")


def test_a_list_of_one_tematica_names_it_once(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("lineas estrategicas del eje ambiental en el plan multianual"))
    assert t.LIST_ALL_OF_TEMATICA.format(tematica="Mixco ambientalmente responsable") in text
    assert "(Mixco ambientalmente responsable)" not in text
    assert "agua potable" in text[:LEAD]


def test_a_baseline_is_a_targets_figure(answerer: Answerer) -> None:
    assert "9.52%" in lead_of(answerer, "violencia contra la mujer linea base")


def test_sides_set_against_each_other_with_vs_are_compared(answerer: Answerer) -> None:
    text = lead_of(answerer, "situado constitusional vs iva paz cual da mas")
    assert "IVA-PAZ tiene más: Q 61,100,000.00" in text
    assert "53,000,000.00" in text


def test_one_sources_investment_and_operating_are_its_own_two_sides(answerer: Answerer) -> None:
    text = lead_of(answerer, "del iva paz se va mas a inversion o a funcionamiento")
    assert "45,825,000.00" in text
    assert "15,275,000.00" in text
    assert "324,280,937.41" not in text  # not the whole budget's operating part


def test_paying_salaries_is_the_plans_own_spending(answerer: Answerer) -> None:
    answer = answerer.answer("el fonpetrol tmb se usa pa pagar sueldos o todo es inversion")
    assert answer.confident
    assert "1,833,000.00" in to_plain(answer)
    assert not answerer.answer("como pago el iusi en linea").confident


def test_counting_works_of_a_kind_lists_them(answerer: Answerer) -> None:
    text = lead_of(answerer, "cuantos posos van a hacer en total")
    assert "4 de 8 proyectos" in text
    assert {"297669", "273703", "206148", "276227"} <= set(
        re.findall(r"\d{6}", to_plain(answerer.answer("cuantos posos van a hacer en total")))
    )


def test_counting_what_exists_is_not_counting_the_plans_works(answerer: Answerer) -> None:
    assert not answerer.answer("cuantos pozos municipales hay en total en mixco").confident


def test_a_state_asked_is_answered_by_the_sentence_that_says_it(answerer: Answerer) -> None:
    assert "proceso de aprobación" in lead_of(
        answerer, "ya esta aprobado el plan de ordenamiento territorial?"
    )


def test_a_place_of_one_project_outweighs_the_complaint_around_it(answerer: Answerer) -> None:
    text = lead_of(
        answerer, "y el pozo del chiquirin pa cuando esta listo, ya estamos cansados de comprar toneles"
    )
    assert "273703" in text
    assert "2023" in text
    assert "2025" in text


def test_an_axis_both_policies_name_shows_what_each_says(answerer: Answerer) -> None:
    text = fold(to_plain(answerer.answer("que va a hacer el observatorio municipal de seguridad ciudadana")))
    assert "establecer en dos anos un observatorio" in text  # the first policy's one item
    assert "camaras de seguridad" in text  # the second policy's axis of the same name
    assert "incidencia delictiva" in text


def test_a_member_included_in_a_sum_does_not_filter_it(answerer: Answerer) -> None:
    text = lead_of(answerer, "cuanto dan los 8 proyectos juntos incluyendo el parque de la zona 5")
    assert "19,194,178.00" in text


def test_how_it_came_out_is_answered_by_the_sentence_that_says_it(answerer: Answerer) -> None:
    assert "categoría media" in lead_of(answerer, "como salio mixco en el ranking de gestion municipal")


def test_a_word_every_member_has_filters_nothing(answerer: Answerer) -> None:
    """Every line of the POM sits under an "Eje …": "eje" picks none of them."""
    text = lead_of(answerer, "lineas estrategicas del eje ambiental en el plan multianual")
    assert "6 de 33" in text


def test_the_section_the_question_names_comes_first(answerer: Answerer) -> None:
    text = lead_of(answerer, "objetivos especificos de la politica de seguridad ciudadana 2014-2029")
    assert text.splitlines()[1] == "Objetivos específicos:"
    assert "coordinada y focalizada" in text


def test_a_part_of_the_policy_named_is_that_policys_axis(answerer: Answerer) -> None:
    text = fold(
        to_plain(
            answerer.answer("que acciones de seguridad vial trae la politica de prevencion de la violencia")
        )
    )
    assert "salvando vidas" in text
    assert "detectores de velocidad" in text
    assert "3,000 pilotos" in text


@pytest.mark.parametrize(
    "question", ["cuantos policias municipales hay actualmente en mixco", "cuantos cocodes hay en mixco"]
)
def test_how_many_of_something_no_record_counts_is_not_confident(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert to_plain(answer).splitlines()[1] == t.COUNT_NOT_IN_PLAN


@pytest.mark.parametrize(
    "question", ["la zona 4 cuantas colonias tiene", "cuantas colonias hay en la zona 10"]
)
def test_a_street_number_is_no_count_of_what_follows_it(answerer: Answerer, question: str) -> None:
    """ "CALLE 0 COLONIA MARILU, ZONA 10" numbers a street: it says nothing of how many colonias."""
    answer = answerer.answer(question)
    assert not answer.confident
    assert "Según el plan" not in to_plain(answer)[:LEAD]  # no sentence quoted as the count


def test_how_many_a_record_says_is_answered(answerer: Answerer) -> None:
    answer = answerer.answer("cuantos sistemas de tratamiento de aguas residuales habia en 2021")
    assert answer.confident
    assert "9 sistemas" in to_plain(answer)


def test_what_is_left_out_needs_all_its_words(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("aparte del codigo municipal que otras leyes menciona el marco legal"))
    assert "Código de Salud" in text
    assert "11 de 12" in text


def test_each_side_of_y_filters_on_its_own_too(answerer: Answerer) -> None:
    question = "que normas del medio ambiente y de aguas residuales estan en el marco legal"
    text = to_plain(answerer.answer(question))
    assert "68-86" in text
    assert "236-2006" in text


def test_how_many_now_is_not_a_target(answerer: Answerer) -> None:
    """The plan trains 200 agents in two years; it does not say how many there are."""
    assert not answerer.answer("cuantos agentes tiene actualmente la policia municipal de mixco").confident


def test_how_many_the_plan_says_in_a_sentence_is_quoted(answerer: Answerer) -> None:
    assert "diez prioridades nacionales" in fold(
        lead_of(answerer, "cuantas prioridades nacionales de desarrollo hay")
    )


def test_a_number_said_in_other_words_still_answers_how_many(answerer: Answerer) -> None:
    answer = answerer.answer("capacitaciones sobre patrones de crianza cuantas personas")
    assert answer.confident
    assert "2750" in to_plain(answer)


def test_a_count_the_text_states_is_quoted_beside_the_rows_counted(answerer: Answerer) -> None:
    text = lead_of(answerer, "cuantos indices tiene el ranking de gestion municipal")
    assert "5 índices" in text
    assert "seis índices" in text


def test_counting_what_the_list_is_not_leads_with_the_texts_count(answerer: Answerer) -> None:
    assert "once zonas" in lead_of(answerer, "cuantas zonas tiene mixco").splitlines()[1]
    assert "once zonas" not in lead_of(answerer, "en cuantas zonas hay proyectos")


def test_a_misspelt_money_word_still_asks_for_money(answerer: Answerer) -> None:
    answer = answerer.answer("cuanto presupusto hay en el 2025 pa los pozos")
    assert not answer.confident
    assert "2024" in to_plain(answer)


@pytest.mark.parametrize(
    "question",
    [
        "a q numero llamo pa reportar la falta de agua",
        "mi vecino construyo en area de riesgo, lo pueden multar?",
        "cuanto se a ejecutado del proyecto de la marilu hasta ahorita",
    ],
)
def test_calls_fines_and_spending_to_date_are_not_the_plans(answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).confident


def test_one_side_of_o_is_answered_when_the_whole_is_not(answerer: Answerer) -> None:
    answer = answerer.answer("hay algun parque en el plan o puros pozos")
    assert answer.confident
    assert "287389" in lead_of(answerer, "hay algun parque en el plan o puros pozos")
    assert not answerer.answer("que opina usted de la muni, trabajan o no trabajan").confident


@pytest.mark.parametrize(
    ("question", "amount"),
    [("cuanto va a funcionamiento", "324,280,937.41"), ("cuanto es para inversion", "364,029,262.59")],
)
def test_a_part_of_the_budget_asked_alone_is_its_total(
    answerer: Answerer, question: str, amount: str
) -> None:
    assert amount in to_plain(answerer.answer(question)).splitlines()[1]


def test_a_clause_keeps_the_source_the_message_names(answerer: Answerer) -> None:
    text = lead_of(answerer, "de los ingresos propios cuanto se va en funcionamiento? osea en sueldos y eso")
    assert "222,922,929.91" in text


@pytest.mark.parametrize(
    "question", ["cual es el presupuesto de la muni", "cuanto dinero tiene la muni", "presupuesto"]
)
def test_money_of_nothing_in_particular_is_the_budget_total(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.kind == "funding_total"
    assert "688,310,200.00" in lead_of(answerer, question)


def test_more_or_less_alone_means_about_not_a_superlative(answerer: Answerer) -> None:
    answer = answerer.answer("cuanto es mas o menos el presupuesto de la muni")
    assert answer.kind == "funding_total"
    assert "375,000.00" not in lead_of(answerer, "cuanto es mas o menos el presupuesto de la muni")


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("y el proyecto mas baratito?", "SNIP 287389: Q 375,000.00"),
        (
            "la fuente de financiamiento mas chiquita cual es",
            "Porcentaje Forestal INAB de Madera: Q 3,500.00",
        ),
    ],
)
def test_a_diminutive_superlative_is_a_superlative(answerer: Answerer, question: str, lead: str) -> None:
    assert lead in lead_of(answerer, question)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("q trae mas pisto el IVA PAZ o el situado", ("IVA-PAZ tiene más", "Q 53,000,000.00")),
        (
            "el impuesto de circulacion de vehiculos es mas o menos que fonpetrol",
            ("Q 5,516,300.00", "Q 1,833,000.00"),
        ),
    ],
)
def test_a_source_named_by_a_word_only_it_has_is_compared(
    answerer: Answerer, question: str, lead: tuple[str, ...]
) -> None:
    assert answerer.answer(question).kind == "compare"
    text = lead_of(answerer, question)
    assert all(part in text for part in lead)


def test_a_word_the_plan_also_uses_elsewhere_does_not_name_a_source_alone(answerer: Answerer) -> None:
    named = [f.source for f in answerer.source_names.named_in({"porcentaje", "iusi", "situado"})]
    assert named == ["Situado constitucional", "Fondos de IUSI"]


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("que se invierte mas en porcentaje, el situado constitucional o el iva paz", ("90%", "75%")),
        ("porcentaje de inversion del iusi vs ingresos propios", ("70.00%", "25%")),
        ("q porcentaje va a inversion del situado y del iva paz, cual es mayor", ("90%", "75%")),
    ],
)
def test_shares_are_compared_as_shares(answerer: Answerer, question: str, lead: tuple[str, ...]) -> None:
    answer = answerer.answer(question)
    text = lead_of(answerer, question)
    assert answer.kind == "compare"
    assert all(part in text for part in lead)
    assert "puntos porcentuales" in text
    assert "Q " not in text.split("Fuente")[0]


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("mixco seguro", "PND 7, ODS 16"),
        ("mixco seguro a q prioridad nacional y ods se vincula", "PND 7, ODS 16"),
    ],
)
def test_a_tematica_named_in_full_is_its_card(answerer: Answerer, question: str, lead: str) -> None:
    assert answerer.answer(question).kind == "tematica"
    assert lead in lead_of(answerer, question)


def test_a_list_under_a_tematica_named_in_full_keeps_to_it(answerer: Answerer) -> None:
    question = "Buenas, ¿qué líneas estratégicas tiene la temática Mixco Hambre Cero?"
    answer = answerer.answer(question)
    assert answer.kind == "list:strategic_lines"
    assert answer.confident
    assert "SESAN" in lead_of(answerer, question)
    assert "no aparece" not in to_plain(answer)


@pytest.mark.parametrize(
    "question", ["en que leyes se basa el plan? el marco legal pues", "leyes en q se basa el POA"]
)
def test_the_laws_the_plan_rests_on_are_the_whole_legal_framework(answerer: Answerer, question: str) -> None:
    text = lead_of(answerer, question)
    assert "Código Municipal" in text
    assert "Ley Orgánica del Presupuesto" in text


def test_k_for_c_spelling_still_counts(answerer: Answerer) -> None:
    assert "12 problemáticas" in lead_of(answerer, "kuantas problematicas identifica el plan")


def test_a_topic_in_a_zona_lists_every_project_of_the_zona_about_it(answerer: Answerer) -> None:
    text = lead_of(answerer, "agua z6")  # 206148 is a well: water, without the word "agua"
    assert "273703" in text
    assert "206148" in text


def test_a_source_asked_for_another_year_is_not_answered_with_this_years_row(answerer: Answerer) -> None:
    answer = answerer.answer("¿Cuánto recibirá Mixco de Fonpetrol en 2025?")
    assert not answer.confident
    assert "1,833,000.00" not in to_plain(answer)


def test_a_project_label_defined_brings_the_projects_it_marks(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("que significa ARRASTRE en la tabla de proyectos y cuales son"))
    marked = {
        s
        for s in ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")
        if s in text
    }
    assert marked == {"206148", "206213"}
    assert "Explicación (no es texto del plan)" in text


@pytest.mark.parametrize(
    "question",
    [
        "cuanto debo de IUSI de mi casa? mi numero de finca es 12345",
        "la muni de mixco es corrupta o no? sea sincero",
    ],
)
def test_personal_accounts_and_opinions_are_not_answered_from_the_plan(
    answerer: Answerer, question: str
) -> None:
    assert not answerer.answer(question).confident


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("q porcentaje a inversion tiene el situado comparado con el iva paz", ("90%", "75%")),
        ("ingresos propios vs iusi en % de inversion", ("70.00%", "25%")),
        ("que fuente de fondos se va mas en funcionamiento, en porcentaje", ("Ingresos propios: 75%",)),
    ],
)
def test_shares_asked_with_a_sign_or_compared_with(
    answerer: Answerer, question: str, lead: tuple[str, ...]
) -> None:
    text = lead_of(answerer, question)
    assert all(part in text for part in lead)


@pytest.mark.parametrize(
    "question",
    [
        "en que estado esta el plan de ordenamiento territorial",
        "oiga y el plan de ordenamiento territorial ya lo aprobaron o sigue igual?",
    ],
)
def test_the_state_of_an_instrument_is_the_sentence_that_says_it(answerer: Answerer, question: str) -> None:
    assert "proceso de aprobación" in lead_of(answerer, question)


@pytest.mark.parametrize(
    ("question", "institution"),
    [
        ("q institucion ve lo de alfabetizasion con la muni", "CONALFA"),
        ("con que institucion trabaja la muni lo de enseñar a leer y escribir", "CONALFA"),
        ("con quien coordina la muni para ampliar los centros de cuidado infantil", "Obras Sociales"),
        ("la red de derivacion multisectorial es de que institucion", "MINISTERIO PÚBLICO"),
    ],
)
def test_who_does_a_thing_is_the_institution_its_records_name(
    answerer: Answerer, question: str, institution: str
) -> None:
    answer = answerer.answer(question)
    assert answer.asks == "who"
    assert institution in lead_of(answerer, question).split("\n")[1]


def test_against_whom_is_not_an_institution(answerer: Answerer) -> None:
    question = "contra quien es la violencia q quieren prevenir en la politica de prevencion"
    assert "esto se hace con" not in to_plain(answerer.answer(question))


def test_a_misspelt_list_name_is_still_the_list(answerer: Answerer) -> None:
    answer = answerer.answer("q potensialidades tiene mixco")
    assert answer.kind == "list:potentialities"
    assert "área metropolitana" in to_plain(answer)


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        (
            "q zona tiene mas proyestos",
            "Las zonas 6 y 10 son las que más proyectos tienen en el plan: 2 proyectos",
        ),
        ("que zona tiene menos obras", "las zonas 1, 2, 4 y 5 son las que menos tienen: 1 proyecto"),
    ],
)
def test_a_zona_with_most_projects_is_counted_not_summed(
    answerer: Answerer, question: str, lead: str
) -> None:
    assert lead in lead_of(answerer, question)


def test_cubic_metres_are_the_plans_m3(answerer: Answerer) -> None:
    question = "cuantos metros cubicos de agua quieren produsir en 2032"
    answer = answerer.answer(question)
    assert answer.confident
    assert "28,235,390 m³" in lead_of(answerer, question)
    assert not answerer.answer("cuanto sale el metro cubico de agua en mixco").confident  # a price


def test_the_money_around_a_role_is_not_the_role(answerer: Answerer) -> None:
    question = "quien fiscaliza a la muni, xq alguien tiene q vigilar el pisto"
    assert "CONTRALORIA GENERAL DE CUENTAS" in lead_of(answerer, question)
    assert "«fiscalización»" in lead_of(answerer, question)
    assert answerer.answer("quien pone el dinero de los pozos").kind == "list:projects"


def test_a_superlative_in_a_zona_ranks_the_zonas_projects(answerer: Answerer) -> None:
    assert "SNIP 273703: Q 3,725,625.00" in lead_of(answerer, "los 2 proyectos d zona 6 cual cuesta mas")


@pytest.mark.parametrize(
    ("folded", "bound"),
    [
        ("q proyectos pasan d 3 millones de quetzales", (True, Decimal(3_000_000))),
        ("proyectos de mas de un millon", (True, Decimal(1_000_000))),
        ("obras de menos de 500 mil", (False, Decimal(500_000))),
        ("mas de q2,000,000.00", (True, Decimal(2_000_000))),
        ("menos de 1.5 millones", (False, Decimal(1_500_000))),
        ("mas de 3 proyectos", None),
        ("mas de 1.2.3 millones", None),
    ],
)
def test_an_amount_set_as_a_bound(folded: str, bound: tuple[bool, Decimal] | None) -> None:
    assert amount_threshold(folded) == bound


def test_projects_above_an_amount_are_those_rows(answerer: Answerer) -> None:
    text = lead_of(answerer, "q proyectos pasan d 3 millones de quetzales")
    assert "2 de 8 proyectos tienen más de Q 3,000,000.00" in text
    shown = {
        s
        for s in ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")
        if s in text
    }
    assert shown == {"242177", "273703"}
    assert "ningún proyecto tiene menos de Q 2,000,000.00" in lead_of(
        answerer, "proyectos de menos de 2 millones en la zona 6"
    )


def test_besides_one_project_the_zonas_others(answerer: Answerer) -> None:
    text = lead_of(answerer, "aparte del drenaje de san antonio q mas hay en la zona diez")
    assert {s for s in ALL_SNIPS if s in text} == {"206213"}
    assert "En la zona 10, aparte del proyecto de BARRIO SAN ANTONIO, hay 1 proyecto más" in text


def test_two_projects_named_by_their_places_are_both_shown(answerer: Answerer) -> None:
    text = lead_of(answerer, "el barrio San Antonio y la colonia Marilu en que zona estan")
    assert {s for s in ALL_SNIPS if s in text} == {"242177", "206213"}
    summed = lead_of(answerer, "cuanto cuesta el pozo de san jose las rosas y el de sacoj chiquito")
    assert "Q 5,833,672.56" in summed


def test_loans_to_the_municipality_are_not_in_the_plan(answerer: Answerer) -> None:
    assert not answerer.answer("cuanto le presto el INFOM a la muni").confident


def test_a_source_said_in_local_words_is_that_source(answerer: Answerer) -> None:
    question = "saludos, cuanto dinero viene del impuesto de las casas y cuanto de eso es para obras"
    assert answerer.answer(question).kind == "funding"
    assert "Q 188,171,900.00" in lead_of(answerer, question)


def test_a_capitalised_name_does_not_run_across_sentences(answerer: Answerer) -> None:
    question = (
        "Buen día. Soy periodista y preparo una nota sobre el POA 2024 de Mixco. Necesito confirmar "
        "cuánto sale del IUSI. Gracias"
    )
    answer = answerer.answer(question)
    assert answer.kind != "place_not_listed"
    assert "268,817,000.00" in lead_of(answerer, question)


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuánto presupuesto tiene asignado la Escuela de Bomberos Municipales?",
        "¿Cuánto va a costar el Plan de Ordenamiento Territorial?",
        "cuanto le pagan a los agentes de la policia municipal",
        "cuanto se gasta en las campañas de limpieza de botaderos",  # a target the plan does not cost
        "cuánto invierte la muni en el observatorio de seguridad",
    ],
)
def test_money_the_plan_does_not_give_is_not_answered_with_confidence(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert "Q " not in to_plain(answer).split("Fuente")[0]


def test_an_actors_own_card_is_not_led_by_its_own_name(answerer: Answerer) -> None:
    answer = answerer.answer("quienes forman el consorcio de ONGs")
    assert answer.kind == "actor"
    assert "OXFAM" in lead_of(answerer, "quienes forman el consorcio de ONGs")
    assert "esto se hace con" not in to_plain(answer)


def test_two_zonas_compared_with_are_their_projects_side_by_side(answerer: Answerer) -> None:
    question = "Comparado con el tanque de la zona 1, ¿el pozo de la zona 4 recibe más o menos dinero?"
    assert answerer.answer(question).kind == "compare"
    text = lead_of(answerer, question)
    assert "Q 2,665,533.00" in text
    assert "Q 2,033,600.00" in text


def test_a_time_is_no_count_of_the_thing_asked(answerer: Answerer) -> None:
    answer = answerer.answer("¿Cuántas cámaras de seguridad va a instalar el observatorio municipal?")
    assert not answer.confident  # «Establecer en dos años un observatorio …» counts years, not cameras


@pytest.mark.parametrize(
    ("question", "snips", "period"),
    [
        ("de los proyectos cual inicio primero", ("242177",), "MULTIANUAL 2021-2024"),
        ("cual proyecto termina de ultimo", ("297669", "299884", "273703"), "MULTIANUAL 2023-2025"),
    ],
)
def test_which_project_starts_or_ends_first_is_read_from_the_periods(
    answerer: Answerer, question: str, snips: tuple[str, ...], period: str
) -> None:
    lead = lead_of(answerer, question).split("•")[0]  # the answer's own line, before the list
    assert all(snip in lead for snip in snips)
    assert period in lead


def test_the_source_that_gives_least_to_a_part_is_one_that_gives_something(answerer: Answerer) -> None:
    """Fonpetrol and the Porcentaje Forestal give Q 0.00 to funcionamiento: they give nothing, said
    apart; the least is the smallest amount given."""
    lead = lead_of(answerer, "cual fuente aporta menos al funcionamiento")
    assert "Impuesto a circulación de vehículos terrestres: Q 137,907.50" in lead
    assert "No aportan nada a funcionamiento: Fonpetrol" in lead
