"""Several editions from the command line: ``load`` keeps every year loaded, ``ask`` answers
from the newest and from the edition a question names, ``diff`` compares loaded years. Through
``bot.__main__.main`` as a person runs it, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from knowledge import catalog as t
from knowledge.diff import compare_plans
from knowledge.diff_answer import change_pages
from knowledge.model import Plan
from knowledge.render import to_plain
from tests.editions import PREVIOUS_YEAR_AMOUNT
from tests.support.editions import AMOUNTS

SNIP, (AMOUNT_2024, AMOUNT_2025) = "242177", AMOUNTS["242177"]
PLAN_2024 = "Plan Operativo Anual 2024 de la Municipalidad de Mixco"
PLAN_2025 = "Plan Operativo Anual 2025 de la Municipalidad de Mixco"


@pytest.fixture
def any_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    return database_url


@pytest.fixture
def file_2025(tmp_path: Path, next_edition_document: str) -> Path:
    path = tmp_path / "poa-2025.txt"
    path.write_text(next_edition_document, encoding="utf-8")
    return path


@pytest.fixture
def file_2023(tmp_path: Path, previous_year_document: str) -> Path:
    path = tmp_path / "poa-2023.txt"
    path.write_text(previous_year_document, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def ask(capsys: pytest.CaptureFixture[str], question: str) -> str:
    code, out, err = run(capsys, "ask", question)
    assert (code, err) == (0, "")
    return out


@pytest.mark.usefixtures("any_database")
def test_load_two_years_and_ask_each(capsys: pytest.CaptureFixture[str], file_2025: Path) -> None:
    assert run(capsys, "load")[0] == 0
    code, out, _ = run(capsys, "load", file_2025)
    assert code == 0
    assert out.startswith(f"Plan cargado: {PLAN_2025}; ")

    current = ask(capsys, f"proyecto {SNIP}")
    assert f"Monto 2025: Q {AMOUNT_2025}" in current
    assert "edición anterior" not in current
    older = ask(capsys, f"proyecto {SNIP} en 2024")
    assert older.splitlines()[1] == t.EDITION_OLDER_NOTE.format(older="POA 2024", current="POA 2025")
    assert f"Monto 2024: Q {AMOUNT_2024}" in older
    assert AMOUNT_2025 not in older
    refused = ask(capsys, "presupuesto 2022")
    assert t.OTHER_YEAR_KEPT.format(years="2025", older="la edición del 2024", example=2024) in refused


@pytest.mark.usefixtures("any_database")
def test_an_older_year_is_kept_and_the_current_plan_still_answers(
    capsys: pytest.CaptureFixture[str], file_2025: Path, file_2023: Path
) -> None:
    assert run(capsys, "load", file_2025)[0] == 0
    code, out, err = run(capsys, "load", file_2023)
    assert (code, err) == (0, "")
    plan_2023 = "Plan Operativo Anual 2023 de la Municipalidad de Mixco"
    assert out == t.LOAD_KEPT_OLDER.format(plan=plan_2023, current=PLAN_2025) + "\n"

    assert f"Monto 2025: Q {AMOUNT_2025}" in ask(capsys, f"proyecto {SNIP}")
    assert f"Monto 2023: Q {PREVIOUS_YEAR_AMOUNT[1]}" in ask(capsys, f"proyecto {SNIP} en 2023")
    code, out, _ = run(capsys, "export")
    assert code == 0
    assert json.loads(out)["edition"]["year"] == 2025  # the plan tables hold the POA 2025


@pytest.mark.usefixtures("any_database")
def test_diff_by_loaded_years(
    capsys: pytest.CaptureFixture[str], file_2025: Path, bundled_edition: Plan, next_edition: Plan
) -> None:
    assert run(capsys, "load")[0] == 0
    assert run(capsys, "load", file_2025)[0] == 0
    pages = change_pages(compare_plans(bundled_edition, next_edition), "POA 2024", "POA 2025")
    expected = "\n\n".join(to_plain(page) for page in pages) + "\n"

    assert run(capsys, "diff", "2024", "2025") == (0, expected, "")
    assert run(capsys, "diff", "2024", file_2025) == (0, expected, "")  # a year and a file

    code, out, err = run(capsys, "diff", "2023", "2025")
    assert (code, out) == (1, "")
    reason = t.DIFF_NO_EDITION.format(year="2023")
    assert err == t.DIFF_UNREADABLE.format(file="2023", problem=reason) + "\n"
    assert "no hay ninguna del 2023" in err
