"""Shopify admin exports: "Export orders" (73- and 79-column layouts) and the products export.

Orders export: one row per line item; the order's own fields (status, totals, addresses...) are
filled on the first row of each order only. It becomes ``orders`` (one per ``Name``),
``order_lines`` and, for refunded orders, ``returns``. The products export (one row per variant,
extra rows per image) becomes ``products``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.profiles.common import (
    UNCATEGORISED,
    allocate,
    contract_table,
    coverage,
    extras_json,
    frame,
    iso_datetime,
    keep_extras,
    number,
    pick,
)
from ecomops.settings import Settings

CHANNEL = "shopify"
ORDER_HEADERS = (
    "Name",
    "Financial Status",
    "Fulfillment Status",
    "Created at",
    "Total",
    "Subtotal",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Refunded Amount",
)
PRODUCT_HEADERS = ("Handle", "Title", "Variant SKU", "Variant Price", "Option1 Value", "Body (HTML)")

# Shopify's "Source" says which sales channel or app created the order (web, pos,
# shopify_draft_order, subscription_contract, numeric app ids...): a channel, not a traffic source.
# Only the social storefront channels say where the buyer came from; everything else stays empty.
SOCIAL_SOURCES = {"facebook", "instagram", "tiktok", "pinterest", "snapchat", "youtube"}


def order_status(financial: pd.Series, fulfillment: pd.Series, cancelled_at: pd.Series) -> pd.Series:
    """Shopify's financial + fulfilment status (and Cancelled at) as a DATA.md order status.

    - a cancelled order (``Cancelled at`` set) or a voided payment → ``cancelled``;
    - not paid yet (pending / authorized / unpaid) → ``created``;
    - fulfilled or partly fulfilled → ``shipped``: Shopify records the hand-over to the carrier,
      never the delivery, so ``delivered`` is never claimed;
    - fully refunded before anything shipped → ``closed`` (the sale ended without goods; the
      refund is its return case);
    - otherwise paid, including partly refunded orders → ``paid``.
    """
    fin, ful = financial.str.lower(), fulfillment.str.lower()
    return pd.Series(
        np.select(
            [
                cancelled_at != "",
                fin == "voided",
                fin.isin(["pending", "authorized", "unpaid", "partially_paid"])
                & ~ful.isin(["fulfilled", "partial"]),
                ful.isin(["fulfilled", "partial"]),
                fin == "refunded",
            ],
            ["cancelled", "cancelled", "created", "shipped", "closed"],
            default="paid",
        ),
        index=financial.index,
    )


def orders_tables(df: pd.DataFrame, channel: str = CHANNEL) -> dict[str, pd.DataFrame]:
    """An orders export as ``orders``, ``order_lines`` and ``returns`` frames (pure)."""
    df = df.copy()
    df["_row"] = np.arange(1, len(df) + 1)
    is_tip = (df["Lineitem name"].str.lower() == "tip") & (df["Lineitem sku"] == "")
    tips = number(df["Lineitem price"].where(is_tip, "")) * number(df["Lineitem quantity"]).fillna(1)
    tip_by_order = tips.groupby(df["Name"]).sum(min_count=1)

    head = df.drop_duplicates("Name", keep="first").set_index("Name", drop=False)
    line_cols = [c for c in df.columns if c.startswith("Lineitem") or c == "Vendor"]
    province = head.get("Shipping Province Name", head["Shipping Province"])
    province = province.where(province != "", head["Shipping Province"])
    region = province.where(province != "", head["Shipping Country"])
    source = head["Source"].str.lower()
    used = {
        "Name",
        "Email",
        "Created at",
        "Paid at",
        "Fulfilled at",
        "Total",
        "Discount Amount",
        "Shipping",
        "Shipping City",
        "_row",
    }
    order_extra = [c for c in keep_extras(head, used) if c not in line_cols]
    orders = pd.DataFrame(
        {
            "order_id": head["Name"],
            "channel": channel,
            "order_time": iso_datetime(head["Created at"]),
            "customer_id": head["Email"],
            "status": order_status(
                head["Financial Status"], head["Fulfillment Status"], head["Cancelled at"]
            ),
            "paid_time": iso_datetime(head["Paid at"]),
            "shipped_time": iso_datetime(head["Fulfilled at"]),
            "region": region,
            "city": head["Shipping City"],
            "traffic_source": source.where(source.isin(SOCIAL_SOURCES), "").map(
                lambda s: "social" if s else ""
            ),
            "payment_amount": head["Total"],
            "discount_amount": head["Discount Amount"],
            "shipping_fee": head["Shipping"],
            "_currency": pick(head, "Currency"),
            "_row": head["_row"],
        }
    )
    extra = head[order_extra].copy()
    extra["tip"] = tip_by_order.reindex(head.index)
    orders["extras"] = extras_json(extra, [*order_extra, "tip"])

    lines = df[~is_tip].copy()
    qty = number(lines["Lineitem quantity"])
    net = number(lines["Lineitem price"]) * qty - number(pick(lines, "Lineitem discount")).fillna(0)
    amount, allocated = allocate(net, lines["Name"], number(lines["Name"].map(head["Subtotal"])))
    # A line without a SKU (older stores, custom items) is named by Shopify's variant name, the
    # same text the products profile gives SKU-less variants, so the two still join.
    no_sku = lines["Lineitem sku"] == ""
    line_extra = lines[[c for c in line_cols if c != "Lineitem sku" and c != "Lineitem quantity"]].copy()
    line_extra["sku_from"] = np.where(no_sku, "Lineitem name", "")
    line_extra["amount_from"] = np.where(allocated, "order Subtotal shared by line value", "")
    order_lines = pd.DataFrame(
        {
            "order_id": lines["Name"],
            "line_no": lines.groupby("Name").cumcount() + 1,
            "sku": lines["Lineitem sku"].where(~no_sku, lines["Lineitem name"]),
            "quantity": lines["Lineitem quantity"],
            "unit_price": (amount / qty.where(qty > 0)).round(4),
            "amount": amount,
            "_currency": lines["Name"].map(pick(head, "Currency")),
            "_row": lines["_row"],
        }
    )
    order_lines["extras"] = extras_json(line_extra, list(line_extra.columns))

    refunded = number(head["Refunded Amount"]).fillna(0)
    r = head[refunded > 0]
    # Shopify's order export gives the refunded total but not its date or items: one refund-only
    # case per order. requested_at (required) is the cancellation time when there is one, else the
    # order time — the earliest the refund can have been asked for — and extras says which.
    has_cancel = r["Cancelled at"] != ""
    returns = pd.DataFrame(
        {
            "case_id": r["Name"] + "-refund",
            "order_id": r["Name"],
            "type": "refund_only",
            "refund_amount": refunded[refunded > 0],
            "status": "refunded",
            "requested_at": iso_datetime(r["Cancelled at"].where(has_cancel, r["Created at"])),
            "_currency": pick(r, "Currency"),
            "_row": r["_row"],
        }
    )
    returns["extras"] = extras_json(
        pd.DataFrame(
            {
                "requested_at_from": np.where(
                    has_cancel, "Cancelled at", "Created at (the export has no refund date)"
                ),
                "financial_status": r["Financial Status"],
            },
            index=r.index,
        ),
        ["requested_at_from", "financial_status"],
    )
    return {
        "orders": orders.reset_index(drop=True),
        "order_lines": order_lines,
        "returns": returns.reset_index(drop=True),
    }


def variant_name(title: pd.Series, options: list[pd.Series]) -> pd.Series:
    """Shopify's line-item name of a variant: ``Title - Opt1 / Opt2`` (just the title when the
    only option is Shopify's ``Default Title``)."""
    joined = (
        pd.Series(
            [" / ".join(v for v in vals if v) for vals in zip(*options, strict=True)], index=title.index
        )
        if options
        else pd.Series("", index=title.index)
    )
    plain = (joined == "") | (joined == "Default Title")
    return title.where(plain, title + " - " + joined)


