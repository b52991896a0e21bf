"""Olist (Brazilian marketplace) public data set: the nine CSVs of one folder, read together.

Both layouts are read: the Kaggle original (ISO timestamps) and the re-formatted copy
(``M/D/YYYY H:MM``, extra ``*_pk`` surrogate columns, reviews without id or text).

Decisions:
- ``orders.customer_id`` is ``customer_unique_id`` (Olist's ``customer_id`` is one per order, the
  unique id is the person); region / city are the customer's state and city.
- Status: approved / invoiced / processing → ``paid`` (paid, not yet handed to the carrier),
  shipped → ``shipped``, delivered → ``delivered``, canceled and unavailable (Olist could not
  source the item, the order was cancelled) → ``cancelled``, created → ``created``.
- ``payment_amount`` is the sum of the order's payments (what the customer paid, freight
  included); ``shipping_fee`` the sum of the items' freight.
- The seller is a marketplace merchant, not our warehouse, so it is a dimension of the line in
  ``order_lines.extras`` (seller_id, seller_city, seller_state) rather than ``orders.warehouse``
  (an order can have several sellers).
- Each item row is one unit: quantity 1, unit_price = price.
- Products: Olist publishes no product names and no list prices. The title is the product id
  (the only name the data has); the price is the last price the product sold at in the items
  file, and a product never sold has none (the row is rejected, saying so). The category is
  translated to English; name / description lengths, photo count, weight and size go to
  ``attributes`` as JSON.
- Reviews are per order; ``sku`` (required) is the product of the order's first item, and the
  other products of the order go to extras. Text is the comment (title kept in extras and in
  front of the text when there is one). A review of an order without items names no product and
  is rejected for its empty sku (it stays in the rejects file), rather than given a made-up one.
- An order with no payment rows (cancelled / unavailable orders in the re-formatted slice) has no
  payment amount and is rejected for it: "paid nothing" is not what the export says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.profiles.common import (
    UNCATEGORISED,
    contract_table,
    coverage,
    extras_json,
    frame,
    iso_datetime,
)
from ecomops.settings import Settings

CHANNEL = "olist"
FILES = {
    "orders": (
        "order_id",
        "customer_id",
        "order_status",
        "order_purchase_timestamp",
        "order_estimated_delivery_date",
    ),
    "items": ("order_id", "order_item_id", "product_id", "seller_id", "price", "freight_value"),
    "payments": ("order_id", "payment_sequential", "payment_type", "payment_value"),
    "reviews": ("order_id", "review_score", "review_creation_date"),
    "customers": ("customer_id", "customer_unique_id", "customer_city", "customer_state"),
    "products": ("product_id", "product_category_name", "product_photos_qty"),
    "sellers": ("seller_id", "seller_zip_code_prefix", "seller_city", "seller_state"),
    "geolocation": ("geolocation_zip_code_prefix", "geolocation_lat", "geolocation_lng"),
    "translation": ("product_category_name_english",),
}
STATUS = {
    "created": "created",
    "approved": "paid",
    "invoiced": "paid",
    "processing": "paid",
    "shipped": "shipped",
    "delivered": "delivered",
    "canceled": "cancelled",
    "unavailable": "cancelled",
}
US_DATES = "%m/%d/%Y %H:%M"


def file_role(headers: list[str]) -> str | None:
    """Which of the nine Olist files ``headers`` are (the most specific complete match)."""
    for role in (
        "orders",
        "items",
        "payments",
        "reviews",
        "customers",
        "products",
        "sellers",
        "geolocation",
        "translation",
    ):
        if coverage(headers, FILES[role]) == 1:
            return role
    return None


def _when(s: pd.Series) -> pd.Series:
    """Olist timestamps in either layout as ISO text."""
    us = s.str.contains("/", regex=False)
    return iso_datetime(s).where(~us, iso_datetime(s, US_DATES))


def olist_tables(files: dict[str, pd.DataFrame], channel: str = CHANNEL) -> dict[str, pd.DataFrame]:
    """The Olist frames present (by role) as contract frames (pure)."""
    out: dict[str, pd.DataFrame] = {}
    items = files.get("items")
    if items is not None:
        items = items.assign(_row=np.arange(1, len(items) + 1))
    sellers = files.get("sellers")
    if "orders" in files:
        out["orders"] = _orders(
            files["orders"], items, files.get("payments"), files.get("customers"), channel
        )
    if items is not None:
        out["order_lines"] = _lines(items, sellers)
    if "products" in files:
        out["products"] = _products(files["products"], items, files.get("translation"))
    if "reviews" in files:
        out["reviews"] = _reviews(files["reviews"], items, channel)
    return out


def _orders(
    o: pd.DataFrame,
    items: pd.DataFrame | None,
    pay: pd.DataFrame | None,
    cust: pd.DataFrame | None,
    channel: str,
) -> pd.DataFrame:
    o = o.assign(_row=np.arange(1, len(o) + 1))
    paid = pd.Series(dtype=float)
    if pay is not None:
        paid = pd.to_numeric(pay["payment_value"], errors="coerce").groupby(pay["order_id"]).sum()
    freight = pd.Series(dtype=float)
    if items is not None:
        freight = pd.to_numeric(items["freight_value"], errors="coerce").groupby(items["order_id"]).sum()
    region = city = unique = pd.Series("", index=o.index)
    if cust is not None:
        c = cust.drop_duplicates("customer_id").set_index("customer_id")
        region = o["customer_id"].map(c["customer_state"]).fillna("")
        city = o["customer_id"].map(c["customer_city"]).fillna("")
        unique = o["customer_id"].map(c["customer_unique_id"]).fillna("")
    pay_types = pd.Series(dtype=object)
    if pay is not None:
        pay_types = pay.groupby("order_id")["payment_type"].agg(lambda s: "|".join(dict.fromkeys(s)))
    extra = pd.DataFrame(
        {
            "olist_customer_id": o["customer_id"],
            "order_status": o["order_status"],
            "payment_types": o["order_id"].map(pay_types).fillna(""),
        }
    )
    df = pd.DataFrame(
        {
            "order_id": o["order_id"],
            "channel": channel,
            "order_time": _when(o["order_purchase_timestamp"]),
            "customer_id": unique.where(unique != "", o["customer_id"]),
            "status": o["order_status"].str.lower().map(STATUS).fillna(o["order_status"]),
            "paid_time": _when(o.get("order_approved_at", pd.Series("", index=o.index))),
            "shipped_time": _when(o.get("order_delivered_carrier_date", pd.Series("", index=o.index))),
            "delivered_time": _when(o.get("order_delivered_customer_date", pd.Series("", index=o.index))),
            "promised_delivery_time": _when(o["order_estimated_delivery_date"]),
            "region": region,
            "city": city,
            "payment_amount": o["order_id"].map(paid.round(2)),
            "shipping_fee": o["order_id"].map(freight.round(2)),
            "_row": o["_row"],
        }
    )
    df["extras"] = extras_json(extra, list(extra.columns))
    return df


def _lines(items: pd.DataFrame, sellers: pd.DataFrame | None) -> pd.DataFrame:
    extra = pd.DataFrame(
        {
            "seller_id": items["seller_id"],
            "freight_value": items["freight_value"],
            "shipping_limit_date": _when(items["shipping_limit_date"]),
        }
    )
    if sellers is not None:
        s = sellers.drop_duplicates("seller_id").set_index("seller_id")
        extra["seller_city"] = items["seller_id"].map(s["seller_city"]).fillna("")
        extra["seller_state"] = items["seller_id"].map(s["seller_state"]).fillna("")
    df = pd.DataFrame(
        {
            "order_id": items["order_id"],
            "line_no": items["order_item_id"],
            "sku": items["product_id"],
            "quantity": 1,
            "unit_price": items["price"],
            "amount": items["price"],
            "_row": items["_row"],
        }
    )
    df["extras"] = extras_json(extra, list(extra.columns))
    return df


def _products(p: pd.DataFrame, items: pd.DataFrame | None, tr: pd.DataFrame | None) -> pd.DataFrame:
    p = p.assign(_row=np.arange(1, len(p) + 1))
    english = pd.Series(dtype=object)
    if tr is not None:
        pt = next(c for c in tr.columns if c.startswith("product_category_name") and "english" not in c)
        english = tr.drop_duplicates(pt).set_index(pt)["product_category_name_english"]
    cat_pt = p["product_category_name"]
    category = cat_pt.map(english).fillna(cat_pt).replace("", UNCATEGORISED)
    price = pd.Series(dtype=object)
    if items is not None:
        order = items.assign(_t=_when(items["shipping_limit_date"])).sort_values(["_t", "_row"])
        price = order.groupby("product_id")["price"].last()
    names = {
        "product_name_lenght": "name_length",
        "product_description_lenght": "description_length",
        "product_photos_qty": "photos",
        "product_weight_g": "weight_g",
        "product_length_cm": "length_cm",
        "product_height_cm": "height_cm",
        "product_width_cm": "width_cm",
    }
    present = [c for c in names if c in p.columns]
    attrs = [
        json.dumps(
            {names[c]: float(v) if "." in v else int(v) for c, v in zip(present, row, strict=True) if v}
        )
        if any(row)
        else None
        for row in zip(*(p[c].tolist() for c in present), strict=True)
    ]
    df = pd.DataFrame(
        {
            "sku": p["product_id"],
            "product_id": p["product_id"],
            "title": p["product_id"],
            "category": category,
            "price": p["product_id"].map(price).fillna(""),
            "attributes": attrs,
            "_row": p["_row"],
        }
    )
    df["extras"] = extras_json(
        pd.DataFrame(
            {
                "category_pt": cat_pt,
                "price_from": np.where(df["price"] != "", "last sold price (Olist has no list price)", ""),
            }
        ),
        ["category_pt", "price_from"],
    )
    return df


def _reviews(r: pd.DataFrame, items: pd.DataFrame | None, channel: str) -> pd.DataFrame:
    r = r.assign(_row=np.arange(1, len(r) + 1))
    first = pd.Series(dtype=object)
    others = pd.Series(dtype=object)
    if items is not None:
        ordered = items.assign(_n=pd.to_numeric(items["order_item_id"], errors="coerce")).sort_values("_n")
        first = ordered.groupby("order_id")["product_id"].first()
        others = ordered.groupby("order_id")["product_id"].agg(lambda s: "|".join(dict.fromkeys(s)))
    title = r.get("review_comment_title", pd.Series("", index=r.index))
    message = r.get("review_comment_message", pd.Series("", index=r.index))
    text = np.where(
        (title != "") & (message != ""), title + " — " + message, np.where(message != "", message, title)
    )
    review_id = r["review_id"] if "review_id" in r else r.get("review_pk", pd.Series("", index=r.index))
    extra = pd.DataFrame(
        {
            "title": title,
            "answered_at": _when(r.get("review_answer_timestamp", pd.Series("", index=r.index))),
            "order_products": r["order_id"].map(others).fillna(""),
            "review_id_from": "" if "review_id" in r else "review_pk",
        }
    )
    # Olist gives one review id to the several orders a customer reviewed at once; the store keeps
    # one row per id (the last), so each row also names every order the review covers.
    orders_of = r.groupby(review_id)["order_id"].agg(lambda s: "|".join(dict.fromkeys(s)))
    extra["review_orders"] = review_id.map(orders_of).where(review_id.duplicated(keep=False), "")
    df = pd.DataFrame(
        {
            "review_id": review_id,
            "channel": channel,
            "sku": r["order_id"].map(first).fillna(""),
            "order_id": r["order_id"],
            "rating": r["review_score"],
            "text": text,
            "created_at": _when(r["review_creation_date"]),
            "_row": r["_row"],
        }
    )
    df["extras"] = extras_json(extra, list(extra.columns))
    return df


class OlistProfile:
    """The Olist CSVs of one folder."""

    name = "olist"
    required_headers = FILES["orders"]

    def match(self, path: Path, headers: list[str]) -> float:
        return 0.97 if file_role(headers) is not None else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        files: dict[str, pd.DataFrame] = {}
        names: dict[str, str] = {}
        for path in paths:
            df = frame(path)
            role = file_role(list(df.columns))
            if role is not None and role not in files:
                files[role], names[role] = df, path.name
        # Each table is labelled with every file it was built from, so the import report shows
        # the helper files (payments, customers, sellers, translation) as used.
        sources = {
            "orders": ("orders", "payments", "customers"),
            "order_lines": ("items", "sellers"),
            "products": ("products", "translation"),
            "reviews": ("reviews",),
        }
        for table, data in olist_tables(files).items():
            label = ", ".join(names[r] for r in sources[table] if r in names)
            yield table, contract_table(table, data, label)
