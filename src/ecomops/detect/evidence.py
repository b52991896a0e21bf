"""Evidence series of findings: the metric on its segment with the expected band, and ``since``.

The expected value of each of the last ``BAND_DAYS`` days is re-computed from the history before
that day only (what a brief on that day would have said), so the band never uses the future.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ecomops.detect import baseline
from ecomops.detect.findings import Finding
from ecomops.detect.scan import Candidate, Context
from ecomops.report.model import TrendSeries

BAND_DAYS = 14
SINCE_DAYS = 7
SINCE_Z = 2.0


def _bands(c: Candidate, ctx: Context, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, expected values and sds of the last ``days`` days of the candidate's series.

    One panel row per day ``j``: the history is the series with day ``j`` and later blanked
    (unknown), so each expected value only sees what was known before its day.
    """
    num = np.asarray(c.series["num"], dtype=float)
    den = c.series.get("den")
    ev = np.asarray(c.series["events"], dtype=bool)
    t = len(num)
    wd = np.array([d.weekday() for d in ctx.dates])
    vals, exps, sds = np.full(t, np.nan), np.full(t, np.nan), np.full(t, np.nan)
    with np.errstate(all="ignore"):
        vals[:] = num / np.asarray(den, dtype=float) if den is not None else num
    js = np.arange(max(t - days, 14), t)
    if len(js) == 0:
        return vals, exps, sds
    future = np.arange(t - 1)[None, :] >= js[:, None]  # rows x history columns

    def blank(x: np.ndarray) -> np.ndarray:
        return np.where(future, np.nan, np.broadcast_to(x[: t - 1], future.shape))

    excluded = np.broadcast_to(ev[: t - 1], future.shape)
    if den is None:
        p = baseline.expect_panel(
            blank(num),
            wd[: t - 1],
            wd[js],
            excluded=excluded,
            event_today=ev[js],
            counts=c.family != "margin",
        )
        exps[js], sds[js] = p.expected, p.sigma
    else:
        d = np.asarray(den, dtype=float)
        r = baseline.expect_ratio_panel(
            blank(num),
            blank(d),
            d[js],
            excluded=excluded,
            binomial=c.metric in {"conversion_rate", "ad_ctr", "late_delivery_rate"},
            event_today=ev[js],
        )
        exps[js], sds[js] = r.rate, r.sd
    return vals, exps, sds


def since(c: Candidate, ctx: Context) -> dt.date:
    """First day of the run of days, ending on the reviewed day, with the same deviation."""
    if not c.series:
        return ctx.day
    vals, exps, sds = _bands(c, ctx, SINCE_DAYS + 1)
    sign = 1 if c.direction == "up" else -1
    first = ctx.day
    for j in range(len(vals) - 2, len(vals) - 2 - SINCE_DAYS, -1):
        if j < 0 or not np.isfinite(exps[j]) or not np.isfinite(sds[j]) or sds[j] <= 0:
            break
        if sign * (vals[j] - exps[j]) / sds[j] >= SINCE_Z:
            first = ctx.dates[j]
        else:
            break
    return first


def _clean(x: np.ndarray) -> list[float | None]:
    return [None if not np.isfinite(v) else round(float(v), 6) for v in x]


def trends(findings: list[Finding], cands: list[Candidate], ctx: Context) -> dict[str, TrendSeries]:
    """Per finding id, its metric on its segment over the history window, with the band."""
    index = {(c.metric, tuple(sorted(c.segment.items()))): c for c in cands}
    out: dict[str, TrendSeries] = {}
    for f in findings:
        c = index.get((f.metric, tuple(sorted(f.segment.items()))))
        if c is None or not c.series:
            continue
        vals, exps, sds = _bands(c, ctx, BAND_DAYS)
        out[f.id] = TrendSeries(
            metric=f.metric,
            segment=dict(f.segment),
            dates=list(ctx.dates),
            values=_clean(vals),
            expected=_clean(exps),
            low=_clean(exps - ctx.band_z * sds),
            high=_clean(exps + ctx.band_z * sds),
        )
    return out
