"""Compose answers from the plan: what to say, with the plan's own figures and its source.

A question is read twice: ``knowledge.search.analyze`` finds what it is about (zonas, SNIPs,
weighted words) and ``knowledge.question.read_ask`` what it asks (a list, an aggregate, when,
who, a definition, a status, or one record). Composition is then a table lookup
(:data:`Answerer.COMPOSERS`), and every record is drawn by its kind's entry in
``knowledge.kinds``. Every answer leads with the direct answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache, partial
from itertools import pairwise
from typing import ClassVar, TypeVar

import numpy as np

from knowledge import catalog as t
from knowledge.answer_types import (
    Answer,
    Fact,
    FollowUp,
    Line,
    Match,
    answer_text,
    format_pct,
    format_q,
    join_numbers,
    join_words,
    shorten,
    with_lead,
    with_section,
)
from knowledge.compare import INVESTMENT_WORDS, OPERATING_WORDS, Comparisons, capitalised
from knowledge.counts import count_of
from knowledge.documents import ancestors, plan_documents
from knowledge.edition import OWN_MUNICIPALITY, without_own_name
from knowledge.glossary import GlossaryTerm, find_term, find_terms, glossary, misspelt_term, said_as_one_word
from knowledge.influence import actors_named, distinctive_stems, influence_comparison
from knowledge.institutions import Institutions
from knowledge.kinds import LISTS, ListSpec, PlanView, kind_of
from knowledge.lexicon import spanish_words
from knowledge.lists import EXCLUDED_COVERAGE, Lists, word_key
from knowledge.memo import remembered
from knowledge.model import Actor, FundingSource, Plan, Policy, Project, Statement
from knowledge.question import (
    WHEN_WORDS,
    Ask,
    amount_threshold,
    ask_phrases,
    ask_stems,
    asks_for_works,
    counted_words,
    define_words,
    excluded_words,
    filler_words,
    influence_asked,
    influence_filter,
    known_stems,
    list_words,
    operating_words,
    place_phrases,
    plan_names,
    question_clauses,
    read_ask,
    share_asked,
)
from knowledge.ranks import place_asked, place_line, ranking_lines
from knowledge.relative import Relatives
from knowledge.search import Doc, Hit, Query, SearchIndex, analyze
from knowledge.source_names import SourceNames
from knowledge.text import (
    NUMBER_WORDS,
    TOKEN,
    content_words,
    find_years,
    find_zonas,
    fold,
    has_phrase,
    is_stop_word,
    phrases_in,
    stem,
    vocabulary,
    words,
)

__all__ = ["Answer", "Answerer", "Fact", "FollowUp", "Line", "Match", "format_q"]

POM_WORDS = ("pom", "multianual")
"""Words that name the multi-year plan (its strategic lines are a list of their own), besides
its period ("2024-2028", see ``Answerer.pom_words``)."""
QUOTE_FROM_CHARS = 350
"""A record's text at least this long may hide the sentence asked for below the first screen."""
QUOTE_SHOWN_CHARS = 300
QUOTE_SHARE = 0.6
"""The share of the question's words (not the title's) a sentence must say to be quoted first."""
NUMBERING = re.compile(r"[ivxlc]+|[a-z]|\d+")
"""A heading's numbering ("II.", "A.", "3.")."""
SENTENCE_END = re.compile(r"(?<=[.;])\s+")
HOW_MUCH_THERE_IS = re.compile(r"\bcuanto\s+(?:hay|habia|hubo|habra|tiene|tenia|tienen|tenian)\b")
"""How much there is, of nothing named: the plan's whole budget."""
OUTSIDE_BRACKETS = r"(?![^()]*\))"
"""Not inside brackets: "(Revisión Nacional Voluntaria 2019, El camino …)" is not cut at its comma."""
CLAUSE_BREAK = re.compile(rf",\s+{OUTSIDE_BRACKETS}")
QUOTE_CHARS = 300
QUOTE_MIN_CHARS = 120
"""The longest sentence quoted whole; a longer one is quoted by its clauses that say it."""
START_ASKS = (
    "desde cuando",
    "desde que ano",
    "cuando empezo",
    "cuando inicio",
    "cuando comenzo",
    "desde que fecha",
)
PERIOD_START_WORDS = ("empezo", "empieza", "inicio", "inicia", "arranco", "arranca", "comenzo", "comienza")
PERIOD_END_WORDS = ("termino", "termina", "finalizo", "finaliza", "acabo", "acaba", "concluye")
"""Verbs that, with "primero" or "último", order the projects by their period's first or last year."""
START_MARKS = (
    "a partir de",
    "a partir del",
    "desde",
    "dio inicio",
    "inicio",
    "comenzo",
    "se creo",
    "se aprobo",
)
STATE_MARKS = (
    *("en proceso", "pendiente", "vigente", "en ejecucion", "ejecutado", "aprobado", "aprobada"),
    *("se aprobo", "actualizado", "aun se encuentra", "aun no", "todavia"),
    *("categoria", "posiciono", "se evidencia", "obtuvo", "resultados"),
)
"""Words of a sentence that says in what state something is or how it came out ("¿ya está
aprobado …?", "¿cómo salió Mixco en el ranking?")."""
EVENTS = (
    (re.compile(r"\b(?:aprob\w*|aprueba\w*)\b"), re.compile(r"\baprob\w*")),
    (re.compile(r"\bactualiz\w*\b"), re.compile(r"\bactualiz\w*")),
    (
        re.compile(r"\b(?:elabor\w*|formul\w*|hizo|hicieron|creo|crearon|creado|creada|redact\w*)\b"),
        re.compile(r"\b(?:elabor|formul|cre[oaó]|aprob)\w*"),
    ),
)
"""What happened to a document that a when-question asks about (its approval, its update, its
making), and the words of a sentence that tell of it: a sentence that dates something else
("… y Plan Operativo Anual 2024") does not say when it was approved."""
WHO_MADE_ASKED = re.compile(
    r"\b(?:elabor\w*|formul\w*|hizo|hicieron|redact\w*|prepar\w*|particip(?:aron|o|an|ado))\b"
)
WHO_MADE_TOLD = re.compile(r"\b(?:particip(?:aron|o|an|ado)|(?:elaborad|formulad|redactad)[oa]s? por)\b")
"""A who-question about the making of a document ("¿quiénes hicieron el POA?") and the words of
a sentence that tells who made it ("… han participado todas las áreas")."""
ALREADY_ASKED = re.compile(
    r"\bya\s+(?:\w+\s+)?(?:tiene|tienen|hay|existe|existen|implement\w*|cuenta|cuentan|puso|pusieron)\b|"
    r"\b(?:tiene|tienen|hay|existen?|cuenta|cuentan)\s+ya\b|\bha(?:n)?\s+(?:puesto|implementado|creado|instalado)\b"
)
ALREADY_TOLD = re.compile(r"\bya\s+(?:implementad|existent|cread|instalad)\w*|\bactualmente\b|\bcuenta con\b")
"""What a municipality already has ("¿qué herramientas ya tiene la muni …?", "¿qué ha puesto …?"),
not what a line of action will do, and the words of a sentence that tell of it ("… los ya
implementados como la MixcoAPP …")."""
ALREADY_COVERAGE = 0.6
"""How much of the question the record of such a sentence must explain."""
WHY_ASKED = re.compile(
    r"\bpor\s?(?:que|q)\b|\bcual\s+(?:es|fue)\s+(?:el\s+)?(?:motivo|razon)\b|\ba\s+que\s+se\s+debe\b"
)
REASON_TOLD = re.compile(
    r"\b(?:debido\s+(?:a|que)|a\s+raiz\s+de|en\s+virtud\s+de|a\s+causa\s+de|ya\s+que|porque|"
    r"dad[oa]s?\s+(?:el|la|los|las))\b"
)
"""A question that asks why, and the words of a clause that gives a reason ("debido a …")."""
WHOLE_SHARE = 0.9
DISMISSAL = re.compile(r"es\s+(?:(?:puro|pura)\s+)?(?:cuento|mentira|paja|show|pantalla)\b")
"""«… o es puro cuento»: the asker's doubt after the question, no second question."""
ASIDE_AFTER_O = re.compile(
    r",\s+o\s+|\s+o\s+(?=(?:solo|nomas|nada mas|nada más|unicamente|únicamente)\b)|"
    rf"\s+o\s+(?={DISMISSAL.pattern})",
    re.I,
)
"""Where an aside after the question starts: ", o …", "o solo …" ("¿qué papel tenemos los
vecinos, o solo nos toca pagar?") or "o es puro cuento", not the "o" of "¿es buena o mala …?"."""
"""A clause this long is the whole message again ("Pago mi IUSI … ¿cuánto va a inversión?"),
not a part of it."""
OPERATIONAL = ("operativa", "operativas", "operativo", "poa")
"""Words that name the POA's own operational actions, not the PDM-OT's lines of action."""
WHO_FRAMING = frozenset(
    {"ayuda", "ayudan", "apoya", "apoyan", "trabaja", "trabajan", "coordina", "coordinan", "participa"}
    | {"encarga", "encargan", "quien", "quienes", "institucion", "instituciones", "entidad", "entidades"}
    | {"ve", "ven", "da", "dan", "hace", "hacen", "pone", "ponen", "lleva", "llevan", "mira", "miran"}
    | {"realiza", "realizan", "cargo", "responsable", "responsables", "tiene", "tienen"}
)
"""Words that frame a who-question around its topic ("¿con quién coordina la muni …?")."""
ROLE_FRAMING = frozenset(
    {"rol", "roles", "papel", "papeles", "funcion", "funciones", "analisis", "dentro", "todos", "todas"}
)
"""Words that only point at the actors' table and its role column ("¿quiénes tienen validación
dentro de su rol?", "según el análisis de actores"): the role asked is in the other words."""
AGAINST_OR_FOR_WHOM = re.compile(r"\b(?:contra|para|a)\s+quien(?:es)?\b")
"""Who a thing is against or for ("¿contra quién es la violencia …?"), not who does it."""
INSTITUTION_AMONG = 5
PAY_WORDS = frozenset({"paga", "pagan", "pagar", "pago", "pagos", "pagando", "pagado"})
"""Words of paying: with salaries named, they ask for operating spending."""
DEFINE_NOUNS = frozenset({"sigla", "siglas", "palabra", "palabras", "termino", "terminos", "acronimo"})
"""What a define question calls the thing it asks about ("las siglas SEPREM")."""
ACRONYM_CHARS = 6
LENIENT_CHARS = 3
"""A word longer than this, not written in capitals, counts as the plan word typo correction
makes of it; a shorter one ("bid") could be any acronym."""
"""A word asked about that no record has is shown in capitals up to this long ("BID")."""
SOURCE_WORDS = re.compile(r"\b(?:fuentes?|fondos?|ingresos?|rubros?|procedencias?)\b")
"""Words that name funding sources without naming one of them."""
INSTITUTION_COVERAGE = 0.8
"""A record that names institutions answers a who-question when it explains this share of what the
best record explains ("el equipo de los centros de salud": the health line that names the
ministry, not the schools' line that shares "centros")."""
HOW_MUCH_MONEY = (
    *("cuanto da", "cuanto dan", "cuanto aporta", "cuanto aportan", "cuanto dona", "cuanto donan"),
    *("cuanto presta", "cuanto prestan", "cuanto financia", "cuanto financian", "cuanto transfiere"),
    *("cuanto nos da", "cuanto le da", "cuanto pone", "cuanto ponen", "cuanto manda", "cuanto mandan"),
    *("cuanto presupuesto", "cuanto dinero", "cuanto pisto", "cuanta plata", "cuanto cuesta"),
    *("cuanto va a costar", "cuanto costara", "cuanto costo", "cuanto le dan", "cuanto le asignan"),
    *("que presupuesto tiene", "presupuesto asignado", "cuanto tiene asignado", "cuanto se invierte en"),
    *("cuanto gasta", "cuanto gastan", "cuanto se gasta", "cuanto invierte", "cuanto invierten"),
    *("cuanto destina", "cuanto destinan", "cuanto se destina", "cuanto se le da", "cuanto le toca"),
)
"""Phrases that ask how much money something has or costs."""
AMOUNT_SHOWN = re.compile(r"\bQ\s?\d")
CLITIC_ASK = re.compile(r"(?:me|nos)\s+(?:lo|la|los|las)\s+\w+")
POSSESSIVE = re.compile(r"\b(?:su|sus)\b")
"""A clause that asks about "su objetivo", "sus acciones": of what the message named before it."""
WHICH_ZONA = re.compile(r"\b(?:que|cual|cuales|en que|en cual)\s+zonas?\b")
"""A clause that asks which zona: a zona the rest of the message names is no subject of it."""
WHERE_IT_IS_SAID = re.compile(  # "los índices IIC … que mencionan en Mixco transparente": where, not what
    r"\bque\s+(?:se\s+)?(?:mencion|aparec|sale|salen|dice|dicen|usa|usan|viene|vienen|habla)\w*\s+en\b.*$"
)
WHERE_ASKER_BELONGS = re.compile(  # "trabajo en la PMT", "soy de un COCODE": who asks, not what
    r"\b(?:trabajo|laboro|soy|estoy|participo|estudio)\s+(?:en|de|del|para|con)\s+"
    r"(?:(?:el|la|los|las|un|una|mi)\s+)?\w+"
)
"""A request whose object is a pronoun ("me la pasa", "nos lo explica"): a thing named before."""
SECOND_ASK = re.compile(
    r"\s+y\s+(?=(?:desde cuando|desde que|cuando|cuantos|cuantas|cuanto|cuanta|en que ano|a partir de)\b)"
)
"""Where a second question of another kind starts ("… y desde cuándo se hace")."""
AND_WORD = re.compile(r"\s(?:y|e)\s")
QUESTION_CHUNK = re.compile(r"[^?]+\?+|[^?]+$")
"""A message's questions: each run up to its "?" (and what follows the last one)."""
QUESTION_WORD = re.compile(
    r"\b(?:que|q|quien|quienes|cual|cuales|cuanto|cuanta|cuantos|cuantas|como|donde|cuando)\b"
)
SECOND_QUESTION_LINES = 4
"""Of a message's second question, this many of its answer's lines follow the first's answer."""
SECOND_ASK_LINES = 2
SHORT_LINE = 200
"""The second question's direct answer: its first line and the next when short."""
PRESENCE_WORDS = frozenset(
    ("sale", "salen", "aparece", "aparecen", "viene", "vienen", "esta", "estan", "menciona", "dice", "trae")
)
"""Words that ask whether the document has something ("¿sale en el POA?"), not what it says."""
GIVER = re.compile(
    r"\bcuant[oa]s?\s+(?:dinero\s+|pisto\s+|plata\s+|fondos\s+)?(?:le\s+|nos\s+|les\s+|se\s+)?"
    r"(?:da|dan|dio|daria|aporta|aportan|aporto|presta|prestan|presto|dona|donan|dono|financia|financian|"
    r"transfiere|transfieren|pone|ponen|manda|mandan|envia|envian)\s+(?P<giver>(?:[a-z0-9]+\s?){1,4})"
)
"""Who gives the money a question asks about ("¿cuánto presta el BID …?" → "el bid")."""
GIVER_ENDS = frozenset({"a", "al", "para", "pa", "en", "de", "del", "por", "y", "o", "que", "este", "cada"})
RATE_WORDS = ("tasa", "tasas", "tarifa", "tarifas", "por millar", "millar", "alicuota", "cuota", "cuotas")
"""Words that ask for a rate (of a tax, a fee): a share of the budget is not one."""
RATE_SHOWN = {
    w: re.compile(rf"\b{re.escape(w)}\b[^.]{{0,40}}\d|\d[^.]{{0,20}}\b{re.escape(w)}\b") for w in RATE_WORDS
}
"""A rate given: a number beside a word of rates."""
SCORE_WORDS = ("puntaje", "puntajes", "puntuacion", "punteo", "cuantos puntos", "que nota", "calificacion")
"""Words that ask for a score (of an index of the ranking)."""
SCORE_SHOWN = re.compile(r"\b0[.,]\d{1,3}\b|\b\d+(?:[.,]\d+)?\s+puntos\b")
"""A score given: an index's value ("0.58") or a number of points."""
CLAUSE_END = re.compile(r"(?<=[.?!;:,])\s+")
"""Where a sentence or clause ends inside a message: a capitalised name does not run across it."""
AND_OR_COMMA = re.compile(r"\s+(?:y|e|o)\s+|,\s*")
MOST_PROJECTS = re.compile(
    r"\b(?:mas|menos|mayor|menor)\s+(?:cantidad\s+de\s+|numero\s+de\s+)?(?:proyectos|obras)\b"
)
"""A superlative of how many projects, not of how much money."""
INSTITUTION_SHARE = 0.45
"""How many of the best records about a who-question's topic are read for the institutions they name."""
NAMED_AMONG = 5
GATHER_SHARE = 0.9
"""A record that holds another record asked about goes first when it scores this share of the best."""
NAMED_SHARE = 0.5
NAMED_TITLE = 0.75
"""A record the question names by its whole title comes first when it scores this share of the best."""
MIN_COVERAGE = 0.5
LONG_QUESTION_WORDS = 7
MIN_LONG_COVERAGE = 0.3
CLEAR_LEAD = 1.4
OTHER_KIND_LEAD = 2.0
"""A record of another kind that has every word of the question and scores this many times the
best member of the list named in passing answers instead of the list."""
RELATED_RATIO = 0.55
MAX_RELATED = 3
WARM_UP = "meta de basura zona 6 {year}"
MAX_QUESTION_CHARS = 1000
REMEMBERED_ANSWERS = 1024
"""Answers kept per Answerer: residents ask the same few questions again and again, and an
answer depends only on the question and the plan (an Answerer serves one plan)."""
PLACE_KINDS = frozenset(("calle", "avenida", "colonia", "barrio", "zona", "boulevard", "finca", "sector"))
RARE_DOCS = 2
GAP_SHARE = 0.75
MONEY_COUNTED = ("quetzales", "millones", "pisto", "dinero", "fondos", "recursos", "anos", "meses")
"""What "¿cuántos …?" asks about when it asks for an amount or a time, not for a count of works."""
DURATION = r"(?!(?:anos?|meses|mes|dias|semanas|horas|lapsos?)\b)"
COUNT_NUMBER = re.compile(
    rf"(?<![\w.,])(?!(?:19|20)\d\d\b)(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\d.,]*\s*%)(?=\s+{DURATION}[a-z])|"
    r"\b(?:dos|tres|cuatro|cinco|seis|siete|"
    rf"ocho|nueve|diez|once|doce|veinte|cien)\s+{DURATION}[a-z]"
)
"""A number of things ("2750 integrantes", "once campañas"), not a share, an amount, a year
("2030 para el desarrollo") or a time ("en dos años")."""
NOW_WORDS = ("actualmente", "ahorita", "ahora", "hoy", "hoy en dia", "en este momento", "funcionando")
"""Words that ask how many there are now, which only a dated figure of the plan says."""
INCLUDING = re.compile(
    r"\b(?:incluyendo|incluido|incluida|incluidos|sumando tambien|contando tambien|con todo y)\b[^,?.;]*"
)
"""A clause that adds a member to a sum of the whole list rather than picking one."""
OF_THAT = ("de eso", "de ese", "de esa", "de esos", "de esas", "de ello")
WORK_WORDS = ("proyecto", "proyectos", "obra", "obras")
WORKS_TO_DO = (
    *("van a hacer", "van a construir", "van a perforar", "se van a", "haran", "construiran"),
    *("construir", "construyen", "hacer", "perforar", "en el plan", "en el poa", "este ano"),
)
"""Words that count works the plan will do, not what exists (and "para" with the POA's year, see
``Answerer.works_to_do``)."""
LIST_OUTSAID = 0.2  # a record explaining this much more of the question than a list document ...
LIST_OUTSAID_SCORE = 0.9  # ... and scoring this near it answers instead of the whole section
"""A heading whose text the document lacks wins over a record that only mentions it when it
explains this share of what the best record explains."""


def _confident(hits: Sequence[Hit], query: Query) -> bool:
    """The best record explains enough of the question: half its weight, or, in a long chatty
    question (where words like "llenos" or "oscuro" match nothing), a third of it when that
    record also stands clearly above every other."""
    top = hits[0]
    if top.coverage >= MIN_COVERAGE:
        return True
    second = hits[1].score if len(hits) > 1 else 0.0
    long_question = len(set(query.sources)) >= LONG_QUESTION_WORDS
    return long_question and top.coverage >= MIN_LONG_COVERAGE and top.score >= CLEAR_LEAD * second


def _clause_before(sentence: str, at: int) -> int:
    """Where the clause before ``at`` starts (after its comma or semicolon; -1: the sentence's
    start): a reason is quoted with what it is the reason for
    («… actualizado en el 2022 …, debido a …»)."""
    cut = max(sentence.rfind(",", 0, at), sentence.rfind(";", 0, at))
    if cut >= 0 and not sentence[cut + 1 : at].strip():  # the comma right before the reason
        cut = max(sentence.rfind(",", 0, cut), sentence.rfind(";", 0, cut))
    return cut


