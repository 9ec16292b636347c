"""Whole lists of the plan (problems, actors, laws, projects …), the part of one a question
picks, and its pages.

A list's members are the index documents of its kind (``knowledge.kinds.LISTS``); a question's
other words filter them by coverage, as search does, and what it leaves out ("aparte del
código municipal") is left out. A page is about one Telegram message of items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import numpy as np

from knowledge import catalog as t
from knowledge.answer_types import (
    Answer,
    Fact,
    FollowUp,
    Line,
    Match,
    format_pct,
    format_q,
    join_words,
    shorten,
    with_lead,
)
from knowledge.catalog import EditionTexts
from knowledge.documents import list_documents
from knowledge.influence import short_name
from knowledge.kinds import LISTS, PlanView, kind_of
from knowledge.model import LEAD_IN, Actor, FundingSource, Plan, Project, Tematica
from knowledge.question import (
    EXCLUSION,
    Ask,
    ShareAsked,
    amount_threshold,
    ask_phrases,
    excluded_words,
    filler_stems,
    filler_words,
    influence_filter,
    influence_words,
    member_words,
    plan_names,
    share_asked,
    share_holds,
)
from knowledge.search import Doc, Query, SearchIndex, analyze
from knowledge.text import (
    TOKEN,
    content_words,
    find_years,
    fold,
    has_phrase,
    phrases_in,
    stem,
    vocabulary,
    words,
)

PAGE_CHARS = 4600
"""A page of a list is at most about one Telegram message of items (4,096 characters; the
renderer splits a page into two messages when its title, lead and source add to it): a list of
50 short lines comes whole, the 128 lines of action in pages with buttons."""
MAX_PAGE_ITEMS = 60
PASSAGE_END = re.compile(r"(?<=[.;])\s+|,\s+(?=en donde|donde|en ese sentido)")
PASSAGE_CHARS = 240
"""A member's passage that has the words asked: a sentence (or its clause), at most this long."""
INFLUENCE_NAMES_SHOWN = 6  # more names than this do not fit on the first screen
ENDING_WORDS = (
    *("terminan", "termina", "terminen", "finalizan", "finaliza", "acaban", "acaba", "concluyen"),
    *("siguen hasta", "van hasta", "duran hasta", "llegan hasta"),
)
"""Words that, with a year, pick the projects whose period ends then."""
FILTER_COVERAGE = 0.5
EXCLUDED_COVERAGE = 0.9
PARENT_NAMED = 0.75
PARENT_MIN_WORDS = 3
"""A record above a list's members is named when the question says this share of its wording
(of at least this many words)."""
"""A member is left out when it has all the words left out ("aparte del código municipal" keeps
the Código de Salud)."""


