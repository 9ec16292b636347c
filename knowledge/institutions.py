"""Institutions a record of the plan names in its text: who the municipality does a thing with.

"¿Con qué institución trabaja la muni lo de alfabetización?" is answered by the lines of action
about literacy, which name CONALFA; "¿con quién coordina los centros de cuidado infantil?" by the
line that names the Secretaría de Obras Sociales. An institution is recognised by the names the
plan itself gives: its actors (by acronym or whole name), the glossary's institutions, and a
capitalised phrase that starts with a kind of institution ("Ministerio Público", "Secretaría de
Bienestar Social").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.glossary import GlossaryTerm
from knowledge.lexicon import spanish_words
from knowledge.model import Actor
from knowledge.text import TOKEN, fold

KINDS = (
    "Secretaría|Secretaria|Ministerio|Instituto|Consejo|Comité|Comite|Comisión|Comision|Procuraduría|"
    "Contraloría|Contraloria|Superintendencia|Policía|Policia|Fundación|Fundacion|Universidad|Registro|"
    "Dirección|Direccion|Coordinadora|Mancomunidad|Gremial|Organismo"
)
NAME_WORD = r"[A-ZÁÉÍÓÚÑ][\wáéíóúñÁÉÍÓÚÑ]+"
NAMED_INSTITUTION = re.compile(
    rf"\b(?:{KINDS})(?:\s+(?:(?:de|del|la|las|los|para|el|y(?!\s+(?:{KINDS})\b))\s+)*{NAME_WORD})+"
)
"""A capitalised institution's name: "Ministerio Público", "Secretaría de Obras Sociales de la
Esposa del Presidente"."""
ACRONYM = re.compile(r"^([A-ZÁÉÍÓÚÑ]{3,})\s*[-\u2013]")
DEALT_WITH = re.compile(r"\b(?:ante|con|junto\s+a|por|del|al)\s+(?:(?:el|la|los|las)\s+)?([A-ZÁÉÍÓÚÑ]{4,})\b")
"""An acronym a thing is done with or before ("gestionar ante el MINEDUC", "con el INAB"): an
institution, even when the plan's actors' table names it only in full."""


class Institutions:
    """The institutions the plan knows by name, looked up in a record's text."""

    def __init__(self, actors: Iterable[Actor], terms: Iterable[GlossaryTerm]) -> None:
        names: dict[str, str] = {}  # folded words of a name → how it is shown
        common = spanish_words()
        for actor in actors:
            shown = actor.name
            if _words(shown) not in common:  # "VECINOS", "EMPRESARIOS": people, not a name in a text
                names[_words(shown)] = shown
            acronym = ACRONYM.match(shown)
            if acronym:
                names[_words(acronym.group(1))] = shown
        self._not_institutions: set[str] = set()  # "del IUSI": a tax the glossary knows
        for term in terms:
            for alias in term.aliases:
                if term.institution:
                    names.setdefault(_words(alias), term.term)
                else:
                    self._not_institutions.add(_words(alias))
        self._names = {k: v for k, v in names.items() if k}
        self._common = common

    def named_in(self, text: str) -> list[str]:
        """The institutions a text names, in the order it names them (each once)."""
        padded = f" {_words(text)} "
        spans: list[tuple[int, int, str]] = []  # where in the text, to where, shown as
        for words, shown in self._names.items():
            at = padded.find(f" {words} ")
            if at >= 0:
                spans.append((at, at + len(words) + 1, shown))
        for match in NAMED_INSTITUTION.finditer(text):
            words = _words(match.group(0))
            at = padded.find(f" {words} ")
            spans.append((at, at + len(words) + 1, match.group(0)) if at >= 0 else (len(padded), 0, words))
        for match in DEALT_WITH.finditer(text):
            words = _words(match.group(1))
            if words not in self._names and words not in self._common and words not in self._not_institutions:
                at = padded.find(f" {words} ")
                spans.append((at, at + len(words) + 1, match.group(1)))
        kept = [
            (at, shown)
            for n, (at, end, shown) in enumerate(spans)
            if not any(
                o_at <= at and end <= o_end and ((o_at, o_end) != (at, end) or m < n)
                for m, (o_at, o_end, _) in enumerate(spans)
            )
        ]  # a name inside a longer one found (SESAN in "SESAN - Secretaría de …") is that one
        return list(dict.fromkeys(shown for _, shown in sorted(kept)))


def _words(text: str) -> str:
    return " ".join(TOKEN.findall(fold(text)))
