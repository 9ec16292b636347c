"""Which plan a document is: the edition read from its own words, other editions in the same
format (next year's, one typed differently, another municipality's) and the refusals."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from knowledge.edition import edition_fields, fill, parse_zonas, read_edition, without_own_name
from knowledge.errors import PlanFormatError
from knowledge.ingest import load_bundled_plan, parse_plan, read_bundled_text
from knowledge.model import Edition, Plan
from tests.editions import NARROW_NBSP, NBSP, other_municipality_text
from tests.factories import make_edition

TITLE = "POA\n\nPlan Operativo Anual\n\n2024\n\nPlan Estratégico Institucional -PEI- 2021-2025\n\n"
TITLE += "Plan Operativo Multianual -POM- 2024-2028"
INTRODUCTION = (
    "INTRODUCCIÓN\nPara la Municipalidad de Mixco, los procesos de planificación … el Plan de Desarrollo "
    "Municipal con Enfoque Territorial “Mixco 2032”, considerando sus modificaciones …"
)
HEADINGS = "IV. PLAN OPERATIVO MULTIANUAL 2024-2028\nV. PLAN OPERATIVO ANUAL 2024"
TEXT = "… en las once zonas del municipio … la población mixqueña …"


@pytest.fixture(scope="module")
def document() -> str:
    return read_bundled_text()


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


def _edition(**parts: str) -> Edition:
    given = {"title": TITLE, "introduction": INTRODUCTION, "headings": HEADINGS, "text": TEXT} | parts
    return read_edition(
        title=given["title"],
        introduction=given["introduction"],
        headings=given["headings"],
        text=given["text"],
    )


def test_the_bundled_document_says_which_plan_it_is(plan: Plan) -> None:
    assert plan.edition == Edition(
        municipality="Mixco",
        demonym="mixqueño",
        year=2024,
        pei=(2021, 2025),
        pom=(2024, 2028),
        pdmot="Mixco 2032",
        pdmot_horizon=2032,
        zonas=tuple(range(1, 12)),
    )


def test_next_years_edition_is_the_poa_2025(next_year_plan: Plan) -> None:
    edition = next_year_plan.edition
    assert (edition.year, edition.pom, edition.pei) == (2025, (2025, 2029), (2021, 2025))
    assert (edition.municipality, edition.pdmot, edition.zonas) == (
        "Mixco",
        "Mixco 2032",
        tuple(range(1, 12)),
    )
    assert next_year_plan.projects[0].section == (
        "V. Plan Operativo Anual 2025",
        "Proyectos con aporte del CODEDE 2025",
    )
    assert next_year_plan.pom_lines[0].section[0] == "IV. Plan Operativo Multianual 2025-2029"
    titles = {s.id: s.title for s in next_year_plan.statements}
    assert titles["introduction"] == "Introducción del POA 2025"
    assert titles["poa_objective"] == "Objetivo del Plan Operativo Anual 2025 (POA)"
    assert titles["pom_objective"] == "Objetivo del Plan Operativo Multianual 2025-2029 (POM)"


def test_another_municipalitys_poa_in_this_format_loads(other_municipality_plan: Plan, plan: Plan) -> None:
    villa = other_municipality_plan
    assert villa.edition == Edition(
        municipality="Villa Nueva",
        demonym="villanuevano",
        year=2024,
        pei=(2021, 2025),
        pom=(2024, 2028),
        pdmot="Villa Nueva 2032",
        pdmot_horizon=2032,
        zonas=tuple(range(1, 16)),
    )
    # the temáticas are "Villa Nueva saludable" …: their ids are what follows the name, as Mixco's
    assert [t.id for t in villa.tematicas] == [t.id for t in plan.tematicas]
    assert all(t.name.startswith("Villa Nueva ") for t in villa.tematicas)
    assert {p.zona for p in villa.projects} == {1, 2, 4, 5, 6, 14}  # zona numbers follow the document
    assert villa.tematicas[0].section[-2] == "PDM-OT Villa Nueva 2032"
    assert len(villa.targets) == len(plan.targets)
    assert len(villa.pom_lines) == len(plan.pom_lines)


def test_tematicas_whose_first_words_agree_keep_apart_ids(document: str) -> None:
    """ "Mixco Seguro" and a "Mixco seguro y saludable" would both be "seguro": the second one
    takes the next word too."""
    renamed = document.replace("Mixco Saludable", "Mixco seguro y saludable")
    plan = parse_plan(renamed)
    ids = [t.id for t in plan.tematicas]
    assert len(ids) == len(set(ids)) == 9
    by_name = {t.name: t.id for t in plan.tematicas}
    assert by_name["Mixco seguro y saludable"] == "seguro"
    assert by_name["Mixco seguro"] == "seguro-2"  # the later one: "seguro" is all its name says
    assert {line.tematica for line in plan.pom_lines} <= set(ids)


def test_amounts_in_every_way_the_document_may_type_them(document: str, drifted_document: str) -> None:
    """ "Q.", "Q. ", "Q" alone, no sign, and non-breaking spaces read as the plan's "Q …"."""
    for form in (r"Q\.\d", r"Q\. \d", rf"Q{NBSP}\d", rf"Q\.{NARROW_NBSP}\d", r"\tQ\d", r"\t\d[\d,]*\.\d\d\t"):
        assert re.search(form, drifted_document), form
    assert "Q " not in drifted_document.split("V. PLAN OPERATIVO ANUAL")[-1]  # no amount left as it was
    assert parse_plan(drifted_document) == parse_plan(document)


