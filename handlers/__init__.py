"""Telegram-facing code: each module translates updates into calls on knowledge/db and answers
into messages. ``register`` adds every handler in one place, in a deliberate order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import buttons, commands, inline, messages
from handlers.errors import on_error

GROUP_MAIN = 0


def register(application: Application) -> None:  # type: ignore[type-arg]
    """All handlers share one group, so the first that matches an update handles it:

    1. commands (/start with deep links, /zona …) — before free text, which excludes commands anyway;
    2. button presses;
    3. inline queries;
    4. free text and non-text messages (private chats; groups only when addressed).
    """
    for module in (commands, buttons, inline, messages):
        application.add_handlers(module.HANDLERS, group=GROUP_MAIN)
    application.add_error_handler(on_error)
