"""Compose answers from the plan: what to say, with the plan's own figures and its source.

An :class:`Answer` is independent of Telegram; ``knowledge.render`` turns it into HTML or
plain text, and handlers turn its follow-ups into buttons.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from knowledge import catalog as t
from knowledge.documents import LISTS, plan_documents
from knowledge.model import (
    ZONAS,
    Actor,
    FundingSource,
    FundingTotal,
    GovernanceIndex,
    Item,
    Law,
    Plan,
    Policy,
    PolicyAxis,
    PomLine,
    Project,
    Section,
    Statement,
    Target,
    Tematica,
)
from knowledge.search import Hit, Query, SearchIndex, analyze
from knowledge.text import content_words, find_years, fold, has_phrase, vocabulary

MIN_COVERAGE = 0.5
LONG_QUESTION_WORDS = 7
MIN_LONG_COVERAGE = 0.3
CLEAR_LEAD = 1.4
RELATED_RATIO = 0.55
MAX_RELATED = 3
MAX_LIST_ITEMS = 20
SHORT = 180
WARM_UP = "meta de basura zona 6 2024"
MAX_QUESTION_CHARS = 1000
REMEMBERED_ANSWERS = 1024
"""Answers kept per Answerer: residents ask the same few questions again and again, and an
answer depends only on the question and the plan (an Answerer serves one plan)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """A labelled figure ("Monto 2024: Q 4,441,894.00")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A suggested next step. ``action`` is "zona:6", "proyecto:242177", "tema:seguro",
    "lista:projects" or "plan"; handlers turn it into a button."""

    label: str
    action: str


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    kind: str
    title: str
    score: float


Line = str | Fact


@dataclass(frozen=True, slots=True)
class Answer:
    title: str
    lines: tuple[Line, ...] = ()
    items: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    source: str | None = None
    confident: bool = True
    kind: str = "answer"
    matches: tuple[Match, ...] = ()
    zona: int | None = None
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    """Extra titled groups of items, for grouped summaries."""


def format_q(amount: Decimal) -> str:
    """Quetzales as the document writes them: ``Q 4,441,894.00``."""
    return f"Q {amount:,.2f}"


def format_pct(value: Decimal) -> str:
    return f"{value}%"


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


def cite(section: Section) -> str:
    return t.SOURCE_SEPARATOR.join((t.SOURCE_PREFIX, *section))


