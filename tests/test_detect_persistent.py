"""A change that lasts stays a finding: the days it has already lasted never become its baseline
(issue 13: a SKU's conversion fell for four days while visitors held and was in no brief)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecomops.detect.baseline import expect_panel, expect_ratio_panel, ongoing_run
from ecomops.detect.hierarchy import prune
from ecomops.detect.sales import sales_candidates
from ecomops.detect.scan import Context
from ecomops.detect.service import _merge_same_segment

END = dt.date(2026, 12, 3)
DROP_DAYS = 4
HISTORY = 56


def _store(seed: int = 5) -> pd.DataFrame:
    """Leaf rows (date x channel x source x SKU) of a small shop; SKU-0117 on tmall converts
    at a fifth of its rate over the last ``DROP_DAYS`` days while its visitors hold."""
    rng = np.random.default_rng(seed)
    first = END - dt.timedelta(days=HISTORY + 10)
    days = [first + dt.timedelta(days=i) for i in range((END - first).days + 1)]
    rows = []
    skus = [f"SKU-{i:04d}" for i in range(110, 122)]
    for d in days:
        weekly = 1.0 + 0.15 * (d.weekday() >= 5)
        for ch in ("tmall", "jd"):
            for src in ("search", "ads"):
                for k, sku in enumerate(skus):
                    base = 250 + 30 * k if ch == "tmall" else 120 + 15 * k
                    vis = int(rng.poisson(base * weekly))
                    conv = 0.04 * float(rng.lognormal(0, 0.12))
                    if sku == "SKU-0117" and ch == "tmall" and d > END - dt.timedelta(days=DROP_DAYS):
                        conv = 0.008
                    orders = int(rng.binomial(vis, conv))
                    units = orders
                    gmv = orders * 120.0
                    rows.append((d, ch, src, sku, "厨具" if k % 2 else "家居", vis, orders, units,
                                 gmv, gmv * 0.55, gmv, gmv * 1.1))
    return pd.DataFrame(rows, columns=["date", "channel", "source", "sku", "category", "visitors",
                                       "orders", "units", "gmv", "cost", "gmv_costed", "list_value"])


def _ctx(day: dt.date, leaves: pd.DataFrame) -> Context:
    dates = [day - dt.timedelta(days=i) for i in range(HISTORY, -1, -1)]
    promos = pd.DataFrame(columns=["promo_id", "channel", "skus", "start_date", "end_date", "kind", "value"])
    return Context(day=day, dates=dates, festivals={}, promos=promos, channel_share={"tmall": 0.6, "jd": 0.4},
                   band_z=3.0, min_impact=300.0, min_volume=30, high_impact=900.0,
                   category_of=dict(zip(leaves["sku"], leaves["category"], strict=True)))


@pytest.mark.parametrize("back", range(DROP_DAYS))
def test_a_four_day_conversion_drop_is_a_finding_on_each_of_its_days(back: int) -> None:
    leaves = _store()
    day = END - dt.timedelta(days=back)
    ctx = _ctx(day, leaves)
    cands = sales_candidates(leaves[leaves["date"] <= day], ctx, per_sku_visitors=True)
    kept = _merge_same_segment(prune([c for c in cands if c.family == "sales"]))
    hits = [c for c in kept if c.metric == "conversion_rate" and c.segment.get("sku") == "SKU-0117"]
    assert [c.segment for c in hits] == [{"channel": "tmall", "sku": "SKU-0117"}]
    assert hits[0].direction == "down"
    # the expected rate is the rate from before the drop, whatever day of it is reviewed
    assert hits[0].expected == pytest.approx(0.04, rel=0.1)


def test_the_days_of_an_ongoing_drop_stay_out_of_the_expected_rate() -> None:
    rng = np.random.default_rng(3)
    den = rng.poisson(3000, size=(1, 56)).astype(float)
    rate = np.r_[np.full(53, 0.04), np.full(3, 0.008)]
    num = rng.binomial(den.astype(int), rate).astype(float)
    got = expect_ratio_panel(num, den, np.array([3000.0]))
    assert got.rate[0] == pytest.approx(0.04, rel=0.05)
    # the band does not widen with the drop's own days either
    z = (0.008 - got.rate[0]) / got.sd[0]
    assert z < -8


def test_the_days_of_an_ongoing_drop_stay_out_of_an_expected_sum() -> None:
    rng = np.random.default_rng(4)
    x = np.r_[rng.poisson(500, 52), rng.poisson(150, 4)].astype(float)[None, :]
    wd = np.arange(56) % 7
    got = expect_panel(x, wd, 0)
    assert got.expected[0] == pytest.approx(500, rel=0.05)


def test_a_quiet_series_keeps_all_its_days() -> None:
    rng = np.random.default_rng(6)
    den = rng.poisson(3000, size=(40, 56)).astype(float)
    num = rng.binomial(den.astype(int), 0.04).astype(float)
    with np.errstate(all="ignore"):
        z = (num / den - 0.04) / np.sqrt(0.04 * 0.96 / den)
    assert not ongoing_run(z, np.ones_like(z, dtype=bool)).any()


def test_a_change_that_lasted_past_the_shift_window_is_the_new_level() -> None:
    z = np.r_[np.zeros(30), np.full(26, -6.0)][None, :]
    assert not ongoing_run(z, np.ones_like(z, dtype=bool)).any()
    z = np.r_[np.zeros(50), np.full(6, -6.0)][None, :]
    assert ongoing_run(z, np.ones_like(z, dtype=bool))[0, -6:].all()
