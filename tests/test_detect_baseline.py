"""The baseline: expected values and bands of daily series and rates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecomops.detect.baseline import expect, expect_ratio
from ecomops.detect.hierarchy import prune
from ecomops.detect.scan import Candidate

DAY = dt.date(2026, 6, 10)
WEEKLY = np.array([1.0, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3])


def _series(days: int = 56, level: float = 1000.0, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    dates = [DAY - dt.timedelta(days=i) for i in range(days, 0, -1)]
    vals = [rng.poisson(level * WEEKLY[d.weekday()]) for d in dates]
    return pd.Series(vals, index=pd.to_datetime(dates), dtype=float)


def test_expect_follows_weekly_seasonality_within_noise() -> None:
    s = _series()
    e = expect(s, DAY, counts=True)
    truth = 1000.0 * WEEKLY[DAY.weekday()]
    assert abs(e.expected - truth) < 0.05 * truth
    assert e.low < truth < e.high
    assert e.status(truth * 0.5) == "low"
    assert e.status(truth) == "normal"


def test_expect_ignores_future_values_and_missing_history() -> None:
    s = _series()
    later = pd.Series([1e9], index=pd.to_datetime([DAY]))
    assert expect(pd.concat([s, later]), DAY).expected == expect(s, DAY).expected
    empty = expect(pd.Series([], dtype=float), DAY)
    assert empty.n_history == 0
    assert empty.status(5.0) == "unavailable"


def test_expect_keeps_event_days_out_of_the_level() -> None:
    s = _series()
    festival = [DAY - dt.timedelta(days=i) for i in (3, 4, 5, 6)]
    boosted = s.copy()
    boosted[pd.to_datetime(festival)] *= 5
    plain = expect(s, DAY)
    aware = expect(boosted, DAY, events=festival)
    naive = expect(boosted, DAY)
    assert abs(aware.expected - plain.expected) < 0.05 * plain.expected
    assert naive.expected > aware.expected * 1.1


def test_expect_ratio_band_is_wider_on_small_denominators() -> None:
    rng = np.random.default_rng(1)
    dates = pd.to_datetime([DAY - dt.timedelta(days=i) for i in range(56, 0, -1)])
    den = pd.Series(rng.integers(20_000, 40_000, len(dates)), index=dates, dtype=float)
    num = pd.Series(rng.binomial(den.astype(int), 0.03), index=dates, dtype=float)
    small = expect_ratio(num, den, DAY, 30)
    large = expect_ratio(num, den, DAY, 30_000)
    assert abs(large.expected - 0.03) < 0.002
    assert small.high - small.low > 10 * (large.high - large.low)
    # the same 1.1% conversion: alarming on 30,000 visitors, noise on 30
    assert large.status(0.011) == "low"
    assert small.status(0.011) == "normal"


def _cand(segment: dict[str, str], a: float, e: float) -> Candidate:
    return Candidate(
        family="sales", module="traffic", process_step="traffic", metric="visitors", segment=segment,
        scope=dict(segment), direction="down" if a < e else "up", observed=a, expected=e,
        z=(a - e) / e**0.5, impact=a - e, a=a, e=e, v=e, volume=e,
    )


def test_prune_keeps_the_category_not_its_inheriting_skus() -> None:
    cat = _cand({"category": "food"}, 600, 1000)
    skus = [_cand({"category": "food", "sku": f"S{i}"}, 120, 200) for i in range(5)]
    store = _cand({}, 9_620, 10_000)
    kept = prune([store, cat, *skus])
    assert [c.segment for c in kept] == [{"category": "food"}]


def test_prune_keeps_the_child_that_explains_its_parent() -> None:
    sku = _cand({"sku": "S1"}, 700, 1000)
    child = _cand({"channel": "tmall", "sku": "S1"}, 100, 400)
    kept = prune([sku, child])
    assert [c.segment for c in kept] == [{"channel": "tmall", "sku": "S1"}]


def test_rate_level_follows_the_last_two_weeks_after_a_festival_gap() -> None:
    # 28 ordinary days at 2.5%, 22 festival days left out, then 6 ordinary days at 2.2%:
    # the level from before the season is stale and moves towards the recent days.
    from ecomops.detect.baseline import expect_ratio_panel

    rates = np.r_[np.full(28, 0.025), np.full(22, 0.036), np.full(6, 0.022)]
    den = np.full((1, 56), 13000.0)
    excluded = np.r_[np.zeros(28, bool), np.ones(22, bool), np.zeros(6, bool)][None, :]
    stale = expect_ratio_panel(rates[None, :28] * den[:, :28], den[:, :28], np.array([13000.0]))
    got = expect_ratio_panel(rates[None, :] * den, den, np.array([13000.0]), excluded=excluded)
    assert abs(stale.rate[0] - 0.025) < 1e-9
    assert got.rate[0] < 0.0240


def test_an_event_day_is_expected_from_past_days_of_its_own_kind() -> None:
    # Warm-up days convert at 1.9%, peak days at 3.6%; a warm-up day is not expected at their mix.
    from ecomops.detect.baseline import expect_ratio_panel

    kinds = np.r_[np.zeros(20, int), np.full(10, 1), np.full(3, 2), np.full(6, 1), np.full(2, 2),
                  np.zeros(14, int)]
    rates = np.select([kinds == 1, kinds == 2], [0.019, 0.036], 0.021)
    den = np.full((1, 55), 15000.0)
    kw = {"excluded": (kinds > 0)[None, :], "event_today": True}
    lumped = expect_ratio_panel(rates[None, :] * den, den, np.array([15000.0]), **kw)
    own = expect_ratio_panel(rates[None, :] * den, den, np.array([15000.0]),
                             like_today=(kinds == 1)[None, :], **kw)
    assert lumped.rate[0] > 0.022
    assert abs(own.rate[0] - 0.0193) < 0.001
