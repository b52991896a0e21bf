"""Evidence series for the findings that detection handed back without one (pure).

Detection draws the series of the findings it scanned itself; findings of other sources (stock
from ``ecomops.inventory``, ...) come without. For those the brief draws the finding's metric on
its segment from the metric layer, with the same expected band as the KPI trends
(``report.kpis.trend``). A segment dimension the metric cannot be cut by (the channel of a
stock finding: stock is held per warehouse, not per channel) is dropped, and the series says
so through its ``segment``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ecomops.detect.findings import Finding
from ecomops.metrics import METRICS
from ecomops.metrics.query import REPORTED
from ecomops.report.kpis import trend
from ecomops.report.model import TrendSeries

MAX_SERIES = 40
"""At most this many series are drawn here per brief."""


@dataclass(frozen=True)
class Request:
    """One evidence series to draw: the finding, its metric and the segment it can be cut by."""

    finding_id: str
    metric: str
    segment: dict[str, str]


def requests(findings: Sequence[Finding], have: Collection[str]) -> list[Request]:
    """What to draw for the findings whose id is not in ``have`` (unknown metrics are skipped)."""
    out: list[Request] = []
    for f in findings:
        if f.id in have or f.metric not in METRICS:
            continue
        dims = METRICS[f.metric].dims
        segment = {k: str(v) for k, v in f.segment.items() if k in dims and v is not None}
        out.append(Request(f.id, f.metric, segment))
        if len(out) >= MAX_SERIES:
            break
    return out


Group = tuple[str, tuple[str, ...]]
"""(metric, segment dimensions): the requests one metric query answers."""


def groups(reqs: Sequence[Request]) -> dict[Group, dict[str, list[str]]]:
    """Per (metric, dimensions), the values of each dimension to filter on (one query each)."""
    out: dict[Group, dict[str, list[str]]] = {}
    for r in reqs:
        keys = tuple(sorted(r.segment))
        values = out.setdefault((r.metric, keys), {k: [] for k in keys})
        for k in keys:
            if r.segment[k] not in values[k]:
                values[k].append(r.segment[k])
    return out


def _segment_rows(frame: pd.DataFrame, r: Request, days: Sequence[dt.date]) -> pd.DataFrame:
    """The request's segment, one row per day of ``days``. Sums of events (orders, cases,
    shipments) are 0 on a day without rows; reported figures (traffic, ads, stock) stay unknown."""
    rows = frame
    for k, v in r.segment.items():
        rows = rows[rows[k] == v]
    rows = rows.drop(columns=list(r.segment)).set_index("date").reindex(list(days))
    d = METRICS[r.metric]
    if not (d.facts & REPORTED):
        if d.kind == "sum":
            rows[d.name] = rows[d.name].fillna(0.0)
        else:
            num = rows[f"{d.name}__num"].fillna(0.0)
            den = rows[f"{d.name}__den"].fillna(0.0)
            rows[f"{d.name}__num"], rows[f"{d.name}__den"] = num, den
            rows[d.name] = num / den.where(den > 0)
    return rows.rename_axis("date").reset_index()


def draw(
    frames: Mapping[Group, pd.DataFrame],
    reqs: Sequence[Request],
    targets: Sequence[dt.date],
    *,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
) -> dict[str, TrendSeries]:
    """Per finding id, its series over ``targets``; ``frames`` holds each group's daily rows by
    the group's dimensions from ``history_days`` before the first target."""
    first = targets[0] - dt.timedelta(days=history_days)
    days = [first + dt.timedelta(days=i) for i in range((targets[-1] - first).days + 1)]
    out: dict[str, TrendSeries] = {}
    for r in reqs:
        frame = frames.get((r.metric, tuple(sorted(r.segment))))
        if frame is None:
            continue
        series, _ = trend(_segment_rows(frame, r, days), r.metric, targets, segment=r.segment,
                          events=events, band_z=band_z, history_days=history_days)
        out[r.finding_id] = series
    return out
