"""Channel listings against sellable stock: oversell risk, lost sales, suggested listed stock (pure).

Sellable stock of a SKU = Σ warehouses (on_hand − reserved), never below zero. For every listing:

- ``online_no_stock``: online, shows stock, and nothing can ship;
- ``oversell_risk``: online and shows more than can ship;
- ``lost_sales_offline`` / ``lost_sales_zero_listed``: stock on hand but the channel is offline
  or shows zero (for a SKU on sale);
- ``suggested_listed_stock``: the sellable stock less a safety buffer (``buffer_share`` of it),
  split by each channel's share of the SKU's recent demand (equal shares when it has none).

Money: ``daily_gmv`` is the channel's daily demand of the SKU × its price there (the listed
price, else the list price), and ``impact`` = − ``daily_gmv`` for a listing with an issue (what
each day of it costs). ``at_risk_gmv`` is what an oversold listing puts at risk within
``oversell_days``: the stock all channels share runs out after ``sellable`` / the SKU's daily
demand days; from then on the channel keeps taking orders that cannot ship (cancellations and
platform penalties), up to the surplus it shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

ISSUES = ("online_no_stock", "oversell_risk", "lost_sales_offline", "lost_sales_zero_listed")


def check(
    listings: pd.DataFrame,
    sellable: pd.DataFrame,
    channel_demand: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    buffer_share: float = 0.1,
    oversell_days: int = 7,
) -> pd.DataFrame:
    """One row per listing (``channel, sku, listed_stock, status``) with its issue, if any.

    ``sellable`` is ``sku, sellable``; ``channel_demand`` is ``channel, sku, daily_demand``;
    ``prices`` is ``sku, price, status`` from products.
    """
    cols = ["channel", "sku", "listed_stock", "status"]
    df = listings[cols + (["listed_price"] if "listed_price" in listings else [])].copy()
    df["status"] = df["status"].fillna("online")
    df = df.merge(sellable, on="sku", how="left").merge(channel_demand, on=["channel", "sku"], how="left")
    df = df.merge(prices.rename(columns={"status": "product_status"}), on="sku", how="left")
    df["sellable"] = df["sellable"].fillna(0).clip(lower=0)
    df["daily_demand"] = df["daily_demand"].fillna(0.0)
    total = df.groupby("sku")["daily_demand"].transform("sum")
    sku_rate = df["sku"].map(channel_demand.groupby("sku")["daily_demand"].sum()).fillna(0.0)
    count = df.groupby("sku")["channel"].transform("size")
    df["demand_share"] = np.where(total > 0, df["daily_demand"] / total.where(total > 0, 1), 1.0 / count)
    pool = (df["sellable"] - np.ceil(buffer_share * df["sellable"])).clip(lower=0)
    df["suggested_listed_stock"] = np.floor(pool * df["demand_share"]).astype(int)

    online = df["status"].eq("online")
    on_sale = df["product_status"].fillna("on_sale").ne("off_shelf")
    listed = df["listed_stock"].fillna(0)
    no_stock = online & (listed > 0) & (df["sellable"] <= 0)
    over = online & (listed > df["sellable"]) & ~no_stock
    offline = ~online & on_sale & (df["sellable"] > 0)
    zero = online & on_sale & (listed <= 0) & (df["sellable"] > 0)
    df["issue"] = np.select([no_stock, over, offline, zero], list(ISSUES), default=None)
    # a channel without its own history still sells its share of the SKU's demand
    rate = df["daily_demand"].where(df["daily_demand"] > 0, total / count)
    listed_price = df["listed_price"] if "listed_price" in df else pd.Series(np.nan, index=df.index)
    price = listed_price.where(listed_price > 0).fillna(df["price"]).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_empty = np.where(sku_rate > 0, df["sellable"] / sku_rate.where(sku_rate > 0, 1.0), np.inf)
    exposed = np.clip(oversell_days - to_empty, 0.0, oversell_days)
    surplus = (listed - df["sellable"]).clip(lower=0)
    oversold = np.minimum(surplus, rate * exposed)
    df["daily_gmv"] = (rate * price).round(2)
    df["at_risk_gmv"] = np.where(no_stock | over, oversold * price, 0.0).round(2)
    df["oversold_units"] = np.where(no_stock | over, oversold, 0.0).round(1)
    df["days_to_oversell"] = np.where(no_stock | over, np.minimum(to_empty, oversell_days), np.nan).round(1)
    df["impact"] = np.where(df["issue"].notna(), -df["daily_gmv"], 0.0)
    cols = ["channel", "sku", "status", "listed_stock", "sellable", "daily_demand", "demand_share",
            "suggested_listed_stock", "issue", "daily_gmv", "at_risk_gmv", "oversold_units",
            "days_to_oversell", "impact"]
    df["demand_share"] = df["demand_share"].round(3)
    df["daily_demand"] = df["daily_demand"].round(2)
    return df[cols].sort_values(["at_risk_gmv", "impact", "channel", "sku"],
                                ascending=[False, True, True, True], ignore_index=True)


def _units(x: float, locale: str) -> str:
    from babel.numbers import format_decimal

    x = float(x)  # whole units from 10 on ("about 60 units"), one decimal below ("about 0.4 units")
    return format_decimal(round(x) if x >= 10 else round(x, 1), "#,##0" if x >= 10 else "#,##0.#",
                          locale=locale)


def oversell_texts(row: Any, currency: str) -> dict[str, dict[str, str]]:
    """The oversell sentence of a ``check`` row (``online_no_stock`` / ``oversell_risk``) in both
    languages (``{"zh_CN": {"summary": ...}, "en": {...}}``): units as units, money as money."""
    from babel.numbers import format_currency

    from ecomops.i18n import label

    listed, sellable = int(row.listed_stock), int(row.sellable)
    suggested = int(row.suggested_listed_stock)
    out: dict[str, dict[str, str]] = {}
    for lang, locale in (("zh_CN", "zh_CN"), ("en", "en_US")):
        money = format_currency(float(row.at_risk_gmv), currency, "¤#,##0", locale=locale,
                                currency_digits=False)
        units, channel = _units(row.oversold_units, locale), label("channel", str(row.channel), lang)
        if lang == "zh_CN":
            text = (f"{row.sku} 在{channel}显示库存 {listed:,} 件，但只有 {sellable:,} 件可发货："
                    f"一周内约 {units} 件订单（约 {money} 成交额）将无法发货而被取消；"
                    f"建议把上架库存改为 {suggested:,} 件。")
        else:
            text = (f"{row.sku} shows {listed:,} units on {channel} but only {sellable:,} units can ship: "
                    f"within a week about {units} units ordered there (about {money} of GMV) could not "
                    f"ship and would be cancelled; list {suggested:,} units.")
        out[lang] = {"summary": text}
    return out
