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
from typing import TYPE_CHECKING, Any

import pandas as pd

from ecomops.detect.findings import Action, Finding, sort_findings
from ecomops.i18n import gettext_for
from ecomops.metrics import evaluate, series
from ecomops.metrics.hours import orders_by_hour
from ecomops.report import chartdata, coverage, kpis
from ecomops.report import evidence as more
from ecomops.report.model import Brief, Charts, TrendSeries
from ecomops.settings import Settings
from ecomops.store.analytics import QueryInterrupted
from ecomops.workspace import Workspace

if TYPE_CHECKING:
    import ibis

log = logging.getLogger(__name__)

HEATMAP_DAYS = 28
SQL_CACHE = "metric_sql.json"
"""File in the workspace's cache folder keeping the metric layer's compiled SQL between runs."""
SHARE_DAYS = 28
@dataclass
class Detection:
    """What detection handed back (empty when it is not available)."""

    findings: list[Finding] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    evidence: dict[str, TrendSeries] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def build_brief(ws: Workspace, date: dt.date) -> Brief:
    """The brief of ``date`` for the workspace's store."""
    from ecomops.metrics.service import sql_cache
    from ecomops.store.analytics import ibis_backend

    con = ibis_backend(ws.analytics)
    with sql_cache(con, ws.cache_dir / SQL_CACHE):
        return assemble(con, date, ws.settings)


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
    # One pass: the trend window with its history, plus the yoy day.
    periods = [(yoy, yoy + dt.timedelta(days=1)), (hist_start, day + dt.timedelta(days=1))]
    plain = [m for m in kpis.BRIEF_KPIS if m != "return_rate"]
    frame = evaluate(con, plain, [], periods, as_of=day)
    if "return_rate" in kpis.BRIEF_KPIS:
        frame = _with_return_rate(con, frame, periods, day)
    frame, gaps = coverage.blank_unknown(frame, _held(con), day,
                                         gettext_for(settings.store.language, "report"))
    by_channel = series(con, ["gmv", "orders"], ["channel"], day - dt.timedelta(days=SHARE_DAYS - 1), day)
    events = _events(con, day, trend_days + th.history_days, by_channel)
    cards, trends = kpis.build(frame, day, kpis.BRIEF_KPIS, trend_days=trend_days, events=events,
                               band_z=th.band_z, history_days=th.history_days)
    by_category = series(con, ["gmv", "orders"], ["category"], day - dt.timedelta(days=HEATMAP_DAYS - 1), day)
    hours = orders_by_hour(con, day - dt.timedelta(days=HEATMAP_DAYS - 1), day)
    detection = _detect(con, day, settings) if with_findings else Detection()
    evidence = {**detection.evidence,
                **_more_evidence(con, day, detection, hist_start, trend_days, events,
                                 settings)}
    charts = Charts(
        trends=trends,
        bars=[chartdata.bars(f, m, dim, day) for m in ("gmv", "orders")
              for f, dim in ((by_channel, "channel"), (by_category, "category"))],
        heatmaps=[
            chartdata.category_days(by_category, "gmv", "category",
                                    day - dt.timedelta(days=HEATMAP_DAYS - 1), day),
            chartdata.hour_weekday(hours),
        ],
        evidence=evidence,
    )
    return Brief(
        date=day, store=settings.store.name, currency=settings.store.currency, kpis=cards,
        findings=sort_findings(detection.findings), actions=detection.actions, charts=charts,
        notes=[*gaps, *detection.notes],
    )


def _with_return_rate(
    con: ibis.BaseBackend, frame: pd.DataFrame, periods: list[tuple[dt.date, dt.date]], day: dt.date
) -> pd.DataFrame:
    """``frame`` with the matured return rate: on each day ``t``, the units returned (requested
    by the end of ``t``) of the sales made ``RETURN_MATURITY_DAYS`` days before ``t``.

    A day's own sales have hardly any returns yet; every day's rate at the same age compares
    like with like, and is final the day it is shown (as-of safe).
    """
    lag = kpis.RETURN_MATURITY_DAYS
    back = dt.timedelta(days=lag)
    cohorts = evaluate(con, ["return_rate"], [], [(a - back, b - back) for a, b in periods],
                       as_of=day, lag=lag)
    cohorts["date"] = pd.Series([d + back for d in cohorts["date"]], index=cohorts.index, dtype=object)
    # An empty window (a store with no orders in it) comes back with a float "date" column.
    return frame.astype({"date": object}).merge(cohorts, on="date", how="left")


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


def _more_evidence(
    con: ibis.BaseBackend, day: dt.date, detection: Detection, start: dt.date,
    trend_days: int, events: set[dt.date], settings: Settings,
) -> dict[str, TrendSeries]:
    """Evidence series of the findings detection gave none, over the days of the KPI trends
    (one query per metric and segment dimensions)."""
    targets = [day - dt.timedelta(days=i) for i in range(trend_days - 1, -1, -1)]
    reqs = more.requests(detection.findings, detection.evidence)
    frames: dict[more.Group, pd.DataFrame] = {}
    for (name, keys), values in more.groups(reqs).items():
        filters = {k: v[0] if len(v) == 1 else v for k, v in values.items()}
        try:
            frames[(name, keys)] = evaluate(con, [name], keys, [(start, day + dt.timedelta(days=1))],
                                            as_of=day, filters=filters, lag=0)
        except QueryInterrupted:
            raise
        except Exception:  # evidence illustrates: a failed series must not cost the brief
            log.exception("evidence series of %s by %s failed", name, values)
    th = settings.thresholds
    return more.draw(frames, reqs, targets, events=events, band_z=th.band_z,
                     history_days=th.history_days)


def _held(con: ibis.BaseBackend) -> dict[str, int]:
    """Rows of the tables that KPIs need (``coverage.blank_unknown``)."""
    held: dict[str, int] = {}
    for name in ("orders", "order_lines", "returns"):
        try:
            held[name] = _count(con, name)
        except QueryInterrupted:
            raise
        except Exception:  # a store without the table holds none of its rows
            log.debug("table %s not readable", name, exc_info=True)
            held[name] = 0
    return held


def _count(con: ibis.BaseBackend, table: str) -> int:
    """Rows of ``table``; on DuckDB by plain SQL (no Ibis expression, so no Ibis import)."""
    if con.name == "duckdb":
        return int(con.raw_sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])  # type: ignore[attr-defined]
    return int(con.table(table).count().execute())


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
    except QueryInterrupted:
        raise  # stopped on purpose (the server is shutting down), not a failure
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
