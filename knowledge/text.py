"""Spanish text normalisation for search: folding, tokens, stems, numbers, zonas and SNIPs."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import Stemmer

# Spanish stop words, deliberately without "no", "estado", "mas", "sin": they carry meaning in
# questions about a plan. Question words (cuánto, cómo, cuándo) are dropped from search terms;
# intents are read from the whole text. "Mixco" and "municipalidad" are in every record.
STOP_WORDS = frozenset(
    """a al algo ante antes aqui asi aun cada cual cuales cualquier de del desde donde dos el ella
    ellas ellos en entre era es esa esas ese eso esos esta estan estas este esto estos fue ha hace
    hacen hacer hay la las le les lo los me mi mis mucho muy nos nuestra nuestro o os otra otro para
    pero poco por porque pues que quien se sea ser si sido sobre son su sus tambien te ti tiene
    tienen todo todos tu tus un una unas uno unos usted ustedes va van vamos y ya yo quiero quisiera
    saber dime decir puede podria favor porfa pls hola buenas sr sra don dona gustaria informacion
    info tipo onda mixco municipio municipalidad muni alcaldia cuanto cuanta cuantos cuantas viene
    vienen sale salen dan da cuando hasta como q k xq pq trata tratan acerca cosas salio quedo anda
    ando alguno alguna algun ano anos soy eres somos estoy estamos tengo tenemos necesito
    necesitamos queremos quieren dice dicen segun tanto tanta bien mal poner ponen hizo pasa pasan
    ahorita nunca siempre todavia alla ahi nosotros nuestros nuestras porfavor entra entran usa usan
    sacan busca buscan puedo pueden deberia habra ir ver mire oiga fijese vaya entonces osea bueno
    ok okay claro plan tmb tambn pa pal nada alguien cosa buenos dias tardes noches gracias con
    contra hacia tras mediante durante aca estaba estaban estar sera seran han he hemos habia tenia
    tener numero ey jaja jajaja jeje jejeje xd oye dar dara daran quiere queria hija hijo mama papa
    esposo esposa patojo patoja mas menos tarea tareas xfa""".split()  # noqa: SIM905  (a word list reads best as text)
)

NUMBER_WORDS = {
    "cero": 0,
    "uno": 1,
    "una": 1,
    "un": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
}
ORDINALS = {
    "primera": 1,
    "segunda": 2,
    "tercera": 3,
    "cuarta": 4,
    "quinta": 5,
    "sexta": 6,
    "septima": 7,
    "octava": 8,
    "novena": 9,
    "decima": 10,
}

TOKEN = re.compile(r"[a-z0-9]+")
ZONA_FORM = re.compile(
    r"\b(zonas|zona|sonas|sona|zonna|zoma|z)\.?\s*(?:no\.?\s*|numero\s*|#\s*)?(-?\d{1,4}|[a-z]+)\b"
)
MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
LA_ZONA_FORM = re.compile(
    r"(?:^|\b(?:en|pa|para|de|por|a|y|o|e|u)\s+)la\s+(\d{1,2}|[a-z]+)\b"
    rf"(?!\s*(?:calle|avenida|av|ave|cuadra|[ap]\.?\s?m\b|%|de\s+(?:{MONTHS}|la\s+(?:manana|tarde|noche))\b))"
)
MAX_SPOKEN_ZONA = 11
"""Only "la 1" to "la 11" read as a zona (Mixco's; a question to a plan reads up to its last
zona): "la 30" is an avenue, "la 2 de mayo" a date."""
SNIP_FORM = re.compile(r"(?<![\d.,])(\d{6})(?![\d]|[.,]\d)")  # "el snip 299884, es que …"
YEAR_FORM = re.compile(r"\b(20[0-4]\d)\b")
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""NUL (PostgreSQL text cannot hold it) and surrogate code points (no UTF-8 form exists for a
lone one, so neither SQLite nor PostgreSQL nor Telegram takes it)."""