def shorten(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class Answerer:
    """Answers questions about one plan. Build once; ``answer`` is cheap and pure."""

    def __init__(self, plan: Plan, *, remember: int = REMEMBERED_ANSWERS) -> None:
        """``remember``: how many answers to keep for repeated questions (0: none, as benchmarks
        of the search itself need)."""
        self.plan = plan
        self.remember = remember
        pairs = list(plan_documents(plan))
        self.index = SearchIndex(doc for doc, _ in pairs)
        self.records = {doc.id: record for doc, record in pairs}
        self.tematica_names = {tm.id: tm.name for tm in plan.tematicas}
        self.zona_mentions = {
            z: tuple(d for d in self.index.docs if z in d.zonas and d.kind != "project") for z in ZONAS
        }
        self.every_zona = tuple(d for d in self.index.docs if _mentions_every_zona(d.title))
        self.budget_years = frozenset(
            year for f in plan.funding[:1] for part in f.section for year in find_years(fold(part))
        )
        self._remembered: OrderedDict[str, Answer] = OrderedDict()
        self.answer(WARM_UP)  # first-use costs (vocabulary file, stemmer, numpy) paid here, not by a person

    # Entry point ---------------------------------------------------------------------------
    def answer(self, question: str) -> Answer:
        """The answer to ``question``; repeated questions come from a bounded memory (LRU)."""
        key = question[:MAX_QUESTION_CHARS]
        remembered = self._remembered.get(key)
        if remembered is not None:
            self._remembered.move_to_end(key)
            return remembered
        answer = self._answer(key)
        if self.remember > 0:
            self._remembered[key] = answer
            if len(self._remembered) > self.remember:
                self._remembered.popitem(last=False)
        return answer

    def _answer(self, question: str) -> Answer:
        query = analyze(question, self.index)
        if not query.folded.strip() or not any(c.isalnum() for c in query.folded):
            return Answer(t.EMPTY_QUESTION, confident=False, kind="empty", follow_ups=self.menu())
        if query.snips:
            return self.project_answer(query.snips[0])
        if query.out_of_scope:
            return self.not_in_plan(query)
        if self._asks_money_for_another_year(query):
            return self.not_in_plan(
                query, note=t.OTHER_YEAR.format(years=_join_numbers(sorted(self.budget_years)))
            )
        if query.zonas:
            return self.zona_answer(query.zonas[0].number, query)
        if not query.sources or is_small_talk(query):
            return self._small_talk(query) or self.not_in_plan(query)
        hits = self.index.search(query)
        if not hits or not _confident(hits, query):
            return self.not_in_plan(query, hits)
        return self._compose(query, hits)

    # Direct answers (also used by commands and buttons) -------------------------------------
    def project_answer(self, snip: str) -> Answer:
        project = self.plan.project(snip)
        if project is None:
            return Answer(
                t.PROJECT_NOT_FOUND_TITLE.format(snip=snip),
                (t.PROJECT_NOT_FOUND.format(snip=snip),),
                follow_ups=(FollowUp(t.BTN_PROJECTS, "lista:projects"),),
                confident=False,
                kind="project_not_found",
            )
        return self._project_card(project, (Match(f"project:{snip}", "project", project.name, 1.0),))

    def zona_answer(self, number: int, query: Query | None = None) -> Answer:
        if number not in ZONAS:
            return Answer(
                t.ZONA_OUT_OF_RANGE_TITLE.format(n=number),
                (t.ZONA_OUT_OF_RANGE,),
                follow_ups=tuple(FollowUp(t.BTN_ZONA.format(n=z), f"zona:{z}") for z in ZONAS),
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
            lines.append(t.ZONA_PROJECTS.format(n=number))
            items.extend(self._project_line(p) for p in projects)
        else:
            lines.append(t.ZONA_NO_PROJECTS.format(n=number))
            zonas = sorted({p.zona for p in self.plan.projects if p.zona})
            lines.append(t.ZONA_OTHERS.format(zonas=_join_numbers(zonas)))
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
            t.ZONA_TITLE.format(n=number),
            tuple(lines),
            tuple(items),
            tuple(follow_ups),
            cite(source) if source else None,
            confident=bool(projects),  # "no projects listed here" is the plan's silence, said kindly
            kind="zona",
            matches=tuple(Match(f"project:{p.snip}", "project", p.name, 1.0) for p in projects),
            zona=number,
            sections=tuple(sections),
        )

    def tematica_answer(self, tematica_id: str) -> Answer | None:
        tematica = self.plan.tematica(tematica_id)
        return self._tematica_card(tematica, ()) if tematica else None

    def tematicas_answer(self) -> Answer:
        return self._list_answer("tematicas", ())

    def funding_answer(self) -> Answer:
        return self._list_answer("funding", ())

    def targets_answer(self, tematica_id: str | None = None) -> Answer:
        if tematica_id and self.plan.tematica(tematica_id):
            targets = [r for r in self.plan.targets if r.tematica == tematica_id]
            title = f"{t.TARGETS_TITLE} · {self.tematica_names[tematica_id]}"
            return Answer(
                title,
                items=tuple(self._target_line(r) for r in targets),
                source=cite(targets[0].section) if targets else None,
                kind="targets",
            )
        return self._list_answer("targets", ())

    def projects_answer(self) -> Answer:
        return self._list_answer("projects", ())

    def plan_answer(self) -> Answer:
        facts = [
            Fact(s.title, s.text)
            for s in self.plan.statements
            if s.id in ("vision", "mission", "institutional_objective")
        ]
        section = next((s.section for s in self.plan.statements if s.id == "vision"), ())
        return Answer(t.PLAN_TITLE, tuple(facts), source=cite(section), kind="plan")

    def help_answer(self) -> Answer:
        return Answer(t.HELP_TITLE, t.HELP_LINES, follow_ups=self.menu(), kind="help")

    def menu(self) -> tuple[FollowUp, ...]:
        return (
            FollowUp(t.BTN_PROJECTS, "lista:projects"),
            FollowUp(t.BTN_TEMATICAS, "lista:tematicas"),
            FollowUp(t.BTN_FUNDING, "lista:funding"),
            FollowUp(t.BTN_TARGETS, "lista:targets"),
        )

    def _asks_money_for_another_year(self, query: Query) -> bool:
        """ "presupuesto 2025": the plan's money figures are for its budget year only."""
        years = set(query.years)
        return (
            "budget" in query.intents
            and bool(years)
            and bool(self.budget_years)
            and not years & self.budget_years
        )

    def not_in_plan(self, query: Query, hits: Sequence[Hit] = (), note: str | None = None) -> Answer:
        title, line = (
            (t.NOT_IN_PLAN_TITLE, note or t.NOT_IN_PLAN_LINE.format(plan=t.PLAN_NAME))
            if query.out_of_scope or not hits
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

    # Composition -------------------------------------------------------------------------------
    def _compose(self, query: Query, hits: list[Hit]) -> Answer:
        top = hits[0]
        related = [h for h in hits[1:] if h.score >= RELATED_RATIO * top.score and h.coverage >= MIN_COVERAGE]
        matches = tuple(_match(h) for h in hits[:5])
        if self._is_broad(query, hits):
            return self._grouped(query, matches)
        answer = self._card(top, matches)
        extra = [self._summary(h.doc.id) for h in related[:MAX_RELATED] if not self._covered(answer, h)]
        if extra:
            answer = _with_section(answer, t.RELATED, tuple(extra))
        return answer

    def _card(self, hit: Hit, matches: tuple[Match, ...]) -> Answer:
        record = self.records[hit.doc.id]
        kind = hit.doc.kind
        if isinstance(record, Project):
            return self._project_card(record, matches)
        if isinstance(record, Tematica):
            return self._tematica_card(record, matches)
        if isinstance(record, Target):
            return self._target_card(record, matches)
        if isinstance(record, FundingSource):
            return self._funding_card(record, matches)
        if isinstance(record, FundingTotal):
            return self._funding_total_card(matches)
        if isinstance(record, Actor):
            return self._actor_card(record, matches)
        if isinstance(record, Law):
            return self._law_card(record, matches)
        if isinstance(record, Statement) and not record.text:
            return Answer(
                t.GAP_TITLE,
                (t.GAP_LINE.format(title=record.title),),
                follow_ups=self.menu(),
                source=cite(record.section),
                confident=False,
                kind="gap",
                matches=matches,
            )
        if isinstance(record, Statement):
            return Answer(
                record.title, (record.text,), source=cite(record.section), matches=matches, kind=kind
            )
        if kind == "list" and isinstance(record, str):
            return self._list_answer(record, matches)
        if kind == "policy_item" and isinstance(record, tuple):
            return self._policy_item_card(record, matches)
        return self._text_card(hit, record, matches)

    def _project_card(self, p: Project, matches: tuple[Match, ...]) -> Answer:
        lines: list[Line] = [p.name]
        if p.zona:
            lines.append(Fact(t.FACT_ZONA, str(p.zona)))
        if p.place:
            lines.append(Fact(t.FACT_PLACE, p.place))
        lines.append(Fact(t.FACT_AMOUNT_2024, format_q(p.amount_2024)))
        lines.append(Fact(t.FACT_OBSERVATION, p.observation))
        if not p.in_total and self.plan.projects:
            total = sum((x.amount_2024 for x in self.plan.projects if x.in_total), Decimal(0))
            lines.append(t.PROJECT_AFTER_TOTAL.format(total=format_q(total)))
        follow = [FollowUp(t.BTN_ZONA.format(n=p.zona), f"zona:{p.zona}")] if p.zona else []
        follow.append(FollowUp(t.BTN_PROJECTS, "lista:projects"))
        return Answer(
            t.PROJECT_TITLE.format(snip=p.snip),
            tuple(lines),
            follow_ups=tuple(follow),
            source=cite(p.section),
            matches=matches,
            kind="project",
            zona=p.zona,
        )

    def _tematica_card(self, tm: Tematica, matches: tuple[Match, ...]) -> Answer:
        objectives = [o.text for o in self.plan.objectives if o.tematica == tm.id]
        targets = [self._target_line(r) for r in self.plan.targets if r.tematica == tm.id]
        lines: list[Line] = [Fact(t.FACT_EJE, tm.eje), Fact(t.FACT_LINKS, ", ".join(tm.pnd + tm.ods))]
        sections = [(t.TEMATICA_OBJECTIVES, tuple(objectives))]
        if targets:
            sections.append((t.TEMATICA_TARGETS, tuple(targets)))
        return Answer(
            tm.name,
            tuple(lines),
            follow_ups=(
                FollowUp(t.BTN_TARGETS, f"metas:{tm.id}"),
                FollowUp(t.BTN_TEMATICAS, "lista:tematicas"),
            ),
            source=cite(tm.section),
            matches=matches,
            kind="tematica",
            sections=tuple(sections),
        )

    def _target_card(self, r: Target, matches: tuple[Match, ...]) -> Answer:
        name = self.tematica_names.get(r.tematica, r.tematica)
        lines: list[Line] = [r.text]
        lines.extend(
            _measure_text(m.baseline, m.baseline_year, m.target, m.target_year)
            for m in r.measures
            if m.baseline or m.target
        )
        return Answer(
            t.TARGET_TITLE.format(tematica=name),
            tuple(lines),
            follow_ups=(FollowUp(name, f"tema:{r.tematica}"),),
            source=cite(r.section),
            matches=matches,
            kind="target",
        )

    def _funding_card(self, f: FundingSource, matches: tuple[Match, ...]) -> Answer:
        lines: list[Line] = [
            Fact(t.FACT_AVAILABLE, format_q(f.available)),
            Fact(t.FACT_INVESTMENT, f"{format_q(f.investment)} ({format_pct(f.investment_pct)})"),
            Fact(t.FACT_OPERATING, f"{format_q(f.operating)} ({format_pct(f.operating_pct)})"),
        ]
        if self.plan.funding_total:
            lines.append(Fact(t.FUNDING_TOTAL_TITLE, format_q(self.plan.funding_total.available)))
        return Answer(
            t.FUNDING_TITLE.format(source=f.source),
            tuple(lines),
            follow_ups=(FollowUp(t.BTN_FUNDING, "lista:funding"),),
            source=cite(f.section),
            matches=matches,
            kind="funding",
        )

    def _funding_total_card(self, matches: tuple[Match, ...]) -> Answer:
        """The totals, with each source's share beside them."""
        answer = self._list_answer("funding", matches)
        return replace(answer, title=t.FUNDING_TOTAL_TITLE, kind="funding_total")

    def _actor_card(self, a: Actor, matches: tuple[Match, ...]) -> Answer:
        lines: list[Line] = [
            Fact(t.FACT_ROLE, a.role),
            Fact(t.FACT_INFLUENCE_DECISIONS, a.influence_decisions),
            Fact(t.FACT_INFLUENCE_IMPLEMENTATION, a.influence_implementation),
        ]
        return Answer(a.name, tuple(lines), source=cite(a.section), matches=matches, kind="actor")

    def _law_card(self, law: Law, matches: tuple[Match, ...]) -> Answer:
        lines: list[Line] = [Fact(t.LAW_DECREE, law.decree)] if law.decree else []
        if law.description:
            lines.append(shorten(law.description, 700))
        return Answer(law.name, tuple(lines), source=cite(law.section), matches=matches, kind="law")

    def _policy_item_card(self, record: tuple[object, ...], matches: tuple[Match, ...]) -> Answer:
        policy, axis, item = record
        assert isinstance(policy, Policy)
        assert isinstance(axis, PolicyAxis)
        assert isinstance(item, str)
        lines: list[Line] = [
            item,
            t.POLICY_AXIS.format(axis=" / ".join(x for x in (axis.national_axis, axis.axis) if x)),
        ]
        return Answer(
            _sentence(policy.name),
            tuple(lines),
            source=cite(policy.section),
            matches=matches,
            kind="policy_item",
        )

    def _text_card(self, hit: Hit, record: object, matches: tuple[Match, ...]) -> Answer:
        """Objectives, lines, actions, problems …: the text, its temática and its 2032 target."""
        section: Section = getattr(record, "section", ())
        lines: list[Line] = [hit.doc.title] if hit.doc.kind != "policy" else []
        if isinstance(record, Policy):
            lines.extend(record.general_objectives)
        if isinstance(record, GovernanceIndex):
            lines = [record.text]
        follow: list[FollowUp] = []
        sections = []
        tem = hit.doc.tematica
        if tem:
            lines.append(t.LINE_OF_TEMATICA.format(tematica=self.tematica_names[tem]))
            follow.append(FollowUp(self.tematica_names[tem], f"tema:{tem}"))
            targets = self._targets_for(record)
            if targets:
                sections.append((t.TEMATICA_TARGETS, tuple(self._target_line(r) for r in targets)))
        title = hit.doc.title if isinstance(record, (Policy, GovernanceIndex)) else _kind_title(hit.doc.kind)
        return Answer(
            _sentence(title),
            tuple(lines),
            follow_ups=tuple(follow),
            source=cite(section),
            matches=matches,
            kind=hit.doc.kind,
            sections=tuple(sections),
        )

    def _targets_for(self, record: object) -> list[Target]:
        objective = getattr(record, "objective", None) or getattr(record, "id", None)
        line_id = getattr(record, "strategic_line", None)
        if line_id:
            objective = next((s.objective for s in self.plan.strategic_lines if s.id == line_id), None)
        if isinstance(record, PomLine):
            return [r for r in self.plan.targets if r.tematica == record.tematica][:2]
        return [r for r in self.plan.targets if r.objective == objective]

    def _list_answer(self, list_id: str, matches: tuple[Match, ...]) -> Answer:
        title = LISTS[list_id][0]
        plan = self.plan
        lines: list[Line] = []
        items: list[str]
        follow: list[FollowUp] = []
        section: Section = ()
        if list_id == "projects":
            items = [self._project_line(p) for p in plan.projects]
            in_total = [p for p in plan.projects if p.in_total]
            total = sum((p.amount_2024 for p in in_total), Decimal(0))
            lines.append(t.PROJECTS_TOTAL.format(last=len(in_total), total=format_q(total)))
            lines.extend(
                t.PROJECT_NAMED_AFTER_TOTAL.format(snip=p.snip, total=format_q(total))
                for p in plan.projects
                if not p.in_total
            )
            follow = [
                FollowUp(t.BTN_ZONA.format(n=z), f"zona:{z}")
                for z in sorted({p.zona for p in plan.projects if p.zona})
            ]
            section = plan.projects[0].section if plan.projects else ()
        elif list_id == "funding":
            items = [
                t.FUNDING_ROW.format(
                    source=f.source,
                    available=format_q(f.available),
                    investment=format_q(f.investment),
                    operating=format_q(f.operating),
                )
                for f in plan.funding
            ]
            if plan.funding_total:
                lines = [
                    Fact(t.FACT_AVAILABLE, format_q(plan.funding_total.available)),
                    Fact(t.FACT_INVESTMENT, format_q(plan.funding_total.investment)),
                    Fact(t.FACT_OPERATING, format_q(plan.funding_total.operating)),
                ]
            title = t.FUNDING_LIST_TITLE
            section = plan.funding[0].section if plan.funding else ()
        elif list_id == "tematicas":
            items = [f"{tm.name} ({tm.eje})" for tm in plan.tematicas]
            follow = [FollowUp(tm.name, f"tema:{tm.id}") for tm in plan.tematicas]
            section = plan.tematicas[0].section[:-1] if plan.tematicas else ()
        elif list_id == "governance":
            items = [f"{g.name}: {g.text}" for g in plan.governance]
            section = plan.governance[0].section if plan.governance else ()
        elif list_id == "targets":
            items = [f"{self.tematica_names[r.tematica]}: {self._target_line(r)}" for r in plan.targets]
            section = plan.targets[0].section[:-1] if plan.targets else ()
        else:
            records: Sequence[object] = getattr(plan, list_id)
            items = [_record_line(r) for r in records]
            section = getattr(records[0], "section", ()) if records else ()
        return Answer(
            title,
            tuple(lines),
            tuple(items),
            tuple(follow),
            cite(section) if section else None,
            matches=matches,
            kind=f"list:{list_id}",
        )

    def _grouped(self, query: Query, matches: tuple[Match, ...]) -> Answer:
        """A broad word ("agua"): what the plan has on it, grouped by kind."""
        groups: dict[str, list[str]] = {}
        for hit in self.index.search(query, limit=40):
            if hit.coverage < MIN_COVERAGE or hit.doc.kind == "list":
                continue
            label = _group_label(hit.doc.kind)
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
            source=t.SUMMARY_SOURCE.format(prefix=t.SOURCE_PREFIX),
            follow_ups=self.menu()[:2],
        )

    def _is_broad(self, query: Query, hits: list[Hit]) -> bool:
        kinds = {h.doc.kind for h in hits if h.score >= 0.5 * hits[0].score}
        return len(query.sources) == 1 and len(hits) >= 8 and len(kinds) >= 3 and hits[0].doc.kind != "list"

    # Small pieces -------------------------------------------------------------------------------
    def _summary(self, doc_id: str) -> str:
        record = self.records[doc_id]
        doc = self.index.by_id[doc_id]
        if isinstance(record, Project):
            return self._project_line(record)
        if isinstance(record, Target):
            return f"{self.tematica_names[record.tematica]}: {self._target_line(record)}"
        if isinstance(record, FundingSource):
            return f"{record.source}: {format_q(record.available)}"
        if isinstance(record, Actor):
            return f"{record.name} ({record.role})"
        return shorten(doc.title)

    def _covered(self, answer: Answer, hit: Hit) -> bool:
        """The related hit is the answer's own record."""
        return any(m.id == hit.doc.id for m in answer.matches[:1])

    def _project_line(self, p: Project) -> str:
        return f"SNIP {p.snip} · {format_q(p.amount_2024)} · {p.observation} — {shorten(p.name, 120)}"

    def _target_line(self, r: Target) -> str:
        measures = [m for m in r.measures if m.baseline or m.target]
        if measures:
            return "; ".join(
                _measure_text(m.baseline, m.baseline_year, m.target, m.target_year) for m in measures
            )
        return shorten(r.text)

    def _small_talk(self, query: Query) -> Answer | None:
        if "thanks" in query.intents:
            return Answer(t.THANKS_TITLE, (t.THANKS_LINE,), follow_ups=self.menu(), kind="thanks")
        if "help" in query.intents:
            return self.help_answer()
        if "greeting" in query.intents:
            return Answer(t.GREETING_TITLE, (t.GREETING_LINE,), follow_ups=self.menu(), kind="greeting")
        return None


def is_small_talk(query: Query) -> bool:
    """Only greetings, thanks or a call for help ("hola", "gracias!", "ayuda")."""
    intents = vocabulary().intents
    phrases = " ".join(p for name in ("greeting", "thanks", "help") for p in intents[name]).split()
    said = [*content_words(query.folded), *query.sources]
    return bool(query.intents & {"greeting", "thanks", "help"}) and all(w in phrases for w in said)


def _measure_text(
    baseline: str | None, baseline_year: int | None, target: str | None, year: int | None
) -> str:
    if baseline and target:
        return t.TARGET_MEASURE.format(
            baseline=baseline, baseline_year=baseline_year, target=target, target_year=year
        )
    if target:
        return f"{t.TARGET_YEAR_ONLY.format(year=year)}: {target}"
    return f"{baseline} ({baseline_year})"


def _match(hit: Hit) -> Match:
    return Match(hit.doc.id, hit.doc.kind, hit.doc.title, round(hit.score, 4))


def _with_section(answer: Answer, title: str, items: tuple[str, ...]) -> Answer:
    return replace(answer, sections=(*answer.sections, (title, items)))


def _join_numbers(numbers: Sequence[int]) -> str:
    text = [str(n) for n in numbers]
    return text[0] if len(text) == 1 else f"{', '.join(text[:-1])} y {text[-1]}"


def _mentions_every_zona(text: str) -> bool:
    return has_phrase(text.lower(), ("cada una de las zonas", "las once zonas", "cada zona"))


def _record_line(record: object) -> str:
    if isinstance(record, Item):
        return f"{record.number}. {record.text}"
    if isinstance(record, Actor):
        return f"{record.name} — {record.role}"
    if isinstance(record, Law):
        return record.name
    if isinstance(record, GovernanceIndex):
        return record.name
    if isinstance(record, Policy):
        return _sentence(record.name)
    if isinstance(record, PomLine):
        return record.text
    return str(record)


def _group_label(kind: str) -> str:
    return t.GROUP_LABELS.get(kind, t.GROUP_OTHER)


def _kind_title(kind: str) -> str:
    return t.KIND_TITLES.get(kind, t.KIND_OTHER)


def _sentence(text: str) -> str:
    if not text.isupper():
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]
