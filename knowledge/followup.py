"""Short follow-ups that lean on the previous question ("¿y en la zona 10?", "¿y cuánto cuesta?").

The chat's context is kept by the caller (in the database); this module only decides how a
follow-up and the previous question combine.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.text import find_snips, find_zonas, fold, words

MAX_FOLLOW_UP_WORDS = 7
LEADS = ("y ", "¿y ", "e ", "y que ", "y en ", "y la ", "y el ")


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What the chat asked last: its question and the zona and project it was about."""

    question: str | None = None
    zona: int | None = None
    snip: str | None = None


def is_follow_up(text: str) -> bool:
    folded = fold(text).lstrip("¿¡ ")
    return (
        folded.startswith(tuple(lead.lstrip("¿") for lead in LEADS))
        and len(words(folded)) <= MAX_FOLLOW_UP_WORDS
    )


def resolve(text: str, context: ChatContext) -> str:
    """The question to answer: ``text`` itself, or ``text`` completed from the context."""
    if context.question is None or not is_follow_up(text):
        return text
    folded = fold(text)
    if find_snips(folded):
        return text
    new_zonas = find_zonas(folded)
    if new_zonas:
        previous = fold(context.question)
        old = find_zonas(previous)
        zona = f"zona {new_zonas[0].number}"
        if old:
            start, end = old[0].span
            return previous[:start] + zona + previous[end:]
        return f"{previous} {zona}"
    if context.snip:
        return f"proyecto {context.snip}"
    rest = folded.lstrip("¿¡ ")[1:].strip()
    return f"{rest} {fold(context.question)}"


def context_after(question: str, zona: int | None, snip: str | None) -> ChatContext:
    return ChatContext(question=question[:500], zona=zona, snip=snip)
