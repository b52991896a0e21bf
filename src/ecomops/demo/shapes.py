"""The remaining contract tables: products, traffic, ads, inventory, listings, competitors, promotions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomops.demo import market, traffic
from ecomops.demo.ads import AdRows
from ecomops.demo.calendar import CHANNELS
from ecomops.demo.geo import WAREHOUSES
from ecomops.demo.plan import IncidentPlan
from ecomops.demo.sales import SimResult
from ecomops.demo.tables import DAY, Built, stamp


def _day_strings(dates: pd.DatetimeIndex, extra: int = 0) -> np.ndarray:
    days = pd.date_range(dates[0], periods=len(dates) + extra, freq="D")
    return np.asarray(days.strftime("%Y-%m-%d"), dtype=object)


def products(cat: pd.DataFrame) -> pd.DataFrame:
    out = cat.copy()
    out["launch_date"] = pd.to_datetime(out["launch_date"]).dt.strftime("%Y-%m-%d")
    return out


def traffic_table(sim: SimResult, built: Built, cat: pd.DataFrame, dates: pd.DatetimeIndex,
                  ev: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    v = sim.visitors
    ln = built.lines
    paid = ln["kind"].to_numpy() != 1
    buyers = np.zeros(v.shape, dtype=np.int64)
    np.add.at(buyers, (ln["day"].to_numpy()[paid], ln["ch"].to_numpy()[paid], ln["src"].to_numpy()[paid],
                       ln["sku"].to_numpy()[paid]), 1)
    d, c, s, k = np.nonzero(v)
    vis = v[d, c, s, k]
    buy = np.minimum(buyers[d, c, s, k], vis)
    warm = np.zeros(len(dates))
    warm[ev.loc[ev["phase"].eq("warmup"), "di"].to_numpy()] = 1
    rate = np.minimum(traffic.ATC_RATE[c] * (1 + 0.7 * warm[d]), 0.5)
    atc = np.maximum(rng.binomial(vis, rate), np.minimum(buy + rng.binomial(buy, 0.3), vis))
    pv = vis + rng.poisson(vis * (traffic.PV_PER_VISITOR[c] - 1))
    return pd.DataFrame({
        "date": _day_strings(dates)[d], "channel": np.array(CHANNELS, dtype=object)[c],
        "source": np.array(traffic.SOURCES, dtype=object)[s], "sku": cat["sku"].to_numpy()[k],
        "visitors": vis, "page_views": pv, "add_to_cart": atc, "buyers": buy,
    })


def ads_table(rows: AdRows, impressions: np.ndarray, clicks: np.ndarray, cost: np.ndarray,
              built: Built, dates: pd.DatetimeIndex, sku_names: np.ndarray,
              rng: np.random.Generator) -> pd.DataFrame:
    """Daily rows with impressions; ads-source orders attributed to rows in proportion to clicks."""
    n_sku = len(sku_names)
    d, r = np.nonzero(impressions)
    cl = clicks[d, r]
    group = (d * len(CHANNELS) + rows.ch_idx[r]) * n_sku + rows.sku_idx[r]
    order = np.lexsort((r, group))
    d, r, cl, group = d[order], r[order], cl[order], group[order]
    cum = np.cumsum(cl)
    first = np.searchsorted(group, group, side="left")
    start = np.concatenate([[0], cum])[first]
    ln = built.lines
    ads_src = (ln["src"].to_numpy() == traffic.ADS) & (ln["kind"].to_numpy() != 1)
    cell = (ln["day"].to_numpy() * len(CHANNELS) + ln["ch"].to_numpy()) * n_sku + ln["sku"].to_numpy()
    lg = cell[ads_src]
    amount = ln["amount"].to_numpy()[ads_src]
    pos = np.searchsorted(group, lg, side="left")
    valid = (pos < len(group)) & (group[np.minimum(pos, len(group) - 1)] == lg)
    pos, lg, amount = pos[valid], lg[valid], amount[valid]
    total = np.concatenate([[0], cum])[np.searchsorted(group, lg, side="right")] - start[pos]
    target = start[pos] + rng.random(len(pos)) * np.maximum(total, 1)
    hit = np.minimum(np.searchsorted(cum, target, side="right"), len(cum) - 1)
    n_orders = np.bincount(hit, minlength=len(cum))
    sales = np.bincount(hit, weights=amount, minlength=len(cum))
    f = rows.frame.iloc[r].reset_index(drop=True)
    f.insert(0, "date", _day_strings(dates)[d])
    f["sku"] = sku_names[rows.sku_idx[r]]
    return f.assign(impressions=impressions[d, r], clicks=cl, cost=cost[d, r], orders=n_orders,
                    sales=np.round(sales, 2))


def inventory_table(sim: SimResult, built: Built, cat: pd.DataFrame, dates: pd.DatetimeIndex,
                    stocked: np.ndarray) -> pd.DataFrame:
    n_days = len(dates)
    ln = built.lines
    od = built.orders
    o = ln["order"].to_numpy()
    normal = ln["kind"].to_numpy() == 0
    paid_day = (od["paid_t"].to_numpy()[o] // DAY)[normal]
    shipped = od["shipped_t"].to_numpy()[o][normal]
    ship_day = np.where(shipped >= 0, shipped // DAY, n_days)
    wh = od["wh"].to_numpy()[o][normal]
    k = ln["sku"].to_numpy()[normal]
    qty = ln["qty"].to_numpy()[normal]
    diff = np.zeros((n_days + 1, len(cat), len(WAREHOUSES)), dtype=np.int64)
    np.add.at(diff, (np.minimum(paid_day, n_days), k, wh), qty)
    np.add.at(diff, (np.minimum(ship_day, n_days), k, wh), -qty)
    reserved = np.maximum(np.cumsum(diff, axis=0)[:n_days], 0)
    d, kk, w = np.nonzero(np.broadcast_to(stocked[None], sim.avail.shape))
    inbound = sim.inbound[d, kk, w]
    eta = sim.eta[d, kk, w]
    eta_str = _day_strings(dates, extra=400)
    return pd.DataFrame({
        "date": _day_strings(dates)[d], "sku": cat["sku"].to_numpy()[kk],
        "warehouse": np.array(WAREHOUSES, dtype=object)[w],
        "on_hand": sim.avail[d, kk, w] + reserved[d, kk, w], "reserved": reserved[d, kk, w],
        "inbound": inbound,
        "inbound_eta": np.where(inbound > 0, eta_str[np.clip(eta, 0, len(eta_str) - 1)], None),
    })


def listings_table(cat: pd.DataFrame, listed: np.ndarray, sim: SimResult, built: Built,
                   plan: IncidentPlan, dates: pd.DatetimeIndex, rng: np.random.Generator) -> pd.DataFrame:
    n_days = len(dates)
    sellable = sim.avail[-1].sum(axis=1)
    a = plan.windows["oversold_listing"][0]
    k = plan.sku["oversold_listing"]
    shown = int(np.floor(sim.avail[max(a - 1, 0), k].sum() * 0.9))
    # The last successful sync, in the morning of the incident's first day (no round time: a
    # detector must not find the incident by its timestamp).
    synced = a * DAY + int(rng.integers(8 * 3600, 11 * 3600))
    over = market.Oversold(plan.oversold_channel, k, max(shown, int(sellable[k]) + 20), synced)
    stop = pd.to_datetime(cat["stop_date"])
    stop_t = np.where(stop.isna(), n_days * DAY - 1,
                      ((stop - pd.Timestamp(dates[0])).dt.days.fillna(0) * DAY
                       + rng.integers(9 * 3600, 18 * 3600, len(stop)))).astype(np.int64)
    out = market.listings(cat, listed, sellable, built.end_t, stop_t, over, rng)
    out["updated_at"] = stamp(built.d0, out["updated_at"].to_numpy())
    return out


def competitors_table(cat: pd.DataFrame, dates: pd.DatetimeIndex, ev: pd.DataFrame,
                      rng: np.random.Generator) -> pd.DataFrame:
    peak = np.zeros(len(dates), dtype=bool)
    peak[ev.loc[ev["phase"].isin(["peak"]), "di"].to_numpy()] = True
    out = market.competitor_prices(cat, dates, peak, rng)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out.drop_duplicates(["date", "competitor", "product"], ignore_index=True)


def promotions_table(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for c in ("start_date", "end_date"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out
