"""Which plan a document is (:class:`knowledge.model.Edition`), read from its own words, and the
fields every text that names it is filled with.

The document says who and when in a few fixed places: the title block ("Plan Operativo Anual
2024", "Plan Estratégico Institucional -PEI- 2021-2025", "Plan Operativo Multianual -POM-
2024-2028"), the chapter headings ("V. PLAN OPERATIVO ANUAL 2024"), the introduction ("Para la
Municipalidad de Mixco, …", "… con Enfoque Territorial “Mixco 2032” …") and, for the zonas, a
sentence such as "… en las once zonas del municipio". Where the title and a heading disagree the
document is refused rather than guessed at.

Pure: no telegram, no database.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from functools import lru_cache

from knowledge.errors import PlanFormatError
from knowledge.lexicon import spanish_words
from knowledge.model import MOST_ZONAS, Edition, Statement, edition_problem
from knowledge.text import NUMBER_WORDS, TOKEN, fold

YEAR = r"((?:19|20|21)\d{2})"
PERIOD = YEAR + r"\s*[-\u2013]\s*" + YEAR
POA_YEAR = re.compile(r"plan operativo anual\W{0,12}(?:poa\W{0,6})?" + YEAR + r"(?![\d-])")
POM_PERIOD = re.compile(r"plan operativo multianual\W{0,12}(?:pom\W{0,6})?" + PERIOD)
PEI_PERIOD = re.compile(r"plan estrategico institucional\W{0,12}(?:pei\W{0,6})?" + PERIOD)
MUNICIPALITY = re.compile(r"\bpara la municipalidad de\s+([^,.;:()\n]{2,80}?)\s*[,.;:(]", re.IGNORECASE)
MUNICIPALITY_ANYWHERE = re.compile(
    r"\b(?:la municipalidad|el municipio) de\s+((?:[A-ZÁÉÍÓÚÑ][\wáéíóúñü]+\s?){1,4})(?=[\s,.;:])"
)
PDMOT = re.compile(
    r"enfoque territorial\s*[“\"«]?\s*((?:[^\W\d]+\s+){1,5}?" + YEAR + r")\b\s*[”\"»]?", re.IGNORECASE
)
MORE_NUMBER_WORDS = {
    "veintiun": 21,
    "veintiuno": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
    "treinta": 30,
}
DEMONYM_ENDINGS = ("eno", "ena", "enos", "enas", "ano", "ana", "anos", "anas", "eco", "eca", "ecos", "ecas")
"""How Guatemalan demonyms end, folded ("mixqueño", "villanuevano", "chimalteco")."""
ZONAS_SETTING = re.compile(r"\d{1,2}(?:\s*-\s*\d{1,2})?(?:\s*,\s*\d{1,2}(?:\s*-\s*\d{1,2})?)*")


def read_edition(
    *,
    title: str,
    introduction: str,
    headings: str,
    text: str,
    zonas: tuple[int, ...] | None = None,
) -> Edition:
    """The edition a document states. ``title``: the lines before the introduction;
    ``headings``: the chapter headings (or the section names that hold them); ``text``: the
    whole document, for the zonas and the demonym; ``zonas``: what to use when the document does
    not say how many zonas the municipality has (the ``PLAN_ZONAS`` setting)."""
    folded_title, folded_headings, folded_intro = fold(title), fold(headings), fold(introduction)
    year = _stated("el año del POA", POA_YEAR, folded_title, folded_headings, folded_intro)
    if year is None:
        raise PlanFormatError(
            "el documento no dice de qué año es el POA (por ejemplo «Plan Operativo Anual 2024»)"
        )
    pom = _stated("el periodo del POM", POM_PERIOD, folded_title, folded_headings, folded_intro)
    if pom is None:
        raise PlanFormatError(
            "el documento no dice el periodo del POM (por ejemplo «Plan Operativo Multianual 2024-2028»)"
        )
    pei = _stated("el periodo del PEI", PEI_PERIOD, folded_title, "", folded_intro)
    municipality = _municipality(introduction, text)
    pdmot, horizon = _pdmot(introduction, text, municipality)
    edition = Edition(
        municipality=municipality,
        demonym=_demonym(text, municipality),
        year=int(year[0]),
        pei=(pei[0], pei[1]) if pei else None,
        pom=(pom[0], pom[1]),
        pdmot=pdmot,
        pdmot_horizon=horizon,
        zonas=_zonas(text, municipality, zonas),
    )
    problem = edition_problem(edition)
    if problem is not None:
        raise PlanFormatError(problem)
    return edition


def edition_of(records: Iterable[object], *, zonas: tuple[int, ...] | None = None) -> Edition:
    """The edition of a plan kept before editions were (an export or a database of an earlier
    version): read from its records as from the document — the introduction's statement, the
    chapters in the records' sections, every text for the zonas and the demonym."""
    texts: list[str] = []
    introduction = ""
    headings: dict[str, None] = {}
    for record in records:
        if isinstance(record, Statement) and record.id == "introduction":
            introduction = record.text
        section = getattr(record, "section", ())
        if section:
            headings[section[0]] = None
        texts.extend(_strings(record))
    return read_edition(
        title="", introduction=introduction, headings="\n".join(headings), text="\n".join(texts), zonas=zonas
    )


