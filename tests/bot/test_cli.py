"""The command line: load, export, ask — through ``bot.__main__.main`` as a person runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from knowledge.ingest import load_bundled_plan, read_bundled_text
from knowledge.model import Plan
from knowledge.plan_json import plan_to_json
from tests.conftest import BrokenEdition, second_edition
from tests.editions import next_year_text, other_municipality_text
from tests.factories import make_edition


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    return path


@pytest.fixture
def any_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``database`` on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    return database_url


def export(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["export"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("database")
def test_export_has_the_whole_plan(capsys: pytest.CaptureFixture[str]) -> None:
    data = export(capsys)
    assert {"tematicas", "targets", "funding", "funding_total", "projects", "actors", "institution"} <= set(
        data
    )
    projects = data["projects"]
    assert isinstance(projects, list)
    first = projects[0]
    assert first["snip"] == "242177"
    assert first["amount"] == 4441894.0
    assert first["zona"] == 10
    assert data["funding_total"] == {
        "available": 688310200.0,
        "investment": 364029262.59,
        "operating": 324280937.41,
    }


@pytest.mark.usefixtures("database")
def test_export_load_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = export(capsys)
    dump = tmp_path / "plan.json"
    dump.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    assert main(["load", str(dump)]) == 0
    capsys.readouterr()
    assert export(capsys) == first


@pytest.mark.usefixtures("database")
def test_load_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load"]) == 0
    capsys.readouterr()
    first = export(capsys)
    assert main(["load"]) == 0
    assert "8 proyectos" in capsys.readouterr().out
    assert export(capsys) == first


PLAN = read_bundled_text()
FIRST_PROJECT = "1\tCONSTRUCCION SISTEMA DE ALCANTARILLADO SANITARIO EN BARRIO SAN ANTONIO"  # line 1262


def exported(change: Callable[[dict[str, Any]], object]) -> bytes:
    """The bundled plan as its JSON export, changed by ``change``."""
    data = plan_to_json(load_bundled_plan())
    change(data)
    return json.dumps(data).encode()


def first_project(key: str, value: object) -> bytes:
    return exported(lambda data: data["projects"][0].update({key: value}))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: b"", "vac"),
        (lambda: b"\x00\x01\x02binary\x00", "binario"),
        (lambda: PLAN[:30000].encode(), "faltan cap"),
        (lambda: PLAN.replace("\t206148\t", "\t").encode(), "línea"),
        (lambda: b'{"projects": [{"number": "uno"}]}', "tematicas"),
        (lambda: b"{not json", "JSON"),
        (lambda: b"[1, 2, 3]", "expected a JSON object for the plan, got list"),
        (
            lambda: PLAN.replace("\t276227\t", "\t242177\t").encode(),
            (
                "línea 1263 «2 | CONSTRUCCION POZO(S)",
                "»: SNIP 242177 repetido (la primera vez: línea 1262 «1 |",
            ),
        ),
        (
            lambda: exported(lambda data: data["projects"][1].update(snip="242177")),
            "projects[1].snip: SNIP 242177 repetido (la primera vez: projects[0].snip)",
        ),
        (
            lambda: PLAN.replace("4,441,894.00", "100000000000000000000.00").encode(),
            ("línea 1262 «1 | CONSTRUCCION", "»: monto fuera de rango: Q 100,000,000,000,000,000,000.00"),
        ),
        (lambda: first_project("amount", 1e20), "projects[0].amount: monto fuera de rango"),
        (
            lambda: PLAN.replace(FIRST_PROJECT, "1" + "0" * 30 + FIRST_PROJECT[1:]).encode(),
            ("línea 1262 «1000", "»: número fuera de rango: 1" + "0" * 30),
        ),
        (lambda: first_project("number", 10**30), "projects[0].number: número fuera de rango"),
        (lambda: b"[" * 100_000 + b"]" * 100_000, "JSON no válido: anidado a demasiada profundidad"),
        (lambda: first_project("name", "POZO\x00"), "projects[0].name: texto con un carácter que no"),
        (lambda: first_project("name", "POZO \ud800"), "no se puede guardar (U+D800)"),
        (lambda: (PLAN * 2).encode(), "el capítulo I aparece otra vez (ya estaba en la línea 43)"),
        (
            lambda: json.dumps(plan_to_json(Plan(edition=make_edition()))).encode(),
            "projects: el plan no trae proyectos",
        ),
        (lambda: exported(lambda data: data.update(funding=[])), "funding: el plan no trae fuentes"),
        (
            lambda: exported(lambda data: data.update(funding_total=None)),
            "funding_total: falta la fila del total",
        ),
        (
            lambda: exported(lambda data: data["funding_total"].update(available=999310200.0)),
            "funding_total.available: el total no cuadra: la columna de disponibilidad financiera dice "
            "Q 999,310,200.00, pero sus 7 filas suman Q 688,310,200.00",
        ),
        (
            lambda: exported(lambda data: data.update(tematicas=[])),
            "objectives[0].tematica: la temática «incluyente» no existe en el plan",
        ),
        (lambda: (PLAN * 600).encode(), "el archivo pesa 49.2 MB y el máximo es 5.0 MB (PLAN_MAX_BYTES)"),
    ],
    ids=[
        "empty", "binary", "truncated", "row-missing-column", "json-wrong-type", "json-malformed",
        "json-list", "duplicate-snip", "json-duplicate-snip", "huge-amount", "json-huge-amount",
        "huge-number", "json-huge-number", "json-100000-deep", "json-nul", "json-lone-surrogate",
        "plan-twice", "json-empty-lists", "json-no-funding", "json-no-funding-total", "json-funding-total",
        "json-no-tematicas", "plan-600-times",
    ],
)  # fmt: skip
@pytest.mark.usefixtures("any_database")
def test_bad_file_is_refused_in_one_line_and_the_database_unchanged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: Callable[[], bytes],
    message: str | tuple[str, ...],
) -> None:
    before = export(capsys)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content())
    assert main(["load", str(bad)]) == 1
    err = capsys.readouterr().err
    for part in (message,) if isinstance(message, str) else message:
        assert part in err
    assert "no cambió" in err
    assert len(err.splitlines()) == 1
    assert export(capsys) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.usefixtures("database")
def test_a_utf16_document_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    plain, wide = tmp_path / "plan.txt", tmp_path / "plan-utf16.txt"
    plain.write_text(PLAN, encoding="utf-8")
    wide.write_text(PLAN, encoding=encoding)  # what Windows saves as "Unicode"
    assert main(["load", str(plain)]) == 0
    capsys.readouterr()
    expected = export(capsys)
    assert main(["load", str(wide)]) == 0
    assert "8 proyectos" in capsys.readouterr().out
    assert export(capsys) == expected


@pytest.mark.usefixtures("database")
def test_json_export_with_a_wrong_type_names_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export(capsys)
    projects = data["projects"]
    assert isinstance(projects, list)
    projects[2]["amount"] = "2,665,533.00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["load", str(bad)]) == 1
    assert "projects[2].amount" in capsys.readouterr().err


@pytest.mark.usefixtures("database")
def test_ask_prints_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "proyecto 242177"]) == 0
    out = capsys.readouterr().out
    assert "Q 4,441,894.00" in out
    assert "SAN ANTONIO" in out


@pytest.mark.usefixtures("database")
def test_ask_json_batch_keeps_order_and_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("zona 6\nreceta de pepián\n", encoding="utf-8")
    assert main(["ask", "--json", "--batch", str(questions)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["q"] for r in rows] == ["zona 6", "receta de pepián"]
    assert rows[0]["confident"] is True
    assert rows[1]["confident"] is False
    assert set(rows[0]) == {"q", "answer", "confident", "matches", "elapsed_ms"}
    assert {"id", "kind", "title", "score"} == set(rows[0]["matches"][0])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BROADCAST_RATE", "mucho"),
        ("PLAN_MAX_BYTES", "0"),
        ("WEBHOOK_HEADER_TIMEOUT", "0"),
        ("WEBHOOK_BODY_TIMEOUT", "3600"),
        ("WEBHOOK_MAX_CONNECTIONS", "1"),
        ("WEB_PORT", "0"),
        ("WEB_PORT", "70000"),
        ("WEB_PORT", "ocho"),
        ("WEBAPP_URL", "http://plan.example.org/app/"),
        ("WEBAPP_URL", "plan.example.org/app/"),
        ("WEBAPP_URL", "https:///app/"),
        ("WEBAPP_URL", "https://plan.example.org/app/?x=1"),
        ("WEBAPP_URL", "https://user:pw@plan.example.org/app/"),
        ("PLAN_ZONAS", "once"),
        ("PLAN_ZONAS", "0-11"),
        ("PLAN_ZONAS", "11-1"),
        ("WEBAPP_AUTH_MAX_AGE", "0"),
        ("WEBAPP_AUTH_MAX_AGE", "100000"),
        ("WEBAPP_AUTH_MAX_AGE", "una hora"),
        ("PLAN_CHECK_INTERVAL", "0"),
        ("PLAN_CHECK_INTERVAL", "0.01"),
        ("PLAN_CHECK_INTERVAL", "7200"),
        ("PLAN_CHECK_INTERVAL", "cinco"),
    ],
)
def test_invalid_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["ask", "hola"]) == 2
    assert f"Configuración inválida: {name}:" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-1", "diez", "1441"])
@pytest.mark.parametrize("name", ["NOTIFY_WINDOW_MINUTES", "REPORT_MODE_MINUTES"])
def test_invalid_window_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["ask", "hola"]) == 2
    assert name in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("https://plan.example.org/app/", "https://plan.example.org/app/"),
        (" https://plan.example.org/app ", "https://plan.example.org/app/"),
        ("", None),
    ],
)
def test_the_webapp_url_is_read_with_its_slash(
    monkeypatch: pytest.MonkeyPatch, value: str, read: str | None
) -> None:
    """The pages' paths go after a "/"; a blank value is no explorer."""
    from bot.settings import Settings

    monkeypatch.setenv("WEBAPP_URL", value)
    assert Settings().webapp_url == read


