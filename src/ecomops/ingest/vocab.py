"""Spellings accepted for the contract's enum values (English variants and Chinese shop terms).

Keyed by the value set of ``store.schema`` (the same word means different things in different
sets: 已收货 is a delivered order but a received return). Matching is case-insensitive with
spaces and ``-`` read as ``_``; each set's own values are always accepted.
"""

from __future__ import annotations

from ecomops.store import schema as s

SYNONYMS: dict[tuple[str, ...], dict[str, str]] = {
    s.ORDER_STATUSES: {
        "pending": "created", "unpaid": "created", "待付款": "created", "等待买家付款": "created",
        "未付款": "created", "已下单": "created", "已创建": "created",
        "已付款": "paid", "买家已付款": "paid", "待发货": "paid", "等待卖家发货": "paid",
        "已支付": "paid",
        "已发货": "shipped", "卖家已发货": "shipped", "待收货": "shipped", "运输中": "shipped",
        "等待买家确认收货": "shipped", "in_transit": "shipped",
        "交易成功": "delivered", "已签收": "delivered", "已收货": "delivered", "已完成": "delivered",
        "completed": "delivered", "complete": "delivered",
        "已取消": "cancelled", "取消": "cancelled", "canceled": "cancelled",
        "交易关闭": "closed", "已关闭": "closed", "关闭": "closed",
    },
    s.TRAFFIC_SOURCES: {
        "搜索": "search", "自然搜索": "search", "手淘搜索": "search", "organic_search": "search",
        "广告": "ads", "付费推广": "ads", "直通车": "ads", "付费": "ads", "paid": "ads", "ad": "ads",
        "cpc": "ads",
        "推荐": "recommendation", "猜你喜欢": "recommendation", "首页推荐": "recommendation",
        "recommended": "recommendation", "feed": "recommendation",
        "社交": "social", "内容": "social", "直播": "social", "短视频": "social", "达人": "social",
        "直接访问": "direct", "直接": "direct", "收藏加购": "direct", "购物车": "direct",
        "其他": "other", "其它": "other",
    },
    s.RETURN_TYPES: {
        "仅退款": "refund_only", "退款": "refund_only", "refund": "refund_only",
        "退货退款": "return_refund", "退货": "return_refund", "return": "return_refund",
        "换货": "exchange",
    },
    s.RETURN_STATUSES: {
        "申请中": "requested", "已申请": "requested", "待处理": "requested", "待审核": "requested",
        "pending": "requested",
        "已同意": "approved", "同意": "approved", "审核通过": "approved",
        "待退货": "awaiting_return", "待买家退货": "awaiting_return", "等待买家退货": "awaiting_return",
        "已收货": "received", "已收到退货": "received", "卖家已收货": "received",
        "已退款": "refunded", "退款成功": "refunded",
        "已换货": "exchanged", "换货成功": "exchanged",
        "已拒绝": "rejected", "拒绝": "rejected", "退款关闭": "closed",
        "已关闭": "closed", "关闭": "closed", "已完结": "closed",
    },
    s.AD_TYPES: {
        "搜索": "search", "搜索广告": "search", "关键词": "search", "直通车": "search",
        "sponsored_products": "search",
        "信息流": "feed", "推荐": "feed", "信息流广告": "feed",
        "展示": "display", "展示广告": "display", "钻展": "display", "引力魔方": "display",
    },
    s.PRODUCT_STATUSES: {
        "在售": "on_sale", "出售中": "on_sale", "上架": "on_sale", "在架": "on_sale",
        "active": "on_sale", "on": "on_sale",
        "下架": "off_shelf", "已下架": "off_shelf", "仓库中": "off_shelf", "停售": "off_shelf",
        "inactive": "off_shelf", "off": "off_shelf", "archived": "off_shelf",
    },
    s.LISTING_STATUSES: {
        "在线": "online", "上架": "online", "在售": "online", "出售中": "online", "active": "online",
        "离线": "offline", "下架": "offline", "已下架": "offline", "inactive": "offline",
    },
    s.DIRECTIONS: {
        "买家": "in", "顾客": "in", "收到": "in", "inbound": "in", "customer": "in",
        "客服": "out", "商家": "out", "卖家": "out", "回复": "out", "发出": "out",
        "outbound": "out", "agent": "out", "seller": "out",
    },
    s.DISCOUNT_TYPES: {
        "折扣": "percent", "打折": "percent", "百分比": "percent", "pct": "percent",
        "满减": "amount", "立减": "amount", "直降": "amount", "优惠券": "amount", "fixed": "amount",
        "套装": "bundle", "组合": "bundle", "搭配": "bundle",
        "赠品": "gift", "买赠": "gift", "满赠": "gift",
    },
}


def enum_key(text: str) -> str:
    """The comparison form used in SQL too: lower case, spaces and ``-`` as ``_``."""
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def accepted(values: tuple[str, ...]) -> dict[str, str]:
    """Every accepted spelling (in ``enum_key`` form) of the value set ``values`` → its value."""
    out = {enum_key(k): v for k, v in SYNONYMS.get(values, {}).items()}
    out.update({enum_key(v): v for v in values})
    return out
