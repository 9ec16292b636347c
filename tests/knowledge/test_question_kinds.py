"""Kinds of question a blind run showed the answerer did not model: who by the thing done,
funding sources filtered by share, counts of the document's own lists, acronyms (misspelt too),
when a document was approved, the whole legal framework, figures the plan does not give, and
operating spending asked as salaries. Facts checked here were read in the plan document; what is
checked as a lead must be in the answer's first 400 characters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge import catalog as t
from knowledge.answers import Answerer
from knowledge.glossary import misspelt_term
from knowledge.ingest import load_bundled_plan
from knowledge.lexicon import spanish_words
from knowledge.model import LEAD_IN
from knowledge.question import ShareAsked, counted_words, read_ask, share_asked, share_holds
from knowledge.render import to_plain
from knowledge.text import fold

LEAD = 400


def plain(answerer: Answerer, question: str) -> str:
    return fold(to_plain(answerer.answer(question)))


def lead_of(answerer: Answerer, question: str) -> str:
    return plain(answerer, question)[:LEAD]


# Who, by the thing done ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "¿quién se encarga de poner los equipos en los puestos de salud?",
        "quien lleva la construccion de equipamientos de salud publica",
        "fijese que en mi colonia no hay ni un centro de salud y toca ir hasta la capital, "
        "quien es el que construye los centros de salud?",
    ],
)
def test_who_does_a_thing_named_in_a_line_of_action(answerer: Answerer, question: str) -> None:
    """The line of action says «… por parte del Ministerio de Salud Pública y Asistencia Social»;
    the ministry's own actor row says only «Apoyo técnico»."""
    answer = answerer.answer(question)
    assert answer.confident
    assert "ministerio de salud publica" in lead_of(answerer, question)


def test_who_keeps_to_the_topic_asked(answerer: Answerer) -> None:
    """Schools' equipment is not the health ministry's: no line names it, so no ministry leads."""
    assert "ministerio de salud" not in lead_of(
        answerer, "¿quién mejora el equipamiento de los centros educativos?"
    )


# Funding sources by share ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "part", "relation", "pct"),
    [
        ("¿cuáles fondos se van completamente a inversión?", "investment", "eq", 100),
        ("¿hay alguna fuente que sea solo para funcionamiento?", "operating", "eq", 100),
        ("fuentes que dan más del 70 % a inversión", "investment", "gt", 70),
        ("¿qué rubros destinan menos del 20 por ciento a funcionamiento?", "operating", "lt", 20),
        ("fuentes con al menos la mitad para funcionamiento", "operating", "ge", 50),
        ("¿cuál no pone nada en funcionamiento?", "operating", "eq", 0),
    ],
)
def test_share_bounds_are_read(question: str, part: str, relation: str, pct: int) -> None:
    assert share_asked(fold(question)) == ShareAsked(part, relation, Decimal(pct))


@pytest.mark.parametrize(
    "question",
    [
        "¿cuáles son todas las fuentes de financiamiento?",
        "¿cuánto va a inversión?",
        "¿cuánto es todo lo de inversión de las fuentes?",
        "¿qué porcentaje tiene el situado?",
    ],
)
def test_no_share_bound_where_none_is_set(question: str) -> None:
    assert share_asked(fold(question)) is None


def test_share_holds_compares_as_asked() -> None:
    assert share_holds(ShareAsked("investment", "ge", Decimal(90)), Decimal("97.5"))
    assert not share_holds(ShareAsked("investment", "lt", Decimal(90)), Decimal(90))
    assert share_holds(ShareAsked("operating", "eq", Decimal(0)), Decimal("0.00"))


def test_sources_wholly_for_investment_are_the_plans_100_percent_rows(answerer: Answerer) -> None:
    plan = answerer.plan
    whole = [f.source for f in plan.funding if f.investment_pct == 100]
    others = [f.source for f in plan.funding if f.investment_pct != 100]
    text = plain(answerer, "¿qué procedencias de fondos van íntegramente a inversión?")
    assert whole
    assert others
    assert all(fold(s) in text[:LEAD] for s in whole)
    assert not any(fold(s) in text for s in others)


def test_no_source_wholly_for_operating_says_none_and_the_nearest(answerer: Answerer) -> None:
    """No row of the table gives 100 % to funcionamiento; Ingresos propios gives 75 %, the most."""
    answer = answerer.answer("¿qué fuente se gasta toda en funcionamiento?")
    lead = fold(to_plain(answer))[:LEAD]
    assert answer.confident
    assert "ninguna" in lead
    assert "ingresos propios" in lead
    assert "75%" in lead


def test_sources_above_a_share(answerer: Answerer) -> None:
    text = plain(answerer, "¿qué fuentes mandan más del 80% a inversión?")
    above = [f.source for f in answerer.plan.funding if f.investment_pct > 80]
    below = [f.source for f in answerer.plan.funding if f.investment_pct <= 80]
    assert len(above) == 4  # situado 90 %, Fonpetrol and INAB 100 %, circulación de vehículos 97.5 %
    assert all(fold(s) in text for s in above)
    assert not any(fold(s) in text for s in below)


