"""Text alternatives for the console's charts: one sentence per chart that a screen reader says
in place of the picture (title, then each series: how many values, over which range, the last one
or the largest), in the reader's language, numbers with the chart's unit."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import Any

from babel.numbers import format_decimal, format_percent

from ecomops.i18n import translations

MAX_SERIES = 6


def _text(value: Any) -> str:
    """Plotly labels are HTML-escaped text (the page escapes again): back to plain text."""
    return html.unescape(str(value)).strip()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fmt(value: float, axis: dict[str, Any], lang: str) -> str:
    locale = "zh_CN" if lang.startswith("zh") else "en"
    if "%" in str(axis.get("tickformat", "")):
        return format_percent(value, format="#,##0.0%", locale=locale)
    digits = "#,##0" if abs(value) >= 100 or value == int(value) else "#,##0.##"
    return f"{axis.get('tickprefix', '')}{format_decimal(value, format=digits, locale=locale)}" \
           f"{axis.get('ticksuffix', '')}"


def _series(trace: dict[str, Any], axis: dict[str, Any], lang: str) -> str | None:
    t = translations(lang)
    _ = t.gettext
    name = _text(trace.get("name") or "") or _("values")
    kind = trace.get("type", "scatter")
    if kind == "heatmap":
        rows = [_text(r) for r in trace.get("y") or []]
        cols = [_text(c) for c in trace.get("x") or []]
        cells = [(v, r, c) for r, line in zip(rows, trace.get("z") or [], strict=False)
                 for c, v in zip(cols, line or [], strict=False) if _number(v)]
        if not cells:
            return _("a grid of %(rows)d × %(columns)d (rows × columns), no values") % {
                "rows": len(rows), "columns": len(cols)}
        cell = max(cells)
        return _("a grid of %(rows)d × %(columns)d (rows × columns); highest %(value)s at %(row)s, "
                 "%(column)s") % {
            "rows": len(rows), "columns": len(cols), "value": _fmt(cell[0], {}, lang), "row": cell[1],
            "column": cell[2]}
    xs: Sequence[Any] = trace.get("x") or []
    points = [(_text(x), y) for x, y in zip(xs, trace.get("y") or [], strict=False) if _number(y)]
    if not points:
        return _("%(name)s: no values") % {"name": name}
    if kind == "bar":
        top = max(points, key=lambda p: p[1])
        return t.ngettext("%(name)s: %(count)d bar, highest %(label)s %(value)s",
                          "%(name)s: %(count)d bars, highest %(label)s %(value)s", len(points)) % {
            "name": name, "count": len(points), "label": top[0], "value": _fmt(top[1], axis, lang)}
    return t.ngettext("%(name)s: %(count)d value from %(first)s to %(last)s, last %(value)s",
                      "%(name)s: %(count)d values from %(first)s to %(last)s, last %(value)s",
                      len(points)) % {
        "name": name, "count": len(points), "first": points[0][0], "last": points[-1][0],
        "value": _fmt(points[-1][1], axis, lang)}


def chart_summary(figure: dict[str, Any] | str, lang: str) -> str:
    """The text alternative of a plotly figure dict (or its JSON)."""
    _ = translations(lang).gettext
    fig: dict[str, Any] = json.loads(figure) if isinstance(figure, str) else figure
    layout = fig.get("layout") or {}
    title = layout.get("title")
    title = _text(title.get("text", "") if isinstance(title, dict) else title or "") or _("Chart")
    axis = layout.get("yaxis") or {}
    parts, seen = [], set()
    for trace in fig.get("data") or []:
        name = trace.get("name")
        if trace.get("showlegend") is False or (name is not None and name in seen):
            continue  # the upper edge of a band: the band's other trace describes it
        seen.add(name)
        described = _series(trace, axis, lang)
        if described:
            parts.append(described)
    shown = parts[:MAX_SERIES]
    if len(parts) > MAX_SERIES:
        more = len(parts) - MAX_SERIES
        shown.append(translations(lang).ngettext("%(count)d more series", "%(count)d more series", more)
                     % {"count": more})
    return _("Chart: %(title)s.") % {"title": title} + (" " + "; ".join(shown) + "." if shown else "")