def _stem_pairs(words: Sequence[str]) -> frozenset[tuple[str, str]]:
    """Each two content words said one after the other, as stems."""
    stems = [stem(w) for w in words]
    return frozenset(pairwise(stems))


NAME_RUN = re.compile(
    r"\b[A-ZÁÉÍÓÚÑ][\w\u2019'-]*(?:\s+(?:(?:de|del|la|las|los|el|con|y|para|en)\s+)*[A-ZÁÉÍÓÚÑ][\w\u2019'-]*)+"
)
"""Capitalised words in a row, with the small words between them: a name ("Plan de Desarrollo
Municipal con Enfoque Territorial")."""


def _followed_by(answer: Answer, title: str, lines: tuple[str, ...]) -> Answer:
    """``answer`` with another question's answer (its title and first lines) right after its own lines."""
    return replace(answer, sections=((title, lines), *answer.sections))


def _stems_outside_names(part: str) -> set[str]:
    """The stems a text says outside the names it cites."""
    return {stem(w) for w in TOKEN.findall(fold(NAME_RUN.sub(" ", part)))}


def _parts_of(sentence: str) -> list[str]:
    """A sentence, or when it is too long to quote whole, each run of its clauses that is short
    enough: «… utilizando el sistema … (GUATECOMPRAS)» sits at the end of 450 characters."""
    if len(sentence) <= QUOTE_CHARS:
        return [sentence]
    clauses = CLAUSE_BREAK.split(sentence)
    parts = []
    for start in range(len(clauses)):
        for end in range(start + 1, len(clauses) + 1):
            part = ", ".join(clauses[start:end])
            if len(part) > QUOTE_CHARS:
                break
            if len(part) >= QUOTE_MIN_CHARS:  # "De acuerdo al Artículo 67" says nothing alone
                parts.append(part if start == 0 else f"… {part}")
    return parts or [sentence]


@dataclass(frozen=True, slots=True)
class _QuoteParts:
    """A long record's quotable parts, each with the stems and the pairs of stems it says as bits
    over the record's own (compact: the 26 long records of the plan, all asked about, keep about
    0.3 MB this way, 1.4 MB as sets)."""

    bit_of: dict[str, int]
    pair_bit_of: dict[tuple[str, str], int]
    parts: tuple[tuple[str, int, int, int], ...]
    """Each part, the stems it says, the pairs it says, and the stems it says outside a name."""


Item = TypeVar("Item", bound=Hashable)


def _bits(items: Iterable[Item]) -> dict[Item, int]:
    """One bit for each (distinct) item; which bit is whose does not matter."""
    return {item: 1 << n for n, item in enumerate(items)}


