"""Charts are drawn in a child process: once per chart however many ask at once, two at a time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import handlers.charts as charts
from handlers.charts import ChartError, chart_png
from handlers.context import CHARTS_DRAWN_AT_ONCE, BotData
from knowledge.charts import zona_spec
from knowledge.ingest import load_bundled_plan


class DrawingSpy:
    """Counts the real child-process drawings and how many ran at the same time."""

    def __init__(self) -> None:
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.real = charts.draw_in_child

    async def __call__(self, spec: dict[str, Any]) -> bytes:
        self.calls += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            return await self.real(spec)
        finally:
            self.running -= 1


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> DrawingSpy:
    drawing = DrawingSpy()
    monkeypatch.setattr(charts, "draw_in_child", drawing)
    return drawing


def spec_for(zona: int) -> dict[str, Any]:
    plan = load_bundled_plan()
    return zona_spec(zona, [p for p in plan.projects if p.zona == zona])


async def test_many_asking_for_one_chart_share_one_drawing(spy: DrawingSpy) -> None:
    data = BotData()
    pngs = await asyncio.gather(*(chart_png(data, "zona:6", spec_for(6)) for _ in range(10)))
    assert spy.calls == 1
    assert pngs[0].startswith(b"\x89PNG")
    assert all(png == pngs[0] for png in pngs)
    assert data.charts_drawing == {}  # nothing left once drawn: a later request draws anew
    await chart_png(data, "zona:6", spec_for(6))
    assert spy.calls == 2


async def test_at_most_two_charts_are_drawn_at_once(spy: DrawingSpy) -> None:
    data = BotData()
    keys = [6, 10, 1, 2]
    pngs = await asyncio.gather(*(chart_png(data, f"zona:{z}", spec_for(z)) for z in keys))
    assert spy.calls == len(keys)
    assert spy.most_at_once == CHARTS_DRAWN_AT_ONCE
    assert len(set(pngs)) == len(keys)


async def test_a_failed_drawing_fails_everyone_waiting_and_is_not_kept(spy: DrawingSpy) -> None:
    data = BotData()
    bad = {"chart": "pie", "rows": []}
    results = await asyncio.gather(*(chart_png(data, "bad", bad) for _ in range(3)), return_exceptions=True)
    assert spy.calls == 1
    assert all(isinstance(r, ChartError) for r in results)
    assert data.charts_drawing == {}
