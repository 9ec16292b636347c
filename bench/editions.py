"""Editions benchmark: the memory the older editions kept cost a ``python -m bot ask`` process.

Run from the repository root::

    python bench/editions.py [--rounds N]

Three SQLite databases in a temporary folder, loaded with ``python -m bot load`` from the bundled
document and the test editions made from it (``tests/support/editions.py``'s POA 2025,
``tests/editions.py``'s POA 2023):

* **one**: the POA 2024 alone, as before editions were kept;
* **two**: the POA 2025 current, the POA 2024 kept;
* **three**: the POA 2025 current, the POA 2023 and 2024 kept.

On each, ``python -m bot ask`` runs as a child process, ``--rounds`` times (default 5), with a
question about the current edition ("proyecto 242177") and with a batch that names each older
year in turn (each older edition's answerer is built when its year is asked, one kept at a time).
The figure is the child's peak RSS (``ru_maxrss`` from ``wait4``), median of the rounds.

Then **following**: a real ``python -m bot web`` (which, like the bot, answers from the plan in
memory and follows the plan's revision, ``PLAN_CHECK_INTERVAL``) on a database with the POA 2024,
while ``python -m bot load`` saves another plan ``SWITCHES`` times (next year's, then the same
year corrected, in turn); after each, once the explorer shows it, the server's RSS (VmRSS from
``/proc``), and its peak (VmHWM) at the end. The old plans must be freed: the last two switches
add at most ``MOST_LATE_MB`` (a plan kept for good would add about 1.6 MB each), and all of them
at most ``MOST_LEFT_MB`` (what the allocator keeps of the plans built and freed).

The last line is the summary; the exit code is 1 when a target is missed (answering from the
older editions adds at most 5 MB to the one-edition process, which stays within the bot's 120 MB
budget; following stops growing), 2 when it could not measure (``bench.common``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import BenchmarkError, exit_when_it_cannot_run  # noqa: E402
from tests.editions import next_year_text, previous_year_text  # noqa: E402
from tests.support.editions import next_edition_text  # noqa: E402
from tests.support.processes import die_with_parent, free_port  # noqa: E402

CURRENT_QUESTION = "proyecto 242177"
OLDER_QUESTIONS = ("proyecto 242177 en 2023", "proyecto 242177 en 2024", "proyectos 2023", "proyectos 2024")
MOST_ADDED_MB = 5.0
BUDGET_MB = 120.0
SWITCHES = 6
MOST_LATE_MB = 1.0
MOST_LEFT_MB = 10.0
NEW_PROJECT_PAGE = "/app/proyecto/301122"
"""In next year's document (``tests.support.editions``), not in the same year corrected."""
WAIT_S = 60.0


def bot(*args: str | Path) -> list[str]:
    """The command line of ``python -m bot ARGS``."""
    return [sys.executable, "-m", "bot", *map(str, args)]


def environment(database: Path) -> dict[str, str]:
    settings = {k: v for k, v in os.environ.items() if k != "TELEGRAM_TOKEN"}
    return {**settings, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}


def load(database: Path, *files: Path | None) -> None:
    for file in files:
        args = ["load"] if file is None else ["load", str(file)]
        done = subprocess.run(bot(*args), env=environment(database), cwd=ROOT, capture_output=True)
        if done.returncode != 0:
            raise BenchmarkError(f"load {file or ''} failed: {done.stderr.decode(errors='replace')[-300:]}")


def peak_mb(database: Path, args: list[str]) -> float:
    """The peak RSS of one ``python -m bot ask ARGS`` on ``database``, in MB."""
    with open(os.devnull, "wb") as devnull:
        child = subprocess.Popen(bot("ask", *args), env=environment(database), cwd=ROOT, stdout=devnull)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise BenchmarkError(f"ask {args} exited {child.returncode}")
    return usage.ru_maxrss / 1024


def median_peak(database: Path, args: list[str], rounds: int) -> float:
    return statistics.median(peak_mb(database, args) for _ in range(rounds))


