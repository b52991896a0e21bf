"""Plotly figures, as plain JSON-able dicts, from the brief's chart values (report/model.py).

Shared by the HTML report and the web console: hand a dict to ``Plotly.newPlot(div, fig.data,
fig.layout, fig.config)``. Dicts rather than ``plotly.graph_objects.Figure``: building and
validating a Figure costs ~10-30 ms each and a brief has dozens; the tests validate every dict
with ``go.Figure`` instead. Text that comes from data (segment values, categories) is
HTML-escaped, because plotly interprets a subset of HTML tags in labels.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from babel.dates import get_day_names

from ecomops.i18n import gettext_for, label, segment_label
from ecomops.report.model import Bars, Heatmap, TrendSeries
from ecomops.report.render import formats as fmt

Figure = dict[str, Any]

COLORS = {"value": "#1f6feb", "expected": "#8b949e", "band": "rgba(139,148,158,0.22)",
          "previous": "#c9d1d9", "mark": "rgba(218,54,51,0.10)"}
CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True}
HEAT_SCALE = [[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]]
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _base_layout(title: str, height: int = 300) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 14}},
        "height": height,
        "margin": {"l": 56, "r": 12, "t": 40, "b": 24},
        "showlegend": True,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "font": {"family": "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', "
                           "'WenQuanYi Zen Hei', sans-serif", "size": 12},
        "hovermode": "x unified",
    }


def _esc(text: str) -> str:
    return html.escape(str(text), quote=False)


DATE_FORMATS = {"zh_CN": ("%m-%d", "%Y-%m-%d"), "en_US": ("%b %d", "%b %d, %Y")}
"""Tick and hover formats of date axes. plotly.js ships without a Chinese locale (the ``plotly``
package has no ``plotly-locale-zh-cn``), so its month and weekday names are English: a Chinese
chart names no month, it writes dates as numbers."""


def date_axis(lang: str | None) -> dict[str, Any]:
    """A date x axis whose ticks and hover label read in the reader's language."""
    tick, hover = DATE_FORMATS[fmt.babel_locale(lang)]
    return {"type": "date", "tickformat": tick, "hoverformat": hover, "gridcolor": "#eee"}


def category_label(dimension: str, value: str, lang: str | None) -> str:
    """A category of a breakdown as the reader reads it: channel and source codes by their names,
    the breakdown's "(other)" and "(unknown)" groups translated, store values as they are."""
    from ecomops.report.chartdata import OTHER, UNKNOWN

    if value in (OTHER, UNKNOWN):
        return gettext_for(lang, "report")(value)
    return label(dimension, value, lang) if dimension in ("channel", "source") else value


def heatmap_columns(columns: list[str], lang: str | None) -> list[str]:
    """Weekday columns (``Mon``..``Sun``) in the reader's language; other columns unchanged."""
    names = get_day_names("abbreviated", locale=fmt.babel_locale(lang))
    return [names[_WEEKDAYS_EN.index(c)] if c in _WEEKDAYS_EN else c for c in columns]


def _value_axis(metric: str, currency: str, lang: str | None) -> dict[str, Any]:
    axis: dict[str, Any] = {"tickformat": fmt.d3_format(metric), "gridcolor": "#eee", "zeroline": False,
                            "automargin": True}
    if fmt.kind(metric) == "money":
        axis["tickprefix"] = fmt.currency_symbol(currency, lang)
    return axis


