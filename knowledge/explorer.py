"""What the plan explorer's pages show: the residents' web view of the plan (the Telegram Mini App).

Each page is one function from the plan (through the :class:`~knowledge.answers.Answerer`, so
that the cards and the search are the bot's own) and what staff recorded, which the caller read,
to a frozen description of the page: its texts, its figures as the document writes them, its
bars as fractions of the chart's longest, and the section each part cites.
``handlers.webapp`` turns these into HTML; nothing here knows of HTTP, templates or Telegram.

Texts name the year and the municipality through :func:`edition`, the one place that reads
them from the loaded plan.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from knowledge import catalog as t
from knowledge.actions import Action, ActionError, record_key
from knowledge.answer_types import Answer, Fact, format_pct, format_q, shorten
from knowledge.answers import Answerer
from knowledge.catalog import texts
from knowledge.counts import count_of
from knowledge.kinds import measure_text, measured_phrase
from knowledge.model import Measure, Plan, Project, Section, Target
from knowledge.staff import StatusView, format_date, progress_text, status_label, with_status
from knowledge.text import clean_text, fold

QUERY_MAX = 200
"""Characters of a search, at most (a question in the bot's own words is far shorter)."""
PHRASE_CHARS = 140
"""Characters of a target's measured phrase, its heading on the targets page."""
TIMELINE_SHOWN = 30
"""Staff status entries a project's timeline shows, the newest first."""


# The edition: what the texts say of the year and the municipality --------------------------------
@dataclass(frozen=True, slots=True)
class Edition:
    """The plan's identity as the explorer's texts name it."""

    municipality: str
    year: int | None
    """The budget year (its funding table's heading)."""
    horizon: int | None
    """The year its development targets aim at."""

    @property
    def plan_name(self) -> str:
        if self.year is None:
            return t.WEB_PLAN_NO_YEAR.format(municipality=self.municipality)
        return t.WEB_PLAN.format(year=self.year, municipality=self.municipality)

    def say(self, template: str, **fields: object) -> str:
        """A catalogue text with the edition's fields (``{year}``, ``{municipality}``,
        ``{horizon}``, ``{plan}``) and the caller's."""
        return template.format(
            year=self.year or "",
            municipality=self.municipality,
            horizon=self.horizon or "",
            plan=self.plan_name,
            **fields,
        )


def edition(plan: Plan) -> Edition:
    """The pages' view of the plan's edition (:class:`knowledge.model.Edition`, read from its document)."""
    return Edition(
        municipality=plan.edition.municipality,
        year=plan.edition.year,
        horizon=plan.edition.pdmot_horizon,
    )


def _cite(plan: Plan, section: Section) -> str:
    return texts(plan.edition).cite(section)


# Charts: the figures as text, the bars as fractions -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str
    """The figure as the document writes it."""
    fraction: float
    """Of the chart's longest bar: 0 to 1."""


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    value: str
    fraction: float
    """Of the chart's longest whole bar: 0 to 1."""


@dataclass(frozen=True, slots=True)
class StackedBar:
    label: str
    total: str
    segments: tuple[Segment, ...]


def bars(rows: Sequence[tuple[str, Decimal]]) -> tuple[Bar, ...]:
    """One bar per (label, amount), the largest amount the full length."""
    largest = max((amount for _, amount in rows), default=Decimal(0))
    return tuple(Bar(label, format_q(amount), _fraction(amount, largest)) for label, amount in rows)


def _fraction(value: Decimal, of: Decimal) -> float:
    return float(min(max(value / of, Decimal(0)), Decimal(1))) if of > 0 else 0.0


# Staff statuses as the pages show them ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StatusLine:
    """A staff-entered status: what it says, its date, its note; always shown as staff's."""

    text: str
    progress: int | None
    date: str
    note: str | None


def status_line(view: StatusView) -> StatusLine:
    return StatusLine(
        t.WEB_STATUS_LINE.format(status=status_label(view.status), progress=progress_text(view.progress)),
        view.progress,
        format_date(view.at),
        view.note,
    )


# The home page ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cited:
    """A passage of the plan and the section it stands in."""

    text: str
    source: str | None


@dataclass(frozen=True, slots=True)
class TematicaLink:
    id: str
    name: str
    line: str
    """Its eje and how many targets it has."""


@dataclass(frozen=True, slots=True)
class ZonaLink:
    number: int
    projects: int


@dataclass(frozen=True, slots=True)
class HomePage:
    title: str
    lead: str
    what: Cited | None
    objective: Cited | None
    totals: tuple[Fact, ...]
    totals_source: str | None
    projects_total: Fact | None
    """The projects table's total (the rows it adds up), with its own source."""
    projects_source: str | None
    counts: str
    zonas: tuple[ZonaLink, ...]
    tematicas: tuple[TematicaLink, ...]
    tematicas_source: str | None


def home_page(answerer: Answerer) -> HomePage:
    plan = answerer.plan
    ed = edition(plan)
    totals: list[Fact] = []
    total = plan.funding_total
    if total is not None:
        totals.extend(
            (
                Fact(ed.say(t.WEB_FUNDING_AVAILABLE), format_q(total.available)),
                Fact(t.WEB_FUNDING_INVESTMENT, format_q(total.investment)),
                Fact(t.WEB_FUNDING_OPERATING, format_q(total.operating)),
            )
        )
    in_total = [p for p in plan.projects if p.in_total]
    amount = sum((p.amount for p in in_total), Decimal(0))
    projects_total = (
        Fact(t.WEB_HOME_PROJECTS_TOTAL.format(last=len(in_total)), format_q(amount)) if in_total else None
    )
    targets = Counter(r.tematica for r in plan.targets)
    return HomePage(
        title=ed.say(t.WEB_HOME_TITLE),
        lead=ed.say(t.WEB_HOME_LEAD),
        what=_statement(plan, "poa_intro"),
        objective=_statement(plan, "poa_objective"),
        totals=tuple(totals),
        totals_source=_cite(plan, plan.funding[0].section) if plan.funding else None,
        projects_total=projects_total,
        projects_source=_cite(plan, plan.projects[0].section) if plan.projects else None,
        counts=t.WEB_HOME_COUNTS.format(
            projects=count_of(len(plan.projects), t.WEB_PROJECTS),
            tematicas=count_of(len(plan.tematicas), t.WEB_TEMATICAS),
            targets=count_of(len(plan.targets), t.WEB_TARGETS),
        ),
        zonas=tuple(ZonaLink(n, sum(1 for p in plan.projects if p.zona == n)) for n in plan.edition.zonas),
        tematicas=tuple(
            TematicaLink(
                tm.id,
                tm.name,
                t.WEB_HOME_TEMATICA_LINE.format(eje=tm.eje, targets=count_of(targets[tm.id], t.WEB_TARGETS)),
            )
            for tm in plan.tematicas
        ),
        tematicas_source=_cite(plan, plan.tematicas[0].section[:-1]) if plan.tematicas else None,
    )


def _statement(plan: Plan, statement_id: str) -> Cited | None:
    statement = plan.statement(statement_id)
    return Cited(statement.text, _cite(plan, statement.section)) if statement else None


# A zona's page ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProjectRow:
    snip: str
    name: str
    amount: str
    observation: str
    status: StatusLine | None
    """What staff recorded last, or None."""


@dataclass(frozen=True, slots=True)
class ZonaPage:
    number: int
    title: str
    projects: tuple[ProjectRow, ...]
    heading: str
    """Over the projects; or, when there are none, the sentence that says so."""
    total: str | None
    """The computed sum of its projects, said to be computed (two or more projects)."""
    chart_title: str
    chart: tuple[Bar, ...]
    other_zonas: tuple[int, ...]
    """Where the plan does list projects, when this zona has none."""
    mentions: tuple[Cited, ...]
    everywhere: tuple[Cited, ...]
    source: str | None


def zona_page(answerer: Answerer, number: int, statuses: Mapping[str, StatusView]) -> ZonaPage | None:
    """The zona's projects with their staff status, a chart of their amounts and what else of the
    plan names the zona; None for a zona the municipality does not have."""
    plan = answerer.plan
    if number not in plan.edition.zonas:
        return None
    ed = edition(plan)
    projects = [p for p in plan.projects if p.zona == number]
    rows = tuple(_project_row(p, statuses.get(p.snip)) for p in projects)
    amount = sum((p.amount for p in projects), Decimal(0))
    total = (
        t.WEB_ZONA_SUM.format(projects=count_of(len(projects), t.WEB_PROJECTS), amount=format_q(amount))
        if len(projects) > 1
        else None
    )
    source = projects[0].section if projects else plan.projects[0].section if plan.projects else None
    return ZonaPage(
        number=number,
        title=ed.say(t.WEB_ZONA_TITLE, n=number),
        projects=rows,
        heading=(t.WEB_ZONA_PROJECTS if projects else t.WEB_ZONA_NONE).format(n=number),
        total=total,
        chart_title=ed.say(t.WEB_ZONA_CHART, n=number),
        chart=bars([(f"SNIP {p.snip}", p.amount) for p in projects]),
        other_zonas=() if projects else tuple(sorted({p.zona for p in plan.projects if p.zona})),
        mentions=_mentions(answerer, (d.id for d in answerer.zona_mentions[number])),
        everywhere=_mentions(answerer, (d.id for d in answerer.every_zona)),
        source=_cite(plan, source) if source else None,
    )


def _project_row(project: Project, view: StatusView | None) -> ProjectRow:
    return ProjectRow(
        project.snip,
        project.name,
        format_q(project.amount),
        project.observation,
        status_line(view) if view is not None else None,
    )


def _mentions(answerer: Answerer, doc_ids: Iterable[str]) -> tuple[Cited, ...]:
    return tuple(
        Cited(answerer.index.by_id[doc_id].title, _source_of(answerer.plan, answerer.records[doc_id]))
        for doc_id in doc_ids
    )


def _source_of(plan: Plan, record: object) -> str | None:
    """A record's citation; a policy's item is a tuple whose first member is the policy."""
    section: Section | None = getattr(record, "section", None)
    if section is None and isinstance(record, tuple) and record:
        section = getattr(record[0], "section", None)
    return _cite(plan, section) if section else None


# A project's page -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProjectPage:
    snip: str
    zona: int | None
    card: Answer
    """The bot's own card of the project: the plan's figures."""
    status: StatusLine | None
    timeline: tuple[StatusLine, ...]
    """Staff's entries, the newest first."""
    deep_link: str | None
    """The ``/start`` payload that opens (and lets one follow) the project in the bot."""


def project_page(answerer: Answerer, snip: str, history: Sequence[StatusView]) -> ProjectPage | None:
    """``history``: the project's staff statuses, oldest first (``db.staff_store.status_history``);
    None for a SNIP the plan does not have."""
    project = answerer.plan.project(snip)
    if project is None:
        return None
    shown = [status_line(view) for view in history[-TIMELINE_SHOWN:]]
    try:
        deep_link = Action.of("proyecto", snip).deep_link()
    except ActionError:  # a SNIP no deep link can carry
        deep_link = None
    return ProjectPage(
        snip=snip,
        zona=project.zona,
        card=answerer.project_answer(snip),
        status=shown[-1] if shown else None,
        timeline=tuple(reversed(shown)),
        deep_link=deep_link,
    )


# The funding page -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FundingRow:
    source: str
    available: str
    investment: str
    operating: str


@dataclass(frozen=True, slots=True)
class FundingPage:
    title: str
    rows: tuple[FundingRow, ...]
    total: FundingRow | None
    chart_title: str
    chart: tuple[StackedBar, ...]
    source: str | None


def funding_page(plan: Plan) -> FundingPage:
    """Each source: available, and investment and operating with their shares as printed."""
    ed = edition(plan)
    largest = max((f.available for f in plan.funding), default=Decimal(0))
    rows = tuple(
        FundingRow(
            f.source,
            format_q(f.available),
            t.WEB_FUNDING_SHARE.format(amount=format_q(f.investment), pct=format_pct(f.investment_pct)),
            t.WEB_FUNDING_SHARE.format(amount=format_q(f.operating), pct=format_pct(f.operating_pct)),
        )
        for f in plan.funding
    )
    chart = tuple(
        StackedBar(
            f.source,
            format_q(f.available),
            (
                Segment(t.WEB_FUNDING_INVESTMENT, format_q(f.investment), _fraction(f.investment, largest)),
                Segment(t.WEB_FUNDING_OPERATING, format_q(f.operating), _fraction(f.operating, largest)),
            ),
        )
        for f in plan.funding
    )
    total = plan.funding_total
    return FundingPage(
        title=ed.say(t.WEB_FUNDING_TITLE),
        rows=rows,
        total=(
            FundingRow(
                t.WEB_FUNDING_TOTAL,
                format_q(total.available),
                format_q(total.investment),
                format_q(total.operating),
            )
            if total is not None
            else None
        ),
        chart_title=ed.say(t.WEB_FUNDING_CHART),
        chart=chart,
        source=_cite(plan, plan.funding[0].section) if plan.funding else None,
    )


# The targets page -------------------------------------------------------------------------------
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
UNIT = re.compile(r"\s*(%|[^\W\d_][\w³²]*)")


@dataclass(frozen=True, slots=True)
class Figure:
    """The one number of a baseline or a target ("20,915,104 m³ producidos"), and its unit."""

    value: Decimal
    unit: str | None
    """"%", the first word after the number (folded, "m³", "ha"), or None."""


@dataclass(frozen=True, slots=True)
class MeasureView:
    text: str
    """"De 85% (2021) a 95% (2032)", in the bot's words."""
    baseline_year: int | None
    target_year: int | None
    baseline: float | None
    target: float | None
    """The bar of each, as a fraction of the longer one (of 100 for percentages); None when the two
    figures are not measured alike and so are not drawn."""


@dataclass(frozen=True, slots=True)
class TargetView:
    id: str
    phrase: str
    text: str
    measures: tuple[MeasureView, ...]


@dataclass(frozen=True, slots=True)
class TematicaTargets:
    id: str
    name: str
    eje: str
    targets: tuple[TargetView, ...]
    source: str | None


@dataclass(frozen=True, slots=True)
class TargetsPage:
    title: str
    lead: str
    groups: tuple[TematicaTargets, ...]


def targets_page(plan: Plan) -> TargetsPage:
    ed = edition(plan)
    groups = []
    for tematica in plan.tematicas:
        targets = [r for r in plan.targets if r.tematica == tematica.id]
        if targets:
            groups.append(
                TematicaTargets(
                    tematica.id,
                    tematica.name,
                    tematica.eje,
                    tuple(_target_view(r) for r in targets),
                    _cite(plan, targets[0].section),
                )
            )
    return TargetsPage(ed.say(t.WEB_TARGETS_TITLE), ed.say(t.WEB_TARGETS_LEAD), tuple(groups))


def _target_view(target: Target) -> TargetView:
    phrase = measured_phrase(target.text) or target.text
    return TargetView(
        target.id,
        shorten(phrase, PHRASE_CHARS),
        target.text,
        tuple(_measure_view(m) for m in target.measures if m.baseline or m.target or m.target_year),
    )


def _measure_view(measure: Measure) -> MeasureView:
    if not (measure.baseline or measure.target):
        text = t.WEB_TARGETS_GOAL_ONLY.format(year=measure.target_year)
        return MeasureView(text, measure.baseline_year, measure.target_year, None, None)
    text = measure_text(measure.baseline, measure.baseline_year, measure.target, measure.target_year)
    drawn = measure_bars(measure.baseline, measure.target)
    return MeasureView(
        text, measure.baseline_year, measure.target_year, *(drawn if drawn is not None else (None, None))
    )


def figure(text: str | None) -> Figure | None:
    """The figure of a baseline or target that holds exactly one number; None otherwise
    ("0.58, 0.56 y 0.54", "4.3*1000 niños <5 años", no number at all)."""
    if not text:
        return None
    numbers = list(NUMBER.finditer(text))
    if len(numbers) != 1:
        return None
    try:
        value = Decimal(numbers[0].group().replace(",", ""))
    except InvalidOperation:
        return None
    unit = UNIT.match(text, numbers[0].end())
    return Figure(value, fold(unit.group(1)) if unit else None)


def measure_bars(baseline: str | None, target: str | None) -> tuple[float, float] | None:
    """The two bars of a target, as fractions: percentages of 100, other figures of the larger of
    the two. None when they are not measured alike: not one number each, a percentage against a
    count, or two different units ("0 propuestas" → "1 modelo estructurado"); a target without a
    unit ("673 personas atendidas" → "30,000") counts in the baseline's."""
    start, goal = figure(baseline), figure(target)
    if start is None or goal is None:
        return None
    percent = {start.unit == "%", goal.unit == "%"}
    if percent == {True}:
        scale = Decimal(100)
    elif percent == {False} and (start.unit is None or goal.unit is None or start.unit == goal.unit):
        scale = max(start.value, goal.value)
    else:
        return None
    if scale <= 0:
        return None
    return _fraction(start.value, scale), _fraction(goal.value, scale)


# The search page --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Link:
    label: str
    page: str
    """Relative to the explorer's root: "zona/6", "proyecto/242177", "metas#tema-seguro"."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: str
    answer: Answer | None
    links: tuple[Link, ...]
    error: str | None


def read_query(raw: str | None) -> str | None:
    """A search as typed, cleaned as every text a person sends; None when it is longer than
    :data:`QUERY_MAX` (the page says so)."""
    query = " ".join(clean_text(raw or "").split())
    return query if len(query) <= QUERY_MAX else None


def search_page(answerer: Answerer, raw: str | None) -> SearchPage:
    """The bot's answer to the search, and the explorer's pages of what it found."""
    query = read_query(raw)
    if query is None:
        return SearchPage("", None, (), t.WEB_SEARCH_TOO_LONG.format(limit=QUERY_MAX))
    if not query:
        return SearchPage("", None, (), None)
    answer = answerer.answer(query)
    return SearchPage(query, answer, links_of(answerer, answer), None)


def with_staff_status(page: SearchPage, view: StatusView | None) -> SearchPage:
    """A search that found a project, with what staff recorded of it, as the bot shows it."""
    if page.answer is None or answer_snip(page.answer) is None:
        return page
    return replace(page, answer=with_status(page.answer, view))


def links_of(answerer: Answerer, answer: Answer) -> tuple[Link, ...]:
    """The pages of an answer: its zona's, and each matched record's, once each."""
    links: dict[str, str] = {}
    page = explorer_path(answer)
    if page is not None and answer.kind == "zona":
        links[page] = answer.title
    for match in answer.matches:
        found = _page_of(answerer, match.kind, match.id)
        if found is not None:
            links.setdefault(found[1], found[0])
    return tuple(Link(label, target) for target, label in links.items())


def _page_of(answerer: Answerer, kind: str, doc_id: str) -> tuple[str, str] | None:
    """(label, page) of a matched record, when a page shows it."""
    record = answerer.records.get(doc_id)
    if kind == "project" and isinstance(record, Project):
        return t.WEB_PROJECT_TITLE.format(snip=record.snip), f"proyecto/{record.snip}"
    if kind in ("target", "tematica"):
        tematica = answerer.plan.tematica(getattr(record, "tematica", None) or record_key(doc_id))
        if tematica is not None:
            return f"{t.WEB_NAV_TARGETS}: {tematica.name}", f"metas#tema-{tematica.id}"
    if kind == "funding":
        return t.WEB_NAV_FUNDING, "financiamiento"
    return None


def explorer_path(answer: Answer) -> str | None:
    """The explorer's page of a zona's or a project's answer ("zona/6", "proyecto/242177"):
    where the bot's "Ver el plan" button opens; None for other answers."""
    if answer.kind == "zona" and answer.zona is not None:  # a zona of the plan's, even without projects
        return f"zona/{answer.zona}"
    snip = answer_snip(answer)
    return f"proyecto/{snip}" if snip is not None else None


def answer_snip(answer: Answer) -> str | None:
    """The SNIP of a project's card (its first match), or None for any other answer."""
    if answer.kind == "project" and answer.matches and answer.matches[0].kind == "project":
        return record_key(answer.matches[0].id)
    return None