def clean_text(text: str) -> str:
    """Text a person sent, as it may be stored and sent back: NUL characters removed, lone
    surrogates replaced by U+FFFD (a surrogate pair split in two code points is joined again).
    Every user text goes through it where it enters (handlers), before anything keeps it."""
    if not UNSTORABLE.search(text):
        return text
    without_nul = text.replace("\x00", "")
    return without_nul.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _WithoutMarks(dict[int, int | None]):
    """``str.translate`` table: each code point to itself, combining marks (accents split off by
    NFKD) to nothing; filled as characters are first seen, up to ``MAX_MARKS_KNOWN`` of them."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if len(self) < MAX_MARKS_KNOWN:
            self[code] = kept
        return kept


MAX_MARKS_KNOWN = 4096
"""Distinct non-ASCII characters the fold table keeps (Spanish text uses a few dozen)."""
WITHOUT_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """Lower case, no accents (ñ → n), zero-width and direction marks removed, spaces folded.

    ASCII text has none of the marks, and NFKD leaves it as it is: only the rest is normalised."""
    if not text.isascii():
        text = ZERO_WIDTH.sub("", text)
        text = unicodedata.normalize("NFKD", text).translate(WITHOUT_MARKS)
    return " ".join(text.lower().split())


SHORTHAND = (
    (re.compile(r"\b[qk]\b(?!\.?\s*\d)"), "que"),  # not "Q 375,000.00", "Q.1,833,000.00"
    (re.compile(r"\b(?:xq|pq|porq)\b"), "porque"),
    (re.compile(r"\bd\b(?!\s*\d)"), "de"),
    (re.compile(r"\b(?:tmb|tb)\b"), "tambien"),
    (re.compile(r"\bku(?=[aeio])"), "cu"),  # "kuantos", "kual"
    (re.compile(r"\bki(?=e)"), "qui"),  # "kiere", "kienes"
    (re.compile(r"\bke\b"), "que"),
)
"""How people shorten words typing on a phone ("a q hora", "los problemas d mixco")."""


SHORTHAND_SAID = re.compile(r"\b(?:[qkd]|xq|pq|porq|tmb|tb|ke)\b|\bk[ui]")
"""Whether any shorthand may be there at all (one pass; most messages have none)."""


def expand_shorthand(folded: str) -> str:
    """Folded text with phone shorthand written out, so phrases and asks read it."""
    if SHORTHAND_SAID.search(folded) is None:
        return folded
    for pattern, word in SHORTHAND:
        folded = pattern.sub(word, folded)
    return folded


def slugify(text: str) -> str:
    return "-".join(TOKEN.findall(fold(text)))


def words(text: str) -> list[str]:
    """Folded word tokens, number words as digits ("diez" → "10")."""
    return [
        str(NUMBER_WORDS.get(w, w)) if w in NUMBER_WORDS and w not in ("un", "una") else w
        for w in TOKEN.findall(fold(text))
    ]


@cache
def _stemmer() -> Stemmer.Stemmer:
    """PyStemmer's own cache is off: :func:`stem` keeps one already (two caches of the same words
    cost ~1 MB of resident memory for nothing)."""
    return Stemmer.Stemmer("spanish", 0)


@cache
def stem(word: str) -> str:
    """Light Spanish stem (Snowball); numbers and short words stay as they are."""
    if word.isdigit() or len(word) <= 3:
        return word
    return str(_stemmer().stemWord(word))


def content_words(text: str) -> list[str]:
    """Words that carry meaning: folded, stop words dropped."""
    return [w for w in words(text) if not is_stop_word(w)]


def is_stop_word(word: str) -> bool:
    """A word that carries no meaning here; single letters too ("d" for "de", "x" for "por")."""
    return word in STOP_WORDS or (len(word) == 1 and not word.isdigit())


def stems(text: str) -> list[str]:
    return [stem(w) for w in content_words(text)]


@dataclass(frozen=True, slots=True)
class ZonaMention:
    """A zona named in text; ``number`` may be outside 1-11 (then the bot says so)."""

    number: int
    span: tuple[int, int]


def find_zonas(folded: str, last_spoken: int = MAX_SPOKEN_ZONA) -> list[ZonaMention]:
    """Zonas in folded text: "zona 6", "z6", "zona seis", "sona 6", "zona sexta"; "aquí en la 10"
    up to zona ``last_spoken``."""
    found = []
    for match in ZONA_FORM.finditer(folded):
        keyword, raw = match.group(1), match.group(2)
        if raw.lstrip("-").isdigit():
            number = int(raw)
        elif keyword != "z" and raw in NUMBER_WORDS:
            number = NUMBER_WORDS[raw]
        elif keyword != "z" and raw in ORDINALS:
            number = ORDINALS[raw]
        else:
            continue
        found.append(ZonaMention(number, match.span()))
    if not found:  # "aquí en la 10", "qué hay pa la 6": how people name a zona in Guatemala
        for match in LA_ZONA_FORM.finditer(folded):
            raw = match.group(1)
            number = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw, 0)
            if 1 <= number <= last_spoken:
                found.append(ZonaMention(number, match.span()))
    return found


def find_snips(folded: str) -> list[str]:
    """Six-digit SNIP codes ("242177"); not parts of amounts like "4,441,894"."""
    return SNIP_FORM.findall(folded)


def find_years(folded: str) -> list[int]:
    return [int(y) for y in YEAR_FORM.findall(folded)]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    synonyms: dict[str, tuple[str, ...]]
    intents: dict[str, tuple[str, ...]]
    out_of_scope: tuple[str, ...]
    out_of_scope_strong: tuple[str, ...]
    """The out-of-scope phrases that are not mere framing ("es cierto que", "que opina"): no
    clause of a message that has one is answered from the plan."""
    in_scope: tuple[str, ...] = ()
    """Phrases with an out-of-scope word that ask about the plan itself ("pagar sueldos" is the
    municipality's operating budget, not a resident's payment)."""

    def out_of_scope_in(self, folded: str, *, strong: bool = False) -> bool:
        """Whether the question has an out-of-scope phrase outside the in-scope ones; an
        intensifier does not hide one ("es bien corrupta" is "es corrupta")."""
        folded = INTENSIFIER.sub("", folded)
        for phrase in self.in_scope:
            folded = f" {folded} ".replace(f" {phrase} ", " ")
        return has_phrase(folded, self.out_of_scope_strong if strong else self.out_of_scope)


def intents_in(folded: str) -> frozenset[str]:
    """The names of the vocabulary's intents with a phrase in the (folded) text, as
    ``has_phrase`` reads each intent's phrases, looked up once for all intents."""
    one_word, by_first_word, empty = _intent_index()
    text = _token_text(folded)
    said = _token_set(text)
    names = {name for word in said & one_word.keys() for name in one_word[word]}
    for first in said & by_first_word.keys():
        names.update(name for phrase, name in by_first_word[first] if name not in names and phrase in text)
    return frozenset(names | empty) if not said else frozenset(names)


