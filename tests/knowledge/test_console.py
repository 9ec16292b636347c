"""What the staff console shows, as plain functions: the projects' rows, a history, Telegram's
rendering of an announcement, a delivery, the report's chart — and the form rules it shares with
the chat (knowledge.staff)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from knowledge import catalog as t
from knowledge.catalog import texts
from knowledge.console import (
    Member,
    Run,
    Team,
    announcement_draft,
    count_bars,
    dashboard,
    delivery,
    ground_item,
    history_rows,
    project_rows,
    team_rows,
    telegram_runs,
)
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan
from knowledge.staff import (
    HistoryEntry,
    ReportData,
    StatusChange,
    StatusView,
    decode_csv,
    parse_audience,
    parse_status_fields,
    unanswered_by_zona,
)

AT = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)  # 10:05 in Guatemala


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_bundled_plan()


def entry(status: str, progress: int | None, note: str | None, author: str, minute: int = 5) -> HistoryEntry:
    return HistoryEntry(StatusView(status, progress, note, AT.replace(minute=minute)), author)


def test_every_project_has_a_row_with_its_latest_status(plan: Plan) -> None:
    rows = project_rows(plan, {"206148": entry("en_ejecucion", 60, "tubería", "@ana")})
    assert [r.snip for r in rows] == [p.snip for p in plan.projects]
    shown = {r.snip: r for r in rows}
    assert shown["242177"].status is None
    assert shown["242177"].zona == "Zona 10"
    assert shown["242177"].title == "Proyecto SNIP 242177"
    status = shown["206148"].status
    assert status is not None
    assert status.line == "En ejecución · 60% · 03/12/2026 10:05 · @ana"
    assert (status.status, status.label, status.progress, status.note) == (
        "en_ejecucion",
        "En ejecución",
        60,
        "tubería",
    )
    assert all(len(r.name) <= 90 for r in rows)


def test_a_history_is_the_newest_first_and_says_what_changed() -> None:
    entries = [
        entry("planificado", None, None, "@luis", 1),
        entry("en_ejecucion", 30, None, "@ana", 2),
        entry("en_ejecucion", 30, "zanjeo", "Ana Pérez", 3),
    ]
    rows = history_rows(entries, shown=2)
    assert [r.heading for r in rows] == ["03/12/2026 10:03 · Ana Pérez", "03/12/2026 10:02 · @ana"]
    assert [r.status for r in rows] == ["En ejecución · 30%", "En ejecución · 30%"]
    assert rows[0].changed == "nota"
    assert (
        rows[1].changed == "estado: Planificado → En ejecución; avance: sin dato → 30%"
    )  # against one not shown
    assert history_rows(entries[:1], shown=30)[0].changed is None
    assert history_rows([], shown=30) == ()


def test_telegram_html_becomes_runs_of_text_as_telegram_draws_it() -> None:
    runs = telegram_runs(
        '📢 <b>Aviso</b>\n<i>hoy &amp; <u>mañana</u></i> <a href="https://x.org">ver</a> &lt;b&gt;'
    )
    assert runs == (
        Run("📢 ", ()),
        Run("Aviso", ("b",)),
        Run("\n", ()),
        Run("hoy & ", ("i",)),
        Run("mañana", ("i", "u")),
        Run(" ", ()),
        Run("ver", ("a",)),
        Run(" <b>", ()),
    )
    spoiler = telegram_runs('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler><span>z</span>')
    assert spoiler == (Run("xy", ("spoiler",)), Run("z", ()))


def test_an_announcement_draft_is_what_anunciar_would_send(plan: Plan) -> None:
    draft = announcement_draft("zona:6", "  Corte de agua\r\nel lunes  ", plan)
    assert not isinstance(draft, str)
    assert (draft.audience, draft.audience_label) == ("zona:6", "la zona 6")
    assert draft.html == texts(load_bundled_plan().edition).ANNOUNCE_HEADER + "Corte de agua\nel lunes"
    assert draft.runs[-1] == Run("\nCorte de agua\nel lunes", ())
    project = announcement_draft("proyecto:242177", "x", plan)
    assert not isinstance(project, str)
    assert project.audience_label.startswith("el proyecto 242177 (")
    everyone = announcement_draft("todos", "<b>hola</b>", plan)
    assert not isinstance(everyone, str)
    assert everyone.html.endswith("&lt;b&gt;hola&lt;/b&gt;")  # typed markup is text


@pytest.mark.parametrize(
    ("audience", "text", "error"),
    [
        ("zona:12", "x", t.CONSOLE_BAD_AUDIENCE),
        ("zona:", "x", t.CONSOLE_BAD_AUDIENCE),
        ("proyecto:1", "x", t.CONSOLE_BAD_AUDIENCE),
        (None, "x", t.CONSOLE_BAD_AUDIENCE),
        ("todos", " \n ", t.CONSOLE_ANNOUNCE_EMPTY),
        ("todos", 5, t.CONSOLE_ANNOUNCE_EMPTY),
        ("todos", "a" * 3501, t.ANNOUNCE_TOO_LONG.format(n=1)),
    ],
)
def test_a_bad_announcement_says_why(plan: Plan, audience: object, text: object, error: str) -> None:
    assert announcement_draft(audience, text, plan) == error


def test_audiences_are_everyone_a_zona_or_a_projects_followers(plan: Plan) -> None:
    assert parse_audience("todos", plan) == "todos"
    assert parse_audience(" zona:06 ", plan) == "zona:6"
    assert parse_audience("proyecto:242177", plan) == "proyecto:242177"
    for wrong in (
        "todos:1",
        "zona:0",
        "zona:٦",
        "zona:1000",
        "proyecto:",
        "proyecto:999999",
        "reporte:3",
        "",
        6,
    ):
        assert parse_audience(wrong, plan) is None, wrong


def test_a_status_form_follows_estados_rules(plan: Plan) -> None:
    assert parse_status_fields("242177", "en ejecución", "45%", " zanjeo \n listo ", plan) == StatusChange(
        "242177", "en_ejecucion", 45, "zanjeo listo"
    )
    assert parse_status_fields("242177", "finalizado", 100, "", plan) == StatusChange(
        "242177", "finalizado", 100, None
    )
    assert parse_status_fields("242177", "planificado", None, None, plan) == StatusChange(
        "242177", "planificado", None, None
    )
    assert parse_status_fields("242177", "suspendido", "", "x" * 600, plan) == StatusChange(
        "242177", "suspendido", None, "x" * 500
    )
    assert parse_status_fields("999999", "finalizado", None, None, plan) == t.STATUS_BAD_SNIP.format(
        snip="999999"
    )
    assert parse_status_fields("242177", "listo", None, None, plan) == t.STATUS_BAD_STATE.format(
        state="listo"
    )
    for progress in (101, -1, "cien", True, 4.5):
        assert parse_status_fields("242177", "finalizado", progress, None, plan) == t.STATUS_BAD_PROGRESS
    assert parse_status_fields("242177", "finalizado", None, 3, plan) == t.STATUS_BAD_NOTE


def test_a_csv_is_read_as_utf8_or_latin1() -> None:
    assert decode_csv("snip,nota\n1,año\n".encode()) == "snip,nota\n1,año\n"
    assert decode_csv("\ufeffsnip\n".encode()) == "snip\n"
    assert decode_csv("1,año\n".encode("latin-1")) == "1,año\n"
    assert decode_csv(b"1,\x00x") == "1,x"


def test_a_delivery_counts_and_gives_the_reasons(plan: Plan) -> None:
    counts = {"pending": 2, "sent": 5, "failed": 1, "inactive": 2}
    problems = [("inactive", "Forbidden: bot was blocked by the user", 2), ("failed", "", 1)]
    shown = delivery(12, "announcement", "zona:6", "sending", AT, counts, problems, plan)
    assert (shown.total, shown.sent, shown.pending, shown.failed, shown.finished) == (10, 5, 2, 3, False)
    assert shown.counts == "Enviados 5 de 10 · pendientes 2 · no entregados 3"
    assert shown.line == "#12 · Anuncio · 03/12/2026 10:05 · la zona 6 · enviando"
    assert shown.problems == (
        "El chat bloqueó el bot o ya no existe: Forbidden: bot was blocked by the user (2)",
        "Falló: — (1)",
    )
    done = delivery(13, "status", "proyecto:242177", "done", AT, {"sent": 1}, [], plan)
    assert done.finished is True
    assert "Aviso de estado" in done.line
    assert delivery(14, "announcement", "todos", "draft", AT, {}, [], plan).finished is False


def test_unanswered_questions_per_zona_in_order_then_without_zona() -> None:
    assert unanswered_by_zona([10, None, 6, 10, 6, 6]) == [("Zona 6", 3), ("Zona 10", 2), ("Sin zona", 1)]
    assert unanswered_by_zona([]) == []


def test_the_charts_bars_are_fractions_of_the_largest() -> None:
    bars = count_bars([("Zona 6", 4), ("Zona 10", 1), ("Sin zona", 0)])
    assert [(b.label, b.value, b.fraction) for b in bars] == [
        ("Zona 6", "4", 1.0),
        ("Zona 10", "1", 0.25),
        ("Sin zona", "0", 0.0),
    ]
    assert count_bars([("Zona 1", 1200)])[0].value == "1.200"


def test_the_dashboard_words_the_reports_figures() -> None:
    data = ReportData(
        unanswered=[("Zona 6", "¿y el puente?", 2)],
        topics=[("Proyecto 242177", 1)],
        feedback_up=1200,
        feedback_down=3,
        subscriptions=[("la zona 6", 2)],
        broadcasts=[],
        late=["242177: nunca se ha actualizado"],
        ground=[],
        unanswered_by_zona=[("Zona 6", 2)],
    )
    report = ground_item(7, "242177", AT, "Ya pusieron la tubería")
    shown = dashboard(data, [report])
    assert shown.unanswered == ("Zona 6: «¿y el puente?» (2 veces)",)
    assert shown.topics == ("Proyecto 242177 (1 vez)",)
    assert shown.feedback == "👍 1.200 · 👎 3"
    assert shown.subscriptions == ("la zona 6: 2 chats",)
    assert shown.late == ("242177: nunca se ha actualizado",)
    assert [(b.label, b.value) for b in shown.chart] == [("Zona 6", "2")]
    assert shown.reports[0].heading == "#7 · proyecto 242177 · 03/12/2026 10:05"
    assert shown.reports[0].text == "Ya pusieron la tubería"


def test_the_team_names_each_member_says_who_added_them_and_who_cannot_be_removed() -> None:
    team = Team(
        (
            Member(1, "admin", configured=True),
            Member(2, "admin", added_by=1, added_at=AT),
            Member(3, "staff", added_by=2, added_at=AT),
            Member(4, "staff", added_at=AT),
            Member(5, "operador", added_by=99, added_at=AT),
        ),
        {3: "@tecnica", 99: "Luis"},
    )
    rows = team_rows(team, 2, "@jefa")
    assert [r.title for r in rows] == ["1", "@jefa · 2 (usted)", "@tecnica · 3", "4", "5"]
    assert [r.role for r in rows] == [
        t.CONSOLE_TEAM_ROLES["configured"],
        "Administrador",
        "Personal",
        "Personal",
        "operador",  # a role the console has no word for is shown as stored
    ]
    assert [r.added for r in rows] == [
        t.CONSOLE_TEAM_CONFIGURED,
        "Alta: 03/12/2026 10:05, por 1",
        "Alta: 03/12/2026 10:05, por @jefa · 2",
        "Alta: 03/12/2026 10:05",
        "Alta: 03/12/2026 10:05, por Luis · 99",
    ]
    assert [r.removable for r in rows] == [False, False, True, True, True]  # nor the caller
    assert [r.note for r in rows] == [None, t.CONSOLE_TEAM_SELF, None, None, None]
    assert rows[0].confirm is None
    assert rows[1].confirm is None
    assert rows[2].confirm == t.CONSOLE_TEAM_CONFIRM.format(who="@tecnica · 3")
