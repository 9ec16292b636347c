"""The container installs the project the way the README does; what it installs must be complete."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_copies_every_package_and_installs_like_the_readme() -> None:
    text = dockerfile()
    packages = {
        p.rstrip("*")
        for p in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"][
            "find"
        ]["include"]
    }
    copied = set(re.findall(r"^COPY (\w+) \./\1$", text, flags=re.MULTILINE))
    assert copied == packages
    assert "RUN pip install . " in text
    assert "pip install -e ." in (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^USER mixco$", text, flags=re.MULTILINE)
    assert 'CMD ["python", "-m", "bot", "webhook"]' in text
    assert "/healthz" in text


def test_the_built_wheel_carries_the_plan_and_the_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "knowledge/data/poa-2024-mixco.txt" in names
    assert "knowledge/data/vocabulary.json" in names
    assert "db/migrations/env.py" in names
    versions = {n for n in names if n.startswith("db/migrations/versions/") and n.endswith(".py")}
    assert {Path(n).name for n in versions} == {
        p.name for p in (ROOT / "db/migrations/versions").glob("*.py")
    }
