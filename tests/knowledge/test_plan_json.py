"""The plan's JSON form: round trip, shape, and a precise error for every wrong input."""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from knowledge.errors import PlanFormatError
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan, Project, Statement
from knowledge.plan_json import plan_digest, plan_from_json, plan_to_json, record_from_json, record_to_json
from tests.factories import make_edition, make_funding, make_plan, make_projects

TOP_LEVEL_KEYS = {
    "edition",
    "tematicas",
    "objectives",
    "strategic_lines",
    "action_lines",
    "targets",
    "funding",
    "funding_total",
    "projects",
    "actors",
    "potentialities",
    "problems",
    "operational_actions",
    "laws",
    "governance",
    "policies",
    "pom_lines",
    "statements",
    "institution",
    "ejes",
}


def _through_json_text(plan: Plan) -> Any:
    return json.loads(json.dumps(plan_to_json(plan), ensure_ascii=False))


def test_round_trip_through_json_text() -> None:
    plan = make_plan()
    assert plan_from_json(_through_json_text(plan)) == plan


def test_round_trip_without_serialising() -> None:
    plan = make_plan()
    assert plan_from_json(plan_to_json(plan)) == plan


def test_an_empty_plan_is_written_but_not_read_back() -> None:
    data = _through_json_text(Plan(edition=make_edition()))
    assert data["funding_total"] is None
    assert data["institution"] == {"vision": None, "mission": None, "objective": None}
    with pytest.raises(PlanFormatError, match=r"^projects: el plan no trae proyectos"):
        plan_from_json(data)


def test_round_trip_gives_tuples_and_exact_amounts() -> None:
    loaded = plan_from_json(_through_json_text(make_plan()))
    assert isinstance(loaded.projects, tuple)
    assert isinstance(loaded.projects[0].section, tuple)
    assert isinstance(loaded.policies[0].axes[0].items, tuple)
    assert [str(p.amount) for p in loaded.projects] == ["4441894.00", "1856242.37", "0.05"]
    assert loaded.funding_total is not None
    assert str(loaded.funding_total.investment) == "364029262.59"


def test_top_level_keys() -> None:
    assert set(plan_to_json(make_plan())) == TOP_LEVEL_KEYS


def test_output_is_plain_json() -> None:
    data = plan_to_json(make_plan())
    json.dumps(data, allow_nan=False)  # no Decimal, tuple or dataclass left
    assert data["projects"][0] == {
        "number": 1,
        "snip": "242177",
        "name": "CONSTRUCCION SISTEMA DE ALCANTARILLADO SANITARIO EN BARRIO SAN ANTONIO ZONA 10",
        "zona": 10,
        "amount": 4441894.0,
        "observation": "MULTIANUAL 2021-2024",
        "place": "Barrio San Antonio",
        "in_total": True,
        "section": ["V. PLAN OPERATIVO ANUAL 2024", "PROYECTOS CON FINANCIAMIENTO CODEDE 2024"],
    }
    assert data["funding_total"] == {
        "available": 688310200.0,
        "investment": 364029262.59,
        "operating": 324280937.41,
    }
    assert data["funding"][0]["investment_pct"] == 97.5


def test_targets_carry_a_summary_of_their_first_measure() -> None:
    target = plan_to_json(make_plan())["targets"][0]
    assert list(target) == [
        "id",
        "tematica",
        "objective",
        "text",
        "baseline",
        "baseline_year",
        "target",
        "target_year",
        "measures",
        "section",
    ]
    assert (target["baseline"], target["baseline_year"], target["target"], target["target_year"]) == (
        "20,915,104 m³",
        2021,
        "28,235,390 m³",
        2032,
    )
    assert len(target["measures"]) == 2
    no_measures = plan_to_json(make_plan())["targets"][2]
    assert no_measures["baseline"] is None
    assert no_measures["target_year"] is None


def test_institution_comes_from_the_statements() -> None:
    assert plan_to_json(make_plan())["institution"] == {
        "vision": "Ser un municipio ordenado y seguro.",
        "mission": "Servir a los vecinos de Mixco.",
        "objective": "Mejorar la calidad de vida de la población mixqueña.",
    }


def test_institution_is_ignored_on_input() -> None:
    data = plan_to_json(make_plan())
    data["institution"] = {"vision": "otra cosa"}
    assert plan_from_json(data) == make_plan()
    del data["institution"]
    assert plan_from_json(data) == make_plan()


