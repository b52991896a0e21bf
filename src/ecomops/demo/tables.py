"""From the simulation to the contract tables: orders and lines, and what follows from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo import aftersales, geo, orders
from ecomops.demo.calendar import CHANNELS
from ecomops.demo.plan import IncidentPlan
from ecomops.demo.promotions import PromoEffects
from ecomops.demo.sales import SimResult
from ecomops.demo.traffic import SOURCES

DAY = 86400
CARRIER_LEAD = 4  # days between the slowed shipments and the late deliveries they cause
# (prefix, first number, smallest and largest step between consecutive order numbers)
ORDER_IDS = {"tmall": ("", 3_790_000_000_000_000_000, 10**5, 3 * 10**9),
             "jd": ("", 281_000_000_000, 10**3, 10**5),
             "douyin": ("", 6_920_000_000_000_000_000, 10**7, 5 * 10**9),
             "shopify": ("SP", 100_000, 1, 3)}


@dataclass
class Built:
    orders: pd.DataFrame  # internal columns, one row per order
    lines: pd.DataFrame  # internal columns, one row per line
    orders_table: pd.DataFrame
    lines_table: pd.DataFrame
    d0: np.datetime64
    end_t: int


def stamp(d0: np.datetime64, seconds: np.ndarray) -> np.ndarray:
    """Seconds from the first midnight as datetimes; negative means 'not yet' (NaT)."""
    s = np.asarray(seconds, dtype=np.int64)
    out = d0 + s.astype("timedelta64[s]")
    out[s < 0] = np.datetime64("NaT")
    return out


def orders_and_lines(sim: SimResult, cat: pd.DataFrame, fx: PromoEffects, price_mult: np.ndarray,
                     ev: pd.DataFrame, dates: pd.DatetimeIndex, plan: IncidentPlan,
                     rng: np.random.Generator) -> Built:
    n_days = len(dates)
    od, ln = orders.baskets(sim.purchases, rng)
    od = pd.concat([od, orders.customers(od, rng)], axis=1)
    peak = np.zeros(n_days, dtype=bool)
    sel = ev["phase"].eq("peak") & ev["event"].isin(["d1111", "d618", "d1212", "black_friday"])
    peak[ev.loc[sel, "di"].to_numpy()] = True
    stop = np.zeros(n_days, dtype=bool)
    stop[ev.loc[ev["phase"].eq("logistics_stop"), "di"].to_numpy()] = True
    a, b = plan.windows["carrier_delay"]
    # Parcels shipped from four days before the planned window ride slowly; they arrive late
    # within it. The ground truth is then dated by the deliveries that show the delay.
    dis = orders.Disruptions(peak, stop, plan.carrier, a - CARRIER_LEAD, b - CARRIER_LEAD, 3.0)
    plan.onset["carrier_delay"] = a - CARRIER_LEAD
    t = orders.timestamps(od, od["zone"].to_numpy(), n_days, dis, rng)
    end_t = n_days * DAY - 1
    kind = od["kind"].to_numpy()
    status = orders.status_as_of(t, kind, end_t)
    arrived = (t["carrier"].to_numpy() == plan.carrier) & (t["delivered_t"].to_numpy() >= 0)
    arrival_day = t["delivered_t"].to_numpy()[arrived] // DAY
    plan.observe("carrier_delay", arrival_day[t["delayed"].to_numpy()[arrived]], arrival_day)
    od = pd.concat([od, t], axis=1)
    od["status"] = status
    k, ch, day = ln["sku"].to_numpy(), ln["ch"].to_numpy(), ln["day"].to_numpy()
    price = cat["price"].to_numpy()
    unit = np.round(price[k] * orders.CH_PRICE[ch] * (1 - fx.cut[day, ch, k]) * price_mult[day, k], 2)
    ln["unit_price"] = unit
    ln["amount"] = np.round(unit * ln["qty"].to_numpy(), 2)
    pay = orders.payment(ln, od, fx.threshold, fx.amount, rng)
    od = pd.concat([od, pay], axis=1)
    od["order_id"] = _order_ids(od, rng)
    ln["order_id"] = od["order_id"].to_numpy()[ln["order"].to_numpy()]
    ln["kind"] = kind[ln["order"].to_numpy()]
    d0 = np.datetime64(dates[0].date(), "s")
    ot = pd.DataFrame({
        "order_id": od["order_id"], "channel": np.array(CHANNELS)[od["ch"]],
        "order_time": stamp(d0, od["order_t"]), "customer_id": od["customer_id"], "status": od["status"],
        "paid_time": stamp(d0, od["paid_t"]), "shipped_time": stamp(d0, od["shipped_t"]),
        "delivered_time": stamp(d0, od["delivered_t"]), "promised_delivery_time": stamp(d0, od["promised_t"]),
        "region": od["region"], "city": od["city"], "traffic_source": np.array(SOURCES)[od["src"]],
        "payment_amount": od["payment_amount"], "discount_amount": od["discount_amount"],
        "shipping_fee": od["shipping_fee"], "warehouse": np.array(geo.WAREHOUSES)[od["wh"]],
        "carrier": od["carrier"],
    }).sort_values("order_time", kind="stable", ignore_index=True)
    lt = pd.DataFrame({
        "order_id": ln["order_id"], "line_no": ln["line_no"], "sku": cat["sku"].to_numpy()[k],
        "quantity": ln["qty"], "unit_price": ln["unit_price"], "amount": ln["amount"],
    })
    return Built(od, ln, ot, lt, d0, end_t)


def _order_ids(od: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    ids = np.empty(len(od), dtype=object)
    ch, t = od["ch"].to_numpy(), od["order_t"].to_numpy()
    for ci, name in enumerate(CHANNELS):
        idx = np.flatnonzero(ch == ci)
        idx = idx[np.argsort(t[idx], kind="stable")]
        prefix, base, lo, hi = ORDER_IDS[name]
        nums = base + np.cumsum(rng.integers(lo, hi, len(idx)))
        ids[idx] = np.char.add(prefix, nums.astype(str)).astype(object)
    return ids


def after_sales(built: Built, cat: pd.DataFrame, dates: pd.DatetimeIndex, plan: IncidentPlan,
                rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    od, ln = built.orders, built.lines
    o = ln["order"].to_numpy()
    k = ln["sku"].to_numpy()
    lj = pd.DataFrame({
        "order_id": ln["order_id"], "sku": cat["sku"].to_numpy()[k], "k": k, "qty": ln["qty"],
        "unit_price": ln["unit_price"], "ch": ln["ch"], "customer_id": od["customer_id"].to_numpy()[o],
        "delivered_t": od["delivered_t"].to_numpy()[o], "category": cat["category"].to_numpy()[k],
        "return_rate": cat["return_rate"].to_numpy()[k],
    })
    a, b = plan.windows["return_spike"]
    spike = aftersales.Spike(plan.sku["return_spike"], (a - 2) * DAY, (b - 2) * DAY + DAY - 1, 4.0)
    plan.onset["return_spike"] = a - 2
    cases = aftersales.returns(lj, built.end_t, spike, rng)
    own = (cases["k"] == spike.sku).to_numpy()
    asked = cases["requested_at"].to_numpy()[own] // DAY
    plan.observe("return_spike", asked[cases["quality_hit"].to_numpy()[own]], asked)
    key = lj["order_id"].astype(str) + "/" + lj["sku"]
    returned = key.isin(cases["order_id"].astype(str) + "/" + cases["sku"]).to_numpy()
    deliv = lj["delivered_t"].to_numpy()
    hit = (k == spike.sku) & (deliv >= spike.from_t) & (deliv <= spike.to_t)
    reviews = aftersales.reviews(lj, returned, hit, built.end_t, rng)
    wear = np.zeros(len(od), dtype=bool)
    wear[o[np.isin(cat["category"].to_numpy()[k], aftersales.CLOTHING)]] = True
    oj = od[["order_id", "customer_id", "ch", "order_t", "paid_t", "shipped_t", "delivered_t", "promised_t"]]
    msgs = aftersales.messages(oj.assign(wear=wear), cases, built.end_t, rng)
    d0 = built.d0
    for frame, cols in ((cases, ("requested_at", "updated_at", "closed_at")),
                        (reviews, ("created_at",)), (msgs, ("created_at",))):
        for c in cols:
            frame[c] = stamp(d0, frame[c].to_numpy())
    return {"returns": cases, "reviews": reviews, "messages": msgs}
