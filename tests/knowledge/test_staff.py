"""Staff input parsing and the decisions around it."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from knowledge import catalog as t
from knowledge.catalog import texts
from knowledge.console import AnnouncementDraft, announcement_draft
from knowledge.counts import count_of, thousands
from knowledge.ingest import load_bundled_plan
from knowledge.model import Plan
from knowledge.render import shown_length
from knowledge.staff import (
    HistoryEntry,
    StatusChange,
    StatusCsv,
    StatusView,
    announcement_html,
    announcement_text,
    audience_label,
    csv_preview_html,
    csv_preview_lines,
    decode_csv,
    export_csv,
    format_datetime,
    history_lines,
    late_projects,
    note_text,
    parse_announcement,
    parse_progress,
    parse_status_command,
    parse_status_csv,
    parse_status_fields,
    parse_user_id,
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
        ("206148 en ejecución 45 % zanjeo", StatusChange("206148", "en_ejecucion", 45, "zanjeo")),
        ("206148 finalizado 0", StatusChange("206148", "finalizado", 0, None)),
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
        ("206148 finalizado 1000%", "(«1000%» no lo es). No se guardó nada."),
        ("206148 finalizado -5 nota", "(«-5» no lo es). No se guardó nada."),
        ("206148 finalizado 4.5% nota", "(«4.5%» no lo es)"),
        ("206148 finalizado ٤٥", "(«٤٥» no lo es)"),
        ("206148 finalizado +45", "(«+45» no lo es)"),
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
    read = parse_status_csv(text, plan)
    assert read.refused is None
    assert read.changes == [StatusChange("242177", "en_ejecucion", 45, "zanjeo")]
    assert [(r.line, r.reason.split()[0]) for r in read.rejected] == [
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
    read = parse_status_csv(example.removeprefix("Ejemplo de fila: "), plan)
    assert read.rejected == []
    assert read.changes == [StatusChange("242177", "en_ejecucion", 45, "zanjeo terminado")]


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


# Reading a CSV of statuses: whatever the file, a preview or a refusal that says where ----------------
def refused(read: StatusCsv) -> str:
    assert read.changes == []
    assert read.rejected == []
    assert read.refused is not None
    return read.refused


def test_line_endings_of_any_kind_are_line_breaks(plan: Plan) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with CR alone; a CR inside a cell that is not
    quoted breaks the line there too, as the file's other CRs do."""
    mac = parse_status_csv("206148,finalizado,100,a\r242177,planificado,,b\r", plan)
    assert mac == StatusCsv(
        [StatusChange("206148", "finalizado", 100, "a"), StatusChange("242177", "planificado", None, "b")], []
    )
    windows = parse_status_csv("SNIP,estado,avance,nota\r\n206148,finalizado,100,a\r\n", plan)
    assert windows == StatusCsv([StatusChange("206148", "finalizado", 100, "a")], [])
    lone = parse_status_csv("206148,finalizado,100,a\rb\n", plan)
    assert lone.refused is None
    assert lone.changes == [StatusChange("206148", "finalizado", 100, "a")]
    assert [(r.line, r.reason) for r in lone.rejected] == [(2, t.CSV_FEW_COLUMNS)]


def test_a_file_that_is_not_text_is_refused_as_such(plan: Plan) -> None:
    noise = random.Random(7).randbytes(4000)
    assert refused(parse_status_csv(decode_csv(noise), plan)) == t.CSV_NOT_TEXT
    zipped = b"PK\x03\x04\x14\x00\x06\x00" + random.Random(8).randbytes(2000)  # an .xlsx
    assert refused(parse_status_csv(decode_csv(zipped), plan)) == t.CSV_NOT_TEXT
    bell = parse_status_csv("206148,finalizado,100,a\x07b\n", plan)  # one stray control: text still
    assert bell.changes == [StatusChange("206148", "finalizado", 100, "a b")]


@pytest.mark.parametrize("seed", range(40))
def test_random_bytes_never_break_the_reading(plan: Plan, seed: int) -> None:
    """Short or long, mostly text or not: a preview or a refusal, never an exception."""
    rng = random.Random(seed)
    alphabet = b'0123456789,;\t"\r\n abcfinalizado206148\x07\xe1\xff'
    raw = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 3000)))
    read = parse_status_csv(decode_csv(raw), plan)
    assert read.refused is None or (read.changes, read.rejected) == ([], [])


