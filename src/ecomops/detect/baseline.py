"""Expected value and band of a daily series, from its own history (pure numpy / pandas).

The model is deliberately cheap, so that it runs on thousands of segments per brief (STACK.md:
on retail series simple seasonal methods are within a few percent of the expensive ones):

- days marked as events (festivals, the shop's promotions) are left out of the history, so a
  festival does not inflate the "normal" level;
- weekly seasonality: weekday factors of the series, shrunk towards the factors of the whole
  panel (a sparse SKU borrows the store's weekly shape);
- level: the mean of the de-seasonalised history over the last ``level_days`` usable days,
  with values beyond 4 robust deviations clipped (one bad day does not move the level);
  trend: the level of the most recent week against the level before, applied when both agree;
- band: robust deviation (MAD) of the de-seasonalised residuals, never below Poisson noise
  for counts; on an event day the expected value carries the series' own event uplift (when
  its history has event days) and the band is widened.

Ratios (conversion, CTR, margin rate, return rate) are judged with their denominators:
``expect_ratio`` returns the band of the *rate* for the day's denominator, with the binomial
variance p(1-p)/n plus the between-day variance of the rate (a beta-binomial in all but name),
so a rate on 30 visitors has a band ten times wider than one on 3,000.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVEL_DAYS = 28
EVENT_WIDEN = 2.0
EVENT_PRIOR_DAYS = 3.0  # pseudo-days of the normal rate in a rate's event-day level
SHRINK_DAYS = 6.0  # pseudo-days of the panel's weekday shape in each series' factors
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Expectation:
    """Expected value of a day and its band (``low``..``high`` at the requested z)."""

    expected: float
    low: float
    high: float
    sigma: float
    n_history: int
    event: bool = False
    method: str = "weekday-level"

    def z(self, observed: float) -> float:
        """Signed distance of ``observed`` from the expected value, in band sigmas."""
        if self.sigma <= 0:
            return 0.0 if observed == self.expected else math.copysign(math.inf, observed - self.expected)
        return (observed - self.expected) / self.sigma

    def status(self, observed: float | None) -> str:
        """``normal`` / ``high`` / ``low`` (``unavailable`` without history or value)."""
        if observed is None or self.n_history == 0 or not math.isfinite(observed):
            return "unavailable"
        if observed > self.high:
            return "high"
        if observed < self.low:
            return "low"
        return "normal"


@dataclass(frozen=True)
class Panel:
    """Expected values of many series for one day (arrays aligned with the panel's rows)."""

    expected: np.ndarray
    sigma: np.ndarray
    n_history: np.ndarray


def _weekday_factors(x: np.ndarray, ok: np.ndarray, wd: np.ndarray) -> np.ndarray:
    """Per-series weekday factors (S x 7), shrunk towards the panel's pooled factors."""
    xs = np.where(ok, x, 0.0)
    cnt = ok.astype(float)
    tot_mean = xs.sum(axis=1) / np.maximum(cnt.sum(axis=1), 1)
    pooled_sum, pooled_cnt = xs.sum(axis=0), cnt.sum(axis=0)
    pooled_mean = pooled_sum.sum() / max(pooled_cnt.sum(), 1)
    out = np.ones((x.shape[0], 7))
    for w in range(7):
        cols = wd == w
        if not cols.any():
            continue
        pw = pooled_sum[cols].sum() / max(pooled_cnt[cols].sum(), 1)
        prior = pw / pooled_mean if pooled_mean > 0 else 1.0
        s_sum, s_cnt = xs[:, cols].sum(axis=1), cnt[:, cols].sum(axis=1)
        own = np.where(
            tot_mean > 0, s_sum / np.maximum(s_cnt, 1) / np.where(tot_mean > 0, tot_mean, 1), prior
        )
        out[:, w] = (own * s_cnt + prior * SHRINK_DAYS) / (s_cnt + SHRINK_DAYS)
    out /= np.maximum(out.mean(axis=1, keepdims=True), 1e-9)
    return np.clip(out, 0.2, 5.0)


def expect_panel(
    history: np.ndarray,
    weekdays: np.ndarray,
    day_weekday: int | np.ndarray,
    *,
    excluded: np.ndarray | None = None,
    event_today: np.ndarray | bool = False,
    counts: bool = True,
    level_days: int = LEVEL_DAYS,
    like_today: np.ndarray | None = None,
) -> Panel:
    """Expected value and sigma for the next day of every row of ``history`` (S x T, oldest first).

    ``weekdays``: weekday (0 = Monday) of each history column; ``day_weekday``: the weekday of
    the day (scalar, or one per row); ``excluded``: S x T or T mask of
    event days left out of the level and band; ``event_today``: whether the day is an event day
    (scalar or per row); ``like_today``: S x T mask of the past days of the same event kind as
    the day (the uplift is learnt from those only; default: every excluded day); ``counts``: the
    values are counts (Poisson floor on the band).
    """
    x = np.asarray(history, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    s, t = x.shape
    ok = np.isfinite(x)
    if excluded is not None:
        ex = np.broadcast_to(np.asarray(excluded, dtype=bool), x.shape)
        ok &= ~ex
    else:
        ex = np.zeros(x.shape, dtype=bool)
    x0 = np.where(np.isfinite(x), x, 0.0)
    if t == 0:
        z = np.zeros(s)
        return Panel(z, z.copy(), z.astype(int))
    wf = _weekday_factors(x0, ok, weekdays)
    y = x0 / wf[:, weekdays]
    run = _ongoing_sum_shift(x0, weekdays, ok, np.isfinite(x), counts, level_days)
    if run.any():
        ok &= ~run
        wf = _weekday_factors(x0, ok, weekdays)
        y = x0 / wf[:, weekdays]
    # Usable recent days: the last ``level_days`` usable columns of each row.
    rank_from_end = np.cumsum(ok[:, ::-1], axis=1)[:, ::-1]
    recent = ok & (rank_from_end <= level_days)
    n = recent.sum(axis=1)
    med = masked_median(y, recent)
    mad = masked_median(np.abs(y - med[:, None]), recent) * MAD_TO_SD
    lo, hi = med - 4 * mad - 1e-9, med + 4 * mad + 1e-9
    yc = np.clip(y, lo[:, None], hi[:, None])
    level = np.where(n > 0, (yc * recent).sum(axis=1) / np.maximum(n, 1), 0.0)
    # Trend: the last 7 usable days against the rest of the window, when they agree robustly.
    last = recent & (rank_from_end <= 7)
    rest = recent & ~last
    n_last, n_rest = last.sum(axis=1), rest.sum(axis=1)
    m_last = (yc * last).sum(axis=1) / np.maximum(n_last, 1)
    m_rest = (yc * rest).sum(axis=1) / np.maximum(n_rest, 1)
    se = np.sqrt(np.maximum(mad, 0) ** 2 * (1 / np.maximum(n_last, 1) + 1 / np.maximum(n_rest, 1)))
    moved = (n_last >= 5) & (n_rest >= 7) & (np.abs(m_last - m_rest) > 2.5 * se) & (se > 0)
    level = np.where(moved, 0.5 * level + 0.5 * m_last, level)
    f_today = wf[np.arange(s), np.broadcast_to(np.asarray(day_weekday, dtype=int), (s,))]
    expected = level * f_today
    resid_sd = mad * f_today
    # Band: robust residual deviation plus the uncertainty of the level itself.
    var = resid_sd**2 * (1 + 1 / np.maximum(n, 1))
    if counts:
        var = np.maximum(var, np.maximum(expected, 0.5))
    var = np.maximum(var, (0.02 * np.abs(expected)) ** 2)
    # Event uplift: the series' own ratio on past event days, when it has some.
    ev_today = np.broadcast_to(np.asarray(event_today, dtype=bool), (s,))
    if ev_today.any():
        past_ev = ex & np.isfinite(x)
        if like_today is not None:
            past_ev = past_ev & np.broadcast_to(np.asarray(like_today, dtype=bool), x.shape)
        ratio = np.where(past_ev, y / np.maximum(level[:, None], 1e-9), np.nan)
        has = past_ev.sum(axis=1) >= 2
        up = np.where(has, masked_median(ratio, past_ev, empty=1.0), 1.0)
        up = np.where(np.isfinite(up), np.clip(up, 0.5, 5.0), 1.0)
        expected = np.where(ev_today, expected * up, expected)
        widen = EVENT_WIDEN**2 * var + (0.25 * np.abs(expected) * np.abs(up - 1)) ** 2
        var = np.where(ev_today, np.maximum(widen, var), var)
    return Panel(expected, np.sqrt(var), n)


SHIFT_DAYS = 14
"""Latest history days where a change still going on is looked for (``ongoing_run``)."""
SHIFT_Z = 3.0
"""A history day this many sigmas away from the days before ``SHIFT_DAYS`` is out of band."""
SHIFT_MIN_REFERENCE = 7
"""Usable days the reference (before the last ``SHIFT_DAYS``) needs for the test to be made."""


def _last_known(known: np.ndarray) -> np.ndarray:
    """Per row, the index of the latest known column (-1 when none)."""
    t = known.shape[1]
    idx = np.where(known, np.arange(t)[None, :], -1)
    return idx.max(axis=1) if t else np.full(known.shape[0], -1)


def ongoing_run(z: np.ndarray, ok: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
    """S x T mask of the change still going on in each row: the run of usable days ending at
    the row's latest known column (``known``, default every column) that are all at least
    ``SHIFT_Z`` sigmas out the same way (unusable days, such as event days, neither extend nor
    end it).

    Such days are kept out of the expected value of the next day (issue 13: a conversion that
    fell four days ago and stayed down must still be a finding, not become the new normal). A
    run covering every usable day of the last ``SHIFT_DAYS`` is the series' new level and is
    kept in the history.
    """
    s, t = z.shape
    out = np.zeros((s, t), dtype=bool)
    if t == 0:
        return out
    end = _last_known(np.ones((s, t), dtype=bool) if known is None else known)
    rows = np.arange(s)
    sign = np.zeros(s)
    alive = end >= 0
    count = np.zeros(s, dtype=int)
    for k in range(SHIFT_DAYS):
        col = end - k
        inside = col >= 0
        c = np.maximum(col, 0)
        zc = np.nan_to_num(z[rows, c])
        usable = ok[rows, c] & alive & inside
        out_of_band = np.abs(zc) >= SHIFT_Z
        sign = np.where(usable & (sign == 0) & out_of_band, np.sign(zc), sign)
        hit = usable & (sign != 0) & out_of_band & (np.sign(zc) == sign)
        out[rows[hit], c[hit]] = True
        count += hit
        alive &= ~(usable & ~hit) & inside
    out[alive & (count > 0)] = False  # not back in band for SHIFT_DAYS days: a new level
    return out


def _reference(ok: np.ndarray, known: np.ndarray, level_days: int) -> np.ndarray:
    """The usable days before each row's last ``SHIFT_DAYS`` known columns, the latest
    ``level_days`` of them."""
    t = ok.shape[1]
    end = _last_known(known)
    ref = ok & (np.arange(t)[None, :] <= (end - SHIFT_DAYS)[:, None])
    rank = np.cumsum(ref[:, ::-1], axis=1)[:, ::-1]
    return ref & (rank <= level_days)


def _ongoing_sum_shift(
    x0: np.ndarray, weekdays: np.ndarray, ok: np.ndarray, known: np.ndarray, counts: bool, level_days: int
) -> np.ndarray:
    """``ongoing_run`` of a sum, de-seasonalised by the weekday factors of the reference days
    and judged against their robust level and spread (rows whose reference has no spread are
    not judged)."""
    ref = _reference(ok, known, level_days)
    n_ref = ref.sum(axis=1)
    if not (n_ref >= SHIFT_MIN_REFERENCE).any():
        return np.zeros(ok.shape, dtype=bool)
    y = x0 / _weekday_factors(x0, ref, weekdays)[:, weekdays]
    med = masked_median(y, ref)
    mad = masked_median(np.abs(y - med[:, None]), ref) * MAD_TO_SD
    var = mad**2 * (1 + 1 / np.maximum(n_ref, 1))
    if counts:
        var = np.maximum(var, np.maximum(med, 0.5))
    sd = np.sqrt(np.maximum(var, (0.02 * np.abs(med)) ** 2))
    judged = (n_ref >= SHIFT_MIN_REFERENCE) & (mad > 0)
    with np.errstate(all="ignore"):
        z = np.where(judged[:, None], (y - med[:, None]) / np.where(sd > 0, sd, np.inf)[:, None], 0.0)
    return ongoing_run(z, ok & judged[:, None], known)


def masked_median(y: np.ndarray, mask: np.ndarray, empty: float = 0.0) -> np.ndarray:
    """Row medians of ``y`` where ``mask`` (``empty`` for rows without a finite masked value).

    Sort-based rather than ``numpy.nanmedian``, which goes through masked arrays and was the
    largest single cost of a brief (hundreds of small panels).
    """
    ok = mask & np.isfinite(y)
    if y.shape[1] == 0:
        return np.full(y.shape[0], empty)
    v = np.sort(np.where(ok, y, np.inf), axis=1)
    n = ok.sum(axis=1)
    rows = np.arange(y.shape[0])
    lo, hi = np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)
    with np.errstate(invalid="ignore"):
        m = 0.5 * (v[rows, lo] + v[rows, hi])
    return np.where(n > 0, m, empty)


@dataclass(frozen=True)
class RatePanel:
    """Expected rate per row and the sd of the day's rate at the day's denominator."""

    rate: np.ndarray
    sd: np.ndarray
    between_sd: np.ndarray
    n_history: np.ndarray


RECENT_DAYS = 14
"""Calendar days whose usable days may move a rate's level (``_recent_rate``)."""
RATIO_SD_FLOOR = 0.01
"""Least sd of a non-binomial ratio (margin rate, AOV), relative to its expected value."""


def expect_ratio_panel(
    num: np.ndarray,
    den: np.ndarray,
    den_today: np.ndarray,
    *,
    excluded: np.ndarray | None = None,
    level_days: int = LEVEL_DAYS,
    binomial: bool = True,
    prior_rate: float | None = None,
    prior_weight: float = 0.0,
    event_today: np.ndarray | bool = False,
    like_today: np.ndarray | None = None,
) -> RatePanel:
    """Expected rate of ``num / den`` per row (S x T history) and its sd at ``den_today``.

    Rate = Σnum / Σden over the last ``level_days`` usable days (optionally shrunk towards
    ``prior_rate`` with ``prior_weight`` pseudo-units of denominator). The day's sd is
    sqrt(p(1-p)/n + τ²) for binomial rates, where τ² is the between-day variance of the rate
    left once sampling noise is removed; for non-binomial ratios (margin rate, AOV) the sampling
    part is estimated from the history's spread per unit of denominator.
    """
    a = np.atleast_2d(np.asarray(num, dtype=float))
    b = np.atleast_2d(np.asarray(den, dtype=float))
    ok = np.isfinite(a) & np.isfinite(b) & (b > 0)
    if excluded is not None:
        ok &= ~np.broadcast_to(np.asarray(excluded, dtype=bool), a.shape)
    ok &= ~_ongoing_rate_shift(a, b, ok, binomial, level_days)
    rank_from_end = np.cumsum(ok[:, ::-1], axis=1)[:, ::-1]
    use = ok & (rank_from_end <= level_days)
    a0, b0 = np.where(use, a, 0.0), np.where(use, b, 0.0)
    sa, sb = a0.sum(axis=1), b0.sum(axis=1)
    if prior_rate is not None and prior_weight > 0:
        rate = (sa + prior_rate * prior_weight) / (sb + prior_weight)
    else:
        rate = np.where(sb > 0, sa / np.maximum(sb, 1e-12), 0.0)
    n = use.sum(axis=1)
    with np.errstate(all="ignore"):
        r_t = np.where(use, a0 / np.where(b0 > 0, b0, 1), np.nan)
        dev2 = (r_t - rate[:, None]) ** 2
        if binomial:
            p = np.clip(rate, 1e-6, 1 - 1e-6)
            samp = p[:, None] * (1 - p[:, None]) / np.where(b0 > 0, b0, np.inf)
            # Between-day variance: weighted excess of the squared deviations over sampling noise.
            w = np.where(use, b0, 0.0)
            excess = np.where(use, dev2 - samp, 0.0)
            tau2 = np.maximum((w * excess).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12), 0.0)
            sd = np.sqrt(p * (1 - p) / np.maximum(den_today, 1e-9) + tau2)
        else:
            # Variance per unit of denominator: Σ b_t (r_t - r)^2 / n  ->  var(r | n) = k / n + 0.
            k = np.where(use, b0 * dev2, 0.0).sum(axis=1) / np.maximum(n, 1)
            tau2 = np.zeros_like(rate)
            # A history without spread (one SKU at one price has the same margin rate every
            # day) says nothing about the next day's noise: keep RATIO_SD_FLOOR of the rate.
            sd = np.maximum(np.sqrt(k / np.maximum(den_today, 1e-9)), RATIO_SD_FLOOR * np.abs(rate))
    rate = _recent_rate(a0, b0, use, rate, sd, den_today, prior_weight > 0)
    ev_today = np.broadcast_to(np.asarray(event_today, dtype=bool), rate.shape)
    if excluded is not None and ev_today.any():
        # On an event day the rate is expected at its level on the row's past event days of the
        # same kind (conversion, delivery times and margins move with festivals), shrunk towards the
        # normal rate by EVENT_PRIOR_DAYS average days of denominator; the shift's own
        # uncertainty widens the band.
        past = np.broadcast_to(np.asarray(excluded, dtype=bool), a.shape)
        past = past & np.isfinite(a) & np.isfinite(b) & (b > 0)
        if like_today is not None:  # only past days of the day's own event kind
            past = past & np.broadcast_to(np.asarray(like_today, dtype=bool), a.shape)
        ea, eb = np.where(past, a, 0.0).sum(axis=1), np.where(past, b, 0.0).sum(axis=1)
        prior = EVENT_PRIOR_DAYS * sb / np.maximum(n, 1)
        with np.errstate(all="ignore"):
            ev_rate = (ea + rate * prior) / (eb + prior)
        shifted = ev_today & (past.sum(axis=1) >= 2) & np.isfinite(ev_rate)
        sd = np.where(shifted, np.sqrt(sd**2 + (0.25 * (ev_rate - rate)) ** 2), sd)
        rate = np.where(shifted, ev_rate, rate)
    sd = np.where(n > 0, sd, np.inf)
    return RatePanel(rate, sd, np.sqrt(tau2), n)


def _ongoing_rate_shift(
    a: np.ndarray, b: np.ndarray, ok: np.ndarray, binomial: bool, level_days: int
) -> np.ndarray:
    """``ongoing_run`` of a rate: each day's rate against the pooled rate of the reference days,
    at that day's denominator (binomial noise plus the reference's between-day variance, or the
    reference's spread per unit of denominator). Rows whose reference has no events (binomial)
    or no spread (other ratios) are not judged."""
    known = np.isfinite(a) & np.isfinite(b)
    ref = _reference(ok, known, level_days)
    n_ref = ref.sum(axis=1)
    if a.shape[1] == 0 or not (n_ref >= SHIFT_MIN_REFERENCE).any():
        return np.zeros(ok.shape, dtype=bool)
    a0, b0 = np.where(ref, a, 0.0), np.where(ref, b, 0.0)
    sa, sb = a0.sum(axis=1), b0.sum(axis=1)
    rate = np.where(sb > 0, sa / np.maximum(sb, 1e-12), 0.0)
    with np.errstate(all="ignore"):
        b_day = np.where(ok & (b > 0), b, np.inf)
        r_day = np.where(ok & (b > 0), a / np.where(b > 0, b, 1.0), np.nan)
        dev2 = np.where(ref, (a0 / np.where(b0 > 0, b0, 1.0) - rate[:, None]) ** 2, 0.0)
        if binomial:
            pr = np.clip(rate, 1e-6, 1 - 1e-6)[:, None]
            samp = pr * (1 - pr) / np.where(ref & (b0 > 0), b0, np.inf)
            excess = np.where(ref, dev2 - samp, 0.0)
            tau2 = np.maximum((b0 * excess).sum(axis=1) / np.maximum(sb, 1e-12), 0.0)
            var = pr * (1 - pr) / b_day + tau2[:, None]
            judged = sa > 0
        else:
            k = (b0 * dev2).sum(axis=1) / np.maximum(n_ref, 1)
            var = np.maximum(k[:, None] / b_day, (RATIO_SD_FLOOR * rate[:, None]) ** 2)
            judged = k > 0
        z = (r_day - rate[:, None]) / np.sqrt(var)
    judged &= n_ref >= SHIFT_MIN_REFERENCE
    z = np.where(judged[:, None] & np.isfinite(z), z, 0.0)
    return ongoing_run(z, ok & judged[:, None], known)


def _recent_rate(
    a0: np.ndarray,
    b0: np.ndarray,
    use: np.ndarray,
    rate: np.ndarray,
    sd: np.ndarray,
    den_today: np.ndarray,
    shrunk: bool,
) -> np.ndarray:
    """The level moved halfway to the usable days of the last two weeks when they differ
    robustly from the rest of the window (``expect_panel``'s trend rule for sums, but counted in
    calendar days: after a festival season the usable days reach weeks back, and a level from
    before the season is stale)."""
    if shrunk:
        return rate  # a rate shrunk to a prior is a small segment's: too few events for a trend
    recent_cols = np.arange(use.shape[1]) >= use.shape[1] - RECENT_DAYS
    last = use & recent_cols[None, :]
    rest = use & ~last
    la, lb = (a0 * last).sum(axis=1), (b0 * last).sum(axis=1)
    ra, rb = (a0 * rest).sum(axis=1), (b0 * rest).sum(axis=1)
    with np.errstate(all="ignore"):
        r_last = np.where(lb > 0, la / np.maximum(lb, 1e-12), rate)
        r_rest = np.where(rb > 0, ra / np.maximum(rb, 1e-12), rate)
        # sd of a one-day rate at the day's denominator, scaled to each part's denominator
        var_unit = (sd**2) * np.maximum(den_today, 1e-9)
        se = np.sqrt(var_unit / np.maximum(lb, 1e-9) + var_unit / np.maximum(rb, 1e-9))
    moved = (last.sum(axis=1) >= 5) & (rest.sum(axis=1) >= 7) & (se > 0) & np.isfinite(se)
    moved &= np.abs(r_last - r_rest) > 2.5 * se
    return np.where(moved, 0.5 * rate + 0.5 * r_last, rate)


def _history_arrays(
    history: pd.Series, day: dt.date, events: Collection[dt.date], history_days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dt.date]]:
    idx = pd.to_datetime(pd.Index(history.index)).date
    s = pd.Series(np.asarray(history, dtype=float), index=idx)
    s = s[~s.index.duplicated(keep="last")]
    days = [day - dt.timedelta(days=i) for i in range(history_days, 0, -1)]
    vals = s.reindex(days).to_numpy(dtype=float)
    ev = set(events)
    return (vals, np.array([d.weekday() for d in days]), np.array([d in ev for d in days]), days)