def documents(folder: Path) -> tuple[Path, Path]:
    """The POA 2023 and POA 2025 documents, written to ``folder``."""
    older, newer = folder / "poa-2023.txt", folder / "poa-2025.txt"
    older.write_text(previous_year_text(), encoding="utf-8")
    newer.write_text(next_edition_text(), encoding="utf-8")
    return older, newer


def proc_mb(pid: int, field: str) -> float:
    """``field`` (VmRSS, VmHWM) of ``/proc/PID/status``, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise BenchmarkError(f"no {field} in /proc/{pid}/status")


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wait_for(url: str, status: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while status_of(url) != status:
        if server.poll() is not None:
            raise BenchmarkError(f"python -m bot web exited with {server.returncode}")
        if time.monotonic() > deadline:
            raise BenchmarkError(f"{url} did not answer {status} within {WAIT_S:.0f} s")
        time.sleep(0.1)


def following(folder: Path, plans: tuple[Path, Path]) -> tuple[float, list[float], float]:
    """``python -m bot web``'s RSS at start, after each plan switched to, and its peak, in MB."""
    database = folder / "follow.db"
    load(database, None)
    port = free_port()
    env = {**environment(database), "WEB_PORT": str(port), "WEBHOOK_LISTEN": "127.0.0.1"}
    env["PLAN_CHECK_INTERVAL"] = "0.5"
    base = f"http://127.0.0.1:{port}"
    with open(os.devnull, "wb") as devnull:
        server = subprocess.Popen(
            bot("web"), env=env, cwd=ROOT, stdout=devnull, stderr=devnull, preexec_fn=die_with_parent()
        )
    try:
        wait_for(f"{base}/healthz", 200, server)
        wait_for(f"{base}/app/zona/6", 200, server)
        start, after = proc_mb(server.pid, "VmRSS"), []
        for n in range(SWITCHES):
            load(database, plans[n % 2])
            wait_for(f"{base}{NEW_PROJECT_PAGE}", 200 if n % 2 == 0 else 404, server)
            wait_for(f"{base}/app/zona/6", 200, server)
            after.append(proc_mb(server.pid, "VmRSS"))
        return start, after, proc_mb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with exit_when_it_cannot_run("editions"), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        poa_2023, poa_2025 = documents(folder)
        databases = {name: folder / f"{name}.db" for name in ("one", "two", "three")}
        load(databases["one"], None)
        load(databases["two"], None, poa_2025)
        load(databases["three"], None, poa_2025, poa_2023)
        batch = folder / "older.txt"
        batch.write_text("\n".join(OLDER_QUESTIONS) + "\n", encoding="utf-8")
        rows = {
            name: (
                median_peak(database, [CURRENT_QUESTION], args.rounds),
                median_peak(database, ["--batch", str(batch)], args.rounds),
            )
            for name, database in databases.items()
        }
        corrected = folder / "poa-2025-b.txt"
        corrected.write_text(next_year_text(), encoding="utf-8")
        start, after, peak = following(folder, (poa_2025, corrected))
    print(f"{'editions':<10}{'current question':>18}{'older years asked':>19}")
    for name, (current, older) in rows.items():
        print(f"{name:<10}{current:>15.1f} MB{older:>16.1f} MB")
    base = rows["one"][0]
    kept, asked = rows["three"][0] - base, rows["three"][1] - base
    worst = max(max(row) for row in rows.values())
    switched = " → ".join(f"{mb:.1f}" for mb in after)
    print(
        f"following: python -m bot web {start:.1f} MB at start, "
        f"after each switch {switched} MB, peak {peak:.1f} MB"
    )
    left, late = after[-1] - start, after[-1] - after[-3]
    print(
        f"editions: two older kept +{kept:.1f} MB, answering from them +{asked:.1f} MB "
        f"(one edition {base:.1f} MB, worst {worst:.1f} MB); {SWITCHES} switches followed leave "
        f"{left:+.1f} MB, the last two {late:+.1f} MB (peak {peak:.1f} MB)"
    )
    followed = left <= MOST_LEFT_MB and late <= MOST_LATE_MB
    return 0 if asked <= MOST_ADDED_MB and worst <= BUDGET_MB and followed else 1


if __name__ == "__main__":
    sys.exit(main())
