"""Staff input parsing and the decisions around it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from knowledge import catalog as t
from knowledge.catalog import texts
from knowledge.counts import count_of, thousands
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan
from knowledge.staff import (
    HistoryEntry,
    StatusChange,
    StatusView,
    announcement_html,
    audience_label,
    format_datetime,
    history_lines,
    late_projects,
    parse_announcement,
    parse_status_command,
    parse_status_csv,
    report_reviewed_html,
    status_notification_html,
    subject_name,
    what_changed,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            "242177 en ejecución 45% zanjeo terminado",
            StatusChange("242177", "en_ejecucion", 45, "zanjeo terminado"),
        ),
        ("242177 en_ejecucion", StatusChange("242177", "en_ejecucion", None, None)),
        ("206148 FINALIZADO 100", StatusChange("206148", "finalizado", 100, None)),
        ("206148 suspendido falta de fondos", StatusChange("206148", "suspendido", None, "falta de fondos")),
    ],
)
def test_status_command(plan: Plan, args: str, expected: StatusChange) -> None:
    assert parse_status_command(args.split(), plan) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("", "Uso: /estado"),
        ("242177", "Uso: /estado"),
        ("999999 finalizado", "No hay ningún proyecto con SNIP 999999"),
        ("242177 volando", "No reconozco el estado «volando"),
        ("242177 finalizado 150%", "El avance debe ser un número de 0 a 100"),
        ("<b>1</b> finalizado", "SNIP &lt;b&gt;1&lt;/b&gt;"),
    ],
)
def test_status_command_errors(plan: Plan, args: str, message: str) -> None:
    result = parse_status_command(args.split(), plan)
    assert isinstance(result, str)
    assert message in result


def test_status_csv_reports_each_bad_row(plan: Plan) -> None:
    text = (
        "SNIP,estado,avance,nota\n"
        "242177,en ejecución,45,zanjeo\n"
        "999999,finalizado,,\n"
        "206148,volando,10,\n"
        "276227,finalizado,abc,\n"
        "242177,finalizado,100,repetido\n"
        "\n"
        "287389\n"
        "297669;suspendido\n"
    )
    changes, rejected = parse_status_csv(text, plan)
    assert changes == [StatusChange("242177", "en_ejecucion", 45, "zanjeo")]
    assert [(r.line, r.reason.split()[0]) for r in rejected] == [
        (3, "no"),
        (4, "estado"),
        (5, "avance"),
        (6, "SNIP"),
        (8, "faltan"),
        (9, "faltan"),
    ]


def test_announcement_audiences(plan: Plan) -> None:
    edition = plan.edition
    expected = ("zona:6", "Corte de agua el lunes")
    assert parse_announcement(["zona", "6", "Corte", "de", "agua", "el", "lunes"], edition) == expected
    assert parse_announcement(["todos", "Feria", "el", "sábado"], edition) == ("todos", "Feria el sábado")
    for bad in ("zona 6", "todos", "vecinos hola", ""):
        assert isinstance(parse_announcement(bad.split(), edition), str)
        assert "Uso: /anunciar" in str(parse_announcement(bad.split(), edition))


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("a" * 3500, 0),
        ("a" * 3501, 1),  # what a recipient reads: 3,500 at most
        ("📢" * 1751, 2),  # an emoji is two for Telegram
        ("&" * 793, 0),  # stored as 793 times "&amp;" after the 32-character heading: 3,997 of 4,000
        ("&" * 793 + '"', 3),  # and "&quot;" takes 6
        ('"' * 700, 232),  # 700 characters, 4,200 stored
    ],
)
def test_announcement_length_is_what_is_stored_and_read(plan: Plan, text: str, cut: int) -> None:
    expected = t.ANNOUNCE_TOO_LONG.format(n=thousands(cut)) if cut else ("todos", text)
    assert parse_announcement(["todos", text], plan.edition) == expected


@pytest.mark.parametrize("zona", ["12", "0", "99"])
def test_an_announcement_to_a_zona_mixco_does_not_have_says_so(plan: Plan, zona: str) -> None:
    said = parse_announcement(["zona", zona, "hola"], plan.edition)
    assert said == texts(plan.edition).ANNOUNCE_BAD_ZONA.format(n=int(zona))
    assert f"Mixco no tiene zona {int(zona)}: tiene zonas de la 1 a la 11" in str(said)


def test_the_header_of_an_announcement_names_the_municipality_of_the_edition(plan: Plan) -> None:
    villa = replace(plan.edition, municipality="Villa Nueva & Co")
    assert announcement_html("Hola", plan.edition) == "📢 <b>Municipalidad de Mixco</b>\nHola"
    assert announcement_html("Hola", villa) == "📢 <b>Municipalidad de Villa Nueva &amp; Co</b>\nHola"
    said = parse_announcement(["zona", "12", "hola"], replace(villa, zonas=tuple(range(1, 16))))
    assert said == ("zona:12", "hola")


def test_the_staff_help_csv_example_is_a_row_the_upload_accepts(plan: Plan) -> None:
    example = next(line for line in t.STAFF_HELP_CSV if line.startswith("Ejemplo de fila: "))
    changes, rejected = parse_status_csv(example.removeprefix("Ejemplo de fila: "), plan)
    assert rejected == []
    assert changes == [StatusChange("242177", "en_ejecucion", 45, "zanjeo terminado")]


def test_notification_escapes_staff_text(plan: Plan) -> None:
    project = plan.project("242177")
    assert project is not None
    html = status_notification_html(
        project,
        StatusChange("242177", "en_ejecucion", 45, "<b>x</b> & y"),
        datetime(2026, 11, 25, tzinfo=UTC),
    )
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html
    assert "En ejecución" in html
    assert "25/11/2026" in html


def test_late_projects(plan: Plan) -> None:
    recent = datetime(2026, 11, 1, tzinfo=UTC)
    statuses = {
        "242177": StatusView("en_ejecucion", 50, None, recent),  # period 2021-2024 → late in 2026
        "276227": StatusView("finalizado", 100, None, recent),  # finished: not late
        "206148": StatusView("en_ejecucion", 10, None, datetime(2026, 1, 1, tzinfo=UTC)),  # stale
    }
    late = late_projects(plan, statuses, date(2026, 11, 25))
    assert any(line.startswith("242177: su periodo terminaba en 2024") for line in late)
    assert not any(line.startswith("276227") for line in late)
    assert any(line.startswith("206148: sin actualización en 328 días") for line in late)
    assert any(line.startswith("287389: nunca") for line in late)


def test_thousands_use_a_point() -> None:
    assert thousands(1200) == "1.200"
    assert thousands(5000000) == "5.000.000"


AT = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)


def test_a_change_that_names_the_status_only_keeps_the_rest() -> None:
    before = StatusView("suspendido", 35, "obra detenida", AT)
    button = StatusChange("242177", "en_ejecucion", None, None)
    assert button.keeping_rest_of(before) == StatusChange("242177", "en_ejecucion", 35, "obra detenida")
    assert button.keeping_rest_of(None) == button
    named = StatusChange("242177", "finalizado", 100, None)
    assert named.keeping_rest_of(before) == StatusChange("242177", "finalizado", 100, "obra detenida")


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (StatusView("en_ejecucion", 35, "obra detenida", AT), "estado: Suspendido → En ejecución"),
        (StatusView("suspendido", 50, "obra detenida", AT), "avance: 35% → 50%"),
        (StatusView("suspendido", None, "otra", AT), "avance: 35% → sin dato; nota"),
        (StatusView("suspendido", 35, "obra detenida", AT), "nada"),
    ],
)
def test_what_changed(after: StatusView, expected: str) -> None:
    assert what_changed(StatusView("suspendido", 35, "obra detenida", AT), after) == expected


def test_history_says_who_and_when_and_what_each_entry_changed() -> None:
    entries = [
        HistoryEntry(StatusView("planificado", None, None, AT), "@jefa_obras"),
        HistoryEntry(StatusView("en_ejecucion", 10, None, AT), "700000002"),
    ]
    assert history_lines(entries) == [
        "03/05/2024 04:00 · @jefa_obras: Planificado",
        "03/05/2024 04:00 · 700000002: En ejecución · 10% "
        "(cambió estado: Planificado → En ejecución; avance: sin dato → 10%)",
    ]


def test_history_shows_the_latest_entries_and_what_the_first_shown_changed() -> None:
    entries = [HistoryEntry(StatusView("en_ejecucion", n, None, AT), "Ana") for n in range(5)]
    lines = history_lines(entries, shown=2)
    assert [line.split(" (")[0] for line in lines] == [
        "03/05/2024 04:00 · Ana: En ejecución · 3%",
        "03/05/2024 04:00 · Ana: En ejecución · 4%",
    ]
    assert lines[0].endswith("(cambió avance: 2% → 3%)")


def test_dates_with_time_are_guatemala_time() -> None:
    assert format_datetime(datetime(2026, 12, 2, 20, 35, tzinfo=UTC)) == "02/12/2026 14:35"
    assert format_datetime(datetime(2026, 1, 1, 3, 5, tzinfo=UTC)) == "31/12/2025 21:05"


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 veces"), (1, "1 vez"), (2, "2 veces"), (1200, "1.200 veces")]
)
def test_counts_agree_with_their_noun(n: int, expected: str) -> None:
    assert count_of(n, ("vez", "veces")) == expected


def test_subjects_and_audiences_are_named(plan: Plan) -> None:
    project = plan.projects[0]
    named = subject_name("proyecto", project.snip, plan)
    assert named.startswith(f"el proyecto {project.snip} (")
    assert len(named) < 80
    assert subject_name("zona", "6", plan) == "la zona 6"
    tematica = plan.tematicas[0]
    assert subject_name("tema", tematica.id, plan) == f"el tema {tematica.name}"
    assert audience_label("zona:6", plan) == "la zona 6"
    assert audience_label(f"proyecto:{project.snip}", plan) == named
    assert audience_label("todos", plan) == "todos"


def test_the_reviewed_notice_quotes_the_report_escaped_and_short() -> None:
    html = report_reviewed_html("242177", AT, "Hay <basura> & lodo " + "x" * 100)
    assert "proyecto 242177 del 03/05/2024" in html
    assert "Hay &lt;basura&gt; &amp; lodo" in html
    assert "x" * 80 not in html
