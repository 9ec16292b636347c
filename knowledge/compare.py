"""Two things of the plan set side by side: two projects, two zonas, two funding sources or two
kinds of project ("¿cuánta diferencia hay entre el alcantarillado de San Antonio y el de la
Marilú?", "¿qué aporta más para inversión, el situado constitucional o el IVA PAZ?").

Each side of the question is read on its own; the comparison is made only when both sides are
things of the same sort that carry an amount, and the difference is labelled as computed from
the plan's figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from knowledge import catalog as t
from knowledge.answer_types import Answer, FollowUp, Line, Match, format_pct, format_q
from knowledge.catalog import EditionTexts
from knowledge.counts import count_of
from knowledge.model import FundingSource, Plan, Project
from knowledge.question import Ask
from knowledge.search import Query, SearchIndex, analyze
from knowledge.source_names import SourceNames
from knowledge.text import TOKEN, find_zonas, has_phrase

SIDES = (
    re.compile(r"\bcompar(?:a|e|ar|arme|eme|ame|ando)\s+(?P<a>.+?)\s+con\s+(?P<b>.+)"),
    re.compile(r"\bentre\s+(?P<a>.+?)\s+y\s+(?P<b>.+)"),
    re.compile(
        r"(?P<a>.+?)\s+(?:cuesta|recibe|tiene|aporta|da|lleva)?\s*(?:mas|menos)\s+(?:o\s+menos\s+)?que\s+(?P<b>.+)"
    ),
    re.compile(r"(?P<a>.+?)\s+(?:vs|versus|contra|comparado con)\s+(?P<b>.+)"),
    re.compile(r"(?P<a>.+?)\s+o\s+(?P<b>.+)"),
)
"""Where a question puts its two sides: "compara A con B", "entre A y B", "A cuesta más (o menos)
que B", "A vs B", "A o B"."""
LESS_CUES = ("que es menos", "cual es menos", "es menor")
CUES = (
    *("diferencia", "comparar", "compara", "comparacion", "comparado", "comparada", "versus", "vs"),
    *("compare", "comparame", "compareme", "comparando"),
    *("por cuanto", "cuanto mas"),
    *("que es mas", "cual es mas", "es mayor", *LESS_CUES),
    *("mas o menos que", "mas que", "menos que", "mayor que", "menor que"),
)
"""Words that ask for a comparison whatever the ask ("¿cuánta diferencia hay …?")."""
INVESTMENT_WORDS = ("inversion", "invertir", "invierte", "obras")
OPERATING_WORDS = ("funcionamiento", "gastos de funcionamiento")
PERCENT_WORDS = ("porcentaje", "por ciento", "proporcion")
BOTH = ("los dos", "las dos", "ambos", "ambas")
"""Words that name the two members of a group of two ("los dos proyectos de alcantarillado")."""


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a comparison: what it is called and its amount."""

    name: str
    amount: Decimal
    projects: tuple[Project, ...] = ()
    percent: bool = False
    """Whether ``amount`` is a share (a source's "90%" to inversión), not quetzales."""


class Comparisons:
    """The comparing half of :class:`knowledge.answers.Answerer` (a mixin: it reads the
    answerer's plan and index and resolves each side with the answerer's own lookups)."""

    plan: Plan
    index: SearchIndex
    texts: EditionTexts
    source_names: SourceNames

    _one_project_meant: Callable[[Query], Project | None]
    _filtered_projects: Callable[[Query, Ask], list[Project]]

    def comparison(self, query: Query, ask: Ask) -> Answer | None:
        """Both sides and who has more, when the question sets two things side by side."""
        cued = ask.what in ("max", "min") or has_phrase(query.folded, CUES)
        if not cued:
            return None
        sides = self._two_sides(query, ask)
        if sides is None:
            return None
        highest = ask.what != "min" and not has_phrase(query.folded, LESS_CUES)
        return self._compared(sides, highest, ask)

    def _two_sides(self, query: Query, ask: Ask) -> tuple[Side, Side] | None:
        text = " ".join(TOKEN.findall(query.folded))
        own = self._own_measures(query)
        if own is not None:
            return own
        for pattern in SIDES:
            found = pattern.search(text)
            if found is None:
                continue
            a, b = self._side(found.group("a"), ask), self._side(found.group("b"), ask)
            if a is not None and b is not None and a.name != b.name and bool(a.projects) == bool(b.projects):
                return a, b
        zonas = list(dict.fromkeys(z.number for z in query.zonas if z.number in self.plan.edition.zonas))
        if len(zonas) == 2:  # "comparado con el tanque de la zona 1, ¿el pozo de la zona 4 recibe más?"
            zona_sides = [self._side(f"zona {n}", ask) for n in zonas]
            if zona_sides[0] is not None and zona_sides[1] is not None:
                return zona_sides[0], zona_sides[1]
        named = self.source_names.named_in(set(text.split()) | set(query.sources))
        if len(named) == 2:  # "¿qué porcentaje va a inversión del situado y del IVA PAZ, cuál es mayor?"
            first, second = (self._source_side(f, ask) for f in named)
            return first, second
        if has_phrase(query.folded, BOTH):  # "los dos proyectos de alcantarillado de la zona 10"
            projects = self._filtered_projects(query, Ask("list", "projects", ("proyectos", *BOTH)))
            if query.zonas:
                projects = [p for p in projects if p.zona == query.zonas[0].number]
            if len(projects) == 2:
                first, second = (_project_side(p) for p in projects)
                return first, second
        return None

    def _own_measures(self, query: Query) -> tuple[Side, Side] | None:
        """ "Del IVA PAZ, ¿va más a inversión o a funcionamiento?": one source's two parts."""
        sources = self.source_names.named_in(set(query.folded.split()) | set(query.sources))
        if len(sources) != 1 or not (
            has_phrase(query.folded, INVESTMENT_WORDS) and has_phrase(query.folded, OPERATING_WORDS)
        ):
            return None
        source = sources[0]
        percent = has_phrase(query.folded, PERCENT_WORDS)
        return (
            Side(
                t.COMPARE_SOURCE_PART.format(part=t.COMPARE_INVESTMENT, source=source.source),
                source.investment_pct if percent else source.investment,
                percent=percent,
            ),
            Side(
                t.COMPARE_SOURCE_PART.format(part=t.COMPARE_OPERATING, source=source.source),
                source.operating_pct if percent else source.operating,
                percent=percent,
            ),
        )

    def _side(self, text: str, ask: Ask) -> Side | None:
        """What one side names: a funding source, a project, or a zona's projects."""
        side_query = analyze(text, self.index)
        words = set(text.split()) | set(side_query.sources)  # "situado constitusional" as corrected
        sources = self.source_names.named_in(words)
        if len(sources) == 1:
            return self._source_side(sources[0], ask)
        total = self.plan.funding_total
        if total is not None and not sources:  # "lo que va a inversión y lo de funcionamiento"
            if has_phrase(text, INVESTMENT_WORDS):
                return Side(t.COMPARE_INVESTMENT, total.investment)
            if has_phrase(text, OPERATING_WORDS):
                return Side(t.COMPARE_OPERATING, total.operating)
        zonas = [
            z.number for z in find_zonas(text, self.index.last_zona) if z.number in self.plan.edition.zonas
        ]
        in_zona = [p for p in self.plan.projects if zonas and p.zona == zonas[0]]
        if len(in_zona) == 1:  # "el proyecto de la zona 4"
            return _project_side(in_zona[0])
        project = self._one_project_meant(side_query)
        if project is not None:
            return _project_side(project)
        if in_zona:
            amount = sum((p.amount for p in in_zona), Decimal(0))
            name = t.COMPARE_ZONA.format(
                zona=t.WHAT_ZONA.format(n=zonas[0]), projects=count_of(len(in_zona), t.PROJECTS)
            )
            return Side(name, amount, tuple(in_zona))
        return None

    @staticmethod
    def _source_side(source: FundingSource, ask: Ask) -> Side:
        if ask.measure in ("investment_pct", "operating_pct"):  # "¿qué invierte más en porcentaje …?"
            return Side(source.source, getattr(source, ask.measure), percent=True)
        amount = {"investment": source.investment, "operating": source.operating}.get(
            ask.measure, source.available
        )
        return Side(source.source, amount)

    def _compared(self, sides: tuple[Side, Side], highest: bool, ask: Ask) -> Answer:
        first, second = sorted(sides, key=lambda s: s.amount, reverse=highest)
        percent = first.percent and second.percent
        shown = format_pct if percent else format_q
        difference = abs(first.amount - second.amount)
        difference_shown = t.COMPARE_POINTS.format(points=difference) if percent else format_q(difference)
        template = t.COMPARE_MORE if highest else t.COMPARE_LESS
        lead = template.format(
            winner=capitalised(first.name),
            amount=shown(first.amount),
            difference=difference_shown,
            other=second.name,
            other_amount=shown(second.amount),
        )
        lines: list[Line] = [
            lead,
            *(t.COMPARE_SIDE.format(name=capitalised(s.name), amount=shown(s.amount)) for s in sides),
        ]
        lines.append(
            (t.COMPARE_DIFFERENCE_POINTS if percent else t.COMPARE_DIFFERENCE).format(
                difference=difference_shown
            )
        )
        projects = [p for s in sides for p in s.projects]
        follow = tuple(
            FollowUp(t.BTN_PROJECT.format(snip=p.snip), f"proyecto:{p.snip}") for p in projects[:4]
        )
        section = projects[0].section if projects else _funding_section(self.plan)
        return Answer(
            t.COMPARE_PERCENT_TITLE if percent else self.texts.COMPARE_TITLE,
            tuple(lines),
            follow_ups=follow,
            source=self.texts.cite(section) if section else None,
            matches=tuple(Match(f"project:{p.snip}", "project", p.name, 1.0) for p in projects[:5]),
            kind="compare",
            asks=ask.what,
        )


def _project_side(project: Project) -> Side:
    where = [t.WHAT_ZONA.format(n=project.zona)] if project.zona else []
    where.extend([project.place] if project.place else [])
    name = t.COMPARE_PROJECT.format(snip=project.snip, where=", ".join(where))
    return Side(name, project.amount, (project,))


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _funding_section(plan: Plan) -> tuple[str, ...]:
    return plan.funding[0].section if plan.funding else ()