def test_percentage_of_operating_is_the_totals_share_labelled_computed(answerer: Answerer) -> None:
    """Q 324,280,937.41 of Q 688,310,200.00 is 47.11 %; "porcentaje" alone names no source (the
    plan's "Porcentaje Forestal INAB" is not asked about)."""
    answer = answerer.answer("¿qué tanto por ciento del dinero se va en funcionamiento?")
    lead = fold(to_plain(answer))[:LEAD]
    assert "47.11%" in lead
    assert "calculado" in lead
    assert not lead.startswith("porcentaje forestal")


def test_a_named_sources_share_stays_its_own(answerer: Answerer) -> None:
    assert "70.00%" in lead_of(answerer, "¿qué porcentaje de los fondos de IUSI va a inversión?")


# Counting the document's lists ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("¿cuántas son las potencialidades?", "potencialidades"),
        ("cuantos hay de problemas", "problemas"),
        ("¿cuántos ejes?", "ejes"),
    ],
)
def test_what_is_counted_skips_the_words_between(question: str, counted: str) -> None:
    found = counted_words(fold(question))
    assert found is not None
    assert found.split()[0] == counted


@pytest.mark.parametrize(
    ("question", "list_id"),
    [
        ("¿cuántas son las fortalezas que tiene el municipio?", "potentialities"),
        ("cuantos son los problemas que identifica el plan", "problems"),
        ("¿cuántos son los actores del análisis?", "actors"),
        ("¿cuántas normas legales son en total?", "laws"),
    ],
)
def test_counts_of_the_documents_lists(answerer: Answerer, question: str, list_id: str) -> None:
    members = {
        "potentialities": len(answerer.plan.potentialities),
        "problems": len(answerer.plan.problems),
        "actors": len(answerer.plan.actors),
        "laws": len(answerer.plan.laws),
    }[list_id]
    answer = answerer.answer(question)
    assert read_ask(fold(question)).list_id == list_id
    assert answer.asks == "count"
    assert str(members) in fold(to_plain(answer))[:LEAD]
    assert "proyectos" not in fold(to_plain(answer))[:LEAD]


def test_the_ejes_are_counted_whoever_owns_them(answerer: Answerer) -> None:
    assert f"{len(answerer.plan.ejes)} ejes" in lead_of(answerer, "¿en cuántos ejes se organiza el PDM-OT?")


# Acronyms -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("¿qué significa PMDOT?", "PDM-OT"),
        ("q es el PD-MOT", "PDM-OT"),
        ("que quiere decir SEGPLAN", "SEGEPLAN"),
        ("significado de CONALFAS", "CONALFA"),
        ("que es el fonpetroll", "Fonpetrol"),
    ],
)
def test_a_misspelt_acronym_is_defined_from_the_document(
    answerer: Answerer, question: str, term: str
) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert fold(term) in fold(answer.title)


def test_short_acronyms_are_never_guessed() -> None:
    """POA, POM, PEI differ by one letter from each other: "pox" is none of them."""
    edition = load_bundled_plan().edition
    lexicon = spanish_words()
    assert misspelt_term(fold("que es el pox"), edition, lambda w: w in lexicon) is None
    assert misspelt_term(fold("que significa casa"), edition, lambda w: w in lexicon) is None


@pytest.mark.parametrize(
    "question", ["¿qué quiere decir la sigla FODES?", "que es el BANRURAL", "¿qué es el QWERTY?"]
)
def test_an_acronym_the_plan_does_not_have_abstains(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident
    assert "no usa ni explica" in fold(to_plain(answer))


def test_an_actors_acronym_is_expanded_by_its_row(answerer: Answerer) -> None:
    """«SECRETARÍA PRESIDENCIAL DE LA MUJER -SEPREM-» is the actors' table's own expansion."""
    assert "secretaria presidencial de la mujer" in lead_of(answerer, "que significan las siglas SEPREM")


# When a document was approved ---------------------------------------------------------------------------
def test_approval_of_the_pdmot_quotes_its_years(answerer: Answerer) -> None:
    lead = lead_of(answerer, "¿en qué año fue aprobado el plan de desarrollo municipal?")
    assert "2018" in lead
    assert "2022" in lead


def test_approval_of_a_plan_in_process_says_so(answerer: Answerer) -> None:
    """«el Plan de Ordenamiento Territorial y su reglamento, aún se encuentra en proceso de
    aprobación»: no year, but the plan does say where it stands."""
    assert "proceso de aprobacion" in lead_of(
        answerer, "¿cuándo aprobaron el plan de ordenamiento territorial?"
    )


def test_approval_the_plan_does_not_date_gives_the_period_not_confident(answerer: Answerer) -> None:
    answer = answerer.answer("¿cuándo fue aprobado el Plan Estratégico Institucional?")
    lead = fold(to_plain(answer))[:LEAD]
    assert not answer.confident
    assert "no dice en que fecha se aprobo" in lead
    assert "2021-2025" in lead


def test_a_period_question_is_still_answered_by_the_period(answerer: Answerer) -> None:
    answer = answerer.answer("¿hasta qué año va el POM?")
    assert answer.confident
    assert "2024-2028" in fold(to_plain(answer))[:LEAD]


# The legal framework --------------------------------------------------------------------------------------
def test_the_laws_lead_in_is_kept_and_filters_nothing(answerer: Answerer) -> None:
    lead_in = answerer.plan.statement(LEAD_IN.format(list_id="laws"))
    assert lead_in is not None
    assert "se sustenta" in lead_in.text
    text = plain(answerer, "¿en qué leyes se basa la planificación municipal?")
    assert all(fold(law.name) in text for law in answerer.plan.laws)
    assert "decreto numero 11-2002" in text


def test_a_law_topic_still_filters(answerer: Answerer) -> None:
    text = plain(answerer, "¿qué ley trata de la niñez?")
    assert "ninez y la adolescencia" in text
    assert "codigo de salud" not in text


# Figures the plan does not give ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "¿cuánto financia el BCIE para los drenajes?",
        "cuanto presta el banco interamericano",
        "¿cuánto dona la embajada de Japón?",
        "¿cuánto aportan las agencias de cooperación internacional?",
        "¿de cuánto es la tarifa del IUSI?",
        "¿cuánto es el impuesto de circulación por millar?",
        "¿de cuánto fue el presupuesto de 2022?",
        "cuantas escuelas publicas hay en mixco",  # "en el año 2032 los centros educativos" is no count
        "cuantos centros de salud hay en mixco",
        "cuantos casos de violencia contra la mujer se denunciaron en mixco en 2023",  # a past year's figure
        "hay terrenos municipales a la venta en la zona 6? ando buscando donde construir mi casita",
        "cuando es la proxima reunion del COMUDE",
        "en que puesto quedo mixco a nivel nacional en el ranking de la gestion municipal",  # categories only
    ],
)
def test_figures_the_plan_does_not_give_abstain(answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).confident


