"""Charts as PNG bytes: funding by source, and a zona's project amounts.

matplotlib is imported on first use (it is large, and most processes never draw), and only its
object API is used — a ``Figure`` with the Agg canvas, no pyplot state — so charts can be drawn
in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from knowledge.model import FundingSource, Project

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _millions(value: float, _pos: object) -> str:
    return f"Q {value / 1e6:,.0f} M"


def funding_chart(funding: Sequence[FundingSource]) -> bytes:
    """Stacked bars: each source's investment and operating amounts for 2024."""
    names = [_short(f.source) for f in funding]
    investment = [float(f.investment) for f in funding]
    operating = [float(f.operating) for f in funding]
    fig = _figure(8, 4.5)
    ax = fig.add_subplot()
    ax.barh(names, investment, color="#2a7ab0", label="Inversión")
    ax.barh(names, operating, left=investment, color="#f0a030", label="Funcionamiento")
    ax.xaxis.set_major_formatter(_millions)
    ax.invert_yaxis()
    ax.set_title("Disponibilidad financiera 2024 por fuente")
    ax.legend(loc="lower right")
    return _png(fig)


def zona_chart(zona: int, projects: Sequence[Project]) -> bytes:
    """Bars: the 2024 amount of each project in a zona, labelled by SNIP."""
    fig = _figure(7, 3.8)
    ax = fig.add_subplot()
    labels = [f"SNIP {p.snip}" for p in projects]
    amounts = [float(p.amount_2024) for p in projects]
    bars = ax.bar(labels, amounts, color="#2a7ab0")
    ax.bar_label(bars, labels=[_quetzales(p.amount_2024) for p in projects], fontsize=8)
    ax.yaxis.set_major_formatter(_millions)
    ax.set_title(f"Zona {zona}: monto 2024 por proyecto (CODEDE)")
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
