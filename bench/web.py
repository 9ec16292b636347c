"""Plan explorer benchmark: the Mini App's pages from a real ``python -m bot webhook`` process,
which serves them at ``/app`` beside ``POST /telegram``.

Run from the repository root::

    python bench/web.py [--requests 4000] [--in-flight 4] [--updates 300] [--update-rate 10]
                        [--time-limit S]

One webhook process on a fresh SQLite file (migrated first), its Bot API the fake
(:class:`tests.support.fakebotapi.FakeBotApi`, in this process). The load, from this process on
127.0.0.1, at most ``--in-flight`` requests open at once (a few residents opening pages at the
same moment), every kind of page in turn: the home, each zona's and each project's page, funding,
targets, a search for each development question (``../shared/eval/questions-dev.jsonl``) and an
unknown zona (404). One request in five revalidates a page it got before (``If-None-Match``: 304
when nothing changed), and a staff status is recorded in the database every ``STATUS_EVERY``
requests, so that zona, project and search pages are rendered again. Two phases of
``--requests`` each: the pages alone, then the same while ``--updates`` questions are posted to
``/telegram`` at ``--update-rate`` a second, each from a new chat, and answered by the same
process.

Measured per phase: pages/s (responses over the phase's wall time), p50/p99 of a request's time
to its whole response (per kind of page too); the largest page (bytes of a 200 body); the
process's peak RSS over both (sampled every 50 ms, and the kernel's VmHWM). Then the staff
console's API, ``--console-calls`` calls one at a time as a staff member's phone makes them (who
am I, the projects, a history, an announcement's live preview, the report), each with a signed
``initData`` that the server checks and a role it reads from the database: their p50/p99, shown
and not a target (every call must answer 200). Targets: p99 ≤ 50 ms
alone and ≤ 100 ms while answering questions (the handlers then share the event loop with the
pages), the largest page ≤ 100 KB, RSS ≤ 130 MB, every request answered with the status its page
should have, every question answered, no ERROR line and no Bot API violation. The last line is
the summary; the exit code is 1 when a target is missed, 2 when the benchmark could not run and
130 when interrupted (``bench.common``). The load generator shares the machine's two cores with
the process it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import BenchmarkError, load_questions, measure, percentile  # noqa: E402
from tests.support.fakebotapi import FakeBotApi  # noqa: E402
from tests.support.initdata import person, signed_init_data  # noqa: E402
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

SECRET = "bench-web_secret"
REQUESTS = 4000
IN_FLIGHT = 4
UPDATES = 300
UPDATE_RATE = 10.0
TIME_LIMIT_S = 90.0
READY_TIMEOUT_S = 60.0
ANSWER_TIMEOUT_S = 60.0
STATUS_EVERY = 400
REVALIDATE_EVERY = 5
CONSOLE_CALLS = 300
STAFF_ID = 700_000_900
TARGET_P99_MS = 50.0
TARGET_BUSY_P99_MS = 100.0
TARGET_PAGE_KB = 100.0
TARGET_RSS_MB = 130.0
SAMPLE_EVERY_S = 0.05
ZONAS = range(1, 12)
SNIPS = ("242177", "276227", "297669", "299884", "273703", "206148", "206213", "287389")
FIRST_CHAT = 700_000_001
MB = 2**20


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    kind_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    largest: tuple[int, str] = (0, "")
    wrong: list[str] = field(default_factory=list)
    etags: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0


def page_list(questions: list[str]) -> list[tuple[str, str, int]]:
    """(kind, path, expected status) of every page the load asks for, kinds interleaved."""
    kinds: list[list[tuple[str, str, int]]] = [
        [("home", "/app/", 200)],
        [("zona", f"/app/zona/{n}", 200) for n in ZONAS],
        [("proyecto", f"/app/proyecto/{snip}", 200) for snip in SNIPS],
        [("financiamiento", "/app/financiamiento", 200)],
        [("metas", "/app/metas", 200)],
        [("buscar", "/app/buscar?" + httpx.QueryParams({"q": q}).__str__(), 200) for q in questions],
        [("404", "/app/zona/99", 404)],
    ]
    longest = max(len(k) for k in kinds)
    return [k[n % len(k)] for n in range(longest) for k in kinds]


class RssSampler(threading.Thread):
    """The process' peak RSS, sampled every 50 ms on its own thread."""

    def __init__(self, pid: int) -> None:
        super().__init__(name="web-rss", daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._done.is_set():
            try:
                self.peak = max(self.peak, int(self.process.memory_info().rss))
            except psutil.Error:
                return
            self._done.wait(SAMPLE_EVERY_S)

    def stop(self) -> int:
        self._done.set()
        self.join(timeout=2)
        return max(self.peak, high_water_rss(self.process.pid))


def high_water_rss(pid: int) -> int:
    """The kernel's peak RSS of ``pid`` (VmHWM, Linux); 0 where it is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


async def record_statuses(database_url: str, count: int, offset: int) -> None:
    """``count`` staff statuses, as the bot's staff would record them."""
    from db.session import create_engine, create_sessionmaker
    from db.staff_store import add_status

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            for n in range(count):
                snip = SNIPS[(offset + n) % len(SNIPS)]
                await add_status(
                    session=session,
                    snip=snip,
                    status="en_ejecucion",
                    progress=(offset + n) % 101,
                    note=f"avance registrado {offset + n}",
                    author_id=1,
                )
            await session.commit()
    finally:
        await engine.dispose()


async def load_pages(
    client: httpx.AsyncClient,
    base: str,
    pages: list[tuple[str, str, int]],
    args: argparse.Namespace,
    database_url: str,
) -> Load:
    load = Load()
    schedule = itertools.islice(itertools.cycle(pages), args.requests)
    queue: asyncio.Queue[tuple[int, tuple[str, str, int]] | None] = asyncio.Queue()
    for item in enumerate(schedule):
        queue.put_nowait(item)
    deadline = time.monotonic() + args.time_limit

    async def worker() -> None:
        while time.monotonic() < deadline:
            item = queue.get_nowait() if not queue.empty() else None
            if item is None:
                return
            n, (kind, path, expected) = item
            if n and n % STATUS_EVERY == 0:
                await record_statuses(database_url, 1, n)
            headers = {}
            if n % REVALIDATE_EVERY == 0 and path in load.etags:
                headers["If-None-Match"] = load.etags[path]
            started = time.perf_counter()
            try:
                response = await client.get(base + path, headers=headers)
            except httpx.HTTPError as exc:
                load.wrong.append(f"{path}: {type(exc).__name__}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            load.latencies_ms.append(elapsed)
            load.kind_ms.setdefault(kind, []).append(elapsed)
            load.statuses[response.status_code] += 1
            load.by_kind[kind] += 1
            allowed = {expected, 304} if headers else {expected}
            if response.status_code not in allowed:
                load.wrong.append(f"{path}: {response.status_code}")
            if response.status_code == 200:
                load.largest = max(load.largest, (len(response.content), path))
                if "etag" in response.headers:
                    load.etags[path] = response.headers["etag"]

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(args.in_flight)))
    load.wall_s = time.monotonic() - started
    if not queue.empty():
        load.wrong.append(f"time limit: {queue.qsize()} requests not sent")
    return load


