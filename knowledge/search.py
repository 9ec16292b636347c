"""Typo-tolerant Spanish search over the plan.

Every record of the plan becomes a :class:`Doc`. A query is analysed once (:func:`analyze`):
entities (zonas, SNIPs, years), intents, out-of-scope phrases and weighted search terms —
words corrected against the index vocabulary with rapidfuzz, stemmed, and widened with the
local synonyms. Documents are ranked with BM25 over stems, titles counted twice; rare
words weigh more than common ones by construction. ``coverage`` says how much of what the
person asked the best document explains, which is what confidence rests on.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.lexicon import spanish_words
from knowledge.memo import remembered
from knowledge.text import (
    MAX_SPOKEN_ZONA,
    NUMBER_WORDS,
    TOKEN,
    ZonaMention,
    content_words,
    expand_shorthand,
    find_snips,
    find_years,
    find_zonas,
    fold,
    intents_in,
    is_stop_word,
    phonetic,
    stem,
    vocabulary,
    words,
)

K1 = 1.2
B = 0.5
TITLE_WEIGHT = 2
SYNONYM_WEIGHT = 0.6
FAMILY_WEIGHT = 0.7
"""Weight of a plan stem of the same word family as the question's ("construir" → construcción)."""
MIN_FAMILY_STEM = 6
MAX_FAMILY_SUFFIX = 5
SIBLING_PREFIX = 8
MAX_SIBLING_SUFFIX = 2
"""Two stems are siblings when they share their first 8 letters and one is cut at most 2 letters
after where they part ("president" / "presidencial")."""
MAX_FAMILIES_KEPT = 4096
UNKNOWN_WEIGHT = 0.45
TITLE_BONUS = 1.0
"""A record whose own title says what was asked ranks above one that only mentions it."""
MIN_TYPO_SCORE = 80.0
# Records that carry the plan's figures answer more questions than the prose around them.
KIND_PRIOR = {
    "target": 1.3,
    "project": 1.3,
    "funding": 1.2,
    "funding_total": 1.2,
    "tematica": 1.3,
    "list": 1.1,
    "statement": 1.1,
    "actor": 1.1,
    "law": 1.1,
    "problem": 0.85,
    "potentiality": 0.85,
    "action_line": 0.9,
    "pom_line": 0.8,
    "strategic_line": 0.9,
    "policy": 1.1,
}
KIND_BOOST = {
    "money": ("funding", "funding_total", "project", "list"),
    "target": ("target",),
    "problem": ("problem",),
    "potentiality": ("potentiality",),
}

SCORED_KEPT = 2  # the latest scorings kept: a search and the coverage of the same words (more cost at 100x)


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable record. ``key`` points back to the plan record (see answers)."""

    id: str
    kind: str
    title: str
    text: str
    key: str
    zonas: tuple[int, ...] = ()
    tematica: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    stem: str
    weight: float
    source: str
    """The query word this term comes from; synonyms share their word's source."""


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    folded: str
    zonas: tuple[ZonaMention, ...]
    snips: tuple[str, ...]
    years: tuple[int, ...]
    intents: frozenset[str]
    out_of_scope: bool
    terms: tuple[Term, ...]
    sources: tuple[str, ...]
    """The meaningful query words (after typo correction) that confidence is measured on."""
    corrections: dict[str, str] = field(default_factory=dict)
    stands_for: frozenset[str] = frozenset()
    """The plan words the question's local words stand for ("impuesto de las casas" → iusi)."""

    @property
    def corrected(self) -> str:
        """The folded text with its misspelt words corrected ("q potencialidades tiene")."""
        if not self.corrections:
            return self.folded
        return TOKEN.sub(lambda m: self.corrections.get(m.group(0), m.group(0)), self.folded)


@dataclass(frozen=True, slots=True)
class Hit:
    doc: Doc
    score: float
    coverage: float


