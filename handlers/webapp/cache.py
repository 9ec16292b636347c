"""Rendered pages, kept by what they show: the page (its kind and arguments) and the version of
what it reads, the plan's digest and, for pages that show staff statuses, the status version.

A page's ETag is derived from the same things, so a request whose ``If-None-Match`` names it gets
304 before anything is rendered; a new plan, a status recorded or a new release of the templates
(their fingerprint) gives every page it touches a new ETag.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable

Version = tuple[str, ...]
MAX_BYTES = 4_000_000
"""Rendered pages kept at most, in bytes: every fixed page of the plan and many searches."""


class PageCache:
    def __init__(self, *, fingerprint: str, max_bytes: int = MAX_BYTES) -> None:
        self._fingerprint = fingerprint
        self._max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, tuple[Version, bytes]] = OrderedDict()
        self._bytes = 0

    def etag(self, key: Hashable, version: Version) -> str:
        text = repr((self._fingerprint, version, key))
        return f'"{hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]}"'

    def get(self, key: Hashable, version: Version) -> bytes | None:
        """The page rendered for this version; None when it was not, or for an older one."""
        kept = self._pages.get(key)
        if kept is None or kept[0] != version:
            return None
        self._pages.move_to_end(key)
        return kept[1]

    def put(self, key: Hashable, version: Version, body: bytes) -> None:
        """Keep the page (replacing an older version's); the least recently used go first."""
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        if len(body) > self._max_bytes:
            return
        self._pages[key] = (version, body)
        self._bytes += len(body)
        while self._bytes > self._max_bytes:
            _, (_, dropped) = self._pages.popitem(last=False)
            self._bytes -= len(dropped)

    @property
    def size(self) -> int:
        """Bytes of the pages kept."""
        return self._bytes


def names_etag(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weakly, as RFC 9110 compares for GET)
    or is ``*``."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False
