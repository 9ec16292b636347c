"""How people name a funding source: "situado constitucional", "iva paz", "el IUSI", "el situado".

A source is named when the message has all of its name's own words, or one word of its name that
the plan uses nowhere else ("situado", "fonpetrol", "madera"): such a word cannot mean anything
but that source. A word the plan also uses elsewhere ("propios", "porcentaje", "circulación")
names the source only beside the rest of its name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from knowledge.model import FundingSource
from knowledge.text import TOKEN, fold

GENERIC = frozenset({"fondos", "ingresos", "impuesto", "de", "del", "la", "a", "y"})
"""Words of source names that name no source by themselves."""


@dataclass(frozen=True, slots=True)
class SourceName:
    source: FundingSource
    words: frozenset[str]
    """The name's own words, as people say them (its first two words without the generic ones)."""
    alone: frozenset[str]
    """The name's words that the plan uses for this source only."""

    def said_in(self, words: Collection[str]) -> bool:
        said = words if isinstance(words, (set, frozenset)) else set(words)
        return bool(self.words) and (self.words <= said or not self.alone.isdisjoint(said))


class SourceNames:
    """Every source's :class:`SourceName`, found from a message's words without walking them all
    (a plan may list hundreds of sources)."""

    def __init__(self, sources: Iterable[FundingSource], only_here: Callable[[str], bool]) -> None:
        """``only_here(word)`` tells whether the plan uses a word in one record alone (for a
        source's own word: in its own row)."""
        self._names: list[SourceName] = []
        self._by_word: dict[str, list[int]] = defaultdict(list)
        """Each word to the positions of the names it is part of."""
        for source in sources:
            own = [w for w in TOKEN.findall(fold(source.source)) if w not in GENERIC]
            alone = frozenset(w for w in own if len(w) > 2 and only_here(w))
            name = SourceName(source, frozenset(own[:2]), alone)
            for word in name.words | name.alone:
                self._by_word[word].append(len(self._names))
            self._names.append(name)

    def __iter__(self) -> Iterator[SourceName]:
        return iter(self._names)

    def named_in(self, words: Collection[str]) -> list[FundingSource]:
        """The sources the words name, in the plan's order."""
        return [n.source for n in self.names_in(words)]

    def names_in(self, words: Collection[str]) -> list[SourceName]:
        """The names the words say, in the plan's order."""
        said = set(words)
        candidates = sorted({n for w in said for n in self._by_word.get(w, ())})
        return [self._names[n] for n in candidates if self._names[n].said_in(said)]
