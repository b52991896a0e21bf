"""What the channels show (``channel_listings``) and what competitors charge (``competitor_prices``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo.calendar import CHANNELS

# Competitor shops (fictional) and the categories they compete in.
COMPETITORS = (
    ("简衣坊旗舰店", ("女装", "男装", "运动户外")),
    ("拾光生活馆", ("家居", "厨具", "个护", "母婴")),
    ("极客派数码专营店", ("数码配件", "美妆", "食品")),
)
PROMOS = ("满300减40", "限时直降", "第二件半价", "领券立减20", "前1小时5折")


@dataclass(frozen=True)
class Oversold:
    """Incident: the stock sync of ``channel`` x ``sku`` stopped; the listing still shows ``shown``."""

    channel: int
    sku: int
    shown: int
    since_t: int


def listings(catalog: pd.DataFrame, listed: np.ndarray, sellable: np.ndarray, end_t: int,
             stop_t: np.ndarray, oversold: Oversold | None, rng: np.random.Generator) -> pd.DataFrame:
    """Per channel x listed SKU at ``end``: stock shown, price, status, last sync (seconds)."""
    rows: list[pd.DataFrame] = []
    on_sale = catalog["status"].to_numpy() == "on_sale"
    price = catalog["price"].to_numpy()
    ch_price = np.array([1.0, 0.98, 0.96, 1.2])
    for ci in range(len(CHANNELS)):
        k = np.flatnonzero(listed[ci])
        share = 0.5 if CHANNELS[ci] == "shopify" else 0.9  # safety buffer kept back per channel
        stock = np.floor(sellable[k] * share).astype(np.int64)
        status = np.where(on_sale[k], "online", "offline")
        updated = end_t - rng.integers(600, 10 * 3600, len(k))
        updated = np.where(on_sale[k], updated, stop_t[k])
        stock = np.where(on_sale[k], stock, 0)
        frame = pd.DataFrame({
            "channel": CHANNELS[ci], "k": k, "listed_stock": stock,
            "listed_price": np.round(price[k] * ch_price[ci], 1), "status": status, "updated_at": updated,
        })
        if oversold is not None and oversold.channel == ci:
            m = frame["k"] == oversold.sku
            frame.loc[m, "listed_stock"] = oversold.shown
            frame.loc[m, "updated_at"] = oversold.since_t
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out.insert(1, "sku", catalog["sku"].to_numpy()[out["k"]])
    return out


def competitor_prices(catalog: pd.DataFrame, dates: pd.DatetimeIndex, peak_days: np.ndarray,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Daily prices of the competitors' matching products, with their promotions."""
    n_days = len(dates)
    top = catalog.sort_values("popularity", ascending=False)
    frames: list[pd.DataFrame] = []
    for shop, cats in COMPETITORS:
        pool = top[top["category"].isin(cats)].head(14)
        for row in pool.itertuples(index=False):
            base = row.price * rng.uniform(0.82, 1.1)
            level = np.full(n_days, base)
            for _ in range(int(rng.integers(0, 3))):  # permanent price moves
                level[int(rng.integers(30, n_days)):] *= rng.choice([0.92, 0.95, 1.05, 1.08])
            promo_days = peak_days | (rng.random(n_days) < 0.04)
            promo_days |= np.roll(promo_days, 1) & (rng.random(n_days) < 0.6)
            cut = np.where(promo_days, rng.choice([0.8, 0.85, 0.9], n_days), 1.0)
            price = np.round(level * cut, 1)
            name = str(row.title).split(" ", 1)[-1]
            frames.append(pd.DataFrame({
                "date": dates, "competitor": shop, "product": f"{shop[:2]}同款 {name}",
                "our_sku": row.sku, "price": price,
                "promo": np.where(promo_days, rng.choice(PROMOS, n_days), ""),
            }))
    return pd.concat(frames, ignore_index=True)
