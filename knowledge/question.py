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
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources

from knowledge.ranks import asks_from_the_end
from knowledge.text import TOKEN, fold, has_phrase, phrases_in, stem, vocabulary

CLAUSE_SPLIT = re.compile(r"[?¿!¡.;:\n]+|,\s+|\s+(?:pero|porque|ya que|y es que|entonces)\s+")
LISTED_WORDS = re.compile(r"\b(\w+),\s+(\w+)\s+(y|e|o)\s+")
"""Words listed as "A, B y C": the comma joins them, it does not end a clause."""
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
    members: dict[str, tuple[str, ...]]
    filler: frozenset[str]
    works: tuple[str, ...]
    plan_names: tuple[str, ...]


MOST_INFLUENCE = re.compile(r"\b(mas|mayor|menos|menor)\s+(?:grado\s+de\s+)?(\w+)")
"""A grade asked by "más"/"menos" before an influence word ("más peso", "menor influencia")."""


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
        members={k: tuple(fold(p) for p in v) for k, v in raw["members"].items()},
        filler=frozenset(fold(p) for p in raw["filler"]),
        works=tuple(fold(p) for p in raw["works"]),
        plan_names=tuple(fold(p) for p in raw["plan_names"]),
    )


READ_ASKS_KEPT = 2048
"""A question is read several times (whole, by clause, for comparisons): readings are kept."""


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


@lru_cache(maxsize=READ_ASKS_KEPT)
def read_ask(folded: str) -> Ask:
    """What ``folded`` (a question run through :func:`knowledge.text.fold`) asks."""
    p = phrases()
    marks = frozenset(kind for kind, said in p.asks.items() if _has(folded, kind, said))
    if "status" in marks and HOW_IT_IS_MADE.search(folded):
        marks = marks - {"status"}  # "¿cómo está estructurado el PDM-OT?" asks what it is made of
    list_id, list_words = _named_list(folded)
    investment = has_phrase(folded, ("inversion", "invertir", "invierte", "invierten", "obras"))
    operating = has_phrase(folded, operating_words())  # "sueldos" stand for it too
    measure = "investment" if investment and not operating else "operating" if operating else "available"
    if measure != "available" and (
        has_phrase(folded, ("porcentaje", "por ciento", "proporcion")) or "%" in folded
    ):
        measure += "_pct"
    if investment and operating and marks & {"max", "min"}:
        measure = "investment_or_operating"
    if list_id and _asks_for_list_by_name(folded, list_words):
        marks = marks | {"list"}
    what = _what(marks, list_id, folded)
    if what in ("lookup", "sum") and asks_from_the_end(folded):  # "el penúltimo proyecto en monto"
        what, marks = "max", marks | {"max"}
    return Ask(what, list_id, list_words, measure, marks)


@cache
def operating_words() -> tuple[str, ...]:
    """ "funcionamiento", and the words the local vocabulary says stand for it alone ("sueldos";
    not "gastos", which stands for egresos too)."""
    synonyms = vocabulary().synonyms
    return (
        "funcionamiento",
        *sorted(w for w, said in synonyms.items() if tuple(said) == ("funcionamiento",)),
    )


HOW_IT_IS_MADE = re.compile(
    r"\bcomo\s+(?:esta|estan)\s+(?:\w+\s+)?(?:estructurad|organizad|conformad|compuest|formad|integrad|"
    r"dividid|distribuid|constituid|repartid)[oa]s?\b"
)
"""«¿Cómo está estructurado …?»: what a thing is made of, not how it is going."""

