"""Counts as Spanish prose: "1 vez", "3 veces", "1.200 destinatarios". Every text that prints a
count takes its noun's two forms from the catalogue and goes through :func:`count_of`."""

from __future__ import annotations

Noun = tuple[str, str]
"""A noun (or noun phrase) as (singular, plural): ("vez", "veces")."""


def thousands(n: int) -> str:
    """1200 → "1.200" (Guatemala writes thousands with a point in prose)."""
    return f"{n:,}".replace(",", ".")


def plural(n: int, singular: str, plural_form: str) -> str:
    """The form that goes with ``n``: singular for exactly one, plural otherwise (0 veces, 2 veces)."""
    return singular if n == 1 else plural_form


def count_of(n: int, noun: Noun) -> str:
    """ "1 vez", "3 veces", "1.200 chats que lo siguen"."""
    return f"{thousands(n)} {plural(n, *noun)}"