def test_a_lender_the_plan_does_not_list_gets_the_plans_sources(answerer: Answerer) -> None:
    text = plain(answerer, "¿cuánto presta el BCIE?")
    assert "bcie" in text
    assert all(fold(f.source) in text for f in answerer.plan.funding)


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("¿cuánto aporta el IVA PAZ?", "61,100,000.00"),
        ("cuanto da el situado constitucional", "53,000,000.00"),
        ("cuanto aporta el fonpetrl", "1,833,000.00"),  # a typo of a listed source is that source
    ],
)
def test_money_from_a_source_the_plan_lists_is_answered(
    answerer: Answerer, question: str, amount: str
) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert amount in to_plain(answer)[:LEAD]


# Operating spending asked as salaries -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    ["¿cuánto se paga de salarios?", "cuanto se va en funcionamiento, osea para pagar planillas y eso"],
)
def test_salaries_are_read_as_operating_spending(answerer: Answerer, question: str) -> None:
    total = answerer.plan.funding_total
    assert total is not None
    lead = to_plain(answerer.answer(question))[:LEAD]
    assert f"{total.operating:,.2f}" in lead


def test_salaries_say_the_plan_gives_no_separate_amount(answerer: Answerer) -> None:
    lead = lead_of(answerer, "¿cuánto se gasta en sueldos?")
    assert fold(t.OPERATING_NEAREST.format(word="sueldos")) in lead


def test_define_and_money_together(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("¿qué es el situado y cuánto le toca a la muni?"))
    assert "Constitución" in text
    assert "53,000,000.00" in text


# A clause of the message answers only what the whole message asks -----------------------------
@pytest.mark.parametrize(
    "question",
    ["cual es la tasa del IUSI por millar que cobra la muni", "q tarifa de agua cobra la muni en la zona 6"],
)
def test_a_rate_asked_is_not_answered_by_the_clause_that_drops_it(answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.confident


def test_who_a_line_of_action_is_done_before_by_an_acronym(answerer: Answerer) -> None:
    assert "mineduc" in lead_of(
        answerer, "¿ante quién gestiona la muni la ampliación de la oferta educativa pública?"
    )


# A record named by its title, a heading that describes a paragraph, a clause quoted first ------
def test_a_statement_about_a_list_named_by_its_title_answers_not_the_list(answerer: Answerer) -> None:
    assert "mesas tecnicas" in lead_of(answerer, "¿qué conclusiones saca el análisis de actores?")
    assert answerer.answer("¿cuántos actores hay en el análisis de actores?").title != (
        answerer.answer("¿qué conclusiones saca el análisis de actores?").title
    )


def test_the_heading_over_a_paragraph_finds_it(answerer: Answerer) -> None:
    """The vision sits under «Filosofía institucional»; the POA's objective only says «visión»
    and «institucionales» in passing."""
    assert answerer.answer("díganme la visión institucional de la muni").title == "Visión de la municipalidad"


def test_the_clauses_of_a_long_sentence_that_say_what_is_asked_come_first(answerer: Answerer) -> None:
    lead = lead_of(
        answerer,
        "según el índice de información a la ciudadanía, ¿con qué sistema se transparentan las compras?",
    )
    assert "guatecompras" in lead


def test_a_definition_is_not_cut_to_a_clause(answerer: Answerer) -> None:
    assert "estado de la gestion municipal" in lead_of(
        answerer, "¿en qué consiste el ranking de la gestión municipal?"
    )


# How much there is, of nothing named ----------------------------------------------------------
@pytest.mark.parametrize("question", ["¿cuánto hay?", "y cuanto tiene la muni", "cuanto habia en 2024"])
def test_how_much_there_is_of_nothing_named_is_the_whole_budget(answerer: Answerer, question: str) -> None:
    assert "688,310,200.00" in lead_of(answerer, question)


def test_how_much_there_was_another_year_is_refused(answerer: Answerer) -> None:
    answer = answerer.answer("¿cuánto había en 2022?")
    assert not answer.confident
    assert "688,310,200.00" not in plain(answerer, "¿cuánto había en 2022?")


# Who made the document ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "quienes hicieron el poa",
        "quienes participaron en hacer el POA",
        "quien elaboró el plan operativo anual",
    ],
)
def test_who_made_the_poa_is_the_sentence_that_tells_it(answerer: Answerer, question: str) -> None:
    assert "han participado todas las areas que conforman la municipalidad" in lead_of(answerer, question)


