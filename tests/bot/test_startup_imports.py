"""What the bot's processes load at start: a polling bot and the schema migration's child load
only what they use (each module kept out is resident memory and start-up time, bench/e2e.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from db.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
LIST_MODULES = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def loaded_by(code: str, **env: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code`` (run from the root)."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{LIST_MODULES}"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def under(modules: set[str], *packages: str) -> set[str]:
    return {m for m in modules if m.split(".")[0] in packages or m.startswith(packages)}


def test_a_polling_bot_loads_no_web_metrics_or_postgresql_modules() -> None:
    modules = loaded_by("import bot.__main__, bot.app, handlers")
    assert {"bot.app", "handlers.messages", "knowledge.answers", "telegram.ext"} <= modules
    unused = under(
        modules,
        "prometheus_client",  # /metrics: webhook mode only (bot.metrics)
        "sqlalchemy.dialects.postgresql",  # loaded by a process on PostgreSQL only
        "alembic",  # the migration runs in a child process
        "starlette",
        "uvicorn",
        "jinja2",
        "handlers.webapp.",
        "matplotlib",
    )
    assert unused == set()


def test_the_schema_migration_applies_revisions_without_the_models(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    modules = loaded_by(
        "import runpy; runpy.run_module('db.migrate', run_name='__main__')",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
    )
    assert "alembic.command" in modules  # a fresh database: Alembic applied every revision
    models = under(modules, "numpy", "sqlmodel", "pydantic", "knowledge", "db.models", "db.staff_models")
    assert models == set()
    with closing(sqlite3.connect(database)) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == head_revision()
