"""The metrics of DATA.md, declared once: base measures on facts, and metrics over measures.

In the manner of MetricFlow: a *measure* is an aggregation on one fact (``facts.py`` builds the
facts as Ibis expressions), a *sum* metric is one measure, a *ratio* metric is a numerator measure
over a denominator measure (means such as ``aov`` or ``ship_hours`` are ratios too, so they can be
re-aggregated and judged with their volume). A metric can be cut by the dimensions that every
fact behind it carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Kind = Literal["sum", "ratio"]
Unit = Literal["currency", "count", "rate", "hours", "days"]
Better = Literal["up", "down"] | None
Grain = Literal["day", "week", "month"]

DIMENSIONS: tuple[str, ...] = (
    "sku", "category", "channel", "source", "campaign", "ad_group", "keyword",
    "search_term", "warehouse", "carrier", "region",
)
"""The dimension names of DATA.md / BRIEF.md that metrics can be cut by."""

_ORDER_DIMS = frozenset({"channel", "source", "warehouse", "carrier", "region"})
_LINE_DIMS = _ORDER_DIMS | {"sku", "category"}

FACT_DIMS: Mapping[str, frozenset[str]] = MappingProxyType({
    "sales": _LINE_DIMS,                       # order lines of orders, dated by order_time
    "traffic": frozenset({"channel", "source", "sku", "category"}),
    "ads": frozenset({"channel", "source", "campaign", "ad_group", "keyword", "search_term",
                      "sku", "category"}),
    "refunds": _LINE_DIMS,                     # after-sales cases, dated by requested_at
    "returns": _LINE_DIMS,                     # after-sales cases, dated by the sale's order_time
    "shipping": _ORDER_DIMS,                   # orders, dated by shipped_time
    "delivery": _ORDER_DIMS,                   # orders, dated by delivered_time
    "promise": _ORDER_DIMS,                    # orders, dated by promised_delivery_time
    "stock": frozenset({"sku", "category", "warehouse"}),  # inventory snapshots, dated by date
})


@dataclass(frozen=True)
class Measure:
    """One aggregation on one fact (the expression lives in ``facts.py`` under this name)."""

    name: str
    fact: str
    description: str


MEASURES: Mapping[str, Measure] = MappingProxyType({m.name: m for m in (
    Measure("gmv", "sales", "sum of order_lines.amount of orders that are not cancelled"),
    Measure("orders", "sales", "distinct orders that are not cancelled"),
    Measure("units", "sales", "sum of order_lines.quantity"),
    Measure("buyers", "sales", "distinct customer_id (an order without one is one buyer)"),
    Measure("gross_margin", "sales", "amount - quantity x products.cost, over lines with a cost"),
    Measure("costed_gmv", "sales", "gmv of the lines whose SKU has a cost"),
    Measure("visitors", "traffic", "traffic.visitors (shop rows where given, else SKU rows)"),
    Measure("traffic_buyers", "traffic", "traffic.buyers, same rule"),
    Measure("traffic_rows_without_buyers", "traffic", "traffic rows with no buyers figure"),
    Measure("ad_impressions", "ads", "sum of ads.impressions"),
    Measure("ad_clicks", "ads", "sum of ads.clicks"),
    Measure("ad_cost", "ads", "sum of ads.cost"),
    Measure("ad_orders", "ads", "sum of ads.orders (attributed)"),
    Measure("ad_sales", "ads", "sum of ads.sales (attributed)"),
    Measure("refund_amount", "refunds", "refund_amount of cases requested that day, not void"),
    Measure("returned_units", "returns", "units of after-sales cases on the day's sales"),
    Measure("sold_units", "sales", "units sold (the denominator of return_rate)"),
    Measure("ship_hours_total", "shipping", "sum of hours from paid_time to shipped_time"),
    Measure("shipments", "shipping", "orders shipped that day with a paid_time"),
    Measure("delivery_days_total", "delivery", "sum of days from shipped_time to delivered_time"),
    Measure("deliveries", "delivery", "orders delivered that day with a shipped_time"),
    Measure("late_deliveries", "promise", "orders due that day not delivered by the promise"),
    Measure("due_deliveries", "promise", "orders whose promised delivery falls on that day"),
    Measure("available", "stock", "on_hand - reserved of the day's snapshot"),
    Measure("daily_demand", "stock", "units sold in the 28 days to that day / 28"),
)})


@dataclass(frozen=True)
class MetricDef:
    """A metric of DATA.md: what it sums or divides, its unit, which way is good, its cuts."""

    name: str
    kind: Kind
    unit: Unit
    better: Better
    module: str
    """The BRIEF.md module a finding on this metric belongs to."""
    numerator: str | None = None
    """Ratio only: the numerator measure."""
    denominator: str | None = None
    """Ratio only: the denominator measure."""
    measure: str | None = None
    """Sum only: the measure summed."""
    dims: frozenset[str] = frozenset()
    """Dimensions this metric can be cut by (set from its measures' facts)."""
    label_zh: str = ""
    description: str = ""

    @property
    def measures(self) -> tuple[str, ...]:
        if self.kind == "sum":
            assert self.measure is not None
            return (self.measure,)
        assert self.numerator is not None
        assert self.denominator is not None
        return (self.numerator, self.denominator)

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(MEASURES[m].fact for m in self.measures)


def _dims(*measures: str) -> frozenset[str]:
    out = frozenset(DIMENSIONS)
    for m in measures:
        out &= FACT_DIMS[MEASURES[m].fact]
    return out


def _sum(name: str, unit: Unit, better: Better, module: str, zh: str, desc: str,
         measure: str | None = None) -> MetricDef:
    m = measure or name
    return MetricDef(name, "sum", unit, better, module, measure=m, dims=_dims(m),
                     label_zh=zh, description=desc)


def _ratio(name: str, num: str, den: str, unit: Unit, better: Better, module: str, zh: str,
           desc: str) -> MetricDef:
    return MetricDef(name, "ratio", unit, better, module, numerator=num, denominator=den,
                     dims=_dims(num, den), label_zh=zh, description=desc)


METRICS: Mapping[str, MetricDef] = MappingProxyType({d.name: d for d in (
    _sum("gmv", "currency", "up", "sales", "销售额", "sum of order_lines.amount, cancelled excluded"),
    _sum("orders", "count", "up", "sales", "订单数", "orders placed, cancelled excluded"),
    _sum("units", "count", "up", "sales", "销量", "units sold"),
    _sum("buyers", "count", "up", "sales", "买家数", "distinct buyers"),
    _ratio("aov", "gmv", "orders", "currency", "up", "sales", "客单价", "gmv / orders"),
    _sum("visitors", "count", "up", "traffic", "访客数", "unique visitors (traffic table)"),
    _ratio("conversion_rate", "orders", "visitors", "rate", "up", "sales", "转化率",
           "orders / visitors, or traffic buyers / visitors where the traffic rows give buyers; "
           "only channels that report traffic count in the numerator"),
    _sum("refund_amount", "currency", "down", "after_sales", "退款金额",
         "refunds requested that day (cases rejected or closed by then excluded)"),
    _ratio("return_rate", "returned_units", "sold_units", "rate", "down", "after_sales", "退货率",
           "returned units / units sold, by the sale's date"),
    _sum("gross_margin", "currency", "up", "sales", "毛利", "gmv - units x cost"),
    _ratio("gross_margin_rate", "gross_margin", "costed_gmv", "rate", "up", "sales", "毛利率",
           "gross_margin / gmv, over the lines whose SKU has a cost"),
    _sum("ad_impressions", "count", "up", "ads", "展现量", "ad impressions"),
    _sum("ad_clicks", "count", "up", "ads", "点击量", "ad clicks"),
    _ratio("ad_ctr", "ad_clicks", "ad_impressions", "rate", "up", "ads", "点击率",
           "ad_clicks / ad_impressions"),
    _ratio("ad_cpc", "ad_cost", "ad_clicks", "currency", "down", "ads", "平均点击花费",
           "ad_cost / ad_clicks"),
    _sum("ad_cost", "currency", None, "ads", "广告花费", "ad spend"),
    _sum("ad_orders", "count", "up", "ads", "广告成交笔数", "orders attributed to ads"),
    _sum("ad_sales", "currency", "up", "ads", "广告成交金额", "sales attributed to ads"),
    _ratio("ad_roas", "ad_sales", "ad_cost", "rate", "up", "ads", "投产比", "ad_sales / ad_cost"),
    _ratio("ad_acos", "ad_cost", "ad_sales", "rate", "down", "ads", "广告销售成本比",
           "ad_cost / ad_sales"),
    _ratio("ship_hours", "ship_hours_total", "shipments", "hours", "down", "logistics",
           "发货时长", "mean hours from payment to shipment, by the shipment's date"),
    _ratio("delivery_days", "delivery_days_total", "deliveries", "days", "down", "logistics",
           "配送天数", "mean days from shipment to delivery, by the delivery's date"),
    _ratio("late_delivery_rate", "late_deliveries", "due_deliveries", "rate", "down", "logistics",
           "延迟送达率", "orders not delivered by their promised time / orders due that day"),
    _ratio("days_of_cover", "available", "daily_demand", "days", None, "inventory", "可售天数",
           "available stock of the day's snapshot / mean daily units of the last 28 days"),
)})


def metric(name: str) -> MetricDef:
    """The metric called ``name``; ``UnknownMetric`` names the known ones otherwise."""
    from ecomops.metrics.errors import UnknownMetric

    try:
        return METRICS[name]
    except KeyError:
        raise UnknownMetric(
            f"unknown metric {name!r}", hint=f"known metrics: {', '.join(METRICS)}"
        ) from None