def test_who_made_another_document_is_not_told_by_the_poas_sentence(answerer: Answerer) -> None:
    assert "han participado todas las areas" not in plain(answerer, "quien elaboro el pdm-ot")


# What the municipality already has ----------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "que herramientas ya tiene la muni para atender al vecino",
        "que herramientas tiene ya la muni para los tramites del vecino",
        "que herramientas ha puesto la muni para atender al vecino en sus tramites",
    ],
)
def test_what_already_exists_is_the_clause_that_tells_it(answerer: Answerer, question: str) -> None:
    lead = lead_of(answerer, question)
    assert "ya implementados como la mixcoapp, la pagina institucional" in lead
    assert "alcaldias auxiliares" in lead


def test_a_line_of_action_answers_what_will_be_done(answerer: Answerer) -> None:
    lead = lead_of(answerer, "que herramientas va a desarrollar la muni para atender al vecino")
    assert "mixcoapp" not in lead
    assert "herramientas administrativas, tecnicas y tecnologicas" in lead


def test_a_count_the_plan_gives_in_other_words_is_still_read(answerer: Answerer) -> None:
    question = "cuantas personas de la comunidad educativa capacitan en patrones de crianza"
    assert "2750" in lead_of(answerer, question)  # "comunidad educativa" is no place


# A term asked among chatter -----------------------------------------------------------------------
PDMOT_MEANING = "plan de desarrollo municipal con enfoque territorial"


@pytest.mark.parametrize(
    ("question", "meaning"),
    [
        (
            "disculpe mi ignorancia, que significa PDM-OT",
            "plan de desarrollo municipal con enfoque territorial",
        ),
        ("pdm-ot q es eso, lo veo en todos lados", "plan de desarrollo municipal con enfoque territorial"),
        ("que son los COCODES? me invitaron a uno", "consejos comunitarios de desarrollo"),
    ],
)
def test_a_term_is_defined_whatever_the_chatter_around_it(
    answerer: Answerer, question: str, meaning: str
) -> None:
    assert meaning in lead_of(answerer, question)


def test_a_term_said_of_a_project_still_gets_the_project(answerer: Answerer) -> None:
    assert "2022-2024" in lead_of(answerer, "q significa q el proyecto del molino diga multianual")


# Who, by the role column of the actors' table -----------------------------------------------------
def test_words_pointing_at_the_role_column_do_not_hide_the_role_asked(answerer: Answerer) -> None:
    question = "quien aprueba el plan segun el analisis de actores? o sea quienes tienen rol de aprobacion"
    text = to_plain(answerer.answer(question))
    assert text.splitlines()[1].startswith("3 actores con «aprobación» en su rol")
    for name in ("CONSEJO DEPARTAMENTAL DE DESARROLLO", "MINISTERIO DE AMBIENTE", "SEGEPLAN"):
        assert name in text
    assert "VECINOS" not in text


def test_every_actor_with_the_role_is_listed(answerer: Answerer) -> None:
    text = to_plain(answerer.answer("quienes tienen validacion dentro de su rol, todos"))
    assert text.splitlines()[1].startswith("6 actores con «validación» en su rol")
    assert "-SCEP-" in text
    assert "SEGEPLAN" in text


def test_a_zona_without_projects_asked_among_a_complaint_says_what_it_has(answerer: Answerer) -> None:
    answer = answerer.answer("y para la zona 7 no hay nada? ya nos olvidaron")
    assert not answer.confident  # nothing listed there: said so, not answered as if found
    assert "en la zona 7 no hay proyectos" in fold(to_plain(answer))[:LEAD]


# A strategic line and its lines of action ---------------------------------------------------------
def test_a_strategic_lines_card_shows_its_lines_of_action(answerer: Answerer) -> None:
    text = plain(answerer, "q idioma kieren enseñar a la poblacion economicamente activa")
    assert "segundo idioma" in text
    assert "sus lineas de accion:" in text
    assert "ingles" in text.split("sus lineas de accion:")[1]


