"""Webhook benchmark: real ``python -m bot webhook`` processes taking updates at ``POST /telegram``.

Run from the repository root::

    python bench/webhook.py [--updates 3000] [--warmup 200] [--in-flight 32]
                            [--database-url postgresql+asyncpg://…] [--time-limit S]

Three configurations, each on a fresh database (a SQLite file in a temporary folder, or a new
PostgreSQL database on the server of ``--database-url``, default ``TEST_DATABASE_URL`` or the
local ``postgres@127.0.0.1/test``; dropped afterwards): **SQLite, 1 instance**; **PostgreSQL,
1 instance**; **PostgreSQL, 2 instances**, updates split round-robin between them. The schema is
migrated once (``python -m db.migrate``), the instances are started one after the other (see
``bot.storage.current_plan``: started together on an empty database, one can die filling the
plan) and used once ``/healthz`` answers 200.

The load, from this process on 127.0.0.1: free-text questions from
``../shared/eval/questions-dev.jsonl`` as Telegram posts them (secret header, distinct update
ids, a new private chat for every update), at most ``--in-flight`` requests open at once
(Telegram opens up to 40 connections to a webhook). A warm-up of ``--warmup`` updates, answered
and not measured, then ``--updates`` measured ones. The fake Bot API
(:class:`tests.support.fakebotapi.FakeBotApi`) runs in this process too and answers the bot's
``sendMessage``. Measured:

* **accepted updates/s**: 200s over the time from the first request to the last 200, and the
  time to 200 of each request (p50/p99). The endpoint claims the update id in the database and
  queues the update, so this is not the answering rate;
* **answered updates/s** (end to end): updates whose chat got its answer (the first
  ``sendMessage`` to it), over the time from the first request to the last answer; answer
  latency from the request to the answer;
* CPU seconds in that window of each bot process, of this process, of PostgreSQL, and of
  everything else on the machine: the cores are shared, so a second instance only helps when
  one is left idle, and another job running at the same time shows in the last figure.

Percentiles are :func:`bench.common.percentile`'s (the sorted value at index round(q * (n - 1)), as
in the other benchmarks and the eval).

The endpoint answers 200 as soon as the update is queued, so the open requests do not bound the
backlog: when updates arrive faster than they are answered, the queue grows inside the bot and
the answer latency is mostly time spent in it (at the end of a run, the whole backlog's).

Bounded: posting stops at ``--time-limit`` per configuration, waiting for answers stops when
none came for 5 s, and the whole run keeps to about three minutes. No targets: the exit code is
1 when something went wrong while measuring (a non-200 answer, a failed request, an unanswered
update, an instance that died, an ERROR line in a bot's log, a Bot API violation), 2 when the
benchmark itself could not run and 130 when interrupted (``bench.common``). The last line is the
summary for PostgreSQL with 2 instances.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import BenchmarkError, load_questions, measure, percentile  # noqa: E402
from tests.support.databases import fresh_database  # noqa: E402
from tests.support.fakebotapi import FakeBotApi  # noqa: E402
from tests.support.processes import free_port  # noqa: E402
from tests.support.webhook_bots import (  # noqa: E402
    SECRET_HEADER,
    WebhookProcess,
    message_update,
    migrate,
    spawn_webhook,
    stop_all,
    webhook_env,
)

Backend = Literal["sqlite", "pg"]
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SECRET = "bench-webhook_secret"
UPDATES = 3000
WARMUP = 200
IN_FLIGHT = 32
TIME_LIMIT_S = 40.0  # posting, per configuration
TOTAL_BUDGET_S = 170.0
READY_TIMEOUT_S = 30.0
WARMUP_TIMEOUT_S = 20.0
ATTEMPTS = 3
STALL_S = 5.0  # stop waiting for answers when none came for this long
POLL_S = 0.05
FIRST_CHAT = 500_000_001


@dataclass(frozen=True)
class Config:
    backend: Backend
    instances: int

    @property
    def label(self) -> str:
        return f"{self.backend}, {self.instances} instance{'s' if self.instances > 1 else ''}"


CONFIGS = (Config("sqlite", 1), Config("pg", 1), Config("pg", 2))


@dataclass
class Sample:
    """One measured POST: when it started and got its answer (time.monotonic, the clock of
    ``Call.time``), the status (0: every attempt failed), which instance took it, and the
    exceptions of attempts that failed on the connection and were repeated."""

    chat: int
    instance: int
    start: float
    end: float = 0.0
    status: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Result:
    config: Config
    ready_s: list[float]
    warmup: tuple[int, int]  # answered, posted
    samples: list[Sample]
    answers: dict[int, float]  # chat -> time of its first sendMessage
    cpu_s: list[float | None]
    harness_cpu_s: float
    machine_cpu_s: float | None
    postgres_cpu_s: float | None  # every postgres process, whoever its client
    violations: int
    error_lines: int = 0
    exit_codes: list[int | None] = field(default_factory=list)
    died: list[int] = field(default_factory=list)  # instances that exited before being stopped

    @property
    def others_cpu_s(self) -> float | None:
        """Machine CPU not spent by the bots, this process or PostgreSQL: anything else running
        on the machine at the same time, which the figures above shared the cores with."""
        if self.machine_cpu_s is None or None in self.cpu_s:
            return None
        ours = sum(c or 0.0 for c in self.cpu_s) + self.harness_cpu_s + (self.postgres_cpu_s or 0.0)
        return max(0.0, self.machine_cpu_s - ours)

    @property
    def started(self) -> float:
        return min((s.start for s in self.samples), default=0.0)

    @property
    def accepted(self) -> list[Sample]:
        return [s for s in self.samples if s.status == 200]

    @property
    def accepted_window_s(self) -> float:
        return max((s.end for s in self.accepted), default=self.started) - self.started

    @property
    def accepted_rate(self) -> float:
        return len(self.accepted) / self.accepted_window_s if self.accepted_window_s > 0 else 0.0

    @property
    def http_ms(self) -> list[float]:
        return [1000 * (s.end - s.start) for s in self.accepted]

    @property
    def answered(self) -> list[Sample]:
        return [s for s in self.accepted if s.chat in self.answers]

    @property
    def answer_window_s(self) -> float:
        return max((self.answers[s.chat] for s in self.answered), default=self.started) - self.started

    @property
    def answered_rate(self) -> float:
        return len(self.answered) / self.answer_window_s if self.answer_window_s > 0 else 0.0

    @property
    def answer_ms(self) -> list[float]:
        return [1000 * (self.answers[s.chat] - s.start) for s in self.answered]

    @property
    def failures(self) -> Counter[str]:
        """What went wrong while measuring, by kind (empty: nothing)."""
        problems: Counter[str] = Counter()
        for sample in self.samples:
            if sample.status == 0:
                problems[f"failed requests ({', '.join(sorted(set(sample.errors)))})"] += 1
            elif sample.status != 200:
                problems[f"HTTP {sample.status}"] += 1
        problems["unanswered updates"] = len(self.accepted) - len(self.answered)
        problems["unanswered warm-up updates"] = self.warmup[1] - self.warmup[0]
        problems["instances died"] = len(self.died)
        problems["ERROR log lines"] = self.error_lines
        problems["Bot API violations"] = self.violations
        return +problems


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent not idle so far (bots, PostgreSQL, this process, anything)."""
    try:
        import psutil

        times = psutil.cpu_times()
        return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))
    except Exception:
        return None


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of every ``postgres`` process (the server and its backends), by pid.
    Backends that start or end within a window count only in part: an approximation."""
    try:
        import psutil

        found = {}
        for process in psutil.process_iter(["name", "cpu_times"]):
            times = process.info.get("cpu_times")
            if process.info.get("name") == "postgres" and times is not None:
                found[process.pid] = float(times.user + times.system)
        return found
    except Exception:
        return {}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (psutil, a dev dependency); None if unavailable."""
    try:
        import psutil

        times = psutil.Process(pid).cpu_times()
        return float(times.user + times.system)
    except Exception:
        return None