def test_a_cell_longer_than_the_csv_module_reads_is_refused_with_its_line(plan: Plan) -> None:
    limit = csv.field_size_limit()
    first = refused(parse_status_csv("206148,finalizado,100," + "x" * (limit + 1), plan))
    assert first == t.CSV_CELL_TOO_LONG.format(line=1, limit=thousands(limit))
    later = "242177,finalizado,,\n206148,finalizado,100," + "x" * (limit + 1) + "\n276227,finalizado,,\n"
    assert refused(parse_status_csv(later, plan)) == t.CSV_CELL_TOO_LONG.format(
        line=2, limit=thousands(limit)
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('206148,finalizado,100,"abierta\n242177,planificado,,b\n', 1),  # open to the end
        ('242177,finalizado,,\n206148,finalizado,100,"abierta\n276227,planificado,,b\n', 2),
        ('206148,finalizado,100,"abierta\n242177,planificado,,b"\n276227,finalizado,,\n', 1),  # closed later
        ('206148,finalizado,100,"abierta', 1),
        ('206148;finalizado;100;"abierta\n242177;planificado;;b\n', 1),
    ],
)
def test_quotes_that_do_not_close_in_their_row_refuse_the_file(plan: Plan, text: str, line: int) -> None:
    """They would make the rows after them the note of theirs: the preview said "1 ready" and
    242177's row became part of 206148's note."""
    assert refused(parse_status_csv(text, plan)) == t.CSV_UNCLOSED_QUOTE.format(line=line)


def test_text_after_closing_quotes_refuses_the_file(plan: Plan) -> None:
    text = '242177,finalizado,,\n206148,finalizado,100,"abierta"y cerrada\n'
    assert refused(parse_status_csv(text, plan)) == t.CSV_BAD_QUOTES.format(line=2)


def test_a_quoted_note_over_several_lines_is_one_line_as_everywhere_else(plan: Plan) -> None:
    text = '206148,finalizado,100,"primera línea\nsegunda, con ""comillas"""\n242177,planificado,,b\n'
    read = parse_status_csv(text, plan)
    assert read.refused is None
    assert read.changes == [
        StatusChange("206148", "finalizado", 100, 'primera línea segunda, con "comillas"'),
        StatusChange("242177", "planificado", None, "b"),
    ]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("206148;finalizado;100;nota, con coma", "nota, con coma"),
        ("206148\tfinalizado\t100\tnota, con coma", "nota, con coma"),
        ("206148,finalizado,100,nota; con punto y coma", "nota; con punto y coma"),
        ("SNIP;estado;avance;nota\n206148;finalizado;100;nota, con coma\n", "nota, con coma"),
        ("206148;finalizado;100;uno;dos", "uno;dos"),  # a note cut by its own delimiter, as written
    ],
)
def test_the_delimiter_is_found_in_a_file_of_one_row(plan: Plan, text: str, note: str) -> None:
    read = parse_status_csv(text, plan)
    assert read == StatusCsv([StatusChange("206148", "finalizado", 100, note)], [])


def test_a_semicolon_file_of_unknown_projects_is_still_read_by_semicolons(plan: Plan) -> None:
    read = parse_status_csv("999999;finalizado;;\n888888;suspendido;10;x, y\n", plan)
    assert [r.reason for r in read.rejected] == [
        t.CSV_NO_PROJECT.format(snip="999999"),
        t.CSV_NO_PROJECT.format(snip="888888"),
    ]


def test_a_utf16_file_is_read() -> None:
    text = "206148\tfinalizado\t100\tlista año\r\n"
    assert decode_csv(text.encode("utf-16")) == text


def test_a_preview_lists_thirty_rows_of_each_kind_and_says_how_many_more(plan: Plan) -> None:
    text = "206148,finalizado,100,a\n" * 40_000
    read = parse_status_csv(text, plan)
    assert (len(read.changes), len(read.rejected)) == (1, 39_999)
    ready, rejected = csv_preview_lines(read)
    assert ready == ["206148 → Finalizado · 100%"]
    assert len(rejected) == 31
    assert rejected[0] == "Línea 2: SNIP 206148 repetido en el archivo"
    assert rejected[-1] == "… y 39.969 filas rechazadas más."
    many = StatusCsv([StatusChange("206148", "finalizado", None, None)] * 31, [])
    assert csv_preview_lines(many)[0][-1] == "… y 1 fila lista más."


def test_a_csv_preview_fits_one_message_as_telegram_counts_it(plan: Plan) -> None:
    """Every project ready, 35 rows rejected, each quoting a SNIP of 18 emoji (36 for Telegram):
    the preview keeps whole lines up to the limit and counts what it leaves out."""
    snips = sorted({p.snip for p in plan.projects})
    text = "".join(f"{snip},finalizado,100\n" for snip in snips)
    text += "".join(f"{n:02d}{'📢' * 18},finalizado,\n" for n in range(35))
    read = parse_status_csv(text, plan)
    assert (len(read.changes), len(read.rejected)) == (len(snips), 35)
    whole = csv_preview_html(read, limit=100_000)
    assert whole.count("\n") == len(snips) + 31  # the counts, then 30 rejected and "… y 5 más"
    cut = csv_preview_html(read, limit=1500)
    assert shown_length(cut) <= 1500 < shown_length(whole)
    assert cut.split("\n")[:-1] == whole.split("\n")[: cut.count("\n")]  # whole lines, in order
    assert cut.split("\n")[-1].endswith("que no caben en este mensaje.")
    nothing = csv_preview_html(parse_status_csv("999999,finalizado\n" * 200, plan), limit=1000)
    assert shown_length(nothing) <= 1000
    assert nothing.endswith(t.CSV_NOTHING)  # said even when rows are left out