def test_the_plan_is_checked_every_few_seconds_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    assert Settings().plan_check_interval == 5.0
    monkeypatch.setenv("PLAN_CHECK_INTERVAL", "0.5")
    assert Settings().plan_check_interval == 0.5


def test_run_without_a_token_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "Falta TELEGRAM_TOKEN" in capsys.readouterr().err


def test_a_malformed_token_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", "not-a-token")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_TOKEN" in err
    assert "not-a-token" not in err  # a secret is never echoed back


def test_webhook_needs_a_secret(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456789:" + "A" * 35)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main(["webhook"]) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


@pytest.mark.usefixtures("any_database")
def test_a_broken_edition_is_refused_and_the_previous_plan_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broken_edition: BrokenEdition
) -> None:
    previous = tmp_path / "poa-2024-segunda.txt"
    previous.write_text(second_edition(PLAN), encoding="utf-8")
    assert main(["load", str(previous)]) == 0
    capsys.readouterr()
    before = export(capsys)
    assert before["projects"][0]["amount"] == 5000000.0  # type: ignore[index]  # not the bundled plan
    broken = tmp_path / "poa-2024-rota.txt"
    broken.write_text(broken_edition.text, encoding="utf-8")

    assert main(["load", str(broken)]) == 1

    err = capsys.readouterr().err
    assert err.startswith(f"No se cargó el plan: {broken_edition.where}")
    assert broken_edition.message in err
    assert err.endswith("La base de datos no cambió.\n")
    assert len(err.splitlines()) == 1
    assert export(capsys) == before