def trend(series: TrendSeries, lang: str | None, currency: str = "CNY", *,
          title: str | None = None, since: dt.date | None = None) -> Figure:
    """A daily line with its expected value (dashed) and band (shaded); ``since`` shades the episode."""
    _ = gettext_for(lang, "report")
    x = [d.isoformat() for d in series.dates]
    hover = f"%{{y:{fmt.d3_format(series.metric)}}}"
    data: list[dict[str, Any]] = []
    if series.low is not None and series.high is not None:
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": series.high, "line": {"width": 0},
                     "hoverinfo": "skip", "showlegend": False, "name": _("Expected range")})
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": series.low, "line": {"width": 0},
                     "fill": "tonexty", "fillcolor": COLORS["band"], "hoverinfo": "skip",
                     "name": _("Expected range")})
    if series.expected is not None:
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": series.expected,
                     "name": _("Expected"), "line": {"color": COLORS["expected"], "dash": "dash"},
                     "hovertemplate": hover})
    data.append({"type": "scatter", "mode": "lines+markers", "x": x, "y": series.values,
                 "name": _("Actual"), "line": {"color": COLORS["value"], "width": 2},
                 "marker": {"size": 4}, "hovertemplate": hover})
    name = label("metric", series.metric, lang)
    heading = title or (f"{name} · {segment_label(series.segment, lang)}" if series.segment else name)
    layout = _base_layout(_esc(heading))
    layout["xaxis"] = date_axis(lang)
    layout["yaxis"] = _value_axis(series.metric, currency, lang)
    if since is not None and series.dates:
        layout["shapes"] = [{"type": "rect", "xref": "x", "yref": "paper", "x0": since.isoformat(),
                             "x1": series.dates[-1].isoformat(), "y0": 0, "y1": 1, "line": {"width": 0},
                             "fillcolor": COLORS["mark"], "layer": "below"}]
    return {"data": data, "layout": layout, "config": CONFIG}


def bars(b: Bars, lang: str | None, currency: str = "CNY") -> Figure:
    """The day's value per dimension value next to the same weekday a week earlier."""
    _ = gettext_for(lang, "report")
    cats = [_esc(category_label(b.dimension, v, lang)) for v in b.labels]
    hover = f"%{{y:{fmt.d3_format(b.metric)}}}"
    data = [
        {"type": "bar", "x": cats, "y": b.previous, "name": _("Same day last week"),
         "marker": {"color": COLORS["previous"]}, "hovertemplate": hover},
        {"type": "bar", "x": cats, "y": b.values, "name": _("This day"),
         "marker": {"color": COLORS["value"]}, "hovertemplate": hover},
    ]
    title = _("%(metric)s by %(dimension)s") % {"metric": label("metric", b.metric, lang),
                                                "dimension": label("dimension", b.dimension, lang)}
    layout = _base_layout(title)
    layout.update(barmode="group", xaxis={"type": "category", "automargin": True},
                  yaxis=_value_axis(b.metric, currency, lang))
    return {"data": data, "layout": layout, "config": CONFIG}


def _is_iso_dates(values: list[str]) -> bool:
    try:
        for v in values:
            dt.date.fromisoformat(v)
    except ValueError:
        return False
    return bool(values)


def heatmap(h: Heatmap, lang: str | None, currency: str = "CNY") -> Figure:
    """Category × day or hour × weekday; weekday names are shown in the reader's language."""
    _ = gettext_for(lang, "report")
    columns = list(h.columns)
    if _is_iso_dates(columns):
        x_title, y_title, xaxis = _("Day"), _("Category"), date_axis(lang)
    else:
        x_title, y_title, xaxis = _("Weekday"), _("Hour"), {"type": "category"}
        columns = heatmap_columns(columns, lang)
    rows = [category_label("category", r, lang) for r in h.rows]
    data = [{"type": "heatmap", "x": [_esc(c) for c in columns], "y": [_esc(r) for r in rows],
             "z": h.values, "colorscale": HEAT_SCALE, "hoverongaps": False,
             "hovertemplate": f"%{{y}} · %{{x}}: %{{z:{fmt.d3_format(h.metric)}}}<extra></extra>",
             "colorbar": {"thickness": 10, "tickformat": fmt.d3_format(h.metric)}}]
    title = _("%(metric)s by %(rows)s and %(columns)s") % {
        "metric": label("metric", h.metric, lang), "rows": y_title, "columns": x_title}
    layout = _base_layout(title, height=max(260, 60 + 18 * len(h.rows)))
    # No axis titles: the chart title names both axes (a rotated Chinese y title reads badly).
    layout.update(showlegend=False, hovermode="closest", xaxis=xaxis,
                  yaxis={"type": "category", "automargin": True, "autorange": "reversed"})
    return {"data": data, "layout": layout, "config": CONFIG}