NOUNS_OF_MORE = (
    "dinero|pisto|plata|porcentaje|presupuesto|fondos|inversion|recursos|grande|caro|cara|alto|alta|monto|"
    "costoso|costosa|anos|tiempo|largo"
)
VERBS_OF_MORE = (
    "aporta|recibe|tiene|manda|da|invierte|destina|gasta|cuesta|toca|sale|viene|pone|dura|tarda|va|van"
)
# Diminutives too: "el más baratito", "la más chiquita".
MORE = re.compile(
    rf"\b(?:mas|mayor)\s+(?:\w+\s+)?(?:{NOUNS_OF_MORE})\b|\b(?:{VERBS_OF_MORE})\s+(?:\w+\s+)?mas\b"
)
LESS = re.compile(
    r"\b(?:menos|menor)\s+(?:\w+\s+)?(?:dinero|pisto|plata|porcentaje|presupuesto|fondos|inversion|recursos|"
    rf"monto|anos|tiempo)\b|\b(?:{VERBS_OF_MORE})\s+(?:\w+\s+)?menos\b|"
    r"\bmas\s+(?:barat|pequen|chic|chiquit|baj|cort)(?:it)?[oa]s?\b"
)
STRONG_SUM = (
    "suma",
    "suman",
    "sumado",
    "sumados",
    "total",
    "en total",
    "todo junto",
    "cuanto cuestan",
    "cuanto cuesta",
    "juntos",
    "juntas",
    "sumando",
)
"""Sum words that win over a plural list word ("¿cuánto suman los proyectos de la zona 10?")."""
APPROXIMATELY = re.compile(r"\bmas o menos\b(?!\s+que\b)")


def _has(folded: str, kind: str, said: tuple[str, ...]) -> bool:
    if kind in ("max", "min"):  # "¿cuánto es más o menos?" is about, not more or less than
        folded = APPROXIMATELY.sub(" ", folded)
    if kind == "max" and MORE.search(folded):
        return True
    if kind == "min" and LESS.search(folded):
        return True
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
    if "sum" in marks and has_phrase(folded, STRONG_SUM):  # "los proyectos de agua, ¿cuánto suman todos?"
        return "sum"
    if list_id and "list" in marks:  # "¿cuáles obras siguen hasta el 2025?": a list, filtered
        return "list"
    if "who" in marks:
        return "who"
    counts = "count" in marks  # "¿cuántos sistemas había funcionando en 2021?" asks a number, not a state
    if "status" in marks and not counts and not ("when" in marks and "cuando" in TOKEN.findall(folded)):
        return "status"  # "¿para cuándo está listo?" asks when: the period answers it
    if "when" in marks:
        return "when"
    if "sum" in marks and has_phrase(folded, STRONG_SUM):
        return "sum"
    if list_id and ("list" in marks or _plural_list_question(folded, first)):
        return "list"
    if "sum" in marks:
        return "sum"
    return "lookup"


def _asks_for_list_by_name(folded: str, list_words: tuple[str, ...]) -> bool:
    """ "¿qué proyectos terminan este año?", "cuáles actores …": a question word, then the list."""
    return any(
        re.match(rf"(?:que|q|k|cuales)\s+(?:\w+\s+)?{re.escape(w)}\b", folded)
        for w in list_words
        if w.split()[0].endswith("s")
    )


COUNTED = re.compile(
    r"\b(?:cuantos|cuantas|numero de|cantidad de)\s+(?:(?:son|hay|existen|eran|fueron)\s+)?"
    r"(?:(?:los|las|el|la|de|del)\s+)?(\w+(?:\s\w+)?)"
)
"""What is counted, past the words between ("¿cuántas son las potencialidades?")."""


def counted_words(folded: str) -> str | None:
    """What "¿cuántos …?" counts: the (one or two) words right after it."""
    found = COUNTED.search(folded)
    return found.group(1) if found else None


def _counts_list(folded: str) -> bool:
    """ "¿cuántos proyectos hay?": the counted word is a list's own word, right after cuántos."""
    counted = counted_words(folded)
    if counted is None:
        return False
    return any(
        counted == w or counted.startswith(f"{w} ") for words in phrases().lists.values() for w in words
    )


def _plural_list_question(folded: str, first: list[str]) -> bool:
    """ "¿qué proyectos hay?", "qué actores trabajan con la muni": a plural list word asked with
    qué / cuáles, or alone ("proyectos de agua")."""
    del first
    words = TOKEN.findall(folded)
    plural = [p for p in phrases_in(folded, _named_phrases()) if p.split()[0].endswith("s")]
    singular_ask = "cual" in words and "cuales" not in words
    return bool(plural) and not singular_ask


@cache
def _named_phrases() -> tuple[str, ...]:
    return tuple(p for said in (*phrases().lists.values(), *phrases().members.values()) for p in said)