def test_amounts_are_quantized_to_cents_and_percentages_kept() -> None:
    data = plan_to_json(make_plan())
    data["projects"][0]["amount"] = 0.1 + 0.2  # 0.30000000000000004
    data["projects"][1]["amount"] = 5
    data["funding"][0]["investment_pct"] = 97.5
    data["funding"][3]["operating_pct"] = 10

    plan = plan_from_json(data)

    assert str(plan.projects[0].amount) == "0.30"
    assert str(plan.projects[1].amount) == "5.00"
    assert str(plan.funding[0].investment_pct) == "97.5"
    assert str(plan.funding[3].operating_pct) == "10"


def test_decimal_numbers_are_accepted_as_given() -> None:
    data = json.loads(json.dumps(plan_to_json(make_plan())), parse_float=Decimal)
    plan = plan_from_json(data)
    assert plan == make_plan()
    assert str(plan.funding[1].investment_pct) == "70.0"  # what the JSON text said


def test_record_helpers_round_trip_one_record() -> None:
    project = make_projects()[1]
    assert record_from_json(Project, record_to_json(project), "project") == project


def test_plan_format_error_is_a_value_error_with_where() -> None:
    with pytest.raises(ValueError, match="expected a JSON object") as caught:
        plan_from_json([])
    assert isinstance(caught.value, PlanFormatError)
    assert caught.value.where is None


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: object) -> Mutation:
    """Mutation that sets ``data[a][0][b] = value`` for the path ``"a.0.b"``."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for key in parents:
            node = node[key]
        del node[last]

    return mutate


WRONG_INPUTS: list[tuple[str, Mutation, str, str]] = [
    # (case id, mutation, where, message)
    ("missing top-level list", _delete("projects"), "projects", "missing key"),
    ("missing ejes", _delete("ejes"), "ejes", "missing key"),
    ("list is an object", _set("projects", {}), "projects", "expected a list, got dict"),
    ("record is a list", _set("projects.0", []), "projects[0]", "expected an object, got list"),
    (
        "amount is str",
        _set("projects.2.amount", "0.05"),
        "projects[2].amount",
        "expected a number, got str",
    ),
    (
        "amount is bool",
        _set("projects.0.amount", True),
        "projects[0].amount",
        "expected a number, got bool",
    ),
    (
        "amount is null",
        _set("projects.0.amount", None),
        "projects[0].amount",
        "expected a number, got null",
    ),
    (
        "amount is nan",
        _set("projects.0.amount", math.nan),
        "projects[0].amount",
        "expected a finite number, got nan",
    ),
    (
        "amount is infinite",
        _set("projects.0.amount", Decimal("Infinity")),
        "projects[0].amount",
        "expected a finite number, got Decimal('Infinity')",
    ),
    (
        "amount out of range",
        _set("projects.0.amount", 1e30),
        "projects[0].amount",
        "amount out of range: 1e+30",
    ),
    (
        "number is bool",
        _set("projects.0.number", True),
        "projects[0].number",
        "expected an integer, got bool",
    ),
    (
        "number is float",
        _set("projects.0.number", 1.0),
        "projects[0].number",
        "expected an integer, got float",
    ),
    ("number is str", _set("actors.0.number", "1"), "actors[0].number", "expected an integer, got str"),
    (
        "zona is str",
        _set("projects.0.zona", "10"),
        "projects[0].zona",
        "expected an integer or null, got str",
    ),
    (
        "zona is bool",
        _set("projects.0.zona", False),
        "projects[0].zona",
        "expected an integer or null, got bool",
    ),
    ("snip is int", _set("projects.0.snip", 242177), "projects[0].snip", "expected a string, got int"),
    ("place is int", _set("projects.0.place", 1), "projects[0].place", "expected a string or null, got int"),
    (
        "in_total is int",
        _set("projects.0.in_total", 1),
        "projects[0].in_total",
        "expected true or false, got int",
    ),
    (
        "in_total is str",
        _set("projects.0.in_total", "true"),
        "projects[0].in_total",
        "expected true or false, got str",
    ),
    ("missing field", _delete("projects.1.place"), "projects[1].place", "missing key"),
    ("unknown field", _set("projects.1.zone", 2), "projects[1]", "unexpected key 'zone'"),
    ("unknown top-level key", _set("proyectos", []), "", "unexpected key 'proyectos'"),
    (
        "section is str",
        _set("projects.0.section", "CODEDE"),
        "projects[0].section",
        "expected a list, got str",
    ),
    ("section item is int", _set("laws.0.section.0", 1), "laws[0].section[0]", "expected a string, got int"),
    (
        "pct is str",
        _set("funding.1.investment_pct", "70.00"),
        "funding[1].investment_pct",
        "expected a number, got str",
    ),
    (
        "pct is bool",
        _set("funding.1.operating_pct", False),
        "funding[1].operating_pct",
        "expected a number, got bool",
    ),
    (
        "funding source is null",
        _set("funding.0.source", None),
        "funding[0].source",
        "expected a string, got null",
    ),
    (
        "funding_total is a list",
        _set("funding_total", []),
        "funding_total",
        "expected an object or null, got list",
    ),
    (
        "funding_total amount is null",
        _set("funding_total.available", None),
        "funding_total.available",
        "expected a number, got null",
    ),
    (
        "funding_total extra key",
        _set("funding_total.total", 1),
        "funding_total",
        "unexpected key 'total'",
    ),
    (
        "funding_total key missing",
        _delete("funding_total.operating"),
        "funding_total.operating",
        "missing key",
    ),
    ("tematica ods is str", _set("tematicas.0.ods", "ODS 3"), "tematicas[0].ods", "expected a list, got str"),
    (
        "tematica pnd item null",
        _set("tematicas.0.pnd.0", None),
        "tematicas[0].pnd[0]",
        "expected a string, got null",
    ),
    ("objective text int", _set("objectives.1.text", 3), "objectives[1].text", "expected a string, got int"),
    (
        "strategic line objective null",
        _set("strategic_lines.0.objective", None),
        "strategic_lines[0].objective",
        "expected a string, got null",
    ),
    (
        "action line key missing",
        _delete("action_lines.0.strategic_line"),
        "action_lines[0].strategic_line",
        "missing key",
    ),
    (
        "target objective int",
        _set("targets.0.objective", 1),
        "targets[0].objective",
        "expected a string or null, got int",
    ),
    ("measures null", _set("targets.0.measures", None), "targets[0].measures", "expected a list, got null"),
    (
        "measure is str",
        _set("targets.0.measures.1", "19 Ha."),
        "targets[0].measures[1]",
        "expected an object, got str",
    ),
    (
        "measure year str",
        _set("targets.0.measures.1.baseline_year", "2021"),
        "targets[0].measures[1].baseline_year",
        "expected an integer or null, got str",
    ),
    (
        "measure baseline int",
        _set("targets.1.measures.0.baseline", 88),
        "targets[1].measures[0].baseline",
        "expected a string or null, got int",
    ),
    (
        "summary disagrees",
        _set("targets.0.baseline", "1 m³"),
        "targets[0].baseline",
        "'1 m³' does not match measures[0] ('20,915,104 m³')",
    ),
    (
        "summary year disagrees",
        _set("targets.0.target_year", 2030),
        "targets[0].target_year",
        "2030 does not match measures[0] (2032)",
    ),
    (
        "summary year wrong type",
        _set("targets.0.baseline_year", "2021"),
        "targets[0].baseline_year",
        "expected an integer or null, got str",
    ),
    ("actor role null", _set("actors.0.role", None), "actors[0].role", "expected a string, got null"),
    (
        "potentiality number str",
        _set("potentialities.0.number", "1"),
        "potentialities[0].number",
        "expected an integer, got str",
    ),
    ("problem text missing", _delete("problems.1.text"), "problems[1].text", "missing key"),
    (
        "operational action extra",
        _set("operational_actions.1.zona", 6),
        "operational_actions[1]",
        "unexpected key 'zona'",
    ),
    ("law decree int", _set("laws.0.decree", 12), "laws[0].decree", "expected a string or null, got int"),
    (
        "governance text list",
        _set("governance.0.text", ["a"]),
        "governance[0].text",
        "expected a string, got list",
    ),
    ("policy axes object", _set("policies.0.axes", {}), "policies[0].axes", "expected a list, got dict"),
    (
        "policy axis item null",
        _set("policies.0.axes.0.items.1", None),
        "policies[0].axes[0].items[1]",
        "expected a string, got null",
    ),
    (
        "policy axis national int",
        _set("policies.0.axes.1.national_axis", 1),
        "policies[0].axes[1].national_axis",
        "expected a string or null, got int",
    ),
    (
        "policy objectives str",
        _set("policies.0.general_objectives", "x"),
        "policies[0].general_objectives",
        "expected a list, got str",
    ),
    ("pom line eje missing", _delete("pom_lines.0.eje"), "pom_lines[0].eje", "missing key"),
    ("statement id int", _set("statements.3.id", 4), "statements[3].id", "expected a string, got int"),
    ("ejes item int", _set("ejes.1", 2), "ejes[1]", "expected a string, got int"),
    ("ejes is str", _set("ejes", "Eje 1"), "ejes", "expected a list, got str"),
    ("edition is a list", _set("edition", []), "edition", "expected an object, got list"),
    ("edition year str", _set("edition.year", "2024"), "edition.year", "expected an integer, got str"),
    ("edition key missing", _delete("edition.pdmot"), "edition.pdmot", "missing key"),
    ("edition extra key", _set("edition.alcalde", "X"), "edition", "unexpected key 'alcalde'"),
    ("period of three", _set("edition.pom", [2024, 2026, 2028]), "edition.pom", "expected 2 items, got 3"),
    ("period is str", _set("edition.pei", "2021-2025"), "edition.pei", "expected a list or null, got str"),
    ("zonas item str", _set("edition.zonas.0", "1"), "edition.zonas[0]", "expected an integer, got str"),
    (
        "zonas out of order",
        _set("edition.zonas", [2, 1]),
        "edition",
        "zonas no válidas: [2, 1] (números de 1 a 99, sin repetir, en orden)",
    ),
    (
        "period backwards",
        _set("edition.pom", [2028, 2024]),
        "edition",
        "el periodo del POM termina antes de empezar: 2028-2024",
    ),
    (
        "project outside the zonas",
        _set("edition.zonas", [1, 2, 3]),
        "projects[0].zona",
        "la zona 10 no es del municipio (sus zonas: 1 a 3)",
    ),
    (
        "both names of the amount",
        _set("projects.1.amount_2024", 5),
        "projects[1].amount_2024",
        "both 'amount_2024' and 'amount' given (the same field)",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "message"), [c[1:] for c in WRONG_INPUTS], ids=[c[0] for c in WRONG_INPUTS]
)
def test_wrong_input_names_the_exact_path(mutate: Mutation, where: str, message: str) -> None:
    data = copy.deepcopy(plan_to_json(make_plan()))
    mutate(data)

    with pytest.raises(PlanFormatError) as caught:
        plan_from_json(data)

    assert caught.value.where == (where or None)
    assert str(caught.value) == (f"{where}: {message}" if where else message)


@pytest.mark.parametrize("data", [None, [], "plan", 3, True])
def test_the_plan_must_be_an_object(data: object) -> None:
    with pytest.raises(PlanFormatError, match=r"^expected a JSON object for the plan, got "):
        plan_from_json(data)


def test_digest_is_stable_and_sees_every_change() -> None:
    plan = make_plan()
    assert plan_digest(plan) == plan_digest(make_plan())
    assert len(plan_digest(plan)) == 64

    funding = make_funding()
    rewritten = dataclasses.replace(funding[1], investment_pct=Decimal("70.0"))  # equal value, other text
    assert plan_digest(make_plan(funding=(funding[0], rewritten, funding[2]))) != plan_digest(plan)
    assert plan_digest(make_plan(ejes=())) != plan_digest(plan)


NOT_ADDING_UP: list[tuple[str, Mutation, str, str]] = [
    # (case id, mutation, where, what the message says after "where: ")
    ("no projects", _set("projects", []), "projects", "el plan no trae proyectos"),
    ("no funding rows", _set("funding", []), "funding", "el plan no trae fuentes de financiamiento"),
    ("no funding total", _set("funding_total", None), "funding_total", "falta la fila del total"),
    (
        "funding total",
        _set("funding_total.available", 999310200.0),
        "funding_total.available",
        "el total no cuadra: la columna de disponibilidad financiera dice Q 999,310,200.00, pero sus "
        "7 filas suman Q 688,310,200.00 (diferencia Q 311,000,000.00)",
    ),
    (
        "funding total operating",
        _set("funding_total.operating", 1),
        "funding_total.operating",
        "el total no cuadra: la columna de funcionamiento dice Q 1.00, pero sus 7 filas suman "
        "Q 324,280,937.41 (diferencia Q 324,280,936.41)",
    ),
    (
        "share",
        _set("funding.3.investment_pct", 80),
        "funding[3].investment_pct",
        "el porcentaje de inversión dice 80%, pero Q 47,700,000.00 de Q 53,000,000.00 es el 90.00%",
    ),
    (
        "row parts",
        _set("funding.3.operating", 5400000),
        "funding[3]",
        "la fila no cuadra: inversión Q 47,700,000.00 más funcionamiento Q 5,400,000.00 da Q 53,100,000.00",
    ),
    (
        "negative available",
        _set("funding.5.available", -1833000),
        "funding[5].available",
        "el monto disponible es negativo (Q -1,833,000.00)",
    ),
    (
        "negative share",
        _set("funding.0.operating_pct", -2.5),
        "funding[0].operating_pct",
        "el porcentaje de funcionamiento es negativo (-2.5%)",
    ),
    (
        "negative amount",
        _set("projects.0.amount", -1),
        "projects[0].amount",
        "el monto del proyecto es negativo (Q -1.00)",
    ),
    (
        "zona 99",
        _set("projects.0.zona", 99),
        "projects[0].zona",
        "la zona 99 no es del municipio (sus zonas: 1 a 11)",
    ),
    ("zona 0", _set("projects.1.zona", 0), "projects[1].zona", "la zona 0 no es del municipio"),
    (
        "duplicate snip",
        _set("projects.2.snip", "276227"),
        "projects[2].snip",
        "SNIP 276227 repetido (la primera vez: projects[1].snip)",
    ),
    (
        "no tematicas behind the objectives",
        _set("tematicas", []),
        "objectives[0].tematica",
        "la temática «saludable» no existe en el plan",
    ),
    (
        "action line of no strategic line",
        _set("action_lines.0.strategic_line", "ambiental-le9"),
        "action_lines[0].strategic_line",
        "la línea estratégica «ambiental-le9» no existe en el plan",
    ),
    (
        "target of no objective",
        _set("targets.0.objective", "ambiental-o9"),
        "targets[0].objective",
        "el objetivo «ambiental-o9» no existe en el plan",
    ),
    (
        "pom line of a temática named, not by id",
        _set("pom_lines.0.tematica", "Mixco ambientalmente responsable"),
        "pom_lines[0].tematica",
        "la temática «Mixco ambientalmente responsable» no existe en el plan",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "message"), [c[1:] for c in NOT_ADDING_UP], ids=[c[0] for c in NOT_ADDING_UP]
)
def test_a_plan_that_does_not_add_up_is_refused_naming_the_path(
    mutate: Mutation, where: str, message: str
) -> None:
    data = copy.deepcopy(plan_to_json(make_plan()))
    mutate(data)

    with pytest.raises(PlanFormatError) as caught:
        plan_from_json(data)

    assert caught.value.where == where
    assert str(caught.value).startswith(f"{where}: {message}")


def test_the_bundled_plans_export_reads_back() -> None:
    """Shares travel as JSON numbers (25 as 25.0): the checks read them the same either way."""
    plan = load_bundled_plan()
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_the_edition_is_exported_and_read_back() -> None:
    data = _through_json_text(make_plan(edition=make_edition(pei=None, zonas=(1, 2, 10))))
    assert data["edition"] == {
        "municipality": "Mixco",
        "demonym": "mixqueño",
        "year": 2024,
        "pei": None,
        "pom": [2024, 2028],
        "pdmot": "Mixco 2032",
        "pdmot_horizon": 2032,
        "zonas": [1, 2, 10],
    }
    assert plan_from_json(data).edition == make_edition(pei=None, zonas=(1, 2, 10))


def _as_the_previous_version_wrote_it(plan: Plan) -> dict[str, Any]:
    """An export of the version before editions: no ``edition``, the amount as ``amount_2024``."""
    data = _through_json_text(plan)
    del data["edition"]
    for project in data["projects"]:
        project["amount_2024"] = project.pop("amount")
    return data


def test_an_export_of_the_previous_version_still_loads() -> None:
    """Its edition is read from its own texts, as the document's is: the introduction says the
    municipality and the PDM-OT, the chapters' sections the year and the POM, the policies the
    zonas. The PEI's period is only on the document's cover, which an export does not keep."""
    bundled = load_bundled_plan()
    loaded = plan_from_json(_as_the_previous_version_wrote_it(bundled))
    assert loaded == dataclasses.replace(bundled, edition=dataclasses.replace(bundled.edition, pei=None))
    assert [p.amount for p in loaded.projects] == [p.amount for p in bundled.projects]


def test_an_old_export_whose_texts_do_not_say_the_zonas_takes_them_from_the_setting() -> None:
    plan = make_plan(
        statements=(
            *make_plan().statements,
            Statement(
                "introduction",
                "Introducción del POA 2024",
                "Para la Municipalidad de Mixco, el Plan de Desarrollo Municipal con Enfoque Territorial "
                "“Mixco 2032” y el Plan Operativo Anual 2024 …",
                ("Introducción",),
            ),
        )
    )
    data = _as_the_previous_version_wrote_it(plan)
    with pytest.raises(PlanFormatError, match="PLAN_ZONAS"):
        plan_from_json(data)
    loaded = plan_from_json(data, zonas=tuple(range(1, 12)))
    assert loaded.edition == make_edition(pei=None, demonym="mixqueño")
    assert loaded.projects == plan.projects
