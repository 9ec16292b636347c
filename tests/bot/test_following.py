"""Following editions loaded elsewhere stops between two checks, never in the middle of one."""

from __future__ import annotations

import asyncio
from typing import cast

from bot.editions import Following
from handlers.edition_service import Editions


class SlowCheck:
    """Stands for ``Editions``: its check takes a while, as a query under way does."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.finished = 0
        self.cancelled = 0

    async def follow(self) -> None:
        self.started.set()
        try:
            await asyncio.sleep(0.3)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1


async def test_a_check_under_way_ends_before_following_stops() -> None:
    check = SlowCheck()
    following = Following(cast(Editions, check), every=0.01)
    await asyncio.wait_for(check.started.wait(), timeout=5)

    await following.stop()

    assert check.cancelled == 0
    assert check.finished == 1  # the check that was under way, and no other after the stop


async def test_following_stops_at_once_between_checks() -> None:
    check = SlowCheck()
    following = Following(cast(Editions, check), every=60)

    await asyncio.wait_for(following.stop(), timeout=5)

    assert (check.finished, check.cancelled) == (0, 0)
