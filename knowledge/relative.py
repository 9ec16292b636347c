"""Questions asked relative to one thing the plan names: "aparte del de San Antonio, ¿hay otro
en la zona 10?", "¿otra fuente además del IUSI?", "después del alcantarillado de San Antonio,
¿cuál es el proyecto más caro?".

The thing set aside is a project (named by its place or what it builds), a funding source or a
zona. Asked for others, the answer is the rest of the scope the question gives (a zona it names,
the projects its other words pick, or the whole list) without that one, the others first; when
there is none, it says so. Asked for a superlative, "aparte de X" ranks the others and "después de
X" gives the one right after X in the ranking; the ranking used is named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from knowledge import catalog as t
from knowledge.answer_types import Answer, Match, format_q, join_numbers, join_words, with_lead, with_section
from knowledge.compare import capitalised
from knowledge.counts import count_of
from knowledge.kinds import PlanView, kind_of
from knowledge.model import FundingSource, Plan, Project
from knowledge.question import EXCLUSION_STOPS, Ask, read_ask
from knowledge.ranks import place_line
from knowledge.search import Doc, Query, SearchIndex, analyze
from knowledge.source_names import SourceNames
from knowledge.text import TOKEN, content_words, find_zonas, fold, has_phrase

SET_ASIDE = re.compile(
    r"\b(?P<how>aparte de|aparte del|ademas de|ademas del|fuera de|fuera del|sin contar|sin contar a|"
    r"excepto|salvo|quitando|despues de|despues del)\s+(?P<named>[^,;:?!¿¡.]+)"
)
"""Where a question sets one thing aside: the words up to the next punctuation name it."""
AFTER = ("despues de", "despues del")
OTHER = re.compile(r"\b(?:otro|otra|otros|otras|mas|demas|algun|alguna|resto|tambien|quedan?)\b")
"""Words that ask for the others ("¿hay otro …?", "¿qué más …?", "¿cuáles más?")."""
SAME_ZONA = ("misma zona", "esa zona", "ahi", "alli", "ahi mismo", "por ahi", "en la zona", "cerca")
"""Words that keep the scope to the zona of the project set aside ("¿hay otro en esa zona?")."""
ZONA_ONLY = frozenset(("zona", "zonas", "sona", "la", "el", "de", "del"))
SCOPE_FRAMING = frozenset(("hay", "otro", "otra", "otros", "otras", "mas", "demas", "algun", "alguna"))
"""Words of the rest of the question that ask for others but pick none of them."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """What a question sets aside and the rest of it."""

    after: bool
    """ "después de X" (the next in a ranking), not "aparte de X" (the others)."""
    named: str
    rest: str


def set_aside(folded: str) -> SetAside | None:
    """ "aparte del parque de la Primero de Julio, ¿hay otro en la zona 5?" → "parque de la
    primero de julio" set aside, "¿hay otro en la zona 5?" the rest."""
    found = SET_ASIDE.search(folded)
    if found is None:
        return None
    kept: list[str] = []
    for word in found.group("named").split():
        if word in EXCLUSION_STOPS:
            break
        kept.append(word)
    named = " ".join(kept)
    if not named:
        return None
    rest = f"{folded[: found.start()]} {folded[found.start('named') + len(named) :]}"
    return SetAside(found.group("how") in AFTER, named, " ".join(rest.split()))


