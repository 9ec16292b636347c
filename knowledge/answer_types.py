"""The shape of an answer, independent of Telegram, and the plan's number formats.

``knowledge.render`` turns an :class:`Answer` into HTML or plain text; handlers turn its
follow-ups into buttons. Its first lines are the direct answer (the figure, the list, the
status); details, the source and the buttons come after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

SHORT = 180


@dataclass(frozen=True, slots=True)
class Fact:
    """A labelled figure ("Monto 2024: Q 4,441,894.00")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A suggested next step. ``action`` is the text of a :class:`knowledge.actions.Action`
    ("zona:6", "proyecto:242177", "tema:seguro", "lista:projects", "lista:actors:2" (a page),
    "plan"); handlers turn it into a button, and leave out one no button can carry."""

    label: str
    action: str


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    kind: str
    title: str
    score: float


Line = str | Fact


@dataclass(frozen=True, slots=True)
class Answer:
    title: str
    lines: tuple[Line, ...] = ()
    items: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    source: str | None = None
    confident: bool = True
    kind: str = "answer"
    matches: tuple[Match, ...] = ()
    zona: int | None = None
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """Extra titled groups of items, for grouped summaries."""
    asks: str = "lookup"
    """What the question asked (``knowledge.question.Ask.what``): a status question puts the
    staff's status first when handlers add it."""
    lead_section: bool = False
    """The first section is what was asked ("objetivos específicos de …"): it comes right under
    the title, before the lines."""


def format_q(amount: Decimal) -> str:
    """Quetzales as the document writes them: ``Q 4,441,894.00``."""
    return f"Q {amount:,.2f}"


def format_pct(value: Decimal) -> str:
    return f"{value}%"


def shorten(text: str, limit: int = SHORT) -> str:
    """At most ``limit`` characters, cut at the end of a word and ended with "…" (a single word
    longer than the limit is cut where the limit falls)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "…"


def with_section(answer: Answer, title: str, items: tuple[str, ...]) -> Answer:
    return replace(answer, sections=(*answer.sections, (title, items)))


def with_lead(answer: Answer, *lead: Line) -> Answer:
    """The same answer with ``lead`` as its first lines."""
    return replace(answer, lines=(*lead, *answer.lines))


def sentence(text: str) -> str:
    """ALL-CAPS headings of the document as a sentence; other text as it is."""
    if not text.isupper():
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]


def join_words(parts: Sequence[str]) -> str:
    """ "a, b y c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} y {parts[-1]}"


def join_numbers(numbers: Sequence[int]) -> str:
    return join_words([str(n) for n in numbers])


def answer_text(answer: Answer) -> str:
    """Every word the answer shows, in order, without markup (for checks on what it says)."""
    parts = [answer.title]
    parts.extend(f"{line.label}: {line.value}" if isinstance(line, Fact) else line for line in answer.lines)
    parts.extend(answer.items)
    for title, items in answer.sections:
        parts.append(title)
        parts.extend(items)
    return "\n".join(parts)
