"""The demo's steps in order, from catalogue to contract tables (pure: no files, no clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from ecomops.demo import ads, calendar, catalog, incidents, promotions, sales, shapes, tables, traffic
from ecomops.demo.incidents import Incident
from ecomops.demo.plan import IncidentPlan, choose

TARGET_LINES = 1_000_000  # order lines at scale 1


def build_store(
    *, scale: float, seed: int, end: dt.date, progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Incident], list[dt.date]]:
    """Every contract table of the demo shop, its incidents and its quiet dates."""
    def step(name: str) -> None:
        if progress:
            progress(name)

    rng = np.random.default_rng(seed)
    step("catalogue")
    dates = calendar.window(end)
    n_days = len(dates)
    ev = calendar.event_table(dates)
    event_days = set(ev.loc[ev["phase"] != "holiday", "date"]) | set(ev["date"])
    cat = catalog.build(rng, start=dates[0].date())
    listed = traffic.assortment(cat, rng)
    adrows = ads.structure(cat, listed, rng)
    plan: IncidentPlan = choose(cat, listed, adrows, incidents.plan_dates(end, event_days, rng), dates)
    promo_table, fx = promotions.build(dates, cat, ev, rng, exclude=plan.skus())

    step("traffic")
    vis_ch, conv_ch = calendar.channel_factors(dates, rng, ev)
    sku_f = calendar.sku_factors(dates, cat, ev)
    tm = traffic.build(cat, listed, adrows.promoted, vis_ch, conv_ch, sku_f, fx.visits, fx.conv)
    extra = np.broadcast_to(cat["extra_qty"].to_numpy(), (n_days, len(cat))).copy()
    ctr_mult = np.ones((n_days, len(adrows.frame)))
    price_mult = np.ones((n_days, len(cat)))
    plan.apply(tm, extra, ctr_mult, price_mult)
    expected = (tm.lam * tm.conv).sum()
    tm.lam *= TARGET_LINES * scale / expected
    impressions, clicks, cost = ads.simulate(adrows, tm.lam[:, :, traffic.ADS, :], rng, ctr_mult)
    visitors = rng.poisson(tm.lam)
    # Ads clicks per day x channel x SKU: the rows' clicks summed into their (channel, SKU) cell.
    cell = adrows.ch_idx * len(cat) + adrows.sku_idx
    by_cell = np.zeros((len(calendar.CHANNELS) * len(cat), n_days), dtype=np.int64)
    np.add.at(by_cell, cell, clicks.T)
    ad_clicks = by_cell.T.reshape(n_days, len(calendar.CHANNELS), len(cat))
    visitors[:, :, traffic.ADS, :] = rng.binomial(ad_clicks, 0.93)

    step("sales")
    exp_units = (tm.lam * tm.conv).sum(axis=(1, 2)) * (1 + 1.25 * cat["extra_qty"].to_numpy())
    stock_plan = plan.stock_plan(cat, exp_units, dates, scale, rng)
    sim = sales.run(visitors, tm.conv, extra, stock_plan, rng)
    plan.realise(sim, dates)

    step("orders")
    built = tables.orders_and_lines(sim, cat, fx, price_mult, ev, dates, plan, rng)
    step("after-sales")
    after = tables.after_sales(built, cat, dates, plan, rng)
    step("market")
    out = {
        "products": shapes.products(cat),
        "orders": built.orders_table,
        "order_lines": built.lines_table,
        "traffic": shapes.traffic_table(sim, built, cat, dates, ev, rng),
        "ads": shapes.ads_table(adrows, impressions, clicks, cost, built, dates, cat["sku"].to_numpy(), rng),
        "inventory": shapes.inventory_table(sim, built, cat, dates, plan.stocked),
        "channel_listings": shapes.listings_table(cat, listed, sim, built, plan, dates, rng),
        "returns": after["returns"],
        "reviews": after["reviews"],
        "messages": after["messages"],
        "competitor_prices": shapes.competitors_table(cat, dates, ev, rng),
        "promotions": shapes.promotions_table(promo_table),
    }
    truth = plan.incidents()  # after orders and after-sales, which date their incidents by the data
    quiet = incidents.quiet_dates(end, truth, set(event_days))
    return out, truth, quiet