def test_lines_of_action_asked_by_their_strategic_lines_wording_are_its_own(answerer: Answerer) -> None:
    question = "que acciones trae la linea de garantizar y promover la seguridad y responsabilidad vial"
    text = to_plain(answerer.answer(question))
    assert text.count("\n• ") == 5
    assert "alcoholemia" in text
    assert "agua potable" not in text  # "garantizar" and "promover" alone pick nothing


# A policy item and the other actions of its axis --------------------------------------------------
def test_a_policy_items_card_shows_the_other_actions_of_its_axis_once(answerer: Answerer) -> None:
    text = plain(answerer, "que va a hacer la muni con la seguridad vial")
    assert "mas acciones de este eje:" in text
    assert "detectores de velocidad" in text
    assert "3,000 pilotos" in text
    assert text.count("salvando vidas") == 1  # the sibling is not repeated under "También en el plan"


# How long a thing is to take ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "time"),
    [
        ("en que plazo van a instalar los detectores de velocidad", "en el transcurso de dos años"),
        ("en cuanto tiempo van a establecer el observatorio municipal de seguridad", "en dos años"),
    ],
)
def test_the_time_a_thing_is_to_take_answers_when(answerer: Answerer, question: str, time: str) -> None:
    answer = answerer.answer(question)
    assert answer.confident
    assert to_plain(answer).splitlines()[1] == f"Plazo que da el plan: {time}."


# Clauses of a chatty message ----------------------------------------------------------------------
def test_a_relative_que_does_not_cut_the_question(answerer: Answerer) -> None:
    lead = lead_of(answerer, "¿cuál es la segunda zona que más dinero recibe?")
    assert "zona 6" in lead
    assert "5,833,672.56" in lead


def test_an_aside_out_of_scope_does_not_sink_the_question_after_it(answerer: Answerer) -> None:
    answer = answerer.answer(
        "Pago mi IUSI puntual cada año y nunca veo obras 🙄 cuanto del iusi va a inversion?"
    )
    assert answer.confident
    assert "188,171,900.00" in fold(to_plain(answer))[:LEAD]


def test_a_clause_asking_whether_the_plan_has_it_leaves_the_question_to_the_rest(answerer: Answerer) -> None:
    """ "¿viene en el plan?" only asks whether the document says what the rest asks: not a
    definition of the plan's name."""
    lead = lead_of(
        answerer,
        "mi hija tiene que averiguar cuando se aprobo el plan de desarrollo Mixco 2032, viene en el plan?",
    )
    assert "2018" in lead
    assert not lead.startswith("¿que es")


def test_an_aside_after_o_does_not_put_the_question_out_of_scope(answerer: Answerer) -> None:
    """ "¿…, o solo nos toca pagar el IUSI?": paying is the asker's aside; what comes before "o"
    is asked of the plan."""
    answer = answerer.answer("cual es el papel de los vecinos en el plan o solo nos toca pagar el IUSI")
    assert answer.confident
    assert "auditoria social" in fold(to_plain(answer))[:LEAD]


@pytest.mark.parametrize(
    "question",
    [
        "oiga, ¿es buena o mala la gestion del alcalde? que opina usted",  # the "o" is the question's
        "el alcalde lo hace bien o mal, digame su opinion",
    ],
)
def test_an_o_inside_an_opinion_is_no_aside(answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).confident


def test_an_out_of_scope_clause_keeps_the_message_out_of_scope(answerer: Answerer) -> None:
    assert not answerer.answer("como me meto al COCODE de mi colonia, que papeles piden").confident


def test_of_two_sentences_that_say_as_much_the_one_said_as_asked_is_quoted(answerer: Answerer) -> None:
    lead = lead_of(answerer, "en que enfoque de planificacion se basa el plan anual")
    assert "enfoque de planificacion y gestion por resultados" in lead


# Why ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question", ["por que actualizaron el PDM-OT en el 2022", "en que año actualizaron el pdm-ot y por que"]
)
def test_why_is_the_clause_that_gives_the_reason_with_what_it_is_for(
    answerer: Answerer, question: str
) -> None:
    lead = lead_of(answerer, question)
    assert "actualizado en el 2022" in lead
    assert "debido a las repercusiones de la pandemia del covid 19" in lead


@pytest.mark.parametrize(
    "question", ["de que trata el marco estrategico nacional", "cuentame del marco estrategico nacional"]
)
def test_a_chapter_named_by_its_heading_is_what_stands_under_it(answerer: Answerer, question: str) -> None:
    """ "II. Marco estratégico nacional" heads the K'atun's text; the introduction only says the
    POA «forma parte del marco estratégico nacional»."""
    lead = lead_of(answerer, question)
    assert "diez prioridades nacionales de desarrollo" in lead
    assert "16 metas estrategicas" in lead


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("que significa el indise de participacion ciudadana", "Índice de participación ciudadana"),
        ("q es el indise de informasion a la ciudadania", "Índice de información a la ciudadanía"),
    ],
)
def test_a_record_named_with_a_typo_is_still_the_one_defined(
    answerer: Answerer, question: str, title: str
) -> None:
    """ "indise" is the índice: the record the question names by its title, not the target that
    mentions it."""
    assert answerer.answer(question).title == title


