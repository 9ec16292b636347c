"""Shared by ``bench/webhook.py`` and ``tests/bot/test_two_instances.py``: real ``python -m bot
webhook`` processes against the fake Bot API, a throw-away PostgreSQL database, Telegram-shaped
updates.

Only the standard library, SQLAlchemy and httpx are imported here, so that importing this module
loads none of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
"""Same value as ``bot.webhook.SECRET_HEADER`` (not imported: that would load Starlette and PTB)."""

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child between fork and exec: get SIGTERM when the parent dies (Linux), so that a
    benchmark or test killed with SIGKILL does not leave bot processes serving."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


T = TypeVar("T")


async def cancelled_by_sigterm(work: Awaitable[T]) -> T:
    """Await ``work`` with SIGTERM turned into cancellation, so that a benchmark told to stop
    still stops its child processes and drops its databases on the way out."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await work
    finally:
        with contextlib.suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def fresh_postgres_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty database ``<prefix>_<hex>`` on the server of ``server_url`` (any database
    on it, used for the admin connection); yields its URL and drops it (WITH FORCE) at the end.

    A database rather than a schema, because the bot processes only take a URL.
    """
    from sqlalchemy.engine import make_url

    from db.session import create_engine

    base = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.render_as_string(hide_password=False))
    try:
        async with admin.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


async def migrate(database_url: str, log: Path, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """``python -m db.migrate`` once, before any bot starts (what an init job would do)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "db.migrate", cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        async with asyncio.timeout(timeout):
            code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if code != 0:
        raise RuntimeError(f"python -m db.migrate exited with {code}; see {log}")


def webhook_env(
    *,
    token: str,
    api_base_url: str,
    database_url: str,
    secret: str,
    port: int,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of one ``python -m bot webhook`` on 127.0.0.1:``port``; ``extra`` wins."""
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "DATABASE_URL": database_url,
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "PTB_TIMEDELTA": "true",
    }
    for name in ("WEBHOOK_URL", "ADMIN_IDS"):  # no setWebhook call, no staff menus
        env.pop(name, None)
    env.update(extra or {})
    return env


@dataclass
class WebhookProcess:
    """One running ``python -m bot webhook``; ``log`` holds its stdout and stderr."""

    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    async def wait_healthy(self, client: httpx.AsyncClient, timeout: float) -> float:  # noqa: ASYNC109
        """Poll ``GET /healthz`` until 200; the seconds it took. Raises when the process exits
        or ``timeout`` passes."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(
                    f"bot on port {self.port} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                response = await client.get(f"{self.url}/healthz", timeout=2.0)
                if response.status_code == 200:
                    return time.monotonic() - started
            await asyncio.sleep(0.1)
        raise TimeoutError(f"bot on port {self.port} not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, no clean-up in the child (leases stay until they expire)."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """SIGTERM (uvicorn drains, the outbox releases its leases), SIGKILL after ``timeout``;
        the exit code."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await self.process.wait()
            except TimeoutError:
                self.kill()
        return await self.process.wait()

    def error_lines(self) -> int:
        """Lines of its log at level ERROR or starting a traceback."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return 0
        return sum(" ERROR " in line or line.startswith("Traceback") for line in text.splitlines())


async def spawn_webhook(env: Mapping[str, str], log: Path) -> WebhookProcess:
    """Start ``python -m bot webhook`` in the repository root with ``env``."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "webhook",
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=out,
            preexec_fn=_die_with_parent,
        )
    return WebhookProcess(process, int(env["WEBHOOK_PORT"]), log)


async def stop_all(processes: list[WebhookProcess], timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """Stop every process still running, never raising (for ``finally`` blocks)."""
    results = await asyncio.gather(*(p.stop(timeout) for p in processes), return_exceptions=True)
    for process, result in zip(processes, results, strict=True):
        if isinstance(result, BaseException):
            process.kill()


def message_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A private-chat text message as Telegram posts it to a webhook."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Vecino", "language_code": "es"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Vecino"},
            "from": user,
            "text": text,
        },
    }