@cache
def _intent_index() -> tuple[dict[str, set[str]], dict[str, list[tuple[str, str]]], frozenset[str]]:
    one_word: dict[str, set[str]] = defaultdict(set)
    by_first_word: dict[str, list[tuple[str, str]]] = defaultdict(list)
    empty = set()
    for name, phrases in vocabulary().intents.items():
        words_of, firsts, matches_nothing_said = _phrases_by_first_word(phrases)
        for word in words_of:
            one_word[word].add(name)
        for first, padded in firsts.items():
            by_first_word[first].extend((phrase, name) for phrase in padded)
        if matches_nothing_said:
            empty.add(name)
    return dict(one_word), dict(by_first_word), frozenset(empty)


INTENSIFIER = re.compile(r"\b(?:bien|muy|tan|re|bastante|super|demasiado)\s+")


@cache
def vocabulary() -> Vocabulary:
    """The local vocabulary kept as data in ``knowledge/data/vocabulary.json``."""
    raw = json.loads(resources.files("knowledge").joinpath("data", "vocabulary.json").read_text("utf-8"))
    direct = {fold(k): tuple(fold(v) for v in vs) for k, vs in raw["synonyms"].items()}
    return Vocabulary(
        synonyms={k: _widen(vs, direct) for k, vs in direct.items()},
        intents={k: tuple(fold(v) for v in vs) for k, vs in raw["intents"].items()},
        out_of_scope=tuple(fold(v) for v in [*raw["out_of_scope"], *raw["framing"]]),
        out_of_scope_strong=tuple(fold(v) for v in raw["out_of_scope"]),
        in_scope=tuple(fold(v) for v in raw["in_scope"]),
    )


