"""UCI Online Retail (a UK online gift wholesaler, 2010-2011): one row per invoice line.

- Invoices become ``orders`` (status ``paid``: an invoice is a completed sale, and the data says
  nothing about shipping or delivery) with the customer's country as region, and their lines
  ``order_lines``. Lines with zero or negative quantity on ordinary invoices are stock
  adjustments; they are passed on as they are and the loader rejects them (quantity must be at
  least 1), so the rejects file lists them. An invoice made only of such lines is no order.
- Invoices starting with ``C`` are credit notes: each line becomes a ``returns`` case
  (``refund_only``: the data does not say whether goods came back; quantity and refund as
  positive numbers; the credit note has no link to the original invoice, so ``order_id`` is the
  credit note's own number).
- ``products`` per StockCode: the last description as title, the last positive price charged as
  price (the data has no list price), category ``uncategorised`` (the data has none). Non-product
  codes (POST, M, D, BANK CHARGES, AMAZONFEE...) are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.profiles.common import UNCATEGORISED, contract_table, coverage, frame
from ecomops.settings import Settings

CHANNEL = "online_retail"
HEADERS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
# Online Retail II names the same columns differently.
HEADERS_II = (
    "Invoice",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "Price",
    "Customer ID",
    "Country",
)


def retail_tables(df: pd.DataFrame, channel: str = CHANNEL) -> dict[str, pd.DataFrame]:
    """The transactions as ``orders``, ``order_lines``, ``returns`` and ``products`` frames."""
    df = df.rename(columns=dict(zip(HEADERS_II, HEADERS, strict=True)))
    row = np.arange(1, len(df) + 1)
    qty = pd.to_numeric(df["Quantity"], errors="coerce")
    price = pd.to_numeric(df["UnitPrice"], errors="coerce")
    amount = (qty * price).round(2)
    credit = df["InvoiceNo"].str.upper().str.startswith("C").to_numpy()
    customer = df["CustomerID"].str.replace(r"\.0$", "", regex=True)
    line_no = df.groupby("InvoiceNo", sort=False).cumcount() + 1

    sale = ~credit
    s = df[sale]
    order_lines = pd.DataFrame(
        {
            "order_id": s["InvoiceNo"],
            "line_no": line_no[sale],
            "sku": s["StockCode"],
            "quantity": s["Quantity"],
            "unit_price": s["UnitPrice"],
            "amount": amount[sale],
            "_row": row[sale],
        }
    )
    good = sale & (qty > 0).to_numpy()
    g = df[good].assign(_amount=amount[good], _customer=customer[good], _row=row[good])
    head = (
        g.groupby("InvoiceNo", sort=False)
        .agg(
            order_time=("InvoiceDate", "first"),
            customer_id=("_customer", "first"),
            region=("Country", "first"),
            payment_amount=("_amount", "sum"),
            _row=("_row", "first"),
        )
        .reset_index()
    )
    orders = pd.DataFrame(
        {
            "order_id": head["InvoiceNo"],
            "channel": channel,
            "order_time": head["order_time"],
            "customer_id": head["customer_id"],
            "status": "paid",
            "region": head["region"],
            "payment_amount": head["payment_amount"].round(2),
            "_row": head["_row"],
        }
    )

    c = df[credit]
    returns = pd.DataFrame(
        {
            "case_id": c["InvoiceNo"] + "-" + line_no[credit].astype(str),
            "order_id": c["InvoiceNo"],
            "sku": c["StockCode"],
            "type": "refund_only",
            "reason": c["Description"],
            "quantity": -qty[credit],
            "refund_amount": -amount[credit],
            "status": "refunded",
            "requested_at": c["InvoiceDate"],
            "customer": customer[credit],
            "_row": row[credit],
        }
    )
    returns["extras"] = [f'{{"customer_id": "{x}"}}' if x else None for x in returns.pop("customer")]

    last = (
        df[good & (price > 0).to_numpy()]
        .groupby("StockCode", sort=False)
        .agg(price=("UnitPrice", "last"), _row=("StockCode", "size"))
    )
    named = df[df["Description"] != ""].groupby("StockCode", sort=False)["Description"].last()
    codes = pd.Index(df["StockCode"].unique())
    first_row = pd.Series(row, index=df.index).groupby(df["StockCode"]).first()
    products = pd.DataFrame(
        {
            "sku": codes,
            "title": codes.map(named).fillna(""),
            "category": UNCATEGORISED,
            "price": codes.map(last["price"]).fillna(""),
            "_row": codes.map(first_row),
            "extras": '{"price_from": "last positive price charged (the data has no list price)"}',
        }
    )
    return {"orders": orders, "order_lines": order_lines, "returns": returns, "products": products}


class OnlineRetailProfile:
    """UCI Online Retail (and Online Retail II) transaction files."""

    name = "online_retail"
    required_headers = HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        return 0.97 if max(coverage(headers, HEADERS), coverage(headers, HEADERS_II)) == 1 else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        for path in paths:
            for table, data in retail_tables(frame(path)).items():
                yield table, contract_table(table, data, path.name)