class Answers:
    """The first ``sendMessage`` to each chat, read incrementally from the fake's call log."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.first: dict[int, float] = {}
        self._cursor = 0

    def refresh(self) -> None:
        calls = self.api.calls()
        for call in calls[self._cursor :]:
            if call.method == "sendMessage" and call.ok:
                self.first.setdefault(int(call.params["chat_id"]), call.time)
        self._cursor = len(calls)

    async def wait(self, chats: Sequence[int], deadline: float) -> None:
        """Until every chat is answered, no answer came for STALL_S, or ``deadline``."""
        last_progress, seen = time.monotonic(), -1
        while time.monotonic() < deadline:
            self.refresh()
            answered = sum(chat in self.first for chat in chats)
            if answered == len(chats):
                return
            if answered != seen:
                last_progress, seen = time.monotonic(), answered
            elif time.monotonic() - last_progress > STALL_S:
                return
            await asyncio.sleep(POLL_S)


async def post_all(
    client: httpx.AsyncClient,
    bots: Sequence[WebhookProcess],
    updates: Sequence[tuple[int, int, str]],
    *,
    in_flight: int,
    deadline: float,
) -> list[Sample]:
    """POST (update_id, chat, text) updates round-robin, ``in_flight`` at a time, until done or
    ``deadline``; one Sample per update posted.

    A request that fails on the connection is sent again, up to ATTEMPTS in all, as Telegram
    redelivers an update it got no answer for (a keep-alive connection the server closed just
    as the request went out is the usual cause; the update id is claimed once either way)."""
    samples: list[Sample] = []
    queue = iter(enumerate(updates))

    async def worker() -> None:
        for n, (update_id, chat, text) in queue:
            if time.monotonic() >= deadline:
                return
            instance = n % len(bots)
            body = json.dumps(message_update(update_id, chat, text)).encode()
            sample = Sample(chat=chat, instance=instance, start=time.monotonic())
            samples.append(sample)
            for _ in range(ATTEMPTS):
                try:
                    response = await client.post(
                        f"{bots[instance].url}/telegram",
                        content=body,
                        headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
                    )
                except httpx.TransportError as exc:
                    sample.errors.append(type(exc).__name__)
                    continue
                sample.status = response.status_code
                break
            sample.end = time.monotonic()

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return samples


async def run_config(
    config: Config,
    workdir: Path,
    args: argparse.Namespace,
    questions: Sequence[str],
    first_update_id: int,
    deadline: float,
) -> Result:
    """One configuration, start to stop, within ``deadline`` (time.monotonic); ``workdir``
    exists and holds the logs."""
    async with (
        FakeBotApi() as api,
        fresh_database(
            args.database_url if config.backend == "pg" else None, workdir, "bench_webhook"
        ) as url,
        httpx.AsyncClient(
            timeout=10.0,
            limits=httpx.Limits(max_connections=2 * args.in_flight, max_keepalive_connections=None),
        ) as client,
    ):
        try:
            await migrate(url, workdir / "migrate.log", timeout=max(1.0, deadline - time.monotonic()))
        except (RuntimeError, TimeoutError) as exc:
            raise BenchmarkError(f"{config.label}: migrations failed: {exc}") from exc
        bots: list[WebhookProcess] = []
        try:
            ready: list[float] = []
            for n in range(config.instances):
                env = webhook_env(
                    token=api.token,
                    api_base_url=f"{api.url}/bot",
                    database_url=url,
                    secret=SECRET,
                    port=free_port(),
                    extra={"LOG_LEVEL": "INFO"},
                )
                bots.append(await spawn_webhook(env, workdir / f"bot{n}.log"))
                try:
                    ready.append(
                        await bots[-1].wait_healthy(client, min(READY_TIMEOUT_S, deadline - time.monotonic()))
                    )
                except (RuntimeError, TimeoutError) as exc:
                    raise BenchmarkError(f"{config.label}: {exc}") from exc

            def schedule(count: int, offset: int) -> list[tuple[int, int, str]]:
                return [
                    (
                        first_update_id + offset + n,
                        FIRST_CHAT + offset + n,
                        questions[(offset + n) % len(questions)],
                    )
                    for n in range(count)
                ]

            answers = Answers(api)
            warmup = schedule(args.warmup, 0)
            warm_deadline = min(deadline, time.monotonic() + WARMUP_TIMEOUT_S)
            await post_all(client, bots, warmup, in_flight=args.in_flight, deadline=warm_deadline)
            await answers.wait([chat for _, chat, _ in warmup], warm_deadline)
            warm_answered = sum(chat in answers.first for _, chat, _ in warmup)

            measured = schedule(args.updates, args.warmup)
            cpu_before = [cpu_seconds(b.pid) for b in bots]
            harness_before = time.process_time()
            machine_before = machine_busy_seconds()
            postgres_before = postgres_cpu()
            post_deadline = min(deadline, time.monotonic() + args.time_limit)
            samples = await post_all(client, bots, measured, in_flight=args.in_flight, deadline=post_deadline)
            await answers.wait([s.chat for s in samples if s.status == 200], deadline)
            harness_cpu = time.process_time() - harness_before
            cpu_after = [cpu_seconds(b.pid) for b in bots]
            machine_after = machine_busy_seconds()
            postgres_after = postgres_cpu()
            died = [n for n, b in enumerate(bots) if not b.alive()]
            result = Result(
                config=config,
                ready_s=ready,
                warmup=(warm_answered, len(warmup)),
                samples=samples,
                answers=dict(answers.first),
                cpu_s=[
                    None if before is None or after is None else after - before
                    for before, after in zip(cpu_before, cpu_after, strict=True)
                ],
                harness_cpu_s=harness_cpu,
                machine_cpu_s=None
                if machine_before is None or machine_after is None
                else machine_after - machine_before,
                postgres_cpu_s=sum(t - postgres_before.get(pid, 0.0) for pid, t in postgres_after.items())
                if postgres_after
                else None,
                violations=len(api.violations),
                died=died,
            )
        finally:
            await stop_all(bots)
        result.exit_codes = [b.process.returncode for b in bots]
        result.error_lines = sum(b.error_lines() for b in bots)
        return result


def cpu_cell(seconds: float | None, result: Result) -> str:
    """CPU seconds in the window and as a share of one core over it."""
    if seconds is None:
        return "n/a"
    window = result.answer_window_s
    return f"{seconds:.1f} ({100 * seconds / window:.0f}%)" if window > 0 else f"{seconds:.1f}"


def table(results: Sequence[Result]) -> str:
    def ms(values: Sequence[float]) -> str:
        return (
            " / ".join(f"{percentile(values, q):.1f}" for q in (0.5, 0.99))
            + f" / {max(values, default=0):.0f}"
        )

    rows: list[tuple[str, Callable[[Result], str]]] = [
        ("ready in (s)", lambda r: " / ".join(f"{s:.1f}" for s in r.ready_s)),
        ("warm-up answered / posted", lambda r: f"{r.warmup[0]} / {r.warmup[1]}"),
        ("updates posted / 200", lambda r: f"{len(r.samples)} / {len(r.accepted)}"),
        (
            "split by instance (200s)",
            lambda r: " / ".join(
                str(sum(s.instance == n for s in r.accepted)) for n in range(r.config.instances)
            ),
        ),
        ("accepted updates/s at the endpoint", lambda r: f"{r.accepted_rate:.0f}"),
        ("time to 200 p50 / p99 / max (ms)", lambda r: ms(r.http_ms)),
        (
            "requests repeated after a connection error",
            lambda r: (
                ", ".join(f"{k}: {v}" for k, v in Counter(e for s in r.samples for e in s.errors).items())
                or "0"
            ),
        ),
        ("answered / unanswered", lambda r: f"{len(r.answered)} / {len(r.accepted) - len(r.answered)}"),
        ("**answered updates/s (end to end)**", lambda r: f"**{r.answered_rate:.0f}**"),
        ("answer latency p50 / p99 / max (ms)", lambda r: ms(r.answer_ms)),
        ("window: first request → last answer (s)", lambda r: f"{r.answer_window_s:.1f}"),
        ("bot CPU in window (s, % of a core)", lambda r: " + ".join(cpu_cell(c, r) for c in r.cpu_s)),
        ("bench process CPU (fake API + load)", lambda r: cpu_cell(r.harness_cpu_s, r)),
        ("PostgreSQL server CPU (all its processes)", lambda r: cpu_cell(r.postgres_cpu_s, r)),
        (
            f"machine CPU busy (cores of {os.cpu_count()})",
            lambda r: (
                "n/a" if r.machine_cpu_s is None else f"{r.machine_cpu_s / (r.answer_window_s or 1):.2f}"
            ),
        ),
        ("other processes' CPU (not this benchmark)", lambda r: cpu_cell(r.others_cpu_s, r)),
        ("problems", lambda r: ", ".join(f"{k}: {v}" for k, v in r.failures.items()) or "none"),
        (
            "exit code after SIGTERM (-15: uvicorn re-raises it after a clean stop)",
            lambda r: " / ".join(str(c) for c in r.exit_codes),
        ),
    ]
    lines = [
        "| | " + " | ".join(r.config.label for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    lines += [f"| {name} | " + " | ".join(cell(r) for r in results) + " |" for name, cell in rows]
    return "\n".join(lines)


def config_dir(workdir: Path, config: Config) -> Path:
    return workdir / f"{config.backend}-{config.instances}"


async def run(args: argparse.Namespace, workdir: Path) -> list[Result]:
    questions = [item["q"] for item in load_questions()]
    budget_end = time.monotonic() + TOTAL_BUDGET_S
    results = []
    for n, config in enumerate(CONFIGS):
        left = budget_end - time.monotonic()
        share = left / (len(CONFIGS) - n)
        if share < 10:
            raise BenchmarkError(f"no time left for {config.label}")
        started = time.monotonic()
        result = await run_config(
            config,
            config_dir(workdir, config),
            args,
            questions,
            first_update_id=1_000_000 * (n + 1),
            deadline=started + share,
        )
        results.append(result)
        print(
            f"{config.label}: {result.answered_rate:.0f} answered/s, {result.accepted_rate:.0f} accepted/s "
            f"({time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--updates", type=int, default=UPDATES, help="measured updates per configuration")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="updates before measuring")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT, help="requests open at once")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG,
        help="a PostgreSQL server (any database on it); a new database is made there per run",
    )
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT_S, help="seconds of posting, at most")
    args = parser.parse_args(argv)
    if args.updates < 1 or args.warmup < 0 or args.in_flight < 1:
        parser.error("--updates and --in-flight must be positive, --warmup not negative")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mixco-webhook-") as tmp:
        for config in CONFIGS:
            config_dir(Path(tmp), config).mkdir()
        results = measure("webhook", run(args, Path(tmp)))
    print()
    print(table(results))
    print()
    print(
        f"{args.updates} updates per configuration after {args.warmup} of warm-up, ≤ {args.in_flight} "
        f"requests open at once, one new private chat per update; total {time.monotonic() - started:.0f} s"
    )
    failed = [r for r in results if r.failures]
    for result in failed:
        print(f"ERRORS in {result.config.label}: {dict(result.failures)}")
    pg2 = next(r for r in results if r.config == Config("pg", 2))
    p99 = percentile(pg2.http_ms, 0.99)
    print(f"webhook: {pg2.answered_rate:.0f} updates/s (pg, 2 instances), p99 {p99:.1f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