def _strings(value: object) -> Iterator[str]:
    """Every text inside a record (its fields, nested records and tuples)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _strings(getattr(value, f.name))


def _stated(
    what: str, pattern: re.Pattern[str], title: str, heading: str, other: str
) -> tuple[int, ...] | None:
    """The years ``pattern`` finds in the title, else in the chapter heading, else elsewhere; a
    title and a heading that both state them must agree."""
    in_title, in_heading = (_years(pattern.search(place)) for place in (title, heading))
    if in_title and in_heading and in_title != in_heading:
        said = "-".join(map(str, in_title)), "-".join(map(str, in_heading))
        raise PlanFormatError(f"{what} no coincide: el título dice {said[0]} y el capítulo dice {said[1]}")
    return in_title or in_heading or _years(pattern.search(other))


def _years(found: re.Match[str] | None) -> tuple[int, ...] | None:
    return tuple(int(year) for year in found.groups()) if found else None


def _municipality(introduction: str, text: str) -> str:
    found = MUNICIPALITY.search(introduction) or MUNICIPALITY.search(text)
    if found is None:
        found = MUNICIPALITY_ANYWHERE.search(introduction) or MUNICIPALITY_ANYWHERE.search(text)
    if found is None:
        raise PlanFormatError(
            "el documento no dice de qué municipio es "
            "(por ejemplo «Para la Municipalidad de …» en la introducción)"
        )
    name = " ".join(found.group(1).split()).strip('“”"«» ')
    return name.title() if name.isupper() else name


def _pdmot(introduction: str, text: str, municipality: str) -> tuple[str, int]:
    """ "Plan de Desarrollo Municipal con Enfoque Territorial “Mixco 2032”" → ("Mixco 2032", 2032)."""
    found = PDMOT.search(introduction) or PDMOT.search(text)
    if found is None:
        raise PlanFormatError(
            "el documento no dice el nombre del PDM-OT (por ejemplo «… con Enfoque Territorial “Mixco 2032”»)"
        )
    name, horizon = " ".join(found.group(1).split()), int(found.group(2))
    if fold(name) == fold(f"{municipality} {horizon}"):
        name = f"{municipality} {horizon}"  # "MIXCO 2032" as the municipality writes its name
    return name, horizon


def _zonas(text: str, municipality: str, fallback: tuple[int, ...] | None) -> tuple[int, ...]:
    """ "… en las once zonas del municipio" → 1 to 11; else the fallback; else refused."""
    place = rf"(?:del municipio|de {re.escape(fold(municipality))}|de la ciudad)"
    said = re.finditer(rf"\b(?:las|sus)\s+(\w+)\s+zonas\s+{place}", fold(text))
    counts = {count for count in (_number(m.group(1)) for m in said) if count is not None}
    if len(counts) > 1:
        raise PlanFormatError(f"el documento da números distintos de zonas del municipio: {sorted(counts)}")
    if counts:
        (count,) = counts
        if not 0 < count <= MOST_ZONAS:
            raise PlanFormatError(f"número de zonas fuera de rango: {count}")
        return tuple(range(1, count + 1))
    if fallback:
        return fallback
    raise PlanFormatError(
        "el documento no dice cuántas zonas tiene el municipio (por ejemplo «en las once zonas del "
        "municipio»): indíquelas con el ajuste PLAN_ZONAS, por ejemplo PLAN_ZONAS=1-11"
    )


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word) if word in NUMBER_WORDS else MORE_NUMBER_WORDS.get(word)


def _demonym(text: str, municipality: str) -> str | None:
    """The people's name the document uses ("la población mixqueña" → "mixqueño"): a lower-case
    word that starts like the municipality's name, ends like a demonym and is not a common
    Spanish word (the most frequent such word, as a masculine singular); None when it uses none."""
    name = fold(municipality)
    start = name.replace(" ", "")[:3]
    common = spanish_words()
    counts: dict[str, int] = {}
    for raw in re.findall(r"\b[a-záéíóúñü]{6,}\b", text):
        word = fold(raw)
        if (
            word.startswith(start)
            and word.endswith(DEMONYM_ENDINGS)
            and word not in common
            and name not in word
        ):
            singular = raw[:-1] if raw.endswith("s") else raw
            masculine = singular[:-1] + "o"
            counts[masculine] = counts.get(masculine, 0) + 1
    return max(counts, key=lambda w: (counts[w], w)) if counts else None


def parse_zonas(value: str) -> tuple[int, ...]:
    """The ``PLAN_ZONAS`` setting: "1-11", "1,2,3" or "1-5,7" → the zonas in order; ValueError
    (in Spanish, for the operator) for anything else."""
    text = value.strip()
    if not ZONAS_SETTING.fullmatch(text):
        raise ValueError("escriba las zonas como 1-11 o 1,2,3 (números de 1 a 99)")
    zonas: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= MOST_ZONAS:
            raise ValueError(f"el rango {part.strip()} no va de menor a mayor entre 1 y {MOST_ZONAS}")
        zonas.update(range(low, high + 1))
    return tuple(sorted(zonas))


# --- the fields texts are filled with -------------------------------------------------------------

FIELD = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
"""``{poa_year}`` in a template; ``{{poa_year}}`` is a literal brace pair, left alone."""


def edition_fields(edition: Edition) -> dict[str, str | None]:
    """What ``{poa_year}``, ``{poa}``, ``{municipality}`` … stand for in the texts of this edition
    (``{municipality_html}``: escaped for Telegram's HTML). A field the document does not give
    (``pei_period``) is None."""
    zonas = edition.zonas
    contiguous = list(zonas) == list(range(zonas[0], zonas[-1] + 1))
    span = f"de la {zonas[0]} a la {zonas[-1]}" if contiguous and len(zonas) > 1 else _join(zonas)
    return {
        "municipality": edition.municipality,
        "municipality_html": html.escape(edition.municipality),
        "poa_year": str(edition.year),
        "poa": f"POA {edition.year}",
        "pom_period": f"{edition.pom[0]}-{edition.pom[1]}",
        "pei_period": f"{edition.pei[0]}-{edition.pei[1]}" if edition.pei else None,
        "pdmot": edition.pdmot,
        "pdmot_year": str(edition.pdmot_horizon),
        "zonas_span": span,
    }


def fill(template: str, fields: Mapping[str, str | None]) -> str | None:
    """The template with the edition's fields in it; other ``{fields}`` (``{n}``) stay for
    ``str.format``. None when it names a field the edition does not give."""
    lacking = False

    def value(match: re.Match[str]) -> str:
        nonlocal lacking
        name = match.group(1)
        if name not in fields:
            return match.group(0)
        given = fields[name]
        if given is None:
            lacking = True
            return ""
        return given

    filled = FIELD.sub(value, template)
    return None if lacking else filled


OWN_MUNICIPALITY = "municipio"
"""How a question's mention of the plan's own municipality is read ("¿qué hace la muni de Mixco?"
→ "… la muni de municipio"): a word every part of the understanding treats as naming no record
(a stop word, not a place), whichever the municipality is; another municipality's name stays
itself, and is out of the plan's scope."""


def without_own_name(text: str, municipality: str) -> str:
    """``text`` with the municipality's own name said as :data:`OWN_MUNICIPALITY`."""
    return own_name_pattern(municipality).sub(OWN_MUNICIPALITY, text)


@lru_cache(maxsize=16)
def own_name_pattern(municipality: str) -> re.Pattern[str]:
    """The municipality's name as people type it: any case, with or without accents ("mixco",
    "MIXCO", "Villa nueva")."""
    accented = {"a": "aáàâä", "e": "eéèêë", "i": "iíìîï", "o": "oóòôö", "u": "uúùûü", "n": "nñ", "c": "cç"}
    parts = []
    for word in TOKEN.findall(fold(municipality)):
        parts.append("".join(f"[{accented[c]}]" if c in accented else re.escape(c) for c in word))
    return re.compile(r"(?<![\w])" + r"\s+".join(parts) + r"(?![\w])", re.IGNORECASE)


def _join(numbers: tuple[int, ...]) -> str:
    said = [str(n) for n in numbers]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} y {said[-1]}"


def replaces_current(current: Edition, new: Edition) -> bool:
    """Whether loading ``new`` makes it the edition that answers: the same municipality's
    edition of the same or a later year, or another municipality's plan altogether. An older
    year's edition is kept beside the current one."""
    return fold(new.municipality) != fold(current.municipality) or new.year >= current.year