def _named_list(folded: str) -> tuple[str | None, tuple[str, ...]]:
    """The list a question names, preferring the longest phrase ("acciones operativas" over
    "acciones", "líneas del POM" over "líneas"); plural words win over singular ones."""
    best: tuple[int, str, str] | None = None
    member_of = _member_list(folded)
    if member_of is not None and not any(has_phrase(folded, (p,)) for p in phrases().lists[member_of]):
        return member_of, ()
    found = [
        (list_id, phrase) for list_id, said in phrases().lists.items() for phrase in phrases_in(folded, said)
    ]
    for list_id, phrase in found:
        if any(phrase != other and f" {phrase} " in f" {other} " for _, other in found):
            continue  # "líneas" inside "líneas del POM": the longer name says which list
        rank = len(phrase) + (100 if phrase.endswith("s") else 0)
        if best is None or rank > best[0]:
            best = (rank, list_id, phrase)
    if best is None:
        return None, ()
    list_id = best[1]
    return list_id, tuple(phrases_in(folded, phrases().lists[list_id]))


def _member_list(folded: str) -> str | None:
    """ "¿qué ministerios aparecen?": words that name part of a list also name the list."""
    return next((list_id for list_id, said in phrases().members.items() if has_phrase(folded, said)), None)


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
        listed = LISTED_WORDS.sub(r"\1 \2 \3 ", chunk)  # "IIC, IGA e IGF qué son": one clause
        clauses = [c.strip() for c in CLAUSE_SPLIT.split(listed) if len(TOKEN.findall(fold(c))) >= 2]
        for n, clause in enumerate(clauses):
            words = TOKEN.findall(fold(clause))
            opens = words[0] in phrases().clause_starts or words[1] in ("que", "cual")
            score = 2 * (asked and n == len(clauses) - 1) + asked + opens
            if score:
                pieces.append((-score, position, clause))
            tail = _question_tail(words)
            if tail and tail.startswith("que ") and words[0] in TAIL_STARTS:
                tail = None  # "¿cuál es la segunda zona que más dinero recibe?": "que" relates, not asks
            if tail:  # no punctuation: the question starts at its last question word
                joined = opens and words[len(words) - len(tail.split()) - 1] in TAIL_JOINS
                # "¿cuál es el total y cómo se divide?": one question in two parts, the whole clause first
                pieces.append((-(score - 1 if joined else score + 1), position, tail))
            position += 1
    pieces.sort()
    return [clause for _, _, clause in pieces]


TAIL_STARTS = frozenset(
    ("que", "cual", "cuales", "cuanto", "cuanta", "cuantos", "cuantas", "cuando", "como", "donde", "hay")
)

TAIL_JOINS = frozenset(("y", "e", "o", "u", "ni"))
"""Words that join a tail to the question before it ("… total y cómo se divide")."""


def _question_tail(words: list[str]) -> str | None:
    """ "estoy molesto la basura está por todos lados que va a hacer la muni con la basura" →
    "que va a hacer la muni con la basura"."""
    starts = [
        n
        for n, w in enumerate(words)
        if w in TAIL_STARTS and n >= 3 and len(words) - n >= 3 and not _relative(words, n)
    ]
    return " ".join(words[starts[-1] :]) if starts else None


RELATIVE_BEFORE = frozenset(("el", "la", "los", "las", "lo", "aquel", "aquellos", "aquellas"))
"""Words after which "que" relates ("los que aparecen en la tabla"), not asks."""


def _relative(words: list[str], n: int) -> bool:
    return words[n] == "que" and words[n - 1] in RELATIVE_BEFORE


EXCLUSION = re.compile(
    r"\b(?:aparte de|aparte del|ademas de|ademas del|excepto|salvo|sin contar|fuera de|fuera del|"
    r"que no sean?|que no son|que no es|no son de|no sea de|no son del|"
    r"no (?:la|el|las|los) (?:de|del))\s+((?:[a-z0-9]+\s?){1,5})"
)
EXCLUSION_STOPS = frozenset(
    [
        "que",
        "cual",
        "cuales",
        "otras",
        "otros",
        "otra",
        "otro",
        "hay",
        "tiene",
        "tienen",
        "menciona",
        "mencionan",
        "y",
        "o",
    ]
)


def excluded_words(folded: str) -> str | None:
    """What a question leaves out: "aparte del código municipal, ¿qué otras leyes …?" → "codigo
    municipal"; "¿qué proyectos no son de agua?" → "agua"."""
    found = EXCLUSION.search(folded)
    if not found:
        return None
    kept: list[str] = []
    for word in found.group(1).split():
        if word in EXCLUSION_STOPS:
            break
        kept.append(word)
    return " ".join(kept) or None


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
        level = _most_influence(folded)
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
    for match in _place_pattern().finditer(folded):
        name = _trim_place(match.group(1))
        if name:
            found.append(name)
    return found


