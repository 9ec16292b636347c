"""Two or more actors of the plan's analysis set side by side by their influence ("¿tienen más
influencia los transportistas o los taxistas?", "CONAP o INAB, ¿quién pesa más en la
implementación?").

The analysis grades each actor Alto / Medio / Bajo in two places (the decisions, the PDM-OT's
implementation); the comparison reads those grades as the table prints them and says who ranks
higher in the place asked, or that they rank the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from knowledge import catalog as t
from knowledge.answer_types import Answer, Line, Match, join_words
from knowledge.kinds import actor_line
from knowledge.model import Actor
from knowledge.text import content_words, fold, stem

RANK = {"alt": 3, "med": 2, "baj": 1}
"""The grades by their first letters ("Baja" of one row is "Bajo")."""
LEVEL_NAMES = {3: "alto", 2: "medio", 1: "bajo"}


def grade(value: str) -> int:
    return RANK.get(fold(value)[:3], 0)


def distinctive_stems(actors: Sequence[Actor], common: frozenset[str]) -> dict[int, frozenset[str]]:
    """Each actor's title stems that no other actor's title has, by actor number: the words that
    name it on its own ("transportistas", "conap"), not "ministerio" or "gremial"."""
    stems_of = {
        a.number: frozenset(stem(w) for w in content_words(short_name(a.name)) if not w.isdigit()) - common
        for a in actors
    }
    shared = Counter(s for stems in stems_of.values() for s in stems)
    return {number: frozenset(s for s in stems if shared[s] == 1) for number, stems in stems_of.items()}


def actors_named(
    actors: Sequence[Actor], own: dict[int, frozenset[str]], asked: frozenset[str]
) -> list[Actor]:
    """The actors a question names by one of their own words, in the plan's order."""
    return [a for a in actors if own.get(a.number, frozenset()) & asked]


def influence_comparison(actors: Sequence[Actor], dimensions: tuple[str, ...], source: str) -> Answer:
    """Who ranks higher in each place asked, then each actor's row."""
    lines: list[Line] = [_verdict(actors, d) for d in dimensions]
    lines.extend(actor_line(a) for a in actors)
    lines.append(t.ACTOR_LINE_NOTE)
    return Answer(
        t.INFLUENCE_COMPARED_TITLE,
        tuple(lines),
        source=source,
        matches=tuple(Match(f"actor:{a.number}", "actor", a.name, 1.0) for a in actors),
        kind="list:actors",
        asks="compare",
    )


def _verdict(actors: Sequence[Actor], dimension: str) -> str:
    where = t.INFLUENCE_WHERE[dimension]
    value = {a.number: _value(a, dimension) for a in actors}
    best = max(grade(v) for v in value.values())
    top = [a for a in actors if grade(value[a.number]) == best]
    if len(top) == len(actors):
        return t.INFLUENCE_SAME.format(where=where, level=_level_word(value[top[0].number]))
    others = "; ".join(
        t.INFLUENCE_OTHER.format(name=short_name(a.name), level=_level_word(value[a.number]))
        for a in actors
        if a not in top
    )
    template = t.INFLUENCE_HIGHER_ONE if len(top) == 1 else t.INFLUENCE_HIGHER_SEVERAL
    return template.format(
        where=where,
        names=join_words([short_name(a.name) for a in top]),
        level=_level_word(value[top[0].number]),
        others=others,
    )


def _value(actor: Actor, dimension: str) -> str:
    return actor.influence_decisions if dimension == "decisions" else actor.influence_implementation


def _level_word(value: str) -> str:
    """ "Alto" → "alta" (la influencia)."""
    name = LEVEL_NAMES.get(grade(value))
    return t.INFLUENCE_LEVEL[name] if name else value.lower()


def short_name(name: str) -> str:
    """The name without its parenthesis ("EMPRESARIOS (industrial, …)" → "EMPRESARIOS")."""
    return name.split(" (")[0].strip()
