"""Charts as PNG bytes: funding by source, and a zona's project amounts.

The bot draws them in a short-lived child process (``python -m knowledge.charts`` reads a JSON
object of specs by key on stdin and writes a JSON object of base64 PNGs by the same keys), so
matplotlib never enters the bot's memory and loads once for all the plan's charts; only
matplotlib's object API is used (a ``Figure`` with the Agg canvas, no pyplot state).
"""

from __future__ import annotations

import base64
import io
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from knowledge.catalog import texts
from knowledge.model import FundingSource, Plan, Project

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def funding_spec(funding: Sequence[FundingSource], title: str) -> dict[str, Any]:
    rows = [
        {"source": f.source, "investment": float(f.investment), "operating": float(f.operating)}
        for f in funding
    ]
    return {"chart": "funding", "title": title, "rows": rows}


def zona_spec(zona: int, projects: Sequence[Project], title: str) -> dict[str, Any]:
    return {
        "chart": "zona",
        "zona": zona,
        "title": title,
        "rows": [{"snip": p.snip, "amount": str(p.amount)} for p in projects],
    }


def chart_specs(plan: Plan) -> dict[str, dict[str, Any]]:
    """Every chart the bot offers for this plan, by the key it is kept under: "funding" and
    "zona-N" for each zona with projects; titled for the plan's edition."""
    said = texts(plan.edition)
    specs = {"funding": funding_spec(plan.funding, said.CHART_FUNDING_TITLE)}
    for zona in sorted({p.zona for p in plan.projects if p.zona is not None}):
        projects = [p for p in plan.projects if p.zona == zona]
        specs[f"zona-{zona}"] = zona_spec(zona, projects, said.CHART_ZONA_TITLE.format(zona=zona))
    return specs


def draw_all(specs: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    return {key: draw(spec) for key, spec in specs.items()}


def draw(spec: dict[str, Any]) -> bytes:
    """The PNG for a spec made by :func:`funding_spec` or :func:`zona_spec`."""
    if spec.get("chart") == "funding":
        return _funding_png(
            str(spec["title"]), [(r["source"], r["investment"], r["operating"]) for r in spec["rows"]]
        )
    if spec.get("chart") == "zona":
        return _zona_png(str(spec["title"]), [(r["snip"], Decimal(r["amount"])) for r in spec["rows"]])
    raise ValueError(f"unknown chart {spec.get('chart')!r}")


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _millions(value: float, _pos: object) -> str:
    return f"Q {value / 1e6:,.0f} M"


def _funding_png(title: str, rows: list[tuple[str, float, float]]) -> bytes:
    """Stacked bars: each source's investment and operating amounts for the POA's year."""
    names = [_short(name) for name, _, _ in rows]
    investment = [inv for _, inv, _ in rows]
    operating = [op for _, _, op in rows]
    fig = _figure(8, 4.5)
    ax = fig.add_subplot()
    ax.barh(names, investment, color="#2a7ab0", label="Inversión")
    ax.barh(names, operating, left=investment, color="#f0a030", label="Funcionamiento")
    ax.xaxis.set_major_formatter(_millions)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(loc="lower right")
    return _png(fig)


def _zona_png(title: str, rows: list[tuple[str, Decimal]]) -> bytes:
    """Bars: the POA year's amount of each project in a zona, labelled by SNIP."""
    fig = _figure(7, 3.8)
    ax = fig.add_subplot()
    bars = ax.bar([f"SNIP {snip}" for snip, _ in rows], [float(a) for _, a in rows], color="#2a7ab0")
    ax.bar_label(bars, labels=[_quetzales(a) for _, a in rows], fontsize=8)
    ax.yaxis.set_major_formatter(_millions)
    ax.set_title(title)
    return _png(fig)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _quetzales(amount: Decimal) -> str:
    return f"Q {amount:,.2f}"


if __name__ == "__main__":
    drawn = draw_all(json.load(sys.stdin))
    json.dump({key: base64.b64encode(png).decode() for key, png in drawn.items()}, sys.stdout)