@cache
def _place_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in sorted(phrases().places, key=len, reverse=True))
    return re.compile(rf"\b(?:{words})\.?\s+((?:[a-z0-9]+\s?){{1,4}})")


PLACE_STOPS = frozenset(
    [
        "zona",
        "zonas",
        "de",
        "del",
        "en",
        "que",
        "hay",
        "tiene",
        "tienen",
        "para",
        "por",
        "con",
        "y",
        "o",
        "a",
        "cuando",
        "como",
        "donde",
        "ya",
        "esta",
        "es",
        "son",
        "mixco",
        "municipio",
        "la",
        "muni",
        "municipalidad",
        "proyecto",
        "proyectos",
        "obra",
        "obras",
        "algo",
        "alguna",
        "algun",
        "se",
        "va",
        "van",
        "me",
        "mi",
        "no",
        "si",
    ]
)


def _trim_place(words_text: str) -> str:
    words = words_text.split()
    kept: list[str] = []
    for n, word in enumerate(words):
        inside = (
            n + 1 < len(words) and words[n + 1] not in PLACE_STOPS
        )  # "lo de bran", "molino de las flores"
        connector = word in ("de", "del", "la", "las", "los") and kept and inside
        if (
            word in PLACE_STOPS
            and not connector
            and not (n == 0 and word in ("el", "la", "los", "las", "san", "santa"))
        ):
            break
        kept.append(word)
    while kept and kept[-1] in ("el", "la", "los", "las", "de", "del"):
        kept.pop()
    return " ".join(kept)


# Words of asking, for the answerer's finer choices ---------------------------------------------
WHEN_WORDS = frozenset(
    ("cuando", "hasta", "desde", "fecha", "ano", "periodo", "vigencia", "vigente", "plazo", "tiempo", "dura")
)


@cache
def ask_stems() -> frozenset[str]:
    return frozenset(stem(w) for said in phrases().asks.values() for phrase in said for w in phrase.split())


@cache
def define_words() -> frozenset[str]:
    """The words of "¿qué significa …?", "¿hasta cuándo va …?": they ask, they name nothing."""
    return frozenset(w for phrase in phrases().asks["define"] for w in phrase.split()) | WHEN_WORDS


@cache
def list_words(list_id: str) -> tuple[str, ...]:
    """The words people use for a whole list of the plan ("actores", "instituciones")."""
    return phrases().lists.get(list_id, ())


def member_words(list_id: str) -> tuple[str, ...]:
    return phrases().members.get(list_id, ())


@cache
def filler_words() -> frozenset[str]:
    return phrases().filler


def plan_names() -> tuple[str, ...]:
    """How people name the plan itself ("el plan de desarrollo"): words that filter no list."""
    return phrases().plan_names


@cache
def filler_stems() -> frozenset[str]:
    """The stems of the filler words: "identifca", corrected to "identificar", is "identifica"."""
    return frozenset(stem(w) for w in phrases().filler)


def asks_for_works(folded: str) -> bool:
    """ "¿van a hacer algo por aquí?", "¿hay algo pa la zona 2?": what works a place gets."""
    return has_phrase(folded, phrases().works)


def _most_influence(folded: str) -> str | None:
    """ "¿quiénes tienen más peso en las decisiones?": the highest grade; "menos influencia": the lowest."""
    found = MOST_INFLUENCE.search(folded)
    if found is None or found.group(2) not in phrases().influence_words:
        return None
    return "alto" if found.group(1) in ("mas", "mayor") else "bajo"


def influence_asked(folded: str) -> bool:
    """Whether a question asks about influence ("¿quién tiene más peso?"), not only a level word."""
    misspelt = any(w.startswith("influ") for w in TOKEN.findall(folded))  # "influensia"
    return misspelt or has_phrase(folded, phrases().influence_words)


@cache
def influence_words() -> tuple[str, ...]:
    p = phrases()
    return (
        *p.influence_words,
        *p.influence_decisions,
        *p.influence_implementation,
        "alta",
        "alto",
        "media",
        "medio",
        "baja",
        "bajo",
        "altas",
        "bajas",
        "medias",
    )


