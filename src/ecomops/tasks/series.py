"""Daily metric values by segment, as parameterised DuckDB SQL over the DATA.md tables.

Used to check a task's acceptance on the data and by the console's Sales & traffic page. It covers
the metrics a check or a chart needs (sales, traffic, conversion, ads, refunds); ``ecomops.metrics``
is the full declared metric layer. Dimension names are looked up in fixed maps and every value is
a bound parameter, so nothing a user types becomes SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ecomops.errors import InputError

_LINES = """order_lines l JOIN orders o ON o.order_id = l.order_id
  LEFT JOIN products p ON p.sku = l.sku"""
_TRAFFIC = "traffic t LEFT JOIN products p ON p.sku = t.sku"
_ADS = "ads a LEFT JOIN products p ON p.sku = a.sku"
_RETURNS = """returns r LEFT JOIN orders o ON o.order_id = r.order_id
  LEFT JOIN products p ON p.sku = r.sku"""


@dataclass(frozen=True)
class Source:
    name: str
    from_sql: str
    day: str
    where: str
    dims: Mapping[str, str]
    measures: Mapping[str, str]


SOURCES: dict[str, Source] = {
    "lines": Source(
        "lines", _LINES, "CAST(o.order_time AS DATE)", "o.status <> 'cancelled'",
        {"channel": "o.channel", "source": "o.traffic_source", "region": "o.region",
         "warehouse": "o.warehouse", "carrier": "o.carrier", "sku": "l.sku", "category": "p.category"},
        {"gmv": "sum(coalesce(l.amount, l.quantity * l.unit_price))", "units": "sum(l.quantity)",
         "orders": "count(DISTINCT o.order_id)"},
    ),
    "traffic": Source(
        "traffic", _TRAFFIC, "t.date", "TRUE",
        {"channel": "t.channel", "source": "t.source", "sku": "t.sku", "category": "p.category"},
        {"visitors": "sum(t.visitors)", "page_views": "sum(t.page_views)",
         "add_to_cart": "sum(t.add_to_cart)", "buyers": "sum(t.buyers)"},
    ),
    "ads": Source(
        "ads", _ADS, "a.date", "TRUE",
        {"channel": "a.channel", "campaign": "a.campaign", "ad_group": "a.ad_group",
         "keyword": "a.keyword", "search_term": "a.search_term", "sku": "a.sku",
         "category": "p.category"},
        {"ad_cost": "sum(a.cost)", "ad_clicks": "sum(a.clicks)", "ad_impressions": "sum(a.impressions)",
         "ad_orders": "sum(a.orders)", "ad_sales": "sum(a.sales)"},
    ),
    "returns": Source(
        "returns", _RETURNS, "CAST(r.requested_at AS DATE)", "TRUE",
        {"channel": "o.channel", "region": "o.region", "sku": "r.sku", "category": "p.category"},
        {"refund_amount": "sum(r.refund_amount)", "returned_units": "sum(coalesce(r.quantity, 1))"},
    ),
}
BASE = {m: s for s in SOURCES.values() for m in s.measures}
RATIOS: dict[str, tuple[str, str]] = {
    "aov": ("gmv", "orders"),
    "conversion_rate": ("orders", "visitors"),
    "ad_ctr": ("ad_clicks", "ad_impressions"),
    "ad_cpc": ("ad_cost", "ad_clicks"),
    "ad_roas": ("ad_sales", "ad_cost"),
    "ad_acos": ("ad_cost", "ad_sales"),
}
METRICS = (*BASE, *RATIOS)
DIMENSIONS = ("channel", "category", "source", "sku", "region", "warehouse", "carrier",
              "campaign", "ad_group", "keyword", "search_term")


def _base_sql(
    measure: str, keys: Sequence[str], filters: Mapping[str, str], start: dt.date, end: dt.date,
    *, by_day: bool,
) -> tuple[str, list[object]]:
    src = SOURCES[BASE[measure].name]
    for d in (*keys, *filters):
        if d not in src.dims:
            raise InputError(f"{measure} cannot be broken down or filtered by {d}")
    select = [*([f"{src.day} AS day"] if by_day else []), *(f"{src.dims[k]} AS {k}" for k in keys)]
    where = [src.where, f"{src.day} BETWEEN ? AND ?"]
    params: list[object] = [start, end]
    for d, v in filters.items():
        where.append(f"{src.dims[d]} = ?")
        params.append(v)
    if src.name == "traffic" and not {"sku", "category"} & {*keys, *filters}:
        # Shop-level rows (empty sku) are unique visitors of the shop; SKU rows would count a
        # visitor once per SKU seen. Use SKU rows only where a store has no shop-level rows.
        where.append("(coalesce(t.sku, '') = '' OR NOT EXISTS "
                     "(SELECT 1 FROM traffic s WHERE coalesce(s.sku, '') = ''))")
    elif src.name == "traffic":
        where.append("coalesce(t.sku, '') <> ''")
    group = ", ".join(str(i + 1) for i in range(len(select)))
    sql = (f"SELECT {', '.join([*select, f'{src.measures[measure]} AS value'])} "
           f"FROM {src.from_sql} WHERE {' AND '.join(where)}"
           + (f" GROUP BY {group}" if select else ""))
    return sql, params


def metric_sql(
    metric: str, start: dt.date, end: dt.date, *, by_day: bool = True,
    by: Sequence[str] = (), filters: Mapping[str, str] | None = None,
) -> tuple[str, list[object], list[str]]:
    """SQL, parameters and output columns for ``metric`` per day (and per ``by`` dimensions) over
    ``start``..``end`` inclusive, restricted to ``filters`` (dimension -> value)."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    for d in (*by, *filters):
        if d not in DIMENSIONS:
            raise InputError(f"unknown dimension {d!r}: use one of {', '.join(DIMENSIONS)}")
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    if start > end:
        raise InputError("the start date is after the end date")
    keys = [*(["day"] if by_day else []), *by]
    columns = [*keys, "value"]

    def base(m: str) -> tuple[str, list[object]]:
        return _base_sql(m, list(by), filters, start, end, by_day=by_day)

    if metric in BASE:
        sql, params = base(metric)
        return f"SELECT * FROM ({sql}) ORDER BY ALL", params, columns
    num, den = RATIOS[metric]
    nsql, nparams = base(num)
    dsql, dparams = base(den)
    on = " AND ".join(f"n.{k} IS NOT DISTINCT FROM d.{k}" for k in keys) or "TRUE"
    out = ", ".join(f"coalesce(n.{k}, d.{k}) AS {k}" for k in keys)
    sql = (f"SELECT {out + ', ' if out else ''}"
           f"CASE WHEN d.value > 0 THEN coalesce(n.value, 0) / d.value END AS value "
           f"FROM ({nsql}) n FULL OUTER JOIN ({dsql}) d ON {on} ORDER BY ALL")
    return sql, [*nparams, *dparams], columns
