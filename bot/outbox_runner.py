"""Run the outbox worker alone: ``python -m bot.outbox_runner`` (crash tests, benchmark, ops).

Environment:

* ``TELEGRAM_TOKEN`` (required), ``TELEGRAM_API_BASE_URL`` (default the real Bot API);
* ``DATABASE_URL`` (default ``sqlite+aiosqlite:///data/mixco.db``); migrations are applied;
* ``BROADCAST_RATE`` messages/s (default 25; not capped at Telegram's 30 like the bot's settings,
  so that a benchmark against a fake server can run faster);
* ``BROADCAST_LEASE_SECONDS`` (default 30), ``BROADCAST_MAX_ATTEMPTS`` (5),
  ``BROADCAST_MAX_IN_FLIGHT`` (default: the rate, at most 100; 1 sends strictly one at a time),
  ``BROADCAST_RETRY_BASE_DELAY`` (1 s), ``BROADCAST_IDLE_POLL`` (1 s),
  ``BROADCAST_PROGRESS_INTERVAL`` (2 s);
* ``LOG_LEVEL`` (default INFO).

SIGTERM or SIGINT stops it cleanly (in-flight requests finish and are recorded, leases are
released); SIGKILL just kills it, and its leases expire for another worker to resume.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass

# python-telegram-bot 22: RetryAfter.retry_after as a timedelta (before telegram is imported).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot

from bot.http import AiohttpRequest
from bot.observability import configure_logging
from bot.outbox import OutboxWorker, worker_owner
from db.migrate import upgrade
from db.session import create_engine, create_sessionmaker

log = logging.getLogger("bot.outbox_runner")

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/mixco.db"


@dataclass(frozen=True)
class RunnerConfig:
    token: str
    api_base_url: str
    database_url: str
    rate: float
    lease_seconds: float
    max_attempts: int
    max_in_flight: int | None
    retry_base_delay: float
    idle_poll: float
    progress_interval: float
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RunnerConfig:
        """Read and check the environment; ValueError says which variable is wrong."""
        token = env.get("TELEGRAM_TOKEN", "").strip()
        if not token:
            raise ValueError("TELEGRAM_TOKEN is not set")

        def number(name: str, default: float, *, minimum: float = 0.0) -> float:
            raw = env.get(name, "").strip()
            try:
                value = float(raw) if raw else default
            except ValueError:
                raise ValueError(f"{name} must be a number, got {raw!r}") from None
            if not value > minimum:
                raise ValueError(f"{name} must be greater than {minimum:g}")
            return value

        return cls(
            token=token,
            api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL,
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            rate=number("BROADCAST_RATE", 25.0),
            lease_seconds=number("BROADCAST_LEASE_SECONDS", 30.0),
            max_attempts=int(number("BROADCAST_MAX_ATTEMPTS", 5, minimum=0.5)),
            max_in_flight=int(number("BROADCAST_MAX_IN_FLIGHT", 0, minimum=0.5))
            if env.get("BROADCAST_MAX_IN_FLIGHT", "").strip()
            else None,
            retry_base_delay=number("BROADCAST_RETRY_BASE_DELAY", 1.0),
            idle_poll=number("BROADCAST_IDLE_POLL", 1.0),
            progress_interval=number("BROADCAST_PROGRESS_INTERVAL", 2.0),
            log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
        )


async def run(config: RunnerConfig) -> None:
    engine = create_engine(config.database_url)
    try:
        await upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        bot = Bot(
            config.token,
            base_url=config.api_base_url.rstrip("/"),
            request=AiohttpRequest(connection_pool_size=128, pool_timeout=10.0),
        )
        worker = OutboxWorker(
            bot,
            sessionmaker,
            rate=config.rate,
            owner=worker_owner(),
            lease_seconds=config.lease_seconds,
            max_attempts=config.max_attempts,
            max_in_flight=config.max_in_flight,
            retry_base_delay=config.retry_base_delay,
            idle_poll=config.idle_poll,
            progress_interval=config.progress_interval,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with bot:
            await worker.start()
            try:
                await stop.wait()
            finally:
                await worker.stop()
    finally:
        await engine.dispose()


def main() -> int:
    try:
        config = RunnerConfig.from_env(os.environ)
    except ValueError as exc:
        print(f"outbox runner: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, "text", secrets=(config.token,))
    asyncio.run(run(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