def test_load_of_a_broken_file_exits_non_zero_with_the_reason_on_stderr(tmp_path: Path) -> None:
    """``python -m bot load BROKEN`` as an operator runs it: its own process, exit code, stderr."""
    broken = tmp_path / "poa-rota.txt"
    broken.write_text(PLAN.replace("Q688,310,200.00", "Q999,310,200.00"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    done = subprocess.run(
        [sys.executable, "-m", "bot", "load", str(broken)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("No se cargó el plan: línea 1255 «7) Total financiamiento para el año")
    assert "dice Q 999,310,200.00, pero sus 7 filas suman Q 688,310,200.00" in done.stderr


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """``python -m bot ask --batch … | head -1``: the pipe closes after one line."""
    questions = tmp_path / "preguntas.txt"
    questions.write_text("proyectos zona 6\n" * 40, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    command = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--batch", str(questions)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert command.stdout is not None
    assert command.stderr is not None
    first = command.stdout.readline()
    command.stdout.close()  # as head does once it has its line
    err = command.stderr.read().decode()
    command.stderr.close()

    assert command.wait(timeout=120) == 1
    assert first.decode().strip()  # the answer began
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err


def ask(capsys: pytest.CaptureFixture[str], question: str) -> str:
    assert main(["ask", question]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("any_database")
def test_another_municipalitys_plan_loads_and_the_bot_answers_with_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its document does not say how many zonas Villa Nueva has: PLAN_ZONAS does. Each command
    is a new process: what the bot knows of the edition comes from the database."""
    document = tmp_path / "poa-villa-nueva.txt"
    document.write_text(other_municipality_text(zonas_said=False), encoding="utf-8")
    before = export(capsys)
    assert main(["load", str(document)]) == 1
    err = capsys.readouterr().err
    assert "PLAN_ZONAS" in err
    assert "no cambió" in err
    assert export(capsys) == before

    monkeypatch.setenv("PLAN_ZONAS", "1-15")
    assert main(["load", str(document)]) == 0
    assert (
        "Plan cargado: Plan Operativo Anual 2024 de la Municipalidad de Villa Nueva;"
        in capsys.readouterr().out
    )
    monkeypatch.delenv("PLAN_ZONAS")  # the database keeps the zonas now
    assert ask(capsys, "zona 14").startswith("Zona 14 de Villa Nueva\nProyectos del POA 2024 en la zona 14")
    assert "Villa Nueva tiene zonas de la 1 a la 15" in ask(capsys, "zona 16")
    assert "Mixco" not in ask(capsys, "¿qué proyectos tiene la muni de Villa Nueva?")
    assert ask(capsys, "proyectos en mixco").startswith("Eso no está en el plan")
    edition = export(capsys)["edition"]
    assert isinstance(edition, dict)
    assert (edition["municipality"], edition["zonas"]) == ("Villa Nueva", list(range(1, 16)))


@pytest.mark.usefixtures("database")
def test_next_years_plan_answers_for_next_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "poa-2025.txt"
    document.write_text(next_year_text(), encoding="utf-8")
    assert main(["load", str(document)]) == 0
    capsys.readouterr()
    assert ask(capsys, "presupuesto 2025").startswith("Presupuesto total 2025\n")
    assert "El plan trae las cifras de dinero de 2025; para otros años no tiene datos." in ask(
        capsys, "presupuesto 2024"
    )
    card = ask(capsys, "proyecto 242177")
    assert "Monto 2025: Q 4,441,894.00" in card
    assert "2024" not in card


@pytest.mark.usefixtures("database")
def test_an_export_of_the_previous_version_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Written before editions (no ``edition``) and with ``amount_2024``: the same plan loads."""
    current = export(capsys)
    old = json.loads(json.dumps(current))
    del old["edition"]
    for project in old["projects"]:
        project["amount_2024"] = project.pop("amount")
    dump = tmp_path / "old.json"
    dump.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert main(["load", str(dump)]) == 0
    capsys.readouterr()
    again = export(capsys)
    assert again["projects"] == current["projects"]
    assert again["edition"] == {**current["edition"], "pei": None}  # type: ignore[dict-item]
    assert ask(capsys, "proyecto 242177").startswith("Proyecto SNIP 242177")
