"""A bounded memory of a method's results that does not keep its object alive.

``lru_cache(maxsize=n)(self.method)`` stored on ``self`` is a reference cycle (the object holds
the cache, the cache holds the bound method, the bound method holds the object): such an object
is freed only by the garbage collector's passes, not when its last reference goes. An older
edition's answerer is dropped each time a question names another year (``knowledge.editions``);
with the cycle, every one built stayed resident until a full pass (about 1.6 MB each:
``bench/editions.py``).

Pure: no telegram, no database.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from functools import _lru_cache_wrapper, lru_cache
from typing import TypeVar

__all__ = ["remembered"]

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def remembered(method: Callable[[K], R], maxsize: int) -> _lru_cache_wrapper[R]:
    """``lru_cache(maxsize=maxsize)(method)`` for a bound ``method``, holding its object weakly
    (the result has ``cache_clear``, ``cache_info``)."""
    weak = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def call(argument: K) -> R:
        bound = weak()
        if bound is None:  # only a caller that kept the memory and dropped its object gets here
            raise ReferenceError("the object of a remembered method is gone")
        return bound(argument)

    return lru_cache(maxsize=maxsize)(call)