def test_how_a_member_of_a_named_list_came_out_is_that_members_own_record(answerer: Answerer) -> None:
    """ "¿cómo salió … en gestión financiera según el ranking?": the index named by its own words,
    not the ranking's introduction (whose «(2020-2021)» is a year, not the result)."""
    answer = answerer.answer("y como salio la muni en gestion financiera segun el ranking")
    assert answer.title == "Índice de la gestión financiera"
    assert "categoria media" in lead_of(
        answerer, "y como salio la muni en gestion financiera segun el ranking"
    )


def test_a_request_for_it_by_pronoun_asks_for_the_thing_named_before(answerer: Answerer) -> None:
    """ "… estudiar la misión de la municipalidad, ¿me la puede mandar?": "la" is the misión."""
    message = (
        "buenas, en mi trabajo me encargaron estudiar la mision de la municipalidad, "
        "me la puede mandar porfavor"
    )
    answer = answerer.answer(message)
    assert answer.confident
    assert answer.title == "Misión de la municipalidad"


@pytest.mark.parametrize(
    "question",
    [
        "de cuanto a cuanto van los indices de participacion ciudadana y de informacion a la ciudadania",
        "los indices de informacion a la ciudadania y participacion ciudadana de cuanto a cuanto para 2032",
    ],
)
def test_a_record_of_another_kind_with_every_word_far_ahead_answers_instead_of_the_list(
    answerer: Answerer, question: str
) -> None:
    """ "índices" names the ranking's list in passing; the target that has both indices and their
    figures is what is asked."""
    lead = lead_of(answerer, question)
    assert "0.54" in lead
    assert "0.75" in lead


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("cuando se aprobo el pdm-ot mixco 2032 y cuantas tematicas tiene", ("2018", "9 tematicas")),
        (
            "en cuantos indices se evalua el ranking municipal y a partir de que año se hace",
            ("2012", "seis indices"),
        ),
    ],
)
def test_two_questions_of_different_kinds_joined_by_y_are_both_answered(
    answerer: Answerer, question: str, parts: tuple[str, str]
) -> None:
    """ "¿… y cuántas …?", "¿… y desde cuándo …?": the second keeps the first's subject when it names none."""
    lead = lead_of(answerer, question)
    assert all(part in lead for part in parts)


def test_what_the_question_says_it_does_not_mean_is_left_out(answerer: Answerer) -> None:
    """ "no la del plan de desarrollo 2032": the PDM-OT's vision is left out, the municipality's is asked."""
    answer = answerer.answer("me dice la vision de la muni porfa, no la del plan de desarrollo 2032")
    assert answer.title == "Visión de la municipalidad"


def test_a_projects_money_in_another_year_is_not_in_the_plan(answerer: Answerer) -> None:
    """A project's amount is the budget year's: asked for another year, the plan has no figure."""
    later = answerer.answer("cuanto le van a dar al parque de la colonia Primero de Julio para el 2026")
    assert not later.confident
    assert t.OTHER_YEAR.format(years="2024") in to_plain(later)
    this_year = answerer.answer("cuanto le dan al parque de la colonia Primero de Julio")
    assert this_year.confident
    assert "375,000.00" in to_plain(this_year)


def test_a_list_the_document_leaves_blank_is_not_listed_whoever_asks_for_it(answerer: Answerer) -> None:
    """ "… listelas una por una": a request for the whole list names the heading without text
    (the plan says there are ten priorities, but not which)."""
    answer = answerer.answer("las diez prioridades nacionales de desarrollo, listelas una por una porfa")
    assert not answer.confident
    assert answer.kind == "gap"


# What sets 24 and 25 showed -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "actor"),
    [
        ("y la iglesia catolica que papel tiene en el plan?", "gestion social, costumbres y tradiciones"),
        ("El Organismo Judicial que funcion cumple en la tabla de actores?", "derivacion de casos"),
    ],
)
def test_the_thing_named_before_the_question_word_is_what_is_asked_about(
    answerer: Answerer, question: str, actor: str
) -> None:
    """ "la iglesia católica qué papel tiene …": without a comma, the words before "qué" name the
    subject; the question is not "qué papel tiene en el plan" alone (the ranking's «papel»)."""
    assert actor in lead_of(answerer, question)


def test_an_actors_role_and_grade_asked_together(answerer: Answerer) -> None:
    answer = answerer.answer("que rol tiene el conap y su grado de influencia en la implementacion")
    assert answer.confident
    assert answer.title == "CONAP - Consejo Nacional de Áreas Protegidas"
    assert "apoyo tecnico" in fold(to_plain(answer))


def test_several_acronyms_are_defined_together_wherever_the_question_says_they_appear(
    answerer: Answerer,
) -> None:
    """The plan cites «los índices IIC, IGA e IGF» without spelling them out; the glossary
    explains them (as an explanation, not as the plan's text)."""
    answer = answerer.answer("que son los indices IIC, IGA e IGF que mencionan en mixco transparente")
    assert answer.title == t.DEFINE_TITLE.format(term="IIC, IGA y IGF")
    text = fold(to_plain(answer))
    names = ("informacion a la ciudadania", "gestion administrativa", "gestion financiera")
    assert all(name in text for name in names)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Que dice el plan del indice de participacion ciudadana", "Índice de participación ciudadana"),
        (
            "¿Por qué Mixco quedó en categoría media en el índice de gestión estratégica?",
            "Índice de la gestión estratégica",
        ),
    ],
)
def test_a_record_named_by_its_whole_title_is_the_answer(
    answerer: Answerer, question: str, title: str
) -> None:
    """Not the target that mentions the index, nor another index whose text shares the words."""
    assert answerer.answer(question).title == title


