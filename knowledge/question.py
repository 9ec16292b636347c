"""What a question asks, read before any record is searched.

Search (``knowledge.search``) finds *which records* a question is about; this module says *what
is asked* of them: a whole list, one record, an aggregate (largest, smallest, a sum, a count),
when, who, what a plan word means, or how a project is going. The answerer then composes by
table lookup on :attr:`Ask.what`. Phrases are data (``knowledge/data/questions.json``).

Chatty messages ("buenas tardes, fíjese que … ¿qué proyectos de pozos tiene la muni?") are
split into clauses; :func:`question_clauses` gives the ones that look like the question, so
that complaint words around it do not sink it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.text import TOKEN, fold, has_phrase

CLAUSE_SPLIT = re.compile(r"[?¿!¡.;:\n]+|,\s+|\s+(?:pero|porque|ya que|y es que|entonces)\s+")
MIN_CHATTY_WORDS = 9
"""Below this many words a message is taken whole."""


@dataclass(frozen=True, slots=True)
class Phrases:
    asks: dict[str, tuple[str, ...]]
    lists: dict[str, tuple[str, ...]]
    influence_levels: dict[str, str]
    influence_decisions: tuple[str, ...]
    influence_implementation: tuple[str, ...]
    influence_words: tuple[str, ...]
    places: tuple[str, ...]
    clause_starts: frozenset[str]


@cache
def phrases() -> Phrases:
    raw = json.loads(resources.files("knowledge").joinpath("data", "questions.json").read_text("utf-8"))
    influence = raw["influence"]
    return Phrases(
        asks={k: tuple(fold(p) for p in v) for k, v in raw["asks"].items()},
        lists={k: tuple(fold(p) for p in v) for k, v in raw["lists"].items()},
        influence_levels={fold(k): v for k, v in influence["levels"].items()},
        influence_decisions=tuple(fold(p) for p in influence["decisions"]),
        influence_implementation=tuple(fold(p) for p in influence["implementation"]),
        influence_words=tuple(fold(p) for p in influence["words"]),
        places=tuple(fold(p) for p in raw["places"]),
        clause_starts=frozenset(fold(p) for p in raw["clause_starts"]),
    )


@dataclass(frozen=True, slots=True)
class Ask:
    """What a question asks.

    ``what``: "list", "count", "max", "min", "sum", "when", "status", "who", "define" or
    "lookup". ``list_id``: the whole list the question names ("actors", "projects" …), if any;
    ``list_words``: the words that named it (removed before the rest filters the list).
    ``measure``: for money aggregates, "investment", "operating" or "available".
    """

    what: str
    list_id: str | None = None
    list_words: tuple[str, ...] = ()
    measure: str = "available"
    marks: frozenset[str] = frozenset()
    """Every kind of ask whose phrases occur ("list", "when" …), for the composers' finer choices."""


def read_ask(folded: str) -> Ask:
    """What ``folded`` (a question run through :func:`knowledge.text.fold`) asks."""
    p = phrases()
    marks = frozenset(kind for kind, said in p.asks.items() if _has(folded, kind, said))
    list_id, list_words = _named_list(folded)
    measure = (
        "investment"
        if has_phrase(folded, ("inversion", "invertir", "invierte", "invierten"))
        else "operating"
        if has_phrase(folded, ("funcionamiento",))
        else "available"
    )
    what = _what(marks, list_id, folded)
    return Ask(what, list_id, list_words, measure, marks)


def _has(folded: str, kind: str, said: tuple[str, ...]) -> bool:
    if kind == "max":
        # "adulto mayor", "mayores de edad" are people, not a superlative
        folded = re.sub(r"\b(adultos? mayor(es)?|mayor(es)? de edad|menores de)\b", " ", folded)
    if kind == "min":
        folded = re.sub(r"\b(menores de|menor de edad|menos de)\b", " ", folded)
    return has_phrase(folded, said)


def _what(marks: frozenset[str], list_id: str | None, folded: str) -> str:
    if "define" in marks:
        return "define"
    if "max" in marks:
        return "max"
    if "min" in marks:
        return "min"
    first = TOKEN.findall(folded)[:3]
    if "count" in marks and list_id and _counts_list(folded):
        return "count"
    if "who" in marks:
        return "who"
    if "status" in marks:
        return "status"
    if "when" in marks:
        return "when"
    if list_id and ("list" in marks or _plural_list_question(folded, first)):
        return "list"
    if "sum" in marks:
        return "sum"
    return "lookup"


