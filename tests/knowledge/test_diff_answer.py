"""The summary of what changed between two editions, as the bot words it."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from knowledge import catalog as t
from knowledge.diff import PlanChanges, compare_plans, for_zona
from knowledge.diff_answer import change_answer, change_pages, edition_label, edition_labels
from knowledge.lists import PAGE_CHARS
from knowledge.model import Plan, Statement
from knowledge.render import to_html, to_plain
from tests.support import editions as e

OLD, NEW = "POA 2024", "POA 2025"


@pytest.fixture(scope="module")
def changes(bundled_edition: Plan, next_edition: Plan) -> PlanChanges:
    return compare_plans(bundled_edition, next_edition)


@pytest.fixture(scope="module")
def summary(changes: PlanChanges) -> str:
    return "\n".join(to_plain(page) for page in change_pages(changes, OLD, NEW))


def test_editions_are_named_by_the_year_of_their_own_poa(bundled_edition: Plan, next_edition: Plan) -> None:
    assert edition_label(bundled_edition, "a.txt") == "POA 2024"
    assert edition_label(next_edition, "b.txt") == "POA 2025"


def test_without_its_own_year_an_edition_is_named_by_its_new_projects_or_else_its_file(
    bundled_edition: Plan,
) -> None:
    silent = tuple(
        replace(s, text=re.sub(r"(?i)plan operativo anual 2024", "plan", s.text))
        for s in bundled_edition.statements
    )
    unnamed = replace(bundled_edition, statements=silent)
    assert edition_label(unnamed, "plan.txt") == "POA 2024"  # SNIP 287389 is "NUEVO 2024"
    assert edition_label(replace(unnamed, projects=unnamed.projects[:7]), "plan.txt") == "plan.txt"


def test_two_editions_of_one_year_are_told_apart_by_their_files(bundled_edition: Plan) -> None:
    revised = replace(
        bundled_edition,
        statements=(Statement("introduction", "", "El Plan Operativo Anual 2024 revisado", ("x",)),),
    )
    assert edition_labels(bundled_edition, revised, "enero.txt", "junio.txt") == (
        "POA 2024 (enero.txt)",
        "POA 2024 (junio.txt)",
    )
    assert edition_labels(bundled_edition, revised, "a.txt", "a.txt") == ("POA 2024", "POA 2024")


def test_the_first_lines_say_how_many_changes_of_each_kind(changes: PlanChanges) -> None:
    first = change_answer(changes, OLD, NEW)
    assert first is not None
    assert first.title == "Qué cambió del POA 2024 al POA 2025"
    assert first.lines[0] == (
        "Del POA 2024 al POA 2025: 3 proyectos nuevos, 2 proyectos dejaron de estar, 3 montos cambiaron, "
        "1 observación cambió, 1 proyecto cambió de zona, 1 fuente de financiamiento nueva, "
        "1 fuente de financiamiento dejó de estar, 1 fuente cambió sus montos, "
        "cambió el total del financiamiento, 1 meta nueva, 1 meta cambió sus valores, "
        "1 meta con otra redacción, 1 acción operativa nueva, 1 acción operativa dejó de estar, "
        "1 acción operativa con otra redacción, 1 objetivo con otra redacción, 1 línea estratégica nueva, "
        "1 línea de acción nueva y 1 línea de acción dejó de estar."
    )
    assert first.lines[1] == "Cada cambio se lee «POA 2024 → POA 2025»."
    assert to_plain(first).startswith(f"{first.title}\n{first.lines[0]}\n")


@pytest.mark.parametrize(
    "line",
    [
        "SNIP 301378 (zona 7): Q 2,250,000.00, MULTIANUAL 2025-2026 — CONSTRUCCION SISTEMA DE DRENAJE",
        "SNIP 276227 (zona 2): Q 1,856,242.00, MULTIANUAL 2022-2024 — ",
        "SNIP 242177 (zona 10): Q 4,441,894.00 → Q 3,200,000.00 — CONSTRUCCION SISTEMA DE ALCANTARILLADO",
        "SNIP 297669 (zona 4): Q 2,665,533.00 → Q 2,900,000.00",
        "SNIP 273703 (zona 6): Q 3,725,625.00 → Q 3,100,000.00",
        "SNIP 242177: MULTIANUAL 2021-2024 → MULTIANUAL 2021-2025",
        "SNIP 206213: zona 10 → zona 7",
        "Cooperación internacional: Q 1,000,000.00 (inversión Q 1,000,000.00",
        "Porcentaje Forestal INAB de Madera: Q 3,500.00",
        "IVA-PAZ: disponible Q 61,100,000.00 → Q 63,500,000.00; inversión Q 45,825,000.00 → Q 47,625,000.00; "
        "funcionamiento Q 15,275,000.00 → Q 15,875,000.00",
        "Total: disponible Q 688,310,200.00 → Q 691,706,700.00; "
        "inversión Q 364,029,262.59 → Q 366,825,762.59",
        "Mixco ambientalmente responsable — La cobertura del servicio de recolección de desechos sólidos: "
        "De 85% (2021) a 95% (2032) → De 85% (2021) a 97% (2032)",
        f"Mixco Incluyente y solidario — {e.TARGET_ADDED[1][:40]}",
        f"16. {e.ACTION_ADDED}",
        e.ACTION_DROPPED.strip(),
        f"Mixco Incluyente y solidario: «{e.OBJECTIVE_REWORDED[0]}» → «{e.OBJECTIVE_REWORDED[1]}»",
        f"Mixco Incluyente y solidario: {e.LINE_ADDED[1]}",
        f"Mixco Incluyente y solidario: {e.ACTION_LINE_ADDED}",
        f"Mixco Saludable: {e.ACTION_LINE_DROPPED[1]}",
    ],
)
def test_each_change_is_a_line_with_both_figures(summary: str, line: str) -> None:
    assert f"• {line}" in summary


def test_changes_come_under_their_group_titles_in_order(changes: PlanChanges) -> None:
    titles = [title for page in change_pages(changes, OLD, NEW) for title, _ in page.sections]
    expected = [
        t.CHANGE_SECTIONS[k]
        for k in (
            *(
                "projects_added",
                "projects_dropped",
                "amounts_changed",
                "observations_changed",
                "zonas_changed",
            ),
            *("funding_added", "funding_dropped", "funding_changed", "funding_total"),
            *("targets_added", "targets_values_changed", "targets_reworded"),
            *("operational_actions_added", "operational_actions_dropped", "operational_actions_reworded"),
            *("objectives_reworded", "strategic_lines_added", "action_lines_added", "action_lines_dropped"),
        )
    ]
    assert titles == expected


def test_a_long_summary_comes_in_pages_like_the_long_lists(changes: PlanChanges) -> None:
    pages = change_pages(changes, OLD, NEW)
    assert len(pages) == 2
    first, last = pages
    assert t.LIST_PAGE.format(page=1, pages=2) in first.lines
    assert t.LIST_PAGE.format(page=2, pages=2) in last.lines
    assert [(f.label, f.action) for f in first.follow_ups] == [("Ver más (2/2)", "cambios:2")]
    assert [(f.label, f.action) for f in last.follow_ups] == [("Anteriores (1/2)", "cambios:1")]
    assert str(first.lines[0]).startswith("Del POA 2024")
    assert not any(str(line).startswith("Del ") for line in last.lines)  # the counts come once
    for page in pages:
        assert sum(len(item) + 3 for _, items in page.sections for item in items) <= PAGE_CHARS
    assert change_answer(changes, OLD, NEW, page=2) == last
    assert change_answer(changes, OLD, NEW, page=3) is None
    assert change_answer(changes, OLD, NEW, page=0) is None


def test_every_change_is_on_exactly_one_page(changes: PlanChanges) -> None:
    lines = [item for page in change_pages(changes, OLD, NEW) for _, items in page.sections for item in items]
    assert (
        len(lines)
        == len(set(lines))
        == 24  # 10 of projects, 4 of funding (its total too), 3 of targets, 3 of actions, 4 of lines
    )


def test_the_summary_renders_as_telegram_html(changes: PlanChanges) -> None:
    messages = [m for page in change_pages(changes, OLD, NEW) for m in to_html(page)]
    assert all(len(m) <= 4096 for m in messages)
    assert "<b>Montos que cambiaron</b>" in "\n".join(messages)


def test_an_identical_edition_says_there_are_no_changes(bundled_edition: Plan) -> None:
    (only,) = change_pages(compare_plans(bundled_edition, bundled_edition), OLD, OLD)
    assert only.lines == (
        "No hay cambios: el POA 2024 trae los mismos proyectos, montos, fuentes de financiamiento, metas, "
        "objetivos y acciones que el POA 2024.",
    )
    assert only.sections == ()
    assert only.follow_ups == ()


def test_the_changes_of_one_zona(changes: PlanChanges) -> None:
    (seven,) = change_pages(for_zona(changes, 7), OLD, NEW)
    assert seven.title == "Zona 7: qué cambió del POA 2024 al POA 2025"
    assert seven.zona == 7
    assert seven.lines[0] == (
        "En la zona 7, del POA 2024 al POA 2025: 1 proyecto nuevo, 1 proyecto cambió de zona "
        "y 1 acción operativa nueva."
    )
    text = to_plain(seven)
    assert "SNIP 301378 (zona 7)" in text
    assert "SNIP 206213: zona 10 → zona 7" in text
    assert "IVA-PAZ" not in text
    (eight,) = change_pages(for_zona(changes, 8), OLD, NEW)
    assert eight.lines == ("En la zona 8 no hay cambios del POA 2024 al POA 2025.",)


def test_the_texts_name_no_year_and_no_municipality() -> None:
    """The editions' labels are given: another edition or municipality needs no new texts."""
    names = [n for n in vars(t) if n.startswith(("CHANGE", "EDITION", "DIFF"))]
    assert len(names) > 20
    for name in names:
        value = getattr(t, name)
        texts = [value] if isinstance(value, str) else [str(v) for v in dict(value).values()]
        for text in texts:
            assert not re.search(r"\b(?:19|20)\d\d\b|mixco", text, re.IGNORECASE), (name, text)


def test_of_a_target_with_two_measures_only_the_one_that_changed_is_shown(bundled_edition: Plan) -> None:
    water = next(r for r in bundled_edition.targets if len(r.measures) == 2)
    kept, moved = water.measures
    new_target = replace(water, measures=(kept, replace(moved, target="120 Ha. permeables")))
    edition = replace(
        bundled_edition, targets=tuple(new_target if r is water else r for r in bundled_edition.targets)
    )
    (page,) = change_pages(compare_plans(bundled_edition, edition), OLD, NEW)
    ((title, (line,)),) = page.sections
    assert title == "Metas con otros valores"
    assert line.endswith(
        f": De {moved.baseline} ({moved.baseline_year}) a {moved.target} ({moved.target_year}) → "
        f"De {moved.baseline} ({moved.baseline_year}) a 120 Ha. permeables ({moved.target_year})"
    )
    assert str(kept.baseline) not in line