def test_where_the_asker_works_is_not_what_is_asked(answerer: Answerer) -> None:
    """ "trabajo en la PMT": the PMT is the asker's workplace; the question is about violencia vial."""
    lead = lead_of(
        answerer,
        "Hola, trabajo en la PMT. Qué acciones contempla la política de prevención para la violencia vial?",
    )
    assert "prevencion de la violencia vial" in lead


def test_the_other_actions_of_a_policy_axis_are_given_whole(answerer: Answerer) -> None:
    text = plain(answerer, "que hace la muni por la seguridad vial")
    assert fold(t.POLICY_AXIS_MORE) in text
    assert "prueba de alcoholemia" in text


def test_the_year_of_a_document_the_plan_cites(answerer: Answerer) -> None:
    """The year sits in a footnote, inside brackets whose commas do not cut the quote."""
    lead = lead_of(answerer, "de que año es la Revision Nacional Voluntaria que cita el plan")
    assert "revision nacional voluntaria 2019, el camino hacia el desarrollo sostenible, segeplan)" in lead


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuál es la fuente de financiamiento con mayor disponibilidad para 2024?",
        "que fuente tiene mas recursos",
    ],
)
def test_the_biggest_source_asked_by_its_availability(answerer: Answerer, question: str) -> None:
    assert lead_of(answerer, question).startswith(fold("Ingresos propios"))


def test_a_zona_named_in_a_complaint_is_not_the_zona_asked_for(answerer: Answerer) -> None:
    lead = lead_of(
        answerer,
        "mi cuñado dice que todo se lo llevan a la zona 1, pero que zona se lleva mas dinero en los "
        "proyectos del consejo departamental 2024?",
    )
    assert lead.startswith("zona 10")


def test_a_word_said_inside_a_cited_name_is_not_what_the_sentence_says(answerer: Answerer) -> None:
    """ "¿con qué enfoque …?": «… con Enfoque Territorial MIXCO 2032» names a plan; the sentence
    that speaks of the POA's approach is «… el enfoque de planificación y gestión por resultados»."""
    assert "gestion por resultados" in lead_of(
        answerer, "con que enfoque se hizo el poa? que metodologia usan"
    )


def test_how_the_pdmot_is_structured(answerer: Answerer) -> None:
    lead = lead_of(answerer, "como esta estructurado el PDM-OT Mixco 2032")
    assert "ejes, tematicas, lineas estrategicas y lineas de accion" in lead


def test_su_is_the_thing_named_just_before(answerer: Answerer) -> None:
    """ "¿Qué es el Observatorio …, cuál es su objetivo …?": the objective asked is the
    observatory's (its axis: «Realizar diagnósticos …»), not the PDM-OT's."""
    text = plain(
        answerer,
        "¿Qué es el Observatorio Municipal de Seguridad Ciudadana, cuál es su objetivo según la política?",
    )
    assert "observatorio municipal de seguridad ciudadana" in text[:LEAD]
    assert "realizar diagnosticos" in text


def test_a_policys_national_axes(answerer: Answerer) -> None:
    """The security policy's table has «EJE NACIONAL» and «EJE MUNICIPAL» columns."""
    text = plain(
        answerer,
        "La política de prevención de la violencia y el delito, "
        "¿qué ejes nacionales de prevención contempla?",
    )
    assert all(axis in text for axis in ("violencia armada", "violencia vial", "contra la juventud"))


def test_the_list_a_question_names_says_where_to_look(answerer: Answerer) -> None:
    """ "… la participación ciudadana en el ranking municipal": the ranking's index of that name,
    not the 2032 target that cites it."""
    answer = answerer.answer(
        "Hola buenas, ¿qué dice el plan sobre la participación ciudadana en el ranking municipal? "
        "Soy de un COCODE y siento que no nos toman en cuenta."
    )
    assert answer.title == "Índice de participación ciudadana"
    assert "COMUDE" in to_plain(answer)


def test_a_score_the_plan_does_not_give_is_not_answered_with_confidence(answerer: Answerer) -> None:
    """The ranking gives the strategic index's category (media), not its score."""
    answer = answerer.answer("que puntaje exacto saco mixco en el indice de gestion estrategica del ranking")
    assert not answer.confident
    assert t.SCORE_NOT_IN_PLAN in to_plain(answer)


def test_a_topic_is_answered_by_the_record_that_holds_what_says_it(answerer: Answerer) -> None:
    """ "¿qué dice el plan sobre movilidad y transporte?": a strategic line that says both, with
    its lines of action, rather than one line of action that says both too."""
    answer = answerer.answer("Qué dice el plan sobre movilidad y transporte?")
    assert answer.title == "Línea estratégica"
    assert "planificar y mejorar rutas de transporte colectivo" in fold(to_plain(answer))