class SearchIndex:
    """An inverted index over the plan's documents; built once, read-only afterwards.

    Each stem's postings are two numpy arrays: document numbers and that stem's BM25
    contribution to each document (idf and length normalisation folded in at build time), so a
    query costs a few vector additions however large the plan grows.
    """

    def __init__(
        self,
        docs: Iterable[Doc],
        *,
        neutral: Callable[[str], str] | None = None,
        last_zona: int = MAX_SPOKEN_ZONA,
    ) -> None:
        """``neutral``: how a document's words are read before they are indexed (the answerer
        says the municipality's own name as ``knowledge.edition.OWN_MUNICIPALITY``, as it reads
        questions, so that "Nueva" of "Villa Nueva" in every record matches no "nuevo" asked).
        ``last_zona``: the municipality's last zona ("aquí en la 14" names a zona up to it)."""
        self.docs: list[Doc] = list(docs)
        self.neutral: Callable[[str], str] = neutral or _as_it_is
        self.last_zona = last_zona
        self._scored: dict[
            tuple[tuple[Term, ...], tuple[str, ...]], tuple[np.ndarray, np.ndarray, np.ndarray]
        ] = {}
        self.by_id: dict[str, Doc] = {d.id: d for d in self.docs}
        self.position: dict[str, int] = {d.id: n for n, d in enumerate(self.docs)}
        counts, surface = self._count_stems()
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avg_length = float(lengths.mean()) if len(lengths) else 1.0
        norms = K1 * (1 - B + B * lengths / avg_length)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for n, doc_counts in enumerate(counts):
            for s, c in doc_counts.items():
                postings[s].append((n, c))
        total = len(self.docs) or 1
        self.idf = {s: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for s, p in postings.items()}
        self.max_idf = math.log(1 + (total + 0.5) / 0.5)
        # All postings in three flat arrays (a stem's slice: its documents and their BM25
        # contributions); one small array per stem would cost ~110 bytes of header each.
        self._slot: dict[str, int] = {}
        self._offsets = np.zeros(len(postings) + 1, dtype=np.int64)
        self._ids = np.empty(sum(len(p) for p in postings.values()), dtype=np.int32)
        self._contributions = np.empty(len(self._ids), dtype=np.float64)
        at = 0
        for slot, (s, pairs) in enumerate(postings.items()):
            ids = np.fromiter((n for n, _ in pairs), dtype=np.int32, count=len(pairs))
            tf = np.fromiter((c for _, c in pairs), dtype=np.float64, count=len(pairs))
            self._ids[at : at + len(ids)] = ids
            self._contributions[at : at + len(ids)] = self.idf[s] * tf * (K1 + 1) / (tf + norms[ids])
            at += len(ids)
            self._slot[s] = slot
            self._offsets[slot + 1] = at
        title_postings: dict[str, list[int]] = defaultdict(list)
        for n, doc in enumerate(self.docs):
            for title_stem in {stem(w) for w in words(self.neutral(doc.title))}:
                title_postings[title_stem].append(n)
        self._sorted_stems = sorted(self._slot)
        self._families: dict[str, tuple[str, ...]] = {}
        self._title_slot = {s: n for n, s in enumerate(title_postings)}
        self._title_offsets = np.cumsum([0, *(len(v) for v in title_postings.values())], dtype=np.int64)
        self._title_ids = np.fromiter(
            (n for ids in title_postings.values() for n in ids),
            dtype=np.int32,
            count=int(self._title_offsets[-1]),
        )
        self.prior = np.array([KIND_PRIOR.get(d.kind, 1.0) for d in self.docs], dtype=np.float64)
        self.intent_boost = {
            intent: np.array([1.5 if d.kind in kinds else 1.0 for d in self.docs], dtype=np.float64)
            for intent, kinds in KIND_BOOST.items()
        }
        synonyms = vocabulary().synonyms
        self.known_words: list[str] = sorted(
            w for w in surface | {w for k in synonyms for w in k.split()} if len(w) > 2 and not w.isdigit()
        )
        self._known = frozenset(self.known_words)
        self._by_sound: dict[str, str] = {}
        for word in sorted(self.known_words, key=lambda w: (-self.idf.get(stem(w), 0.0), w)):
            self._by_sound[phonetic(word)] = word  # the commonest spelling of a sound wins
        for number_word, number in NUMBER_WORDS.items():  # "sero" → "cero", which is indexed as 0
            if len(number_word) > 3:
                self._by_sound.setdefault(phonetic(number_word), str(number))
        self._spanish = spanish_words()
        self._correct = remembered(self._correct_uncached, 4096)

    def _count_stems(self) -> tuple[list[dict[str, int]], set[str]]:
        counts: list[dict[str, int]] = []
        surface: set[str] = set()
        for doc in self.docs:
            title_words = words(self.neutral(doc.title))
            body_words = words(self.neutral(doc.text))
            surface.update(title_words, body_words)
            doc_counts: dict[str, int] = defaultdict(int)
            for w in title_words:
                doc_counts[stem(w)] += TITLE_WEIGHT
            for w in body_words:
                doc_counts[stem(w)] += 1
            counts.append(doc_counts)
        return counts, surface

    def weight(self, term_stem: str) -> float:
        """How much a word counts: its IDF; a word the plan never uses counts a bit less than the
        rarest plan word (people add words the plan has no use for)."""
        return self.idf.get(term_stem, UNKNOWN_WEIGHT * self.max_idf)

    def family_weight(self, term_stem: str) -> float:
        """A word counts as much as the commonest word of its family: "construir" is rare in the
        plan, but "construcción" is in most projects' names."""
        return min([self.weight(term_stem), *(self.weight(r) for r in self.related_stems(term_stem))])

    def related_stems(self, term_stem: str) -> tuple[str, ...]:
        """The plan's stems of the same word family: one extends the other by a suffix the
        stemmer leaves ("constru" of construir, "construccion"; "deport" of deporte,
        "deportiv")."""
        if len(term_stem) < MIN_FAMILY_STEM:
            return ()
        known = self._families.get(term_stem)
        if known is not None:
            return known
        related = []
        at = bisect.bisect_left(self._sorted_stems, term_stem)
        for other in self._sorted_stems[at:]:
            if not other.startswith(term_stem):
                break
            if other != term_stem and len(other) - len(term_stem) <= MAX_FAMILY_SUFFIX:
                related.append(other)
        for cut in range(MIN_FAMILY_STEM, len(term_stem)):
            shorter = term_stem[:cut]
            if len(term_stem) - cut <= MAX_FAMILY_SUFFIX and shorter in self._slot:
                related.append(shorter)
        related.extend(self._siblings(term_stem, related))
        family = tuple(related)
        if len(self._families) < MAX_FAMILIES_KEPT:  # bounded: questions bring words of their own
            self._families[term_stem] = family
        return family

    def _siblings(self, term_stem: str, found: list[str]) -> list[str]:
        """The plan's stems that share a long beginning with ``term_stem`` and end in short
        suffixes both ("president" of presidencia, "presidencial": the stemmer rewrites
        "-encia" as "-ente" but leaves "-encial")."""
        if len(term_stem) <= SIBLING_PREFIX:
            return []
        prefix = term_stem[:SIBLING_PREFIX]
        siblings = []
        at = bisect.bisect_left(self._sorted_stems, prefix)
        for other in self._sorted_stems[at:]:
            if not other.startswith(prefix):
                break
            common = _shared_length(term_stem, other)
            if (
                other != term_stem
                and other not in found
                and len(term_stem) - common <= MAX_SIBLING_SUFFIX
                and len(other) - common <= MAX_FAMILY_SUFFIX
                and common < min(len(term_stem), len(other))  # neither extends the other
            ):
                siblings.append(other)
        return siblings

    def knows(self, term_stem: str) -> bool:
        return term_stem in self._slot

    def posting(self, term_stem: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The documents a stem occurs in and its BM25 contribution to each (views, no copy)."""
        slot = self._slot.get(term_stem)
        if slot is None:
            return None
        start, end = self._offsets[slot], self._offsets[slot + 1]
        return self._ids[start:end], self._contributions[start:end]

    def _known_posting(self, term_stem: str) -> tuple[np.ndarray, np.ndarray]:
        posting = self.posting(term_stem)
        if posting is None:
            raise KeyError(term_stem)
        return posting

    def title_docs(self, term_stem: str) -> np.ndarray | None:
        """The documents whose title has the stem."""
        slot = self._title_slot.get(term_stem)
        if slot is None:
            return None
        return self._title_ids[self._title_offsets[slot] : self._title_offsets[slot + 1]]

    def correct(self, word: str) -> str:
        """The index word a misspelt query word most likely means ("vasura" → "basura")."""
        return self._correct(word)

    def _correct_uncached(self, word: str) -> str:
        """A plan word stays; so does a real Spanish word, however close to a plan word it is or
        sounds ("saco" is not "Sacoj", "precio" is not "prescrito"); only a word that is neither is
        corrected, by sound first ("vasura" → "basura"), then by spelling ("presupuezto")."""
        if word in self._known or word.isdigit() or len(word) < 4:
            return word
        if word in self._spanish:
            return word
        same_sound = self._by_sound.get(phonetic(word))
        if same_sound is not None:
            return same_sound
        if self.knows(stem(word)):
            return word  # another form of a word the plan uses ("proyectos" for "proyecto")
        cutoff = MIN_TYPO_SCORE if len(word) >= 6 else 85.0
        found = process.extractOne(word, self.known_words, scorer=fuzz.ratio, score_cutoff=cutoff)
        return found[0] if found else word

    def _score(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """BM25 score, coverage (share of the question's weight the document explains) and title
        coverage (the same, counting only the title's own words) of every document.

        Answering one question scores the same words several times (the list, its filter, the
        record it may name): the latest few are kept, read-only."""
        key = (query.terms, query.sources)
        scored = self._scored.get(key)
        if scored is None:
            scored = self._score_uncached(query)
            for array in scored:
                array.flags.writeable = False
            if len(self._scored) >= SCORED_KEPT:
                del self._scored[next(iter(self._scored))]  # the oldest
            self._scored[key] = scored
        return scored

    def _score_uncached(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        size = len(self.docs)
        scores: np.ndarray = np.zeros(size)
        coverage: np.ndarray = np.zeros(size)
        title_coverage: np.ndarray = np.zeros(size)
        stem_weight: dict[str, float] = {}
        stems_of_source: dict[str, set[str]] = defaultdict(set)
        for term in query.terms:
            if term.stem in self._slot:
                stem_weight[term.stem] = max(stem_weight.get(term.stem, 0.0), term.weight)
                stems_of_source[term.source].add(term.stem)
        if not stem_weight:
            return scores, coverage, title_coverage
        # Each sum is one bincount over the postings laid end to end, in the order the terms
        # come: the same additions in the same order as one per term, without a pass per term.
        postings = {s: self._known_posting(s) for s in stem_weight}
        ids = np.concatenate([docs for docs, _ in postings.values()])
        weighted = np.concatenate([w * postings[s][1] for s, w in stem_weight.items()])
        scores = np.bincount(ids, weights=weighted, minlength=size)
        total_weight = sum(self.family_weight(stem(s)) for s in query.sources) or 1.0
        shares = np.array([self.family_weight(stem(source)) / total_weight for source in stems_of_source])
        # a document counts a source once, whichever of its stems it has
        covered = [
            postings[next(iter(source_stems))][0]
            if len(source_stems) == 1
            else np.unique(np.concatenate([postings[s][0] for s in source_stems]))
            for source_stems in stems_of_source.values()
        ]
        coverage = np.bincount(
            np.concatenate(covered), weights=np.repeat(shares, [len(c) for c in covered]), minlength=size
        )
        titled = [
            (docs, n)
            for n, source in enumerate(stems_of_source)
            if (docs := self.title_docs(stem(source))) is not None
        ]
        if titled:
            title_ids = np.concatenate([t for t, _ in titled])
            title_shares = np.concatenate([np.full(len(t), shares[n]) for t, n in titled])
            title_coverage = np.bincount(title_ids, weights=title_shares, minlength=size)
        return scores, coverage, title_coverage

    def scores(self, query: Query) -> dict[str, float]:
        """Raw BM25 score of every matching document, by id (for re-ordering a known set)."""
        raw, _, _ = self._score(query)
        return {self.docs[n].id: float(raw[n]) for n in np.flatnonzero(raw)}

    def coverage(self, query: Query) -> np.ndarray:
        """How much of the question's weight each document explains (by document number)."""
        _, coverage, _ = self._score(query)
        return coverage

    def search(self, query: Query, limit: int = 10) -> list[Hit]:
        raw, coverage, title_coverage = self._score(query)
        candidates = np.flatnonzero(raw)  # only the documents with a word asked are ranked
        final = (
            raw[candidates]
            * (0.5 + coverage[candidates])
            * (1 + TITLE_BONUS * title_coverage[candidates])
            * self.prior[candidates]
        )
        for intent in sorted(query.intents):  # in a fixed order: products in another may differ
            boost = self.intent_boost.get(intent)
            if boost is not None:
                final *= boost[candidates]
        if len(candidates) > limit:
            keep = np.argpartition(-final, limit - 1)[:limit]
            candidates, final = candidates[keep], final[keep]
        ranked = sorted(
            zip(candidates.tolist(), final.tolist(), coverage[candidates].tolist(), strict=True),
            key=lambda row: (-row[1], self.docs[row[0]].id),
        )
        return [Hit(self.docs[n], score, covered) for n, score, covered in ranked]


def _shared_length(one: str, other: str) -> int:
    """How many letters two words share from their start."""
    for n, (a, b) in enumerate(zip(one, other, strict=False)):
        if a != b:
            return n
    return min(len(one), len(other))


def _as_it_is(text: str) -> str:
    return text


def analyze(text: str, index: SearchIndex) -> Query:
    """Read a question: entities, intents, out-of-scope marks and weighted terms."""
    vocab = vocabulary()
    folded = expand_shorthand(fold(text))
    zonas = find_zonas(folded, index.last_zona)
    without_zonas = _blank_spans(folded, [z.span for z in zonas])
    snips = find_snips(without_zonas)
    years = find_years(without_zonas)
    intents = intents_in(folded)
    out_of_scope = vocab.out_of_scope_in(folded)
    corrections: dict[str, str] = {}
    sources: list[str] = []
    all_words: list[str] = []
    for word in words(without_zonas):
        if is_stop_word(word):
            all_words.append(word)
            continue
        if word in snips or (word.isdigit() and int(word) in years):
            continue
        fixed = index.correct(word)
        if fixed != word:
            corrections[word] = fixed
        sources.append(fixed)
        all_words.append(fixed)
    if corrections:  # "presupusto 2025": the corrected words mark what is asked too
        corrected = " ".join(all_words)
        intents |= intents_in(corrected)
    terms = [Term(stem(s), 1.0, s) for s in sources]
    terms.extend(Term(r, FAMILY_WEIGHT, s) for s in sources for r in index.related_stems(stem(s)))
    synonym_terms, stands_for = _synonym_terms(" ".join(all_words), sources)
    terms.extend(synonym_terms)
    terms.extend(Term(str(y), 0.5, str(y)) for y in years)
    return Query(
        text=text,
        folded=folded,
        zonas=tuple(zonas),
        snips=tuple(snips),
        years=tuple(years),
        intents=intents,
        out_of_scope=out_of_scope,
        terms=tuple(terms),
        sources=tuple(dict.fromkeys(sources)),
        corrections=corrections,
        stands_for=stands_for,
    )


def _synonym_terms(corrected: str, sources: list[str]) -> tuple[list[Term], frozenset[str]]:
    """Plan words a person's words stand for ("pisto" → dinero, monto …), at a lower weight.

    Keys are matched as phrases over all the words, stop words included ("cosas buenas", "no le
    alcanza"); a phrase made only of stop words becomes a source of its own, so that what it
    stands for counts toward coverage. ``sources`` is extended in place in that case.
    """
    out: list[Term] = []
    targets_said: set[str] = set()
    padded = f" {corrected} "
    by_first_word = _synonyms_by_first_word()
    keys = sorted(entry for word in set(corrected.split()) for entry in by_first_word.get(word, ()))
    for synonym in keys:
        if f" {synonym.key} " not in padded:
            continue
        owners = [w for w in synonym.key.split() if w in sources]
        if not owners:
            owners = [synonym.key]
            sources.append(synonym.key)
        for owner in owners:  # every word of the phrase is explained by what it stands for
            out.extend(Term(target_stem, SYNONYM_WEIGHT, owner) for target_stem in synonym.target_stems)
        targets_said.update(synonym.target_words)
    return out, frozenset(targets_said)


@dataclass(frozen=True, order=True)
class _Synonym:
    place: int
    """Its place in the vocabulary's order, which is the order its terms are added in."""
    key: str
    target_words: tuple[str, ...]
    """The content words of what it stands for, in order."""
    target_stems: tuple[str, ...]


@cache
def _synonyms_by_first_word() -> dict[str, list[_Synonym]]:
    """The synonyms by the first word of their key (only the keys whose first word was said are
    tried), with the words they stand for read once."""
    by_first_word: dict[str, list[_Synonym]] = defaultdict(list)
    for place, (key, targets) in enumerate(vocabulary().synonyms.items()):
        target_words = tuple(w for target in targets for w in content_words(target))
        synonym = _Synonym(place, key, target_words, tuple(stem(w) for w in target_words))
        by_first_word[key.split(" ", 1)[0]].append(synonym)
    return dict(by_first_word)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
