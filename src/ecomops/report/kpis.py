"""The brief's KPI cards and trend lines, from a store-level daily frame (pure pandas / numpy).

Input: ``ecomops.metrics`` daily rows of the whole store (``date``, metrics, ``<m>__num`` /
``<m>__den``) covering the trend days, their history and the comparison days. Changes are
relative: dod (1 day back), wow (7), mom (28), yoy (364, the same weekday). Expected values and
bands come from ``ecomops.detect.baseline``'s panels, computed for every trend day at once (one
panel per weekday), the same model DETECT judges segments with.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from ecomops.detect.baseline import EVENT_WIDEN, expect_panel, expect_ratio_panel
from ecomops.detect.findings import LOWER_IS_BETTER, Kpi, KpiStatus
from ecomops.metrics import COMPARISONS, METRICS
from ecomops.report.model import TrendSeries

BRIEF_KPIS: tuple[str, ...] = (
    "gmv", "orders", "aov", "visitors", "conversion_rate", "units", "buyers",
    "return_rate", "refund_amount", "gross_margin", "gross_margin_rate",
    "ad_cost", "ad_clicks", "ad_ctr", "ad_cpc", "ad_sales", "ad_roas",
    "ship_hours", "delivery_days", "late_delivery_rate", "days_of_cover",
)
"""KPI cards of the brief, in reading order."""

RETURN_MATURITY_DAYS = 14
"""The brief's ``return_rate`` of a day is that of the sales made this many days before, counting
the returns requested by the end of the day (most returns of Chinese marketplaces' 7-day
no-reason rule are requested within two weeks of the sale)."""

BINOMIAL: frozenset[str] = frozenset({"conversion_rate", "ad_ctr", "return_rate", "late_delivery_rate"})
"""Ratios whose numerator counts a subset of the denominator (binomial sampling noise)."""


SIGNED: frozenset[str] = frozenset({"gross_margin", "gross_margin_rate"})
"""Metrics that can fall below zero (every other metric's band stops at 0)."""


NEUTRAL: frozenset[str] = frozenset({"days_of_cover", "ad_impressions"})
"""Metrics whose movement is neither good nor bad by itself (too little and too much cover
both hurt)."""
FLAT = 0.005
"""A relative change smaller than this is flat (neither good nor bad)."""


def favourable(metric: str, rel: float | None) -> bool | None:
    """Whether a relative change ``rel`` of ``metric`` is good news; ``None``: flat, unknown or
    neutral."""
    if rel is None or not math.isfinite(rel) or abs(rel) < FLAT or metric in NEUTRAL:
        return None
    return (rel > 0) == (metric not in LOWER_IS_BETTER)


def _favourable(metric: str, status: KpiStatus, changes: dict[str, float | None]) -> dict[str, bool | None]:
    side = {"high": 1.0, "low": -1.0}.get(status)
    return {"status": favourable(metric, side), **{c: favourable(metric, r) for c, r in changes.items()}}


def _decimals(name: str) -> int:
    unit = METRICS[name].unit
    return 2 if unit == "currency" else 6 if unit == "rate" else 4


def clean(value: object, digits: int = 6) -> float | None:
    """A JSON-friendly float: ``None`` for missing / infinite values, rounded otherwise."""
    if value is None:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return round(x, digits) if math.isfinite(x) else None


def relative_change(now: float | None, then: float | None) -> float | None:
    """(now - then) / |then|; ``None`` without both values or when ``then`` is 0."""
    if now is None or then is None or then == 0:
        return None
    return (now - then) / abs(then)


def _column(frame: pd.DataFrame, col: str, days: Sequence[dt.date]) -> np.ndarray:
    """``frame[col]`` on ``days`` (NaN where the frame has no row for the day)."""
    if col not in frame.columns:
        return np.full(len(days), np.nan)
    pos = {d: i for i, d in enumerate(frame["date"])}
    values = frame[col].to_numpy(dtype=float)
    idx = np.array([pos.get(d, -1) for d in days], dtype=int)
    return np.where(idx >= 0, values[np.maximum(idx, 0)] if len(values) else np.nan, np.nan)


def _windows(values: np.ndarray, n_hist: int, n_targets: int) -> np.ndarray:
    """Row k: the ``n_hist`` values before target k (values = history then targets, in order)."""
    idx = np.arange(n_targets)[:, None] + np.arange(n_hist)[None, :]
    return values[idx]


def bands(
    frame: pd.DataFrame,
    name: str,
    targets: Sequence[dt.date],
    *,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected value, low, high and usable history days of ``name`` on each target day."""
    first = targets[0] - dt.timedelta(days=history_days)
    days = [first + dt.timedelta(days=i) for i in range((targets[-1] - first).days + 1)]
    k, h = len(targets), history_days
    ev_all = np.array([d in set(events) for d in days])
    excluded = _windows(ev_all, h, k)
    ev_today = ev_all[h:]
    d = METRICS[name]
    if d.kind == "ratio":
        num = _windows(_column(frame, f"{name}__num", days), h, k)
        den_all = _column(frame, f"{name}__den", days)
        den = _windows(den_all, h, k)
        rp = expect_ratio_panel(num, den, np.nan_to_num(den_all[h:], nan=0.0), excluded=excluded,
                                binomial=name in BINOMIAL)
        sd = np.where(ev_today, rp.sd * EVENT_WIDEN, rp.sd)
        expected, n = rp.rate, rp.n_history
    else:
        vals = _column(frame, name, days)
        expected, sd, n = np.full(k, np.nan), np.full(k, np.inf), np.zeros(k, dtype=int)
        for wd in range(7):
            rows = np.array([t.weekday() == wd for t in targets])
            if not rows.any():
                continue
            win = _windows(vals, h, k)[rows]
            col_wd = np.array([(targets[int(np.argmax(rows))] - dt.timedelta(days=h - j)).weekday()
                               for j in range(h)])
            with warnings.catch_warnings():
                # baseline's event-uplift median warns on rows without past event days.
                warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
                p = expect_panel(win, col_wd, wd, excluded=excluded[rows],
                                 event_today=ev_today[rows], counts=d.unit == "count")
            expected[rows], sd[rows], n[rows] = p.expected, p.sigma, p.n_history
    expected = np.where(n > 0, expected, np.nan)
    low = np.where(n > 0, expected - band_z * sd, np.nan)
    high = np.where(n > 0, expected + band_z * sd, np.nan)
    if name not in SIGNED:
        low = np.maximum(low, 0.0)
    return expected, low, high, n


def _status(value: float | None, low: float, high: float, n: int) -> KpiStatus:
    if value is None or n == 0 or not math.isfinite(low) or not math.isfinite(high):
        return "unavailable"  # no band is shown: nothing says the value is normal
    if value > high:
        return "high"
    if value < low:
        return "low"
    return "normal"


def trend(
    frame: pd.DataFrame,
    name: str,
    targets: Sequence[dt.date],
    *,
    segment: dict[str, str] | None = None,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
) -> tuple[TrendSeries, int]:
    """``name`` on ``targets`` with its expected value and band; also the last day's history size.

    ``frame`` holds daily rows of one segment (``date``, the metric, ``<m>__num`` / ``<m>__den``)
    from ``history_days`` before the first target to the last.
    """
    digits = _decimals(name)
    values = _column(frame, name, targets)
    expected, low, high, n = bands(frame, name, targets, events=events, band_z=band_z,
                                   history_days=history_days)
    series = TrendSeries(
        metric=name, segment=dict(segment or {}), dates=list(targets),
        values=[clean(v, digits) for v in values],
        expected=[clean(v, digits) for v in expected],
        low=[clean(v, digits) for v in low],
        high=[clean(v, digits) for v in high],
    )
    return series, int(n[-1])


def build(
    frame: pd.DataFrame,
    day: dt.date,
    metrics: Sequence[str] = BRIEF_KPIS,
    *,
    trend_days: int = 56,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
) -> tuple[list[Kpi], dict[str, TrendSeries]]:
    """KPI cards of ``day`` and each KPI's trend over the ``trend_days`` days up to it."""
    targets = [day - dt.timedelta(days=i) for i in range(trend_days - 1, -1, -1)]
    kpis: list[Kpi] = []
    trends: dict[str, TrendSeries] = {}
    for name in metrics:
        digits = _decimals(name)
        series, n = trend(frame, name, targets, events=events, band_z=band_z,
                          history_days=history_days)
        value = series.values[-1]
        back = _column(frame, name, [day - dt.timedelta(days=s) for s in COMPARISONS.values()])
        changes = {c: clean(relative_change(value, clean(b, digits)), 4)
                   for c, b in zip(COMPARISONS, back, strict=True)}
        assert series.low is not None
        assert series.high is not None
        assert series.expected is not None
        low, high = series.low[-1], series.high[-1]
        status = _status(value, math.nan if low is None else low, math.nan if high is None else high, n)
        kpis.append(Kpi(
            metric=name, value=value, dod=changes["dod"], wow=changes["wow"], mom=changes["mom"],
            yoy=changes["yoy"], expected=series.expected[-1], status=status,
            favourable=_favourable(name, status, changes),
        ))
        trends[name] = series
    return kpis, trends
