"""The plan document as data: counts, reconciliation, fidelity and bad input."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from knowledge.errors import PlanFormatError
from knowledge.ingest import decode_document, load_bundled_plan, parse_plan, read_bundled_text
from knowledge.model import Plan
from knowledge.plan_json import plan_to_json
from knowledge.text import fold
from tests.conftest import BrokenEdition, replace_once, second_edition

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def document() -> str:
    return read_bundled_text()


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


def test_counts_match_the_document(plan: Plan) -> None:
    assert len(plan.tematicas) == 9
    assert len(plan.funding) == 7
    assert len(plan.projects) == 8
    assert len(plan.actors) == 50
    assert len(plan.potentialities) == 6
    assert len(plan.problems) == 12
    assert len(plan.operational_actions) == 16
    assert [a.number for a in plan.actors] == list(range(1, 51))
    assert [a.number for a in plan.operational_actions] == list(range(1, 17))
    assert len(plan.ejes) == 3
    assert len(plan.policies) == 2
    assert len(plan.governance) == 5


def test_every_resultado_pdmot_is_a_target(plan: Plan, document: str) -> None:
    resultados = sum(1 for line in document.splitlines() if "Resultado PDM-OT" in line)
    assert len(plan.targets) == resultados == 22
    for target in plan.targets:
        assert target.text.startswith(("Para", "En ")), target.text


def test_every_tematica_has_eje_objectives_lines_and_links(plan: Plan) -> None:
    for tematica in plan.tematicas:
        assert tematica.eje in plan.ejes
        assert tematica.pnd
        assert all(p.startswith("PND") for p in tematica.pnd)
        assert tematica.ods
        assert all(o.startswith("ODS") for o in tematica.ods)
        assert any(o.tematica == tematica.id for o in plan.objectives)
        assert any(s.tematica == tematica.id for s in plan.strategic_lines)
    assert {t.eje for t in plan.tematicas} == set(plan.ejes)


def test_every_strategic_line_has_action_lines(plan: Plan) -> None:
    with_actions = {a.strategic_line for a in plan.action_lines}
    assert [s.id for s in plan.strategic_lines if s.id not in with_actions] == []


def test_funding_rows_reconcile(plan: Plan) -> None:
    total = plan.funding_total
    assert total is not None
    assert sum(f.available for f in plan.funding) == total.available == Decimal("688310200.00")
    assert sum(f.investment for f in plan.funding) == total.investment == Decimal("364029262.59")
    assert sum(f.operating for f in plan.funding) == total.operating == Decimal("324280937.41")
    for row in plan.funding:
        assert row.investment + row.operating == row.available, row.source
        assert row.investment_pct + row.operating_pct == 100, row.source


def test_projects_one_to_seven_sum_to_the_stated_total(plan: Plan) -> None:
    in_total = [p for p in plan.projects if p.in_total]
    assert [p.number for p in in_total] == [1, 2, 3, 4, 5, 6, 7]
    assert sum(p.amount for p in in_total) == Decimal("18819178.00")
    assert not plan.projects[-1].in_total
    assert plan.projects[-1].snip == "287389"


@pytest.mark.parametrize(
    ("snip", "zona", "amount", "observation"),
    [
        ("242177", 10, "4441894.00", "MULTIANUAL 2021-2024"),
        ("276227", 2, "1856242.00", "MULTIANUAL 2022-2024"),
        ("297669", 4, "2665533.00", "MULTIANUAL 2023-2025"),
        ("299884", 1, "2033600.00", "MULTIANUAL 2023-2025"),
        ("273703", 6, "3725625.00", "MULTIANUAL 2023-2025"),
        ("206148", 6, "2108047.56", "ARRASTRE"),
        ("206213", 10, "1988236.44", "ARRASTRE"),
        ("287389", 5, "375000.00", "NUEVO 2024"),
    ],
)
def test_project_as_printed(plan: Plan, snip: str, zona: int, amount: str, observation: str) -> None:
    project = plan.project(snip)
    assert project is not None
    assert (project.zona, project.amount, project.observation) == (zona, Decimal(amount), observation)
    assert f"ZONA {zona}" in project.name


def test_targets_keep_baseline_and_2032_value(plan: Plan) -> None:
    by_text = {t.target: t for t in plan.targets if t.target}
    water = next(t for t in plan.targets if "28,235,390" in t.text)
    assert [(m.baseline, m.baseline_year, m.target, m.target_year) for m in water.measures] == [
        ("20,915,104 m³ producidos", 2021, "28,235,390 m³", 2032),
        ("19 Ha. permeables", 2021, "100 Ha. permeables", 2032),
    ]
    assert by_text["95%"].baseline == "85%"
    assert by_text["95%"].baseline_year == 2021
    malnutrition = next(t for t in plan.targets if t.tematica == "hambre")
    assert malnutrition.target == "2.1x1000 niños <5 años"


def test_garbled_seguro_passage_is_kept_not_invented(plan: Plan) -> None:
    cut = next(t for t in plan.targets if "(cultura, deportes, recreación)" in t.text)
    assert cut.text.startswith("Para el 2032 en el municipio de Mixco se han …")
    assert cut.objective == "seguro-o3"
    victims_line = next(
        s for s in plan.strategic_lines if s.text.startswith("Contribuir a la atención a víctimas")
    )
    actions = [a.text for a in plan.action_lines if a.strategic_line == victims_line.id]
    assert actions[0].startswith("Gestionar y contribuir con la coordinación interinstitucional")


def test_institution_statements(plan: Plan) -> None:
    vision, mission, objective = (plan.statement(i) for i in ("vision", "mission", "institutional_objective"))
    assert vision
    assert "desarrollo integral sostenible" in vision.text
    assert mission
    assert mission.text.startswith("Somos una municipalidad")
    assert objective
    assert objective.text.startswith("Administrar con eficiencia")


def test_a_footnote_is_said_where_its_mark_is(plan: Plan) -> None:
    """The national framework's «Agenda 2030¹» cites the Revisión Nacional Voluntaria 2019 in a
    footnote: the note is kept, in brackets after the words it annotates, and the mark is gone."""
    national = plan.statement("national_framework")
    assert national
    assert (
        "Agenda 2030 (Revisión Nacional Voluntaria 2019, El camino hacia el desarrollo sostenible"
        in national.text
    )
    assert "¹" not in national.text


def test_laws_keep_decree_numbers(plan: Plan) -> None:
    decrees = {law.decree for law in plan.laws}
    assert {"12-2002", "101-97", "14-2002", "11-2002", "15-98", "236-2006"} <= decrees


def test_records_cite_their_section(plan: Plan) -> None:
    assert plan.projects[0].section[0] == "V. Plan Operativo Anual 2024"
    assert plan.actors[0].section[-1].startswith("Análisis de actores")
    assert all(
        t.section[-1] == next(x.name for x in plan.tematicas if x.id == t.tematica) for t in plan.targets
    )


def _numbers_in(value: object) -> list[Decimal]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [Decimal(str(value))]
    if isinstance(value, str):
        return [
            Decimal(n.replace(",", "")) for n in NUMBER.findall(value) if n.replace(",", "").replace(".", "")
        ]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers_in(v)]
    return []


def test_every_number_in_the_export_occurs_in_the_document(plan: Plan, document: str) -> None:
    in_document = {Decimal(n.replace(",", "")) for n in NUMBER.findall(document)}
    exported = json.loads(json.dumps(plan_to_json(plan)))
    missing = {n for n in _numbers_in(exported) if n not in in_document and n != 0}
    assert missing == set()


def test_parse_is_deterministic(document: str) -> None:
    assert parse_plan(document) == parse_plan(document)


# Bad input ------------------------------------------------------------------------------------


def test_empty_document_is_refused() -> None:
    with pytest.raises(PlanFormatError, match="vacío"):
        parse_plan("  \n\n ")


def test_binary_file_is_refused() -> None:
    with pytest.raises(PlanFormatError, match="binario"):
        decode_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")


def test_non_utf8_file_is_refused() -> None:
    with pytest.raises(PlanFormatError, match="UTF-8"):
        decode_document("Planificación".encode("latin-1"))


def test_truncated_document_names_what_is_missing(document: str) -> None:
    cut = document[: document.index("IV. PLAN OPERATIVO MULTIANUAL 2024-2028\n\nCon")]
    with pytest.raises(PlanFormatError, match="IV, V") as caught:
        parse_plan(cut)
    assert caught.value.where
    assert caught.value.where.startswith("línea ")


def test_document_cut_inside_the_funding_table(document: str) -> None:
    cut = document[: document.index("7) Total financiamiento")]
    with pytest.raises(PlanFormatError, match="total"):
        parse_plan(cut)


def test_project_row_missing_a_column_names_its_line(document: str) -> None:
    broken = document.replace("\t206148\t2,108,047.56\tARRASTRE", "\t2,108,047.56\tARRASTRE")
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "SAN JOSE LAS ROSAS" in text)
    with pytest.raises(PlanFormatError, match="incompleta: tiene 4 columnas") as caught:
        parse_plan(broken)
    assert caught.value.where == f"línea {line} «6 | CONSTRUCCION POZO (S) MECANICO, EQUIPAMIENTO…»"


def test_funding_row_missing_a_column_names_its_line(document: str) -> None:
    broken = document.replace("Fonpetrol\tQ 1,833,000.00\t", "Fonpetrol\t")
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if text.startswith("Fonpetrol"))
    with pytest.raises(PlanFormatError, match="columnas") as caught:
        parse_plan(broken)
    assert caught.value.where == f"línea {line} «Fonpetrol | Q 1,833,000.00 | 100% | 0%»"


def test_amount_that_is_not_a_number(document: str) -> None:
    broken = document.replace("4,441,894.00", "cuatro millones")
    with pytest.raises(PlanFormatError, match="monto no válido"):
        parse_plan(broken)


def test_a_second_edition_in_the_same_format_loads(document: str) -> None:
    plan = parse_plan(replace_once(second_edition(document), "\t242177\t", "\t342177\t"))
    project = plan.project("342177")
    assert project is not None
    assert project.amount == Decimal("5000000.00")
    assert fold(project.name).startswith("construccion sistema de alcantarillado")
    assert sum(p.amount for p in plan.projects if p.in_total) == Decimal("19377284.00")


def test_a_broken_edition_is_refused_naming_its_line(broken_edition: BrokenEdition) -> None:
    with pytest.raises(PlanFormatError) as caught:
        parse_plan(broken_edition.text)
    assert caught.value.where is not None
    assert caught.value.where.startswith(broken_edition.where)
    assert broken_edition.message in str(caught.value)


def test_a_line_is_named_by_its_number_and_its_start_cut_short(document: str) -> None:
    broken = replace_once(document, "Q688,310,200.00", "Q1.00")
    with pytest.raises(PlanFormatError) as caught:
        parse_plan(broken)
    assert caught.value.where == "línea 1255 «7) Total financiamiento para el año fiscal 2024…»"
    assert str(caught.value).startswith(f"{caught.value.where}: el total no cuadra")


@pytest.mark.parametrize(
    ("printed", "loads"), [("25.0", True), ("25.2", True), ("25.1", False), ("26", False)]
)
def test_shares_are_read_to_the_decimals_they_are_printed_with(
    document: str, printed: str, loads: bool
) -> None:
    # Ingresos propios: Q 75,117,470.09 of Q 298,040,400.00 is 25.20%, printed "25%" (bundled).
    rounded = parse_plan(document).funding[4]
    assert (rounded.source, rounded.investment_pct) == ("Ingresos propios", Decimal("25"))
    edition = replace_once(document, "\t25%\t", f"\t{printed}%\t")
    if loads:
        assert parse_plan(edition).funding[4].investment_pct == Decimal(printed)
        return
    with pytest.raises(PlanFormatError, match=rf"dice {printed}%, pero Q 75,117,470.09 de .* es el 25.20%"):
        parse_plan(edition)


def test_a_row_cut_after_its_snip_is_not_taken_for_the_table_of_contents(document: str) -> None:
    """A line ending in a tab and a number looks like a contents line ("I. MARCO LEGAL\t1"); in
    the projects table it is a row cut short, refused instead of skipped."""
    broken = replace_once(document, "\t206213\t1,988,236.44\tARRASTRE", "\t206213")
    with pytest.raises(PlanFormatError, match="incompleta: tiene 3 columnas") as caught:
        parse_plan(broken)
    assert caught.value.where is not None
    assert caught.value.where.startswith("línea 1268 «7 | CONSTRUCCION SISTEMA DE ALCANTARILLADO")


def test_a_second_projects_total_is_refused(document: str) -> None:
    assert document.rstrip().endswith("\tNUEVO 2024")  # project 8, the table's last row
    broken = f"{document}\nTOTAL\t\t\tQ 375,000.00\t\n"
    with pytest.raises(PlanFormatError, match=r"otra fila TOTAL \(la primera: línea 1269 «TOTAL") as caught:
        parse_plan(broken)
    assert caught.value.where is not None
    assert caught.value.where.startswith("línea 1271 «TOTAL | Q 375,000.00")


def test_project_eight_after_the_total_is_kept_out_of_it(document: str) -> None:
    """The bundled document lists project 8 below its TOTAL: it loads, outside the total, and a
    total that counted it would not add up."""
    plan = parse_plan(document)
    assert [p.snip for p in plan.projects if not p.in_total] == ["287389"]
    with pytest.raises(PlanFormatError, match=r"dice Q 19,194,178\.00, pero los 7 proyectos"):
        parse_plan(replace_once(document, "Q 18,819,178.00", "Q 19,194,178.00"))


def test_headings_without_text_are_kept_as_gaps(plan: Plan) -> None:
    gaps = {s.title for s in plan.statements if not s.text}
    assert {"Valores y principios", "Organigrama institucional", "Población 2024", "Territorio"} <= gaps
    assert "Filosofía institucional" not in gaps  # its children (visión, misión) have text
