"""What the explorer's pages show, decided from the real plan without the web."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from knowledge import catalog as t
from knowledge.answer_types import answer_text, format_q
from knowledge.answers import Answerer
from knowledge.explorer import (
    QUERY_MAX,
    edition,
    explorer_path,
    figure,
    funding_page,
    home_page,
    measure_bars,
    project_page,
    read_query,
    search_page,
    targets_page,
    with_staff_status,
    zona_page,
)
from knowledge.model import Plan
from knowledge.render import to_plain
from knowledge.staff import StatusView


def another_edition(plan: Plan) -> Plan:
    """The same plan as a 2025 edition of Villa Nueva: its edition and every heading and name say so."""

    def moved(section: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(part.replace("2024", "2025") for part in section)

    return replace(
        plan,
        edition=replace(plan.edition, municipality="Villa Nueva", demonym=None, year=2025),
        tematicas=tuple(replace(tm, name=tm.name.replace("Mixco", "Villa Nueva")) for tm in plan.tematicas),
        funding=tuple(replace(f, section=moved(f.section)) for f in plan.funding),
        projects=tuple(replace(p, section=moved(p.section)) for p in plan.projects),
    )


def test_the_edition_is_read_from_the_plan(answerer: Answerer) -> None:
    plan = answerer.plan
    ed = edition(plan)
    assert ed.municipality == plan.edition.municipality == "Mixco"
    assert ed.year == 2024
    assert ed.horizon == 2032
    other = edition(another_edition(plan))
    assert (other.municipality, other.year, other.horizon) == ("Villa Nueva", 2025, 2032)


def test_another_editions_pages_name_its_own_year_and_municipality(answerer: Answerer) -> None:
    plan = another_edition(answerer.plan)
    home = home_page(Answerer(plan, remember=0))
    funding = funding_page(plan)
    for text in (home.title, home.totals[0].label, funding.title, funding.chart_title):
        assert "Mixco" not in text
        assert "2024" not in text
    assert "Villa Nueva" in home.title
    assert "2025" in funding.title


def test_home_gives_the_totals_as_the_document_prints_them(answerer: Answerer) -> None:
    plan = answerer.plan
    home = home_page(answerer)
    assert plan.funding_total is not None
    assert [fact.value for fact in home.totals] == [
        "Q 688,310,200.00",
        "Q 364,029,262.59",
        "Q 324,280,937.41",
    ]
    assert home.projects_total is not None
    assert home.projects_total.value == "Q 18,819,178.00"  # projects 1 to 7; the 8th is after the total
    assert [z.number for z in home.zonas] == list(range(1, 12))
    assert sum(z.projects for z in home.zonas) == len(plan.projects)
    assert [tm.id for tm in home.tematicas] == [tm.id for tm in plan.tematicas]
    assert home.what is not None
    assert home.what.source is not None
    assert home.what.text == plan.statement("poa_intro").text  # type: ignore[union-attr]


def test_a_zona_page_has_its_projects_a_bar_each_and_the_staff_status(answerer: Answerer) -> None:
    when = datetime(2026, 3, 2, 15, tzinfo=UTC)
    page = zona_page(answerer, 6, {"206148": StatusView("en_ejecucion", 45, "zanjeo terminado", when)})
    assert page is not None
    assert [row.snip for row in page.projects] == ["273703", "206148"]
    assert [bar.value for bar in page.chart] == ["Q 3,725,625.00", "Q 2,108,047.56"]
    assert page.chart[0].fraction == 1.0
    assert page.chart[1].fraction == pytest.approx(2108047.56 / 3725625.00)
    first, second = page.projects
    assert first.status is None
    assert second.status is not None
    assert second.status.text == f"{t.STATUS_LABELS['en_ejecucion']} · 45%"
    assert second.status.date == "02/03/2026"
    assert second.status.note == "zanjeo terminado"
    assert page.total is not None
    assert format_q(Decimal("5833672.56")) in page.total
    assert page.other_zonas == ()


def test_a_zona_without_projects_says_so_and_names_the_others(answerer: Answerer) -> None:
    page = zona_page(answerer, 3, {})
    assert page is not None
    assert page.projects == ()
    assert page.chart == ()
    assert page.heading == t.WEB_ZONA_NONE.format(n=3)
    assert page.other_zonas == tuple(sorted({p.zona for p in answerer.plan.projects if p.zona}))
    assert page.everywhere  # the plan's actions "en las once zonas"


@pytest.mark.parametrize("number", [0, 12, -1])
def test_a_zona_the_municipality_does_not_have_has_no_page(answerer: Answerer, number: int) -> None:
    assert zona_page(answerer, number, {}) is None


def test_a_zona_names_what_else_of_the_plan_mentions_it(answerer: Answerer) -> None:
    page = zona_page(answerer, 1, {})
    assert page is not None
    assert any("zona 1" in mention.text for mention in page.mentions)
    assert all(mention.source for mention in (*page.mentions, *page.everywhere))


def test_a_project_page_is_the_bots_card_and_the_timeline_newest_first(answerer: Answerer) -> None:
    history = [
        StatusView("planificado", None, None, datetime(2026, 1, 5, tzinfo=UTC)),
        StatusView("en_ejecucion", 20, "inicio", datetime(2026, 2, 5, tzinfo=UTC)),
    ]
    page = project_page(answerer, "242177", history)
    assert page is not None
    assert to_plain(page.card) == to_plain(answerer.project_answer("242177"))
    assert [entry.date for entry in page.timeline] == ["05/02/2026", "05/01/2026"]
    assert page.status == page.timeline[0]
    assert page.deep_link == "p_242177"
    assert page.zona == 10
    assert project_page(answerer, "999999", []) is None


def test_funding_rows_are_the_documents_and_add_up_to_its_total(answerer: Answerer) -> None:
    plan = answerer.plan
    page = funding_page(plan)
    assert [row.source for row in page.rows] == [f.source for f in plan.funding]
    iusi = next(row for row in page.rows if row.source == "Fondos de IUSI")
    assert iusi.investment == "Q 188,171,900.00 (70.00%)"  # the share as printed, "70.00"
    assert sum((f.available for f in plan.funding), Decimal(0)) == plan.funding_total.available  # type: ignore[union-attr]
    assert page.total is not None
    assert page.total.available == "Q 688,310,200.00"
    largest = max(plan.funding, key=lambda f: f.available)
    bar = next(b for b in page.chart if b.label == largest.source)
    assert sum(s.fraction for s in bar.segments) == pytest.approx(1.0)


def test_every_target_is_on_the_targets_page_once_under_its_tematica(answerer: Answerer) -> None:
    page = targets_page(answerer.plan)
    shown = [(group.id, target.id) for group in page.groups for target in group.targets]
    assert sorted(shown) == sorted((r.tematica, r.id) for r in answerer.plan.targets)
    assert all(group.source for group in page.groups)


@pytest.mark.parametrize(
    ("baseline", "target", "bars"),
    [
        ("85%", "95%", (0.85, 0.95)),
        ("9% de beneficiarios", "55% de beneficiarios", (0.09, 0.55)),
        ("11% de participación de la población", "30%", (0.11, 0.30)),
        ("20,915,104 m³ producidos", "28,235,390 m³", (20915104 / 28235390, 1.0)),
        ("673 personas atendidas", "30,000", (673 / 30000, 1.0)),
        ("59 Ha. De espacio disponible", "72 Ha", (59 / 72, 1.0)),
        ("0 instrumentos de planificación táctica", "4 instrumentos aprobados", (0.0, 1.0)),
        ("0 propuestas", "1 modelo estructurado", None),  # not counted alike
        ("0.58, 0.56 y 0.54", "0.68, 0.66 y 0.64", None),  # three figures each
        ("4.3*1000 niños <5 años", "2.1x1000 niños <5 años", None),  # a rate, not one number
        ("30%", "50 personas", None),
        (None, "95%", None),
        ("0", "0", None),
    ],
)
def test_targets_are_drawn_only_when_measured_alike(
    baseline: str | None, target: str | None, bars: tuple[float, float] | None
) -> None:
    drawn = measure_bars(baseline, target)
    if bars is None:
        assert drawn is None
    else:
        assert drawn == pytest.approx(bars)


def test_a_figure_is_one_number_and_its_unit() -> None:
    found = figure("20,915,104 m³ producidos")
    assert found is not None
    assert (found.value, found.unit) == (Decimal(20915104), "m3")  # units are compared folded
    assert figure("sin cifra") is None


def test_the_search_is_the_bots_answer_with_the_pages_it_found(answerer: Answerer) -> None:
    page = search_page(answerer, "  ¿cómo va el proyecto 242177?  ")
    assert page.query == "¿cómo va el proyecto 242177?"
    assert page.answer == answerer.answer(page.query)
    assert [link.page for link in page.links] == ["proyecto/242177"]
    zona = search_page(answerer, "obras zona 10")
    assert zona.links[0].page == "zona/10"
    assert {"proyecto/242177", "proyecto/206213"} <= {link.page for link in zona.links}
    target = search_page(answerer, "meta de recolección de basura")
    assert "metas#tema-ambientalmente" in [link.page for link in target.links]


def test_a_search_too_long_or_empty_is_not_answered(answerer: Answerer) -> None:
    too_long = search_page(answerer, "x" * (QUERY_MAX + 1))
    assert too_long.answer is None
    assert too_long.error == t.WEB_SEARCH_TOO_LONG.format(limit=QUERY_MAX)
    assert search_page(answerer, "   ").answer is None
    assert read_query("a\x00b") == "ab"  # NUL is dropped where text enters, as for messages
    assert read_query(None) == ""


def test_a_project_found_by_search_shows_what_staff_recorded(answerer: Answerer) -> None:
    page = search_page(answerer, "proyecto 242177")
    view = StatusView("suspendido", 10, "lluvias", datetime(2026, 4, 1, tzinfo=UTC))
    assert page.answer is not None
    shown = with_staff_status(page, view).answer
    assert shown is not None
    assert t.STATUS_LABELS["suspendido"] in answer_text(shown)
    assert t.STATUS_LABELS["suspendido"] not in answer_text(page.answer)
    zona = search_page(answerer, "zona 6")
    assert with_staff_status(zona, view) == zona


def test_the_bots_button_opens_the_page_of_a_zona_or_a_project(answerer: Answerer) -> None:
    assert explorer_path(answerer.zona_answer(6)) == "zona/6"
    assert explorer_path(answerer.zona_answer(3)) == "zona/3"
    assert explorer_path(answerer.zona_answer(12)) is None
    assert explorer_path(answerer.project_answer("206148")) == "proyecto/206148"
    assert explorer_path(answerer.project_answer("999999")) is None
    assert explorer_path(answerer.funding_answer()) is None
