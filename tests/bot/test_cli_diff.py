"""``python -m bot diff OLD NEW``: what changed between two editions, through ``bot.__main__.main``
as a person runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from knowledge.diff import compare_plans, for_zona
from knowledge.diff_answer import change_pages
from knowledge.ingest import read_bundled_text
from knowledge.model import Plan
from knowledge.plan_json import plan_to_json
from knowledge.render import to_plain


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the database would be: ``diff`` reads files only, and never creates it."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    return path


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "poa-2024.txt"
    path.write_text(read_bundled_text(), encoding="utf-8")
    return path


@pytest.fixture
def new_file(tmp_path: Path, next_edition_document: str) -> Path:
    path = tmp_path / "poa-2025.txt"
    path.write_text(next_edition_document, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["diff", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_summary_as_the_bot_words_it(
    capsys: pytest.CaptureFixture[str],
    database: Path,
    old_file: Path,
    new_file: Path,
    bundled_edition: Plan,
    next_edition: Plan,
) -> None:
    code, out, err = run(capsys, old_file, new_file)
    assert (code, err) == (0, "")
    pages = change_pages(compare_plans(bundled_edition, next_edition), "POA 2024", "POA 2025")
    assert out == "\n\n".join(to_plain(page) for page in pages) + "\n"
    assert out.startswith(
        "Qué cambió del POA 2024 al POA 2025\nDel POA 2024 al POA 2025: 3 proyectos nuevos, "
    )
    assert "• SNIP 242177 (zona 10): Q 4,441,894.00 → Q 3,200,000.00" in out
    assert "Página 2 de 2." in out  # every page is printed
    assert not database.exists()


def test_a_json_export_is_an_edition_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old_file: Path, new_file: Path, bundled_edition: Plan
) -> None:
    exported = tmp_path / "poa-2024.json"
    exported.write_text(json.dumps(plan_to_json(bundled_edition), ensure_ascii=False), encoding="utf-8")
    from_text = run(capsys, old_file, new_file)
    assert run(capsys, exported, new_file) == from_text
    code, out, _ = run(capsys, exported, old_file)
    assert code == 0
    assert "No hay cambios" in out.splitlines()[1]


@pytest.mark.usefixtures("database")
def test_json_output(capsys: pytest.CaptureFixture[str], old_file: Path, new_file: Path) -> None:
    code, out, _ = run(capsys, "--json", old_file, new_file)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        *("old", "new", "summary", "changed", "zona", "counts", "projects", "funding", "targets"),
        *("operational_actions", "objectives", "strategic_lines", "action_lines"),
    }
    assert data["old"] == {"label": "POA 2024", "file": str(old_file)}
    assert data["new"] == {"label": "POA 2025", "file": str(new_file)}
    assert data["summary"].startswith(
        "Del POA 2024 al POA 2025: 3 proyectos nuevos, 2 proyectos dejaron de estar"
    )
    assert (data["changed"], data["zona"]) == (True, None)
    assert {k: data["counts"][k] for k in ("projects_added", "projects_dropped", "amounts_changed")} == {
        "projects_added": 3,
        "projects_dropped": 2,
        "amounts_changed": 3,
    }
    assert set(data["projects"]) == {"added", "dropped", "changed"}
    assert set(data["funding"]) == {"added", "dropped", "changed", "total"}
    assert set(data["operational_actions"]) == {"added", "dropped", "reworded"}
    changed = {c["snip"]: c for c in data["projects"]["changed"]}
    assert changed["297669"]["amount"] == {"old": 2665533.0, "new": 2900000.0}


@pytest.mark.usefixtures("database")
def test_one_zona(
    capsys: pytest.CaptureFixture[str],
    old_file: Path,
    new_file: Path,
    bundled_edition: Plan,
    next_edition: Plan,
) -> None:
    code, out, _ = run(capsys, old_file, new_file, "--zona", "7")
    assert code == 0
    (page,) = change_pages(for_zona(compare_plans(bundled_edition, next_edition), 7), "POA 2024", "POA 2025")
    assert out == to_plain(page) + "\n"
    assert out.startswith("Zona 7: qué cambió del POA 2024 al POA 2025\n")
    code, out, _ = run(capsys, "--json", "--zona", "3", old_file, new_file)
    assert json.loads(out)["zona"] == 3
    assert [p["snip"] for p in json.loads(out)["projects"]["added"]] == ["301245"]


@pytest.mark.usefixtures("database")
def test_a_zona_mixco_does_not_have(
    capsys: pytest.CaptureFixture[str], old_file: Path, new_file: Path
) -> None:
    code, out, err = run(capsys, old_file, new_file, "--zona", "12")
    assert (code, out) == (2, "")
    assert err == "No hay zona 12: las zonas van de la 1 a la 11.\n"


@pytest.mark.usefixtures("database")
def test_the_same_edition_twice(capsys: pytest.CaptureFixture[str], old_file: Path) -> None:
    code, out, _ = run(capsys, old_file, old_file)
    assert code == 0
    assert out.splitlines()[:2] == [
        "Qué cambió del POA 2024 al POA 2024",
        "No hay cambios: el POA 2024 trae los mismos proyectos, montos, fuentes de financiamiento, metas, "
        "objetivos y acciones que el POA 2024.",
    ]
    code, out, _ = run(capsys, "--json", old_file, old_file)
    data = json.loads(out)
    assert data["changed"] is False
    assert set(data["counts"].values()) == {0}


BAD_FILES: dict[str, tuple[bytes | None, str]] = {
    "missing": (None, "no se pudo leer el archivo"),
    "empty": (b"", "vacío"),
    "cut": (read_bundled_text()[:40000].encode(), "falta"),
    "bad-row": (
        read_bundled_text().replace("\t242177\t", "\tSNIP\t").encode(),
        "el SNIP «SNIP» no es válido",
    ),
    "not-json": (b"{ no", "JSON no válido"),
    "not-a-plan": (b"[1, 2]", "expected a JSON object"),
    "binary": (bytes(range(256)) * 8, "binario"),
}


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("case", list(BAD_FILES))
@pytest.mark.parametrize("side", ["old", "new"])
def test_an_unreadable_file_is_named_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old_file: Path, case: str, side: str
) -> None:
    content, problem = BAD_FILES[case]
    bad = tmp_path / f"{case}.txt"
    if content is not None:
        bad.write_bytes(content)
    code, out, err = run(capsys, *((bad, old_file) if side == "old" else (old_file, bad)))
    assert (code, out) == (1, "")
    assert err.startswith(f"No se pudieron comparar los planes. {bad}: ")
    assert problem in err
    assert err.count("\n") == 1
    assert f"{bad}: {bad}" not in err  # the file is named once


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "only-one.txt"])
    assert exit_info.value.code == 2
    assert "NEW" in capsys.readouterr().err
