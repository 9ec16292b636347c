"""End-to-end benchmark: the whole bot answering many users through the fake Bot API over HTTP.

Run from the repository root::

    python bench/e2e.py [--updates N] [--users N] [--time-limit S] [--profile] [--no-rate-limit]

One run measures, against :class:`tests.support.fakebotapi.FakeBotApi` serving on 127.0.0.1 from this
process (its own event loop, not the bot's):

1. **The bot**, exactly as ``python -m bot run`` starts it (``build_application`` with its
   default ``concurrent_updates`` and rate limiter, a fresh SQLite file in a temporary folder),
   in a *separate process* so that its memory is its own. After a warm-up of one update per
   user (so that every user has a reply whose buttons it can press), a fixed schedule of
   updates (~60% questions from ``../shared/eval/questions-dev.jsonl``, ~25% commands, ~15%
   presses of buttons under the bot's earlier replies to that user) comes from many private
   chats, at most ``IN_FLIGHT`` unanswered at a time. An update counts as
   answered when the first ``sendMessage``/``sendPhoto`` to its chat (a message) or the
   ``answerCallbackQuery`` for it (a button press) arrives; throughput is the number answered
   inside the measuring window divided by the window.
2. **A minimal PTB echo bot** (one ``MessageHandler`` replying with the same text, one
   ``CallbackQueryHandler`` answering the query, PTB's default transport), with the same
   schedule, the same fake server and the same measurement, run twice: with the bot's
   ``concurrent_updates`` and with ``ECHO_ALSO_AT``. ``R`` = bot rate ÷ the faster echo's rate.
3. **Peak RSS** of the bot process (psutil every 50 ms from a thread, and the kernel's VmHWM),
   and **ready in**: from launching the bot process to the fake receiving its answer to a
   ``/start`` sent right after the launch (interpreter start, imports, migrations, first plan
   load, index build, polling start).

The processes start as a deployed bot does, from bytecode: ``pip install`` compiles what it
installs (even under ``PYTHONDONTWRITEBYTECODE=1``, which the Dockerfile sets), but a checkout run
with that variable set compiles the ~85 modules of ``bot``, ``handlers``, ``knowledge`` and ``db``
from source again on every start, time no deployed start spends. So before the first launch the
benchmark compiles them (and the harness modules the children import) into ``__pycache__``
(:func:`compile_sources`); the compiling itself is not measured.

Every configuration runs ``--rounds`` times (default 3), interleaved, so that a busy moment of
this shared machine falls on all of them alike; the table shows each configuration's median
round, ``R`` is the ratio of the medians, RSS and ready are the bot's worst rounds.

The last line is the summary; the exit code is 1 when a target is missed (R ≥ 0.8,
RSS ≤ 120 MB, ready ≤ 2 s), 2 when the benchmark itself could not run and 130 when interrupted
(``bench.common``). Latency percentiles are :func:`bench.common.percentile`'s (the sorted value at
index round(q * (n - 1)), as in the other benchmarks and the eval).

MB are MiB (2**20 bytes). Diagnostics: ``--profile`` runs the bot under cProfile and prints
where its time went (or set ``E2E_PROFILE=/path/bot.prof`` to keep the stats file for pstats);
``--no-rate-limit`` builds the bot with ``AIORateLimiter(overall_max_rate=0)``, i.e. the same
limiter without its 30 requests/s cap on requests that carry a ``chat_id``, to see what is left.

The children run ``python -m bench.e2e_serve bot|echo``, a small module on the standard library,
so that the bot process loads nothing the bot would not load itself. A child gets SIGTERM when
the benchmark dies without stopping it (``die_with_parent``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import BenchmarkError, load_questions, measure, percentile  # noqa: E402
from bench.e2e_serve import ENV_CONCURRENCY, ENV_NO_RATE_LIMIT, ENV_PROFILE  # noqa: E402
from tests.support.processes import die_with_parent, stop_process  # noqa: E402

if TYPE_CHECKING:
    import psutil

    from tests.support.fakebotapi import Call, FakeBotApi

JSON = dict[str, Any]
Kind = Literal["text", "command", "button"]
Mode = Literal["bot", "echo"]

COMMANDS = ("/zona 6", "/proyectos", "/temas", "/metas", "/plan", "/ayuda", "/start zona_6")
MIX: tuple[tuple[Kind, float], ...] = (("text", 0.60), ("command", 0.25), ("button", 0.15))
SEED = 2024

USERS = 200
UPDATES = 2000
IN_FLIGHT = 64
"""Unanswered updates allowed at once: with 200 users, a user who was just answered waits for
~136 others before writing again, so late extra messages of one answer (a second chunk, the
message after a button's answerCallbackQuery) are never taken for the answer to the next one."""
TIME_LIMIT_S = 20.0
WARMUP_TIMEOUT_S = 30.0
READY_TIMEOUT_S = 30.0
DRAIN_S = 5.0
STOP_TIMEOUT_S = 15.0
SAMPLE_EVERY_S = 0.05
FIRST_USER_ID = 300_000_001
PROBE_USER_ID = 300_000_000

ECHO_ALSO_AT = 8
"""The echo bot also runs with this many updates at once (besides the bot's own number), and the
bot is compared with the faster of its runs: httpx, PTB's default transport, slows down with many
concurrent requests, and the bot must not look good only because the echo got slower."""

ROUNDS = 3
"""Each configuration runs this many times, interleaved (bot, echoes, bot, echoes …), and its
median round is kept: the machine is shared, and one round can land on a busy moment."""

TARGET_RATIO = 0.8
TARGET_RSS_MB = 120.0
TARGET_READY_S = 2.0

EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Warning)\b.*")
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
MB = 1024 * 1024
TIMES = "\N{MULTIPLICATION SIGN}"


