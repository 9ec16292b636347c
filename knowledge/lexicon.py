"""Common Spanish words, so that typo correction leaves real words alone.

Typo correction (:meth:`knowledge.search.SearchIndex.correct`) maps a query word to the plan
word it most likely means ("vasura" → "basura"). Without knowing which words are Spanish, it
also turned real words into plan words: "¿cómo saco mi DPI?" became a question about Sacoj. A
word in this lexicon is taken as written.

The words come from wordfreq's Spanish list (``large``), folded like :func:`knowledge.text.fold`
(lower case, no accents; the frequencies of "colchón" and "colchon" are added up), keeping the
words of :data:`MIN_LENGTH` letters or more whose Zipf frequency is at least :data:`MIN_ZIPF`.
The cut-off matters both ways: wordfreq's list is drawn from the web and subtitles and carries
frequent misspellings as "words" ("sero" 2.0, "proyeto" 1.2, "seguirdad" 1.3), which must
still be corrected, while the rarest words to keep ("colchon" 3.7, "cubicos" 3.4) are well
above it. Zipf 3 (once per million words) has room on both sides. The price of the rule: a
misspelling that is itself a common word is taken as that word ("poso", 3.3, for "pozo").

wordfreq's whole list costs ~56 MB resident, more than the bot's memory budget leaves, so it is
used only at build time (``python -m knowledge.lexicon build``, wordfreq is in the ``dev``
extra). The bot loads the committed result, ``knowledge/data/spanish-words.npy``: a sorted
array of 64-bit BLAKE2b hashes of the words (~33k words, ~260 KB on disk and in memory; a
Python set of the same words takes ~4 MB). Membership is a binary search. A false positive
needs a 64-bit collision: for a list this size, under one in 10^14 per word looked up.
"""

from __future__ import annotations

import argparse
import array
import bisect
import hashlib
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from knowledge.text import fold

MIN_ZIPF = 3.0
"""Lowest Zipf frequency (log10 of occurrences per billion words) of a kept folded word."""
MIN_LENGTH = 4
"""Shorter words are never corrected (see ``SearchIndex._correct_uncached``), so not stored."""
WORDLIST = "large"
DATA_FILE = "spanish-words.npy"
WORD_FORM = re.compile(r"[a-z]+")
"""Query words are ``[a-z0-9]+`` tokens; words with digits are never corrected."""


def word_hash(word: str) -> int:
    """A stable 64-bit hash of a folded word (Python's ``hash`` changes between processes)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def hash_array(words: Iterable[str]) -> np.ndarray:
    """The sorted, unique uint64 hashes of ``words``: the stored form of a lexicon."""
    return np.unique(np.fromiter((word_hash(w) for w in words), dtype=np.uint64))


class Lexicon:
    """A set of folded words stored as the sorted array of their hashes.

    The hashes are kept in an ``array.array`` and searched with :mod:`bisect`: about 1 µs a
    lookup, hash included, where ``numpy.searchsorted`` with a Python int above 2^63 takes 10 µs.
    """

    __slots__ = ("_hashes",)

    def __init__(self, hashes: np.ndarray) -> None:
        if hashes.dtype != np.uint64 or hashes.ndim != 1:
            raise ValueError(f"expected a 1-d uint64 array, got {hashes.dtype} with shape {hashes.shape}")
        if len(hashes) > 1 and not bool(np.all(hashes[1:] > hashes[:-1])):
            raise ValueError("lexicon hashes must be sorted and unique")
        self._hashes = array.array("Q")
        self._hashes.frombytes(np.ascontiguousarray(hashes, dtype="=u8").data.cast("B"))  # one copy, not two

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = word_hash(word)
        at = bisect.bisect_left(self._hashes, key)
        return at < len(self._hashes) and self._hashes[at] == key

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def hashes(self) -> np.ndarray:
        """The stored hashes, as a read-only numpy view (no copy)."""
        view = np.frombuffer(self._hashes, dtype=np.uint64)
        view.flags.writeable = False
        return view


def data_path() -> Path:
    """Where the committed lexicon lives in the source tree (what ``build`` writes)."""
    return Path(__file__).resolve().parent / "data" / DATA_FILE


def load(path: Path | None = None) -> Lexicon:
    """The lexicon in ``path``, or the one shipped with the package."""
    if path is not None:
        return Lexicon(np.load(path, allow_pickle=False))
    with resources.files("knowledge").joinpath("data", DATA_FILE).open("rb") as fh:
        return Lexicon(np.load(fh, allow_pickle=False))


@cache
def spanish_words() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return load()


def folded_zipf(frequencies: dict[str, float]) -> dict[str, float]:
    """Zipf frequency of each folded word of length ≥ :data:`MIN_LENGTH`, accent variants added
    up; rounded to wordfreq's own precision (centibels), so words that sit exactly at the cut-off
    do not depend on floating-point noise."""
    folded: dict[str, float] = defaultdict(float)
    for word, frequency in frequencies.items():
        key = fold(word)
        if len(key) >= MIN_LENGTH and WORD_FORM.fullmatch(key):
            folded[key] += frequency
    return {w: round(math.log10(f) + 9, 2) for w, f in folded.items() if f > 0}


def common_words(min_zipf: float = MIN_ZIPF) -> list[str]:
    """The folded Spanish words to keep, from wordfreq (imported here: build time only)."""
    import wordfreq

    zipf = folded_zipf(wordfreq.get_frequency_dict("es", wordlist=WORDLIST))
    return sorted(w for w, z in zipf.items() if z >= min_zipf)


def build(path: Path | None = None) -> np.ndarray:
    """Rebuild the lexicon from wordfreq and write it to ``path`` (the committed file)."""
    hashes = hash_array(common_words())
    target = path or data_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    np.save(target, hashes, allow_pickle=False)
    return hashes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.lexicon", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="rebuild the data file from wordfreq")
    build_cmd.add_argument("--output", type=Path, default=None, help=f"default: knowledge/data/{DATA_FILE}")
    check_cmd = commands.add_parser("check", help="is the committed data file what wordfreq gives?")
    check_cmd.add_argument("word", nargs="*", help="also say whether these words are in the lexicon")
    args = parser.parse_args(argv)
    if args.command == "build":
        hashes = build(args.output)
        target = args.output or data_path()
        print(f"{target}: {len(hashes)} words (zipf ≥ {MIN_ZIPF}), {target.stat().st_size} bytes")
        return 0
    lexicon = spanish_words()
    for word in args.word:
        print(f"{word}: {'in the lexicon' if fold(word) in lexicon else 'not in the lexicon'}")
    same = bool(np.array_equal(hash_array(common_words()), lexicon.hashes))
    verdict = "matches" if same else "DIFFERS from"
    print(f"{len(lexicon)} words; {verdict} wordfreq {WORDLIST} at zipf ≥ {MIN_ZIPF}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
