"""Plan words people don't know (ARRASTRE, CODEDE, PDM-OT …), kept as data in
``knowledge/data/glossary.json``: the document's own words where it spells a term out, then an
explanation that is ours and says so. Answers use it when a question asks what a word means, and
project cards use a term's one-line ``card`` for their observation.

The data names the plan's edition with fields (``{poa_year}``, ``{pdmot}`` …) filled from
:class:`knowledge.model.Edition`: a 2025 edition explains ARRASTRE as "recibiendo fondos en 2025".
Its aliases are matched against questions as the answerer reads them, with the municipality's
own name said as :data:`knowledge.edition.OWN_MUNICIPALITY`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from rapidfuzz.distance import OSA

from knowledge.edition import edition_fields, fill, without_own_name
from knowledge.model import Edition
from knowledge.text import TOKEN, fold, has_phrase

OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
"""A part of a glossary text left out when the edition lacks a field it names: "[, aquí {pei_period}]"."""


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
def _entries() -> tuple[dict[str, Any], ...]:
    raw = json.loads(resources.files("knowledge").joinpath("data", "glossary.json").read_text("utf-8"))
    return tuple(raw["terms"])


@lru_cache(maxsize=8)
def glossary(edition: Edition) -> tuple[GlossaryTerm, ...]:
    """Plan words people don't know, as data (``knowledge/data/glossary.json``), worded for the
    edition; an entry whose term or explanation needs a field the edition lacks is left out."""
    fields = edition_fields(edition)

    def filled(text: str | None) -> str | None:
        if text is None:
            return None
        kept = OPTIONAL.sub(lambda part: fill(part.group(1), fields) or "", text)
        return fill(kept, fields)

    terms = []
    for entry in _entries():
        term, explanation = filled(entry["term"]), filled(entry["explanation"])
        if term is None or explanation is None:
            continue
        aliases = (filled(alias) for alias in entry["aliases"])
        said = (fold(without_own_name(alias, edition.municipality)) for alias in aliases if alias)
        terms.append(
            GlossaryTerm(
                term=term,
                aliases=tuple(dict.fromkeys(said)),
                plan_text=filled(entry.get("plan_text")),
                explanation=explanation,
                card=filled(entry.get("card")),
                institution=bool(entry.get("institution", False)),
            )
        )
    return tuple(terms)


def find_term(folded: str, edition: Edition) -> GlossaryTerm | None:
    """The glossary term a question names (the longest alias wins)."""
    terms = find_terms(folded, edition)
    return terms[0] if terms else None


@lru_cache(maxsize=256)
def find_terms(folded: str, edition: Edition) -> tuple[GlossaryTerm, ...]:
    """Every glossary term a question names, the one with the longest alias first."""
    aliases = _aliases(edition)
    said = set(TOKEN.findall(folded))
    found: dict[str, tuple[int, GlossaryTerm]] = {}
    for alias, term in aliases:
        if alias.split(" ", 1)[0] in said and has_phrase(folded, (alias,)):
            best = found.get(term.term)
            if best is None or len(alias) > best[0]:
                found[term.term] = (len(alias), term)
    return tuple(term for _, term in sorted(found.values(), key=lambda pair: -pair[0]))


@lru_cache(maxsize=8)
def _aliases(edition: Edition) -> tuple[tuple[str, GlossaryTerm], ...]:
    """Every alias with its term, as words ("pdm-ot" → "pdm ot"): the first word is tested first."""
    return tuple(
        (" ".join(TOKEN.findall(a)), term)
        for term in glossary(edition)
        for a in term.aliases
        if TOKEN.findall(a)
    )


def said_as_one_word(folded: str, term: GlossaryTerm) -> bool:
    """The question names the term by a one-word alias ("MDTF", "arrastre"), not by plain words
    that are also a topic of their own ("vivienda de interés social")."""
    return any(" " not in a and has_phrase(folded, (a,)) for a in term.aliases)


MISSPELT_LENGTHS = range(4, 13)
"""Acronym-like forms this long are read past one slip ("pmdot" is "pdmot"); shorter ones
("pom", "poa", "pei") differ from each other by one letter, so they are never guessed."""


def misspelt_term(
    folded: str, edition: Edition, known: Callable[[str], bool]
) -> tuple[GlossaryTerm, tuple[str, ...]] | None:
    """The one glossary term an acronym-like word of the question misspells by one letter or one
    swap ("PMD-OT", "PDOT", "segeplam"), with the question's words that misspell it: a word (or
    two written apart, "pmd ot") that ``known`` says is no real word, against each term's
    one-word forms. None when no term, or more than one, is that near."""
    said = TOKEN.findall(folded)
    candidates: set[tuple[str, ...]] = {(w,) for w in said if not known(w)}
    candidates |= {(a, b) for a, b in pairwise(said) if not (known(a) and known(b))}
    found: dict[str, tuple[GlossaryTerm, tuple[str, ...]]] = {}
    for parts in sorted(candidates, key=len):
        word = "".join(parts)
        if len(word) not in MISSPELT_LENGTHS:
            continue
        for form, term in _one_word_forms(edition):
            if (
                len(form) in MISSPELT_LENGTHS
                and abs(len(form) - len(word)) <= 1
                and OSA.distance(word, form, score_cutoff=1) <= 1
            ):
                found[term.term] = (term, parts)
    return next(iter(found.values())) if len(found) == 1 else None


@lru_cache(maxsize=8)
def _one_word_forms(edition: Edition) -> tuple[tuple[str, GlossaryTerm], ...]:
    """Each term's aliases that are one word, or an acronym written in two ("pdm ot" as "pdmot")."""
    forms = []
    for term in glossary(edition):
        for alias in term.aliases:
            parts = TOKEN.findall(alias)
            if len(parts) == 1 or (len(parts) == 2 and len("".join(parts)) <= max(MISSPELT_LENGTHS)):
                forms.append(("".join(parts), term))
    return tuple(dict.fromkeys(forms))
