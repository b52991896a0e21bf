"""The replenishment plan per SKU and warehouse, and purchase orders by supplier (pure).

For every stock position (latest snapshot of a SKU in a warehouse) and its daily forecast:

- ``available`` = the sellable stock on hand, max(on_hand − reserved, 0), and ``days_of_cover``
  = available ÷ ``daily_demand`` (the mean forecast of the next four weeks): one definition,
  ``ecomops.inventory.cover``. Stock in transit is not available: ``inbound`` is shown apart;
- ``stock_position`` = on_hand − reserved + the inbound whose ETA falls within lead time + target
  cover (inbound without an ETA is expected after one lead time): what an order is decided on;
- the projected stock walks the forecast day by day, adding inbound on its ETA day; the first
  day demand exceeds stock is the ``stockout_date`` (the projection is extrapolated at the last
  weeks' rate beyond the forecast horizon);
- ``safety_stock`` = z(service level) · σ · √lead time, σ the daily forecast error (RMSE) found
  in cross-validation; ``reorder_point`` = forecast demand over the lead time + safety stock;
- when the stock position is at or below the reorder point, order up to the demand
  of lead time + target cover plus safety stock, at least the MOQ;
- ``risk``: ``high`` when the projection runs out before an order placed today could arrive (or
  is out already with nothing arriving first), ``medium`` when it must be ordered now (or runs
  out within a week after the lead time), else ``low``;
- ``expected_lost_gmv``: the units the projection cannot serve within the lead time × price.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ecomops.inventory import cover as cover_of

PLAN_COLUMNS = (
    "sku", "warehouse", "available", "daily_demand", "days_of_cover", "stockout_date",
    "reorder_point", "safety_stock", "suggested_order_qty", "supplier", "risk",
)
RATE_DAYS = 28
MIN_CYCLE_UNITS = 0.5
DEMAND_DECIMALS = 4
"""``daily_demand`` keeps four decimals: days of cover is computed from the value shown in the row
(two decimals made 254 units at 0.0714 a day read 1,814 days instead of 1,778)."""
MAX_STOCKOUT_DAYS = 366
"""A stock-out further away than this is not projected (``stockout_date`` empty)."""
DEMAND_FLOOR = 1e-9
"""Units a day below which a forecast is zero: one unit in 2.7 million years is no demand, and
dividing stock by such a rate (a subnormal 2.2e-308 from a model) overflows to infinite cover."""


@dataclass(frozen=True)
class PlanPolicy:
    service_level: float = 0.95
    target_cover_days: int = 30
    default_lead_time: int = 14
    overstock_factor: float = 3.0


def _matrix(ids: pd.Index, forecast: pd.DataFrame, as_of: dt.date, horizon: int) -> np.ndarray:
    out = np.zeros((len(ids), horizon))
    if forecast.empty:
        return out
    day = (pd.to_datetime(forecast["ds"]) - pd.Timestamp(as_of)).dt.days.to_numpy() - 1
    row = ids.get_indexer(forecast["unique_id"])
    ok = (row >= 0) & (day >= 0) & (day < horizon)
    yhat = forecast["yhat"].to_numpy(dtype=float)[ok]
    out[row[ok], day[ok]] = np.where(np.abs(yhat) < DEMAND_FLOOR, 0.0, yhat)
    return out


def walk(stock: np.ndarray, arrivals: np.ndarray, dem: np.ndarray, lead: np.ndarray,
          ) -> tuple[np.ndarray, np.ndarray]:
    """Fractional days until demand first exceeds stock (NaN if never), and units lost in lead time."""
    n, horizon = dem.shape
    s = np.maximum(stock.astype(float), 0.0)
    cover = np.full(n, np.nan)
    lost = np.zeros(n)
    for t in range(horizon):
        s = s + arrivals[:, t]
        d = dem[:, t]
        short = (d > s) & np.isnan(cover)
        cover[short] = t + np.where(d[short] > 0, s[short] / np.maximum(d[short], 1e-12), 0.0)
        served = np.minimum(s, d)
        lost += np.where(t < lead, d - served, 0.0)
        s = s - served
    return cover, lost


def plan(
    positions: pd.DataFrame,
    products: pd.DataFrame,
    forecast: pd.DataFrame,
    errors: pd.DataFrame,
    as_of: dt.date,
    policy: PlanPolicy | None = None,
) -> pd.DataFrame:
    """One plan row per position (``unique_id, sku, warehouse, on_hand, reserved, inbound,
    inbound_eta``), with the ``PLAN_COLUMNS`` first, sorted by risk then lost GMV.

    ``products`` gives ``price, cost, supplier, lead_time_days, moq, status, title, category`` by
    ``sku``; ``forecast`` is ``unique_id, ds, yhat``; ``errors`` is ``unique_id, rmse,
    demand_class, method``.
    """
    pol = policy or PlanPolicy()
    pos = positions.reset_index(drop=True).merge(
        products.drop_duplicates("sku"), on="sku", how="left", suffixes=("", "_product"))
    pos = pos.merge(errors, on="unique_id", how="left")
    n = len(pos)
    lead = pos["lead_time_days"].fillna(pol.default_lead_time).clip(lower=0).to_numpy(dtype=int)
    target = pol.target_cover_days
    horizon = int(max(int(lead.max(initial=0)) + target + 1, RATE_DAYS))
    ids = pd.Index(pos["unique_id"])
    dem = _matrix(ids, forecast, as_of, horizon)

    on_hand = pos["on_hand"].fillna(0).to_numpy(dtype=float)
    now = on_hand - pos["reserved"].fillna(0).to_numpy(dtype=float)
    inbound = pos["inbound"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    eta = pd.to_datetime(pos["inbound_eta"])
    eta_day = ((eta - pd.Timestamp(as_of)).dt.days - 1).to_numpy(dtype=float)
    eta_day = np.where(np.isnan(eta_day), lead - 1, eta_day).clip(0, None).astype(int)
    counted = (inbound > 0) & (eta_day < lead + target)
    arrivals = np.zeros_like(dem)
    rows = np.nonzero(counted & (eta_day < horizon))[0]
    arrivals[rows, eta_day[rows]] = inbound[rows]
    position = now + np.where(counted, inbound, 0.0)
    available = cover_of.available(on_hand, pos["reserved"].fillna(0).to_numpy(dtype=float))

    cover, lost = walk(now, arrivals, dem, lead)
    rate = dem[:, -RATE_DAYS:].mean(axis=1)
    end_stock = np.maximum(now, 0) + arrivals.sum(axis=1) - dem.sum(axis=1)
    beyond = np.where(rate > 0, horizon + end_stock / np.where(rate > 0, rate, 1.0), np.nan)
    cover = np.where(np.isnan(cover), beyond, cover)
    daily = dem[:, :RATE_DAYS].mean(axis=1).round(DEMAND_DECIMALS)
    cover = np.where((daily <= 0) & (rate <= 0), np.nan, cover)
    days_of_cover = cover_of.days_of_cover(available, daily)

    z = NormalDist().inv_cdf(pol.service_level)  # stdlib: scipy.stats costs seconds to import
    sigma = pos["rmse"].fillna(0.0).to_numpy(dtype=float)
    safety = np.ceil(z * sigma * np.sqrt(lead))
    cum = np.cumsum(dem, axis=1)
    take = lambda k: np.where(k > 0, cum[np.arange(n), np.clip(k - 1, 0, horizon - 1)], 0.0)  # noqa: E731
    lead_demand = take(lead)
    reorder = np.ceil(lead_demand + safety)
    on_sale = pos["status"].fillna("on_sale").ne("off_shelf").to_numpy()
    need = np.ceil(take(lead + target) + safety - position)
    moq = pos["moq"].fillna(1).clip(lower=1).to_numpy(dtype=float)
    order = np.where(on_sale & (position <= reorder) & (need > 0), np.maximum(need, moq), 0.0)

    # a SKU expected to sell less than half a unit over lead time + target cover is not at risk
    selling = take(lead + target) >= MIN_CYCLE_UNITS
    high = selling & (cover < lead)
    medium = selling & ~high & ((position <= reorder) | (cover < lead + 7))
    risk = np.select([high, medium], ["high", "medium"], default="low")
    status = np.select(
        [selling & (now <= 0), high, order > 0, days_of_cover > pol.overstock_factor * target, ~selling],
        ["stockout", "at_risk", "reorder", "overstock", "no_demand"], default="ok")

    price = pos["price"].fillna(0.0).to_numpy(dtype=float)
    unit_cost = pos["cost"].fillna(pos["price"]).fillna(0.0).to_numpy(dtype=float)
    stockout = [
        None if math.isnan(c) or c > MAX_STOCKOUT_DAYS
        else as_of if (c <= 0 and x <= 0) else as_of + dt.timedelta(days=int(c) + 1)
        for c, x in zip(cover, now, strict=True)
    ]
    order_by = [
        None if s is None else max(as_of, s - dt.timedelta(days=int(lt)))
        for s, lt in zip(stockout, lead, strict=True)
    ]
    out = pd.DataFrame({
        "sku": pos["sku"], "warehouse": pos["warehouse"],
        "available": available.round(0).astype(int),
        "daily_demand": daily,
        "days_of_cover": days_of_cover,
        "stockout_date": stockout,
        "reorder_point": reorder.astype(int),
        "safety_stock": safety.astype(int),
        "suggested_order_qty": order.astype(int),
        "supplier": pos["supplier"].fillna("").replace("", "unassigned"),
        "risk": risk,
        "status": status,
        "order_by": order_by,
        "title": pos.get("title"),
        "category": pos.get("category"),
        "on_hand": on_hand.astype(int),
        "reserved": pos["reserved"].fillna(0).astype(int),
        "inbound": inbound.astype(int),
        "inbound_eta": pos["inbound_eta"],
        "stock_position": position.round(0).astype(int),
        "lead_time_days": lead,
        "moq": moq.astype(int),
        "lead_time_demand": lead_demand.round(1),
        "expected_lost_gmv": (lost * price).round(2),
        "order_value": (order * unit_cost).round(2),
        "price": price,
        "cost": unit_cost,
        "demand_class": pos.get("demand_class"),
        "method": pos.get("method"),
        "forecast_rmse": np.round(sigma, 3),
    })
    rank = out["risk"].map({"high": 0, "medium": 1, "low": 2})
    out = out.assign(_r=rank).sort_values(["_r", "expected_lost_gmv", "sku"], ascending=[True, False, True])
    return out.drop(columns="_r").reset_index(drop=True)


def purchase_orders(plan_rows: pd.DataFrame) -> pd.DataFrame:
    """The plan's order lines summed per supplier: lines, units, value, first order-by date."""
    lines = plan_rows[plan_rows["suggested_order_qty"] > 0]
    cols = ["supplier", "lines", "units", "value", "order_by", "high_risk_lines"]
    if lines.empty:
        return pd.DataFrame(columns=cols)
    lines = lines.assign(_high=lines["risk"].eq("high"), order_by=pd.to_datetime(lines["order_by"]))
    g = lines.groupby("supplier", as_index=False).agg(
        lines=("sku", "size"), units=("suggested_order_qty", "sum"), value=("order_value", "sum"),
        order_by=("order_by", "min"), high_risk_lines=("_high", "sum"))
    g["value"] = g["value"].round(2)
    g["order_by"] = [None if pd.isna(d) else d.date() for d in g["order_by"]]
    return g.sort_values(["high_risk_lines", "value"], ascending=False, ignore_index=True)[cols]
