"""What the benchmarks share: the error for "could not measure", the exit codes, the percentile,
the eval questions.

Every benchmark prints a last summary line and exits 0 when it meets its targets, 1 when it
misses one, 2 when it could not measure at all (:class:`BenchmarkError`, or any other failure)
and 130 when it was interrupted (SIGTERM or Ctrl-C; its child processes are stopped and its
databases dropped on the way out).

Only the standard library is imported here (and ``tests.support.processes``, which keeps to it
too), so that importing it adds nothing to what a benchmark measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import traceback
from collections.abc import Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tests.support.processes import cancelled_by_sigterm

ROOT = Path(__file__).resolve().parents[1]
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "questions-dev.jsonl"
"""The eval's development questions, beside the repository (``../shared/eval``)."""

COULD_NOT_RUN = 2
INTERRUPTED = 130

T = TypeVar("T")


class BenchmarkError(RuntimeError):
    """The benchmark could not measure (no database, no questions, a child process that died or
    never became ready...): it exits with :data:`COULD_NOT_RUN`."""


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0 ≤ q ≤ 1) of ``values`` as one of the values: the sorted value at index
    ``round(q * (n - 1))`` (numpy's ``method="nearest"``), the way ``../shared/eval/run_eval.py``
    computes its p99, so that every benchmark's p50/p95/p99 means the same. NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def load_questions(path: Path = DEV_QUESTIONS) -> list[dict[str, Any]]:
    """The questions of a JSONL file in run_eval's format (one object a line, the question under
    ``"q"``, the eval's expectations beside it); :class:`BenchmarkError` when the file cannot be
    read or holds none."""
    try:
        with path.open(encoding="utf-8") as fh:
            items = [json.loads(line) for line in fh if line.strip()]
        for item in items:
            if not isinstance(item.get("q"), str):
                raise ValueError(f'an entry without a "q" question: {item!r:.80}')
    except (OSError, ValueError, AttributeError) as exc:
        raise BenchmarkError(f"cannot read the questions in {path}: {exc}") from exc
    if not items:
        raise BenchmarkError(f"no questions in {path}")
    return items


@contextlib.contextmanager
def exit_when_it_cannot_run(name: str) -> Iterator[None]:
    """Turn a failure to measure into the benchmark's exit: :data:`COULD_NOT_RUN` for a
    :class:`BenchmarkError` (its message) or any other exception (its traceback),
    :data:`INTERRUPTED` for SIGTERM or Ctrl-C; a line on stderr says which."""
    try:
        yield
    except BenchmarkError as exc:
        print(f"{name} benchmark failed: {exc}", file=sys.stderr)
        raise SystemExit(COULD_NOT_RUN) from None
    except (asyncio.CancelledError, KeyboardInterrupt):
        print(f"{name} benchmark interrupted", file=sys.stderr)
        raise SystemExit(INTERRUPTED) from None
    except Exception:  # e.g. the PostgreSQL server is not reachable
        traceback.print_exc()
        print(f"{name} benchmark failed", file=sys.stderr)
        raise SystemExit(COULD_NOT_RUN) from None


def measure(name: str, work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` in a new event loop, SIGTERM cancelling it, under
    :func:`exit_when_it_cannot_run`."""
    with exit_when_it_cannot_run(name):
        return asyncio.run(cancelled_by_sigterm(work))
