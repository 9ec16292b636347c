"""Several editions of the plan: the newest answers; a question that names an older edition's
year is answered from that edition, saying which; "¿qué cambió?" compares two editions.

An edition is kept as its JSON export, compressed (about 30 KB). Building an answerer for one
takes a few tenths of a second and about 2 MB, so it is built only when a question names its
year, and one older answerer is kept at a time (the last one asked for): the one before is let
go first, and, having no reference cycles, freed then (not by some later GC pass). The newest edition's
answers do not change when older ones are kept, except the refusal of another year's money,
which then names the years kept.

Pure: no telegram, no database.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import replace

from knowledge import catalog as t
from knowledge.answer_types import Answer
from knowledge.answers import Answerer
from knowledge.diff import PlanChanges, compare_plans, for_zona
from knowledge.diff_answer import change_answer
from knowledge.model import Plan
from knowledge.plan_json import plan_from_json, plan_to_json
from knowledge.text import fold

__all__ = ["PlanEditions"]

YEAR = re.compile(
    r"(?<![\d./-])(20\d\d)(?![\d/]|\s*(?:-|\u2013|/)\s*\d|\s+(?:a|al|hasta)\s+(?:el\s+)?20\d\d)"
)
"""A year said alone: not a period's start or end ("2023-2025", "del 2024 al 2028" name neither),
a date or a figure."""
ANY_YEAR = re.compile(r"(?<![\d.,/])(20\d\d)(?![\d/]|[.,]\d)")
"""A year, alone or in a period ("del 2023 al 2024"): what a comparison is asked between."""
RANGE_END = re.compile(r"\b20\d\d\s*(?:-|\u2013|/|\ba\b|\bal\b|\bhasta\b)\s*$")
"""Text that makes the year after it the end of a period ("del 2023 al 2025")."""
EDITION_OBJECT = (
    r"(?:(?:el|la|los|las|este|esta|mi|su)\s+)?(?:plan(?:es)?|poa|edicion(?:es)?|anos?|zona|20\d\d)\b"
)
"""What a change is asked about when "cambios" or "diferencias" asks about editions: not
"la diferencia entre lo que va a inversión y lo de funcionamiento"."""
CHANGES = re.compile(
    r"\bque\s+(?:(?:ha|han|se)\s+)?cambi(?:o|aron|ado)\b(?!\s+climatico)"
    r"|\bque\s+(?:hay|trae|viene|tiene)\s+de\s+nuevo\b"
    r"|\bnovedades\b"
    rf"|\bcambios\s+(?:hay\b|(?:del|en|de|al|entre)\s+{EDITION_OBJECT})"
    rf"|\bdiferencias?\s+(?:con|entre|del|de|en)\s+{EDITION_OBJECT}"
    r"|\b(?:comparado|comparacion|respecto)\s+(?:con|al|del)\s+(?:el\s+)?(?:ano|plan|poa)\s+(?:pasado|anterior)\b"
)
"""Asking what changed between editions (folded text). "Cambio climático" is not a change."""
ZONA = re.compile(r"\b(?:zona|z)\s*(\d{1,2})\b")


class PlanEditions:
    """The current edition's answerer and the older editions of the same municipality."""

    def __init__(self, current: Answerer, older: Mapping[int, bytes] | None = None) -> None:
        """``older``: each older POA year's compressed JSON export (:func:`compress`); the
        current edition's year, if there, is left out."""
        self.current = current
        year = current.plan.edition.year
        self._older = {y: data for y, data in (older or {}).items() if y != year}
        self._built: tuple[int, Answerer] | None = None
        self._building = threading.Lock()
        self._changes: dict[tuple[int, int, int | None], PlanChanges] = {}
        current.know_older_editions(sorted(self._older))

    @classmethod
    def of(cls, current: Answerer, plans: Iterable[tuple[int, str]]) -> PlanEditions:
        """From the kept editions' JSON texts, by year (``db.plan_store.kept_editions``)."""
        return cls(current, {year: zlib.compress(text.encode("utf-8")) for year, text in plans})

    @property
    def older_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._older))

    def with_current(self, answerer: Answerer) -> PlanEditions:
        """The editions once ``answerer``'s plan is the current one: the previous current edition
        is kept as an older one when it is of the same municipality and an earlier year."""
        new, old = answerer.plan.edition, self.current.plan.edition
        if fold(new.municipality) != fold(old.municipality):
            return PlanEditions(answerer)
        older = dict(self._older)
        if old.year < new.year:
            older[old.year] = compress(self.current.plan)
        return PlanEditions(answerer, older)

    def with_older(self, plan: Plan) -> PlanEditions:
        """The editions with ``plan`` kept as an older one (replacing the one of its year)."""
        return PlanEditions(self.current, {**self._older, plan.edition.year: compress(plan)})

    # --- answering --------------------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        """The current edition's answer, unless the question asks what changed between editions
        or names an older edition's year: then that comparison, or the older edition's answer
        under a line saying which edition it comes from."""
        folded = fold(question)
        if not self._older:
            if CHANGES.search(folded):
                return self._only_one_edition(question, folded)
            return self.current.answer(question)
        pair = self._compared(folded)
        if pair is not None:
            return self._changes_asked(folded, pair)
        older = [y for y in self._kept_years_named(folded) if y in self._older]
        if not older:
            return self.current.answer(question)
        return self._from_older(older[0], question)

    def needs_building(self, question: str) -> bool:
        """Whether answering ``question`` builds an older edition's answerer first (a few tenths
        of a second of CPU: the caller may do it off its event loop with :meth:`prepare`)."""
        year = self._older_year_asked(question)
        return year is not None and (self._built is None or self._built[0] != year)

    def prepare(self, question: str) -> None:
        """Build the answerer ``question`` will need (see :meth:`needs_building`)."""
        year = self._older_year_asked(question)
        if year is not None:
            self._answerer_of(year)

    def changes_page(self, args: tuple[str, ...]) -> Answer | None:
        """A page of what changed from the newest older edition to the current one, as the
        summary's buttons name it (``cambios:2``, ``cambios:zona:7:2``); None when there is no
        older edition, or no such page or zona."""
        if not self._older:
            return None
        *where, page = args
        zona = int(where[1]) if where else None
        if zona is not None and zona not in self.current.plan.edition.zonas:
            return None
        old = max(self._older)
        return self._change_answer(old, self.current.plan.edition.year, zona, int(page))

    def _older_year_asked(self, question: str) -> int | None:
        if not self._older:
            return None
        folded = fold(question)
        pair = self._compared(folded)
        years = self._kept_years_named(folded) if pair is None else list(pair)
        return next((y for y in years if y in self._older), None)

    def _compared(self, folded: str) -> tuple[int, int] | None:
        """The two editions (old, new) a question asks to compare: the two years it names ("¿qué
        cambió del 2023 al 2024?", "presupuesto 2024 y 2025"), the one it names and the current
        ("¿qué cambió desde 2023?"), else the newest older one and the current; None when it
        asks no comparison."""
        if CHANGES.search(folded):
            years = self._kept_years_named(folded, alone=False)
        else:
            years = self._kept_years_named(folded)
            if len(years) < 2:
                return None
        current = self.current.plan.edition.year
        if len(years) > 1:
            return min(years), max(years)
        if years and years[0] in self._older:
            return years[0], current
        return max((y for y in self._older if y < current), default=min(self._older)), current

    def _kept_years_named(self, folded: str, *, alone: bool = True) -> list[int]:
        """The kept editions' years the question names, in its order, each once: said alone,
        or (not ``alone``) also as a period's start or end."""
        kept = {*self._older, self.current.plan.edition.year}
        named: list[int] = []
        for match in (YEAR if alone else ANY_YEAR).finditer(folded):
            year = int(match.group(1))
            if year in named or year not in kept:
                continue
            if not alone or not RANGE_END.search(folded[: match.start()]):
                named.append(year)
        return named

    def _from_older(self, year: int, question: str) -> Answer:
        answer = self._answerer_of(year).answer(question)
        note = t.EDITION_OLDER_NOTE.format(
            older=t.EDITION_LABEL.format(year=year),
            current=t.EDITION_LABEL.format(year=self.current.plan.edition.year),
        )
        # Its buttons would open the current edition's records and pages: left out.
        return replace(answer, lines=(note, *answer.lines), follow_ups=())

    def _only_one_edition(self, question: str, folded: str) -> Answer:
        """ "¿Qué cambió?" with no other edition to compare with: say so; when the question names
        a zona, what the plan has there follows (a resident asking "¿qué hay de nuevo en la zona
        7?" wants to know what there is)."""
        label = t.EDITION_LABEL.format(year=self.current.plan.edition.year)
        note = t.CHANGES_ONE_EDITION.format(label=label)
        if self._zona_named(folded) is None:
            return Answer(
                t.CHANGES_ONE_EDITION_TITLE,
                lines=(note,),
                confident=False,
                kind="one_edition",
                follow_ups=self.current.menu(),
            )
        answer = self.current.answer(question)
        return replace(answer, lines=(note, *answer.lines))

    def _zona_named(self, folded: str) -> int | None:
        zonas = self.current.plan.edition.zonas
        return next((int(z) for z in ZONA.findall(folded) if int(z) in zonas), None)

    def _changes_asked(self, folded: str, pair: tuple[int, int]) -> Answer:
        old, new = pair
        answer = self._change_answer(old, new, self._zona_named(folded), 1)
        assert answer is not None  # a summary always has its first page
        if pair != (max(self._older), self.current.plan.edition.year):
            answer = replace(answer, follow_ups=())  # page buttons name the default pair only
        return answer

    def _change_answer(self, old: int, new: int, zona: int | None, page: int) -> Answer | None:
        key = (old, new, zona)
        changes = self._changes.get(key)
        if changes is None:
            changes = compare_plans(self._plan_of(old), self._plan_of(new))
            if zona is not None:
                changes = for_zona(changes, zona)
            self._changes[key] = changes
        labels = t.EDITION_LABEL.format(year=old), t.EDITION_LABEL.format(year=new)
        return change_answer(changes, *labels, page)

    def _plan_of(self, year: int) -> Plan:
        if year == self.current.plan.edition.year:
            return self.current.plan
        built = self._built
        if built is not None and built[0] == year:
            return built[1].plan
        return expand(self._older[year])

    def _answerer_of(self, year: int) -> Answerer:
        with self._building:
            built = self._built
            if built is None or built[0] != year:
                # The one kept is let go first, so that two older answerers never coexist (an
                # answerer has no reference cycles: it is freed here, not by a later GC pass).
                self._built = built = None
                self._built = built = (year, Answerer(expand(self._older[year])))
            return built[1]


def compress(plan: Plan) -> bytes:
    """A plan as its compressed JSON export: how an older edition is kept in memory."""
    text = json.dumps(plan_to_json(plan), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"))


def expand(data: bytes) -> Plan:
    return plan_from_json(json.loads(zlib.decompress(data)))