@cache
def ask_phrases(kind: str) -> tuple[str, ...]:
    return phrases().asks[kind]


@cache
def known_stems() -> frozenset[str]:
    """Stems of the words any plan question is made of (list words, ask words): a courtesy has none."""
    p = phrases()
    words = {w for said in p.lists.values() for phrase in said for w in phrase.split()}
    words |= {w for said in p.asks.values() for phrase in said for w in phrase.split()}
    words |= {
        "zona",
        "meta",
        "plan",
        "presupuesto",
        "dinero",
        "agua",
        "basura",
        "seguridad",
        "salud",
        "educacion",
    }
    for name in ("money", "budget", "target", "status", "past"):
        words |= {w for phrase in vocabulary().intents.get(name, ()) for w in phrase.split()}
    return frozenset(stem(w) for w in words if len(w) > 3)


ASKING_STARTS = frozenset(
    ("cual", "cuales", "cuanto", "cuanta", "cuantos", "cuantas", "quien", "quienes", "donde", "cuando")
)
"""Words that open a question even without "?" ("cuánto cuesta", "dónde queda"). Not "qué" or
"cómo", which as often open an exclamation or a story ("qué bueno que ya empezaron")."""
LOOKUP_WORDS = frozenset(
    ("proyecto", "proyectos", "snip", "codigo", "numero", "no", "zona", "el", "la", "del", "de")
)
"""What a bare lookup says besides its SNIP or zona number ("proyecto 242177", "zona 6")."""


def asks_the_bot(text: str) -> bool:
    """Whether a message asks the bot something — a question, or a bare lookup such as «proyecto
    242177» — rather than telling it what one sees. A report draft ends with such a message."""
    if "?" in text or "¿" in text:
        return True
    words = TOKEN.findall(fold(text))
    if not words:
        return False
    return words[0] in ASKING_STARTS or all(w in LOOKUP_WORDS or w.isdigit() for w in words)


THRESHOLD = re.compile(
    r"\b(?P<side>mas de?|pasan? de?|arriba de?|encima de?|mayore?s? (?:de?|a)|superan?|sobre|"
    r"menos de?|debajo de?|abajo de?|menore?s? (?:de?|a)|no pasan? de?)\s+(?:los\s+|las\s+)?(?:q\.?\s*)?"
    r"(?P<n>un|\d+(?:[.,]\d+)*)\s*(?P<unit>millones|millon|mil)?\b"
)
"""An amount a question sets as a bound ("proyectos de más de 3 millones", "menos de Q500,000")."""
UNITS = {"millones": 1_000_000, "millon": 1_000_000, "mil": 1_000}
MIN_BOUND = 1000
"""A bare number under this is not an amount ("más de 3 proyectos")."""


