"""The fast forecast: each series' recent demand rate on ordinary, in-stock days (pure numpy).

For the morning brief, which must run in about a second, and for ``replenish --fast``: no model
fitting, no cross-validation, no statsforecast import. The rate of a series is the mean daily
units of its last ``window`` *usable* days within ``lookback`` days before ``as_of``:

- a day is censored when the series' stock snapshot of that day shows no stock (``on_hand <= 0``),
  since what sold then is not what was demanded; days without a snapshot count as in stock;
- event days (festivals, promotions) are left out, since they would lift the rate of the
  ordinary days ahead (the uplift of coming events is the full forecast's job);
- a series with fewer than ``min_days`` usable days falls back to its in-stock days, events
  included, then to every day of the lookback.

Days without sales count as zero demand. Also returned: the spread of those days (``sd``, at least
the Poisson √rate; it stands in for the forecast error in safety stock) and the realised unit
price over the lookback (revenue / units). ``benchmarks/forecast_bench.py`` measures what this
costs in accuracy against the cross-validated choice.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

WINDOW = 28
LOOKBACK = 91
MIN_DAYS = 7
COLUMNS = ["unique_id", "daily_demand", "sd", "days_used", "price"]


def _matrix(frame: pd.DataFrame, col: str, ids: pd.Index, start: pd.Timestamp, n: int,
            fill: float) -> np.ndarray:
    out = np.full((len(ids), n), fill)
    if frame.empty:
        return out
    day = (pd.to_datetime(frame["ds"]) - start).dt.days.to_numpy()
    row = ids.get_indexer(frame["unique_id"].astype(str))
    ok = (row >= 0) & (day >= 0) & (day < n)
    values = frame[col].to_numpy(dtype=float)[ok]
    if fill == 0.0:
        np.add.at(out, (row[ok], day[ok]), values)
    else:
        out[row[ok], day[ok]] = values
    return out


def _pick(usable: np.ndarray, window: int) -> np.ndarray:
    """The last ``window`` usable days of each row."""
    rank = np.cumsum(usable[:, ::-1], axis=1)[:, ::-1]
    return usable & (rank <= window)


def recent_rates(
    sales: pd.DataFrame,
    as_of: dt.date,
    *,
    ids: pd.Index | None = None,
    stock: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    window: int = WINDOW,
    lookback: int = LOOKBACK,
    min_days: int = MIN_DAYS,
) -> pd.DataFrame:
    """One row per series (``COLUMNS``) from daily ``unique_id, ds, units[, revenue]``.

    ``ids`` lists the series to rate (default: those of ``sales``); ``stock`` is ``unique_id, ds,
    on_hand`` snapshots; ``events`` is ``ds[, unique_id]`` event days (no ``unique_id``, or a null
    one: every series).
    """
    start = pd.Timestamp(as_of) - pd.Timedelta(days=lookback - 1)
    keys = pd.Index(sorted(sales["unique_id"].astype(str).unique()) if ids is None else ids.astype(str))
    units = _matrix(sales, "units", keys, start, lookback, 0.0)
    revenue = (_matrix(sales, "revenue", keys, start, lookback, 0.0) if "revenue" in sales
               else np.full_like(units, np.nan))
    on_hand = (_matrix(stock, "on_hand", keys, start, lookback, np.nan) if stock is not None
               else np.full_like(units, np.nan))
    in_stock = ~(on_hand <= 0)
    event = np.zeros_like(units, dtype=bool)
    if events is not None and not events.empty:
        ev = events.copy()
        day = (pd.to_datetime(ev["ds"]) - start).dt.days.to_numpy()
        own = ev["unique_id"].notna().to_numpy() if "unique_id" in ev else np.zeros(len(ev), dtype=bool)
        common = np.unique(day[~own & (day >= 0) & (day < lookback)])
        event[:, common] = True
        if own.any():
            row = keys.get_indexer(ev.loc[own, "unique_id"].astype(str))
            d = day[own]
            ok = (row >= 0) & (d >= 0) & (d < lookback)
            event[row[ok], d[ok]] = True
    pick = _pick(in_stock & ~event, window)
    for fallback in (in_stock, np.ones_like(in_stock)):
        thin = pick.sum(axis=1) < min_days
        if not thin.any():
            break
        pick[thin] = _pick(fallback[thin], window)
    n = pick.sum(axis=1)
    mean = np.where(n > 0, (units * pick).sum(axis=1) / np.maximum(n, 1), 0.0)
    var = np.where(n > 0, ((units - mean[:, None]) ** 2 * pick).sum(axis=1) / np.maximum(n, 1), 0.0)
    sold = units.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        price = np.where(sold > 0, np.nansum(revenue, axis=1) / sold, np.nan)
    return pd.DataFrame({
        "unique_id": keys, "daily_demand": mean, "sd": np.maximum(np.sqrt(var), np.sqrt(mean)),
        "days_used": n, "price": price,
    })


def flat_forecast(rates: pd.DataFrame, as_of: dt.date, horizon: int) -> pd.DataFrame:
    """``unique_id, ds, yhat``: each series' rate on every day of the horizon."""
    days = pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=horizon, freq="D")
    return pd.DataFrame({
        "unique_id": np.repeat(rates["unique_id"].to_numpy(), horizon),
        "ds": np.tile(days.to_numpy(), len(rates)),
        "yhat": np.repeat(rates["daily_demand"].to_numpy(dtype=float), horizon),
    })
