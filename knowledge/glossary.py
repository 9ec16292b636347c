"""Plan words people don't know (ARRASTRE, CODEDE, PDM-OT …), kept as data in
``knowledge/data/glossary.json``: the document's own words where it spells a term out, then an
explanation that is ours and says so. Answers use it when a question asks what a word means, and
project cards use a term's one-line ``card`` for their observation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from knowledge.text import TOKEN, fold, has_phrase


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """One term: how the plan writes it, how people type it, and what it means."""

    term: str
    aliases: tuple[str, ...]
    plan_text: str | None
    explanation: str
    card: str | None
    institution: bool = False
    """Whether the term names an institution (CONALFA, SESAN), which a who-question may ask for."""


@cache
def glossary() -> tuple[GlossaryTerm, ...]:
    """Plan words people don't know, as data (``knowledge/data/glossary.json``)."""
    raw = json.loads(resources.files("knowledge").joinpath("data", "glossary.json").read_text("utf-8"))
    return tuple(
        GlossaryTerm(
            term=e["term"],
            aliases=tuple(fold(a) for a in e["aliases"]),
            plan_text=e.get("plan_text"),
            explanation=e["explanation"],
            card=e.get("card"),
            institution=bool(e.get("institution", False)),
        )
        for e in raw["terms"]
    )


def find_term(folded: str) -> GlossaryTerm | None:
    """The glossary term a question names (the longest alias wins)."""
    terms = find_terms(folded)
    return terms[0] if terms else None


@lru_cache(maxsize=256)
def find_terms(folded: str) -> tuple[GlossaryTerm, ...]:
    """Every glossary term a question names, the one with the longest alias first."""
    aliases = _aliases()
    said = set(TOKEN.findall(folded))
    found: dict[str, tuple[int, GlossaryTerm]] = {}
    for alias, term in aliases:
        if alias.split(" ", 1)[0] in said and has_phrase(folded, (alias,)):
            best = found.get(term.term)
            if best is None or len(alias) > best[0]:
                found[term.term] = (len(alias), term)
    return tuple(term for _, term in sorted(found.values(), key=lambda pair: -pair[0]))


@cache
def _aliases() -> tuple[tuple[str, GlossaryTerm], ...]:
    """Every alias with its term, as words ("pdm-ot" → "pdm ot"): the first word is tested first."""
    return tuple(
        (" ".join(TOKEN.findall(a)), term) for term in glossary() for a in term.aliases if TOKEN.findall(a)
    )


def said_as_one_word(folded: str, term: GlossaryTerm) -> bool:
    """The question names the term by a one-word alias ("MDTF", "arrastre"), not by plain words
    that are also a topic of their own ("vivienda de interés social")."""
    return any(" " not in a and has_phrase(folded, (a,)) for a in term.aliases)
