"""Charts are drawn in one child process, all of the plan's at once, the first time one is asked."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import handlers.charts as charts
from handlers.charts import ChartError, chart_png
from handlers.context import BotData
from knowledge.charts import chart_specs
from knowledge.ingest import load_bundled_plan

Specs = dict[str, dict[str, Any]]


class DrawingSpy:
    """Counts the real child-process drawings."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.real = charts.draw_in_child

    async def __call__(self, specs: Specs) -> dict[str, bytes]:
        self.calls.append(sorted(specs))
        return await self.real(specs)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> DrawingSpy:
    drawing = DrawingSpy()
    monkeypatch.setattr(charts, "draw_in_child", drawing)
    return drawing


@pytest.fixture(scope="module")
def specs() -> Specs:
    return chart_specs(load_bundled_plan())


def test_the_plan_offers_funding_and_each_zona_with_projects(specs: Specs) -> None:
    assert sorted(specs) == ["funding", "zona-1", "zona-10", "zona-2", "zona-4", "zona-5", "zona-6"]
    assert {r["snip"] for r in specs["zona-6"]["rows"]} <= {p.snip for p in load_bundled_plan().projects}


async def test_one_drawing_serves_every_chart_and_everyone_waiting(spy: DrawingSpy, specs: Specs) -> None:
    data = BotData()
    keys = ["zona-6", "zona-6", "funding", "zona-10", "zona-6"]
    pngs = await asyncio.gather(*(chart_png(data, key, specs) for key in keys))
    assert spy.calls == [sorted(specs)]
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert pngs[0] == pngs[1] == pngs[4]
    assert len({pngs[0], pngs[2], pngs[3]}) == 3
    await chart_png(data, "zona-1", specs)  # drawn already: no second process
    assert len(spy.calls) == 1


async def test_an_unknown_chart_is_an_error(spy: DrawingSpy, specs: Specs) -> None:
    with pytest.raises(ChartError, match="zona-3"):
        await chart_png(BotData(), "zona-3", specs)
    assert len(spy.calls) == 1


async def test_a_failed_drawing_fails_everyone_waiting_and_is_tried_again(
    spy: DrawingSpy, specs: Specs
) -> None:
    data = BotData()
    bad = {"funding": {"chart": "pie", "rows": []}}
    results = await asyncio.gather(
        *(chart_png(data, "funding", bad) for _ in range(3)), return_exceptions=True
    )
    assert len(spy.calls) == 1
    assert all(isinstance(r, ChartError) for r in results)
    png = await chart_png(data, "funding", specs)
    assert png.startswith(b"\x89PNG")
    assert len(spy.calls) == 2