def products_table(df: pd.DataFrame) -> pd.DataFrame:
    """A products export as a ``products`` frame, one row per variant (pure).

    Product-level fields (title, body, vendor, type, tags, status) sit on each product's first row
    and are carried to its variants; image-only rows add their image to the product's images.
    """
    df = df.copy()
    df["_row"] = np.arange(1, len(df) + 1)
    first = df.drop_duplicates("Handle", keep="first").set_index("Handle")
    images = (
        df[df["Image Src"] != ""].groupby("Handle")["Image Src"].agg(lambda s: "|".join(dict.fromkeys(s)))
    )
    v = df[df["Variant Price"] != ""].copy()

    def product(col: str) -> pd.Series:
        return v["Handle"].map(first[col]) if col in first else pd.Series("", index=v.index)

    title = product("Title")
    names = [product(f"Option{i} Name") for i in (1, 2, 3)]
    values = [v.get(f"Option{i} Value", pd.Series("", index=v.index)) for i in (1, 2, 3)]
    attributes = [
        "|".join(f"{n}:{val}" for n, val in zip(ns, vs, strict=True) if n and val and val != "Default Title")
        for ns, vs in zip(zip(*names, strict=True), zip(*values, strict=True), strict=True)
    ]
    category = product("Product Category") if "Product Category" in first else pd.Series("", index=v.index)
    category = category.where(category != "", product("Type"))
    status = (
        product("Status")
        .str.lower()
        .map({"active": "on_sale", "draft": "off_shelf", "archived": "off_shelf"})
        .fillna("")
    )
    own_image = v.get("Variant Image", pd.Series("", index=v.index))
    all_images = v["Handle"].map(images).fillna("")
    no_sku = v["Variant SKU"] == ""
    used = {
        "Handle",
        "Title",
        "Body (HTML)",
        "Vendor",
        "Product Category",
        "Type",
        "Variant SKU",
        "Variant Price",
        "Cost per item",
        "Image Src",
        "Variant Image",
        "Status",
        "_row",
        "Option1 Name",
        "Option2 Name",
        "Option3 Name",
        "Option1 Value",
        "Option2 Value",
        "Option3 Value",
    }
    extra = v[keep_extras(v, used)].copy()
    extra["Tags"] = product("Tags")
    extra["sku_from"] = np.where(no_sku, "variant name", "")
    out = pd.DataFrame(
        {
            "sku": v["Variant SKU"].where(~no_sku, variant_name(title, values)),
            "product_id": v["Handle"],
            "title": title,
            "category": category.where(category != "", UNCATEGORISED),
            "brand": product("Vendor"),
            "price": v["Variant Price"],
            "cost": v.get("Cost per item", ""),
            "attributes": attributes,
            "description": product("Body (HTML)"),
            "images": [
                f"{o}|{a}".strip("|") if o and o not in a else a
                for o, a in zip(own_image, all_images, strict=True)
            ],
            "status": status,
            "_row": v["_row"],
        }
    )
    out["extras"] = extras_json(extra, list(extra.columns))
    return out.reset_index(drop=True)


class ShopifyOrdersProfile:
    """Shopify "Export orders" CSV."""

    name = "shopify_orders"
    required_headers = ORDER_HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        share = coverage(headers, ORDER_HEADERS)
        return 0.97 if share == 1 else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        channel = CHANNEL
        for path in paths:
            tables = orders_tables(frame(path), channel)
            for name in ("orders", "order_lines", "returns"):
                yield name, contract_table(name, tables[name], path.name)


class ShopifyProductsProfile:
    """Shopify products export CSV."""

    name = "shopify_products"
    required_headers = PRODUCT_HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        share = coverage(headers, PRODUCT_HEADERS)
        return 0.97 if share == 1 else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        for path in paths:
            yield "products", contract_table("products", products_table(frame(path)), path.name)