class Relatives:
    """The half of :class:`knowledge.answers.Answerer` that answers relative to a thing set
    aside (a mixin: it reads the answerer's plan and index and uses its lookups)."""

    plan: Plan
    view: PlanView
    index: SearchIndex
    source_names: SourceNames

    _one_project_meant: Callable[[Query], Project | None]
    _filtered_projects: Callable[[Query, Ask], list[Project]]
    project_answer: Callable[[str], Answer]

    if TYPE_CHECKING:  # the answerer's own, through its other halves

        def _list_of_docs(self, list_id: str, docs: list[Doc], *, page: int) -> Answer: ...
        def zona_answer(self, number: int, query: Query | None = None) -> Answer: ...
        def zonas_answer(self, numbers: tuple[int, ...], query: Query | None = None) -> Answer: ...

    def relative_answer(self, query: Query, ask: Ask) -> Answer | None:
        """The others than the thing the question sets aside, or the one after it in a ranking;
        None when the question sets nothing aside that the plan names."""
        aside = set_aside(query.folded)
        if aside is None:
            return None
        rest_ask = read_ask(aside.rest)
        ranking = next((a.what for a in (ask, rest_ask) if a.what in ("max", "min")), None)
        if ranking is None and (aside.after or OTHER.search(aside.rest) is None):
            return None
        named = self._set_aside_thing(aside.named)
        if named is None:
            return None
        if ranking is not None:
            return self._ranked_past(named, aside, highest=ranking == "max")
        if isinstance(named, Project):
            return self._other_projects(named, aside.rest)
        if isinstance(named, FundingSource):
            return self._other_sources(named)
        return self._other_zonas(named)

    def _set_aside_thing(self, named: str) -> Project | FundingSource | int | None:
        """The project, funding source or zona the words set aside name, if one."""
        side_query = analyze(named, self.index)
        sources = self.source_names.named_in(set(TOKEN.findall(named)) | set(side_query.sources))
        if len(sources) == 1:
            return sources[0]
        if sources:
            return None
        zonas = [
            z.number for z in find_zonas(named, self.index.last_zona) if z.number in self.plan.edition.zonas
        ]
        words = [w for w in TOKEN.findall(named) if not w.isdigit() and w not in ZONA_ONLY]
        if len(zonas) == 1 and not words:  # "aparte de la zona 10"
            return zonas[0]
        in_zona = [p for p in self.plan.projects if zonas and p.zona == zonas[0]]
        if len(in_zona) == 1:  # "el de la zona 4"
            return in_zona[0]
        return self._one_project_meant(side_query)

    # Others ---------------------------------------------------------------------------------
    def _other_projects(self, named: Project, rest: str) -> Answer:
        zonas = [
            z.number for z in find_zonas(rest, self.index.last_zona) if z.number in self.plan.edition.zonas
        ]
        picked = self._picked_by(rest)
        if zonas:
            zona: int | None = zonas[0]
            scope = [p for p in self.plan.projects if p.zona == zona]
        elif picked is not None:
            zona, scope = None, [*picked, *([named] if named not in picked else [])]
        elif has_phrase(rest, SAME_ZONA) and named.zona:
            zona, scope = named.zona, [p for p in self.plan.projects if p.zona == named.zona]
        else:
            zona, scope = None, list(self.plan.projects)
        others = [p for p in scope if p is not named]
        where = t.WHAT_ZONA_IN.format(n=zona) if zona is not None else t.IN_THE_PLAN
        if not others:
            lead = t.NO_OTHER_PROJECT.format(named=project_named(named), where=where)
            answer = with_lead(self.project_answer(named.snip), lead)
            listed = sorted({p.zona for p in self.plan.projects if p.zona and p.zona != zona})
            if listed:
                answer = with_lead(answer, lead, t.ZONA_OTHERS.format(zonas=join_numbers(listed)))
            return replace(answer, asks="list")
        place = named.place or named.name  # by its place only: the others' SNIPs lead
        where = capitalised(where)
        more = count_of(len(others), t.MORE_PROJECTS)
        if len(others) > NAMED_IN_LEAD:
            docs = [self.index.by_id[f"project:{p.snip}"] for p in others]
            lead = t.OTHER_PROJECTS_THAN.format(place=place, where=where, projects=more)
            return replace(with_lead(self._list_of_docs("projects", docs, page=1), lead), asks="list")
        names = join_words(
            [t.OTHER_PROJECT_NAMED.format(named=project_named(p), amount=format_q(p.amount)) for p in others]
        )
        lead = t.OTHER_PROJECTS_NAMED.format(place=place, where=where, projects=more, names=names)
        if len(others) == 1:  # the other one's card
            return replace(with_lead(self.project_answer(others[0].snip), lead), asks="list")
        docs = [self.index.by_id[f"project:{p.snip}"] for p in others]
        return replace(with_lead(self._list_of_docs("projects", docs, page=1), lead), asks="list")

    def _picked_by(self, rest: str) -> list[Project] | None:
        """The projects the rest of the question picks by its own words ("¿hay otro pozo?"),
        None when its words pick none in particular."""
        words = [w for w in content_words(rest) if w not in SCOPE_FRAMING]
        if not words:
            return None
        rest_query = analyze(" ".join(words), self.index)
        if not rest_query.sources:
            return None
        picked = self._filtered_projects(rest_query, replace(read_ask(rest), list_id="projects"))
        return picked if picked and len(picked) < len(self.plan.projects) else None

    def _other_sources(self, named: FundingSource) -> Answer:
        others = [f for f in self.plan.funding if f is not named]
        docs = [self.index.by_id[f"funding:{fold(f.source)}"] for f in others]
        lead = t.OTHER_SOURCES_THAN.format(
            named=named.source,
            sources=count_of(len(others), t.MORE_SOURCES),
            names=join_words([f"{f.source} ({format_q(f.available)})" for f in others]),
        )
        return replace(with_lead(self._list_of_docs("funding", docs, page=1), lead), asks="list")

    def _other_zonas(self, named: int) -> Answer:
        others = sorted({p.zona for p in self.plan.projects if p.zona and p.zona != named})
        if not others:
            return replace(with_lead(self.zona_answer(named), t.NO_OTHER_ZONA.format(n=named)), asks="list")
        lead = t.OTHER_ZONAS_THAN.format(n=named, zonas=join_numbers(others))
        return replace(with_lead(self.zonas_answer(tuple(others)), lead), asks="list")

    # Rankings -------------------------------------------------------------------------------
    def _ranked_past(self, named: Project | FundingSource | int, aside: SetAside, *, highest: bool) -> Answer:
        if isinstance(named, Project):
            picked = self._picked_by(aside.rest) if not aside.after else None
            projects = picked if picked is not None else list(self.plan.projects)
            return self._project_past(
                named, ranked_by(projects, named, lambda p: p.amount, highest), aside, highest
            )
        if isinstance(named, FundingSource):
            ranked_sources = ranked_by(self.plan.funding, named, lambda f: f.available, highest)
            return self._source_past(named, ranked_sources, aside, highest)
        sums = zona_sums(self.plan.projects)
        ranked_zonas = ranked_by(sorted(sums), named, lambda z: sums.get(z, Decimal(0)), highest)
        return self._zona_past(named, ranked_zonas, sums, aside, highest)

    def _project_past(self, named: Project, ranked: list[Project], aside: SetAside, highest: bool) -> Answer:
        chosen = next_in(ranked, named, aside.after)
        said = (t.RANK_AFTER if aside.after else t.RANK_BESIDES).format(named=project_named(named))
        if chosen is None:
            lead = (t.RANK_NONE_MOST if highest else t.RANK_NONE_LEAST).format(named=project_named(named))
            return replace(with_lead(self.project_answer(named.snip), said + lead), asks=ranked_ask(highest))
        lead = said + t.RANK_PROJECT.format(
            most=t.MOST if highest else t.LEAST, named=project_named(chosen), amount=format_q(chosen.amount)
        )
        answer = with_lead(
            self.project_answer(chosen.snip), lead, place_line(ranked.index(chosen), len(ranked), highest)
        )
        ranking = tuple(self.view.project_line(p) for p in ranked)
        return replace(with_section(answer, t.RANKING_SECTION, ranking), asks=ranked_ask(highest))

    def _source_past(
        self, named: FundingSource, ranked: list[FundingSource], aside: SetAside, highest: bool
    ) -> Answer:
        chosen = next_in(ranked, named, aside.after)
        said = (t.RANK_AFTER_SOURCE if aside.after else t.RANK_BESIDES_SOURCE).format(named=named.source)
        if chosen is None:
            doc = self.index.by_id[f"funding:{fold(named.source)}"]
            card = kind_of("funding").card(self.view, named, doc, (Match(doc.id, doc.kind, doc.title, 1.0),))
            lead = (t.RANK_NONE_SOURCE_MOST if highest else t.RANK_NONE_SOURCE_LEAST).format(
                named=named.source
            )
            return replace(with_lead(card, said + lead), asks=ranked_ask(highest))
        doc = self.index.by_id[f"funding:{fold(chosen.source)}"]
        card = kind_of("funding").card(self.view, chosen, doc, (Match(doc.id, doc.kind, doc.title, 1.0),))
        lead = said + t.RANK_SOURCE.format(
            most=t.MOST if highest else t.LEAST, source=chosen.source, amount=format_q(chosen.available)
        )
        answer = with_lead(card, lead, place_line(ranked.index(chosen), len(ranked), highest))
        return replace(answer, asks=ranked_ask(highest))

    def _zona_past(
        self, named: int, ranked: list[int], sums: dict[int, Decimal], aside: SetAside, highest: bool
    ) -> Answer:
        chosen = next_in(ranked, named, aside.after)
        said = (t.RANK_AFTER_ZONA if aside.after else t.RANK_BESIDES_ZONA).format(n=named)
        if chosen is None:
            lead = (t.RANK_NONE_ZONA_MOST if highest else t.RANK_NONE_ZONA_LEAST).format(n=named)
            return replace(with_lead(self.zona_answer(named), said + lead), asks=ranked_ask(highest))
        count = sum(p.zona == chosen for p in self.plan.projects)
        lead = said + t.RANK_ZONA.format(
            most=t.MOST if highest else t.LEAST,
            n=chosen,
            amount=format_q(sums[chosen]),
            projects=count_of(count, t.LISTED_PROJECTS),
        )
        answer = with_lead(
            self.zona_answer(chosen), lead, place_line(ranked.index(chosen), len(ranked), highest)
        )
        return replace(answer, asks=ranked_ask(highest))


