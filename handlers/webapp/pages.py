"""The templates and what every page shares: the layout's inline script and style, and headers.

Jinja2 escapes every value a template prints (``autoescape``); the only markup passed in whole is
the layout's own script and style, read from files beside the templates. The Content-Security-
Policy lets scripts run only from Telegram's ``telegram-web-app.js`` and the one inline script
(by its hash), so even a string that escaped escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from knowledge import catalog
from knowledge.answer_types import Fact, Line

TEMPLATES = Path(__file__).parent / "templates"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
"""The only script from elsewhere: it is what Telegram gives a Mini App (theme, back button)."""
SCRIPT_FILE = "enhance.js"
STYLE_FILE = "style.css"
CONSOLE_SCRIPT_FILE = "console.js"
CONSOLE_STYLE_FILE = "console.css"
"""The staff console's own script and style, inline in its pages only."""
HTML = "text/html; charset=utf-8"


class Pages:
    """The templates, loaded when the server is built (nothing happens at import time)."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self.env = Environment(
            loader=FileSystemLoader(directory),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        script, style, console_script, console_style = (
            (directory / name).read_text(encoding="utf-8")
            for name in (SCRIPT_FILE, STYLE_FILE, CONSOLE_SCRIPT_FILE, CONSOLE_STYLE_FILE)
        )
        if any("</" in text for text in (script, style, console_script, console_style)):
            raise ValueError("the inline scripts and styles may not close their element")
        self.env.filters["blocks"] = blocks
        self.env.globals.update(
            t=catalog,
            telegram_script=TELEGRAM_SCRIPT,
            inline_script=Markup(script),
            inline_style=Markup(style),
            console_script=Markup(console_script),
            console_style=Markup(console_style),
        )
        self.headers = {
            "Content-Security-Policy": content_security_policy(script),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
        """What every page's response carries."""
        self.console_headers = {
            **self.headers,
            "Content-Security-Policy": content_security_policy(script, console_script, fetches=True),
        }
        """The console's pages: its script runs too, and it may call the console's API (its own
        address; every call carries Telegram's initData, see handlers.webapp.console)."""
        self.fingerprint = fingerprint(directory)
        """Changes with any template, so that a new release's pages get new ETags."""

    def render(self, name: str, **context: Any) -> bytes:
        return self.env.get_template(name).render(**context).encode("utf-8")


def blocks(lines: Iterable[Line]) -> list[tuple[str, list[Line]]]:
    """An answer's lines in order, consecutive facts together: ("facts", [Fact …]) becomes one
    list of terms, ("text", [line]) a paragraph."""
    grouped: list[tuple[str, list[Line]]] = []
    for line in lines:
        if isinstance(line, Fact) and grouped and grouped[-1][0] == "facts":
            grouped[-1][1].append(line)
        else:
            grouped.append(("facts" if isinstance(line, Fact) else "text", [line]))
    return grouped


def content_security_policy(*scripts: str, fetches: bool = False) -> str:
    """Scripts from Telegram and the inline ``scripts`` (by their hashes) only; ``fetches``: the
    page may call its own address (the console's API), else nothing."""
    digests = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode('ascii')}'"
        for s in scripts
    )
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src https://telegram.org {digests}",
            "style-src 'unsafe-inline'",  # the layout's style; telegram-web-app.js sets styles too
            "img-src 'self' data:",
            *(["connect-src 'self'"] if fetches else []),
            "form-action 'self'",
            "base-uri 'none'",
        )
    )


def fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