@pytest.mark.parametrize(
    "written",
    [
        "Q 1,833,000.00",
        "Q1,833,000.00",
        "Q. 1,833,000.00",
        "Q.1,833,000.00",
        "1,833,000.00",
        f"Q{NBSP}1,833,000.00",
    ],
)
def test_an_amount_written_any_of_these_ways_is_the_same(document: str, written: str) -> None:
    plan = parse_plan(document.replace("Fonpetrol\tQ 1,833,000.00", f"Fonpetrol\t{written}"))
    fonpetrol = next(f for f in plan.funding if f.source == "Fonpetrol")
    assert fonpetrol.available == Decimal("1833000.00")


def test_the_zonas_the_document_does_not_say_come_from_the_setting() -> None:
    silent = other_municipality_text(zonas_said=False)
    with pytest.raises(PlanFormatError, match="PLAN_ZONAS"):
        parse_plan(silent)
    assert parse_plan(silent, zonas=tuple(range(1, 16))).edition.zonas == tuple(range(1, 16))
    # what the document says wins over the setting
    assert parse_plan(other_municipality_text(), zonas=(1, 2, 3)).edition.zonas == tuple(range(1, 16))


def test_a_project_in_a_zona_the_municipality_does_not_have_is_refused() -> None:
    silent = other_municipality_text(zonas_said=False)
    with pytest.raises(PlanFormatError, match="zona 14") as caught:
        parse_plan(silent, zonas=tuple(range(1, 12)))
    assert caught.value.where is not None
    assert caught.value.where.startswith("línea ")


def test_a_title_and_a_heading_that_disagree_are_refused(document: str) -> None:
    with pytest.raises(PlanFormatError, match="año del POA no coincide"):
        parse_plan(document.replace("V. PLAN OPERATIVO ANUAL 2024", "V. PLAN OPERATIVO ANUAL 2025"))
    with pytest.raises(PlanFormatError, match="periodo del POM no coincide"):
        parse_plan(
            document.replace(
                "IV. PLAN OPERATIVO MULTIANUAL 2024-2028", "IV. PLAN OPERATIVO MULTIANUAL 2024-2027"
            )
        )


def test_the_year_and_periods_come_from_the_headings_when_the_title_lacks_them() -> None:
    edition = _edition(title="POA")
    assert (edition.year, edition.pom, edition.pei) == (2024, (2024, 2028), None)