@pytest.mark.parametrize(
    "question", ["esta funcionando el COMUDE", "esta funcionando el COMUDE en mixco o es puro cuento"]
)
def test_whether_a_thing_works_is_answered_where_its_record_says_it(
    answerer: Answerer, question: str
) -> None:
    """The ranking says «la puesta en funcionamiento de forma permanente el … COMUDE»; "o es puro
    cuento" is the asker's doubt, no second question."""
    answer = answerer.answer(question)
    assert answer.confident
    assert "forma permanente" in fold(to_plain(answer))[:LEAD]


def test_whether_a_project_works_today_is_still_not_in_the_plan(answerer: Answerer) -> None:
    assert not answerer.answer("ya esta funcionando el pozo de san jose las rosas").confident


# What set 26 showed -------------------------------------------------------------------------------
def test_money_for_a_thing_the_plan_does_not_cost_is_not_the_whole_budget(answerer: Answerer) -> None:
    answer = answerer.answer("¿Cuánto se invertirá en alumbrado público en 2024?")
    assert not answer.confident
    assert t.MONEY_NOT_IN_PLAN_FOR in to_plain(answer)
    assert answerer.answer("Buenos días, ¿podría indicarme el monto total destinado a inversión?").confident


def test_a_greeting_before_a_question_is_no_small_talk(answerer: Answerer) -> None:
    answer = answerer.answer(
        "Buenas, ¿cuándo van a tapar el bache enorme de la Calzada San Juan? ya se me arruinó una llanta"
    )
    assert not answer.confident
    assert answer.kind != "greeting"
    assert answerer.answer("hola buenas tardes, como esta?").kind == "greeting"


def test_a_projects_cost_over_all_its_years_is_not_in_the_plan(answerer: Answerer) -> None:
    answer = answerer.answer("¿Cuánto costará en total, sumando todos los años, el proyecto 297669?")
    assert not answer.confident
    assert "2,665,533.00" in to_plain(answer)  # what the row does give
    assert answerer.answer("cuanto cuesta el proyecto 297669").confident


def test_a_reason_worded_debido_que_is_quoted(answerer: Answerer) -> None:
    lead = lead_of(answerer, "por que mixco quedo en categoria media en gestion estrategica")
    assert "plan de ordenamiento territorial" in lead
    assert "*" not in lead  # the document's «*Ranking*» is plain text


def test_who_pays_for_a_zonas_projects(answerer: Answerer) -> None:
    lead = lead_of(answerer, "¿Con qué fondos se financian los proyectos de agua de la zona 6?")
    assert "consejo departamental de desarrollo" in lead
    assert "273703" in lead


# What set 27 showed -------------------------------------------------------------------------------
def test_two_questions_in_one_message_are_both_answered(answerer: Answerer) -> None:
    """ "¿qué rol tiene la SESAN? ¿y la SOSEP?": the first answer whole, the second's after it."""
    text = plain(answerer, "SESAN q rol y q influencia tiene? y la SOSEP?")
    assert text.startswith(fold("SESAN"))
    assert "gestion y apoyo tecnico" in text
    assert "apoyo social" in text


def test_a_second_question_the_first_answer_already_says(answerer: Answerer) -> None:
    lead = lead_of(
        answerer,
        "soy piloto de bus en mixco, es cierto q nos van a capacitar? "
        "y lo de la base de datos de pilotos q es?",
    )
    assert "3,000 pilotos" in lead


def test_acronyms_listed_with_commas_are_one_clause(answerer: Answerer) -> None:
    answer = answerer.answer(
        "IIC, IGA e IGF qué son?? es para mi nuevo trabajo en la muni y no entiendo nada jaja"
    )
    assert answer.title == t.DEFINE_TITLE.format(term="IIC, IGA y IGF")


@pytest.mark.parametrize(
    ("question", "both"),
    [
        ("el PEI y el POM de q años son?", ("2021-2025", "2024-2028")),
        (
            "¿Cuál es la visión y cuál la misión de la Municipalidad de Mixco?",
            ("ser una municipalidad que promueva", "somos una municipalidad que con dedicacion"),
        ),
    ],
)
def test_two_things_named_and_joined_by_y_are_both_answered(
    answerer: Answerer, question: str, both: tuple[str, str]
) -> None:
    text = plain(answerer, question)
    assert all(part in text for part in both)


# What set 28 showed -------------------------------------------------------------------------------
def test_a_named_member_of_a_list_is_its_card(answerer: Answerer) -> None:
    answer = answerer.answer("¿Qué rol tienen los Consejos Comunitarios de Desarrollo (COCODES) en el plan?")
    assert answer.title == "CONSEJOS COMUNITARIOS DE DESARROLLO"
    assert "auditoria social" in fold(to_plain(answer))[:LEAD]


def test_the_homework_it_is_for_is_chatter(answerer: Answerer) -> None:
    assert answerer.answer("mision de la muni xfa es pa una tarea").title == "Misión de la municipalidad"


def test_selling_land_is_not_in_the_plan(answerer: Answerer) -> None:
    assert not answerer.answer(
        "la muni esta vendiendo terrenos municipales? quiero comprar uno en zona 6"
    ).confident