# A note, wherever it comes from ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "kept", "in_chat"),
    [
        ("corte\x07 de agua", "corte  de agua", "corte  de agua"),
        ("feria \u202eodabás\u202c el sábado", "feria odabás el sábado", "feria odabás el sábado"),
        ("\u2066aislada\u2069 \u200fRTL\u200e", "aislada RTL", "aislada RTL"),
        (
            "primera\nsegunda\r\ntercera\rcuarta\tquinta",
            "primera\nsegunda\ntercera\ncuarta\tquinta",
            "primera segunda tercera cuarta quinta",  # Telegram's arguments: split at spaces
        ),
        ("\ufeffcon BOM\x00", "con BOM", "con BOM"),
        ("\x1b[31mrojo\x9b", "[31mrojo", "[31mrojo"),
        ("\x07\u202e\n", None, None),
    ],
)
def test_an_announcement_has_no_controls_in_the_chat_and_the_console(
    plan: Plan, typed: str, kept: str | None, in_chat: str | None
) -> None:
    """The note's rule (``shown_text``), with the announcement's lines kept: the console's
    composer and ``/anunciar`` keep the same characters, none of them a control."""
    assert announcement_text(typed) == kept
    drafted = announcement_draft("todos", typed, plan)
    chat = parse_announcement(["todos", *typed.split()], plan.edition)
    if kept is None:
        assert (drafted, chat) == (t.CONSOLE_ANNOUNCE_EMPTY, t.ANNOUNCE_USAGE)
        return
    assert isinstance(drafted, AnnouncementDraft)
    assert drafted.html == announcement_html(kept, plan.edition)
    assert chat == ("todos", in_chat)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("tubo\x07 listo", "tubo listo"),
        ("obra \u202eadnuges\u202c lista", "obra adnuges lista"),
        ("\u2066aislada\u2069 \u200fRTL\u200e", "aislada RTL"),
        ("primera\nsegunda\r\ntercera\tcuarta", "primera segunda tercera cuarta"),
        ("\ufeffcon BOM\x00", "con BOM"),
        ("familia 👨\u200d👩\u200d👧", "familia 👨\u200d👩\u200d👧"),  # the joiner makes one emoji
        (" \x1b[31m ", "[31m"),
        ("\x07\u202e", None),
        ("x" * 600, "x" * 500),
    ],
)
def test_a_note_is_one_line_without_controls_everywhere(plan: Plan, typed: str, kept: str | None) -> None:
    assert note_text(typed) == kept
    form = parse_status_fields("206148", "finalizado", None, typed, plan)
    assert isinstance(form, StatusChange)
    assert form.note == kept
    command = parse_status_command(["206148", "finalizado", *typed.split(" ")], plan)
    assert isinstance(command, StatusChange)
    assert command.note == kept
    quoted = typed.replace('"', '""')
    row = parse_status_csv(f'206148,finalizado,,"{quoted}"\n', plan)
    assert row.changes == [StatusChange("206148", "finalizado", None, kept)]


def test_only_ascii_digits_are_a_progress(plan: Plan) -> None:
    assert parse_progress("45") == 45
    assert parse_progress("45%") == 45
    assert parse_progress("٤٥") == t.STATUS_BAD_PROGRESS
    assert parse_progress("\uff14\uff15") == t.STATUS_BAD_PROGRESS  # fullwidth
    assert parse_progress("zanjeo") is None
    assert parse_status_fields("206148", "finalizado", "٤٥", None, plan) == t.STATUS_BAD_PROGRESS
    read = parse_status_csv("206148,finalizado,٤٥,\n", plan)
    assert [r.reason for r in read.rejected] == [t.CSV_BAD_PROGRESS.format(value="٤٥")]


def test_a_telegram_user_id_is_ascii_digits() -> None:
    assert parse_user_id("123456789") == 123456789
    assert parse_user_id(" 5123456789 ") == 5123456789
    assert parse_user_id(700000001) == 700000001
    for wrong in ("٤٥", "12a", "-5", "0", "", "1" * 17, True, None, 4.5, "\uff11\uff12"):
        assert parse_user_id(wrong) is None, wrong


def test_the_export_keeps_every_text_cell_from_running_as_a_formula(plan: Plan) -> None:
    notes = ['=HYPERLINK("http://x")', "+1", "-5 nota", "@SUM(A1)", "\tx", "normal", "5-3"]
    snips = [p.snip for p in plan.projects]
    statuses = {s: StatusView("en_ejecucion", 10, n, AT) for s, n in zip(snips, notes, strict=False)}
    rows = list(csv.DictReader(io.StringIO(export_csv(plan, statuses).decode("utf-8-sig"))))
    written = {row["snip"]: row["nota"] for row in rows}
    assert [written[snip] for snip in snips[: len(notes)]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-5 nota",
        "'@SUM(A1)",
        "'\tx",
        "normal",
        "5-3",
    ]
    assert all(not row["nombre"].startswith(("=", "+", "-", "@")) for row in rows)
