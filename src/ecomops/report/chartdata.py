"""The brief's chart data (bars, heatmaps) from metric frames (pure pandas)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from ecomops.i18n import N_
from ecomops.report.kpis import clean
from ecomops.report.model import Bars, Heatmap

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UNKNOWN = N_("(unknown)")
"""Label of a segment whose dimension value is missing (an order without a category...);
translated where it is shown (``report.render.charts.category_label``)."""
OTHER = N_("(other)")
"""Label of the values beyond a breakdown's top ones, added up."""


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return UNKNOWN
    return str(value)


def bars(frame: pd.DataFrame, metric: str, dim: str, day: dt.date, *, top: int = 15) -> Bars:
    """``metric`` by ``dim`` on ``day`` and on the same weekday a week earlier (largest first).

    Beyond ``top`` labels the rest are added up as "(other)".
    """
    week = day - dt.timedelta(days=7)
    f = frame.assign(_label=frame[dim].map(_label))
    now = f[f["date"] == day].groupby("_label")[metric].sum(min_count=1)
    then = f[f["date"] == week].groupby("_label")[metric].sum(min_count=1)
    both = pd.concat({"now": now, "then": then}, axis=1).fillna({"now": 0.0})
    both = both.sort_values(["now", "then"], ascending=False)
    if len(both) > top:
        rest = both.iloc[top - 1:].sum(min_count=1)
        both = pd.concat([both.iloc[: top - 1], pd.DataFrame([rest], index=[OTHER])])
    return Bars(
        metric=metric, dimension=dim, labels=[str(x) for x in both.index],
        values=[float(clean(v, 4) or 0.0) for v in both["now"]],
        previous=[clean(v, 4) for v in both["then"]],
    )


def category_days(frame: pd.DataFrame, metric: str, dim: str, start: dt.date, end: dt.date) -> Heatmap:
    """``metric`` by ``dim`` (rows, largest total first) x day (columns) from ``start`` to ``end``."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    f = frame.assign(_label=frame[dim].map(_label))
    p = f.pivot_table(index="_label", columns="date", values=metric, aggfunc="sum")
    p = p.reindex(columns=days)
    p = p.loc[p.sum(axis=1).sort_values(ascending=False).index] if len(p) else p
    return Heatmap(
        metric=metric, rows=[str(x) for x in p.index], columns=[d.isoformat() for d in days],
        values=[[clean(v, 4) for v in row] for row in p.to_numpy()],
    )


def hour_weekday(hours: pd.DataFrame, metric: str = "orders") -> Heatmap:
    """Rows: hours 0..23; columns: Mon..Sun; cells: the metric summed over the period."""
    grid = [[0.0] * 7 for _ in range(24)]
    for wd, hour, value in zip(hours["weekday"], hours["hour"], hours[metric], strict=True):
        grid[int(hour)][int(wd)] += float(value)
    return Heatmap(metric=metric, rows=[f"{h:02d}" for h in range(24)], columns=list(WEEKDAYS),
                   values=[[clean(v, 4) for v in row] for row in grid])
