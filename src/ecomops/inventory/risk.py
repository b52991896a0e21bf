"""Stock-out risk per SKU across its warehouses, in money and days (pure).

A SKU is out of stock only when every warehouse is: a warehouse that runs dry passes its orders
to another one, so the money question is asked of the SKU's total. For each SKU:

- ``sellable`` = Σ warehouses max(on_hand − reserved, 0); inbound arrives on its ETA (without an
  ETA: after one lead time; an overdue ETA: tomorrow);
- ``days_of_cover`` = sellable ÷ daily demand (``ecomops.inventory.cover``, the definition every
  page uses); the stock, with inbound on its ETA, walks the daily demand forward and the first
  day demand exceeds it is the ``stockout_date``;
- ``relief_date``: when stock comes back, the first inbound after the stock-out or an order
  placed today (one lead time), whichever is earlier;
- ``lost_units`` / ``expected_lost_gmv``: demand the stock cannot serve before an order placed
  today can arrive, at the realised unit price; a SKU whose inbound arrives before it runs out
  loses nothing; ``daily_gmv`` = daily demand × price, the GMV lost on each day it is out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecomops.inventory import cover as cover_of
from ecomops.inventory.replenish import walk

MIN_HORIZON = 28


def sku_risk(
    positions: pd.DataFrame,
    rates: pd.DataFrame,
    products: pd.DataFrame,
    as_of: dt.date,
    *,
    default_lead_time: int = 14,
) -> pd.DataFrame:
    """One row per SKU of ``positions`` (``sku, warehouse, on_hand, reserved, inbound,
    inbound_eta``), with ``rates`` (``unique_id`` = sku, ``daily_demand``, ``price``) and
    ``products`` (``sku, price, lead_time_days, supplier, status``)."""
    pos = positions.copy()
    pos["sellable"] = cover_of.available(pos["on_hand"], pos["reserved"])
    pos["inbound"] = pos["inbound"].fillna(0).clip(lower=0)
    per = pos.groupby("sku", as_index=False).agg(
        sellable=("sellable", "sum"), on_hand=("on_hand", "sum"), inbound=("inbound", "sum"),
        warehouses=("warehouse", "nunique"))
    prod = products.drop_duplicates("sku").set_index("sku")
    rate = rates.set_index("unique_id")
    per["daily_demand"] = per["sku"].map(rate["daily_demand"]).fillna(0.0).to_numpy(dtype=float)
    price = per["sku"].map(rate["price"]) if "price" in rate else pd.Series(np.nan, index=per.index)
    per["price"] = price.fillna(per["sku"].map(prod["price"])).fillna(0.0).astype(float)
    lead = per["sku"].map(prod["lead_time_days"]).fillna(default_lead_time).clip(lower=1).astype(int)
    per["lead_time_days"] = lead
    per["supplier"] = per["sku"].map(prod["supplier"]).fillna("").replace("", "unassigned")
    per["on_sale"] = per["sku"].map(prod["status"]).fillna("on_sale").ne("off_shelf")

    n = len(per)
    lead_arr = lead.to_numpy()
    horizon = int(max(lead_arr.max(initial=0) + 1, MIN_HORIZON))
    row = per.reset_index().set_index("sku")["index"]
    eta = pd.to_datetime(pos["inbound_eta"])
    day = ((eta - pd.Timestamp(as_of)).dt.days - 1).to_numpy(dtype=float)
    own_lead = lead_arr[row.loc[pos["sku"]].to_numpy()]
    day = np.where(np.isnan(day), own_lead - 1, day).clip(0, None).astype(int)
    arrivals = np.zeros((n, horizon))
    has = (pos["inbound"].to_numpy() > 0) & (day < horizon)
    np.add.at(arrivals, (row.loc[pos.loc[has, "sku"]].to_numpy(), day[has]), pos.loc[has, "inbound"])
    dem = np.repeat(per["daily_demand"].to_numpy()[:, None], horizon, axis=1)
    cover, lost = walk(per["sellable"].to_numpy(dtype=float), arrivals, dem, lead_arr)
    selling = per["daily_demand"].to_numpy() > 0
    cover = np.where(selling, cover, np.nan)

    t = np.arange(horizon)[None, :]
    after = (arrivals > 0) & (t >= np.floor(np.nan_to_num(cover, nan=np.inf))[:, None])
    first = np.where(after.any(axis=1), after.argmax(axis=1), np.iinfo(np.int64).max)
    relief = np.minimum(first, lead_arr)
    stockout = [None if np.isnan(c) else as_of + dt.timedelta(days=int(c) + (0 if c <= 0 and s <= 0 else 1))
                for c, s in zip(cover, per["sellable"], strict=True)]
    per["days_of_cover"] = cover_of.days_of_cover(per["sellable"], per["daily_demand"])
    per["stockout_date"] = stockout
    per["relief_date"] = [None if s is None else as_of + dt.timedelta(days=int(r) + 1)
                          for s, r in zip(stockout, relief, strict=True)]
    per["lost_units"] = np.round(lost, 1)
    per["expected_lost_gmv"] = np.round(lost * per["price"].to_numpy(), 2)
    per["daily_gmv"] = np.round(per["daily_demand"] * per["price"], 2)
    return per.sort_values(["expected_lost_gmv", "sku"], ascending=[False, True], ignore_index=True)
