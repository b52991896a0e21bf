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

from ecomops.report.render.charts import CONFIG, bars, date_axis, heatmap, trend

__all__ = ["CONFIG", "bar_totals", "bars", "date_axis", "forecast_band", "heatmap", "lines", "matrix",
           "stock_projection", "trend"]

Figure = dict[str, Any]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=False)


def _layout(title: str, height: int = 300, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": _esc(title), "font": {"size": 14}, "x": 0.01}, "height": height,
            "margin": {"l": 56, "r": 16, "t": 40, "b": 40}, "legend": {"orientation": "h", "y": -0.18},
            "font": {"family": "system-ui, 'WenQuanYi Zen Hei', sans-serif", "size": 12},
            "paper_bgcolor": "#fff", "plot_bgcolor": "#fff", **extra}


def lines(x: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str,
          lang: str | None = None) -> Figure:
    """Several daily lines (one per segment) on one chart; dates read in ``lang`` (numbers without
    a language: plotly.js names months in English only)."""
    return {"data": [{"type": "scatter", "mode": "lines", "x": list(x), "y": list(ys), "name": _esc(name)}
                     for name, ys in series.items()],
            "layout": _layout(title, 320, hovermode="x unified", xaxis=date_axis(lang or "zh_CN")),
            "config": CONFIG}


def bar_totals(labels: Sequence[str], values: Sequence[float | None], title: str) -> Figure:
    return {"data": [{"type": "bar", "x": [_esc(v) for v in labels], "y": list(values),
                      "marker": {"color": "#1f6feb"}}],
            "layout": _layout(title, xaxis={"type": "category"}), "config": CONFIG}


def matrix(rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[float | None]],
           title: str, lang: str | None = None) -> Figure:
    """Segment x day; the day axis reads in ``lang`` (see ``lines``)."""
    return {"data": [{"type": "heatmap", "x": list(columns), "y": [_esc(r) for r in rows],
                      "z": [list(r) for r in values], "colorscale": "Blues"}],
            "layout": _layout(title, max(300, 22 * len(rows) + 100), yaxis={"type": "category"},
                              xaxis=date_axis(lang or "zh_CN")),
            "config": CONFIG}


def forecast_band(
    hist_x: Sequence[str], hist_y: Sequence[float | None], fc_x: Sequence[str],
    yhat: Sequence[float | None], lo: Sequence[float | None], hi: Sequence[float | None],
    title: str, names: Mapping[str, str], lang: str | None = None,
) -> Figure:
    """Recent daily history, then the forecast (dashed) inside its band (shaded).

    ``names`` labels the traces: ``actual``, ``forecast`` and ``band`` (already translated).
    """
    band = _esc(names.get("band", "band"))
    data = [
        {"type": "scatter", "mode": "lines", "x": list(fc_x), "y": list(hi), "line": {"width": 0},
         "hoverinfo": "skip", "showlegend": False, "name": band},
        {"type": "scatter", "mode": "lines", "x": list(fc_x), "y": list(lo), "line": {"width": 0},
         "fill": "tonexty", "fillcolor": "rgba(139,148,158,0.22)", "hoverinfo": "skip", "name": band},
        {"type": "scatter", "mode": "lines", "x": list(hist_x), "y": list(hist_y),
         "name": _esc(names.get("actual", "actual")), "line": {"color": "#1f6feb", "width": 2}},
        {"type": "scatter", "mode": "lines", "x": list(fc_x), "y": list(yhat),
         "name": _esc(names.get("forecast", "forecast")), "line": {"color": "#8b949e", "dash": "dash"}},
    ]
    layout = _layout(title, 300, hovermode="x unified", xaxis=date_axis(lang or "zh_CN"))
    return {"data": data, "layout": layout, "config": CONFIG}


def stock_projection(x: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str,
                     lang: str | None = None) -> Figure:
    """Projected stock per warehouse (one line each) against the zero line of a stock-out."""
    fig = lines(x, series, title, lang)
    fig["layout"]["shapes"] = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                                "y0": 0, "y1": 0, "line": {"color": "#da3633", "width": 1, "dash": "dot"}}]
    return fig
