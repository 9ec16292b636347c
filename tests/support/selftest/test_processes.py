"""Self-tests of ``tests.support.processes``: a child started with ``die_with_parent`` does not
outlive a parent killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from tests.support.processes import die_with_parent

    watched = "--watched" in sys.argv
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        preexec_fn=die_with_parent() if watched else None,
    )
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def child_after_parent_killed(*flags: str) -> tuple[int, bool]:
    """Start a parent that starts a sleeping child, SIGKILL the parent; (child pid, whether the
    child is still alive two seconds later)."""
    with subprocess.Popen(
        [sys.executable, "-c", PARENT, *flags], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and alive(child):
        time.sleep(0.05)
    return child, alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_watched_child_gets_sigterm_when_its_parent_is_killed() -> None:
    child, still_alive = child_after_parent_killed("--watched")
    assert not still_alive, f"child {child} outlived its parent"


def test_an_unwatched_child_outlives_its_killed_parent() -> None:
    """The control: without the watcher the same child keeps running (so the test above can
    fail)."""
    child, still_alive = child_after_parent_killed()
    try:
        assert still_alive
    finally:
        os.kill(child, signal.SIGKILL)