class Lists:
    """The list-answering half of :class:`knowledge.answers.Answerer` (a mixin: it reads the
    answerer's plan, view and index)."""

    plan: Plan
    view: PlanView
    texts: EditionTexts
    index: SearchIndex
    records: dict[str, object]
    by_kind: dict[str, list[Doc]]
    budget_years: frozenset[int]
    _whole_pages: dict[str, list[list[Doc]]]
    _last_pages: tuple[tuple[str, tuple[str, ...]] | None, list[list[Doc]]]
    _influence_picks: dict[tuple[str, tuple[str, ...]], frozenset[str]]
    _parents: dict[str, list[tuple[str, frozenset[str]]]]
    _member_rows_above: dict[str, dict[str, tuple[int, ...]]]
    _headings: dict[str, frozenset[str]]
    above: dict[str, tuple[str, ...]]
    municipality_stems: frozenset[str]
    tematica_stems: tuple[tuple[str, frozenset[str]], ...]
    tematica_phrases: tuple[tuple[Tematica, str], ...]

    def list_answer(self, list_id: str, filter_query: Query | None = None, folded: str = "") -> Answer:
        """A whole list of the plan, or the part of it the question's other words select."""
        level, dimensions = influence_filter(folded) if list_id == "actors" else (None, ())
        members = self._members(list_id, filter_query, folded)
        if not members and level is not None:  # "¿a quién le hace caso …, quiénes tienen más peso?"
            members = self._members(list_id, None, folded)  # words that pick no actor were chatter
        everything = self._members_of(list_id)
        answer = self._list_of_docs(list_id, members or everything, page=1)
        if members and filter_query is not None:  # "¿qué categoría sacó en el ranking?": where each says it
            answer = self._with_the_passages_asked(list_id, members, filter_query, answer)
        lead: Line | None = None
        bound = amount_threshold(folded) if list_id == "projects" else None
        if level is not None and members:
            lead = self._influence_lead(members, len(everything), level, dimensions)
        elif bound is not None:
            side = t.ABOVE if bound[0] else t.BELOW
            template = t.PROJECTS_BOUND if members else t.PROJECTS_BOUND_NONE
            lead = template.format(
                n=len(members), total=len(everything), side=side, amount=format_q(bound[1])
            )
        elif (filter_query is not None and filter_query.sources) or self._period_years(folded):
            sources = filter_query.sources if filter_query is not None else ()
            words = " ".join([*sources, *map(str, self._period_years(folded))])
            noun = LISTS[list_id].noun
            if not members:
                lead = t.LIST_FILTER_EMPTY.format(noun=noun, words=words)
            elif len(members) < len(everything):
                lead = t.LIST_FILTERED.format(n=len(members), total=len(everything), noun=noun, words=words)
        excluded = excluded_words(folded)
        if excluded and members:
            left = t.LIST_EXCLUDED.format(
                n=len(members), total=len(everything), noun=LISTS[list_id].noun, words=excluded
            )
            lead = f"{lead} {left}" if isinstance(lead, str) else left
        answer = with_lead(answer, lead) if lead else answer
        return replace(answer, asks="list")

    def sources_by_share(self, share: ShareAsked) -> Answer:
        """The funding sources whose share to a part meets the bound, with that share; when none
        does, the one that comes nearest leads and every source follows, largest share first."""
        sources = sorted(self.plan.funding, key=lambda s: -_share_of(s, share.part))
        chosen = [s for s in sources if share_holds(share, _share_of(s, share.part))]
        part = t.SHARE_PART[share.part]
        bound = t.SHARE_BOUND[share.relation].format(pct=format_pct(share.pct))
        if chosen:
            lead = t.SHARE_FOUND.format(n=len(chosen), total=len(sources), bound=bound, part=part)
        else:
            top = sources[0]
            pct = format_pct(_share_of(top, share.part))
            lead = t.SHARE_NONE.format(total=len(sources), bound=bound, part=part, source=top.source, pct=pct)
        items = tuple(
            t.SHARE_LINE.format(
                source=s.source,
                pct=format_pct(_share_of(s, share.part)),
                part=part,
                amount=format_q(s.investment if share.part == "investment" else s.operating),
                available=format_q(s.available),
            )
            for s in (chosen or sources)
        )
        whole = self._list_of_docs("funding", self._members_of("funding"), page=1)
        return replace(whole, lines=(lead,), items=items, asks="list")

    def shares_answer(self, part: str) -> Answer | None:
        """ "¿qué porcentaje va a funcionamiento?": the total's share, computed from the plan's
        totals and labelled so, then every source's share as the plan prints it."""
        total = self.plan.funding_total
        if total is None or not total.available:
            return None
        amount = total.investment if part == "investment" else total.operating
        pct = (amount * 100 / total.available).quantize(Decimal("0.01"))
        lead = t.SHARE_OF_TOTAL.format(
            total=format_q(total.available),
            amount=format_q(amount),
            part=t.SHARE_PART[part],
            pct=format_pct(pct),
        )
        shown = self.sources_by_share(ShareAsked(part, "ge", Decimal(0)))
        return replace(shown, lines=(lead,))

    def list_page(self, list_id: str, filter_key: str | None, page: int) -> Answer | None:
        """A page of a whole list (its buttons carry ``lista:<list_id>:<page>``)."""
        if list_id not in LISTS or filter_key is not None or page < 1:
            return None
        members = self._members_of(list_id)
        if page > len(self._pages(list_id, members)):
            return None
        return self._list_of_docs(list_id, members, page=page)

    def _pages(self, list_id: str, docs: Sequence[Doc]) -> list[list[Doc]]:
        """The list cut into pages of at most :data:`PAGE_CHARS` characters of items (a whole
        list's pages are cut once)."""
        whole = list(docs) == self._members_of(list_id)  # the whole list in its own order, not a reordering
        if whole and list_id in self._whole_pages:
            return self._whole_pages[list_id]
        key = (list_id, tuple(d.id for d in docs))
        if not whole and self._last_pages[0] == key:  # one answer cuts its list, then reads its first page
            return self._last_pages[1]
        pages: list[list[Doc]] = [[]]
        size = 0
        for doc in docs:
            length = len(self._line(doc)) + 3
            if pages[-1] and (size + length > PAGE_CHARS or len(pages[-1]) >= MAX_PAGE_ITEMS):
                pages.append([])
                size = 0
            pages[-1].append(doc)
            size += length
        if whole:
            self._whole_pages[list_id] = pages
        else:
            self._last_pages = (key, pages)
        return pages

    def _with_the_passages_asked(
        self, list_id: str, members: list[Doc], filter_query: Query, answer: Answer
    ) -> Answer:
        """A member's line cut before the words the question filtered by shows instead the
        sentence of the member's text that has them ("… la municipalidad se posicionó en la
        categoría media …")."""
        asked = {stem(s) for s in filter_query.sources}
        shown = self._pages(list_id, members)[0]
        items = list(answer.items)
        for n, doc in enumerate(shown[: len(items)]):
            line = items[n]
            text = getattr(self.records[doc.id], "text", None)
            if not isinstance(text, str) or not line.endswith("…"):
                continue  # a record with no text of its own (a project) has no passage to show
            if asked & {stem(w) for w in content_words(line)}:
                continue
            for sentence in PASSAGE_END.split(text):
                if asked & {stem(w) for w in content_words(sentence)}:
                    items[n] = t.LIST_LINE_PASSAGE.format(
                        name=doc.title, passage=shorten(sentence, PASSAGE_CHARS)
                    )
                    break
        return replace(answer, items=tuple(items))

    def _line(self, doc: Doc, *, bare: bool = False) -> str:
        kind = kind_of(doc.kind)
        line = (kind.bare_line if bare else None) or kind.line
        return line(self.view, self.records[doc.id], doc)

    def _shared_parent(self, docs: Sequence[Doc]) -> str | None:
        """The one record right above several members (their strategic line), if they share one."""
        parents = {self.above.get(d.id, (None,))[0] for d in docs}
        if len(docs) < 2 or len(parents) != 1:
            return None
        parent = next(iter(parents))
        return (
            parent
            if parent in self.index.by_id and self.index.by_id[parent].kind == "strategic_line"
            else None
        )

    def _shared_tematica(self, docs: Sequence[Doc]) -> str | None:
        """The one temática of several members whose lines would each name it, if they share one."""
        if len(docs) < 2 or any(kind_of(d.kind).bare_line is None for d in docs):
            return None
        tematicas = {d.tematica for d in docs}
        return next(iter(tematicas)) if len(tematicas) == 1 and None not in tematicas else None

    def _influence_lead(self, members: list[Doc], total: int, level: str, dimensions: tuple[str, ...]) -> str:
        """ "4 de los 52 actores tienen influencia alta en la toma de decisiones: …": the count,
        and the names themselves when they fit on a phone's first screen."""
        where = " y ".join(t.INFLUENCE_WHERE[d] for d in dimensions)
        lead = t.ACTORS_BY_INFLUENCE.format(
            n=len(members), total=total, level=t.INFLUENCE_LEVEL.get(level, level), where=where
        )
        if len(members) > INFLUENCE_NAMES_SHOWN:
            return f"{lead}:"
        names = [short_name(d.title) for d in members]
        return f"{lead}: {join_words(names)}."

    def _members(self, list_id: str, filter_query: Query | None, folded: str) -> list[Doc]:
        """The members the question picks: by influence, period, what it leaves out and its other
        words (coverage of them, as search measures it)."""
        everything = self._members_of(list_id)
        position = self.index.position
        if list_id == "actors":
            level, dimensions = influence_filter(folded)
            if level is not None:
                picked = self._actors_with_influence(level, dimensions)
                everything = [d for d in everything if d.id in picked]
        bound = amount_threshold(folded) if list_id == "projects" else None
        if bound is not None:  # "¿qué proyectos pasan de 3 millones?"
            above, amount = bound
            return [d for d in everything if (self._project_of(d).amount > amount) == above]
        ending = has_phrase(folded, ENDING_WORDS)
        if list_id == "projects" and ending and find_years(folded):  # "¿qué proyectos terminan este 2024?"
            end_years = set(find_years(folded))
            return [
                d for d in everything if (period := self._project_of(d).period) and period[1] in end_years
            ]
        years = self._period_years(folded) if list_id == "projects" else []
        if years:  # "proyectos multianuales 2023-2025": the projects whose period names those years
            everything = [
                d for d in everything if all(str(y) in self._project_of(d).observation for y in years)
            ]
        share = share_asked(folded) if list_id == "funding" else None
        if share is not None:  # "¿qué fuentes van 100% a inversión?"
            return [d for d in everything if share_holds(share, _share_of(self.records[d.id], share.part))]
        excluded = excluded_words(folded)
        if excluded:  # "¿qué otras leyes, aparte del código municipal?"
            left_out = self.index.coverage(analyze(excluded, self.index))
            everything = [d for d in everything if left_out[position[d.id]] < EXCLUDED_COVERAGE]
        if filter_query is None or not filter_query.sources:
            return everything
        parent = self._parent_named(list_id, filter_query)
        if parent is not None:  # "¿qué acciones trae la línea de garantizar … la seguridad vial?"
            return [d for d in everything if parent in self.above.get(d.id, ())]
        tematica = self._tematica_named(filter_query)
        if tematica is not None and any(d.tematica for d in everything):
            return [d for d in everything if d.tematica == tematica]  # "líneas de Mixco ordenado, …"
        coverages = [self.index.coverage(q) for q in (filter_query, *_alternatives(filter_query))]
        covered = set(
            np.flatnonzero(np.logical_or.reduce([c >= FILTER_COVERAGE for c in coverages])).tolist()
        )
        rows = self._rows_with_above(list_id)
        chosen = {d.id for d in everything if not covered.isdisjoint(rows[d.id])}
        if len(coverages) > 2 and len(chosen) > 1:  # "apoyo técnico y financiero": who has both first
            sides = coverages[1:]
            everything = sorted(
                everything, key=lambda d: -sum(c[position[d.id]] >= FILTER_COVERAGE for c in sides)
            )
        named = {word_key(w) for w in member_words(list_id) if has_phrase(folded, (w,))}
        if not chosen and named:  # "secretarías de gobierno": the part of the list its name says
            chosen = {d.id for d in everything if named & {word_key(w) for w in content_words(d.title)}}
        return [d for d in everything if d.id in chosen]

    def _parent_named(self, list_id: str, filter_query: Query) -> str | None:
        """The record above the list's members that the question names by (nearly) its whole
        wording: a strategic line above its lines of action."""
        said = {stem(s) for s in filter_query.sources}
        best: tuple[float, str] | None = None
        for parent, wording in self._parents_wording(list_id):
            share = len(wording & said) / len(wording) if len(wording) >= PARENT_MIN_WORDS else 0.0
            if share >= PARENT_NAMED and (best is None or share > best[0]):
                best = (share, parent)
        return best[1] if best else None

    def _parents_wording(self, list_id: str) -> list[tuple[str, frozenset[str]]]:
        """The records above a list's members, each with the stems of its title but the
        municipality's name (worked out once per list)."""
        kept = self._parents.get(list_id)
        if kept is None:
            parents = {a for d in self._members_of(list_id) for a in self.above.get(d.id, ())}
            kept = [
                (parent, frozenset(stem(w) for w in content_words(doc.title)) - self.municipality_stems)
                for parent in sorted(parents)
                if (doc := self.index.by_id.get(parent)) is not None
            ]
            self._parents[list_id] = kept
        return kept

    def _rows_with_above(self, list_id: str) -> dict[str, tuple[int, ...]]:
        """Each member's index row with the rows of the records above it (worked out once per
        list): the filter describes a member or a record above it (a line of action under the
        objective the question names)."""
        kept = self._member_rows_above.get(list_id)
        if kept is None:
            position = self.index.position
            kept = {
                d.id: (position[d.id], *(position[a] for a in self.above.get(d.id, ()) if a in position))
                for d in self._members_of(list_id)
            }
            self._member_rows_above[list_id] = kept
        return kept

    def _actors_with_influence(self, level: str, dimensions: tuple[str, ...]) -> frozenset[str]:
        """The actors with that influence in one of those places (worked out once per ask)."""
        key = (level[:3], dimensions)
        picked = self._influence_picks.get(key)
        if picked is None:
            picked = frozenset(
                d.id
                for d in self._members_of("actors")
                if _actor_has_influence(self.records[d.id], level, dimensions)
            )
            self._influence_picks[key] = picked
        return picked

    def _tematica_said(self, folded: str) -> Tematica | None:
        """The temática a text names by its whole name ("Mixco seguro"), the longest if several."""
        text = f" {' '.join(words(folded))} "
        named = [tem for tem, name in self.tematica_phrases if name in text]
        return max(named, key=lambda tem: len(tem.name)) if named else None

    def _tematica_named(self, filter_query: Query) -> str | None:
        """The temática whose name the filter words are ("Mixco ordenado, conectado y
        resiliente"), if any: its whole name, or most of its own words and at least two."""
        said = self._tematica_said(filter_query.folded)
        if said is not None:
            return said.id
        asked = {stem(s) for s in filter_query.sources} - self.municipality_stems
        if len(asked) < 2:
            return None
        for tematica_id, name in self.tematica_stems:
            if len(asked & name) * 3 >= len(asked) * 2 and len(asked & name) >= 2:
                return tematica_id
        return None

    def _list_of_docs(self, list_id: str, docs: list[Doc], *, page: int) -> Answer:
        cut = self._pages(list_id, docs)
        pages = len(cut)
        shown = cut[page - 1] if page <= pages else []
        lines: list[Line] = []
        follow: list[FollowUp] = []
        shared = self._shared_tematica(docs)
        if shared is not None:
            lines.append(t.LIST_ALL_OF_TEMATICA.format(tematica=self.view.tematica_name(shared)))
        parent = self._shared_parent(docs)
        if parent is not None:  # "Coadyuvar y apoyar acciones del SESAN.": what its lines serve
            lines.append(t.LIST_UNDER_LINE.format(line=self.index.by_id[parent].title))
        items = tuple(self._line(d, bare=shared is not None) for d in shown)
        if list_id == "projects" and len(docs) == len(self.plan.projects):
            lines.extend(self._projects_total_lines())
            follow = [
                FollowUp(t.BTN_ZONA.format(n=z), f"zona:{z}")
                for z in sorted({p.zona for p in self.plan.projects if p.zona})
            ]
        elif list_id == "funding" and self.plan.funding_total:
            total = self.plan.funding_total
            lines = [
                Fact(self.texts.FACT_AVAILABLE, format_q(total.available)),
                Fact(t.FACT_INVESTMENT, format_q(total.investment)),
                Fact(t.FACT_OPERATING, format_q(total.operating)),
            ]
        elif list_id == "tematicas":
            follow = [FollowUp(tm.name, f"tema:{tm.id}") for tm in self.plan.tematicas]
        elif list_id == "actors":
            lines.append(t.ACTOR_LINE_NOTE)
        if pages > 1:
            lines.append(t.LIST_PAGE.format(page=page, pages=pages))
            if page > 1:
                follow.append(
                    FollowUp(t.BTN_BACK.format(page=page - 1, pages=pages), f"lista:{list_id}:{page - 1}")
                )
            if page < pages:
                follow.append(
                    FollowUp(t.BTN_MORE.format(page=page + 1, pages=pages), f"lista:{list_id}:{page + 1}")
                )
        first = self.records[docs[0].id] if docs else None
        section = getattr(first, "section", ()) if first is not None else ()
        if list_id in ("tematicas", "targets") and section:
            section = section[:-1]
        return Answer(
            self.texts.LIST_TITLES[list_id],
            tuple(lines),
            items,
            tuple(follow),
            self.texts.cite(section) if section else None,
            matches=tuple(Match(d.id, d.kind, d.title, 1.0) for d in shown[:5]),
            kind=f"list:{list_id}",
            asks="list",
        )

    def _projects_total_lines(self) -> list[Line]:
        in_total = [p for p in self.plan.projects if p.in_total]
        total = format_q(self.view.projects_total())
        lines: list[Line] = [t.PROJECTS_TOTAL.format(last=len(in_total), total=total)]
        lines.extend(
            t.PROJECT_NAMED_AFTER_TOTAL.format(snip=p.snip, total=total)
            for p in self.plan.projects
            if not p.in_total
        )
        if len(in_total) < len(self.plan.projects):
            every = sum((p.amount for p in self.plan.projects), Decimal(0))
            lines.append(t.PROJECTS_ALL_SUM.format(n=len(self.plan.projects), total=format_q(every)))
        return lines

    def _ejes_answer(self) -> Answer:
        section = self.plan.tematicas[0].section[:-1] if self.plan.tematicas else ()
        items = tuple(
            f"{eje}: {', '.join(tm.name for tm in self.plan.tematicas if tm.eje == eje)}"
            for eje in self.plan.ejes
        )
        return Answer(
            self.texts.LIST_TITLES["ejes"],
            (t.EJES_LINE.format(n=len(self.plan.ejes)),),
            items,
            (FollowUp(t.BTN_TEMATICAS, "lista:tematicas"),),
            self.texts.cite(section) if section else None,
            kind="list:ejes",
            asks="list",
        )

    def _filter_query(self, query: Query, ask: Ask) -> Query | None:
        """The question without the words that name the list, ask for it or only introduce it:
        what is left filters the list ("proyectos de agua" → "agua"). Words of the list's own
        section heading, and words every member's text has ("eje" of the POM's lines), describe
        every member, so they filter nothing."""
        folded = query.corrected  # "desiciones": the words as meant, so that they are dropped
        drop = set(ask.list_words) | set(phrases_in(folded, plan_names()))
        for kind in ("list", "count", "sum", "max", "min", "who", "when", "status"):
            drop.update(phrases_in(folded, ask_phrases(kind)))
        level, _ = influence_filter(folded)
        if level is not None:
            drop.update(influence_words())
        text = f" {' '.join(TOKEN.findall(folded))} "
        excluded = excluded_words(folded)
        if excluded:  # the words left out, and the words that leave them out, filter nothing
            text = EXCLUSION.sub(" ", text.replace(f" {excluded} ", f" {excluded} | ", 1)).replace("|", " ")
        for phrase in sorted(drop, key=len, reverse=True):
            text = text.replace(f" {phrase} ", " ")
        rest = analyze(text, self.index)
        generic = set(filler_words())
        if ask.list_id in ("funding", "projects"):  # money words do not pick sources or projects
            generic |= set(vocabulary().intents["budget"]) | set(vocabulary().intents["money"])
        heading = self._heading_keys(ask.list_id)
        sources = tuple(
            s
            for s in rest.sources
            if s not in generic
            and stem(s) not in filler_stems()
            and word_key(s) not in heading
            and (self.index.knows(stem(s)) or vocabulary().synonyms.get(s))
        )
        if not sources:
            return None
        kept = set(sources)  # the dropped words' terms would count toward coverage as well
        return replace(rest, sources=sources, terms=tuple(term for term in rest.terms if term.source in kept))

    def _heading_keys(self, list_id: str | None) -> frozenset[str]:
        if list_id not in LISTS:
            return frozenset()
        if list_id not in self._headings:
            self._headings[list_id] = self._heading_keys_uncached(list_id)
        return self._headings[list_id]

    def _heading_keys_uncached(self, list_id: str) -> frozenset[str]:
        sections = [getattr(self.records[d.id], "section", ()) for d in self._members_of(list_id)]
        common: tuple[str, ...] = sections[0] if sections else ()
        for section in sections[1:]:
            n = 0
            while n < min(len(common), len(section)) and common[n] == section[n]:
                n += 1
            common = common[:n]
        words = list_documents(self.plan.edition).get(list_id, ("", ""))[1]
        lead_in = self.plan.statement(LEAD_IN.format(list_id=list_id))
        opening = lead_in.text if lead_in else ""
        own = " ".join([*common[-1:], self.texts.LIST_TITLES[list_id], words, opening])
        members = [
            {word_key(w) for w in content_words(f"{d.title} {d.text}")} for d in self._members_of(list_id)
        ]
        in_every_member = set.intersection(*members) if len(members) > 1 else set()
        return frozenset(word_key(w) for w in content_words(own) if len(w) > 3) | in_every_member

    def _period_years(self, folded: str) -> list[int]:
        """Years a question names that pick members (not the budget year every figure is for)."""
        return [y for y in find_years(folded) if y not in self.budget_years]

    def _project_of(self, doc: Doc) -> Project:
        project = self.records[doc.id]
        assert isinstance(project, Project)
        return project

    def _members_of(self, list_id: str) -> list[Doc]:
        return self.by_kind.get(LISTS[list_id].doc_kind, [])

    def _filtered_projects(self, query: Query, ask: Ask) -> list[Project]:
        members = self._members("projects", self._filter_query(query, ask), query.corrected)
        return [self._project_of(d) for d in members]


