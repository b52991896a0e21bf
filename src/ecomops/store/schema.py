"""The import tables of ``shared/contract/DATA.md``, written once as data.

Every importer, the demo generator and the analytics store read these specs; nothing else
spells a column name of the contract by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "money", "integer", "number", "date", "datetime", "enum", "list"]

TRAFFIC_SOURCES = ("search", "ads", "recommendation", "social", "direct", "other")
ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "cancelled", "closed")
RETURN_TYPES = ("refund_only", "return_refund", "exchange")
RETURN_STATUSES = (
    "requested", "approved", "awaiting_return", "received",
    "refunded", "exchanged", "rejected", "closed",
)
AD_TYPES = ("search", "feed", "display")
PRODUCT_STATUSES = ("on_sale", "off_shelf")
LISTING_STATUSES = ("online", "offline")
DIRECTIONS = ("in", "out")
DISCOUNT_TYPES = ("percent", "amount", "bundle", "gift")

# DuckDB column types of each contract type. Money is DOUBLE: sums over millions of lines stay
# exact to the cent after rounding, and ratios need no DECIMAL casts in every metric.
SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "money": "DOUBLE",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "enum": "VARCHAR",
    "list": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    type: ColumnType
    zh: tuple[str, ...] = ()
    required: bool = False
    key: bool = False
    values: tuple[str, ...] = ()
    default: str | int | None = None
    min: float | None = None
    max: float | None = None
    aliases: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One contract table: its columns in contract order, its key and a short description."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    description: str = ""
    extras: bool = field(default=True)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, type_: ColumnType, zh: str = "", **kw: object) -> Column:
    return Column(name, type_, tuple(z for z in zh.split("/") if z), **kw)  # type: ignore[arg-type]


PRODUCTS = Table("products", "商品", (
    _c("sku", "text", "商家编码/SKU", required=True, key=True),
    _c("product_id", "text", "商品ID"),
    _c("title", "text", "商品标题", required=True),
    _c("category", "text", "类目", required=True),
    _c("brand", "text", "品牌"),
    _c("price", "money", "售价", required=True, min=0),
    _c("cost", "money", "成本", min=0),
    _c("attributes", "text", "属性"),
    _c("selling_points", "list", "卖点"),
    _c("description", "text", "详情"),
    _c("images", "list", "图片"),
    _c("status", "enum", "状态", values=PRODUCT_STATUSES, default="on_sale"),
    _c("launch_date", "date", "上架日期"),
    _c("supplier", "text", "供应商"),
    _c("lead_time_days", "integer", "采购周期", min=0),
    _c("moq", "integer", "起订量", min=0),
))

ORDERS = Table("orders", "订单", (
    _c("order_id", "text", "订单号", required=True, key=True),
    _c("channel", "text", "渠道/平台", required=True),
    _c("order_time", "datetime", "下单时间", required=True),
    _c("customer_id", "text", "买家ID"),
    _c("status", "enum", "订单状态", required=True, values=ORDER_STATUSES),
    _c("paid_time", "datetime", "付款时间"),
    _c("shipped_time", "datetime", "发货时间"),
    _c("delivered_time", "datetime", "签收时间"),
    _c("promised_delivery_time", "datetime", "承诺送达时间"),
    _c("region", "text", "省份/地区"),
    _c("city", "text", "城市"),
    _c("traffic_source", "enum", "流量来源", values=TRAFFIC_SOURCES),
    _c("payment_amount", "money", "实付金额", required=True),
    _c("discount_amount", "money", "优惠金额"),
    _c("shipping_fee", "money", "运费"),
    _c("warehouse", "text", "发货仓"),
    _c("carrier", "text", "快递公司"),
))

ORDER_LINES = Table("order_lines", "订单明细", (
    _c("order_id", "text", "订单号", required=True, key=True),
    _c("line_no", "integer", "行号", key=True, min=1),
    _c("sku", "text", "商家编码/SKU", required=True),
    _c("quantity", "integer", "数量", required=True, min=1),
    _c("unit_price", "money", "单价", required=True),
    _c("amount", "money", "金额"),
))

TRAFFIC = Table("traffic", "流量", (
    _c("date", "date", "日期", required=True, key=True),
    _c("channel", "text", "渠道", required=True, key=True),
    _c("source", "enum", "流量来源", required=True, key=True, values=TRAFFIC_SOURCES),
    _c("sku", "text", "商家编码", key=True, default=""),
    _c("visitors", "integer", "访客数", required=True, min=0),
    _c("page_views", "integer", "浏览量", min=0),
    _c("add_to_cart", "integer", "加购人数", min=0),
    _c("buyers", "integer", "支付买家数", min=0),
))

ADS = Table("ads", "广告", (
    _c("date", "date", "日期", required=True, key=True),
    _c("channel", "text", "渠道", required=True, key=True),
    _c("ad_type", "enum", "广告类型", required=True, values=AD_TYPES),
    _c("campaign", "text", "计划", required=True, key=True),
    _c("ad_group", "text", "单元", required=True, key=True),
    _c("keyword", "text", "关键词/定向", key=True, default=""),
    _c("match_type", "text", "匹配方式", key=True, default=""),
    _c("search_term", "text", "搜索词", key=True, default=""),
    _c("sku", "text", "推广商品"),
    _c("impressions", "integer", "展现量", required=True, min=0),
    _c("clicks", "integer", "点击量", required=True, min=0),
    _c("cost", "money", "花费", required=True, min=0),
    _c("orders", "integer", "成交笔数", min=0),
    _c("sales", "money", "成交金额", min=0),
))

INVENTORY = Table("inventory", "库存快照", (
    _c("date", "date", "日期", required=True, key=True),
    _c("sku", "text", "商家编码", required=True, key=True),
    _c("warehouse", "text", "仓库", key=True, default="main"),
    _c("on_hand", "integer", "实物库存", required=True),
    _c("reserved", "integer", "占用库存", min=0),
    _c("inbound", "integer", "在途库存", min=0),
    _c("inbound_eta", "date", "预计到货"),
))

CHANNEL_LISTINGS = Table("channel_listings", "渠道库存", (
    _c("channel", "text", "渠道", required=True, key=True),
    _c("sku", "text", "商家编码", required=True, key=True),
    _c("listed_stock", "integer", "可售库存", required=True),
    _c("listed_price", "money", "标价", min=0),
    _c("status", "enum", "状态", values=LISTING_STATUSES),
    _c("updated_at", "datetime", "更新时间"),
))

RETURNS = Table("returns", "售后", (
    _c("case_id", "text", "售后单号", required=True, key=True),
    _c("order_id", "text", "订单号", required=True),
    _c("sku", "text", "商家编码"),
    _c("type", "enum", "售后类型", required=True, values=RETURN_TYPES),
    _c("reason", "text", "原因"),
    _c("quantity", "integer", "数量", min=0),
    _c("refund_amount", "money", "退款金额", min=0),
    _c("status", "enum", "状态", required=True, values=RETURN_STATUSES),
    _c("requested_at", "datetime", "申请时间", required=True),
    _c("updated_at", "datetime", "更新时间"),
    _c("closed_at", "datetime", "完结时间"),
))

REVIEWS = Table("reviews", "评价", (
    _c("review_id", "text", "评价ID", required=True, key=True),
    _c("channel", "text", "渠道"),
    _c("sku", "text", "商家编码", required=True),
    _c("order_id", "text", "订单号"),
    _c("rating", "integer", "评分", required=True, min=1, max=5),
    _c("text", "text", "评价内容"),
    _c("created_at", "datetime", "评价时间", required=True),
    _c("reply", "text", "商家回复"),
))

MESSAGES = Table("messages", "客服消息", (
    _c("message_id", "text", "消息ID", required=True, key=True),
    _c("channel", "text", "渠道"),
    _c("customer_id", "text", "买家ID", required=True),
    _c("created_at", "datetime", "时间", required=True),
    _c("direction", "enum", "方向", values=DIRECTIONS, default="in"),
    _c("text", "text", "内容", required=True),
    _c("order_id", "text", "订单号"),
))

COMPETITOR_PRICES = Table("competitor_prices", "竞品价格", (
    _c("date", "date", "日期", required=True, key=True),
    _c("competitor", "text", "竞品店铺", required=True, key=True),
    _c("product", "text", "竞品商品", required=True, key=True),
    _c("our_sku", "text", "对标SKU"),
    _c("price", "money", "价格", required=True, min=0),
    _c("promo", "text", "促销"),
))

PROMOTIONS = Table("promotions", "活动", (
    _c("promo_id", "text", "活动ID", required=True, key=True),
    _c("name", "text", "活动名称", required=True),
    _c("channel", "text", "渠道"),
    _c("start_date", "date", "开始日期", required=True),
    _c("end_date", "date", "结束日期", required=True),
    _c("budget", "money", "预算", min=0),
    _c("skus", "list", "活动商品"),
    _c("discount_type", "enum", "优惠类型", values=DISCOUNT_TYPES),
    _c("discount_value", "number", "优惠力度"),
))

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        PRODUCTS, ORDERS, ORDER_LINES, TRAFFIC, ADS, INVENTORY, CHANNEL_LISTINGS,
        RETURNS, REVIEWS, MESSAGES, COMPETITOR_PRICES, PROMOTIONS,
    )
}

EXTRAS_COLUMN = "extras"
"""Every table carries a JSON ``extras`` column: source columns that no contract column takes."""


def table(name: str) -> Table:
    """The contract table called ``name`` (raises ``KeyError`` for an unknown name)."""
    return TABLES[name]