def expect(
    history: pd.Series,
    day: dt.date,
    *,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
    counts: bool = False,
) -> Expectation:
    """Expected value of ``day`` from ``history`` (a daily series with a date index).

    Only the ``history_days`` days before ``day`` are used (later values are ignored, so a
    re-run for a past date gives the same answer); missing days are unknown, not zero. Days in
    ``events`` (festival days, promotion days) are kept out of the level; when ``day`` itself is
    one, the expected value carries the series' past event uplift and the band is widened.
    ``counts=True`` floors the band at Poisson noise (orders, visitors, units).
    """
    vals, wd, ex, _ = _history_arrays(history, day, events, history_days)
    p = expect_panel(vals, wd, day.weekday(), excluded=ex, event_today=day in set(events), counts=counts)
    e, sd, n = float(p.expected[0]), float(p.sigma[0]), int(p.n_history[0])
    if n == 0:
        return Expectation(math.nan, -math.inf, math.inf, math.inf, 0, day in set(events), "none")
    return Expectation(e, e - band_z * sd, e + band_z * sd, sd, n, day in set(events))


def expect_ratio(
    numerator: pd.Series,
    denominator: pd.Series,
    day: dt.date,
    denominator_today: float,
    *,
    events: Collection[dt.date] = (),
    band_z: float = 3.0,
    history_days: int = 56,
    binomial: bool = True,
) -> Expectation:
    """Expected *rate* numerator/denominator of ``day``, with its band at ``denominator_today``."""
    a, _, ex, _ = _history_arrays(numerator, day, events, history_days)
    b, _, _, _ = _history_arrays(denominator, day, events, history_days)
    p = expect_ratio_panel(a, b, np.array([denominator_today]), excluded=ex, binomial=binomial)
    r, sd, n = float(p.rate[0]), float(p.sd[0]), int(p.n_history[0])
    if n == 0:
        return Expectation(math.nan, -math.inf, math.inf, math.inf, 0, day in set(events), "none")
    if day in set(events):
        sd *= EVENT_WIDEN
    return Expectation(r, r - band_z * sd, r + band_z * sd, sd, n, day in set(events), "pooled-rate")