def amount_threshold(folded: str) -> tuple[bool, Decimal] | None:
    """ "¿qué proyectos pasan de 3 millones?" → (True, 3000000): above (True) or below a bound."""
    found = THRESHOLD.search(folded)
    if found is None:
        return None
    number, unit = found.group("n"), found.group("unit")
    if number == "un":
        if unit not in ("millon", "millones", "mil"):
            return None
        value = Decimal(1)
    elif unit:  # "3 millones", "1.5 millones", "1,5 millones": at most one decimal mark
        if number.count(",") + number.count(".") > 1:
            return None
        value = Decimal(number.replace(",", "."))
    else:  # "2,000,000", "500000"
        if not re.fullmatch(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+", number):
            return None
        value = Decimal(number.replace(",", ""))
        if value < MIN_BOUND:
            return None  # "más de 3 proyectos": a bound of something else
    value *= UNITS.get(unit or "", 1)
    below = found.group("side").startswith(("menos", "debajo", "abajo", "menor", "no pasa"))
    return (not below, value)


@dataclass(frozen=True, slots=True)
class ShareAsked:
    """A bound on the share a funding source gives to one part ("¿qué fuentes van 100 % a
    inversión?", "¿cuál es toda para funcionamiento?", "más de la mitad a obras")."""

    part: str
    """ "investment" or "operating"."""
    relation: str
    """ "eq", "gt", "ge", "lt" or "le": how a source's share compares with :attr:`pct`."""
    pct: Decimal


SHARE_PARTS = {"investment": r"inversion|invertir|obras", "operating": r"funcionamiento"}
SHARE_PART = re.compile(rf"\b(?:{'|'.join(SHARE_PARTS.values())})\b")
WHOLE_SHARE = re.compile(
    r"\b(?:tod[oa]s?|totalmente|completamente|integramente|enteramente|exclusivamente|solo|solamente|"
    r"unicamente|puro|pura|nomas)\s+(?:(?:es|son|va|van|se|lo|la|el|para|pa|a|al|en|de|destinad[oa]s?)\s+){0,3}"
    rf"(?P<part>{'|'.join(SHARE_PARTS.values())})\b"
)
NO_SHARE = re.compile(
    r"\b(?:nada|ningun|ninguna|cero)\s+(?:(?:va|van|se|es|para|pa|a|al|en|de|lo|la|el|destinan?)\s+){0,3}"
    rf"(?P<part>{'|'.join(SHARE_PARTS.values())})\b"
)
HOW_MUCH_SHARE = re.compile(r"\b(?:cuanto|cuanta|suma|suman|total)\b")
"""An amount asked: "todo" and "nada" then say how much, not which sources."""
SHARE_NUMBER = re.compile(r"\b(?P<n>\d{1,3}(?:[.,]\d+)?)\s*(?:%|por ciento)|\b(?P<half>la mitad)\b")
ABOVE_SHARE = r"\b(?:mas|arriba|encima)\s+(?:de|del|de la)\s*$"
BELOW_SHARE = r"\b(?:menos|debajo|abajo)\s+(?:de|del|de la)\s*$"
COMPARED_SHARE = r"(?:es)?\s+(?:a|al|que)\s*(?:el|la)?\s*$"
SHARE_RELATIONS = (
    ("gt", re.compile(rf"{ABOVE_SHARE}|\b(?:mayor|superior){COMPARED_SHARE}")),
    ("lt", re.compile(rf"{BELOW_SHARE}|\b(?:menor|inferior){COMPARED_SHARE}")),
    ("ge", re.compile(r"\b(?:al menos|por lo menos|minimo|como minimo)\s*(?:el|la|un)?\s*$")),
    ("le", re.compile(r"\b(?:hasta|como maximo|a lo sumo|maximo)\s*(?:el|la|un)?\s*$")),
)
"""How the words right before a share bound it ("más del 50 %", "al menos el 90 %")."""
SHARE_AFTER = (("ge", re.compile(r"^\s*o mas\b")), ("le", re.compile(r"^\s*o menos\b")))


def share_asked(folded: str) -> ShareAsked | None:
    """The share bound a question sets on the funding sources, if any: a percentage or "la
    mitad" said with inversión / funcionamiento, or "toda para …" / "nada a …"."""
    part = SHARE_PART.search(folded)
    if part is None:  # every bound names the part (inversión, funcionamiento): tested first, cheaply
        return None
    how_much = HOW_MUCH_SHARE.search(folded) is not None  # "¿cuánto es todo lo de inversión?": an amount
    whole = None if how_much else WHOLE_SHARE.search(folded)
    if whole is not None:
        return ShareAsked(_share_part(whole.group("part")), "eq", Decimal(100))
    nothing = None if how_much else NO_SHARE.search(folded)
    if nothing is not None:
        return ShareAsked(_share_part(nothing.group("part")), "eq", Decimal(0))
    number = SHARE_NUMBER.search(folded)
    if number is None:
        return None
    pct = Decimal(50) if number.group("half") else Decimal(number.group("n").replace(",", "."))
    before, after = folded[: number.start()], folded[number.end() :]
    relation = next((name for name, said in SHARE_RELATIONS if said.search(before)), None)
    relation = relation or next((name for name, said in SHARE_AFTER if said.search(after)), "eq")
    return ShareAsked(_share_part(part.group(0)), relation, pct)


def _share_part(word: str) -> str:
    return "operating" if re.fullmatch(SHARE_PARTS["operating"], word) else "investment"


def share_holds(share: ShareAsked, value: Decimal) -> bool:
    """Whether a source's share (``value``, in percent) meets the bound."""
    return {
        "eq": value == share.pct,
        "gt": value > share.pct,
        "ge": value >= share.pct,
        "lt": value < share.pct,
        "le": value <= share.pct,
    }[share.relation]