# --------------------------------------------------------------------------------------------------
# The update schedule, the same for both bots
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    kind: Kind
    text: str = ""  # the question or command; empty for a button press
    pick: float = 0.0  # which of the available buttons, as a fraction of their number


def make_schedule(
    questions: Sequence[str], count: int, rng: random.Random, *, first_contact: bool
) -> list[Item]:
    """``count`` updates drawn from MIX. A first contact has no reply to press a button on, so
    there a button press becomes ``/start`` (what new users send first anyway)."""
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    items: list[Item] = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        if kind == "text":
            items.append(Item("text", rng.choice(questions)))
        elif kind == "command" or first_contact:
            items.append(Item("command", rng.choice(COMMANDS) if kind == "command" else "/start"))
        else:
            items.append(Item("button", pick=rng.random()))
    return items


# --------------------------------------------------------------------------------------------------
# The simulated users and the answer tracker
# --------------------------------------------------------------------------------------------------


@dataclass
class Pending:
    kind: Kind
    user: int
    pushed: float  # time.monotonic(), the clock of Call.time
    measured: bool


@dataclass
class Users:
    """Pushes updates for a pool of private-chat users and matches the bot's calls to them.

    A user has at most one unanswered update, so a send to a chat with a pending message answers
    it; a button press is answered by the ``answerCallbackQuery`` carrying its query id.
    """

    api: FakeBotApi
    mode: Mode
    user_ids: Sequence[int]
    error_text: str
    idle: deque[int] = field(default_factory=deque)
    by_chat: dict[int, Pending] = field(default_factory=dict)
    by_query: dict[str, Pending] = field(default_factory=dict)
    last_reply: dict[int, JSON] = field(default_factory=dict)
    last_keyboard: dict[int, tuple[JSON, list[str]]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    # measured-window results
    latencies: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    answered_kinds: Counter[str] = field(default_factory=Counter)
    pushed_kinds: Counter[str] = field(default_factory=Counter)
    # whole-phase counters
    answered_total: int = 0
    sends: int = 0
    unmatched_sends: int = 0
    error_replies: int = 0
    failed_calls: int = 0
    substituted: int = 0

    def __post_init__(self) -> None:
        self.idle.extend(self.user_ids)

    @property
    def in_flight(self) -> int:
        return len(self.by_chat) + len(self.by_query)

    def push(self, item: Item, *, measured: bool) -> None:
        user = self.idle.popleft()
        kind: Kind = item.kind
        now = time.monotonic()
        query_id = self._press(user, item.pick) if kind == "button" else None
        if query_id is not None:
            self.by_query[query_id] = Pending(kind, user, now, measured)
        else:
            if kind == "button":  # no earlier reply with buttons: say /start instead
                self.substituted += 1
                kind = "command"
            self.api.send_text(user, item.text or "/start")
            self.by_chat[user] = Pending(kind, user, now, measured)
        if measured:
            self.pushed_kinds[kind] += 1

    def _press(self, user: int, pick: float) -> str | None:
        """Press a button under the user's last reply that has some; the query id, or None."""
        if self.mode == "bot":
            found = self.last_keyboard.get(user)
            if found is None:
                return None
            message, data = found
            try:
                update = self.api.press_button(message, data[min(len(data) - 1, int(pick * len(data)))])
            except ValueError:  # the bot deleted that message or removed its keyboard since
                del self.last_keyboard[user]
                return None
        else:
            reply = self.last_reply.get(user)  # the echo's replies carry no buttons: press one anyway
            if reply is None:
                return None
            update = self.api.press_button(reply, "a|ayuda", check=False)
        return str(update["callback_query"]["id"])

    def on_call(self, call: Call) -> None:
        if not call.ok:
            if call.method != "getUpdates":  # 409s of superseded long polls are normal
                self.failed_calls += 1
            return
        pending: Pending | None = None
        if call.method == "answerCallbackQuery":
            pending = self.by_query.pop(str(call.params.get("callback_query_id")), None)
        elif call.method in SEND_METHODS and isinstance(call.result, dict):
            self.sends += 1
            chat = int(call.result["chat"]["id"])
            self._remember(chat, call)
            pending = self.by_chat.pop(chat, None)
            if pending is None:
                self.unmatched_sends += 1
        if pending is None:
            return
        self.answered_total += 1
        if pending.measured:
            self.latencies.append(call.time - pending.pushed)
            self.answered_at.append(call.time)
            self.answered_kinds[pending.kind] += 1
        self.idle.append(pending.user)
        self.changed.set()

    def _remember(self, chat: int, call: Call) -> None:
        assert isinstance(call.result, dict)
        self.last_reply[chat] = call.result
        if call.params.get("text") == self.error_text:
            self.error_replies += 1
        markup = call.params.get("reply_markup")
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        data = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
        if data:
            self.last_keyboard[chat] = (call.result, data)

    async def collect(self) -> None:
        """Feed every new call of the fake to :meth:`on_call` (cancel to stop)."""
        cursor = self.api.mark()
        while True:
            try:
                calls = await self.api.wait_for(lambda _call: True, since=cursor, timeout=1.0)
            except TimeoutError:
                continue
            cursor += len(calls)
            for call in calls:
                self.on_call(call)

    async def drive(self, items: Sequence[Item], *, measured: bool, deadline: float) -> int:
        """Push ``items`` as users and in-flight slots free up, until ``deadline``; returns pushed."""
        pushed = 0
        for item in items:
            while (self.in_flight >= IN_FLIGHT or not self.idle) and time.monotonic() < deadline:
                self.changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), timeout=max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline:
                break
            self.push(item, measured=measured)
            pushed += 1
        return pushed

    async def settle(self, deadline: float) -> None:
        """Wait until nothing is pending (or ``deadline``)."""
        while self.in_flight and time.monotonic() < deadline:
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=max(0.0, deadline - time.monotonic()))


