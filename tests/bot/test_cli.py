"""The command line: load, export, ask — through ``bot.__main__.main`` as a person runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from knowledge.ingest import read_bundled_text


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    return path


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
    assert first["amount_2024"] == 4441894.0
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vac"),
        (b"\x00\x01\x02binary\x00", "binario"),
        (read_bundled_text()[:30000].encode(), "faltan cap"),
        (read_bundled_text().replace("\t206148\t", "\t").encode(), "línea"),
        (b'{"projects": [{"number": "uno"}]}', "tematicas"),
        (b"{not json", "JSON"),
    ],
    ids=["empty", "binary", "truncated", "row-missing-column", "json-wrong-type", "json-malformed"],
)
@pytest.mark.usefixtures("database")
def test_bad_file_is_refused_and_the_database_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    before = export(capsys)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["load", str(bad)]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "no cambió" in err
    assert export(capsys) == before


@pytest.mark.usefixtures("database")
def test_json_export_with_a_wrong_type_names_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = export(capsys)
    projects = data["projects"]
    assert isinstance(projects, list)
    projects[2]["amount_2024"] = "2,665,533.00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["load", str(bad)]) == 1
    assert "projects[2].amount_2024" in capsys.readouterr().err


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
        ("WEBHOOK_HEADER_TIMEOUT", "0"),
        ("WEBHOOK_BODY_TIMEOUT", "3600"),
        ("WEBHOOK_MAX_CONNECTIONS", "1"),
    ],
)
def test_invalid_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["ask", "hola"]) == 2
    assert f"Configuración inválida: {name}:" in capsys.readouterr().err


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
