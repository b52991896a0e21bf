"""``build_brief(ws, date)``: the morning brief of a day, assembled from the store.

Reads the store through ``ecomops.metrics`` (as known by the end of the day), judges the KPIs
against ``ecomops.detect.baseline``, asks ``ecomops.detect.service.detect`` for the day's findings
and actions, and gathers the chart data of ``report.model``. Everything here is I/O glue; the
computation lives in ``metrics``, ``report.kpis``, ``report.chartdata`` and ``detect``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import ibis
import pandas as pd

from ecomops.detect.findings import Action, Finding, sort_findings
from ecomops.metrics import evaluate, series
from ecomops.metrics.hours import orders_by_hour
from ecomops.report import chartdata, kpis
from ecomops.report.model import Brief, Charts, TrendSeries
from ecomops.settings import Settings
from ecomops.workspace import Workspace

log = logging.getLogger(__name__)

HEATMAP_DAYS = 28
SHARE_DAYS = 28
_NO_REPORT_NOTES = {  # column that is missing (NaN) when the day's report is absent -> note
    "visitors": "No traffic rows for {day}: visitors and conversion are unavailable.",
    "ad_cost": "No ads rows for {day}: ad metrics are unavailable.",
    "days_of_cover__num": "No inventory snapshot for {day}: days of cover is unavailable.",
}


@dataclass
class Detection:
    """What detection handed back (empty when it is not available)."""

    findings: list[Finding] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    evidence: dict[str, TrendSeries] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def build_brief(ws: Workspace, date: dt.date) -> Brief:
    """The brief of ``date`` for the workspace's store."""
    from ecomops.store.analytics import ibis_backend

    return assemble(ibis_backend(ws.analytics), date, ws.settings)


def assemble(
    con: ibis.BaseBackend, day: dt.date, settings: Settings, *, with_findings: bool = True
) -> Brief:
    """The brief of ``day`` over any Ibis backend holding the DATA.md tables.

    ``with_findings=False`` skips detection (KPIs and charts only: a quick view).
    """
    th = settings.thresholds
    trend_days = th.history_days
    hist_start = day - dt.timedelta(days=trend_days + th.history_days - 1)
    yoy = day - dt.timedelta(days=364)
    # One pass: the trend window with its history, plus the yoy day. lag=0: every day's
    # after-sales cases as known by the end of that day, so return rates compare like with like.
    frame = evaluate(
        con, list(kpis.BRIEF_KPIS), [], [(yoy, yoy + dt.timedelta(days=1)),
                                           (hist_start, day + dt.timedelta(days=1))],
        as_of=day, lag=0,
    )
    by_channel = series(con, ["gmv", "orders"], ["channel"], day - dt.timedelta(days=SHARE_DAYS - 1), day)
    events = _events(con, day, trend_days + th.history_days, by_channel)
    cards, trends = kpis.build(frame, day, kpis.BRIEF_KPIS, trend_days=trend_days, events=events,
                               band_z=th.band_z, history_days=th.history_days)
    by_category = series(con, ["gmv", "orders"], ["category"], day - dt.timedelta(days=HEATMAP_DAYS - 1), day)
    hours = orders_by_hour(con, day - dt.timedelta(days=HEATMAP_DAYS - 1), day)
    detection = _detect(con, day, settings) if with_findings else Detection()
    charts = Charts(
        trends=trends,
        bars=[chartdata.bars(f, m, dim, day) for m in ("gmv", "orders")
              for f, dim in ((by_channel, "channel"), (by_category, "category"))],
        heatmaps=[
            chartdata.category_days(by_category, "gmv", "category",
                                    day - dt.timedelta(days=HEATMAP_DAYS - 1), day),
            chartdata.hour_weekday(hours),
        ],
        evidence=detection.evidence,
    )
    return Brief(
        date=day, store=settings.store.name, currency=settings.store.currency, kpis=cards,
        findings=sort_findings(detection.findings), actions=detection.actions, charts=charts,
        notes=[*_notes(frame, day), *detection.notes],
    )


def _events(con: ibis.BaseBackend, day: dt.date, days: int, by_channel: pd.DataFrame) -> set[dt.date]:
    """Days that are not ordinary for the whole store: festivals and store-wide promotions."""
    from ecomops.detect import cubes
    from ecomops.detect.events import event_mask, festival_table

    dates = [day - dt.timedelta(days=i) for i in range(days, -1, -1)]
    total = by_channel.groupby("channel")["gmv"].sum()
    share = (total / total.sum()).to_dict() if total.sum() > 0 else {}
    mask = event_mask(pd.DataFrame(index=[0]), dates, festival_table(dates[0], day),
                      cubes.promotions(con, day, days), {str(k): float(v) for k, v in share.items()})
    return {d for d, hit in zip(dates, mask[0], strict=True) if hit}


def _notes(frame: pd.DataFrame, day: dt.date) -> list[str]:
    """Data caveats: reports missing for the day, no orders at all."""
    row = frame[frame["date"] == day]
    notes: list[str] = []
    if row.empty or not (row["orders"].fillna(0) > 0).any():
        last = frame.loc[frame["orders"].fillna(0) > 0, "date"]
        since = f" (last orders on {max(last).isoformat()})" if len(last) else ""
        notes.append(f"No orders on {day.isoformat()}{since}: has the day's data been imported?")
    for col, text in _NO_REPORT_NOTES.items():
        if col not in row.columns or row[col].isna().all():
            notes.append(text.format(day=day.isoformat()))
    return notes


def _detect(con: ibis.BaseBackend, day: dt.date, settings: Settings) -> Detection:
    """Findings and actions of ``ecomops.detect.service`` (the brief goes on if it fails)."""
    try:
        from ecomops.detect import service
    except ModuleNotFoundError as exc:
        if exc.name != "ecomops.detect.service":
            raise
        log.warning("ecomops.detect.service is not available: the brief has no findings")
        return Detection(notes=["Anomaly detection is not installed: no findings."])
    try:
        result: Any = service.detect(con, day, settings)
    except Exception as exc:
        log.exception("detection failed for %s", day)
        return Detection(notes=[f"Anomaly detection failed ({exc.__class__.__name__}): no findings."])
    failed = list(getattr(result, "failed", []) or [])
    return Detection(
        findings=list(result.findings), actions=list(result.actions),
        evidence=dict(getattr(result, "evidence", {}) or {}),
        notes=[f"Some checks failed and are missing from the findings: {', '.join(failed)}."]
        if failed else [],
    )


def jsonable(value: Any) -> Any:
    """``value`` with NaN / infinite floats as ``None`` (strict JSON), recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return jsonable(value.item())
    return value


def brief_json(brief: Brief, *, charts: bool = False) -> dict[str, Any]:
    """The JSON object of BRIEF.md (strict JSON values; chart data only when asked)."""
    result: dict[str, Any] = jsonable(brief.to_dict(charts=charts))
    return result


__all__ = ["Detection", "assemble", "brief_json", "build_brief", "jsonable"]