T = TypeVar("T")
NAMED_IN_LEAD = 3
"""Up to this many others are named in the lead itself; more are the list that follows."""


def ranked_by(members: Sequence[T], named: T, key: Callable[[T], Decimal], highest: bool) -> list[T]:
    """``members`` (with ``named`` among them) ordered by ``key``, the most first when ``highest``."""
    chosen = [*members, *([named] if named not in members else [])]
    return sorted(chosen, key=key, reverse=highest)


def next_in(ranked: list[T], named: T, after: bool) -> T | None:
    """The one right after ``named`` (``after``), or the first of the others."""
    if after:
        position = ranked.index(named) + 1
        return ranked[position] if position < len(ranked) else None
    return next((m for m in ranked if m != named), None)


def zona_sums(projects: Sequence[Project]) -> dict[int, Decimal]:
    sums: dict[int, Decimal] = {}
    for p in projects:
        if p.zona:
            sums[p.zona] = sums.get(p.zona, Decimal(0)) + p.amount
    return sums


def ranked_ask(highest: bool) -> str:
    return "max" if highest else "min"


def project_named(project: Project) -> str:
    """ "SNIP 206148 (11 AVENIDA A, SAN JOSE LAS ROSAS, zona 6)"."""
    where = [project.place] if project.place else []
    where.extend([t.WHAT_ZONA.format(n=project.zona)] if project.zona else [])
    return (
        t.PROJECT_NAMED.format(snip=project.snip, where=", ".join(where)) if where else f"SNIP {project.snip}"
    )
