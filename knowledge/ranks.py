"""Which place of a ranking a question asks for: "el segundo más caro", "la tercera fuente que
más aporta", "el 2do más barato", "el penúltimo proyecto en monto", "el último en dinero".

Positions are 0-based from the top of the ranking in the direction asked (most first for "más",
least first for "menos"); "penúltimo" and "último" count from its other end. A question that names
no place asks for the first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge import catalog as t
from knowledge.answer_types import Line, format_q
from knowledge.model import Project

FROM_TOP = {
    "primer": 0,
    "segund": 1,
    "tercer": 2,
    "cuart": 3,
    "quint": 4,
    "sext": 5,
    "septim": 6,
    "setim": 6,
    "octav": 7,
    "noven": 8,
    "decim": 9,
}
"""The stem of each ordinal word and the position it names."""
FROM_END = {"antepenultim": 2, "penultim": 1, "ultim": 0}
"""The ordinals counted from the end of a ranking, and how far from it."""
RANKED_AFTER = r"(?:proyecto|obra|fuente|zona|en|con|de|que|lugar|puesto|mas|menos|[,?.!]|$)"
"""What follows a place from the end when it ranks ("el último en dinero"; not "el último año")."""
ORDINAL_WORD = re.compile(
    rf"\b(?P<stem>(?:antepenultim|penultim|ultim)(?=[oa]s?\s*{RANKED_AFTER})|primer|segund|tercer|cuart|"
    r"quint|sext|septim|setim|octav|noven|decim)(?:[oa]s?)?\b"
)
ORDINAL_FIGURE = re.compile(
    r"\b(?P<n>[1-9])(?:er|ero|era|ro|ra|do|da|to|ta|vo|va|mo|ma|no|na)\b(?!\.?\s*(?:calle|avenida|av)\b)"
)
"""Ordinals written with a figure, as phones write them: "el 2do", "la 3ra", "el 5to" (not an
address: "4ta. calle")."""
MONEY_RANKED = re.compile(
    r"\b(?:monto|montos|dinero|pisto|plata|presupuesto|fondos|recursos|aporte|aporta|caro|cara|barato|"
    r"barata|costoso|costosa|cuesta|recibe|mas|menos)\b"
)
"""Words that rank by money: a place from the end ("el penúltimo") ranks only with one of them."""


@dataclass(frozen=True, slots=True)
class Place:
    """A place asked of a ranking: ``offset`` places from its top, or from its end."""

    offset: int
    from_end: bool = False

    def index(self, size: int) -> int:
        """Where this place falls in a ranking of ``size`` members (clamped to it)."""
        if size <= 0:
            return 0
        position = size - 1 - self.offset if self.from_end else self.offset
        return min(max(position, 0), size - 1)


def place_asked(folded: str) -> Place:
    """The place a (folded) question asks for; the first when it names none."""
    word = ORDINAL_WORD.search(folded)
    if word is not None:
        stem = word.group("stem")
        if stem in FROM_END:
            return Place(FROM_END[stem], from_end=True)
        return Place(FROM_TOP[stem])
    figure = ORDINAL_FIGURE.search(folded)
    if figure is not None:
        return Place(int(figure.group("n")) - 1)
    return Place(0)


def asks_from_the_end(folded: str) -> bool:
    """ "el penúltimo proyecto en monto", "la última fuente en dinero": a place counted from the
    end of a money ranking ("el último año" is no ranking, "la última fuente" is the table's order)."""
    word = ORDINAL_WORD.search(folded)
    return word is not None and word.group("stem") in FROM_END and MONEY_RANKED.search(folded) is not None


def place_line(index: int, size: int, highest: bool) -> Line:
    """Which ranking was used, for a place other than the first: "Puesto 2 de 8, de mayor a
    menor monto"."""
    return t.RANK_USED.format(
        place=index + 1, size=size, order=t.RANK_HIGHEST_FIRST if highest else t.RANK_LOWEST_FIRST
    )


def ranking_lines(ranked: Sequence[Project], chosen: Project, highest: bool) -> list[Line]:
    """The lines under a project's place in a money ranking: which ranking was used (for a place
    other than the first) and the one among the projects inside the TOTAL when it differs."""
    index = ranked.index(chosen)
    lines = [place_line(index, len(ranked), highest)] if index else []
    among = in_total_line(ranked, index, highest)
    return [*lines, among] if among is not None else lines


def in_total_line(ranked: Sequence[Project], index: int, highest: bool) -> Line | None:
    """When the ranking mixes projects inside the table's TOTAL with ones printed after it and
    the answer differs among the former alone, the line that names that one ("Entre los 7
    proyectos que suma el TOTAL, el de menos dinero es …")."""
    inside = [p for p in ranked if p.in_total]
    if not inside or len(inside) == len(ranked):
        return None
    chosen = ranked[index]
    among = inside[min(index, len(inside) - 1)]
    if among is chosen:
        return None
    template = t.IN_TOTAL_MOST if highest else t.IN_TOTAL_LEAST
    if index:
        template = t.IN_TOTAL_RANKED.format(place=index + 1, most=t.MOST if highest else t.LEAST)
    return template.format(n=len(inside), snip=among.snip, amount=format_q(among.amount))
