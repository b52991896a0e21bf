"""The day-by-day simulation: purchases drawn from traffic, limited by stock, and replenishment.

One iteration per day (730 at any scale), vectorised over the day's purchases and the SKU x
warehouse grid. A purchase is one SKU bought by one visitor of one channel x source cell;
``orders`` later groups purchases into baskets. Stock is the sellable stock of each SKU x
warehouse: a SKU sells only while some warehouse holds it, a warehouse that runs dry passes its
orders to another one, and purchase orders to the supplier arrive after the lead time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomops.demo.geo import WAREHOUSES

# Share of a channel's orders that each warehouse serves by geography (华东, 华南, 华北).
WAREHOUSE_SHARE = np.array([[0.50, 0.31, 0.19]] * 3 + [[0.0, 1.0, 0.0]])
CLOSED_RATE = 0.03  # orders never paid (closed by the platform after 24 h)
CANCEL_RATE = 0.015  # paid, then cancelled before shipping


@dataclass
class StockPlan:
    """Inputs of the replenishment policy, per SKU (and warehouse)."""

    stocked: np.ndarray  # [sku, wh] bool
    lead_time: np.ndarray  # [sku] days
    moq: np.ndarray  # [sku] units
    exp_units: np.ndarray  # [day, sku] expected units sold (plan demand)
    launch_idx: np.ndarray  # [sku] day index of launch (<= 0 launched before the window)
    stop_idx: np.ndarray  # [sku] day index after which the SKU is not sold (n_days when never)
    no_reorder_from: dict[int, int] = field(default_factory=dict)  # sku -> day (incident)
    # sku -> (day, days of cover): on that day stock is cut to that cover and open orders lapse.
    drain: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class SimResult:
    purchases: pd.DataFrame  # day, ch, src, sku, qty, nat_wh, wh, kind
    visitors: np.ndarray  # [day, ch, src, sku] after sold-out demotion
    avail: np.ndarray  # [day, sku, wh] sellable stock at the end of the day
    inbound: np.ndarray  # [day, sku, wh] units on order
    eta: np.ndarray  # [day, sku, wh] day index of arrival (-1 none)


def run(
    visitors: np.ndarray, conv: np.ndarray, extra_qty: np.ndarray, plan: StockPlan,
    rng: np.random.Generator,
) -> SimResult:
    n_days, n_ch, n_src, n_sku = visitors.shape
    n_wh = len(WAREHOUSES)
    visitors = visitors.copy()
    share_wh = _warehouse_share(plan.stocked)  # [sku, wh]
    rate = plan.exp_units[:, :, None] * share_wh[None]  # [day, sku, wh]
    cum = np.vstack([np.zeros((1, n_sku, n_wh)), np.cumsum(rate, axis=0)])
    lt = plan.lead_time
    avail = np.zeros((n_sku, n_wh))
    inbound, eta = np.zeros((n_sku, n_wh)), np.full((n_sku, n_wh), -1)
    initial = _cover(cum, 0, lt + 25, n_days) * rng.uniform(0.7, 1.3, (n_sku, 1))
    launched = plan.launch_idx <= 0
    avail[launched] = np.round(initial[launched])
    # SKUs launching in the window start empty: their first purchase order is placed one lead
    # time before launch by the reorder rule (the plan demand looks ahead).
    avail *= plan.stocked
    out_avail = np.zeros((n_days, n_sku, n_wh), dtype=np.int64)
    out_inb = np.zeros((n_days, n_sku, n_wh), dtype=np.int64)
    out_eta = np.full((n_days, n_sku, n_wh), -1, dtype=np.int64)
    chunks: list[np.ndarray] = []
    sku_of_cell = np.broadcast_to(np.arange(n_sku), (n_ch, n_src, n_sku)).ravel()
    ch_of_cell = np.broadcast_to(np.arange(n_ch)[:, None, None], (n_ch, n_src, n_sku)).ravel()
    src_of_cell = np.broadcast_to(np.arange(n_src)[None, :, None], (n_ch, n_src, n_sku)).ravel()
    for t in range(n_days):
        arriving = eta == t
        avail[arriving] += inbound[arriving]
        inbound[arriving], eta[arriving] = 0, -1
        for k, (day, cover) in plan.drain.items():
            if t == day:  # incident: stock cut to a few days of demand, nothing on order
                avail[k] = np.round(_cover(cum, t, np.full(n_sku, cover), n_days)[k]) * plan.stocked[k]
                inbound[k], eta[k] = 0, -1
        total = avail.sum(axis=1)
        sold_out = total <= 0
        if sold_out.any():  # platforms demote sold-out items: fewer visitors, no buyers
            v = visitors[t][:, :, sold_out]
            visitors[t][:, :, sold_out] = rng.binomial(v, 0.55)
        p = conv[t] * (~sold_out)[None, None, :]
        n = rng.binomial(visitors[t], p).ravel()
        cells = np.repeat(np.arange(n.size), n)
        k = sku_of_cell[cells]
        m = len(cells)
        qty = 1 + (rng.random(m) < extra_qty[t, k]) * (1 + (rng.random(m) < 0.25))
        kind = np.where(rng.random(m) < CLOSED_RATE, 1, np.where(rng.random(m) < CANCEL_RATE, 2, 0))
        ch = ch_of_cell[cells]
        nat = _draw_warehouse(ch, k, plan.stocked, rng)
        keep, wh = _allocate(k, nat, qty * (kind != 1), avail, rng)
        qty, k, nat, wh, kind, cells = qty[keep], k[keep], nat[keep], wh[keep], kind[keep], cells[keep]
        use = qty * (kind == 0)
        np.subtract.at(avail, (k, wh), use)
        chunks.append(np.column_stack([
            np.full(len(k), t), ch_of_cell[cells], src_of_cell[cells], k, qty, nat, wh, kind,
        ]))
        _reorder(t, avail, inbound, eta, cum, plan, rng, n_days)
        out_avail[t], out_inb[t], out_eta[t] = avail, inbound, eta
    cols = ["day", "ch", "src", "sku", "qty", "nat_wh", "wh", "kind"]
    purchases = pd.DataFrame(np.vstack(chunks), columns=cols)
    return SimResult(purchases, visitors, out_avail, out_inb, out_eta)


def _warehouse_share(stocked: np.ndarray) -> np.ndarray:
    base = WAREHOUSE_SHARE[0][None, :] * stocked
    base[:, 0] += WAREHOUSE_SHARE[0][2] * ~stocked[:, 2]  # 华北 buyers served from 华东仓
    return base / base.sum(axis=1, keepdims=True)


def _cover(cum: np.ndarray, t: np.ndarray | int, days: np.ndarray, n_days: int) -> np.ndarray:
    """Expected units per SKU x warehouse over ``days`` days from day ``t`` (flat beyond the end)."""
    t = np.broadcast_to(np.asarray(t), days.shape)
    hi = np.minimum(t + days, n_days)
    sku = np.arange(len(days))
    got = cum[hi, sku] - cum[t, sku]
    span = np.maximum(hi - t, 1)[:, None]
    return np.asarray(got / span * days[:, None])


def _draw_warehouse(ch: np.ndarray, k: np.ndarray, stocked: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    u = rng.random(len(ch))
    cum = np.cumsum(WAREHOUSE_SHARE, axis=1)[ch]
    wh = (u[:, None] > cum).sum(axis=1)
    return np.where(stocked[k, wh], wh, 0)


def _allocate(k: np.ndarray, nat: np.ndarray, qty: np.ndarray, avail: np.ndarray,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which purchases the stock can serve, and from which warehouse (own first, then another)."""
    keep = np.zeros(len(k), dtype=bool)
    wh = nat.copy()
    if not len(k):
        return keep, wh
    left = avail.copy()
    order = rng.permutation(len(k))
    for attempt in range(2):
        idx = order[~keep[order]]
        if attempt == 1:  # spill to the warehouse with the most stock left
            wh[idx] = np.argmax(left[k[idx]], axis=1)
        key = k[idx] * left.shape[1] + wh[idx]
        srt = np.argsort(key, kind="stable")
        key_s, q_s = key[srt], qty[idx][srt]
        csum = np.cumsum(q_s)
        start = np.searchsorted(key_s, key_s, side="left")
        within = csum - np.concatenate([[0], csum])[start]
        ok_s = within <= left.ravel()[key_s]
        ok = np.zeros(len(idx), dtype=bool)
        ok[srt] = ok_s
        keep[idx[ok]] = True
        np.subtract.at(left, (k[idx[ok]], wh[idx[ok]]), qty[idx[ok]])
    return keep, wh


def _reorder(t: int, avail: np.ndarray, inbound: np.ndarray, eta: np.ndarray, cum: np.ndarray,
             plan: StockPlan, rng: np.random.Generator, n_days: int) -> None:
    """A purchase order when stock plus inbound falls under the reorder point (one open PO)."""
    lt = plan.lead_time
    need = _cover(cum, t, lt + 10, n_days)  # lead time plus a review period and buffer
    position = avail + inbound
    trigger = plan.stocked & (position < need) & (eta < 0)
    trigger &= (plan.stop_idx - 60 > t)[:, None] & (plan.launch_idx - lt <= t)[:, None]
    for k, day in plan.no_reorder_from.items():
        if t >= day:
            trigger[k] = False
    if not trigger.any():
        return
    target = _cover(cum, t, lt + 40, n_days)
    qty = np.maximum(np.ceil((target - position) / 10) * 10, plan.moq[:, None])
    s, w = np.nonzero(trigger)
    inbound[s, w] = qty[s, w]
    eta[s, w] = t + lt[s] + rng.integers(-2, 5, len(s))