@pytest.mark.parametrize(
    ("parts", "said"),
    [
        (
            {"title": "", "headings": "", "introduction": "INTRODUCCIÓN\nPara la Municipalidad de Mixco, …"},
            "año",
        ),
        ({"title": "Plan Operativo Anual 2024", "headings": ""}, "POM"),
        ({"introduction": "INTRODUCCIÓN\nEl plan …", "text": "Un plan sin nombre."}, "municipio"),
        ({"introduction": "INTRODUCCIÓN\nPara la Municipalidad de Mixco, el plan."}, "PDM-OT"),
        ({"text": "Un plan sin zonas."}, "zonas"),
        ({"text": "en las once zonas del municipio y en las doce zonas del municipio"}, "números distintos"),
    ],
)
def test_what_the_document_does_not_say_is_refused_by_name(parts: dict[str, str], said: str) -> None:
    with pytest.raises(PlanFormatError, match=said):
        _edition(**parts)


def test_the_demonym_is_none_when_the_document_uses_none() -> None:
    assert _edition().demonym == "mixqueño"
    assert _edition(text="… en las once zonas del municipio …").demonym is None


@pytest.mark.parametrize(
    ("setting", "zonas"),
    [
        ("1-11", tuple(range(1, 12))),
        ("1,2,3", (1, 2, 3)),
        (" 1 - 5 , 7 ", (1, 2, 3, 4, 5, 7)),
        ("3,1,2,2", (1, 2, 3)),
    ],
)
def test_the_zonas_setting(setting: str, zonas: tuple[int, ...]) -> None:
    assert parse_zonas(setting) == zonas


@pytest.mark.parametrize("setting", ["", "once", "0-11", "11-1", "1-100", "1;2", "1-", "-3"])
def test_a_zonas_setting_that_is_not_one_is_refused(setting: str) -> None:
    with pytest.raises(ValueError, match="1"):
        parse_zonas(setting)


def test_the_fields_texts_are_filled_with() -> None:
    fields = edition_fields(make_edition())
    assert fields == {
        "municipality": "Mixco",
        "municipality_html": "Mixco",
        "poa_year": "2024",
        "poa": "POA 2024",
        "pom_period": "2024-2028",
        "pei_period": "2021-2025",
        "pdmot": "Mixco 2032",
        "pdmot_year": "2032",
        "zonas_span": "de la 1 a la 11",
    }
    assert edition_fields(make_edition(zonas=(1, 2, 3, 5)))["zonas_span"] == "1, 2, 3 y 5"
    assert edition_fields(make_edition(pei=None))["pei_period"] is None
    assert edition_fields(make_edition(municipality="A & B"))["municipality_html"] == "A &amp; B"


def test_fill_leaves_format_fields_and_escaped_braces() -> None:
    fields = edition_fields(make_edition(year=2025))
    assert fill("Zona {n}: {poa} y {{poa_year}} {year}", fields) == "Zona {n}: POA 2025 y {{poa_year}} {year}"
    assert fill("PEI {pei_period}", edition_fields(make_edition(pei=None))) is None


def test_the_own_name_is_read_as_municipio_in_any_case_and_accent() -> None:
    assert (
        without_own_name("¿Qué hace la muni de MIXCO en mixco?", "Mixco")
        == "¿Qué hace la muni de municipio en municipio?"
    )
    assert without_own_name("mixcoapp y munimixco", "Mixco") == "mixcoapp y munimixco"
    assert without_own_name("en villa  nueva y Villa Nueva", "Villa Nueva") == "en municipio y municipio"
    assert without_own_name("San José Pinula", "San Jose Pinula") == "municipio"


def test_an_edition_names_no_brace_or_angle_bracket() -> None:
    """Its names go into templates and HTML as they are."""
    text = INTRODUCTION.replace("Mixco,", "Mix{co},")
    with pytest.raises(PlanFormatError, match="municipio no válido"):
        _edition(introduction=text)


def test_every_year_of_the_document_is_a_year_of_its_edition_or_its_own_text(next_year_plan: Plan) -> None:
    """Nothing in the parsed 2025 plan says 2024: the parser adds no year of its own."""
    from knowledge.plan_json import plan_to_json

    assert not re.search(r"\b2024\b", str(plan_to_json(next_year_plan)))