class Answerer(Lists, Comparisons, Relatives):
    """Answers questions about one plan. Build once; ``answer`` is cheap and pure."""

    def __init__(self, plan: Plan, *, remember: int = REMEMBERED_ANSWERS) -> None:
        """``remember``: how many answers to keep for repeated questions (0: none, as benchmarks
        of the search itself need)."""
        self.plan = plan
        self.view = PlanView.of(plan)
        self.texts = self.view.texts
        """The catalogue's texts worded for this plan's edition."""
        edition = plan.edition
        start, end = edition.pom
        self.pom_words = (*POM_WORDS, f"{start}-{end}", f"{start} {end}")
        self.works_to_do = (*WORKS_TO_DO, f"para {edition.year}")
        self.remember = remember
        pairs = list(plan_documents(plan))
        self.index = SearchIndex(
            (doc for doc, _ in pairs),
            neutral=partial(without_own_name, municipality=edition.municipality),  # not a method: no cycle
            last_zona=edition.zonas[-1],
        )
        self.records = {doc.id: record for doc, record in pairs}
        self.tematica_names = self.view.tematica_names
        self.zona_mentions = {
            z: tuple(d for d in self.index.docs if z in d.zonas and d.kind != "project")
            for z in edition.zonas
        }
        every_zona = _every_zona_phrases(len(edition.zonas))
        self.every_zona = tuple(d for d in self.index.docs if has_phrase(d.title.lower(), every_zona))
        self.budget_years = frozenset((edition.year,)) if plan.funding else frozenset()
        """The year the plan's money figures are for: the POA's."""
        self.older_editions: tuple[int, ...] = ()
        """The years of the older editions kept beside this one (:meth:`know_older_editions`)."""
        self.place_names = frozenset(
            w
            for p in plan.projects
            for w in TOKEN.findall(fold(self._own_name_neutral(p.place or "")))
            if len(w) > 3 and not is_stop_word(w) and w not in PLACE_KINDS
        )
        """The words of the projects' places ("molino", "flores", "marilu"): a chatty message keeps
        them when its question is a clause without them."""
        self.place_words = frozenset(
            w
            for p in plan.projects
            for w in TOKEN.findall(fold(self._own_name_neutral(f"{p.name} {p.place or ''}")))
        )
        self.plan_years = frozenset(
            y for d in self.index.docs for y in find_years(fold(f"{d.title} {d.text}"))
        )
        self.above = ancestors(plan)
        own_name = frozenset(stem(w) for w in content_words(fold(edition.municipality)))
        self.municipality_stems = _common_stems([tm.name for tm in plan.tematicas]) | own_name
        """The words every temática's name has, and the municipality's name: they pick none."""
        self.tematica_phrases = tuple(
            (tm, f" {' '.join(words(self._own_name_neutral(tm.name)))} ") for tm in plan.tematicas
        )
        """Each temática with its name as padded words, read as questions are (" municipio seguro ")."""
        self.tematica_stems = tuple(
            (tm.id, frozenset(stem(w) for w in content_words(fold(tm.name))) - self.municipality_stems)
            for tm in plan.tematicas
        )
        """Each temática with the stems of its name, for "líneas de Mixco ordenado, …"."""
        self.by_kind: dict[str, list[Doc]] = {}
        for doc in self.index.docs:
            self.by_kind.setdefault(doc.kind, []).append(doc)
        self.role_keys = {
            doc.id: {
                word_key(fold(w)): w.lower()
                for w in re.findall(r"\w+", getattr(self.records[doc.id], "role", ""))
                if not is_stop_word(fold(w))
            }
            for doc in self.by_kind.get("actor", [])
        }
        """Each actor's role words as the plan writes them, by their first five folded letters."""
        self._headings: dict[str, frozenset[str]] = {}
        self._named_records: dict[str, Doc | None] = {}
        self._folded_titles: dict[str, str] = {}
        self._sentences: dict[str, tuple[tuple[str, str, frozenset[str]], ...]] = {}
        self._parts: dict[tuple[str, bool], _QuoteParts] = {}
        """Each long record's quotable parts, by record and whether clauses are cut (see _quote_parts)."""
        self._rows_of_members: dict[str, np.ndarray] = {}
        self._heads: list[tuple[str, list[str]]] | None = None
        self._heading_words: dict[str, frozenset[str]] = {}
        self._actor_places: dict[str, int] | None = None
        self._role_index: dict[str, list[str]] | None = None
        self._doc_stems: dict[str, frozenset[str]] = {}
        self._title_stems: dict[str, frozenset[str]] = {}
        """Per-document facts worked out on first use (the index is read-only, so they never change)."""
        self._whole_pages: dict[str, list[list[Doc]]] = {}
        self._last_pages: tuple[tuple[str, tuple[str, ...]] | None, list[list[Doc]]] = (None, [])
        self._influence_picks: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self._parents: dict[str, list[tuple[str, frozenset[str]]]] = {}
        self._member_rows_above: dict[str, dict[str, tuple[int, ...]]] = {}
        self._gaps: list[tuple[Doc, frozenset[str]]] | None = None
        self._already: list[tuple[Doc, list[str]]] | None = None
        self._form_stems: frozenset[str] | None = None
        self._children: dict[str, list[Doc]] | None = None
        self.institutions = Institutions(plan.actors, glossary(plan.edition))
        self.actor_stems = distinctive_stems(plan.actors, self.municipality_stems)
        """Each actor's own title words ("transportistas", "conap"): a question naming two compares them."""
        self.source_names = SourceNames(plan.funding, self._names_one_record)
        """Each funding source with the words that name it ("iva", "paz"; "iusi"; "situado")."""
        self._remembered = remembered(self._answer, max(0, remember))
        """Answers of repeated questions: the index is read-only, so an answer never goes stale."""
        warm_up = WARM_UP.format(year=edition.year)
        self.answer(warm_up)  # first-use costs (vocabulary file, stemmer, numpy) paid here, not by a person

    # Entry point ---------------------------------------------------------------------------
    def answer(self, question: str) -> Answer:
        """The answer to ``question``; repeated questions come from a bounded memory (LRU).

        The municipality's own name is read as :data:`knowledge.edition.OWN_MUNICIPALITY`
        ("la muni de Mixco" asks about this plan; "Villa Nueva" names another municipality)."""
        return self._remembered(self._own_name_neutral(question[:MAX_QUESTION_CHARS]))

    def _own_name_neutral(self, text: str) -> str:
        return without_own_name(text, self.plan.edition.municipality)

    def _answer(self, question: str) -> Answer:
        return self._with_the_other_named(question, self._answer_alone(question))

    def _with_the_other_named(self, question: str, answer: Answer) -> Answer:
        """ "¿cuál es la visión y cuál la misión?", "el PEI y el POM, ¿de qué años son?": two
        things named and joined by "y"; when the answer says only one of them, the other's answer
        (the question without the first's words) follows it."""
        folded = fold(question)
        if not answer.confident or not AND_WORD.search(folded):
            return answer
        pieces = self._named_pieces(folded)
        if len(pieces) != 2:
            return answer
        first, second = pieces
        own = (first - second, second - first)
        if not all(own):
            return answer
        shown = {stem(w) for w in TOKEN.findall(fold(answer_text(answer)))}
        missing = [n for n in (0, 1) if not own[n] & shown]
        if len(missing) != 1:
            return answer
        present = own[1 - missing[0]]
        rest = " ".join(w for w in TOKEN.findall(folded) if stem(w) not in present)
        other = self._answer_alone(rest)
        if not other.confident or not other.lines or other.lines[:1] == answer.lines[:1]:
            return answer
        return _followed_by(answer, other.title, tuple(map(str, other.lines[:SECOND_QUESTION_LINES])))

    def _named_pieces(self, folded: str) -> list[frozenset[str]]:
        """The stems of each plan term and each statement named by its whole title in a question."""
        said = {stem(w) for w in TOKEN.findall(folded)}
        pieces = [
            frozenset(
                stem(w) for alias in term.aliases if has_phrase(folded, (alias,)) for w in alias.split()
            )
            for term in find_terms(folded, self.plan.edition)
        ]
        pieces.extend(
            title
            for doc in self.by_kind.get("statement", [])
            if (title := self.title_stems(doc)) and title <= said
        )
        unique = list(dict.fromkeys(p for p in pieces if p))
        return [p for p in unique if not any(p < q for q in unique)]

    def _answer_alone(self, question: str) -> Answer:
        query = analyze(question, self.index)
        if not query.folded.strip() or not any(c.isalnum() for c in query.folded):
            return Answer(t.EMPTY_QUESTION, confident=False, kind="empty", follow_ups=self.menu())
        if is_small_talk(query, self.index):
            return self._small_talk(query) or self.not_in_plan(query)
        compared = None if query.out_of_scope else self.comparison(query, read_ask(query.folded))
        if (
            compared is not None
        ):  # the two sides may sit in different clauses: "¿quién recibe más, A o B? ¿por cuánto?"
            return compared
        if query.snips:  # a SNIP names its project whatever the chatter ("me dijeron q el 287389 …")
            return self._understood(query)
        relative = None if query.out_of_scope else self.relative_answer(query, read_ask(query.folded))
        if relative is not None:  # "aparte del de San Antonio, ¿hay otro?": asked of the whole message
            return relative
        clause_texts = self._topic_kept(question_clauses(question))
        if clause_texts and self._defines_a_term_and_its_money(query):
            return self._understood(
                query
            )  # "¿qué es el situado y cuánto le toca?": both parts, not one clause
        if clause_texts and self._asks_if_the_plan_says(fold(clause_texts[0])):
            clause_texts = clause_texts[
                1:
            ]  # "… en qué año se aprobó el K'atun, ¿sale en el POA?": the rest asks
        analysed: dict[int, Query] = {}

        def clause_at(n: int) -> Query:  # each read only when needed: most questions are answered before
            if n not in analysed:
                analysed[n] = analyze(self._with_subject(clause_texts[n], query), self.index)
            return analysed[n]

        def clauses() -> list[Query]:
            return [clause_at(n) for n in range(len(clause_texts))]

        several = self._several_questions(question)
        if several is not None:  # "¿qué rol tiene la SESAN? ¿y la SOSEP?": each answered
            return several
        first: Answer | None = None
        if (
            clause_texts
            and "?" in question
            and not self._names_a_list_its_clause_does_not(query, clause_at(0))
        ):
            first = self._understood(clause_at(0))  # a chatty message with a "?": that question first
            if first.confident and first.kind != "summary":
                return first
        parts = (
            [c for c in clauses() if len(c.folded) < len(query.folded) * WHOLE_SHARE]
            if query.out_of_scope
            else []
        )
        if parts and not any(c.out_of_scope for c in parts):
            # "yo pago mi IUSI puntual … ¿cuánto de eso va a inversión?": the aside is not the question
            query = replace(query, out_of_scope=False)
        if query.out_of_scope and (asked := self._in_scope_before_o(question)) is not None:
            return asked  # "¿qué papel tenemos los vecinos, o solo nos toca pagar?": the aside is after "o"
        both = None if query.out_of_scope else self._two_asks(question)
        if both is not None:  # "¿cuántos índices evalúa el ranking y desde cuándo se hace?"
            return both
        answer = self._understood(query)
        if answer.confident or answer.kind != "not_in_plan":
            return answer
        if query.out_of_scope and vocabulary().out_of_scope_in(query.folded, strong=True):
            return answer  # "¿quién ganó la licitación …, cuál es el NOG?": no clause of it is for the plan
        for each in clauses():  # complaint words sank the whole message: try each question alone
            clause_answer = self._vetted(query, self._understood(each))
            if clause_answer.confident:
                return clause_answer
        for side in self._sides_of_o(question, query):  # "¿hay algún parque en el plan o puros pozos?"
            side_answer = self._vetted(query, self._understood(side))
            if side_answer.confident:
                return side_answer
        if first is not None and first.kind not in ("not_in_plan", "summary"):
            return first  # "¿y para la zona 7 no hay nada? ya nos olvidaron": what the plan has for it
        return answer

    def _several_questions(self, question: str) -> Answer | None:
        """A message of two questions, each ended by "?" (or the second after the first's "?",
        opened by a question word): each answered confidently about a different record, the
        first answer comes whole and the second's first lines follow it."""
        chunks = QUESTION_CHUNK.findall(question)
        if (
            chunks
            and "?" not in chunks[-1]
            and not QUESTION_WORD.search(" ".join(TOKEN.findall(fold(chunks[-1]))[:2]))
        ):
            chunks = chunks[:-1]  # "… ¿qué son?? es para mi nuevo trabajo": what follows is no question
        asked = [c.strip(" ¿?¡!.,;") for c in chunks]
        asked = [c for c in asked if len(TOKEN.findall(fold(c))) >= 2]
        if len(asked) != 2:
            return None
        one = self._answer(f"{asked[0]}?")  # each as if asked alone, chatter and all
        subject = analyze(asked[0], self.index)  # "¿y la SOSEP?": with the first's zona, place, term
        other = self._answer(f"{self._with_subject(asked[1], subject)}?")
        if not (one.confident and other.confident) or one.kind == "summary" or other.kind == "summary":
            return None
        if not other.lines or (other.title, other.lines[:1]) == (one.title, one.lines[:1]):
            return None
        said = fold(answer_text(one))
        second = tuple(
            str(line) for line in other.lines[:SECOND_QUESTION_LINES] if fold(str(line)) not in said
        )
        if not second:
            return one  # the first answer already says what the second asks
        return _followed_by(one, other.title, second)

    def _two_asks(self, question: str) -> Answer | None:
        """ "A y desde cuándo B", "A y cuántos B": two questions of different kinds about one
        subject joined by "y"; the second keeps the first's words. Both answered confidently: the
        first, with the second's direct answer after its own."""
        sides = SECOND_ASK.split(fold(question), maxsplit=1)
        if len(sides) < 2 or min(len(TOKEN.findall(s)) for s in sides) < 2:
            return None
        first, second = analyze(sides[0], self.index), analyze(sides[1], self.index)
        kinds = (read_ask(first.corrected).what, read_ask(second.corrected).what)
        if kinds[0] == kinds[1] or "lookup" in kinds:
            return None
        own = [w for w in second.sources if stem(w) not in ask_stems() and w not in filler_words()]
        one, other = self._understood(first), self._understood(second)
        if (
            not own or not other.confident
        ):  # "… y cuánto suman", "… y desde cuándo se hace": of the first's subject
            said = set(TOKEN.findall(sides[1]))
            words = [sides[1], *(w for w in first.sources if w not in said)]
            other = self._understood(analyze(" ".join(words), self.index))
        if not (one.confident and other.confident) or one.kind == other.kind or not other.lines:
            return None
        direct = list(other.lines[:1])
        for line in other.lines[1:SECOND_ASK_LINES]:  # "El plan lista 5 índices." and what its text says
            if len(str(line)) > SHORT_LINE:
                break
            direct.append(line)
        return replace(one, lines=(*one.lines[:1], *direct, *one.lines[1:]))

    def _topic_kept(self, clause_texts: list[str]) -> list[str]:
        """ "la iglesia católica, ¿qué papel tiene en el plan?" without a comma: the words before
        the question word name what is asked about (only plan words), so the whole clause is the
        question, not its tail "qué papel tiene en el plan"."""
        if len(clause_texts) < 2:
            return clause_texts
        tail = TOKEN.findall(clause_texts[0])
        for n, whole in enumerate(clause_texts[1:], start=1):
            words = TOKEN.findall(fold(whole))
            topic = words[: len(words) - len(tail)]
            if (
                topic
                and words[len(topic) :] == tail
                and any(self._named_thing(w) for w in topic)
                and all(is_stop_word(w) or self._named_thing(w) for w in topic)
            ):
                return [whole, *clause_texts[1:n], *clause_texts[n + 1 :]]
        return clause_texts

    def _named_thing(self, word: str) -> bool:
        """A word the plan knows that names something (not a stop word or a word of asking)."""
        return (
            len(word) > 3
            and not is_stop_word(word)
            and word not in filler_words()
            and self.index.knows(stem(word))
        )

    def _asks_if_the_plan_says(self, folded: str) -> bool:
        """ "¿sale en el POA de Mixco?", "¿viene en el plan?": the (folded) clause only asks whether
        the document has what the rest of the message asks about; it names the plan and nothing else."""
        named = {w for phrase in phrases_in(folded, plan_names()) for w in phrase.split()}
        tokens = TOKEN.findall(folded)
        said = [w for w in tokens if not is_stop_word(w) and w != OWN_MUNICIPALITY]
        return (
            bool(named)
            and any(w in PRESENCE_WORDS for w in tokens)
            and all(w in PRESENCE_WORDS or w in named for w in said)
        )

    def _in_scope_before_o(self, question: str) -> Answer | None:
        """ "A, o solo B?" when the message is out of scope and A is not: B is the asker's aside,
        A the question; the answer to A when it is confident."""
        sides = ASIDE_AFTER_O.split(question, maxsplit=1)
        if len(sides) < 2 or min(len(TOKEN.findall(fold(s))) for s in sides) < 2:
            return None
        first = analyze(sides[0], self.index)  # what precedes "o" is the whole of the question
        told = first.out_of_scope and read_ask(first.folded).what == "status" and self._state_told(first)
        aside = vocabulary().out_of_scope_in(fold(sides[1])) or DISMISSAL.match(fold(sides[1]))
        if (first.out_of_scope and not told) or not aside:
            return None  # "¿es buena o mala la gestión …?": an "o" inside the question is no aside
        answer = self._vetted(first, self._understood(first))
        return answer if answer.confident else None

    def _sides_of_o(self, question: str, query: Query) -> list[Query]:
        """The two sides of "A o B" when the whole was not understood: A first (what is asked
        about), then B."""
        sides = [s for s in re.split(r"\s+o\s+", question, maxsplit=1) if len(TOKEN.findall(fold(s))) >= 2]
        if len(sides) < 2 or query.out_of_scope:  # "¿qué opina de la muni, trabajan o no?"
            return []
        return [analyze(self._with_subject(side, query), self.index) for side in sides]

    def _names_a_list_its_clause_does_not(self, query: Query, clause: Query) -> bool:
        """ "¿y con la basura qué van a hacer? las líneas de acción de desechos sólidos": the list
        is named outside the clause with the "?", so the whole message is the question."""
        whole = read_ask(query.folded).list_id
        return whole in LISTS and read_ask(clause.folded).list_id != whole

    def _with_subject(self, clause: str, query: Query) -> str:
        """A clause of a chatty message keeps the zona, the place and the funding source the
        message names elsewhere ("en barrio San Antonio zona 10 … ¿cuándo terminan el
        alcantarillado?")."""
        folded = fold(clause)
        extra = [
            f"zona {z.number}"
            for z in query.zonas[:1]
            if not find_zonas(folded, self.index.last_zona) and not WHICH_ZONA.search(folded)
        ]  # "… todo se lo llevan a la zona 1, pero ¿qué zona se lleva más?": the zona is asked
        said_before = query.folded[: query.folded.find(folded)] if folded in query.folded else ""
        if CLITIC_ASK.match(folded):  # "… aprenderme la misión, ¿me la pasa?": what "la" stands for
            extra.extend([w for w in TOKEN.findall(said_before)[::-1] if self._named_thing(w)][:1])
        elif POSSESSIVE.search(folded) and said_before.strip():
            # "¿qué es el Observatorio …, cuál es su objetivo?": "su" is the thing named just before
            last_clause = [c for c in re.split(r"[,.;:?!]", said_before) if c.strip()][-1:]
            own = set(TOKEN.findall(folded))
            extra.extend(
                w for c in last_clause for w in TOKEN.findall(c) if self._named_thing(w) and w not in own
            )
        extra.extend(p for p in place_phrases(query.folded) if p not in folded and self._plan_names_place(p))
        clause_words = set(TOKEN.findall(folded))
        extra.extend(
            w for w in TOKEN.findall(query.folded) if w in self.place_names and w not in clause_words
        )
        if not find_terms(folded, self.plan.edition):
            named_elsewhere = WHERE_ASKER_BELONGS.sub(" ", query.folded)
            extra.extend(
                term.aliases[0] for term in find_terms(named_elsewhere, self.plan.edition) if term.aliases
            )
        message_words = set(TOKEN.findall(query.folded))  # "de los ingresos propios, ¿cuánto se va …?"
        extra.extend(
            " ".join(sorted(name.words))
            for name in self.source_names.names_in(message_words)
            if not name.said_in(clause_words)
        )
        return " ".join([clause, *extra])

    def _understood(self, query: Query) -> Answer:
        return self._vetted(query, self._understood_ask(query))

    def _vetted(self, query: Query, answer: Answer) -> Answer:
        """``answer`` unless ``query`` asks for something it does not give (a date, a rate, an
        amount, a count) or names a giver the plan does not list: then said so, not confident.
        ``query`` may be the whole message when ``answer`` is one clause's: "la tasa del IUSI
        por millar que cobra la muni" is not answered by "cobra la muni" alone."""
        if "exact_date" in query.intents and answer.confident:  # "¿qué día empiezan …?": years only
            return replace(with_lead(answer, t.EXACT_DATE_NOT_IN_PLAN), confident=False)
        giver = self._unknown_giver(query) if answer.confident else None
        if giver is not None:  # "¿cuánto presta el BID?": a lender the plan does not list
            sources = join_words([s.source for s in self.plan.funding])
            return self.not_in_plan(query, note=t.GIVER_NOT_IN_PLAN.format(giver=giver, sources=sources))
        if answer.confident and has_phrase(query.folded, RATE_WORDS) and not self._rate_given(answer):
            return replace(with_lead(answer, t.RATE_NOT_IN_PLAN), confident=False)  # "la tasa del IUSI"
        if (
            answer.confident
            and has_phrase(query.folded, SCORE_WORDS)
            and not SCORE_SHOWN.search(answer_text(answer))
        ):  # "¿qué puntaje exacto sacó en el índice de gestión estratégica?": only its category
            return replace(with_lead(answer, t.SCORE_NOT_IN_PLAN), confident=False)
        if answer.confident and answer.kind == "funding_total" and self._money_of_something(query):
            return self.not_in_plan(query, note=t.MONEY_NOT_IN_PLAN_FOR)  # "¿cuánto … en alumbrado público?"
        if answer.confident and answer.kind == "project" and WHOLE_COST.search(query.folded):
            return replace(with_lead(answer, self.texts.WHOLE_COST_NOT_IN_PLAN), confident=False)
        if answer.confident and self._money_not_given(query, answer):
            return replace(with_lead(answer, t.MONEY_NOT_IN_PLAN), confident=False)
        if answer.kind == "gap" or (answer.confident and self._count_not_given(query, answer)):
            said = self._count_in_text(query, read_ask(query.folded))  # «… las diez prioridades …»
            if said is not None:
                return said
            if answer.confident:
                return replace(with_lead(answer, t.COUNT_NOT_IN_PLAN), confident=False)
        return answer

    def _unknown_giver(self, query: Query) -> str | None:
        """Who a money question says gives it, when no record of the plan names them ("el BID",
        "el banco mundial"): the words after the verb of giving, up to the one that says to what."""
        found = GIVER.search(query.folded)
        if found is None:
            return None
        said: list[str] = []
        for word in found.group("giver").split():
            if word in GIVER_ENDS:
                break
            said.append(word)
        named = [w for w in said if not is_stop_word(w) and len(w) > 1]
        if not named:
            return None
        fixed = query.corrections
        capitals = {fold(w) for w in re.findall(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b", query.text)}

        def known(word: str) -> bool:  # "situao" is the situado; "bid" or "BCIE" is no misspelling
            lenient = len(word) > LENIENT_CHARS and word not in capitals
            return self._known_to_plan(word) or (lenient and self._known_to_plan(fixed.get(word, word)))

        if any(known(w) for w in named):
            return None
        shown = " ".join(named)
        return shown.upper() if len(named) == 1 and len(named[0]) <= ACRONYM_CHARS - 2 else shown

    def _rate_given(self, answer: Answer) -> bool:
        """Whether the answer gives a rate: a number beside a word of rates."""
        text = fold(answer_text(answer))
        return any(RATE_SHOWN[w].search(text) for w in RATE_WORDS)

    def _money_of_something(self, query: Query) -> bool:
        """Whether a money question answered by the whole budget names something of the plan the
        budget's record does not say ("¿cuánto se invertirá en alumbrado público?"): the plan
        costs only its projects and its sources, so that thing's money is not in it."""
        total = self.stems_of(self.index.by_id["funding_total"])
        the_plan = {w for phrase in phrases_in(query.folded, plan_names()) for w in phrase.split()}
        return any(
            self._named_thing(w)
            and stem(w) not in total
            and stem(w) not in ask_stems()
            and w not in the_plan
            and not REQUEST_VERB.search(w)
            for w in self._not_money_words(query)
        )

    def _money_not_given(self, query: Query, answer: Answer) -> bool:
        """ "¿cuánto presupuesto tiene la Escuela de Bomberos?": a record that gives no amount
        does not say how much money something has (only the funding table and the projects'
        rows carry quetzales)."""
        if not has_phrase(query.folded, HOW_MUCH_MONEY):
            return False
        return not any(AMOUNT_SHOWN.search(line) for line in answer_text(answer).splitlines())

    def _counts_what_is_asked(self, noun: str, query: Query, folded: str) -> bool:
        """A number of something in a sentence about what is asked, said in other words
        ("¿cuántas personas en patrones de crianza?" → «capacitaciones a 2750 integrantes de la
        comunidad educativa sobre patrones de crianza»)."""
        if COUNT_NUMBER.search(folded) is None:
            return False
        others = {stem(s) for s in query.sources if s != noun and len(s) > 3}
        return len(others & {stem(w) for w in content_words(folded)}) >= 2

    def _count_in_text(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿cuántas zonas tiene Mixco?", "¿en cuántos índices se evalúa?": the sentence of the
        best records that gives a number of what is counted, quoted first; the record follows.
        Counts of the plan's own lists and projects are counted instead."""
        counted = counted_words(query.folded)
        if counted is None or "count" not in ask.marks or ask.list_id not in (None, "zonas"):
            return None
        noun = counted.split()[0]
        if noun in ("proyectos", "obras"):
            return None
        hits = self.index.search(query)
        found = self._count_sentence(query, noun, hits)
        if found is None:
            return None
        sentence, hit = found
        return self._quoted(hit, sentence, "count", tuple(_match(h) for h in hits[:5]))

    def _count_sentence(
        self, query: Query, noun: str, hits: list[Hit], *, in_other_words: bool = True
    ) -> tuple[str, Hit] | None:
        """The sentence of the best records that gives a number of ``noun`` (or, unless
        ``in_other_words`` is false, of what is asked said in other words), with its record."""
        wanted = {stem(s) for s in query.sources if s != noun}
        best: tuple[int, str, Hit] | None = None
        for hit in hits[:10]:
            for sentence, folded, stems in self._sentences_of(hit.doc):
                if COUNT_NUMBER.search(folded) is None:
                    continue  # no number of anything: the cheap test first
                if query.zonas and self._of_another_zona(query, folded):
                    continue  # "¿cuántas … tiene la zona 6?": not a sentence about the zona 10
                exact = _count_of(noun).search(folded) is not None
                if not self._gives_count(noun, query, folded) or not (exact or in_other_words):
                    continue
                overlap = len(wanted & stems) + (10 if exact else 0)
                if best is None or overlap > best[0]:  # the very word asked beats other words
                    best = (overlap, _from_the_clause_counting(sentence.strip(), noun), hit)
        return (best[1], best[2]) if best is not None else None

    def _of_another_zona(self, query: Query, folded: str) -> bool:
        """The (folded) sentence names zonas, none of them the ones asked."""
        named = {z.number for z in find_zonas(folded, self.index.last_zona)}
        return bool(named) and not named & {z.number for z in query.zonas}

    def _count_not_given(self, query: Query, answer: Answer) -> bool:
        """ "¿cuántos policías municipales hay?": a record about them that gives no number of
        them does not answer how many there are ("capacitar a 200 agentes" is a target, said
        beside its own words). Counts of the plan's lists and projects are counted, not read."""
        counted = counted_words(query.folded)
        if counted is None or answer.kind.startswith("list:") or answer.asks == "count":
            return False
        noun = counted.split()[0]
        if read_ask(noun).list_id is not None or noun in ("proyectos", "obras", "zonas"):
            return False
        synonyms = vocabulary().synonyms
        nouns = {noun, *(w for key in (counted, noun) for x in synonyms.get(key, ()) for w in x.split()[:1])}
        lines = [fold(line) for line in answer_text(answer).splitlines()]  # "metros cúbicos": "m³"
        return not any(self._gives_count(n, query, line) for n in nouns for line in lines)

    def _gives_count(self, noun: str, query: Query, folded: str) -> bool:
        """Whether the (folded) sentence gives a number of ``noun``; asked how many there are
        now ("… hay ahorita"), a number the plan dates at or before its budget year ("9 sistemas
        … en el año 2021"), not a target ("capacitar a 200 agentes"); asked of a past year, a
        figure dated that year."""
        if _count_of(noun).search(folded) is None and not self._counts_what_is_asked(noun, query, folded):
            return False
        past = {y for y in query.years if y < self.plan.edition.year}
        if past and not past & set(find_years(folded)):
            return False  # "¿cuántos casos hubo en 2023?": only a figure of that year says it
        if not has_phrase(query.folded, NOW_WORDS):
            return True
        return any(y <= max(self.plan_years, default=0) for y in find_years(folded))

    def _understood_ask(self, query: Query) -> Answer:
        ask = read_ask(query.corrected)  # "q potensialidades tiene": the list, as corrected
        if ask.what == "sum" and ask.list_id == "projects" and INCLUDING.search(query.folded):
            # "¿cuánto dan los 8 proyectos, incluyendo el parque de la zona 5?": the whole list
            query = analyze(INCLUDING.sub(" ", query.folded), self.index)
            ask = read_ask(query.folded)
        if ask.what == "lookup" and ask.list_id == "projects" and asks_for_works(query.folded):
            ask = replace(ask, what="list")  # "¿hay algún proyecto de parques …?": which ones there are
        if self._counts_projects_by_kind(query, ask):
            ask = replace(ask, what="count", list_id="projects")  # "¿cuántos pozos van a hacer?"
        if query.snips:
            return self._about_snip(query, ask)
        if query.out_of_scope and not (ask.what == "status" and self._state_told(query)):
            return self.not_in_plan(query)
        share = share_asked(query.folded)
        if share is not None and self._about_the_sources(query, ask):
            return self.sources_by_share(share)  # "¿cuál fuente es toda para funcionamiento?"
        if (
            share is None
            and ask.measure in ("investment_pct", "operating_pct")
            and ask.what in ("lookup", "sum", "list")
            and self._about_the_sources(query, ask, named_or_not=True)
        ):
            shares = self.shares_answer(ask.measure.removesuffix("_pct"))  # "¿qué % va a funcionamiento?"
            if shares is not None:
                return shares
        bound = amount_threshold(query.folded)
        if bound is not None and (ask.list_id == "projects" or asks_for_works(query.folded)):
            return self._projects_bounded(query, ask)  # "¿qué proyectos pasan de 3 millones?"
        apart = self._projects_named_apart(query) if ask.what in ("lookup", "when", "status", "sum") else []
        if len(apart) > 1:  # "el barrio San Antonio y la colonia Marilú, ¿en qué zona están?": both
            both = self._projects_by_snip([p.snip for p in apart])
            if ask.what != "sum":
                return both
            amount = sum((p.amount for p in apart), Decimal(0))
            lead = t.FILTERED_SUM.format(
                projects=count_of(len(apart), t.LISTED_PROJECTS), amount=format_q(amount)
            )
            return replace(with_lead(both, lead), asks="sum")
        if "where" in query.intents and not query.zonas:  # "¿dónde queda …?": only a project's row says
            project = self._one_project_meant(query)
            return (
                self.project_answer(project.snip)
                if project
                else self.not_in_plan(query, note=t.WHERE_NOT_IN_PLAN)
            )
        if ask.what in ("when", "status") and (project := self._one_project_meant(query)):
            return self.when_answer(project, ask.what)  # "¿ya terminaron el pozo de …?"
        if self._asks_money_for_another_year(query):
            return self._other_year(query)
        unknown_years = [y for y in query.years if y not in self.plan_years]
        if unknown_years:
            return self.not_in_plan(query, note=self.texts.YEAR_NOT_IN_PLAN.format(year=unknown_years[0]))
        bare = (
            ask.what == "lookup" and not query.zonas and find_terms(query.folded, self.plan.edition)
        )  # "MDTF?", "arrastre"
        if (
            bare
            and self._only_the_term(query, bare[0], others_allowed=0)
            and said_as_one_word(query.folded, bare[0])
        ):
            return self.define_answer(bare[0])
        if ask.what == "define":
            terms = find_terms(query.folded, self.plan.edition)
            misspelt = None if terms else self._misspelt_term(query)
            if misspelt is not None:  # "¿qué significa PMD-OT?": the term it misspells, if asked alone
                term, said = misspelt
                rest = replace(query, sources=tuple(s for s in query.sources if s not in said))
                if self._only_the_term(rest, term):
                    return self.define_answer(term)
            if len(terms) > 1 and self._only_the_terms(query, terms):
                return self.define_answer(*terms)  # "¿qué significa arrastre y multianual?"
            if terms and self._only_the_term(query, terms[0]):
                return self.define_answer(terms[0])
            if (
                terms
                and self._record_named(terms[0]) is not None
                and self._term_and_its_money(query, terms[0])
            ):
                return self.define_answer(terms[0])  # "¿qué es el IUSI y cuánto se recauda?": both
            unknown = None if terms else self._unknown_term(query)
            if unknown is not None:  # "¿qué es el BID?", "¿qué significa COPREDEH?"
                return self.not_in_plan(query, note=t.TERM_NOT_IN_PLAN.format(term=unknown))
        named_terms = ask.what != "lookup" and find_terms(query.folded, self.plan.edition)
        # "¿cuándo se hizo el plan Mixco 2032?": asked of a plan word, though no other word is left
        if not any(len(s) > 2 for s in query.sources) and not query.zonas and not named_terms:  # "", "no"
            if HOW_MUCH_THERE_IS.search(query.folded):  # "¿cuánto había en 2024?": the whole budget
                if any(y not in self.budget_years for y in query.years):
                    return self._other_year(query)
                return replace(self._funding_total_card(), asks="sum")
            return self._small_talk(query) or self.not_in_plan(query)
        gap = self._gap_named(query)
        if gap is not None:  # "explíqueme el organigrama": a heading the document leaves empty
            return gap
        places = self._unlisted_places(query)
        if places:
            return self.place_not_listed(places[0], query.zonas[0].number if query.zonas else None)
        why = self._why_in_text(query, ask)
        if why is not None:  # "¿por qué actualizaron el PDM-OT en el 2022?"
            return why
        already = self._already_in_text(query, ask)
        if already is not None:  # "¿qué herramientas ya tiene la muni para los trámites?"
            return already
        influences = self._influences_compared(query)
        if influences is not None:  # "¿tienen más influencia los transportistas o los taxistas?"
            return influences
        by_influence = self._influence(query, ask)
        if by_influence is not None:
            return by_influence
        compared = self.comparison(query, ask)
        if compared is not None:  # "¿cuánta diferencia hay entre el de San Antonio y el de la Marilú?"
            return compared
        named = self._named_sources(query)
        if (
            len(named) == 1
            and ask.what in ("lookup", "list", "sum")
            and ask.list_id
            in (None, "projects", "funding")  # "obras" names the projects; the source's row says it
            and query.intents & {"money", "budget"}
            and not query.zonas
            and self._zona_words_explained(query)
        ):
            doc = self.index.by_id[f"funding:{fold(named[0].source)}"]  # "del IUSI, ¿cuánto va a obras?"
            return replace(self._card(Hit(doc, 1.0, 1.0), (_match(Hit(doc, 1.0, 1.0)),)), asks=ask.what)
        if (
            not named
            and ask.what in ("lookup", "sum")
            and ask.list_id is None
            and ask.measure == "available"
            and "budget" in query.intents
            and not query.zonas
            and self._only_money_asked(query)
        ):
            return replace(self._funding_total_card(), asks=ask.what)  # "¿cuánto dinero tiene la muni?"
        if ask.what == "define":  # "¿qué significan las siglas SEPREM?": search what is defined
            query = self._without_define_words(query)
        by_period = self._first_by_period(query, ask)
        if by_period is not None:  # "de los multianuales, ¿cuál empezó primero?"
            return by_period
        composer = self.COMPOSERS.get(ask.what)
        if composer is not None:
            composed = composer(self, query, ask)
            if composed is not None:
                return composed
        if query.zonas:
            return self._about_zona(query, ask)
        return self._searched(query, ask)

    def _state_told(self, query: Query) -> bool:
        """ "¿está funcionando el COMUDE?": whether something works today is no question for the
        plan, unless the record the question names says it, in the word asked (the ranking: «la
        puesta en funcionamiento de forma permanente el … COMUDE»). A project's row never does."""
        said = [p for p in vocabulary().out_of_scope if " " not in p and has_phrase(query.folded, (p,))]
        hits = self.index.search(query)[:1]
        return (
            len(said) == 1
            and bool(hits)
            and hits[0].coverage >= 1.0
            and hits[0].doc.kind != "project"
            and stem(said[0]) in self.stems_of(hits[0].doc)
        )

    def _about_the_sources(self, query: Query, ask: Ask, *, named_or_not: bool = False) -> bool:
        """The question is about the funding sources as a whole ("¿qué fuentes …?", "¿cuál
        fondo …?"), not about one source, a zona or the projects; ``named_or_not``: the sources
        need not be named ("¿qué porcentaje va a funcionamiento?")."""
        if query.zonas or query.snips or self._named_sources(query) or ask.list_id not in (None, "funding"):
            return False
        return named_or_not or ask.list_id == "funding" or SOURCE_WORDS.search(query.folded) is not None

    def _misspelt_term(self, query: Query) -> tuple[GlossaryTerm, tuple[str, ...]] | None:
        """ "¿qué significa PMD-OT?": the glossary term an acronym-like word misspells (with the
        words that misspell it), when the question names no term as written; a real Spanish word
        or a word of the plan is never read as a misspelling."""
        lexicon = spanish_words()
        forms = self._term_form_stems()

        def known(word: str) -> bool:  # "conalfas": the plan knows its stem because it is the term's
            return word in lexicon or (self._known_to_plan(word) and stem(word) not in forms)

        return misspelt_term(query.folded, self.plan.edition, known)

    def _term_form_stems(self) -> frozenset[str]:
        if self._form_stems is None:
            self._form_stems = frozenset(
                stem(w)
                for term in glossary(self.plan.edition)
                for a in term.aliases
                if " " not in a
                for w in [a]
            )
        return self._form_stems

    def _without_define_words(self, query: Query) -> Query:
        """The question without the words that ask what something means ("qué significan las
        siglas"), which would otherwise be searched as if they were what is asked about."""
        text = f" {' '.join(TOKEN.findall(query.folded))} "
        for phrase in sorted(phrases_in(query.folded, ask_phrases("define")), key=len, reverse=True):
            text = text.replace(f" {phrase} ", " ")
        rest = " ".join(w for w in text.split() if w not in DEFINE_NOUNS)
        reduced = analyze(rest, self.index)
        return reduced if any(len(s) > 2 for s in reduced.sources) else query

    def _unknown_term(self, query: Query) -> str | None:
        """What a define question asks about when the plan has no such word: every asked word is
        unknown to the index, or one is an acronym written in capitals that no record has (typo
        correction must not read "COPREDEH" as a plan word)."""
        letters = [c for c in query.text if c.isalpha()]
        shouted = sum(c.isupper() for c in letters) * 2 > len(letters)  # capitals say nothing then
        capitals: list[str] = [
            w
            for w in re.findall(r"\b[A-ZÁÉÍÓÚÑ]{3,}\b", query.text)
            if not shouted and not is_stop_word(fold(w)) and not self._known_to_plan(fold(w))
        ]
        if capitals:
            return capitals[0]
        asked = [s for s in query.sources if s not in define_words() and s not in filler_words()]
        if asked and not any(self._known_to_plan(s) for s in asked):
            return asked[0].upper() if len(asked[0]) <= ACRONYM_CHARS else asked[0]
        return None

    def _known_to_plan(self, word: str) -> bool:
        return len(word) < 3 or self.index.knows(stem(word))

    # What is asked -------------------------------------------------------------------------------
    def _about_snip(self, query: Query, ask: Ask) -> Answer:
        snip = query.snips[0]
        if self._asks_money_for_another_year(query, money_words=True):
            return self._other_year(query)
        snips = list(dict.fromkeys(query.snips))
        if len(snips) > 1:  # "¿el 206213 y el 242177 son de lo mismo?": both, side by side
            return self._projects_by_snip(snips)
        project = self.plan.project(snip)
        if project is not None and ask.what in ("when", "status"):
            return self.when_answer(project, ask.what)
        if project is not None:
            return self._project_or_unknown_detail(query, project)
        return self.project_answer(snip)

    def _projects_by_snip(self, snips: list[str]) -> Answer:
        known = [self.index.by_id[f"project:{s}"] for s in snips if f"project:{s}" in self.index.by_id]
        if not known:
            return self.project_answer(snips[0])
        answer = self._list_of_docs("projects", known, page=1)
        missing = [s for s in snips if f"project:{s}" not in self.index.by_id]
        lead = [self.texts.PROJECT_NOT_FOUND.format(snip=s) for s in missing]
        answer = replace(answer, title=t.PROJECTS_NAMED.format(n=len(known)), kind="projects")
        follow = tuple(FollowUp(t.BTN_PROJECT.format(snip=d.key), f"proyecto:{d.key}") for d in known[:4])
        return replace(with_lead(answer, *lead) if lead else answer, follow_ups=follow)

    def _another_kind_explains(self, query: Query, list_id: str, filter_query: Query) -> bool:
        """Whether a record of another kind explains the question's filter better than any member
        of the list it names in passing (a plural word alone does not make a list question). A
        member explains the filter with its own words or those of a record above it ("líneas de
        acción para la seguridad vial": the lines under "seguridad y responsabilidad vial")."""
        hits = self.index.search(query, limit=30)
        if not hits or hits[0].doc.kind in (LISTS[list_id].doc_kind, "list"):
            return False
        members = self._members_of(list_id)
        if any(hits[0].doc.id in self.above.get(d.id, ()) for d in members):
            return False  # "líneas de acción para los mantos freáticos": the objective they serve
        coverage = self.index.coverage(filter_query)
        rows = self._member_rows(list_id)
        best_member = float(coverage[rows].max()) if len(rows) else 0.0
        kind = LISTS[list_id].doc_kind
        member_score = max((h.score for h in hits if h.doc.kind == kind), default=0.0)
        if hits[0].coverage >= 1.0 and hits[0].score >= OTHER_KIND_LEAD * member_score:
            return True  # "índices de participación e información, ¿de cuánto a cuánto?": their target
        return (
            hits[0].coverage >= MIN_COVERAGE and coverage[self.index.position[hits[0].doc.id]] > best_member
        )

    def _member_rows(self, list_id: str) -> np.ndarray:
        """The index rows of a list's members and of the records above them (worked out once)."""
        rows = self._rows_of_members.get(list_id)
        if rows is None:
            each = self._rows_with_above(list_id).values()
            rows = np.array(sorted({row for member_rows in each for row in member_rows}), dtype=np.int64)
            self._rows_of_members[list_id] = rows
        return rows

    def _influence(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿cuál ministerio tiene influencia alta en las decisiones?": actors by influence."""
        if ask.list_id != "actors" or influence_filter(query.folded)[0] is None:
            return None
        return self.list_answer("actors", self._filter_query(query, ask), query.corrected)

    def _why_in_text(self, query: Query, ask: Ask) -> Answer | None:
        """The clause that gives the reason, of the best records' sentence that says what the
        question asks about ("… actualizado en el 2022 …, debido a las repercusiones de la
        pandemia del COVID 19 …")."""
        if not WHY_ASKED.search(query.folded):
            return None
        hits = self.index.search(query)
        if not hits or not _confident(hits, query):
            return None
        wanted = {stem(s) for s in query.sources} - ask_stems()
        best: tuple[int, str, Hit] | None = None
        for hit in hits[:5]:
            title = self.title_stems(hit.doc)  # "el PDM-OT": the record's own name
            for sentence, folded, stems in self._sentences_of(hit.doc):
                reason = REASON_TOLD.search(folded)
                overlap = len(wanted & (stems | title))
                if reason is None or overlap * 2 < len(wanted) or (best is not None and overlap <= best[0]):
                    continue
                start = _clause_before(sentence, reason.start())
                best = (overlap, sentence[start + 1 :].strip() if start >= 0 else sentence.strip(), hit)
        if best is None:
            return None
        _, part, hit = best
        return self._quoted(hit, part, ask.what, tuple(_match(h) for h in hits[:5]))

    def _already_in_text(self, query: Query, ask: Ask) -> Answer | None:
        """The clause that tells what already exists, of the record that explains the question
        best, when the question asks what the municipality already has."""
        if not ALREADY_ASKED.search(query.folded) or not query.sources:
            return None
        coverage = self.index.coverage(query)
        best: tuple[float, str, Doc] | None = None
        for doc, parts in self._already_told():
            covered = float(coverage[self.index.position[doc.id]])
            if covered < ALREADY_COVERAGE or (best is not None and covered <= best[0]):
                continue
            best = (covered, parts[0], doc)
        if best is None:
            return None
        covered, part, doc = best
        return self._quoted(Hit(doc, 1.0, covered), part, ask.what)

    def _quoted(self, hit: Hit, sentence: str, asks: str, matches: tuple[Match, ...] = ()) -> Answer:
        """The record's card under the sentence of it that answers, quoted first."""
        lead = t.WHEN_TEXT.format(sentence=shorten(sentence, QUOTE_CHARS))
        return replace(with_lead(self._card(hit, matches), lead), asks=asks)

    def _already_told(self) -> list[tuple[Doc, list[str]]]:
        """Each record with a sentence that tells what already exists, and the parts of that
        sentence short enough to quote that tell it (worked out once)."""
        if self._already is None:
            found = []
            for doc in self.index.docs:
                for sentence, folded, _ in self._sentences_of(doc):
                    if ALREADY_TOLD.search(folded):
                        parts = [p for p in _parts_of(sentence.strip()) if ALREADY_TOLD.search(fold(p))]
                        found.append((doc, sorted(parts, key=len, reverse=True)))
            self._already = found
        return self._already

    def _influences_compared(self, query: Query) -> Answer | None:
        if not influence_asked(query.corrected):
            return None
        asked = frozenset(stem(w) for w in content_words(query.corrected))
        actors = actors_named(self.plan.actors, self.actor_stems, asked)
        if len(actors) < 2:
            return None
        _, dimensions = influence_filter(f"alto {query.corrected}")  # the places asked, whatever the level
        return influence_comparison(actors, dimensions, self.texts.cite(actors[0].section))

    def _list(self, query: Query, ask: Ask) -> Answer | None:
        asks_zonas = ask.list_id == "zonas" or (
            ask.list_id == "projects" and has_phrase(query.folded, ("zonas",))
        )
        if asks_zonas and not query.zonas:
            return self._zonas_of_projects(query, replace(ask, list_words=(*ask.list_words, "zonas")))
        if ask.list_id == "zonas" or (ask.list_id == "projects" and query.zonas):
            return None  # "proyectos zona 6": the zona composer
        if ask.list_id == "ejes":
            # "ejes de la política de seguridad": another record's axes, found by search
            rest = self._filter_query(query, ask)
            owners = {w for doc in self.by_kind.get("policy", []) for w in self.title_stems(doc)}
            named = rest is not None and bool({stem(s) for s in rest.sources} & owners)
            return None if named else self._ejes_answer()  # "¿en cuántos ejes se organiza el PDM-OT?"
        if ask.list_id is None or ask.list_id not in LISTS:
            return None
        list_id = ask.list_id
        bare_lines = list_id == "action_lines" and ask.list_words == ("lineas",)
        if (list_id == "strategic_lines" or bare_lines) and has_phrase(query.folded, self.pom_words):
            list_id = "pom_lines"  # "líneas estratégicas … del plan multianual", "líneas del eje … en el POM"
            ask = replace(ask, list_id=list_id)
        if ask.what == "define" and "list" not in ask.marks:
            return None  # "¿qué es el ranking de la gestión municipal?": what describes it, not its members
        part = self._policy_part_named(query, ask)
        if part is not None:  # "¿qué acciones de seguridad vial trae la política de prevención …?"
            return part
        if self._another_record_named(query, ask):
            return None  # "objetivos de la política de prevención de la violencia": that policy's own
        member = None if "list" in ask.marks else self._member_named(query, ask)
        if member is not None:  # "¿qué rol tienen los Consejos Comunitarios de Desarrollo?": that one
            return self._card(member, (_match(member),))
        filter_query = self._filter_query(query, ask)
        if (
            list_id == "operational_actions"
            and filter_query is not None
            and not has_phrase(query.folded, OPERATIONAL)
        ):
            lines = self._members("action_lines", filter_query, query.corrected)
            if len(lines) > len(self._members(list_id, filter_query, query.corrected)):
                list_id = "action_lines"  # "¿qué acciones hay para los mantos freáticos?": the PDM-OT's lines
                ask = replace(ask, list_id=list_id)
        if filter_query is not None and not self._members(list_id, filter_query, query.corrected):
            return None  # "índices IIC IGA meta 2032": the other words are about something else
        if (
            "list" not in ask.marks
            and filter_query is not None
            and self._another_kind_explains(query, list_id, filter_query)
        ):
            return None  # "decreto de la ley de consejos de desarrollo": a law, not the councils
        return self.list_answer(list_id, filter_query, query.corrected)

    def _counts_projects_by_kind(self, query: Query, ask: Ask) -> bool:
        """ "¿cuántos pozos van a hacer en total?": what is counted is not a list's name but a
        word that names several projects."""
        counted = counted_words(query.folded)
        if "count" not in ask.marks or ask.list_id is not None or counted is None or query.zonas:
            return False
        if has_phrase(counted, MONEY_COUNTED) or not has_phrase(query.folded, self.works_to_do):
            return False  # "¿cuántos pozos municipales hay en Mixco?": what exists, not what is planned
        counted_query = analyze(counted.split()[0], self.index)
        if not counted_query.sources:
            return False
        projects = self._filtered_projects(counted_query, Ask("list", "projects", ()))
        return 1 < len(projects) < len(self.plan.projects)

    def _policy_named(self, query: Query, ask: Ask) -> tuple[Doc, Query] | None:
        """The security policy the question is found to be about, with the list's filter words."""
        hits = self.index.search(query, limit=3)
        if not hits or hits[0].doc.kind != "policy":
            return None
        filter_query = self._filter_query(query, ask)
        return None if filter_query is None else (hits[0].doc, filter_query)

    def _policy_part_named(self, query: Query, ask: Ask) -> Answer | None:
        """The axis of a policy the question names, when it names the policy and, with its other
        words, something that policy holds ("acciones de seguridad vial de la política de
        prevención de la violencia" → that policy's axis on violencia vial)."""
        named = self._policy_named(query, ask)
        if named is None:
            return None
        policy_doc, filter_query = named
        title = self.title_stems(policy_doc)
        rest = [s for s in filter_query.sources if stem(s) not in title]
        if not rest or len(rest) == len(filter_query.sources):
            return None
        policy = self.records[policy_doc.id]
        assert isinstance(policy, Policy)
        own = (f"policy_axis:{policy.id}-", f"policy_item:{policy.id}-")
        found = self.index.search(analyze(" ".join(rest), self.index), limit=30)
        parts = [h for h in found if h.doc.id.startswith(own)]
        if not parts or parts[0].coverage < 1.0:
            return None
        chosen = self.index.by_id.get(_axis_of(parts[0].doc.id), parts[0].doc)  # an item: its whole axis
        hit = Hit(chosen, 1.0, 1.0)
        return replace(self._card(hit, (_match(hit),)), asks=ask.what)

    def _another_record_named(self, query: Query, ask: Ask) -> bool:
        """Whether the list's filter words are the title of a policy, which holds objectives and
        lines of its own ("objetivos de la política de prevención de la violencia")."""
        if self._statement_about_the_list(query, ask):
            return True
        named = self._policy_named(query, ask)
        if named is None:
            return False
        policy_doc, filter_query = named
        asked = {stem(s) for s in filter_query.sources}
        title = self.title_stems(policy_doc)
        return len(asked) >= 2 and len(asked & title) >= NAMED_TITLE * len(asked)

    def _statement_about_the_list(self, query: Query, ask: Ask) -> bool:
        """Whether the question names a statement about the list's members by its title ("¿qué
        recomienda el análisis de actores?": the «Análisis de actores», not the actors)."""
        words = TOKEN.findall(query.folded)
        for head, head_words in self._statement_heads():
            if head not in query.folded:
                continue
            for w in ask.list_words:  # "¿cuántos actores hay en el análisis de actores?": the actors
                if f" de {w}" in f" {head}" and words.count(w) == head_words.count(w):
                    return True
        return False

    def _statement_heads(self) -> list[tuple[str, list[str]]]:
        """Each statement's title up to its colon, folded, with its words (worked out once)."""
        if self._heads is None:
            heads = [fold(doc.title).split(":")[0].strip() for doc in self.by_kind.get("statement", [])]
            self._heads = [(head, TOKEN.findall(head)) for head in heads]
        return self._heads

    def _zonas_of_projects(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿en qué zonas van a perforar pozos?", "¿qué zonas tienen proyectos?": the projects
        the other words pick (all when there are none), led by their zonas; None when the other
        words pick no project."""
        projects_ask = replace(ask, list_id="projects")
        filter_query = self._filter_query(query, projects_ask)
        projects = self._filtered_projects(query, projects_ask) if filter_query is not None else []
        if filter_query is not None and not projects:
            return None
        zonas = sorted({p.zona for p in projects or self.plan.projects if p.zona})
        answer = self.list_answer("projects", filter_query, query.corrected)
        if zonas:
            places = join_words([t.WHAT_ZONA.format(n=z) for z in zonas])
            answer = with_lead(answer, t.PROJECTS_IN_ZONAS.format(zonas=places))
        return replace(answer, asks="list")

    def _count(self, query: Query, ask: Ask) -> Answer | None:
        answer = self._list(query, ask)
        if answer is None or not answer.kind.startswith("list:"):
            return answer
        list_id = answer.kind.split(":", 1)[1]
        if list_id not in LISTS:
            return replace(answer, asks="count")  # the ejes answer says how many it lists
        members = self._members(list_id, self._filter_query(query, ask), query.corrected)
        spec = LISTS[list_id]
        if list_id == "projects" and len(members) == len(self.plan.projects):
            in_total = sum(1 for p in self.plan.projects if p.in_total)
            lead = t.COUNT_PROJECTS.format(
                n=len(members),
                in_total=in_total,
                after=len(members) - in_total,
                total=format_q(self.view.projects_total()),
            )
        else:
            lead = t.LIST_COUNT.format(n=len(members), noun=spec.noun)
        leads: list[Line] = [lead]
        if list_id == "projects" and "sum" in ask.marks and 1 < len(members) < len(self.plan.projects):
            amount = sum((self._project_of(d).amount for d in members), Decimal(0))
            leads.append(
                t.FILTERED_SUM.format(
                    projects=count_of(len(members), t.LISTED_PROJECTS), amount=format_q(amount)
                )
            )
        return replace(
            with_lead(answer, *self._with_the_count_the_text_gives(query, spec, leads)), asks="count"
        )

    def _with_the_count_the_text_gives(self, query: Query, spec: ListSpec, leads: list[Line]) -> list[Line]:
        """A count the plan's text states beside the rows counted ("el Ranking se evalúa en seis
        índices", over the five it describes). Counting something the list is not ("¿cuántas zonas
        tiene Mixco?" read as the projects' zonas), the text's count comes first — unless the
        question counts the list's own things ("¿en cuántas zonas hay proyectos?")."""
        counted = counted_words(query.folded)
        if counted is None:
            return leads
        noun = counted.split()[0]
        said = self._count_sentence(query, noun, self.index.search(query), in_other_words=False)
        if said is None:
            return leads
        line = t.COUNT_TEXT_SAYS.format(sentence=shorten(said[0], 300))
        if word_key(noun) in {word_key(w) for w in content_words(spec.noun)}:
            return [*leads, line]
        return (
            leads if asks_for_works(query.folded) or has_phrase(query.folded, WORK_WORDS) else [line, *leads]
        )

    def _extreme(self, query: Query, ask: Ask) -> Answer | None:
        """Largest / smallest (or the second, third …): a zona, a funding source or a project, by money."""
        place = place_asked(query.folded)  # "el penúltimo en monto" is the second with the least
        highest, rank = (ask.what == "max") != place.from_end, place.offset
        folded = query.folded
        if ask.measure == "investment_or_operating" and self.plan.funding_total:
            return self._compare_measures(highest)
        named = list(dict.fromkeys(z.number for z in query.zonas if z.number in self.plan.edition.zonas))
        if len(named) > 1:  # "¿a cuál le toca más, a la zona 6 o a la zona 10?"
            return self._zona_extreme(highest, named)
        groups = self._compared_groups(query)
        if groups is not None:  # "¿se invierte más en agua o en alcantarillado?"
            return self._compare_groups(highest, groups, ask)
        if has_phrase(folded, ("zona", "zonas", "sona")) and not query.zonas:
            if MOST_PROJECTS.search(query.corrected):  # "¿qué zona tiene más proyectos?": by count
                return self._zona_by_count(highest)
            return self._zona_extreme(highest, rank=rank)
        if ask.list_id == "funding" or (
            ask.list_id is None
            and has_phrase(folded, ("fuente", "fuentes", "ingreso", "ingresos", "de donde", "rubro"))
        ):
            return self._funding_extreme(highest, ask.measure, rank)
        money = "money" in query.intents or "budget" in query.intents
        priced = has_phrase(folded, ("caro", "cara", "barato", "barata", "costoso", "costosa"))
        if ask.list_id == "projects" or money or priced:
            projects = self._filtered_projects(query, ask)
            if (
                query.zonas
            ):  # "los 2 proyectos de la zona 6, ¿cuál cuesta más?": the zona's, whatever "2" filtered
                zona = query.zonas[0].number
                in_zona = [p for p in self.plan.projects if p.zona == zona]
                projects = [p for p in projects if p.zona == zona] or in_zona or projects
            if not projects:
                return None
            if has_phrase(folded, ("dura", "duran", "duracion", "anos", "largo", "tiempo", "tarda")):
                return self._longest(projects, highest, ask)
            ranked = sorted(projects, key=lambda p: p.amount, reverse=highest)
            chosen = ranked[min(rank, len(ranked) - 1)]
            template = self.texts.MAX_PROJECT if highest else self.texts.MIN_PROJECT
            if rank:
                template = self.texts.RANKED_PROJECT.format(
                    rank=rank + 1, most=t.MOST if highest else t.LEAST
                )
            lead = template.format(snip=chosen.snip, amount=format_q(chosen.amount))
            under = ranking_lines(ranked, chosen, highest)  # the ranking used; the TOTAL's own
            answer = with_lead(self.project_answer(chosen.snip), lead, *under)
            others = tuple(self.view.project_line(p) for p in ranked if p is not chosen)
            if others:
                answer = with_section(answer, t.OTHER_PROJECTS, others)
            return replace(answer, asks=ask.what)
        return None

    def _first_by_period(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿cuál proyecto multianual empezó primero?", "¿cuál termina de último?": the projects
        the plan gives a period, ordered by its first (or last) year."""
        starts = has_phrase(query.folded, PERIOD_START_WORDS)
        ends = has_phrase(query.folded, PERIOD_END_WORDS)
        if starts == ends:  # the cheap test first: most questions neither start nor end anything
            return None
        folded = query.folded
        for place in place_phrases(folded):  # "la colonia Primero de Julio" orders nothing
            folded = folded.replace(place, " ")
        first = has_phrase(folded, ("primero", "de primero", "antes"))
        last = has_phrase(folded, ("ultimo", "de ultimo", "despues", "al final"))
        projects_asked = ask.list_id == "projects" or has_phrase(query.folded, ("multianual", "multianuales"))
        if starts == ends or first == last or not projects_asked or query.zonas or query.snips:
            return None
        dated = [p for p in self.plan.projects if p.period]
        if not dated:
            return None

        def year(project: Project) -> int:
            assert project.period is not None
            return project.period[0] if starts else project.period[1]

        chosen = (min if first else max)(dated, key=year)
        same = [p for p in dated if year(p) == year(chosen)]
        template = {
            (True, True): t.FIRST_STARTED,
            (True, False): t.LAST_STARTED,
            (False, True): t.FIRST_ENDED,
            (False, False): t.LAST_ENDED,
        }[(starts, first)]
        lead = template.format(
            snips=", ".join(p.snip for p in same),
            observation=join_words(list(dict.fromkeys(p.observation for p in same))),
        )
        ordered = sorted(dated, key=year, reverse=not first)
        docs = [self.index.by_id[f"project:{p.snip}"] for p in ordered]
        return replace(with_lead(self._list_of_docs("projects", docs, page=1), lead), asks=ask.what)

    def _longest(self, projects: list[Project], highest: bool, ask: Ask) -> Answer | None:
        """ "¿cuál proyecto multianual dura más años?": by the period the plan gives."""
        dated = [p for p in projects if p.period]
        if not dated:
            return None

        def span(project: Project) -> int:
            return project.period[1] - project.period[0] if project.period else 0

        chosen = (max if highest else min)(dated, key=span)
        same = [p for p in dated if span(p) == span(chosen)]
        template = t.LONGEST_PROJECT if highest else t.SHORTEST_PROJECT
        lead = template.format(
            snips=", ".join(p.snip for p in same), observation=chosen.observation, years=span(chosen) + 1
        )
        docs = [self.index.by_id[f"project:{p.snip}"] for p in sorted(dated, key=span, reverse=highest)]
        return replace(with_lead(self._list_of_docs("projects", docs, page=1), lead), asks=ask.what)

    def _compared_groups(self, query: Query) -> tuple[tuple[str, list[Project]], ...] | None:
        """ "agua o alcantarillado": two kinds of project named side by side, each with its rows."""
        found = re.search(
            r"\b(\w+(?:\s\w+)?)\s+o\s+(?:en\s+|de\s+|a\s+|la\s+|el\s+)*(\w+(?:\s\w+)?)\b", query.folded
        )
        if not found:
            return None
        groups = []
        for side in found.group(1, 2):
            words = [w for w in content_words(side) if stem(w) not in ask_stems() and w not in filler_words()]
            if not words:
                return None
            side_query = analyze(" ".join(words), self.index)
            docs = self._members("projects", side_query if side_query.sources else None, " ".join(words))
            if not docs or len(docs) == len(self.plan.projects):
                return None
            groups.append((" ".join(words), [self._project_of(d) for d in docs]))
        if {p.snip for p in groups[0][1]} & {p.snip for p in groups[1][1]}:
            return None
        return tuple(groups)

    def _compare_groups(
        self, highest: bool, groups: tuple[tuple[str, list[Project]], ...], ask: Ask
    ) -> Answer:
        sums = sorted(
            ((words, sum((p.amount for p in projects), Decimal(0)), projects) for words, projects in groups),
            key=lambda g: g[1],
            reverse=highest,
        )
        lines = [
            t.GROUP_SUM.format(
                words=words, amount=format_q(amount), projects=count_of(len(projects), t.PROJECTS)
            )
            for words, amount, projects in sums
        ]
        docs = [self.index.by_id[f"project:{p.snip}"] for _, _, projects in sums for p in projects]
        answer = self._list_of_docs("projects", docs, page=1)
        lead = self.texts.GROUP_WINNER.format(words=sums[0][0], most=t.MOST if highest else t.LEAST)
        return replace(with_lead(answer, lead, *lines), asks=ask.what)

    def _compare_measures(self, highest: bool) -> Answer:
        """ "¿gasta más en inversión o en funcionamiento?": the plan's two totals side by side."""
        total = self.plan.funding_total
        assert total is not None
        pairs = sorted(
            (("investment", total.investment), ("operating", total.operating)),
            key=lambda kv: kv[1],
            reverse=highest,
        )
        (more, more_amount), (less, less_amount) = pairs if highest else pairs[::-1]
        lead = t.COMPARE_MEASURES.format(
            more=t.MEASURE_NAMES[more],
            more_amount=format_q(more_amount),
            less=t.MEASURE_NAMES[less],
            less_amount=format_q(less_amount),
            difference=format_q(abs(more_amount - less_amount)),
        )
        return replace(with_lead(self.list_answer("funding"), lead), asks="max" if highest else "min")

    def _zona_extreme(self, highest: bool, among: list[int] | None = None, rank: int = 0) -> Answer | None:
        sums = {z: v for z, v in self._zona_sums().items() if among is None or z in among}
        if not sums:
            return None
        ranked = sorted(sums.items(), key=lambda kv: kv[1][0], reverse=highest)
        place = min(rank, len(ranked) - 1)
        zona, (amount, count) = ranked[place]
        template = self.texts.MAX_ZONA if highest else t.MIN_ZONA
        if place:  # "la segunda zona con más dinero"
            template = t.RANKED_ZONA.format(place=place + 1, most=t.MOST if highest else t.LEAST)
        lead = template.format(n=zona, amount=format_q(amount), projects=count_of(count, t.LISTED_PROJECTS))
        ranking = tuple(
            t.ZONA_RANK_LINE.format(n=z, amount=format_q(a), projects=count_of(c, t.PROJECTS))
            for z, (a, c) in ranked
        )
        if among is not None:  # the zonas compared, side by side, right under the answer
            answer = with_lead(self.zona_answer(zona), lead, *ranking[1:])
        else:
            answer = with_section(with_lead(self.zona_answer(zona), lead), self.texts.ZONA_RANKING, ranking)
        return replace(answer, asks="max" if highest else "min")

    def _zona_by_count(self, highest: bool) -> Answer | None:
        """The zonas with the most (or fewest) projects, ties together."""
        sums = self._zona_sums()
        if not sums:
            return None
        best = (max if highest else min)(count for _, count in sums.values())
        zonas = sorted(z for z, (_, count) in sums.items() if count == best)
        if len(zonas) == 1:
            template = t.MOST_PROJECTS_ZONA if highest else t.FEWEST_PROJECTS_ZONA
        else:
            template = t.MOST_PROJECTS_ZONAS if highest else t.FEWEST_PROJECTS_ZONAS
        lead = template.format(n=join_numbers(zonas), projects=count_of(best, t.PROJECTS))
        ranking = tuple(
            t.ZONA_RANK_LINE.format(n=z, amount=format_q(a), projects=count_of(c, t.PROJECTS))
            for z, (a, c) in sorted(sums.items(), key=lambda kv: (-kv[1][1] if highest else kv[1][1], kv[0]))
        )
        shown = self.zona_answer(zonas[0]) if len(zonas) == 1 else self.zonas_answer(tuple(zonas))
        answer = with_section(with_lead(shown, lead), self.texts.ZONA_RANKING, ranking)
        return replace(answer, asks="max" if highest else "min")

    def _funding_extreme(self, highest: bool, measure: str, rank: int = 0) -> Answer | None:
        if not self.plan.funding:
            return None
        ranked = sorted(self.plan.funding, key=lambda f: getattr(f, measure), reverse=highest)
        nothing = (
            [f for f in ranked if not getattr(f, measure)] if not highest and measure != "available" else []
        )
        if nothing and len(nothing) < len(ranked):  # a source that gives nothing to a part is not the least
            ranked = [f for f in ranked if f not in nothing]
        chosen = ranked[min(rank, len(ranked) - 1)]
        value = getattr(chosen, measure)
        shown = format_pct(value) if measure.endswith("_pct") else format_q(value)
        template = t.MAX_FUNDING if highest else t.MIN_FUNDING
        if rank:
            template = t.RANKED_FUNDING.format(rank=rank + 1, most=t.MOST if highest else t.LEAST)
        lead = template.format(measure=t.MEASURE_WORDS[measure], source=chosen.source, amount=shown)
        doc = self.index.by_id[f"funding:{fold(chosen.source)}"]
        card = kind_of("funding").card(self.view, chosen, doc, (Match(doc.id, doc.kind, doc.title, 1.0),))
        used = [place_line(ranked.index(chosen), len(ranked), highest)] if rank else []
        if nothing and len(nothing) < len(self.plan.funding):
            sources = join_words([f.source for f in nothing])
            used.append(t.FUNDING_NOTHING.format(measure=t.MEASURE_WORDS[measure], sources=sources))
        return replace(with_lead(card, lead, *used), asks="max" if highest else "min")

    def _sum(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿cuánto suma la zona 6?", "¿cuánto cuestan los proyectos de agua?": computed from the
        plan's rows and labelled so; the plan's own totals are quoted by the records that print them."""
        if query.zonas and not self._one_project_meant(query):
            zona = query.zonas[0].number
            projects = [p for p in self.plan.projects if p.zona == zona]
            if not projects or not self._zona_words_explained(query):
                return None
            amount = sum((p.amount for p in projects), Decimal(0))
            template = self.texts.ZONA_SUM if len(projects) > 1 else self.texts.ZONA_SUM_ONE
            lead = template.format(n=zona, amount=format_q(amount), count=len(projects))
            return replace(with_lead(self.zona_answer(zona, query), lead), asks="sum")
        sources = self._named_sources(query)
        if len(sources) > 1:  # "¿cuánto suman el situado constitucional y el IVA-PAZ juntos?"
            amount = sum((f.available for f in sources), Decimal(0))
            lead = t.SOURCES_SUM.format(
                sources=join_words([f"{f.source} ({format_q(f.available)})" for f in sources]),
                amount=format_q(amount),
            )
            return replace(with_lead(self.list_answer("funding"), lead), asks="sum")
        total = self.plan.funding_total
        if not sources and total is not None and ask.list_id is None and self._only_a_part_asked(query, ask):
            part, amount = (
                (t.COMPARE_INVESTMENT, total.investment)
                if ask.measure == "investment"
                else (t.COMPARE_OPERATING, total.operating)
            )
            card = self._funding_total_card()
            lead = self.texts.TOTAL_PART.format(
                part=capitalised(part), amount=format_q(amount), total=format_q(total.available)
            )
            said = [w for w in operating_words()[1:] if has_phrase(query.folded, (w,))]
            if ask.measure == "operating" and said and not has_phrase(query.folded, ("funcionamiento",)):
                lead = f"{lead} {t.OPERATING_NEAREST.format(word=said[0])}"  # "¿cuánto se gasta en sueldos?"
            return replace(with_lead(card, lead), asks="sum")  # "¿cuánto va a funcionamiento?"
        if ask.list_id == "projects":
            projects = self._filtered_projects(query, ask)
            if 1 < len(projects) < len(self.plan.projects):
                amount = sum((p.amount for p in projects), Decimal(0))
                answer = self.list_answer("projects", self._filter_query(query, ask), query.corrected)
                lead = t.FILTERED_SUM.format(
                    projects=count_of(len(projects), t.LISTED_PROJECTS), amount=format_q(amount)
                )
                return replace(with_lead(answer, lead), asks="sum")
            filter_query = self._filter_query(query, ask)
            if not projects and filter_query is not None:  # "¿cuánto cuesta el proyecto de alumbrado?"
                unlisted = self.list_answer("projects", filter_query, query.corrected)
                return replace(unlisted, asks="sum", confident=False)  # no row of the plan costs it
            if len(projects) == len(self.plan.projects) or not projects:  # the whole table: its totals lead
                return replace(self.list_answer("projects"), asks="sum")
        return None

    def _funding_total_card(self) -> Answer:
        doc = self.index.by_id["funding_total"]
        return self._card(Hit(doc, 1.0, 1.0), (_match(Hit(doc, 1.0, 1.0)),))

    def _only_a_part_asked(self, query: Query, ask: Ask) -> bool:
        """ "¿cuánto va a funcionamiento, o sea sueldos?": the budget's part and nothing else —
        every other word asks for money or stands for that part."""
        return ask.measure in ("investment", "operating") and self._only_money_asked(query)

    def _only_money_asked(self, query: Query) -> bool:
        """ "¿cuál es el presupuesto de la muni?": money of nothing in particular — every word asks
        for money, stands for it, or is filler."""
        if has_phrase(query.folded, OF_THAT):
            return False  # "… ¿cuánto de eso va a inversión?": of something said before
        vocab = vocabulary()
        money = set(_money_words())
        money |= {w for phrase in phrases_in(query.folded, vocab.in_scope) for w in phrase.split()}
        if has_phrase(query.folded, operating_words()[1:]):
            money |= PAY_WORDS  # "¿cuánto se paga de salarios?": paying them is the operating spending
        return not self._not_money_words(query, money)

    def _not_money_words(self, query: Query, money: set[str] | None = None) -> list[str]:
        """The words of a question that neither ask for money, stand for it nor are filler."""
        vocab = vocabulary()
        if money is None:
            money = {*_money_words(), *PAY_WORDS}
        return [
            word
            for word in query.sources
            if word not in money
            and not set(vocab.synonyms.get(word, ())) & money
            and word not in filler_words()
            and len(word) > 2
        ]

    def _named_sources(self, query: Query) -> list[FundingSource]:
        """The funding sources a question names by their own words ("IUSI", "IVA PAZ")."""
        return self.source_names.named_in(set(TOKEN.findall(query.folded)) | query.stands_for)

    def _names_one_record(self, word: str) -> bool:
        """Whether the plan uses a word in one record only."""
        found = self.index.posting(stem(word))
        return found is not None and len(found[0]) == 1

    def _when(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿cuándo termina…?", "¿ya terminaron…?", "¿cómo va…?": the period the plan gives (the
        staff's status goes first when handlers have one, see :func:`with_status`)."""
        project = self._one_project_meant(query)
        if project is not None:
            return self.when_answer(project, ask.what)
        if query.zonas:
            zona = query.zonas[0].number
            projects = [p for p in self.plan.projects if p.zona == zona]
            if projects and self._zona_words_explained(query):
                answer = self.zona_answer(zona, query)
                lines = (t.WHEN_ZONA.format(n=zona), *answer.lines[1:])
                return replace(answer, lines=lines, asks=ask.what)
            return None
        member = self._member_named(query, ask) if ask.what == "status" else None
        if member is not None:  # "¿cómo salió Mixco en el ranking en gestión financiera?": that index
            said = self._when_in_text(query, ask, only=member)
            return said or replace(self._card(member, (_match(member),)), asks=ask.what)
        term = find_term(
            query.folded, self.plan.edition
        )  # "vigencia del PEI": the plan's own words name its period
        if term is not None and _event_asked(query.folded) is not None:
            return self._document_event(query, ask, term)  # "¿en qué año se aprobó el POM?"
        dated = term is not None and term.plan_text is not None and bool(find_years(fold(term.plan_text)))
        if term is not None and self._only_the_term(query, term, others_allowed=1 if dated else 0):
            return self.define_answer(term)
        if term is not None and term.plan_text:  # "¿cuándo se aprobó el plan Mixco 2032?": its full name
            expanded = analyze(self._own_name_neutral(f"{query.text} {term.plan_text}"), self.index)
            in_text = self._when_in_text(expanded, ask)
            if in_text is not None:
                return in_text
        return self._when_in_text(query, ask)

    def _member_named(self, query: Query, ask: Ask) -> Hit | None:
        """The member of the list the question names that it also names by its own title."""
        if ask.list_id not in LISTS:
            return None
        hits = self.index.search(query)
        if not hits:
            return None
        top = self._named_first(query, hits)[0]
        if top.doc.kind != LISTS[ask.list_id].doc_kind:
            return None
        members = [self.title_stems(d) for d in self._members_of(ask.list_id)]
        shared = frozenset.intersection(*members) if len(members) > 1 else frozenset()
        own = (
            self.title_stems(top.doc) - shared
        )  # "índice" titles every index: "gestión financiera" names one
        said = {stem(w) for w in TOKEN.findall(query.corrected)}
        return top if len(own) >= 2 and own <= said else None

    def _document_event(self, query: Query, ask: Ask, term: GlossaryTerm) -> Answer:
        """When a document the plan names was approved, updated or made: the sentence that tells
        of it (by the document's full name too); else the period the plan gives it, said not to
        be that date, not confident."""
        named = analyze(self._own_name_neutral(f"{query.text} {term.plan_text or ''}"), self.index)
        for asked in (named, query):
            in_text = self._when_in_text(asked, ask)
            if in_text is not None:
                return in_text
        years = find_years(fold(term.plan_text or ""))
        period = "-".join(str(y) for y in years[:2]) if years else None
        lead = (
            t.WHEN_EVENT_PERIOD.format(term=term.term, period=period)
            if period
            else t.WHEN_EVENT_NONE.format(term=term.term)
        )
        return replace(with_lead(self.define_answer(term), lead), confident=False, asks=ask.what)

    def _when_in_text(self, query: Query, ask: Ask, *, only: Hit | None = None) -> Answer | None:
        """ "¿cuándo se aprobó el plan Mixco 2032?": the sentence of the best records (or of
        ``only``) that says what was asked and carries a year; the record's card follows."""
        hits = self.index.search(query)
        if not hits or not _confident(hits, query):
            return None
        wanted = {stem(s) for s in query.sources if s not in WHEN_WORDS}
        best: tuple[int, str, Hit] | None = None
        asked_years = set(query.years)
        asks_start = has_phrase(query.folded, START_ASKS)
        asks_state = ask.what == "status"
        event = _event_asked(query.folded)
        if event is not None:  # "aprobó" asked: what the sentence says happened, not the word
            wanted = (wanted - {stem(w) for w in event[0].findall(query.folded)}) or wanted
        for hit in [only] if only is not None else hits[:10]:
            record = self.records[hit.doc.id]
            text = getattr(record, "text", "") or hit.doc.title
            clauses = list(_dated_clauses(text))
            if asks_state or event is not None:  # "… aún se encuentra en proceso de aprobación"
                clauses.extend(_undated_sentences(text))
            elif event is None:  # "¿en qué plazo van a instalar …?" → «en el transcurso de dos años»
                clauses.extend(c for c in _undated_sentences(text) if LASTING.search(fold(c[0])))
            for sentence, years, sentence_stems in clauses:
                if event is not None and not event[1].search(fold(sentence)):
                    continue  # a sentence that does not tell of the approval asked about
                overlap = len(wanted & sentence_stems)
                enough = overlap * 2 >= len(wanted) or overlap >= 2
                said = 2 * overlap + bool(years - asked_years) if enough else 0  # a year not asked is news
                if said and asks_start and has_phrase(fold(sentence), START_MARKS):
                    said += 2  # "¿desde cuándo …?": the sentence that says when it began
                if said and asks_state and has_phrase(fold(sentence), STATE_MARKS):
                    said += 2  # "… aún se encuentra en proceso de aprobación"
                if said and (best is None or said > best[0]):
                    best = (said, sentence.strip(), hit)
        if best is None:
            return None
        _, sentence, hit = best
        card = self._card(hit, tuple(_match(h) for h in hits[:5]))
        lasting = None if find_years(fold(sentence)) else LASTING.search(fold(sentence))
        if lasting is not None and fold(str(card.lines[0])) == fold(sentence):  # the card says the rest
            same_length = len(fold(sentence)) == len(sentence)  # then the folded span is the written one
            time = sentence[lasting.start() : lasting.end()] if same_length else lasting.group(0)
            return replace(with_lead(card, t.WHEN_LASTING.format(time=time)), asks=ask.what)
        return replace(
            with_lead(card, t.WHEN_TEXT.format(sentence=shorten(sentence, QUOTE_CHARS))), asks=ask.what
        )

    def _who(self, query: Query, ask: Ask) -> Answer | None:
        """ "¿quién valida y aprueba el plan?": the actors whose role says it. "¿Quién pone el
        dinero de los pozos?": the projects' table says who contributes to them."""
        made = self._who_made(query, ask)
        if made is not None:  # "¿quiénes participaron en hacer el POA?"
            return made
        words = [
            w
            for w in content_words(query.corrected)
            if w not in ("quien", "quienes", "institucion", "instituciones")
            and w not in ROLE_FRAMING
            and w not in list_words("actors")
        ]
        money = bool(query.intents & {"money", "budget"}) and self.plan.projects
        asked = [w for w in words if not _plan_money_word(w)] if money else words
        by_role = self._actors_by_role(asked or words)  # "… vigilar el pisto": the money is not the role
        best = max((n for n, _, _ in by_role), default=0)
        if best * 2 < len(asked) and money:
            funders = self._who_funds(query, ask)  # "¿quién pone el dinero de los pozos?"
            if funders is not None:
                return funders
        if best * 2 < len(asked or words):  # "¿quién ayuda con la alfabetización?": a topic, not a role
            return self._who_for_a_topic(query, ask)
        chosen = [doc for n, doc, _ in by_role if n == best]
        role_words = sorted({w for n, _, said in by_role if n == best for w in said})
        answer = self._list_of_docs("actors", chosen, page=1)
        lead = t.ACTORS_BY_ROLE.format(actors=count_of(len(chosen), t.ACTORS), words=" / ".join(role_words))
        return replace(with_lead(answer, lead), asks="who")

    def _who_made(self, query: Query, ask: Ask) -> Answer | None:
        """The sentence that tells who took part in making the document asked about: a statement
        of that document (by its title), or of any when the question names the plan only."""
        if not WHO_MADE_ASKED.search(query.folded):
            return None
        term = find_term(query.folded, self.plan.edition)
        named: frozenset[str] = frozenset()
        acronym: set[str] = set()
        if term is not None:
            named = frozenset(stem(w) for w in content_words(term.plan_text or term.term))
            acronym = {stem(w) for w in content_words(term.term)}
        for doc in self.by_kind.get("statement", []):
            if named and not named <= self.title_stems(doc) | acronym:
                continue  # "¿quién elaboró el PDM-OT?" is not told by the POA's own sentence
            for sentence, folded, _ in self._sentences_of(doc):
                if WHO_MADE_TOLD.search(folded):
                    return self._quoted(Hit(doc, 1.0, 1.0), sentence.strip(), ask.what)
        return None

    def _actors_by_role(self, asked: list[str]) -> list[tuple[int, Doc, list[str]]]:
        """The actors whose role says some of the words: how many, the actor, the role's words."""
        synonyms = vocabulary().synonyms
        keys = [  # the word's own key first, then its synonyms', so the role word shown is stable
            tuple(
                dict.fromkeys(
                    [word_key(w), *(word_key(x) for s in synonyms.get(w, ()) for x in content_words(s))]
                )
            )
            for w in asked
        ]
        actors = self._members_of("actors")
        order = self._actor_order()
        by_key = self._actors_by_role_key()
        candidates = {doc_id for word_keys in keys for k in word_keys for doc_id in by_key.get(k, ())}
        by_role = []
        for doc_id in sorted(candidates, key=order.__getitem__):
            doc = actors[order[doc_id]]
            role = self.role_keys[doc.id]
            said = [
                next(role[k] for k in word_keys if k in role)
                for word_keys in keys
                if not role.keys().isdisjoint(word_keys)
            ]
            by_role.append((len(said), doc, said))
        return by_role

    def _actor_order(self) -> dict[str, int]:
        """Each actor's place in the list of actors, by record id (worked out once)."""
        if self._actor_places is None:
            self._actor_places = {doc.id: n for n, doc in enumerate(self._members_of("actors"))}
        return self._actor_places

    def _actors_by_role_key(self) -> dict[str, list[str]]:
        """The actors (record ids) whose role has a word of each key (worked out once)."""
        if self._role_index is None:
            index: dict[str, list[str]] = {}
            for doc in self._members_of("actors"):
                for key in self.role_keys[doc.id]:
                    index.setdefault(key, []).append(doc.id)
            self._role_index = index
        return self._role_index

    def _zona_without(self, zona: int, excluded: str, query: Query) -> Answer:
        """A zona's projects but the ones the question sets aside (all of its words), said first."""
        left_out = self.index.coverage(analyze(excluded, self.index))
        position = self.index.position
        kept = [
            self.index.by_id[f"project:{p.snip}"]
            for p in self.plan.projects
            if p.zona == zona and left_out[position[f"project:{p.snip}"]] < EXCLUDED_COVERAGE
        ]
        if not kept or len(kept) == sum(p.zona == zona for p in self.plan.projects):
            return self.zona_answer(zona, query)
        answer = self._list_of_docs("projects", kept, page=1)
        lead = t.ZONA_BESIDES.format(n=zona, projects=count_of(len(kept), t.PROJECTS), excluded=excluded)
        return replace(with_lead(answer, lead), asks="list")

    def _projects_bounded(self, query: Query, ask: Ask) -> Answer:
        """The projects above or below an amount, in the zona the question names if any."""
        answer = self.list_answer("projects", None, query.corrected)
        zonas = {z.number for z in query.zonas}
        if not zonas:
            return replace(answer, asks=ask.what if ask.what != "lookup" else "list")
        bound = amount_threshold(query.folded)
        assert bound is not None
        above, amount = bound
        chosen = [
            self.index.by_id[f"project:{p.snip}"]
            for p in self.plan.projects
            if p.zona in zonas and (p.amount > amount) == above
        ]
        named = sorted(zonas)
        if chosen:
            shown = self._list_of_docs("projects", chosen, page=1)
        else:
            shown = self.zona_answer(named[0]) if len(named) == 1 else self.zonas_answer(tuple(named))
        lead = (t.ZONA_BOUND if chosen else t.ZONA_BOUND_NONE).format(
            zonas=join_numbers(named),
            projects=count_of(len(chosen), t.PROJECTS),
            side=t.ABOVE if above else t.BELOW,
            amount=format_q(amount),
        )
        return replace(with_lead(shown, lead), asks="list")

    def _who_funds(self, query: Query, ask: Ask) -> Answer | None:
        """The projects' table says who contributes to them."""
        projects = self._filtered_projects(query, replace(ask, list_id="projects"))
        if not (projects and len(projects) < len(self.plan.projects)) and ask.list_id != "projects":
            return None
        docs = [self.index.by_id[f"project:{p.snip}"] for p in projects] or self._members_of("projects")
        answer = self._list_of_docs("projects", docs, page=1)
        return replace(with_lead(answer, t.PROJECTS_FUNDER), asks="who")

    def _who_for_a_topic(self, query: Query, ask: Ask) -> Answer | None:
        """The topic searched without the framing: the institutions its records name lead, else
        the best record about it."""
        rest = " ".join(w for w in TOKEN.findall(query.folded) if w not in WHO_FRAMING)
        reduced = analyze(rest, self.index)
        named = None if AGAINST_OR_FOR_WHOM.search(query.folded) else self._institutions_about(reduced)
        if named is not None:  # "¿con qué institución ve la muni lo de alfabetización?" → CONALFA
            return named
        if not reduced.sources or set(reduced.sources) == set(query.sources):
            return None
        answer = self._searched(reduced, replace(ask, what="lookup"))
        return answer if answer.confident else None

    def _institutions_about(self, query: Query) -> Answer | None:
        """The best record about the question's topic that names the institutions it is done
        with, led by their names."""
        hits = self.index.search(query)
        if not hits or not _confident(hits, query):
            return None
        for hit in hits[:INSTITUTION_AMONG]:
            enough = min(MIN_COVERAGE, INSTITUTION_COVERAGE * hits[0].coverage)
            if hit.score < INSTITUTION_SHARE * hits[0].score or hit.coverage < enough:
                continue
            if hit.doc.kind == "actor":
                return None  # an actor's own card names it: "¿quiénes forman el consorcio de ONG?"
            names = self._institutions_of(hit.doc)
            if not names and hit is hits[0]:  # "leer y escribir": the line's actions name CONALFA
                names = [n for doc in self._below(hit.doc.id) for n in self._institutions_of(doc)]
            if names:
                card = self._card(hit, tuple(_match(h) for h in hits[:5]))
                lead = t.WHO_IN_TEXT.format(names=join_words(list(dict.fromkeys(names))))
                return replace(with_lead(card, lead), asks="who")
        return None

    def _institutions_of(self, doc: Doc) -> list[str]:
        return self.institutions.named_in(f"{doc.title}. {_record_text(self.records[doc.id])}")

    def _below(self, doc_id: str) -> list[Doc]:
        """The records right under a record (a strategic line's lines of action)."""
        if self._children is None:
            children: dict[str, list[Doc]] = {}
            for doc in self.index.docs:
                parents = self.above.get(doc.id, ())
                if parents:
                    children.setdefault(parents[0], []).append(doc)
            self._children = children
        return self._children.get(doc_id, [])

    COMPOSERS: ClassVar[dict[str, Callable[[Answerer, Query, Ask], Answer | None]]] = {}

    # Zonas, places and search -------------------------------------------------------------------
    def _about_zona(self, query: Query, ask: Ask) -> Answer:
        zona = query.zonas[0].number
        if zona not in self.plan.edition.zonas:
            return self.zona_answer(zona, query)
        if len({z.number for z in query.zonas}) > 1:
            return self.zonas_answer(tuple(dict.fromkeys(z.number for z in query.zonas)), query)
        excluded = excluded_words(query.folded)
        if excluded:  # "aparte del drenaje de San Antonio, ¿qué más hay en la zona 10?"
            return self._zona_without(zona, excluded, query)
        project = self._one_project_meant(query) if ask.what not in ("list", "count", "sum") else None
        if project is not None:
            return self._project_or_unknown_detail(query, project)
        if not self._zona_words_explained(query):
            return self.not_in_plan(query, self.index.search(query)[:3])
        answer = self.zona_answer(zona, query)
        if FUNDS_ASKED.search(query.folded) and answer.confident:  # "¿con qué fondos se financian …?"
            answer = with_lead(answer, t.PROJECTS_FUNDER)
        return replace(answer, asks=ask.what) if ask.what != "lookup" else answer

    def _searched(self, query: Query, ask: Ask) -> Answer:
        asks_when = ask.what in ("when", "status")
        if asks_when and all(stem(s) in ask_stems() or s in filler_words() for s in query.sources):
            return self.not_in_plan(query, self.index.search(query)[:1])  # "¿cuándo termina?" — ¿qué cosa?
        if ask.what == "when":  # no project, zona or dated sentence: the plan gives no date for it
            return self.not_in_plan(query, self.index.search(query)[:3], note=t.WHEN_NOT_IN_PLAN)
        hits = self._without_the_excluded(query, ask) or self.index.search(query)
        if not hits or not _confident(hits, query):
            if ask.what == "list" and ask.list_id in LISTS:
                return self.list_answer(ask.list_id or "", self._filter_query(query, ask), query.corrected)
            if ask.list_id in LISTS and self._picks_members(query, ask):
                # "¿qué categoría sacó en el ranking?": what the members the other words pick say of it
                return self.list_answer(ask.list_id or "", self._filter_query(query, ask), query.corrected)
            return self.not_in_plan(query, hits)
        top = self.records[hits[0].doc.id]
        if isinstance(top, Project) and not asks_for_works(query.folded):
            # a detail no row gives ("¿cuántas familias …?") is not confident; "¿hay algún proyecto
            # de parques …?" asks whether there is one, which the card answers
            detail = self._project_or_unknown_detail(query, top)
            if not detail.confident:
                return detail
        if ask.what in ("define", "lookup") and "list" not in ask.marks:
            # "¿qué mide el índice de información a la ciudadanía?"
            hits = self._named_first(query, hits, list_words=ask.list_words, whole=ask.what == "lookup")
        if ask.list_id in LISTS and hits[0].doc.kind == "list":
            return self.list_answer(ask.list_id or "", self._filter_query(query, ask), query.corrected)
        if ask.what in ("lookup", "status") and ask.list_id in LISTS:
            hits = self._member_of_the_list_named_first(ask.list_id or "", hits)
        if ask.what == "lookup":
            hits = self._tematica_named_first(query, hits)  # "mixco seguro, ¿a qué ODS se vincula?"
        if ask.what in ("lookup", "define"):
            hits = self._heading_named_first(query, hits)  # "¿qué dice el marco estratégico nacional?"
        if ask.what == "lookup":
            hits = self._gathering_first(hits)  # "¿qué dice el plan sobre movilidad y transporte?"
        answer = self._compose(query, self._record_over_section(hits), ask)
        return replace(answer, asks=ask.what) if ask.what != "lookup" else answer

    def _without_the_excluded(self, query: Query, ask: Ask) -> list[Hit]:
        """ "la visión de la municipalidad (no la del plan 2032)": the records searched without
        the words left out, those whose title has them all left out (lists filter their own members)."""
        excluded = excluded_words(query.folded)
        if excluded is None or ask.list_id in LISTS:
            return []
        said = f" {' '.join(TOKEN.findall(query.folded))} "  # "pdm-ot" as the words excluded_words gives
        rest = analyze(said.replace(f" {excluded} ", " "), self.index)
        left_out = {stem(w) for w in content_words(excluded)}
        hits = [h for h in self.index.search(rest) if not left_out <= self.title_stems(h.doc)]
        return hits if left_out and hits and _confident(hits, rest) else []

    def _picks_members(self, query: Query, ask: Ask) -> bool:
        """The question's words besides the list's name pick some of its members, not all."""
        filter_query = self._filter_query(query, ask)
        if filter_query is None or ask.list_id is None:
            return False
        picked = self._members(ask.list_id, filter_query, query.corrected)
        return 0 < len(picked) < len(self._members_of(ask.list_id))

    def _record_over_section(self, hits: list[Hit]) -> list[Hit]:
        """A list document found by the plan's name in the question ("¿quiénes participaron en
        hacer el POA 2024?" → "Acciones operativas del POA 2024") gives way to a record that
        explains clearly more of the question at nearly its score."""
        top = hits[0]
        if top.doc.kind != "list":
            return hits
        for hit in hits[1:3]:
            if hit.coverage >= top.coverage + LIST_OUTSAID and hit.score >= LIST_OUTSAID_SCORE * top.score:
                return [hit, *(h for h in hits if h is not hit)]
        return hits

    def _named_first(
        self, query: Query, hits: list[Hit], list_words: Sequence[str] = (), *, whole: bool = False
    ) -> list[Hit]:
        """The hits with the record the question names by its whole title first: "¿qué es X?"
        asks for X itself, not for a list of X's parts or a target that mentions X (its words as
        corrected: "el indise de …" names the índice). A record titled by the words that name a
        list ("Marco legal") is not named: those words ask for the list. ``whole``: only a title
        of two words or more said whole names its record ("¿qué dice del índice de participación
        ciudadana?"; "transparentan" does not name «Mixco transparente»)."""
        said = {stem(w) for w in TOKEN.findall(query.corrected)}
        list_stems = {stem(w) for words in list_words for w in TOKEN.findall(words)}
        for hit in hits[:NAMED_AMONG]:
            title = self.title_stems(hit.doc)
            named = (
                len(title) >= 2 and title <= said
                if whole
                else len(title & said) >= max(2, NAMED_TITLE * len(title)) or (title and title <= said)
            )
            if (
                hit.doc.kind != "list"
                and named
                and not title <= list_stems
                and hit.score >= NAMED_SHARE * hits[0].score
            ):
                return [hit, *(h for h in hits if h is not hit)]
        return hits

    def _member_of_the_list_named_first(self, list_id: str, hits: list[Hit]) -> list[Hit]:
        """ "¿qué dice sobre la participación ciudadana en el ranking?": the list named says where
        to look; its member that says as much as the best record goes first (the ranking's
        «Índice de participación ciudadana», not the target that mentions that index)."""
        kind = LISTS[list_id].doc_kind
        top = hits[0].doc
        if top.kind == "list" or top.kind.startswith(kind):
            return hits  # the list itself, a member, or a kind of its own ("policy_axis", "funding_total")
        for hit in hits[1:NAMED_AMONG]:
            if hit.doc.kind == kind and hit.coverage >= hits[0].coverage:
                return [hit, *(h for h in hits if h is not hit)]
        return hits

    def _gathering_first(self, hits: list[Hit]) -> list[Hit]:
        """Of the records that say all that was asked about as well as the best, the one that holds
        another of them (a strategic line and one of its lines of action) goes first: it says
        more of the topic."""
        near = [
            h
            for h in hits[:NAMED_AMONG]
            if h.coverage >= hits[0].coverage and h.score >= GATHER_SHARE * hits[0].score
        ]
        ids = {h.doc.id for h in near}
        for hit in near:
            if any(hit.doc.id in self.above.get(other, ()) for other in ids):
                return hits if hit is hits[0] else [hit, *(h for h in hits if h is not hit)]
        return hits

    def _heading_named_first(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """A record under the heading the question names by all its words ("II. Marco estratégico
        nacional") goes first, before a record that only mentions those words in passing."""
        said = {stem(w) for w in TOKEN.findall(query.folded)}

        def heading_named(hit: Hit) -> bool:
            words = self._heading_stems(hit.doc)
            return len(words) >= 2 and words <= said

        if heading_named(hits[0]):
            return hits
        for hit in hits[1:NAMED_AMONG]:
            if hit.doc.kind != "list" and heading_named(hit):
                return [hit, *(h for h in hits if h is not hit)]
        return hits

    def _heading_stems(self, doc: Doc) -> frozenset[str]:
        """The stems of the heading a record sits under, without its numbering ("II.", "A.";
        worked out once per record)."""
        kept = self._heading_words.get(doc.id)
        if kept is None:
            section = getattr(self.records.get(doc.id), "section", ())
            heading = content_words(fold(section[-1])) if section else []
            kept = frozenset(stem(w) for w in heading if not NUMBERING.fullmatch(w))
            self._heading_words[doc.id] = kept
        return kept

    def _tematica_named_first(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """A temática the question names by its whole name ("Mixco seguro") goes first, unless the
        best record is already one of its own (its lines, targets, objectives)."""
        tematica = self._tematica_said(query.folded)
        if tematica is None:
            return hits
        top = self.records.get(hits[0].doc.id)
        if top is tematica or getattr(top, "tematica", None) == tematica.id:
            return hits
        doc = self.index.by_id.get(f"tematica:{tematica.id}")
        if doc is None:
            return hits
        found = next((h for h in hits if h.doc is doc), Hit(doc, hits[0].score, hits[0].coverage))
        return [found, *(h for h in hits if h.doc is not doc)]

    def _unlisted_places(self, query: Query) -> list[str]:
        """Places the question names ("colonia El Milagro", "Sacoj Grande") that no record of the
        plan names."""
        named = [p for p in place_phrases(query.folded) if not self._plan_phrase_after_place_word(query, p)]
        named.extend(self._capitalised_places(query))
        return [p for p in dict.fromkeys(named) if not self._plan_names_place(p)]

    def _plan_phrase_after_place_word(self, query: Query, place: str) -> bool:
        """ "personas de la comunidad educativa capacitan": "comunidad educativa" is the plan's
        own phrase, not a community named Educativa."""
        before = query.folded[: query.folded.find(place)].split()
        return bool(before) and self._plan_names_place(f"{before[-1]} {place.split()[0]}")

    def _capitalised_places(self, query: Query) -> list[str]:
        """ "¿hay proyecto en Sacoj Grande?": capitalised words where one is a place of the plan
        and the phrase as a whole is not."""
        found: list[str] = []
        if query.text == query.text.lower():
            return found  # no capital at all: no name written with them
        letters = [c for c in query.text if c.isalpha()]
        if sum(c.isupper() for c in letters) * 2 > len(letters):
            return found  # SHOUTED TEXT: capitals say nothing about names
        for n, clause in enumerate(CLAUSE_END.split(query.text)):  # "… de Mixco. Necesito …": two
            clause_words = clause.split()
            run: list[str] = []
            for m, word in enumerate([*clause_words, ""]):
                clean = word.strip("¿?¡!.,;:()\"'")
                if (n > 0 or m > 0) and clean[:1].isupper() and clean.isalpha():
                    run.append(fold(clean))
                    continue
                if len(run) >= 2 and any(w in self.place_words for w in run):
                    found.append(" ".join(run))
                run = []
        return found

    def _plan_names_place(self, place: str) -> bool:
        found = [self.index.posting(stem(w)) for w in words(place) if not is_stop_word(w)]  # "cero" as "0"
        postings = [p[0] for p in found if p is not None]
        if len(postings) < len(found) or not postings:
            return False  # a word no record has
        padded = f" {place} "
        docs = self.index.docs
        municipality = self.plan.edition.municipality
        return any(padded in _words_of(docs[n], municipality) for n in min(postings, key=len).tolist())

    def place_not_listed(self, place: str, zona: int | None) -> Answer:
        """Say the place is not listed, then offer what is near or in its zona (not confident)."""
        pretty = place.title()
        lines: list[Line] = [t.PLACE_NOT_LISTED.format(place=pretty)]
        items: list[str] = []
        place_stems = {stem(w) for w in content_words(place)}
        near = [
            p
            for p in self.plan.projects
            if place_stems & {stem(w) for w in content_words(f"{p.name} {p.place or ''}")}
        ]
        if zona is not None and zona in self.plan.edition.zonas:
            in_zona = [p for p in self.plan.projects if p.zona == zona]
            if in_zona:
                lines.append(t.PLACE_ZONA.format(n=zona))
                items.extend(self.view.project_line(p) for p in in_zona)
            else:
                lines.append(self.texts.ZONA_NO_PROJECTS.format(n=zona))
        elif near:
            lines.append(t.PLACE_NEAR)
            items.extend(self.view.project_line(p) for p in near)
        else:
            lines.append(t.PLACE_ASK_ZONA)
        follow = [FollowUp(t.BTN_PROJECT.format(snip=p.snip), f"proyecto:{p.snip}") for p in near[:2]]
        follow.append(FollowUp(t.BTN_PROJECTS, "lista:projects"))
        return Answer(
            t.PLACE_NOT_LISTED_TITLE.format(place=pretty),
            tuple(lines),
            tuple(items),
            tuple(follow),
            confident=False,
            kind="place_not_listed",
            zona=zona,
        )

    def _one_project_meant(self, query: Query) -> Project | None:
        """The one project a question points at by its words (place, what it builds), within the
        zona it names if any; None when no project clearly leads."""
        terms = [s for s in query.sources if s not in ("proyecto", "proyectos", "obra", "obras")]
        if not terms:
            return None
        hits = [h for h in self.index.search(query, limit=20) if h.doc.kind == "project"]
        if query.zonas:
            hits = [h for h in hits if query.zonas[0].number in h.doc.zonas]
        if not hits:
            return None
        top = hits[0]
        second = hits[1].score if len(hits) > 1 else 0.0
        project = self.records[top.doc.id]
        specific = self._specific_coverage(query, top)
        if not isinstance(project, Project) or top.score < CLEAR_LEAD * second:
            return None
        if self._names_only_its_place(query, top):
            return project
        if specific < 0.5:
            return None
        if query.zonas and self._another_in_the_zona_explains(query, project, specific):
            return None  # "agua z6": the zona's two water projects, though one says "agua" itself
        return project

    def _another_in_the_zona_explains(self, query: Query, project: Project, specific: float) -> bool:
        others = (
            self.index.by_id[f"project:{p.snip}"]
            for p in self.plan.projects
            if p.zona == project.zona and p is not project
        )
        return any(self._specific_coverage(query, Hit(doc, 0.0, 0.0)) >= specific for doc in others)

    def _projects_named_apart(self, query: Query) -> list[Project]:
        """The projects each side of "A y B" (or "A o B", "A, B") names by its place words alone."""
        parts = AND_OR_COMMA.split(query.folded)
        if len(parts) < 2:
            return []
        found: list[Project] = []
        for part in parts:
            places = [w for w in TOKEN.findall(part) if w in self.place_names]
            project = self._one_project_meant(analyze(" ".join(places), self.index)) if places else None
            if project is not None and project not in found:
                found.append(project)
        return found

    def _names_only_its_place(self, query: Query, hit: Hit) -> bool:
        """ "¿el pozo del Chiquirín pa cuándo está listo? ya estamos cansados …": a place name of
        one project, and no other project's, outweighs the complaint around it."""
        named = {w for w in TOKEN.findall(query.folded) if w in self.place_names}
        return bool(named) and {stem(w) for w in named} <= self.stems_of(hit.doc)

    def _specific_coverage(self, query: Query, hit: Hit) -> float:
        """How much of the question's place / object words (not money, question or asking
        words) the project explains."""
        generic = {
            "monto",
            "dinero",
            "presupuesto",
            "cuesta",
            "costo",
            "proyecto",
            "proyectos",
            "obra",
            "obras",
        }
        words = [s for s in query.sources if s not in generic and len(s) > 2 and stem(s) not in ask_stems()]
        if not words:
            return 0.0
        text = self.stems_of(hit.doc)
        synonyms = vocabulary().synonyms
        known = 0
        for w in words:
            alternatives = {stem(w)} | {stem(x) for s in synonyms.get(w, ()) for x in content_words(s)}
            known += bool(alternatives & text)
        return known / len(words)

    def _zona_words_explained(self, query: Query) -> bool:
        """ "venden terrenos en la zona 6?": words beside the zona that the plan has no use for
        mean the question is not about the zona's works."""
        words = [s for s in query.sources if len(s) > 2]
        if not words or asks_for_works(query.folded):  # the rest is chatter: "vivo en la zona 6 y …"
            return True
        unknown = [w for w in self._unknown_words(words) if w in spanish_words()]  # not gibberish
        return len(unknown) * 2 <= len(words)

    def _unknown_words(self, words: Sequence[str]) -> list[str]:
        """Words of a question that neither the plan nor the local vocabulary nor the ways of
        asking know ("empresa", "tubería", "profundidad")."""
        return [
            w
            for w in words
            if len(w) > 3
            and not self.index.knows(stem(w))
            and not vocabulary().synonyms.get(w)
            and stem(w) not in known_stems()
            and w not in filler_words()
            and not w.endswith("mente")  # "exactamente", "actualmente": how, not what
        ]

    def _words_the_row_lacks(self, query: Query, project: Project) -> list[str]:
        """Plan words of the question that are about something the project's row does not give
        ("¿qué juegos va a tener el parque …?"): neither its own words (or what they stand for)
        nor words of asking, money, time or the plan's lists."""
        row = self.stems_of(self.index.by_id[f"project:{project.snip}"])
        synonyms = vocabulary().synonyms
        generic = set(vocabulary().intents["money"]) | set(vocabulary().intents["budget"])
        lacking = []
        for word in query.sources:
            if len(word) <= 3 or word in generic or word in filler_words() or word in WHEN_WORDS:
                continue
            family = {stem(word), *self.index.related_stems(stem(word))}
            family |= {stem(x) for s in synonyms.get(word, ()) for x in content_words(s)}
            if family & row or family & known_stems() or stem(word) in ask_stems():
                continue
            if word.isalpha() and not word.endswith("mente"):
                lacking.append(word)
        return lacking

    def _project_or_unknown_detail(self, query: Query, project: Project) -> Answer:
        """The project's card; when the question asks for a detail the plan does not give
        ("¿qué empresa construye…?", "¿cuántos metros de tubería…?"), it says so and is not
        confident."""
        unknown = self._unknown_words(query.sources) or self._words_the_row_lacks(query, project)
        counted = re.search(r"\b(?:cuantos|cuantas)\s+(\w+)", query.folded)
        if counted and not _plan_money_word(counted.group(1)):  # "¿cuántas familias …?": no row counts them
            unknown = [counted.group(1), *unknown]
        card = self.project_answer(project.snip)
        if not unknown:
            return card
        lead = t.DETAIL_NOT_IN_PLAN.format(words=", ".join(unknown))
        return replace(with_lead(card, lead), confident=False, kind="detail_not_in_plan")

    # Direct answers (also used by commands and buttons) -------------------------------------
    def project_answer(self, snip: str) -> Answer:
        project = self.plan.project(snip)
        if project is None:
            return Answer(
                t.PROJECT_NOT_FOUND_TITLE.format(snip=snip),
                (self.texts.PROJECT_NOT_FOUND.format(snip=snip),),
                follow_ups=(FollowUp(t.BTN_PROJECTS, "lista:projects"),),
                confident=False,
                kind="project_not_found",
            )
        card = kind_of("project").card(self.view, project, self.index.by_id[f"project:{snip}"], ())
        term = find_term(fold(project.observation), self.plan.edition)
        if term is not None and term.card:
            card = replace(card, lines=(*card.lines, t.CARD_EXPLAINED.format(text=term.card)))
        return card

    def when_answer(self, project: Project, asks: str = "when") -> Answer:
        """When a project ends, from what exists: the period the plan gives, else that it gives none."""
        period = project.period
        observation = fold(project.observation)
        if period:
            lead = t.WHEN_PERIOD.format(observation=project.observation, start=period[0], end=period[1])
        elif "arrastre" in observation:
            lead = self.texts.WHEN_CARRY
        elif "nuevo" in observation:
            lead = self.texts.WHEN_NEW.format(observation=project.observation)
        else:
            lead = t.WHEN_UNKNOWN
        card = with_lead(self.project_answer(project.snip), lead, t.WHEN_NO_PROGRESS)
        # "¿cuándo termina?" is answered by the period; "¿ya terminaron?" / "¿cómo va?" only by a
        # status staff recorded (knowledge.staff.with_status makes it confident then)
        return replace(card, asks=asks, confident=asks != "status")

    def _only_the_term(self, query: Query, term: GlossaryTerm, others_allowed: int = 1) -> bool:
        """ "¿qué es el arrastre?" asks for the word; "¿qué es el objetivo operativo del POA?" asks
        for something the word only qualifies."""
        alias_words = {w for a in term.aliases if has_phrase(query.folded, (a,)) for w in a.split()}
        generic = {"plan", "proyecto", "proyectos", "obra", "obras", "palabra", "termino", "sigla", "siglas"}
        where = WHERE_IT_IS_SAID.search(query.folded)
        where_said = set(TOKEN.findall(where.group(0))) if where else set()
        others = [
            s
            for s in query.sources
            if s not in alias_words
            and s not in where_said
            and s not in generic
            and s not in define_words()
            and s not in filler_words()
            and not self._chatter(s)  # "disculpe mi ignorancia, ¿qué significa PDM-OT?"
        ]
        if query.snips or any(s in self.place_names for s in others):
            return False  # "¿qué significa que el proyecto del molino diga multianual?": that project
        return len(others) <= others_allowed

    def _chatter(self, word: str) -> bool:
        """A Spanish word the plan does not have and that names no project's place: it asks for
        nothing the plan could answer ("disculpe", "invitaron")."""
        return (
            not word.isdigit()
            and word in spanish_words()
            and not self._known_to_plan(word)
            and word not in self.place_names
        )

    def _defines_a_term_and_its_money(self, query: Query) -> bool:
        terms = find_terms(query.folded, self.plan.edition)
        return (
            read_ask(query.corrected).what == "define"
            and bool(terms)
            and self._record_named(terms[0]) is not None
            and self._term_and_its_money(query, terms[0])
        )

    def _term_and_its_money(self, query: Query, term: GlossaryTerm) -> bool:
        """The term, and money asked of it: every other word asks for money or a year ("¿qué es
        el situado y cuánto le toca?")."""
        asking = {w for phrase in phrases_in(query.folded, ask_phrases("sum")) for w in phrase.split()}
        rest = replace(
            query, sources=tuple(s for s in query.sources if not _plan_money_word(s) and s not in asking)
        )
        return bool(query.intents & {"money", "budget"}) and self._only_the_term(rest, term, others_allowed=1)

    def _only_the_terms(self, query: Query, terms: tuple[GlossaryTerm, ...]) -> bool:
        named = {
            w for term in terms for a in term.aliases if has_phrase(query.folded, (a,)) for w in a.split()
        }
        rest = replace(query, sources=tuple(s for s in query.sources if s not in named))
        return self._only_the_term(rest, terms[0])

    def define_answer(self, *terms: GlossaryTerm) -> Answer:
        """What plan words mean; a word that names a record of the plan (a funding source, an
        actor) brings that record's figures along ("¿qué es Fonpetrol y cuánto da?")."""
        answer = self._definitions(terms)
        for term in terms:
            marked = self._projects_marked(term)
            if marked:  # "¿qué significa ARRASTRE y cuáles son?": the rows the plan marks so
                lines = tuple(self.view.project_line(p) for p in marked)
                answer = with_section(answer, t.PROJECTS_MARKED.format(term=term.term), lines)
            doc = self._record_named(term)
            if doc is not None:
                card = kind_of(doc.kind).card(self.view, self.records[doc.id], doc, ())
                facts = tuple(f"{x.label}: {x.value}" if isinstance(x, Fact) else x for x in card.lines)
                answer = with_section(answer, card.title, facts)
                answer = replace(answer, source=card.source)
        return answer

    def _projects_marked(self, term: GlossaryTerm) -> list[Project]:
        """The projects whose observation is the term (a project-table label, which has a card line)."""
        if term.card is None:
            return []
        label = fold(term.term)
        return [p for p in self.plan.projects if has_phrase(fold(p.observation), (label,))]

    def _record_named(self, term: GlossaryTerm) -> Doc | None:
        """The funding source or actor whose name is the term (worked out once per term)."""
        if term.term not in self._named_records:
            aliases = tuple(a for a in term.aliases if len(a) > 2)
            self._named_records[term.term] = next(
                (
                    doc
                    for kind in ("funding", "actor")
                    for doc in self.by_kind.get(kind, [])
                    if aliases and has_phrase(self.folded_title(doc), aliases)
                ),
                None,
            )
        return self._named_records[term.term]

    def _sentences_of(self, doc: Doc) -> tuple[tuple[str, str, frozenset[str]], ...]:
        """A record's sentences, each folded and as stems (worked out once per record)."""
        kept = self._sentences.get(doc.id)
        if kept is None:
            text = _record_text(self.records[doc.id]) or doc.title
            kept = tuple(
                (sentence, fold(sentence), frozenset(stem(w) for w in content_words(sentence)))
                for sentence in SENTENCE_END.split(text)
            )
            self._sentences[doc.id] = kept
        return kept

    def _quote_parts(self, doc: Doc, *, clauses: bool) -> _QuoteParts:
        """A long record's sentences (or, with ``clauses``, the parts of them short enough to
        quote), each with the stems and the pairs of content stems it says (worked out once per
        record)."""
        key = (doc.id, clauses)
        kept = self._parts.get(key)
        if kept is None:
            text = _record_text(self.records[doc.id])
            parts = [
                (part, {stem(w) for w in TOKEN.findall(fold(part))}, _stem_pairs(content_words(part)))
                for sentence in SENTENCE_END.split(text)
                for part in (_parts_of(sentence.strip()) if clauses else [sentence.strip()])
            ]
            bit_of = _bits({s for _, said, _ in parts for s in said})
            pair_bit_of = _bits({p for _, _, pairs in parts for p in pairs})
            kept = _QuoteParts(
                bit_of,
                pair_bit_of,
                tuple(
                    (
                        part,
                        sum(bit_of[s] for s in said),
                        sum(pair_bit_of[p] for p in pairs),
                        sum(bit_of[s] for s in _stems_outside_names(part)),
                    )
                    for part, said, pairs in parts
                ),
            )
            self._parts[key] = kept
        return kept

    def folded_title(self, doc: Doc) -> str:
        """A document's title folded (worked out once per document)."""
        folded = self._folded_titles.get(doc.id)
        if folded is None:
            folded = self._folded_titles[doc.id] = fold(self._own_name_neutral(doc.title))
        return folded

    def stems_of(self, doc: Doc) -> frozenset[str]:
        """The stems of a document's title and text (worked out once per document)."""
        stems = self._doc_stems.get(doc.id)
        if stems is None:
            stems = self._doc_stems[doc.id] = frozenset(
                stem(w) for w in TOKEN.findall(fold(self._own_name_neutral(f"{doc.title} {doc.text}")))
            )
        return stems

    def title_stems(self, doc: Doc) -> frozenset[str]:
        """The stems of a document's title's content words, without the municipality's name."""
        stems = self._title_stems.get(doc.id)
        if stems is None:
            words = content_words(self.folded_title(doc))
            stems = self._title_stems[doc.id] = frozenset(stem(w) for w in words) - self.municipality_stems
        return stems

    def _definitions(self, terms: tuple[GlossaryTerm, ...]) -> Answer:
        lines: list[Line] = []
        for term in terms:
            prefix = f"{term.term}: " if len(terms) > 1 else ""
            if term.plan_text:
                lines.append(prefix + t.DEFINE_PLAN.format(text=term.plan_text))
            lines.append(prefix + t.DEFINE_EXPLAINED.format(text=term.explanation))
        return Answer(
            t.DEFINE_TITLE.format(term=join_words([term.term for term in terms])),
            tuple(lines),
            follow_ups=self.menu()[:2],
            kind="define",
            asks="define",
        )

    def zona_answer(self, number: int, query: Query | None = None) -> Answer:
        if number not in self.plan.edition.zonas:
            return Answer(
                t.ZONA_OUT_OF_RANGE_TITLE.format(n=number),
                (self.texts.ZONA_OUT_OF_RANGE,),
                follow_ups=tuple(
                    FollowUp(t.BTN_ZONA.format(n=z), f"zona:{z}") for z in self.plan.edition.zonas
                ),
                confident=False,
                kind="zona_out_of_range",
            )
        projects = [p for p in self.plan.projects if p.zona == number]
        if query is not None and query.sources:
            scores = self.index.scores(query)
            projects.sort(key=lambda p: -scores.get(f"project:{p.snip}", 0.0))
        lines: list[Line] = []
        items: list[str] = []
        if projects:
            lines.append(self.texts.ZONA_PROJECTS.format(n=number))
            items.extend(self.view.project_line(p) for p in projects)
        else:
            lines.append(self.texts.ZONA_NO_PROJECTS.format(n=number))
            zonas = sorted({p.zona for p in self.plan.projects if p.zona})
            if zonas:
                lines.append(t.ZONA_OTHERS.format(zonas=join_numbers(zonas)))
        sections = []
        if self.zona_mentions[number]:
            mentions = tuple(shorten(d.title) for d in self.zona_mentions[number])
            sections.append((t.ZONA_MENTIONS.format(n=number), mentions))
        if self.every_zona:
            sections.append((t.ZONA_ALL_ZONES, tuple(shorten(d.title) for d in self.every_zona[:3])))
        follow_ups = [FollowUp(t.BTN_PROJECT.format(snip=p.snip), f"proyecto:{p.snip}") for p in projects[:4]]
        follow_ups.append(FollowUp(t.BTN_PROJECTS, "lista:projects"))
        source = (
            projects[0].section if projects else self.plan.projects[0].section if self.plan.projects else ()
        )
        return Answer(
            self.texts.ZONA_TITLE.format(n=number),
            tuple(lines),
            tuple(items),
            tuple(follow_ups),
            self.texts.cite(source) if source else None,
            confident=bool(projects),  # "no projects listed here" is the plan's silence, said kindly
            kind="zona",
            matches=tuple(Match(f"project:{p.snip}", "project", p.name, 1.0) for p in projects),
            zona=number,
            sections=tuple(sections),
        )

    def zonas_answer(self, numbers: tuple[int, ...], query: Query | None = None) -> Answer:
        """Several zonas at once ("proyectos en zona 1 y zona 2")."""
        valid = [n for n in numbers if n in self.plan.edition.zonas]
        if not valid:
            return self.zona_answer(numbers[0], query)
        projects = [p for n in valid for p in self.plan.projects if p.zona == n]
        named = join_numbers(valid)
        lines: list[Line] = [self.texts.ZONAS_PROJECTS.format(zonas=named)] if projects else []
        lines.extend(
            self.texts.ZONA_NO_PROJECTS.format(n=n) for n in valid if not any(p.zona == n for p in projects)
        )
        return Answer(
            self.texts.ZONAS_TITLE.format(zonas=named),
            tuple(lines),
            tuple(self.view.project_line(p) for p in projects),
            tuple(FollowUp(t.BTN_ZONA.format(n=n), f"zona:{n}") for n in valid),
            self.texts.cite(projects[0].section) if projects else None,
            confident=bool(projects),
            kind="zonas",
            matches=tuple(Match(f"project:{p.snip}", "project", p.name, 1.0) for p in projects),
        )

    def tematica_answer(self, tematica_id: str) -> Answer | None:
        tematica = self.plan.tematica(tematica_id)
        if tematica is None:
            return None
        return kind_of("tematica").card(self.view, tematica, self.index.by_id[f"tematica:{tematica_id}"], ())

    def tematicas_answer(self) -> Answer:
        return self.list_answer("tematicas")

    def funding_answer(self) -> Answer:
        return self.list_answer("funding")

    def targets_answer(self, tematica_id: str | None = None) -> Answer:
        if tematica_id and self.plan.tematica(tematica_id):
            targets = [r for r in self.plan.targets if r.tematica == tematica_id]
            title = f"{self.texts.TARGETS_TITLE} · {self.tematica_names[tematica_id]}"
            return Answer(
                title,
                items=tuple(self.view.target_line(r) for r in targets),
                source=self.texts.cite(targets[0].section) if targets else None,
                kind="targets",
            )
        return self.list_answer("targets")

    def projects_answer(self) -> Answer:
        return self.list_answer("projects")

    def plan_answer(self) -> Answer:
        facts = [
            Fact(s.title, s.text)
            for s in self.plan.statements
            if s.id in ("vision", "mission", "institutional_objective")
        ]
        section = next((s.section for s in self.plan.statements if s.id == "vision"), ())
        return Answer(t.PLAN_TITLE, tuple(facts), source=self.texts.cite(section), kind="plan")

    def help_answer(self) -> Answer:
        return Answer(t.HELP_TITLE, t.HELP_LINES, follow_ups=self.menu(), kind="help")

    def menu(self) -> tuple[FollowUp, ...]:
        return (
            FollowUp(t.BTN_PROJECTS, "lista:projects"),
            FollowUp(t.BTN_TEMATICAS, "lista:tematicas"),
            FollowUp(t.BTN_FUNDING, "lista:funding"),
            FollowUp(self.texts.BTN_TARGETS, "lista:targets"),
        )

    def _asks_money_for_another_year(self, query: Query, *, money_words: bool = False) -> bool:
        """ "presupuesto 2025", "¿cuánto se gastó en 242177 en 2022?": the plan's money figures
        are for its budget year only."""
        years = set(query.years)
        other_year = (bool(years) and not years & self.budget_years) or "past" in query.intents
        if not other_year or not self.budget_years:
            return False
        # "¿cuánto recibirá de Fonpetrol en 2025?", "¿cuánto le van a dar al alcantarillado de la
        # Marilú en 2025?": a source's row and a project's amount are the budget year's
        return "budget" in query.intents or (
            "money" in query.intents
            and (
                money_words or bool(self._named_sources(query)) or self._one_project_meant(query) is not None
            )
        )

    def _other_year(self, query: Query) -> Answer:
        years = join_numbers(sorted(self.budget_years))
        if not self.older_editions:
            return self.not_in_plan(query, note=t.OTHER_YEAR.format(years=years))
        kept = t.OLDER_EDITION if len(self.older_editions) == 1 else t.OLDER_EDITIONS
        older = kept.format(years=join_numbers(list(self.older_editions)))
        note = t.OTHER_YEAR_KEPT.format(years=years, older=older, example=self.older_editions[-1])
        return self.not_in_plan(query, note=note)

    def know_older_editions(self, years: Sequence[int]) -> None:
        """Older editions of the plan are kept for ``years``: another year's money is refused
        naming them (``knowledge.editions`` answers the questions that name them)."""
        if tuple(years) != self.older_editions:
            self.older_editions = tuple(years)
            self._remembered.cache_clear()

    def not_in_plan(self, query: Query, hits: Sequence[Hit] = (), note: str | None = None) -> Answer:
        title, line = (
            (t.NOT_IN_PLAN_TITLE, note or t.NOT_IN_PLAN_LINE.format(plan=self.texts.PLAN_NAME))
            if query.out_of_scope or not hits or note
            else (t.UNSURE_TITLE, t.UNSURE_LINE)
        )
        return Answer(
            title,
            (line,),
            follow_ups=self.menu(),
            confident=False,
            kind="not_in_plan",
            matches=tuple(_match(h) for h in hits[:3]),
        )

    def _zona_sums(self) -> dict[int, tuple[Decimal, int]]:
        sums: dict[int, tuple[Decimal, int]] = {}
        for p in self.plan.projects:
            if p.zona:
                amount, count = sums.get(p.zona, (Decimal(0), 0))
                sums[p.zona] = (amount + p.amount, count + 1)
        return sums

    # Composition of a searched record ---------------------------------------------------------------
    def _compose(self, query: Query, hits: list[Hit], ask: Ask) -> Answer:
        top = hits[0]
        related = [h for h in hits[1:] if h.score >= RELATED_RATIO * top.score and h.coverage >= MIN_COVERAGE]
        matches = tuple(_match(h) for h in hits[:5])
        if self._is_broad(query, hits) and not (
            top.doc.kind == "tematica" and self._tematica_said(query.folded)
        ):
            return self._grouped(query, matches)
        projects = [h for h in hits if h.doc.kind == "project" and h.coverage >= top.coverage - 0.01]
        if top.doc.kind == "project" and len(projects) > 1 and projects[1].score >= RELATED_RATIO * top.score:
            docs = [self.index.by_id[h.doc.id] for h in projects if h.score >= RELATED_RATIO * top.score]
            chosen = {d.id for d in docs}
            ordered = [d for d in self._members_of("projects") if d.id in chosen]
            answer = self._list_of_docs("projects", ordered, page=1)
            lead = t.LIST_FILTERED.format(
                n=len(ordered),
                total=len(self.plan.projects),
                noun=LISTS["projects"].noun,
                words=" ".join(query.sources),
            )
            return replace(with_lead(answer, lead), matches=matches)
        # "nómbreme las diez prioridades nacionales": a heading the document leaves without text
        gap = next((h for h in hits[:3] if self._is_gap(h)), None)
        if gap is None and "list" in ask.marks:
            gap = next((h for h in hits[:5] if self._gap_titles_it(h, query)), None)
        if gap is not None and ask.what != "count":
            titled = "list" in ask.marks and self._gap_titles_it(gap, query)
            if titled or gap.coverage >= GAP_SHARE * top.coverage:
                return self._card(gap, matches)
        answer = self._section_asked_first(
            query, self._with_the_sentence_asked(query, top, self._card(top, matches))
        )
        shown = {fold(str(item))[:60] for _, items in answer.sections for item in items}
        extra = [
            line
            for line in (self._summary(h.doc.id) for h in related[:MAX_RELATED] if h.doc.id != top.doc.id)
            if fold(line)[:60] not in shown  # a sibling the card already lists
        ]
        if extra:
            answer = with_section(answer, t.RELATED, tuple(extra))
        return answer

    def _section_asked_first(self, query: Query, answer: Answer) -> Answer:
        """The card's section the question names by its title ("objetivos específicos de la
        política …") comes first, where a phone shows it without scrolling."""
        said = {stem(w) for w in TOKEN.findall(query.folded)}
        for n, (title, items) in enumerate(answer.sections):
            words = {stem(w) for w in content_words(fold(title))}
            if len(words) >= 2 and words <= said:
                others = answer.sections[:n] + answer.sections[n + 1 :]
                return replace(answer, sections=((title, items), *others), lead_section=True)
        return answer

    def _with_the_sentence_asked(self, query: Query, hit: Hit, answer: Answer) -> Answer:
        """A long text's sentence that says most of what was asked, quoted first, when the card
        would show it below what a phone shows without scrolling ("¿quiénes participaron en la
        elaboración del POA?" → «… con la participación de todas las áreas …»)."""
        text = _record_text(self.records[hit.doc.id])
        if len(text) < QUOTE_FROM_CHARS:
            return answer
        asked = {
            stem(s): self.index.family_weight(stem(s))
            for s in query.sources
            if stem(s) not in ask_stems() and s not in filler_words() and s not in WHEN_WORDS
        }
        title = self.title_stems(hit.doc)
        beyond_title = {s: w for s, w in asked.items() if s not in title}
        wanted = beyond_title or asked
        if not wanted:
            return answer
        best, best_share, best_pairs, best_plain = "", 0.0, 0, 0.0
        counts = counted_words(query.folded) is not None  # then the first, which gives the numbers, stays
        pairs_asked = frozenset() if counts else _stem_pairs(content_words(query.corrected))
        whole = sum(wanted.values())
        # clauses only for what the title does not say: "¿qué es el ranking …?" is the whole
        quotable = self._quote_parts(hit.doc, clauses=bool(beyond_title))
        wanted_bits = [(quotable.bit_of.get(s, 0), w) for s, w in wanted.items()]
        pair_bits = sum(quotable.pair_bit_of.get(p, 0) for p in pairs_asked)
        for part, says, says_pairs, says_plainly in quotable.parts:
            share = sum(w for bit, w in wanted_bits if says & bit) / whole
            if share < best_share:
                continue
            pairs = (says_pairs & pair_bits).bit_count()
            if pairs < best_pairs and share == best_share:
                continue
            plain = sum(w for bit, w in wanted_bits if says_plainly & bit)
            if share > best_share or pairs > best_pairs or plain > best_plain:
                # of two that say as much, the one that says it as asked: "enfoque de planificación",
                # then the one that says it outside a name ("… con Enfoque Territorial" names a plan)
                best, best_share, best_pairs, best_plain = part, share, pairs, plain
        shown = fold(" ".join(str(line) for line in answer.lines))[:QUOTE_SHOWN_CHARS]
        if best_share < QUOTE_SHARE or fold(best)[:60] in shown:
            return answer
        return with_lead(answer, t.WHEN_TEXT.format(sentence=shorten(best, QUOTE_CHARS)))

    def _gap_named(self, query: Query) -> Answer | None:
        """The answer for a heading without text that the question names by a word only that
        heading has ("organigrama")."""
        said = {stem(s) for s in query.sources}
        for doc, rare in self._gap_words():
            if rare <= said:
                return self._card(Hit(doc, 1.0, 1.0), (Match(doc.id, doc.kind, doc.title, 1.0),))
        return None

    def _gap_words(self) -> list[tuple[Doc, frozenset[str]]]:
        """Each heading without text that has title words only it (or one more record) has, with
        their stems; worked out once."""
        if self._gaps is None:
            self._gaps = []
            for doc in self.by_kind.get("statement", []):
                record = self.records[doc.id]
                if isinstance(record, Statement) and not record.text:
                    rare = frozenset(
                        stem(w) for w in content_words(doc.title) if len(w) > 4 and self._rare(stem(w))
                    )
                    if rare:  # a heading with no word of its own is never named this way
                        self._gaps.append((doc, rare))
        return self._gaps

    def _rare(self, term_stem: str) -> bool:
        """A word at most two records have."""
        posting = self.index.posting(term_stem)
        return posting is not None and len(posting[0]) <= RARE_DOCS

    def _is_gap(self, hit: Hit) -> bool:
        """A heading of the document whose text the document lacks."""
        record = self.records[hit.doc.id]
        return hit.doc.kind == "statement" and isinstance(record, Statement) and not record.text

    def _gap_titles_it(self, hit: Hit, query: Query) -> bool:
        """A heading without text whose title has every word the question names (numbers and
        ways of asking aside)."""
        if not self._is_gap(hit):
            return False
        title = {stem(w) for w in content_words(hit.doc.title)}
        named = [
            s
            for s in query.sources
            if not s.isdigit() and stem(s) not in ask_stems() and s not in filler_words()
        ]
        return bool(named) and all(stem(w) in title for w in named)

    def _card(self, hit: Hit, matches: tuple[Match, ...]) -> Answer:
        record = self.records[hit.doc.id]
        if hit.doc.kind == "list" and isinstance(record, str):
            return self.list_answer(record)
        if hit.doc.kind == "project" and isinstance(record, Project):
            return replace(self.project_answer(record.snip), matches=matches)
        if hit.doc.kind == "funding_total":
            return replace(
                self.list_answer("funding"),
                title=self.texts.FUNDING_TOTAL_TITLE,
                kind="funding_total",
                matches=matches,
            )
        answer = kind_of(hit.doc.kind).card(self.view, record, hit.doc, matches)
        if answer.kind == "gap":
            return replace(answer, follow_ups=self.menu())
        return answer

    def _grouped(self, query: Query, matches: tuple[Match, ...]) -> Answer:
        """A broad word ("agua"): what the plan has on it, grouped by kind."""
        groups: dict[str, list[str]] = {}
        for hit in self.index.search(query, limit=40):
            if hit.coverage < MIN_COVERAGE or hit.doc.kind == "list":
                continue
            label = self.texts.GROUP_LABELS.get(hit.doc.kind, t.GROUP_OTHER)
            bucket = groups.setdefault(label, [])
            if len(bucket) < 3:
                bucket.append(self._summary(hit.doc.id))
        word = query.sources[0]
        sections = tuple((label, tuple(lines)) for label, lines in groups.items())
        return Answer(
            t.SUMMARY_TITLE.format(word=word),
            (),
            sections=sections,
            matches=matches,
            kind="summary",
            source=t.SUMMARY_SOURCE.format(prefix=self.texts.SOURCE_PREFIX),
            follow_ups=self.menu()[:2],
        )

    def _is_broad(self, query: Query, hits: list[Hit]) -> bool:
        kinds = {h.doc.kind for h in hits if h.score >= 0.5 * hits[0].score}
        return (
            len(query.sources) == 1
            and len(query.sources[0]) > 2  # "no" alone is not a topic
            and len(hits) >= 8
            and len(kinds) >= 3
            and hits[0].doc.kind != "list"
        )

    def _summary(self, doc_id: str) -> str:
        doc = self.index.by_id[doc_id]
        record = self.records[doc_id]
        if isinstance(record, FundingSource):
            return f"{record.source}: {format_q(record.available)}"
        if isinstance(record, Actor):
            return f"{record.name} ({record.role})"
        if doc.kind in ("project", "target"):
            return kind_of(doc.kind).line(self.view, self.records[doc_id], doc)
        return shorten(doc.title)

    def _small_talk(self, query: Query) -> Answer | None:
        if "thanks" in query.intents:
            return Answer(t.THANKS_TITLE, (t.THANKS_LINE,), follow_ups=self.menu(), kind="thanks")
        if "help" in query.intents:
            return self.help_answer()
        if "greeting" in query.intents:
            return Answer(
                t.GREETING_TITLE, (self.texts.GREETING_LINE,), follow_ups=self.menu(), kind="greeting"
            )
        return None


Answerer.COMPOSERS = {
    "list": Answerer._list,
    "count": Answerer._count,
    "max": Answerer._extreme,
    "min": Answerer._extreme,
    "sum": Answerer._sum,
    "when": Answerer._when,
    "status": Answerer._when,
    "who": Answerer._who,
}


def is_small_talk(query: Query, index: SearchIndex) -> bool:
    """Only greetings, thanks or a call for help ("hola", "gracias!", "muchas gracias mija, dios
    le bendiga"): a courtesy, with no word the plan knows beside it."""
    if not query.intents & {"greeting", "thanks", "help"} or query.zonas or query.snips:
        return False
    intents = vocabulary().intents
    phrases = " ".join(p for name in ("greeting", "thanks", "help") for p in intents[name]).split()
    said = [w for w in (*content_words(query.folded), *query.sources) if w not in phrases]
    if "?" in query.text and len(set(said)) >= ASKED_WORDS:
        return False  # "Buenas, ¿cuándo van a tapar el bache …?": a question, though not the plan's
    return all(not _plan_word(w, index) for w in said)


ASKED_WORDS = 3
"""A message with a "?" and this many words besides its courtesies asks something."""


def _plan_word(word: str, index: SearchIndex) -> bool:
    """A word a question about the plan is made of: the plan's own, a local synonym, a way of
    asking ("piloto" is the plan's; "mija", "bendiga" are not)."""
    known = index.knows(stem(word)) or stem(word) in known_stems() or bool(vocabulary().synonyms.get(word))
    return len(word) > 3 and known


@lru_cache(maxsize=1024)
def _words_of(doc: Doc, municipality: str) -> str:
    """A document's words, folded and padded (" construccion sistema de … "), the municipality's
    own name said as in questions; made when asked: only the few documents a phrase's rarest word
    occurs in are ever looked at."""
    said = without_own_name(f"{doc.title} {doc.text}", municipality)
    return f" {' '.join(TOKEN.findall(fold(said)))} "


WHOLE_COST = re.compile(
    r"\btodos (?:los|sus) anos\b|\bsumando (?:los|sus) anos\b|\bcosto total de la obra\b|"
    r"\bobra completa\b|\bde principio a fin\b|\b(?:va a costar|costara) (?:en total|toda)\b"
)
"""A project's cost over all its years asked: its row gives only the budget year's amount."""
FUNDS_ASKED = re.compile(
    r"\b(?:con|de)\s+(?:que|cuales)\s+(?:fondos?|dineros?|recursos|fuentes?)\b|\bse\s+financian?\b|"
    r"\bquien(?:es)?\s+(?:pone|ponen|paga|pagan|financia|financian|aporta|aportan)\b"
)
"""Who pays for what is asked ("¿con qué fondos se financian los proyectos de …?")."""
REQUEST_VERB = re.compile(r"(?:ar|er|ir)(?:me|nos|le|les|lo|la|los|las)$")
"""An infinitive with its pronoun ("indicarme", "explicarnos"): how a request is worded."""
SPLIT_WORDS = frozenset(
    (
        "divide", "dividen", "dividido", "dividida", "division", "distribuye", "distribuyen", "distribuido",
        "distribuida", "distribucion", "reparte", "reparten", "repartido", "repartida", "reparto",
        "desglosa", "desglose", "desglosado", "desglosada",
    )
)  # fmt: skip
"""Words that ask how money is split."""


@lru_cache(maxsize=1)
def _money_words() -> frozenset[str]:
    """Words that ask for money or stand for it, and those that ask how it is split ("¿cómo se
    divide el presupuesto?": the whole budget's card shows its split)."""
    intents = vocabulary().intents
    return frozenset(
        (*intents["budget"], *intents["money"], *INVESTMENT_WORDS, *OPERATING_WORDS, *SPLIT_WORDS)
    )


def _plan_money_word(word: str) -> bool:
    """Money and time words: what a project row does give ("¿cuántos quetzales …?", "cuántos años")."""
    intents = vocabulary().intents
    return word in {*intents["money"], *intents["budget"], "quetzales", "anos", "meses", "proyectos", "obras"}


@lru_cache(maxsize=256)
def _event_asked(folded: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """What happened to a document a when-question asks about (see :data:`EVENTS`)."""
    if not has_phrase(folded, ("cuando", "ano", "fecha", "desde cuando", "en que ano", "q ano")):
        return None
    return next(((asked, told) for asked, told in EVENTS if asked.search(folded)), None)


DATED_CLAUSE_BREAK = re.compile(rf"(?<=[.;,])\s+{OUTSIDE_BRACKETS}")
"""After a period, semicolon or comma, not inside brackets."""


def _dated_clauses(text: str) -> tuple[tuple[str, frozenset[int], frozenset[str]], ...]:
    """The clauses of a text that carry a year, each with the dated clauses right after it
    ("se aprobó … en el año 2018; este instrumento ha sido actualizado en el 2022"), with their
    years and stems."""
    clauses = [c.strip() for c in DATED_CLAUSE_BREAK.split(text) if c.strip()]
    dated = [bool(find_years(fold(c))) for c in clauses]
    out = []
    for n in range(len(clauses)):
        if not dated[n]:
            continue
        start = n - 1 if n and len(clauses[n].split()) <= 3 else n  # "…DE LA VIOLENCIA, 2014-2029."
        end = n + 1
        while end < len(clauses) and dated[end] and end - n < 3:
            end += 1
        joined = " ".join(clauses[start:end])
        years = frozenset(find_years(fold(joined)))
        out.append((joined, years, frozenset(stem(w) for w in content_words(joined))))
    return tuple(out)


LASTING = re.compile(
    r"\b(?:en|durante|dentro de)\s+(?:el\s+transcurso\s+de\s+|un\s+lapso\s+de\s+|un\s+plazo\s+de\s+)?"
    r"(?:\d+|un|una|dos|tres|cuatro|cinco|seis|diez)\s+(?:anos?|meses|mes)\b"
)
"""A time a thing is to take ("en el transcurso de dos años", "en un lapso de 2 años"): the
plan's answer to when, where it gives no year."""


def _undated_sentences(text: str) -> tuple[tuple[str, frozenset[int], frozenset[str]], ...]:
    """The sentences of a text that carry no year, with their stems."""
    return tuple(
        (sentence, frozenset(), frozenset(stem(w) for w in content_words(sentence)))
        for sentence in SENTENCE_END.split(text)
        if sentence.strip() and not find_years(fold(sentence))
    )


@lru_cache(maxsize=256)
def _count_of(noun: str) -> re.Pattern[str]:
    """A number of ``noun`` in folded text: "200 agentes", "las once zonas", "9 sistemas de …",
    not a year ("en el año 2032 los centros educativos");
    a share of them ("9% de beneficiarios"), not a share that is something else
    ("un 88% los pozos" con análisis)."""
    numbers = "|".join(w for w in NUMBER_WORDS if len(w) > 2)
    address = "".join(f"(?<!{kind} )" for kind in sorted(PLACE_KINDS))  # "calle 0 colonia Marilú"
    return re.compile(
        rf"{address}(?<![\d.,])(?!(?:19|20)\d\d\b)(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?![.,]?\d)(?:\s*%\s+de)?(?!\s*%)|"
        rf"\b(?:{numbers}))"
        r"\s+(?:\w+\s+){0,2}"
        rf"{re.escape(word_key(noun))}\w*"
    )


def _from_the_clause_counting(sentence: str, noun: str) -> str:
    """A long sentence from the clause that gives the number on ("… el Ranking se evalúa en seis
    índices temáticos …"), so that the number shows."""
    clauses = re.split(r"(?<=,)\s+", sentence)
    for n, clause in enumerate(clauses):
        if n and _count_of(noun).search(fold(clause)):
            return "… " + " ".join(clauses[n:])
    return sentence


def _axis_of(doc_id: str) -> str:
    """ "policy_item:politica-1-7-4" → "policy_axis:politica-1-7" (the axis it belongs to)."""
    kind, key = doc_id.split(":", 1)
    return f"policy_axis:{key.rsplit('-', 1)[0]}" if kind == "policy_item" else doc_id


def _record_text(record: object) -> str:
    """The running text of a record that has one (a statement, a law's description, an index)."""
    for name in ("text", "description"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return value
    return ""


def _common_stems(names: Sequence[str]) -> frozenset[str]:
    stems = [frozenset(stem(w) for w in content_words(fold(name))) for name in names]
    return frozenset.intersection(*stems) if len(stems) > 1 else frozenset()


def _match(hit: Hit) -> Match:
    return Match(hit.doc.id, hit.doc.kind, hit.doc.title, round(hit.score, 4))


@lru_cache(maxsize=8)
def _every_zona_phrases(count: int) -> tuple[str, ...]:
    """How the plan says "in every zona": "cada zona", "las once zonas" (for a municipality of
    eleven)."""
    said = [word for word, n in NUMBER_WORDS.items() if n == count and word not in ("un", "una")]
    return ("cada una de las zonas", "cada zona", *(f"las {w} zonas" for w in (*said, str(count))))