# --------------------------------------------------------------------------------------------------
# Process handling and memory sampling
# --------------------------------------------------------------------------------------------------


class RssSampler(threading.Thread):
    """Samples a process' RSS every 50 ms on its own thread, so a busy event loop cannot skip samples."""

    def __init__(self, process: psutil.Process) -> None:
        super().__init__(name="e2e-rss", daemon=True)
        self.process = process
        self.peak = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._stop_event.is_set():
            try:
                self.peak = max(self.peak, int(self.process.memory_info().rss))
            except psutil.Error:
                return
            self.samples += 1
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


def _rss(pid: int) -> int:
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return 0


def high_water_rss(pid: int) -> int:
    """The kernel's peak RSS of ``pid`` (VmHWM, Linux); 0 where it is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class Child:
    """A child process whose combined output is kept (last lines) for error messages."""

    process: asyncio.subprocess.Process
    output: deque[str] = field(default_factory=lambda: deque(maxlen=60))
    logged_errors: int = 0
    exceptions: Counter[str] = field(default_factory=Counter)
    """The last line of each traceback in the output (``module.Error: message``), counted."""
    reader: asyncio.Task[None] | None = None

    @classmethod
    async def launch(cls, mode: Mode, env: dict[str, str], cwd: Path) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.e2e_serve",
            mode,
            env=env,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=die_with_parent(),  # SIGTERM when the benchmark dies without stopping it
        )
        child = cls(process)
        child.reader = asyncio.create_task(child._read())
        return child

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.output.append(line)
            if " ERROR " in line:
                self.logged_errors += 1
            elif EXCEPTION_LINE.match(line):
                self.exceptions[line[:160]] += 1

    def tail(self) -> str:
        return "\n".join(f"    {line}" for line in self.output) or "    (no output)"

    async def stop(self) -> int | None:
        """SIGTERM (PTB shuts down cleanly, a profile gets written), SIGKILL if that takes too long."""
        await stop_process(self.process, STOP_TIMEOUT_S)
        if self.reader is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self.reader, 2)
        return self.process.returncode


# --------------------------------------------------------------------------------------------------
# One phase: launch, ready probe, warm-up, measure, stop
# --------------------------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    mode: Mode
    concurrency: int
    ready_s: float
    warmup_answered: int
    warmup_pushed: int
    pushed: int
    answered: int
    window_s: float
    latencies_ms: list[float]
    answered_kinds: Counter[str]
    pushed_kinds: Counter[str]
    cpu_s: float
    harness_cpu_s: float
    peak_rss: int
    ready_rss: int
    sampled_rss: int
    rss_samples: int
    sends: int
    unmatched_sends: int
    error_replies: int
    failed_calls: int
    violations: int
    substituted: int
    exit_code: int | None
    logged_errors: int
    exceptions: Counter[str]

    @property
    def rate(self) -> float:
        return self.answered / self.window_s if self.window_s > 0 else 0.0


async def wait_for_first_reply(api: FakeBotApi, chat_id: int, since: int, child: Child) -> Call:
    """The first message the bot sends to ``chat_id``; fails fast when the child dies first."""

    def to_chat(call: Call) -> bool:
        return (
            call.ok
            and call.method in SEND_METHODS
            and isinstance(call.result, dict)
            and call.result["chat"]["id"] == chat_id
        )

    reply = asyncio.create_task(api.wait_for(to_chat, since=since, timeout=READY_TIMEOUT_S))
    died = asyncio.create_task(child.process.wait())
    try:
        await asyncio.wait({reply, died}, return_when=asyncio.FIRST_COMPLETED)
        if reply.done():
            return reply.result()[0]
        raise BenchmarkError(f"the process exited with {child.process.returncode} before answering")
    except TimeoutError:
        raise BenchmarkError(f"no answer to /start within {READY_TIMEOUT_S:.0f} s") from None
    finally:
        for task in (reply, died):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError, BenchmarkError):
                await task


def child_env(api: FakeBotApi, workdir: Path, concurrency: int, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TELEGRAM_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL", "WEBHOOK_URL")
    }
    env.update(
        TELEGRAM_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=f"{api.url}/bot",
        DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
        **{ENV_CONCURRENCY: str(concurrency)},
        **extra,
    )
    return env


async def run_phase(
    api: FakeBotApi,
    mode: Mode,
    workdir: Path,
    warmup: Sequence[Item],
    schedule: Sequence[Item],
    *,
    users: int,
    concurrency: int,
    time_limit: float,
    extra_env: dict[str, str],
    error_text: str,
) -> PhaseResult:
    import psutil

    env = child_env(api, workdir, concurrency, extra_env)
    api.clear()
    mark = api.mark()
    launched = time.monotonic()
    child = await Child.launch(mode, env, workdir)
    sampler: RssSampler | None = None
    collector: asyncio.Task[None] | None = None
    try:
        api.send_text(PROBE_USER_ID, "/start")
        sampler = RssSampler(psutil.Process(child.process.pid))
        sampler.start()
        load = Users(api, mode, [FIRST_USER_ID + n for n in range(users)], error_text)
        try:
            first = await wait_for_first_reply(api, PROBE_USER_ID, mark, child)
        except BenchmarkError as exc:
            raise BenchmarkError(f"{mode}: {exc}; its output:\n{child.tail()}") from None
        ready_s = first.time - launched
        ready_rss = _rss(child.process.pid)
        collector = asyncio.create_task(load.collect())

        warm_deadline = time.monotonic() + WARMUP_TIMEOUT_S
        warmup_pushed = await load.drive(warmup, measured=False, deadline=warm_deadline)
        await load.settle(warm_deadline)
        if load.in_flight:
            raise BenchmarkError(
                f"{mode}: {load.in_flight} warm-up updates unanswered after {WARMUP_TIMEOUT_S:.0f} s; "
                f"its output:\n{child.tail()}"
            )
        warmup_answered = load.answered_total
        await asyncio.sleep(0.3)  # let the last extra messages of the warm-up land

        stats = psutil.Process(child.process.pid)
        harness = psutil.Process()
        cpu0, harness0 = sum(stats.cpu_times()[:2]), sum(harness.cpu_times()[:2])
        start = time.monotonic()
        deadline = start + time_limit
        pushed = await load.drive(schedule, measured=True, deadline=deadline)
        await load.settle(deadline)
        end = min(deadline, time.monotonic())
        cpu_s = sum(stats.cpu_times()[:2]) - cpu0
        harness_cpu_s = sum(harness.cpu_times()[:2]) - harness0
        in_window = [t for t in load.answered_at if t <= end]
        await load.settle(time.monotonic() + DRAIN_S)  # let the rest finish before stopping
        with contextlib.suppress(TimeoutError):
            await api.wait_delivered(timeout=DRAIN_S)
        if child.process.returncode is not None:
            raise BenchmarkError(
                f"{mode}: the process exited with {child.process.returncode} while measured; "
                f"its output:\n{child.tail()}"
            )
        hwm = high_water_rss(child.process.pid)
    finally:
        if sampler is not None:
            sampler.stop()
        if collector is not None:
            collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await collector
        exit_code = await child.stop()
    return PhaseResult(
        mode=mode,
        concurrency=concurrency,
        ready_s=ready_s,
        warmup_answered=warmup_answered,
        warmup_pushed=warmup_pushed,
        pushed=pushed,
        answered=len(in_window),
        window_s=end - start,
        latencies_ms=[1000 * s for s in load.latencies],
        answered_kinds=load.answered_kinds,
        pushed_kinds=load.pushed_kinds,
        cpu_s=cpu_s,
        harness_cpu_s=harness_cpu_s,
        peak_rss=max(hwm, sampler.peak),
        ready_rss=ready_rss,
        sampled_rss=sampler.peak,
        rss_samples=sampler.samples,
        sends=load.sends,
        unmatched_sends=load.unmatched_sends,
        error_replies=load.error_replies,
        failed_calls=load.failed_calls,
        violations=len(api.violations),
        substituted=load.substituted,
        exit_code=exit_code,
        logged_errors=child.logged_errors,
        exceptions=child.exceptions,
    )


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def mix(counts: Counter[str]) -> str:
    total = sum(counts.values()) or 1
    return " / ".join(f"{100 * counts[kind] / total:.0f}%" for kind, _ in MIX)


def table(results: Sequence[PhaseResult]) -> str:
    rows: list[tuple[str, Callable[[PhaseResult], str]]] = [
        ("ready in (s)", lambda r: f"{r.ready_s:.2f}"),
        ("warm-up answered", lambda r: f"{r.warmup_answered} / {r.warmup_pushed}"),
        ("measured: answered in window / pushed", lambda r: f"{r.answered} / {r.pushed}"),
        ("window (s)", lambda r: f"{r.window_s:.2f}"),
        ("**updates/s**", lambda r: f"**{r.rate:.0f}**"),
        (
            "latency p50 / p95 / max (ms)",
            lambda r: (
                f"{percentile(r.latencies_ms, 0.5):.0f} / {percentile(r.latencies_ms, 0.95):.0f}"
                f" / {max(r.latencies_ms, default=float('nan')):.0f}"
            ),
        ),
        ("mix answered text / command / button", lambda r: mix(r.answered_kinds)),
        ("process CPU in window (s, % of a core)", lambda r: f"{r.cpu_s:.1f} ({_pct(r.cpu_s, r.window_s)})"),
        ("process CPU per update (ms)", lambda r: f"{1000 * r.cpu_s / max(1, r.answered):.2f}"),
        (
            "fake server + load CPU (s, % of a core)",
            lambda r: f"{r.harness_cpu_s:.1f} ({_pct(r.harness_cpu_s, r.window_s)})",
        ),
        (
            "peak RSS (MB): VmHWM / sampled (samples) / when ready",
            lambda r: (
                f"{r.peak_rss / MB:.0f} / {r.sampled_rss / MB:.0f} ({r.rss_samples}) / {r.ready_rss / MB:.0f}"
            ),
        ),
        ("messages sent / not an answer", lambda r: f"{r.sends} / {r.unmatched_sends}"),
        (
            "error replies / ERROR log lines / failed calls / violations",
            lambda r: f"{r.error_replies} / {r.logged_errors} / {r.failed_calls} / {r.violations}",
        ),
        ("button presses without a keyboard → /start", lambda r: str(r.substituted)),
        ("exit code after SIGTERM", lambda r: str(r.exit_code)),
    ]
    lines = [
        "| | " + " | ".join(f"{r.mode} ({r.concurrency} at once)" for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    lines += [f"| {name} | " + " | ".join(cell(r) for r in results) + " |" for name, cell in rows]
    return "\n".join(lines)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole > 0 else "n/a"


def print_profile(path: Path, top: int = 30) -> None:
    import io
    import pstats

    if not path.exists():
        print(f"(no profile written at {path})")
        return
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(str(path), stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n### bot process cProfile, top {top} by {order}\n```")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])
        print("```")


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def by_configuration(results: Sequence[PhaseResult]) -> dict[tuple[str, int], list[PhaseResult]]:
    """The runs of each (mode, concurrency), in the order they first ran (the bot first)."""
    runs: dict[tuple[str, int], list[PhaseResult]] = {}
    for result in results:
        runs.setdefault((result.mode, result.concurrency), []).append(result)
    return runs


def median_run(rounds: Sequence[PhaseResult]) -> PhaseResult:
    """The round with the median rate (the lower middle one for an even count)."""
    return sorted(rounds, key=lambda result: result.rate)[(len(rounds) - 1) // 2]


COMPILED = ("bot", "handlers", "knowledge", "db", "bench", "tests/support")
"""What the children import from this checkout: the bot's packages (what ``pip install`` installs
and compiles) and the harness modules beside them."""


def compile_sources() -> None:
    """Bytecode for :data:`COMPILED`, as an installed bot has it (see the module's docstring);
    a file whose bytecode is up to date is left alone."""
    import compileall

    for folder in COMPILED:
        if not compileall.compile_dir(ROOT / folder, quiet=1):
            raise BenchmarkError(f"could not compile {folder}")


def default_concurrency() -> int:
    """``build_application``'s default ``concurrent_updates``, so the echo bot uses the same."""
    import inspect

    from bot.app import build_application

    return int(inspect.signature(build_application).parameters["concurrent_updates"].default)


async def run(args: argparse.Namespace, workdir: Path, concurrency: int) -> list[PhaseResult]:
    from knowledge import catalog
    from tests.support.fakebotapi import FakeBotApi

    compile_sources()
    questions = [item["q"] for item in load_questions()]
    rng = random.Random(SEED)
    warmup = make_schedule(questions, args.users, rng, first_contact=True)
    schedule = make_schedule(questions, args.updates, rng, first_contact=False)
    bot_env: dict[str, str] = {}
    if args.no_rate_limit:
        bot_env[ENV_NO_RATE_LIMIT] = "1"
    if args.profile:
        bot_env[ENV_PROFILE] = str(workdir / "bot.prof")
    results = []
    echo_concurrencies = sorted({concurrency, ECHO_ALSO_AT})
    async with FakeBotApi() as api:
        phases: list[tuple[Mode, int, dict[str, str]]] = [("bot", concurrency, bot_env)]
        phases += [("echo", n, {}) for n in echo_concurrencies]
        for round_, (mode, at_once, env) in itertools.product(range(args.rounds), phases):
            workdir_for = workdir / f"{mode}-{at_once}-{round_}"
            workdir_for.mkdir()
            results.append(
                await run_phase(
                    api,
                    mode,
                    workdir_for,
                    warmup,
                    schedule,
                    users=args.users,
                    concurrency=at_once,
                    time_limit=args.time_limit,
                    extra_env=env,
                    error_text=catalog.ERROR,
                )
            )
    if args.profile:
        print_profile(workdir / "bot.prof")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--updates", type=int, default=UPDATES, help="measured updates (after warm-up)")
    parser.add_argument("--users", type=int, default=USERS, help="simulated users; warm-up is one each")
    parser.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT_S, help="seconds of measuring per bot, at most"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the bot process, print the top")
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="diagnostic: the bot without AIORateLimiter's 30/s cap"
    )
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="rounds of bot and echo runs, interleaved (median kept)"
    )
    args = parser.parse_args(argv)
    if args.users <= IN_FLIGHT or args.updates < 1 or args.rounds < 1:
        parser.error(
            f"--users must exceed {IN_FLIGHT} (the in-flight bound), --updates and --rounds be positive"
        )

    started = time.monotonic()
    concurrency = default_concurrency()
    with tempfile.TemporaryDirectory(prefix="mixco-e2e-") as tmp:
        results = measure("e2e", run(args, Path(tmp), concurrency))
    runs = by_configuration(results)
    bot, *echoes = (median_run(rounds) for rounds in runs.values())
    echo = max(echoes, key=lambda result: result.rate)  # the bot is compared with the faster echo
    ratio = bot.rate / echo.rate if echo.rate > 0 else 0.0
    bot_runs = runs[("bot", concurrency)]
    rss_mb = max(r.peak_rss for r in bot_runs) / MB  # the worst round, not the median
    ready_s = max(r.ready_s for r in bot_runs)
    print()
    print(table([bot, *echoes]))
    print()
    for (mode, at_once), rounds in runs.items():
        print(
            f"{mode} ({at_once} at once), updates/s by round: " + ", ".join(f"{r.rate:.0f}" for r in rounds)
        )
    for result in results:
        for line, count in result.exceptions.most_common(5):
            print(f"{result.mode} process raised {count}x: {line}")
    print(
        f"R = {bot.rate:.1f} / {echo.rate:.1f} (medians of {args.rounds} rounds; the faster echo: "
        f"{echo.concurrency} at once) = {ratio:.3f}; "
        f"bot concurrent_updates = {concurrency}; {args.users} users, ≤ {IN_FLIGHT} unanswered at once; "
        f"total {time.monotonic() - started:.0f} s"
        + (" (bot without the rate limiter's cap)" if args.no_rate_limit else "")
        + (" (bot under cProfile: slower than real)" if args.profile else "")
    )
    missed = []
    if ratio < TARGET_RATIO:
        missed.append(f"throughput ratio {ratio:.2f} < {TARGET_RATIO}")
    if rss_mb > TARGET_RSS_MB:
        missed.append(f"peak RSS {rss_mb:.0f} MB > {TARGET_RSS_MB:.0f} MB")
    if ready_s > TARGET_READY_S:
        missed.append(f"ready in {ready_s:.2f} s > {TARGET_READY_S:.0f} s")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    print(
        f"e2e: {bot.rate:.0f} updates/s = {ratio:.2f}{TIMES} echo, RSS {rss_mb:.0f} MB, "
        f"ready in {ready_s:.2f} s"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
