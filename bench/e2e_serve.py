"""The child processes of ``bench/e2e.py``: ``python -m bench.e2e_serve bot|echo``.

``bot`` runs the bot exactly as ``python -m bot run`` does (settings from the environment);
``echo`` the smallest PTB bot making the same round trips. This module is all the harness a child
loads: the standard library only, a few dozen lines, from its compiled bytecode, so that the
memory and the start-up time measured are the bot's own and not the benchmark's (when the
benchmark's own 900-line file was the entry point, compiled from source as every script is, it
added ~2.5 MB and ~25 ms to both).
"""

from __future__ import annotations

import os
import sys

ENV_CONCURRENCY = "E2E_CONCURRENT_UPDATES"
ENV_PROFILE = "E2E_PROFILE"
ENV_NO_RATE_LIMIT = "E2E_NO_RATE_LIMIT"


def serve_bot() -> int:
    """The bot exactly as ``python -m bot run`` runs it; settings come from the environment."""
    import bot.__main__ as cli

    if os.environ.get(ENV_NO_RATE_LIMIT):
        import functools

        from telegram.ext import AIORateLimiter

        import bot.app

        # Diagnostic only: the same limiter (retries on 429 included) without the global cap.
        setattr(bot.app, "AIORateLimiter", functools.partial(AIORateLimiter, overall_max_rate=0))  # noqa: B010
    profile_path = os.environ.get(ENV_PROFILE)
    if not profile_path:
        return cli.main(["run"])
    import cProfile

    profiler = cProfile.Profile()
    try:
        return int(profiler.runcall(cli.main, ["run"]))
    finally:
        profiler.dump_stats(profile_path)


def serve_echo() -> int:
    """The smallest PTB bot doing the same round trips: echo the text, answer the button press."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # as bot.__main__ does
    from telegram import Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await message.reply_text(message.text)

    async def press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()

    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"].rstrip("/"))
        .concurrent_updates(int(os.environ[ENV_CONCURRENCY]))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(press))
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def main(argv: list[str]) -> int:
    if argv not in (["bot"], ["echo"]):
        print("usage: python -m bench.e2e_serve bot|echo", file=sys.stderr)
        return 2
    return serve_bot() if argv == ["bot"] else serve_echo()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
