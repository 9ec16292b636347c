"""The bot's web face, the Telegram Mini App: pages that translate HTTP requests into knowledge
and db calls, as the chat handlers translate updates.

- ``pages.py``: the Jinja2 templates (autoescaped: every dynamic string is escaped), the shared
  layout with its one inline script and style, and the headers every page carries (CSP).
- ``cache.py``: rendered pages kept per plan digest and staff-status version, with their ETags.
- ``explorer.py``: the residents' plan explorer, public and read-only (``/app/…``); what each
  page shows is decided in ``knowledge.explorer``.

``bot.webhook`` mounts the explorer beside ``POST /telegram``; ``bot.web`` serves it alone
(``python -m bot web``). A staff console goes beside the explorer as ``console.py`` on the same
layout, with the check of Telegram's ``initData`` in ``auth.py``.
"""
