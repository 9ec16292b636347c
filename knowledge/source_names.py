"""How people name a funding source: "situado constitucional", "iva paz", "el IUSI", "el situado".

A source is named when the message has all of its name's own words, or one word of its name that
the plan uses nowhere else ("situado", "fonpetrol", "madera"): such a word cannot mean anything
but that source. A word the plan also uses elsewhere ("propios", "porcentaje", "circulación")
names the source only beside the rest of its name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
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
        return bool(self.words) and (self.words <= set(words) or not self.alone.isdisjoint(words))


def source_names(sources: Iterable[FundingSource], only_here: Callable[[str], bool]) -> list[SourceName]:
    """Each source's :class:`SourceName`; ``only_here(word)`` tells whether the plan uses a word in
    one record alone (for a source's own word: in its own row)."""
    names = []
    for source in sources:
        own = [w for w in TOKEN.findall(fold(source.source)) if w not in GENERIC]
        alone = frozenset(w for w in own if len(w) > 2 and only_here(w))
        names.append(SourceName(source, frozenset(own[:2]), alone))
    return names


def named_sources(names: Iterable[SourceName], words: Collection[str]) -> list[FundingSource]:
    """The sources the words name."""
    return [n.source for n in names if n.said_in(words)]