CONJUNCTION = re.compile(r" (?:y|o|e|u|ni|tambien|ademas) ")


def _alternatives(filter_query: Query) -> list[Query]:
    """ "problemas de agua y basura", "perforar o construir pozos": each side of a conjunction
    also filters on its own (the list is their union)."""
    fixed = filter_query.corrections
    chosen = set(filter_query.sources)
    parts = [
        [w for w in TOKEN.findall(part) if fixed.get(w, w) in chosen]
        for part in CONJUNCTION.split(f" {' '.join(TOKEN.findall(filter_query.folded))} ")
    ]
    if len(parts) < 2:
        return []
    for n in range(len(parts) - 1):  # "perforar o construir pozos": both may be about the pozos
        if len(parts[n]) == 1 and len(parts[n + 1]) > 1:
            parts.append([*parts[n], *parts[n + 1][1:]])  # … and "medio ambiente y aguas residuales" not
    found = []
    for part in parts:
        said = {fixed.get(w, w) for w in part}
        sources = tuple(s for s in filter_query.sources if s in said)
        if sources and len(sources) < len(filter_query.sources):
            terms = tuple(term for term in filter_query.terms if term.source in sources)
            found.append(replace(filter_query, sources=sources, terms=terms))
    return found


def _share_of(source: object, part: str) -> Decimal:
    """A source's share to a part, in percent; the plan leaves a 0 % cell blank."""
    assert isinstance(source, FundingSource)
    return source.operating_pct if part == "operating" else source.investment_pct


def _actor_has_influence(actor: object, level: str, dimensions: tuple[str, ...]) -> bool:
    assert isinstance(actor, Actor)
    values = {"decisions": actor.influence_decisions, "implementation": actor.influence_implementation}
    return any(fold(values[d])[:3] == level[:3] for d in dimensions)


def word_key(word: str) -> str:
    """Folded words that share their first five letters are taken as one ("valida", "validacion")."""
    return word[:5]
