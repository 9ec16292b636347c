"""The schema migration before serving, in a short-lived child process started early.

Alembic never loads in the long-running bot, and the child runs while the bot imports its own
modules and builds its search index (on two or more cores, the migration costs no start-up
time). The child checks the schema first and loads Alembic only when the database is behind.
Standard library only, so that starting it costs nothing before the child runs.
"""

from __future__ import annotations

import os
import subprocess
import sys


def start_migration(database_url: str) -> subprocess.Popen[bytes]:
    """Start ``python -m db.migrate`` for this database; see :func:`finish_migration`."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen([sys.executable, "-m", "db.migrate"], env=env)


def finish_migration(child: subprocess.Popen[bytes]) -> bool:
    """Wait for the migration; True when the schema is up to date (the child said why if not)."""
    return child.wait() == 0
