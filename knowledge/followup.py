"""Short follow-ups that lean on the previous question ("¿y en la zona 10?", "¿y cuánto cuesta?"),
and "mi zona" for the zona a chat has chosen.

The chat's context and its zona are kept by the caller (in the database); this module only
decides how a follow-up and the previous question combine:

* a follow-up that names its own subject (a zona, a project, a place, a topic the plan has)
  stands alone: "¿y el de la colonia Marilú?" after a project card is the Marilú project;
* a new zona after a question about a topic keeps the topic ("proyectos de agua en la zona 6",
  "¿y en la zona 10?" → "proyectos de agua en la zona 10"), after a project card it is the zona;
* a follow-up with no subject of its own ("¿y cuánto cuesta?", "¿y cuándo termina?", "¿y la
  meta?") asks about the previous subject: the project, the zona, or the previous question.

Whether words name a subject is the answerer's call (:func:`subject_test`), passed in as a
predicate so that this module stays pure and testable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from knowledge.text import content_words, find_snips, find_zonas, fold, stem, words

MAX_FOLLOW_UP_WORDS = 7
LEADS = ("y ", "¿y ", "e ", "y que ", "y en ", "y la ", "y el ")
LEAD = re.compile(r"^[¿¡\s]*(?:y|e)\s+")
ATTRIBUTE_WORDS = """
    cuesta cuestan costo costos costar vale valen monto montos precio dinero pisto plata
    presupuesto inversion invierte invierten financia financian financiamiento paga pagan gasto
    termina terminan acaba acaban finaliza entrega entregan empieza empiezan inicia inician
    comienza fecha plazo dura duracion tarda tardan listo
    meta metas objetivo objetivos resultado resultados
    avance avances avanza estado lleva falta faltan porcentaje
    zona lugar ubicacion queda quedan
    responsable encargado empresa ejecuta construye
    trata consiste incluye detalle detalles datos mas
"""
"""What a follow-up may ask about the previous subject (its cost, its end, its goal, its state,
its place, who does it, more about it): words that name no subject of their own."""
ATTRIBUTE_STEMS = frozenset(stem(w) for w in ATTRIBUTE_WORDS.split())
MY_ZONA = re.compile(r"\bmi\s+(?:zona|colonia|barrio)\b")
"""How a resident says the zona where they live: "mi zona", "mi colonia", "aquí en mi barrio"."""


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What the chat asked last: its question and the zona and project it was about."""

    question: str | None = None
    zona: int | None = None
    snip: str | None = None


class SubjectAnswer(Protocol):
    """What :func:`subject_test` reads of an answer (``knowledge.answers.Answer`` has it)."""

    @property
    def confident(self) -> bool: ...

    @property
    def zona(self) -> int | None: ...

    @property
    def matches(self) -> Sequence[object]: ...


SubjectTest = Callable[[str], bool]
"""Whether words, asked alone, name a subject the plan has."""


def subject_test(answer: Callable[[str], SubjectAnswer]) -> SubjectTest:
    """A :data:`SubjectTest` from an answering function (``Answerer.answer``): the words name a
    subject when they alone get a confident answer about a zona or about records of the plan."""

    def names_subject(question: str) -> bool:
        found = answer(question)
        return found.confident and (found.zona is not None or bool(found.matches))

    return names_subject


def is_follow_up(text: str) -> bool:
    folded = fold(text).lstrip("¿¡ ")
    return (
        folded.startswith(tuple(lead.lstrip("¿") for lead in LEADS))
        and len(words(folded)) <= MAX_FOLLOW_UP_WORDS
    )


def without_lead(folded: str) -> str:
    """The follow-up without its opening "¿y" / "e" and its closing marks: "¿y el de la colonia
    marilu?" → "el de la colonia marilu"."""
    return LEAD.sub("", folded, count=1).strip(" ¿?¡!.")


def names_own_subject(rest: str, names_subject: SubjectTest) -> bool:
    """Whether the follow-up (without its lead) is about something of its own: it has words
    besides what one asks about a subject (cost, end, goal …) and the answerer finds a subject
    in them."""
    own = [w for w in content_words(rest) if stem(w) not in ATTRIBUTE_STEMS]
    return bool(own) and names_subject(rest)


def resolve(text: str, context: ChatContext, *, names_subject: SubjectTest) -> str:
    """The question to answer: ``text`` itself, or ``text`` completed from the context."""
    if context.question is None or not is_follow_up(text):
        return text
    folded = fold(text)
    if find_snips(folded):
        return text
    rest = without_lead(folded)
    new_zonas = find_zonas(folded)
    if new_zonas:
        if context.snip:  # after a project's card the zona is the new subject
            return rest
        previous = fold(context.question)
        old = find_zonas(previous)
        zona = f"zona {new_zonas[0].number}"
        if old:
            start, end = old[0].span
            return previous[:start] + zona + previous[end:]
        return f"{previous} {zona}"
    if names_own_subject(rest, names_subject):
        return rest
    if context.snip:
        return f"proyecto {context.snip}"
    if context.zona is not None:
        return f"{rest} zona {context.zona}"
    return f"{rest} {fold(context.question)}"


def context_after(question: str, zona: int | None, snip: str | None) -> ChatContext:
    return ChatContext(question=question[:500], zona=zona, snip=snip)


def names_my_zona(text: str) -> bool:
    """Whether the text asks about the resident's own zona ("¿qué obras hay en mi zona?") without
    naming one ("mi zona 6" is zona 6)."""
    folded = fold(text)
    return MY_ZONA.search(folded) is not None and not find_zonas(folded)


def with_my_zona(text: str, zona: int) -> str:
    """The text with "mi zona" / "mi colonia" replaced by the chat's zona (folded)."""
    return MY_ZONA.sub(f"la zona {zona}", fold(text))
