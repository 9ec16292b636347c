"""Real ``python -m bot webhook`` processes against the fake Bot API, and the Telegram-shaped
updates posted to them: shared by ``bench/webhook.py`` and the webhook tests in ``tests/bot/``.

Only the standard library and httpx are imported here, so that importing this module loads none
of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.processes import die_with_parent, stop_process

ROOT = Path(__file__).resolve().parents[2]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
"""Same value as ``bot.webhook.SECRET_HEADER`` (not imported: that would load Starlette and PTB)."""


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
        return await stop_process(self.process, timeout)

    def error_lines(self) -> int:
        """Lines of its log at level ERROR or starting a traceback."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return 0
        return sum(" ERROR " in line or line.startswith("Traceback") for line in text.splitlines())


async def spawn_webhook(env: Mapping[str, str], log: Path) -> WebhookProcess:
    """Start ``python -m bot webhook`` in the repository root with ``env``."""
    return await spawn_bot("webhook", env, log, int(env["WEBHOOK_PORT"]))


async def spawn_bot(command: str, env: Mapping[str, str], log: Path, port: int) -> WebhookProcess:
    """Start ``python -m bot COMMAND`` (a server listening on ``port``: ``webhook``, ``web``; or
    ``run``, which polls and listens on none: port 0) in the repository root with ``env``."""
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            command,
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=out,
            preexec_fn=die_with_parent(),
        )
    return WebhookProcess(process, port, log)


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