async def post_questions(
    client: httpx.AsyncClient,
    bot: WebhookProcess,
    api: FakeBotApi,
    questions: list[str],
    count: int,
    rate: float,
) -> int:
    """Post ``count`` questions to /telegram, ``rate`` a second, each from a new chat; how many
    were answered."""
    chats = [FIRST_CHAT + n for n in range(count)]
    started = time.monotonic()
    for n, chat in enumerate(chats):
        await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        update = message_update(10_000 + n, chat, questions[n % len(questions)])
        response = await client.post(f"{bot.url}/telegram", json=update, headers={SECRET_HEADER: SECRET})
        if response.status_code != 200:
            raise BenchmarkError(f"/telegram answered {response.status_code}")
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while time.monotonic() < deadline:
        answered = sum(1 for chat in chats if api.sent(chat))
        if answered == count:
            return answered
        await asyncio.sleep(0.1)
    return sum(1 for chat in chats if api.sent(chat))


async def console_calls(client: httpx.AsyncClient, base: str, token: str, count: int) -> Load:
    """``count`` staff console API calls in turn, one at a time (one person's phone)."""
    load = Load()
    calls = [
        ("yo", "GET", "/app/api/yo", None),
        ("proyectos", "GET", "/app/api/proyectos", None),
        ("historial", "GET", f"/app/api/proyectos/{SNIPS[0]}/historial", None),
        (
            "vista-previa",
            "POST",
            "/app/api/anuncios/vista-previa",
            {"audience": "zona:6", "text": "Corte de agua"},
        ),
        ("reporte", "GET", "/app/api/reporte", None),
    ]
    headers = {"Authorization": "tma " + signed_init_data(token, person(STAFF_ID))}
    started = time.monotonic()
    for n in range(count):
        kind, method, path, body = calls[n % len(calls)]
        began = time.perf_counter()
        response = await client.request(method, base + path, json=body, headers=headers)
        elapsed = (time.perf_counter() - began) * 1000
        load.latencies_ms.append(elapsed)
        load.kind_ms.setdefault(kind, []).append(elapsed)
        load.statuses[response.status_code] += 1
        if response.status_code != 200:
            load.wrong.append(f"{path}: {response.status_code}")
    load.wall_s = time.monotonic() - started
    return load


@dataclass
class Run:
    alone: Load
    busy: Load
    """The same load while the process answers questions."""
    answered: int
    rss: int
    console: Load


