"""The shop's own promotions (``promotions`` table) and their effect on visitors, conversion, price."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo.calendar import CHANNELS

CN = "tmall|jd|douyin"


@dataclass
class PromoEffects:
    """Per day x channel x SKU: visitor and conversion multipliers and the price cut (fraction)."""

    visits: np.ndarray
    conv: np.ndarray
    cut: np.ndarray
    # Per day x channel: order-level 满减 (threshold, amount); 0 when none.
    threshold: np.ndarray
    amount: np.ndarray


def build(
    dates: pd.DatetimeIndex, catalog: pd.DataFrame, ev: pd.DataFrame,
    rng: np.random.Generator, exclude: set[str],
) -> tuple[pd.DataFrame, PromoEffects]:
    """The promotions table and its effects. SKUs in ``exclude`` get no live-stream promotions."""
    first, last = dates[0].date(), dates[-1].date()
    rows: list[dict[str, object]] = []
    skus = catalog["sku"].to_numpy()
    cats = catalog["category"].to_numpy()

    def add(name: str, channel: str, a: dt.date, b: dt.date, skus_: list[str], kind: str,
            value: float, budget: float) -> None:
        a, b = max(a, first), min(b, last)
        if a <= b:
            rows.append({"name": name, "channel": channel, "start_date": a, "end_date": b,
                         "budget": round(budget, 0), "skus": "|".join(skus_),
                         "discount_type": kind, "discount_value": value})

    def window(event: str, phases: tuple[str, ...], year: int) -> tuple[dt.date, dt.date] | None:
        sel = ev[(ev["event"] == event) & ev["phase"].isin(phases)]
        sel = sel[pd.to_datetime(sel["date"]).dt.year == year]
        if sel.empty:
            return None
        return min(sel["date"]), max(sel["date"])

    for year in range(first.year, last.year + 1):
        w = window("womens_day", ("warmup", "peak"), year)
        if w:
            picked = list(skus[np.isin(cats, ["美妆", "女装"])])
            add(f"{year} 38女神节 美妆女装专场", CN, *w, picked, "percent", 15, 30000)
        w = window("d618", ("warmup", "peak"), year)
        if w:
            add(f"{year} 618年中大促 满300减40", CN, *w, [], "amount", 40, 120000)
        w = window("d1111", ("warmup", "peak"), year)
        if w:
            add(f"{year} 双11狂欢节 满300减50", CN, *w, [], "amount", 50, 200000)
        w = window("d1212", ("warmup", "peak"), year)
        if w:
            add(f"{year} 双12年终盛典 全店9折", CN, *w, [], "percent", 10, 50000)
        w = window("new_year_goods", ("peak",), year)
        if w:
            add(f"{year} 年货节 坚果零食囤货季", CN, *w, list(skus[cats == "食品"]), "percent", 20, 40000)
        w = window("black_friday", ("peak",), year)
        cm = window("cyber_monday", ("peak",), year)
        if w and cm:
            add(f"{year} Black Friday & Cyber Monday -25%", "shopify", w[0], cm[1], [], "percent", 25, 30000)
        anniv = dt.date(year, 9, 16)
        add(f"{year} 店铺周年庆 全店88折", "tmall|jd", anniv, anniv + dt.timedelta(days=2), [], "percent",
            12, 40000)
    # Douyin live streams (直播专场): every two to three weeks, a handful of SKUs at a deep cut.
    best = catalog.sort_values("popularity", ascending=False)["sku"].head(60)
    live_pool = [s for s in best if s not in exclude]
    day = first + dt.timedelta(days=int(rng.integers(3, 12)))
    n = 0
    while day <= last:
        n += 1
        length = int(rng.choice([1, 1, 2]))
        picked = list(rng.choice(live_pool, size=int(rng.integers(4, 9)), replace=False))
        add(f"抖音直播专场 第{n}期", "douyin", day, day + dt.timedelta(days=length - 1), picked, "percent",
            float(rng.choice([15, 20, 25])), float(rng.integers(8, 30)) * 1000)
        day += dt.timedelta(days=int(rng.integers(14, 24)))
    # Launch offers for SKUs that launch inside the window.
    launch = pd.to_datetime(catalog["launch_date"]).dt.date
    for sku, ld in zip(skus, launch, strict=True):
        if first < ld <= last:
            add(f"新品首发 {sku}", "", ld, ld + dt.timedelta(days=6), [sku], "percent", 10, 5000)
    table = pd.DataFrame(rows).sort_values(["start_date", "name"], ignore_index=True)
    table.insert(0, "promo_id", [f"PR-{i:04d}" for i in range(1, len(table) + 1)])
    return table, _effects(table, dates, skus)


def _effects(table: pd.DataFrame, dates: pd.DatetimeIndex, skus: np.ndarray) -> PromoEffects:
    n, c, k = len(dates), len(CHANNELS), len(skus)
    visits, conv, cut = np.ones((n, c, k)), np.ones((n, c, k)), np.zeros((n, c, k))
    threshold, amount = np.zeros((n, c)), np.zeros((n, c))
    sku_pos = {s: i for i, s in enumerate(skus)}
    d0 = dates[0].date()
    for row in table.itertuples(index=False):
        a, b = (row.start_date - d0).days, (row.end_date - d0).days + 1
        chans = [i for i, ch in enumerate(CHANNELS) if not row.channel or ch in row.channel.split("|")]
        ks = [sku_pos[s] for s in row.skus.split("|")] if row.skus else list(range(k))
        ix = np.ix_(range(a, b), chans, ks)
        if row.discount_type == "percent":
            pct = row.discount_value / 100.0
            cut[ix] = np.maximum(cut[ix], pct)
            live = row.name.startswith("抖音直播")
            visits[ix] *= 1.9 if live else (1.0 + pct)
            conv[ix] *= 1.0 + 1.8 * pct
        else:
            threshold[a:b, chans] = 300.0
            amount[a:b, chans] = row.discount_value
            conv[ix] *= 1.08
    return PromoEffects(visits, conv, cut, threshold, amount)
