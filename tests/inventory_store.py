"""A small store built from the real M5 (Walmart) daily sales of one shop, for inventory tests.

Sales, prices and categories are M5's (store CA_1, 28 items); stock levels, suppliers, lead
times and listings are set per item so that every risk class and channel issue occurs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

AS_OF = dt.date(2016, 4, 24)
# Days of cover (at the last four weeks' rate) given to the items, in catalogue order.
COVER_PLAN = (0.0, 2.0, 6.0, 20.0, 45.0, 400.0, 10.0)


def m5_shop(datasets: Path, store: str = "CA_1") -> pd.DataFrame:
    df = pd.read_csv(datasets / "m5_walmart_tiny" / "tiny_m5.csv.gz",
                     usecols=["item_id", "cat_id", "dept_id", "store_id", "value", "date", "sell_price"])
    df = df[(df["store_id"] == store) & (df["date"] >= "2014-04-01")].copy()
    df["date"] = pd.to_datetime(df["date"])
    return df


def load(con: duckdb.DuckDBPyConnection, datasets: Path) -> dict[str, object]:
    """Fill the contract tables of ``con`` with the M5 shop; returns what the tests need to know."""
    df = m5_shop(datasets)
    items = sorted(df["item_id"].unique())
    last_price = df.dropna(subset=["sell_price"]).groupby("item_id")["sell_price"].last()
    meta = df.drop_duplicates("item_id").set_index("item_id")
    products = pd.DataFrame({
        "sku": items,
        "title": [f"Item {i}" for i in items],
        "category": [meta.loc[i, "cat_id"] for i in items],
        "price": [float(last_price.get(i, 5.0)) for i in items],
        "cost": [round(0.6 * float(last_price.get(i, 5.0)), 2) for i in items],
        "supplier": [meta.loc[i, "dept_id"] for i in items],
        "lead_time_days": [(7, 14, 21)[k % 3] for k in range(len(items))],
        "moq": [24 if k % 2 else 6 for k in range(len(items))],
        "status": "on_sale",
    })
    sold = df[df["value"] > 0].copy()
    sold["order_id"] = sold["item_id"] + "-" + sold["date"].dt.strftime("%Y%m%d")
    sold["unit_price"] = sold["sell_price"].fillna(sold["item_id"].map(last_price)).fillna(5.0)
    channel = np.where(sold["date"].dt.day % 3 == 0, "jd", "tmall")
    orders = pd.DataFrame({
        "order_id": sold["order_id"], "channel": channel,
        "order_time": sold["date"] + pd.Timedelta(hours=10), "status": "paid",
        "payment_amount": sold["value"] * sold["unit_price"], "warehouse": "main",
    })
    lines = pd.DataFrame({
        "order_id": sold["order_id"], "line_no": 1, "sku": sold["item_id"],
        "quantity": sold["value"].astype(int), "unit_price": sold["unit_price"],
        "amount": sold["value"] * sold["unit_price"],
    })
    recent = df[df["date"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=28)].groupby("item_id")["value"].mean()
    cover = {i: COVER_PLAN[k % len(COVER_PLAN)] for k, i in enumerate(items)}
    on_hand = {i: round(cover[i] * recent.get(i, 0.0)) for i in items}
    inventory = pd.DataFrame({"date": pd.Timestamp(AS_OF), "sku": items, "warehouse": "main",
                              "on_hand": [on_hand[i] for i in items], "reserved": 0, "inbound": 0})
    busiest = recent.idxmax()
    listings = pd.DataFrame({
        "channel": ["tmall", "jd", "tmall", "jd"],
        "sku": [items[0], items[0], busiest, busiest],
        "listed_stock": [40, 0, on_hand[busiest], 0],
        "status": ["online", "offline", "online", "offline"],
    })
    for name, frame in [("products", products), ("orders", orders), ("order_lines", lines),
                        ("inventory", inventory), ("channel_listings", listings)]:
        con.register("_frame", frame)
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _frame')
        con.unregister("_frame")
    return {"items": items, "cover": cover, "on_hand": on_hand, "recent": recent, "busiest": busiest}
