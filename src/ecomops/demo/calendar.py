"""Daily demand multipliers: growth, weekly and yearly seasonality, festivals, product life cycle."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecomops.promo.calendar import events

CHANNELS = ("tmall", "jd", "douyin", "shopify")
# Share of the shop's visitors at the end of the window, and yearly growth.
CHANNEL_SHARE = np.array([0.37, 0.25, 0.28, 0.10])
CHANNEL_GROWTH = np.array([0.10, 0.05, 0.55, 0.30])
# Monday .. Sunday.
WEEKLY = {
    "cn": np.array([0.98, 0.96, 0.95, 0.97, 1.01, 1.07, 1.10]),
    "global": np.array([1.06, 1.02, 0.99, 0.98, 0.95, 0.96, 1.05]),
}
# (visitor multiplier, conversion multiplier) per festival phase.
FESTIVAL: dict[tuple[str, str], tuple[float, float]] = {
    ("d1111", "peak"): (2.5, 1.6), ("d1111", "warmup"): (1.25, 0.78), ("d1111", "after"): (0.85, 0.9),
    ("d618", "peak"): (1.9, 1.4), ("d618", "warmup"): (1.15, 0.85), ("d618", "after"): (0.9, 0.92),
    ("d1212", "peak"): (1.6, 1.25), ("d1212", "warmup"): (1.1, 0.9),
    ("black_friday", "peak"): (2.1, 1.5), ("black_friday", "warmup"): (1.15, 0.92),
    ("cyber_monday", "peak"): (1.8, 1.35),
    ("womens_day", "peak"): (1.45, 1.2), ("womens_day", "warmup"): (1.1, 1.0),
    ("new_year_goods", "peak"): (1.12, 1.05),
    ("spring_festival", "logistics_stop"): (0.72, 0.85),
    ("public_holiday", "holiday"): (0.94, 0.98),
}
# Extra pull of an event on the categories it is about.
CATEGORY_EVENT = {("new_year_goods", "食品"): 1.6, ("womens_day", "美妆"): 1.3, ("womens_day", "女装"): 1.25,
                  ("spring_festival", "食品"): 1.2}


def window(end: dt.date, days: int = 730) -> pd.DatetimeIndex:
    """The generated days: ``days`` days ending on ``end``."""
    return pd.date_range(end=pd.Timestamp(end), periods=days, freq="D")


def event_table(dates: pd.DatetimeIndex) -> pd.DataFrame:
    ev = events(dates[0].date(), dates[-1].date())
    ev["di"] = (pd.to_datetime(ev["date"]) - dates[0]).dt.days
    return ev


def channel_factors(
    dates: pd.DatetimeIndex, rng: np.random.Generator, ev: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """Visitor and conversion multipliers per day x channel (shares included in visitors)."""
    n = len(dates)
    t = np.arange(n) / 365.0
    years = t[-1]
    growth = np.exp(np.outer(t - years, np.log1p(CHANNEL_GROWTH)))
    dow = dates.dayofweek.to_numpy()
    weekly = np.stack([WEEKLY["global" if c == "shopify" else "cn"][dow] for c in CHANNELS], axis=1)
    doy = dates.dayofyear.to_numpy()
    yearly = 1.0 + 0.08 * np.cos(2 * np.pi * (doy - 330) / 365.0)  # Q4 high, summer lull
    vis = CHANNEL_SHARE * growth * weekly * yearly[:, None]
    conv = np.ones((n, len(CHANNELS)))
    for row in ev.itertuples(index=False):
        v, c = FESTIVAL.get((row.event, row.phase), (1.0, 1.0))
        for ci, ch in enumerate(CHANNELS):
            if row.channels == "all" or ch in row.channels.split("|"):
                vis[row.di, ci] *= v
                conv[row.di, ci] *= c
    # Day-to-day drift (AR(1) in logs) so no two weeks look the same.
    noise = np.zeros((n, len(CHANNELS)))
    shocks = rng.normal(0, 0.035, size=(n, len(CHANNELS)))
    for i in range(1, n):
        noise[i] = 0.75 * noise[i - 1] + shocks[i]
    return vis * np.exp(noise), conv


def sku_factors(dates: pd.DatetimeIndex, catalog: pd.DataFrame, ev: pd.DataFrame) -> np.ndarray:
    """Demand multiplier per day x SKU: category seasonality, event pulls, life cycle."""
    doy = dates.dayofyear.to_numpy()[:, None]
    amp = catalog["season_amp"].to_numpy()[None, :]
    peak = catalog["season_peak"].to_numpy()[None, :]
    f = 1.0 + amp * np.cos(2 * np.pi * (doy - peak) / 365.0)
    cats = catalog["category"].to_numpy()
    for (event, cat), mult in CATEGORY_EVENT.items():
        di = ev.loc[ev["event"] == event, "di"].to_numpy()
        f[np.ix_(di, cats == cat)] *= mult
    day = dates.to_numpy()[:, None]
    launch = pd.to_datetime(catalog["launch_date"]).to_numpy()[None, :]
    age = (day - launch) / np.timedelta64(1, "D")
    ramp = np.clip((age + 1) / 45.0, 0.0, 1.0) * (age >= 0)
    stop = pd.to_datetime(catalog["stop_date"]).to_numpy()[None, :]
    alive = ~(day >= stop)  # NaT compares False: SKUs without a stop date stay alive
    return f * ramp * alive
