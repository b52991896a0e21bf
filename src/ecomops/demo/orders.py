"""Purchases to orders: baskets, customers, prices and payment, the timestamp chain, status as of end."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo import geo
from ecomops.demo.calendar import CHANNELS

CH_PRICE = np.array([1.0, 0.98, 0.96, 1.2])  # channel price level against the list price
PROMISE_DAYS = np.array([4, 3, 5, 14])
NEW_ORDER = 0.77  # chance that a purchase starts a new basket (about 1.3 lines per order)
DAY = 86400
# Share of orders per hour of day (store time zone); Shopify buyers sit in other time zones.
HOURS_CN = np.array([2.4, 1.2, .6, .4, .3, .4, .8, 1.8, 3.5, 5, 6, 5.8, 5, 5.2, 5.8, 5.6, 5.2, 4.8,
                     5, 5.8, 6.8, 7.5, 7.2, 4.8])
HOURS_GLOBAL = np.array([4, 4.2, 4.4, 4.6, 4.4, 4, 3.6, 3.2, 3, 3.2, 3.4, 3.4, 3.6, 3.8, 4, 4.2,
                         4.2, 4.4, 4.6, 4.8, 5, 5, 4.6, 4.2])


@dataclass
class Disruptions:
    """Calendar and incident inputs of the timestamp chain (day indices)."""

    peak_days: np.ndarray  # bool [day] festival peak: midnight rush, shipping backlog
    stop_days: np.ndarray  # bool [day] couriers pause (Spring Festival)
    carrier: str | None = None
    carrier_from: int = -1
    carrier_to: int = -1
    carrier_extra: float = 0.0


def baskets(purchases: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group purchases of one day x channel x source x warehouse into orders; returns (orders, lines)."""
    p = purchases.assign(r=rng.random(len(purchases)))
    p = p.sort_values(["day", "ch", "src", "nat_wh", "wh", "kind", "r"], ignore_index=True)
    keys = p[["day", "ch", "src", "nat_wh", "wh", "kind"]].to_numpy()
    boundary = np.ones(len(p), dtype=bool)
    boundary[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    new = boundary | (rng.random(len(p)) < NEW_ORDER)
    p["order"] = np.cumsum(new) - 1
    lines = p.groupby(["order", "sku"], sort=False, as_index=False).agg(
        qty=("qty", "sum"), day=("day", "first"), ch=("ch", "first"), src=("src", "first"),
        n=("qty", "size"),
    )
    lines["line_no"] = lines.groupby("order").cumcount() + 1
    orders = p.drop_duplicates("order")[["order", "day", "ch", "src", "nat_wh", "wh", "kind"]]
    return orders.reset_index(drop=True), lines


def customers(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A customer per order: repeat buyers from a growing pool per channel x home warehouse."""
    out_id = np.empty(len(orders), dtype=object)
    region = np.empty(len(orders), dtype=object)
    city = np.empty(len(orders), dtype=object)
    zone = np.empty(len(orders), dtype=object)
    prefixes = {"tmall": "tb", "jd": "jd_", "douyin": "dy", "shopify": "shp"}
    next_id = int(rng.integers(10**7, 5 * 10**7))
    for (ch, wh), idx in orders.groupby(["ch", "nat_wh"]).indices.items():
        idx = np.sort(idx)
        n = len(idx)
        pool = max(1, round(0.6 * n))
        p0 = max(1, round(0.2 * pool))
        weights = rng.pareto(1.4, pool) + 1.0
        cumw = np.cumsum(weights)
        eligible = (p0 + (pool - p0) * np.arange(1, n + 1) / n).astype(int)
        who = np.searchsorted(cumw, rng.random(n) * cumw[eligible - 1])
        names, probs, zones, cities = geo.region_table(CHANNELS[ch])
        serve = np.array([geo.ZONE_WAREHOUSE[z] == wh or (wh == 0 and z == "偏远") for z in zones])
        if CHANNELS[ch] == "shopify" or not serve.any():
            serve[:] = True
        pr = probs * serve
        home = rng.choice(len(names), size=pool, p=pr / pr.sum())
        n_cities = np.array([len(c) for c in cities])
        first_city = np.cumsum(n_cities) - n_cities
        flat_cities = np.array([c for group in cities for c in group], dtype=object)
        pick = (rng.random(pool) * n_cities[home]).astype(np.int64)
        home_city = flat_cities[first_city[home] + pick]
        ids = next_id + np.cumsum(rng.integers(1, 4000, pool))
        next_id = int(ids[-1]) + 1
        label = np.char.add(prefixes[CHANNELS[ch]], ids.astype(str)).astype(object)
        out_id[idx] = label[who]
        region[idx] = np.array(names, dtype=object)[home[who]]
        city[idx] = home_city[who]
        zone[idx] = np.array(zones, dtype=object)[home[who]]
    return pd.DataFrame({"customer_id": out_id, "region": region, "city": city, "zone": zone})


def timestamps(orders: pd.DataFrame, zone: np.ndarray, n_days: int, dis: Disruptions,
               rng: np.random.Generator) -> pd.DataFrame:
    """Seconds from the first day's midnight: order, paid, shipped, delivered, promised; carrier."""
    n = len(orders)
    day = orders["day"].to_numpy()
    ch = orders["ch"].to_numpy()
    wh = orders["wh"].to_numpy()
    kind = orders["kind"].to_numpy()
    global_ = ch == CHANNELS.index("shopify")
    hour = np.where(global_, rng.choice(24, n, p=HOURS_GLOBAL / HOURS_GLOBAL.sum()),
                    rng.choice(24, n, p=HOURS_CN / HOURS_CN.sum()))
    rush = dis.peak_days[day] & ~global_ & (rng.random(n) < 0.14)
    hour = np.where(rush, 0, hour)
    order_t = day * DAY + hour * 3600 + rng.integers(0, 3600, n)
    paid_t = order_t + 15 + np.minimum(rng.lognormal(3.6, 1.1, n), 7000).astype(np.int64)
    # Handling: paid before the 16:00 cut-off ships the same evening, later ones the next day.
    paid_hour = (paid_t - day * DAY) / 3600
    ship_day = day + (paid_hour >= 16)
    ship_day = ship_day + (dis.peak_days[np.minimum(ship_day, n_days - 1)] * rng.integers(0, 3, n))
    stop = dis.stop_days[np.minimum(ship_day, n_days - 1)] & (rng.random(n) < 0.7)
    if stop.any():
        after = _next_open_day(dis.stop_days)
        ship_day = np.where(stop, after[np.minimum(ship_day, n_days - 1)] + rng.integers(0, 3, n), ship_day)
    same = ship_day == day
    ship_hour = np.where(same, rng.uniform(16.5, 21.5, n), rng.uniform(9.5, 18.5, n))
    shipped_t = np.maximum(ship_day * DAY + (ship_hour * 3600).astype(np.int64), paid_t + 1200)
    carrier = _carriers(ch, rng)
    wh_zone = np.array([geo.WAREHOUSE_ZONE[geo.WAREHOUSES[w]] for w in range(len(geo.WAREHOUSES))])[wh]
    mean = geo.transit_days(np.where(global_, "海外", wh_zone), np.where(global_, "海外", zone))
    speed = pd.Series(geo.CARRIER_SPEED).reindex(carrier).to_numpy()
    days = rng.gamma(6.0, mean * speed / 6.0) + 0.25
    shipped_day = shipped_t // DAY
    days = days + 2.0 * dis.stop_days[np.minimum(shipped_day, n_days - 1)]
    hit = np.zeros(n, dtype=bool)
    if dis.carrier is not None:
        hit = (carrier == dis.carrier) & (shipped_day >= dis.carrier_from) & (shipped_day <= dis.carrier_to)
        days = days + hit * (dis.carrier_extra + rng.uniform(-0.5, 1.0, n))
    arrive_day = (shipped_t + (days * DAY).astype(np.int64)) // DAY
    delivered_t = np.maximum(arrive_day * DAY + rng.integers(9 * 3600, 21 * 3600, n), shipped_t + 4 * 3600)
    remote = np.isin(zone, ["偏远"])
    promise = PROMISE_DAYS[ch] + 2 * remote + 2 * dis.peak_days[day] + 7 * dis.stop_days[day]
    promised_t = (paid_t // DAY + promise) * DAY + DAY - 1
    paid = kind != 1
    shipped = kind == 0
    return pd.DataFrame({
        "order_t": order_t,
        "paid_t": np.where(paid, paid_t, -1),
        "shipped_t": np.where(shipped, shipped_t, -1),
        "delivered_t": np.where(shipped, delivered_t, -1),
        "promised_t": np.where(paid, promised_t, -1),
        "cancel_t": np.where(kind == 2, paid_t + rng.integers(600, 6 * 3600, n), -1),
        "carrier": np.where(shipped, carrier, ""),
        "delayed": hit & shipped,
    })


def _next_open_day(stop: np.ndarray) -> np.ndarray:
    """For each day, the first day at or after it that is not a courier stop day."""
    out = np.arange(len(stop))
    for i in range(len(stop) - 2, -1, -1):
        if stop[i]:
            out[i] = out[i + 1]
    return out


def _carriers(ch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(ch), dtype=object)
    for ci, name in enumerate(CHANNELS):
        m = ch == ci
        names, shares = zip(*geo.CARRIERS[name], strict=True)
        out[m] = rng.choice(np.array(names, dtype=object), size=int(m.sum()), p=np.array(shares))
    return out


def status_as_of(t: pd.DataFrame, kind: np.ndarray, end_t: int) -> np.ndarray:
    """Order status known at ``end_t`` (seconds), and the timestamps after it blanked in place."""
    status = np.full(len(t), "delivered", dtype=object)
    for col in ("paid_t", "shipped_t", "delivered_t", "cancel_t"):
        late = t[col].to_numpy() > end_t
        t.loc[late, col] = -1
    status[t["delivered_t"].to_numpy() < 0] = "shipped"
    status[t["shipped_t"].to_numpy() < 0] = "paid"
    status[(kind == 2) & (t["cancel_t"].to_numpy() >= 0)] = "cancelled"
    unpaid = kind == 1
    status[unpaid] = np.where(t["order_t"].to_numpy()[unpaid] > end_t - DAY, "created", "closed")
    t.loc[t["shipped_t"] < 0, "carrier"] = ""
    return status


def payment(lines: pd.DataFrame, orders: pd.DataFrame, threshold: np.ndarray, amount: np.ndarray,
            rng: np.random.Generator) -> pd.DataFrame:
    """Goods total, discount (满减, coupons) and shipping fee per order."""
    goods = np.bincount(lines["order"], weights=lines["amount"], minlength=len(orders))
    day, ch = orders["day"].to_numpy(), orders["ch"].to_numpy()
    thr, amt = threshold[day, ch], amount[day, ch]
    disc = np.where((thr > 0) & (goods >= thr), amt, 0.0)
    cn = ch != CHANNELS.index("shopify")
    coupon = np.select([goods >= 399, goods >= 199, goods >= 99], [40.0, 20.0, 10.0], 0.0)
    disc += np.where(cn & (rng.random(len(goods)) < 0.28), coupon, 0.0)
    code = ~cn & (rng.random(len(goods)) < 0.12)
    disc += np.where(code, np.round(goods * 0.1, 2), 0.0)
    disc = np.minimum(disc, np.round(goods * 0.5, 2))
    net = goods - disc
    ship = np.where(cn, np.where(net < 49, 6.0, 0.0), np.where(net < 300, 45.0, 0.0))
    return pd.DataFrame({"goods": goods, "discount_amount": np.round(disc, 2), "shipping_fee": ship,
                         "payment_amount": np.round(net + ship, 2)})


__all__ = ["Disruptions", "baskets", "customers", "payment", "status_as_of", "timestamps"]