def _counts_list(folded: str) -> bool:
    """ "¿cuántos proyectos hay?": the counted word is a list's own word, right after cuántos."""
    found = re.search(r"\b(?:cuantos|cuantas|numero de|cantidad de)\s+(\w+(?:\s\w+)?)", folded)
    if not found:
        return False
    counted = found.group(1)
    return any(
        counted == w or counted.startswith(f"{w} ") for words in phrases().lists.values() for w in words
    )


def _plural_list_question(folded: str, first: list[str]) -> bool:
    """ "¿qué proyectos hay?", "qué actores trabajan con la muni": a plural list word asked with
    qué / cuáles, or alone ("proyectos de agua")."""
    asked = any(w in ("que", "cuales", "cual", "q", "k", "hay", "tiene", "tienen") for w in first)
    words = TOKEN.findall(folded)
    plural = [w for w in words if w.endswith("s") and any(w in ws for ws in phrases().lists.values())]
    return bool(plural) and (asked or words[:1] == plural[:1] or "hay" in words)


def _named_list(folded: str) -> tuple[str | None, tuple[str, ...]]:
    """The list a question names, preferring the longest phrase ("acciones operativas" over
    "acciones"); plural words win over singular ones."""
    best: tuple[int, str, str] | None = None
    for list_id, said in phrases().lists.items():
        for phrase in said:
            if has_phrase(folded, (phrase,)):
                rank = len(phrase) + (100 if phrase.endswith("s") else 0)
                if best is None or rank > best[0]:
                    best = (rank, list_id, phrase)
    if best is None:
        return None, ()
    list_id = best[1]
    return list_id, tuple(p for p in phrases().lists[list_id] if has_phrase(folded, (p,)))


def question_clauses(text: str) -> list[str]:
    """The clauses of a long chatty message that look like its question, best first: those
    ending in "?" and those opening with a question word. Empty for short messages."""
    if len(TOKEN.findall(fold(text))) < MIN_CHATTY_WORDS:
        return []
    pieces: list[tuple[int, int, str]] = []
    position = 0
    for match in re.finditer(r"[^?]*\?|[^?]+$", text):
        chunk = match.group(0)
        asked = chunk.rstrip().endswith("?")
        clauses = [c.strip() for c in CLAUSE_SPLIT.split(chunk) if len(TOKEN.findall(fold(c))) >= 2]
        for n, clause in enumerate(clauses):
            words = TOKEN.findall(fold(clause))
            opens = words[0] in phrases().clause_starts or words[1] in ("que", "cual")
            score = 2 * (asked and n == len(clauses) - 1) + asked + opens
            if score:
                pieces.append((-score, position, clause))
            position += 1
    pieces.sort()
    return [clause for _, _, clause in pieces]


def influence_filter(folded: str) -> tuple[str | None, tuple[str, ...]]:
    """ "actores con influencia alta en las decisiones" → ("alto", ("decisions",)); the level is
    None when the question names none."""
    p = phrases()
    level = None
    for word in TOKEN.findall(folded):
        for prefix, name in p.influence_levels.items():
            if word.startswith(prefix) and len(word) <= len(prefix) + 3:
                level = name
    if level is None:
        return None, ()
    dimensions = []
    if has_phrase(folded, p.influence_decisions):
        dimensions.append("decisions")
    if has_phrase(folded, p.influence_implementation):
        dimensions.append("implementation")
    return level, tuple(dimensions) or ("decisions", "implementation")


def place_phrases(folded: str) -> list[str]:
    """Place names introduced by a place word: "colonia el milagro" → "el milagro"."""
    found = []
    for word in phrases().places:
        for match in re.finditer(rf"\b{re.escape(word)}\.?\s+((?:[a-z0-9]+\s?){{1,4}})", folded):
            name = _trim_place(match.group(1))
            if name:
                found.append(name)
    return found


PLACE_STOPS = frozenset(
    "zona zonas de del en que hay tiene tienen para por con y o a cuando como donde ya esta es son "
    "mixco la muni municipalidad proyecto proyectos obra obras algo alguna algun se va van me mi".split()
)


def _trim_place(words_text: str) -> str:
    words = words_text.split()
    kept: list[str] = []
    for n, word in enumerate(words):
        if word in PLACE_STOPS and not (n == 0 and word in ("el", "la", "los", "las", "san", "santa")):
            break
        kept.append(word)
    while kept and kept[-1] in ("el", "la", "los", "las", "de", "del"):
        kept.pop()
    return " ".join(kept)
