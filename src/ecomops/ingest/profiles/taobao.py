"""Taobao / Tmall seller-centre exports: 订单报表 (ExportOrderList, one row per order) and 宝贝报表
(ExportOrderDetailList, one row per item of an order), GB18030 CSVs; read together when both are
dropped in one folder.

Decisions:
- Channel ``tmall``, or ``taobao`` when the store's channels list taobao and not tmall.
- Status (订单状态): 等待买家付款 → ``created``; 买家已付款，等待卖家发货 → ``paid``; 卖家已发货 /
  卖家部分发货 → ``shipped``; 交易成功 → ``delivered`` (the buyer confirmed receipt, or the platform
  did for them after the confirmation period; 确认收货时间 is then the delivered time);
  交易关闭 → ``cancelled`` when it was never paid (no 订单付款时间: the buyer did not pay), else
  ``closed`` (paid, then fully refunded: the refund is its return case).
- ``payment_amount`` is 买家实际支付金额 (postage included), ``shipping_fee`` 买家应付邮费.
  The export states no discount, so ``discount_amount`` stays empty. 收货地址 is
  ``省 市 区 街道…``: region and city are its first two parts.
- Lines: ``sku`` is 商家编码, else 外部系统编号, else 标题 + 商品属性 (extras say which). 价格 is the
  list price; when the order report is there too, each order's goods payment (实际支付 − 邮费)
  is shared over its lines in proportion to 价格 × 购买数量, so lines say what was charged.
- 退款金额 > 0 → one ``refund_only`` case per order (the export neither itemises refunds nor
  dates them: ``requested_at`` is the payment time, the earliest the refund can have been asked
  for, and extras say so).
- No ``products``: the item report knows titles but not categories; the shop's own product file
  stays the source of products (rows made from orders would overwrite it on import).
- Cells written as ``="3310457726201234567"`` (the guard that keeps Excel from rounding long
  numbers) are read as the number inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.profiles.common import (
    allocate,
    contract_table,
    coverage,
    extras_json,
    frame,
    number,
    pick,
)
from ecomops.settings import Settings

ORDER_HEADERS = ("订单编号", "买家会员名", "买家实际支付金额", "订单状态", "订单创建时间")
LINE_HEADERS = ("订单编号", "标题", "价格", "购买数量", "商家编码")
STATUS = (  # (text in 订单状态, contract status); first match wins
    ("等待买家付款", "created"),
    ("部分发货", "shipped"),
    ("卖家已发货", "shipped"),
    ("买家已付款", "paid"),
    ("交易成功", "delivered"),
    ("交易关闭", "closed"),
)
ORDER_USED = (
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "买家应付邮费",
    "订单状态",
    "订单创建时间",
    "订单付款时间",
    "发货时间",
    "确认收货时间",
    "收货地址",
    "物流公司",
    "退款金额",
)
LINE_USED = ("订单编号", "购买数量", "商家编码")


def channel_for(settings: Settings | None) -> str:
    """``tmall`` unless the store sells on taobao and not on tmall."""
    channels = settings.store.channels if settings is not None else ()
    return "taobao" if "taobao" in channels and "tmall" not in channels else "tmall"


def unguard(df: pd.DataFrame) -> pd.DataFrame:
    """Cells such as ``="3310457726201234567"`` as the text inside."""
    return df.apply(lambda s: s.str.replace(r'^="(.*)"$', r"\1", regex=True))


def order_status(text: pd.Series, paid_time: pd.Series) -> pd.Series:
    """订单状态 as a DATA.md status (unknown texts are passed on, and the loader rejects them)."""
    out = pd.Series(text, dtype=object)
    done = pd.Series(False, index=text.index)
    for needle, status in STATUS:
        hit = ~done & text.str.contains(needle, regex=False)
        out = out.where(~hit, status)
        done |= hit
    never_paid = (out == "closed") & (paid_time == "")
    return out.where(~never_paid, "cancelled")


def orders_table(df: pd.DataFrame, channel: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """订单报表 as ``orders`` and ``returns`` frames (pure)."""
    df = unguard(df).assign(_row=np.arange(1, len(df) + 1))
    address = pick(df, "收货地址").str.split(r"\s+", n=2, expand=True).reindex(columns=[0, 1])
    paid_time = pick(df, "订单付款时间")
    extra_cols = [c for c in df.columns if c not in ORDER_USED and c != "_row"]
    orders = pd.DataFrame(
        {
            "order_id": df["订单编号"],
            "channel": channel,
            "order_time": df["订单创建时间"],
            "customer_id": df["买家会员名"],
            "status": order_status(df["订单状态"], paid_time),
            "paid_time": paid_time,
            "shipped_time": pick(df, "发货时间"),
            "delivered_time": pick(df, "确认收货时间"),
            "region": address[0].fillna(""),
            "city": address[1].fillna(""),
            "payment_amount": df["买家实际支付金额"],
            "shipping_fee": pick(df, "买家应付邮费"),
            "carrier": pick(df, "物流公司"),
            "_row": df["_row"],
        }
    )
    orders["extras"] = extras_json(df, extra_cols)
    refund = number(pick(df, "退款金额")).fillna(0)
    r = df[refund > 0]
    requested = paid_time[refund > 0].where(paid_time[refund > 0] != "", r["订单创建时间"])
    returns = pd.DataFrame(
        {
            "case_id": r["订单编号"] + "-refund",
            "order_id": r["订单编号"],
            "type": "refund_only",
            "refund_amount": refund[refund > 0],
            "status": "refunded",
            "requested_at": requested,
            "_row": r["_row"],
        }
    )
    returns["extras"] = extras_json(
        pd.DataFrame(
            {
                "requested_at_from": "订单付款时间 (the export has no refund date)",
                "order_status": r["订单状态"],
            },
            index=r.index,
        ),
        ["requested_at_from", "order_status"],
    )
    return orders.reset_index(drop=True), returns.reset_index(drop=True)


def lines_table(df: pd.DataFrame, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """宝贝报表 as an ``order_lines`` frame (pure); ``orders`` (订单报表) lets lines carry paid prices."""
    df = unguard(df).assign(_row=np.arange(1, len(df) + 1))
    code, outer = df["商家编码"], pick(df, "外部系统编号")
    attrs = pick(df, "商品属性")
    named = (df["标题"] + " " + attrs).str.strip()
    sku = code.where(code != "", outer.where(outer != "", named))
    sku_from = np.where(code != "", "", np.where(outer != "", "外部系统编号", "标题 + 商品属性"))
    qty = number(df["购买数量"])
    listed = (number(df["价格"]) * qty).round(2)
    amount = listed
    paid_from = pd.Series("", index=df.index)
    if orders is not None:
        head = unguard(orders).drop_duplicates("订单编号").set_index("订单编号")
        goods = number(df["订单编号"].map(head["买家实际支付金额"]).fillna("")) - number(
            df["订单编号"].map(pick(head, "买家应付邮费")).fillna("")
        ).fillna(0)
        amount, shared = allocate(listed, df["订单编号"], goods.where(goods >= 0))
        paid_from = paid_from.where(~shared, "订单报表 goods payment shared by list value")
    extra = df[[c for c in df.columns if c not in LINE_USED and c != "_row"]].copy()
    extra["sku_from"] = sku_from
    extra["amount_from"] = paid_from
    out = pd.DataFrame(
        {
            "order_id": df["订单编号"],
            "line_no": df.groupby("订单编号", sort=False).cumcount() + 1,
            "sku": sku,
            "quantity": df["购买数量"],
            "unit_price": (amount / qty.where(qty > 0)).round(4),
            "amount": amount,
            "_row": df["_row"],
        }
    )
    out["extras"] = extras_json(extra, list(extra.columns))
    return out


def file_role(headers: list[str]) -> str | None:
    """``orders`` (订单报表), ``lines`` (宝贝报表) or ``None``."""
    if coverage(headers, ORDER_HEADERS) == 1:
        return "orders"
    if coverage(headers, LINE_HEADERS) == 1:
        return "lines"
    return None


class TaobaoProfile:
    """Taobao / Tmall 订单报表 and 宝贝报表."""

    name = "taobao"
    required_headers = ORDER_HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        return 0.97 if file_role(headers) is not None else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        found: dict[str, list[tuple[Path, pd.DataFrame]]] = {"orders": [], "lines": []}
        for path in paths:
            df = frame(path)
            role = file_role(list(df.columns))
            if role is not None:
                found[role].append((path, df))
        channel = channel_for(settings)
        all_orders = (
            pd.concat([df for _, df in found["orders"]], ignore_index=True) if found["orders"] else None
        )
        for path, df in found["orders"]:
            orders, returns = orders_table(df, channel)
            yield "orders", contract_table("orders", orders, path.name)
            yield "returns", contract_table("returns", returns, path.name)
        for path, df in found["lines"]:
            yield "order_lines", contract_table("order_lines", lines_table(df, all_orders), path.name)
