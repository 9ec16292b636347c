"""Telegram-facing code: each module translates updates into calls on knowledge/db and answers
into messages. ``register`` adds every handler in one place, in a deliberate order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import buttons, commands, editions, follow, inline, messages, reports, staff
from handlers.errors import on_error

GROUP_BEFORE = -1
GROUP_MAIN = 0


def register(application: Application) -> None:  # type: ignore[type-arg]
    """All handlers share one group, so the first that matches an update handles it:

    1. resident commands (/start with deep links, /zona …);
    2. staff commands and the staff's CSV documents (each checks the role itself), then plan
       documents (.txt, .json) sent to load an edition (staff only; others get a kind line);
    3. following, /olvidarme; photos sent as ground reports;
    4. button presses; 5. inline queries;
    6. free text and non-text messages (private chats; groups only when addressed).

    Before them, in a group of its own, a command ends an open report mode (handlers.reports).
    """
    application.add_handlers(reports.BEFORE_HANDLERS, group=GROUP_BEFORE)
    for module in (commands, staff, editions, follow, reports, buttons, inline, messages):
        application.add_handlers(module.HANDLERS, group=GROUP_MAIN)
    application.add_error_handler(on_error)