async def run(args: argparse.Namespace, workdir: Path) -> Run:
    questions = [item["q"] for item in load_questions()]
    database_url = f"sqlite+aiosqlite:///{workdir / 'web.db'}"
    await migrate(database_url, workdir / "migrate.log")
    async with FakeBotApi() as api:
        port = free_port()
        env = webhook_env(
            token=api.token,
            api_base_url=f"{api.url}/bot",
            database_url=database_url,
            secret=SECRET,
            port=port,
            extra={"ADMIN_IDS": str(STAFF_ID)},
        )
        bot = await spawn_webhook(env, workdir / "webhook.log")
        try:
            limits = httpx.Limits(
                max_connections=args.in_flight + 4, max_keepalive_connections=args.in_flight + 4
            )
            async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
                await bot.wait_healthy(client, READY_TIMEOUT_S)
                await record_statuses(database_url, len(SNIPS), 0)
                sampler = RssSampler(bot.pid)
                sampler.start()
                pages = page_list(questions)
                alone = await load_pages(client, bot.url, pages, args, database_url)
                questions_task = asyncio.create_task(
                    post_questions(client, bot, api, questions, args.updates, args.update_rate)
                )
                busy = await load_pages(client, bot.url, pages, args, database_url)
                answered = await questions_task
                console = await console_calls(client, bot.url, api.token, args.console_calls)
                rss = sampler.stop()
            if bot.error_lines():
                busy.wrong.append(f"{bot.error_lines()} ERROR lines in the webhook's log:\n{bot.log_tail()}")
            if api.violations:
                busy.wrong.append(f"Bot API violations: {api.violations[:3]}")
        finally:
            await stop_all([bot])
    return Run(alone, busy, answered, rss, console)


def report(name: str, load: Load) -> tuple[float, float]:
    """Print a phase's figures; its pages/s and p99."""
    rate = len(load.latencies_ms) / load.wall_s if load.wall_s else 0.0
    p50, p99 = percentile(load.latencies_ms, 0.5), percentile(load.latencies_ms, 0.99)
    print(f"{name}: {rate:.0f} pages/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms; statuses {dict(load.statuses)}")
    for kind, values in load.kind_ms.items():
        print(f"  {kind:>15}: p50 {percentile(values, 0.5):6.1f} ms, p99 {percentile(values, 0.99):6.1f} ms")
    return rate, p99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="page requests per phase")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT, help="page requests open at once")
    parser.add_argument(
        "--updates", type=int, default=UPDATES, help="questions posted to /telegram in the second phase"
    )
    parser.add_argument("--update-rate", type=float, default=UPDATE_RATE, help="questions posted a second")
    parser.add_argument(
        "--time-limit", type=float, default=TIME_LIMIT_S, help="seconds of page requests per phase, at most"
    )
    parser.add_argument("--console-calls", type=int, default=CONSOLE_CALLS, help="staff console API calls")
    args = parser.parse_args(argv)
    if (
        args.requests < 1
        or args.in_flight < 1
        or args.updates < 0
        or args.update_rate <= 0
        or args.console_calls < 1
    ):
        parser.error(
            "--requests, --in-flight, --update-rate and --console-calls must be positive, "
            "--updates not negative"
        )
    with tempfile.TemporaryDirectory(prefix="mixco-web-") as tmp:
        result = measure("web", run(args, Path(tmp)))
    rate, p99 = report("pages alone", result.alone)
    busy_rate, busy_p99 = report(f"pages while answering {args.update_rate:g} questions/s", result.busy)
    _, console_p99 = report("staff console API, one call at a time", result.console)
    console_p50 = percentile(result.console.latencies_ms, 0.5)
    size, largest_path = max(result.alone.largest, result.busy.largest)
    largest_kb, rss_mb = size / 1000, result.rss / MB
    print(f"largest page {largest_path} ({largest_kb:.1f} KB)")
    print(f"questions posted to /telegram: {args.updates}, answered {result.answered}")
    print(f"peak RSS of the webhook + web process: {rss_mb:.0f} MB")
    missed = [
        f"p99 {p99:.1f} ms > {TARGET_P99_MS:.0f} ms" if p99 > TARGET_P99_MS else "",
        f"p99 while answering {busy_p99:.1f} ms > {TARGET_BUSY_P99_MS:.0f} ms"
        if busy_p99 > TARGET_BUSY_P99_MS
        else "",
        f"largest page {largest_kb:.1f} KB > {TARGET_PAGE_KB:.0f} KB" if largest_kb > TARGET_PAGE_KB else "",
        f"RSS {rss_mb:.0f} MB > {TARGET_RSS_MB:.0f} MB" if rss_mb > TARGET_RSS_MB else "",
        f"{args.updates - result.answered} questions unanswered" if result.answered < args.updates else "",
        *result.alone.wrong[:5],
        *result.busy.wrong[:5],
        *result.console.wrong[:5],
    ]
    for problem in filter(None, missed):
        print(f"MISSED: {problem}")
    print(
        f"web: {rate:.0f} pages/s, p99 {p99:.1f} ms, largest page {largest_kb:.1f} KB, RSS {rss_mb:.0f} MB "
        f"(answering questions too: {busy_rate:.0f} pages/s, p99 {busy_p99:.1f} ms; "
        f"console API p50 {console_p50:.1f} ms, p99 {console_p99:.1f} ms)"
    )
    return 1 if any(missed) else 0


if __name__ == "__main__":
    sys.exit(main())
