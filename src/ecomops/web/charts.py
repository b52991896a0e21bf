"""Plotly figure dicts for the console's pages; the browser draws them with the served plotly.js.

The brief's charts (trends with their expected band, bars, heatmaps) come from
``ecomops.report.render.charts``, so the console and the HTML report draw the same pictures. The
Sales & traffic page's free breakdowns (several lines, totals, segment x day) are built here.
Text from data is HTML-escaped: plotly reads a subset of HTML in labels.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ecomops.report.render.charts import CONFIG, bars, heatmap, trend

__all__ = ["CONFIG", "bar_totals", "bars", "heatmap", "lines", "matrix", "trend"]

Figure = dict[str, Any]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=False)


def _layout(title: str, height: int = 300, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": _esc(title), "font": {"size": 14}, "x": 0.01}, "height": height,
            "margin": {"l": 56, "r": 16, "t": 40, "b": 40}, "legend": {"orientation": "h", "y": -0.18},
            "font": {"family": "system-ui, 'WenQuanYi Zen Hei', sans-serif", "size": 12},
            "paper_bgcolor": "#fff", "plot_bgcolor": "#fff", **extra}


def lines(x: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str) -> Figure:
    """Several daily lines (one per segment) on one chart."""
    return {"data": [{"type": "scatter", "mode": "lines", "x": list(x), "y": list(ys), "name": _esc(name)}
                     for name, ys in series.items()],
            "layout": _layout(title, 320, hovermode="x unified", xaxis={"type": "date"}),
            "config": CONFIG}


def bar_totals(labels: Sequence[str], values: Sequence[float | None], title: str) -> Figure:
    return {"data": [{"type": "bar", "x": [_esc(v) for v in labels], "y": list(values),
                      "marker": {"color": "#1f6feb"}}],
            "layout": _layout(title, xaxis={"type": "category"}), "config": CONFIG}


def matrix(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float | None]],
           title: str) -> Figure:
    return {"data": [{"type": "heatmap", "x": list(columns), "y": [_esc(r) for r in rows],
                      "z": [list(r) for r in values], "colorscale": "Blues"}],
            "layout": _layout(title, max(300, 22 * len(rows) + 100), yaxis={"type": "category"}),
            "config": CONFIG}
