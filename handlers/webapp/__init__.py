"""The bot's web face, the Telegram Mini App: pages that translate HTTP requests into knowledge
and db calls, as the chat handlers translate updates.

- ``pages.py``: the Jinja2 templates (autoescaped: every dynamic string is escaped), the shared
  layout with its inline scripts and styles, and the headers every page carries (CSP).
- ``cache.py``: rendered pages kept per plan digest and staff-status version, with their ETags.
- ``explorer.py``: the residents' plan explorer, public and read-only (``/app/…``); what each
  page shows is decided in ``knowledge.explorer``.
- ``console.py``: the staff console (``/app/consola/…``, its JSON API at ``/app/api/…``), on the
  staff service; what it shows is decided in ``knowledge.console``. ``auth.py`` checks the
  ``initData`` Telegram signs, which every console call carries.

``bot.webhook`` mounts both beside ``POST /telegram``; ``bot.web`` serves them alone
(``python -m bot web``). Nothing here is imported by a bot that polls, except this module's
constant below.
"""

CONSOLE_PATH = "consola/"
"""Where the staff console is, after the explorer's address (WEBAPP_URL): the menu button of each
staff member's private chat opens WEBAPP_URL + CONSOLE_PATH."""