def _widen(targets: tuple[str, ...], direct: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Synonyms one step further ("pisto" → "dinero" → "monto"), without repeats."""
    wider = list(targets)
    for target in targets:
        wider.extend(w for w in direct.get(target, ()) if w not in wider)
    return tuple(wider)


def has_phrase(folded: str, phrases: tuple[str, ...]) -> bool:
    """Whether any phrase occurs in folded text as whole words."""
    text = _token_text(folded)
    one_word, by_first_word, empty = _phrases_by_first_word(phrases)
    said = _token_set(text)
    if not one_word.isdisjoint(said):
        return True
    if any(phrase in text for first in by_first_word.keys() & said for phrase in by_first_word[first]):
        return True
    return empty and not said


@lru_cache(maxsize=512)
def _phrases_by_first_word(
    phrases: tuple[str, ...],
) -> tuple[frozenset[str], dict[str, tuple[str, ...]], bool]:
    """The one-word phrases, the longer ones (padded) by their first word, and whether an empty
    phrase is among a few (it matches a text with no words): only the phrases whose first word
    was said are tried."""
    one_word: set[str] = set()
    by_first_word: dict[str, list[str]] = defaultdict(list)
    empty = False
    for phrase in phrases:
        normal = _norm_phrase(phrase)
        if not normal:
            empty = empty or len(phrases) <= 4  # a pattern of many phrases drops the empty ones
        elif " " in normal:
            by_first_word[normal.split(" ", 1)[0]].append(f" {normal} ")
        else:
            one_word.add(normal)
    return frozenset(one_word), {w: tuple(p) for w, p in by_first_word.items()}, empty


@lru_cache(maxsize=64)  # the few texts one answer reads again and again
def _token_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def phrases_in(folded: str, phrases: tuple[str, ...]) -> list[str]:
    """The phrases (already folded, words separated by single spaces) that occur in the text,
    in their order; only those whose first word was said are tried."""
    text = _token_text(folded)
    by_first_word, odd = _phrases_in_order(phrases)
    said = _token_set(text)
    found = [
        entry for first in by_first_word.keys() & said for entry in by_first_word[first] if entry[1] in text
    ]
    found.extend(entry for entry in odd if entry[1] in text)
    return [phrase for _, _, phrase in sorted(found)]


@lru_cache(maxsize=512)
def _phrases_in_order(
    phrases: tuple[str, ...],
) -> tuple[dict[str, list[tuple[int, str, str]]], list[tuple[int, str, str]]]:
    """Each phrase with its place and its padded form, by its first word; those not written as
    single-spaced words (never or rarely found) apart, always tried."""
    by_first_word: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    odd: list[tuple[int, str, str]] = []
    for place, phrase in enumerate(phrases):
        entry = (place, f" {phrase} ", phrase)
        if phrase and phrase == " ".join(phrase.split()):
            by_first_word[phrase.split(" ", 1)[0]].append(entry)
        else:
            odd.append(entry)
    return dict(by_first_word), odd


@lru_cache(maxsize=512)
def _token_text(folded: str) -> str:
    """The text's words joined by single spaces, padded ("¿y la zona 6?" → " y la zona 6 ")."""
    return f" {' '.join(TOKEN.findall(folded))} "


@lru_cache(maxsize=4096)
def _norm_phrase(phrase: str) -> str:
    return " ".join(TOKEN.findall(phrase))


PHONETIC_RULES = (
    ("ch", "\x00"),
    ("qu", "k"),
    ("ce", "se"),
    ("ci", "si"),
    ("c", "k"),
    ("z", "s"),
    ("v", "b"),
    ("ll", "y"),
    ("h", ""),
    ("ge", "je"),
    ("gi", "ji"),
    ("w", "u"),
    ("x", "ks"),
    ("\x00", "ch"),
)


def phonetic(word: str) -> str:
    """How a Spanish word sounds, roughly: "vasura" and "basura", "sero" and "cero", "alcantariyado"
    and "alcantarillado" get the same key (the misspellings phones and ears make)."""
    key = fold(word)
    for old, new in PHONETIC_RULES:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def year_range(text: str) -> tuple[int, int] | None:
    found = re.search(r"\b((?:19|20)\d{2})\s*-\s*((?:19|20)\d{2})\b", text)
    return (int(found.group(1)), int(found.group(2))) if found else None
