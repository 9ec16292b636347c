"""The container installs the project the way the README does; what it installs must be complete,
and pinned by the lock (``constraints.txt``), which must say what ``pyproject.toml`` says."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"
PROJECT = "mixco-plan-bot (pyproject.toml)"
"""How pip-compile names this project in the lock's ``# via`` notes."""
LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s+# via (.+)$")


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
    assert "COPY pyproject.toml README.md constraints.txt ./" in text
    assert "RUN pip install -c constraints.txt . " in text
    assert 'pip install -c constraints.txt -e ".[dev]"' in (ROOT / "README.md").read_text(encoding="utf-8")
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
    templates = {p.name for p in (ROOT / "handlers/webapp/templates").iterdir() if p.is_file()}
    assert {Path(n).name for n in names if n.startswith("handlers/webapp/templates/")} == templates
    versions = {n for n in names if n.startswith("db/migrations/versions/") and n.endswith(".py")}
    assert {Path(n).name for n in versions} == {
        p.name for p in (ROOT / "db/migrations/versions").glob("*.py")
    }


def direct_requirements() -> dict[str, Requirement]:
    """pyproject's dependencies and its ``dev`` extra, by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return {canonicalize_name(r.name): r for r in map(Requirement, listed)}


def locked() -> dict[str, tuple[str, set[str]]]:
    """The lock's pins: canonical name -> (version, what needs it)."""
    pins: dict[str, tuple[str, set[str]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = LOCK_LINE.match(line)
        assert match, f"not a pip-compile pin with a one-line '# via' note: {line!r}"
        name, version, via = match.groups()
        pins[canonicalize_name(name)] = (version, {v.strip() for v in via.split(",")})
    return pins


def test_the_lock_pins_what_pyproject_asks_for_within_its_ranges() -> None:
    requirements, pins = direct_requirements(), locked()
    assert set(requirements) <= set(pins), f"not in the lock: {sorted(set(requirements) - set(pins))}"
    outside = {
        name: f"{pins[name][0]} not in {req.specifier}"
        for name, req in requirements.items()
        if not req.specifier.contains(pins[name][0], prereleases=True)
    }
    assert not outside, f"the lock is out of the pyproject ranges: {outside}"


def test_the_lock_was_compiled_from_this_pyproject() -> None:
    """What the lock says pyproject needs directly is what pyproject lists: a dependency added to
    or removed from pyproject without compiling the lock again fails here."""
    from_project = {name for name, (_, via) in locked().items() if PROJECT in via}
    assert from_project == set(direct_requirements())
    header = LOCK.read_text(encoding="utf-8")
    assert "pip-compile" in header
    assert "--extra=dev" in header
    assert "--strip-extras" in header  # pip refuses extras in a constraints file


def test_ci_installs_from_the_lock() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r'pip" install .*-c constraints\.txt -e "\.\[dev\]"', ci)
