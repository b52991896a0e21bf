"""Available stock and days of cover: one definition, one computation (pure).

Every page, CLI command and export that shows these numbers takes them from here:

- ``available`` = the sellable stock on hand: ``on_hand − reserved``, never below zero. Stock in
  transit (``inbound``) is *not* available; the plan shows it apart and counts it where a plan
  needs it (the stock position that decides an order, the projected stock-out date).
- ``days_of_cover`` = ``available ÷ daily_demand``: how many days the stock on hand lasts at the
  expected daily demand (the plan's ``daily_demand``: the mean forecast units a day over the
  next four weeks). Zero when nothing is available; empty (NaN) when there is no demand.
- For a SKU over several warehouses: ``Σ available ÷ Σ daily_demand`` (``by_sku``).

Rounded to one decimal, from the ``daily_demand`` the row shows (kept to four decimals), so
anyone can recompute it from the two columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DECIMALS = 1


def available(on_hand: pd.Series | np.ndarray, reserved: pd.Series | np.ndarray) -> np.ndarray:
    """Sellable stock on hand: ``max(on_hand − reserved, 0)``; missing values count as 0."""
    oh = np.nan_to_num(np.asarray(on_hand, dtype=float))
    rs = np.nan_to_num(np.asarray(reserved, dtype=float))
    return np.maximum(oh - rs, 0.0)


def days_of_cover(stock: pd.Series | np.ndarray, daily_demand: pd.Series | np.ndarray) -> np.ndarray:
    """``stock ÷ daily_demand`` rounded to one decimal; NaN without demand, 0 without stock."""
    s = np.maximum(np.nan_to_num(np.asarray(stock, dtype=float)), 0.0)
    d = np.nan_to_num(np.asarray(daily_demand, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d > 0, s / np.where(d > 0, d, 1.0), np.nan)
    return np.round(out, DECIMALS)


def by_sku(rows: pd.DataFrame) -> pd.DataFrame:
    """``sku, available, in_transit, daily_demand, days_of_cover`` per SKU from plan rows
    (``replenish.plan``), summed over warehouses."""
    g = rows.groupby("sku", as_index=False, sort=True).agg(
        available=("available", "sum"), in_transit=("inbound", "sum"), daily_demand=("daily_demand", "sum"))
    g["days_of_cover"] = days_of_cover(g["available"], g["daily_demand"])
    return g
