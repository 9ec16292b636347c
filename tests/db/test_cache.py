"""db.cache.Known: remembered only by the only consumer, bounded, and None is a value it knows."""

from __future__ import annotations

import pytest

from db.cache import UNKNOWN, Known


class Reads:
    """A database read that counts how often it ran and gives what the "database" holds now."""

    def __init__(self, value: str | None) -> None:
        self.value = value
        self.count = 0

    async def __call__(self) -> str | None:
        self.count += 1
        return self.value


def test_the_least_recently_used_goes_first() -> None:
    known: Known[int, str] = Known(exclusive=True, size=2)
    known.put(1, "a")
    known.put(2, "b")
    assert known.get(1) == "a"  # 2 is now the least recently used
    known.put(3, "c")
    assert (known.get(1), known.get(2), known.get(3)) == ("a", UNKNOWN, "c")
    assert len(known) == 2


def test_without_a_size_nothing_is_dropped() -> None:
    known: Known[int, int] = Known(exclusive=True)
    for key in range(1000):
        known.put(key, key)
    assert len(known) == 1000
    assert known.get(0) == 0


def test_a_process_that_is_not_the_only_consumer_remembers_nothing() -> None:
    known: Known[int, str] = Known(exclusive=False, size=10)
    known.put(1, "a")
    assert known.get(1) is UNKNOWN
    assert len(known) == 0


async def test_the_only_consumer_reads_once_and_trusts_it() -> None:
    known: Known[str, str | None] = Known(exclusive=True)
    read = Reads(None)
    assert await known.get_or_read("242177", read) is None
    read.value = "written by someone else"
    assert await known.get_or_read("242177", read) is None  # None is known, not unknown
    assert read.count == 1
    known.forget("242177")  # what a caller says after writing the row
    assert await known.get_or_read("242177", read) == "written by someone else"
    assert read.count == 2


async def test_a_shared_process_reads_every_time() -> None:
    known: Known[str, str | None] = Known(exclusive=False)
    read = Reads("a")
    assert await known.get_or_read("k", read) == "a"
    read.value = "b"
    assert await known.get_or_read("k", read) == "b"
    assert read.count == 2


def test_forgetting_by_value_and_all_at_once() -> None:
    known: Known[int, tuple[str, bool]] = Known(exclusive=True)
    known.put(1, ("h1", False))
    known.put(2, ("h2", False))
    known.put(3, ("h1", True))
    known.forget_where(lambda asked: asked[0] == "h1")
    assert (known.get(1), known.get(2), known.get(3)) == (UNKNOWN, ("h2", False), UNKNOWN)
    known.clear()
    assert known.get(2) is UNKNOWN


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Known(exclusive=True, size=0)
