"""The outbox worker of a process: :func:`start_outbox`, which the bot uses (``bot.app``), and the
worker alone, ``python -m bot.outbox_runner`` (crash tests, benchmark, ops).

Both read the bot's settings (``bot.settings.Settings``, from the environment or ``.env``):
``TELEGRAM_TOKEN`` (required), ``TELEGRAM_API_BASE_URL``, ``DATABASE_URL`` (migrations are
applied), ``BROADCAST_RATE``, ``BROADCAST_LEASE_SECONDS``, ``BROADCAST_MAX_ATTEMPTS``,
``BROADCAST_MAX_IN_FLIGHT``, ``BROADCAST_RETRY_BASE_DELAY``, ``BROADCAST_IDLE_POLL``,
``BROADCAST_PROGRESS_INTERVAL``, ``LOG_LEVEL`` and ``LOG_FORMAT``.

Alone, SIGTERM or SIGINT stops it cleanly (in-flight requests finish and are recorded, leases are
released); SIGKILL just kills it, and its leases expire for another worker to resume.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# python-telegram-bot 22: RetryAfter.retry_after as a timedelta (before telegram is imported).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.request import BaseRequest

from bot.http import AiohttpRequest
from bot.observability import configure_logging
from bot.outbox import OutboxWorker, worker_owner
from bot.settings import Settings, file_base_url, load_settings
from bot.storage import open_storage
from knowledge import catalog as t

DELIVERY_CONNECTIONS = 128
"""Connections of the delivery transport: more than the most requests the worker has in flight."""


def delivery_request() -> BaseRequest:
    return AiohttpRequest(connection_pool_size=DELIVERY_CONNECTIONS, pool_timeout=10.0)


@asynccontextmanager
async def start_outbox(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    request: BaseRequest | None = None,
) -> AsyncIterator[OutboxWorker]:
    """This process's outbox worker, started; on exit it stops (in-flight requests are recorded,
    leases released) and its Bot shuts down.

    The worker gets a plain Bot of its own: an application's bot retries 429s in its rate
    limiter, whereas the worker must see RetryAfter to pause every send. ``request`` replaces its
    transport (the terminal chat shows deliveries too).
    """
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    bot = Bot(
        token,
        base_url=settings.telegram_api_base_url.rstrip("/"),
        base_file_url=file_base_url(settings.telegram_api_base_url),
        request=request or delivery_request(),
        # Never used (the worker does not poll), but without one PTB makes an httpx client for
        # getUpdates: httpcore, h11 and an SSL context, ~2 MB resident for nothing.
        get_updates_request=request or AiohttpRequest(connection_pool_size=1),
    )
    worker = OutboxWorker(
        bot,
        sessionmaker,
        rate=settings.broadcast_rate,
        owner=worker_owner(),
        lease_seconds=settings.broadcast_lease_seconds,
        max_attempts=settings.broadcast_max_attempts,
        max_in_flight=settings.broadcast_max_in_flight,
        retry_base_delay=settings.broadcast_retry_base_delay,
        idle_poll=settings.broadcast_idle_poll,
        progress_interval=settings.broadcast_progress_interval,
    )
    try:
        await worker.start()
        yield worker
    finally:
        await worker.stop()
        await bot.shutdown()


async def run(settings: Settings) -> None:
    """The worker alone, until SIGTERM or SIGINT."""
    storage = await open_storage(settings.database_url)
    try:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with start_outbox(settings, storage.sessionmaker):
            await stop.wait()
    finally:
        await storage.close()


def main() -> int:
    settings = load_settings()
    if settings is None:
        return 2
    if settings.telegram_token is None:
        print(t.MISSING_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secrets())
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
