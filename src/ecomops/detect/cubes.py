"""The daily leaf tables detection reads, one SQL query per family, as known at the end of a day.

Each query returns a long frame (``date`` + leaf dimensions + additive measures) over a window
of days ending on the reviewed day. Only facts stamped on or before that day are read (orders by
order time, deliveries by delivery time, returns by request time, traffic and ads by their
date), so a brief re-run for a past day sees what was known then.

These are plain DuckDB SQL over the DATA.md tables (column names from ``store.schema``'s
contract); the aggregation runs in the engine and only small daily summaries reach pandas.

Why not ``ecomops.metrics.daily``: measured on the demo store at scale 0.25 (seed 11, 57 days x
channel x source x category x SKU, 107,750 rows, identical GMV / orders / units / visitors /
margin totals), ``metrics.daily`` took 3.2-3.5 s against 1.4 s for ``SALES_SQL`` (2.4x), and it
has no list-price measure (the price index that tells a pricing error from a cost change). The
brief's budget is 5 s at scale 1, so detection keeps this one-query path; KPIs use ``metrics``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

SALES_DIMS = ("channel", "source", "category", "sku")
ADS_DIMS = ("channel", "campaign", "ad_group", "keyword")
LOGISTICS_DIMS = ("carrier", "warehouse")
RETURNS_DIMS = ("sku", "category")


def duck(con: Any) -> Any:
    """The DuckDB connection behind an Ibis backend, or ``con`` itself."""
    return getattr(con, "con", con)


def _read(con: Any, sql: str, params: dict[str, Any], *, categorical: bool = False) -> pd.DataFrame:
    """Run ``sql``; dates as ``datetime.date``; with ``categorical``, dates and text as categories.

    Leaf tables are categorical: ``scan.build_panel`` groups them ~30 times per brief and reads
    the category codes instead of re-hashing strings each time.
    """
    frame: pd.DataFrame = duck(con).execute(sql, params).df()
    if "date" in frame.columns:
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    if categorical:
        for c in frame.columns:
            if frame[c].dtype == object:
                frame[c] = frame[c].astype("category")
    return frame


def _window(day: dt.date, days: int) -> dict[str, Any]:
    start = day - dt.timedelta(days=days)
    return {"start": start, "end": day + dt.timedelta(days=1)}


SALES_SQL = """
WITH lines AS (
    SELECT CAST(o.order_time AS DATE) AS date, o.channel,
           COALESCE(NULLIF(o.traffic_source, ''), 'other') AS source,
           COALESCE(p.category, '') AS category, l.sku,
           COUNT(DISTINCT o.order_id) AS orders,
           SUM(l.quantity) AS units,
           SUM(COALESCE(l.amount, l.quantity * l.unit_price)) AS gmv,
           SUM(l.quantity * COALESCE(p.cost, 0)) AS cost,
           SUM(CASE WHEN p.cost IS NULL THEN 0 ELSE COALESCE(l.amount, l.quantity * l.unit_price) END)
               AS gmv_costed,
           SUM(l.quantity * COALESCE(p.price, l.unit_price)) AS list_value
    FROM orders o
    JOIN order_lines l ON l.order_id = o.order_id
    LEFT JOIN products p ON p.sku = l.sku
    WHERE o.order_time >= $start AND o.order_time < $end AND o.status <> 'cancelled'
    GROUP BY ALL
), visits AS (
    SELECT t.date, t.channel, COALESCE(NULLIF(t.source, ''), 'other') AS source,
           COALESCE(p.category, '') AS category, COALESCE(t.sku, '') AS sku,
           SUM(t.visitors) AS visitors
    FROM traffic t LEFT JOIN products p ON p.sku = t.sku
    WHERE t.date >= CAST($start AS DATE) AND t.date < CAST($end AS DATE)
    GROUP BY ALL
)
SELECT date, channel, source, category, sku,
       COALESCE(orders, 0) AS orders, COALESCE(units, 0) AS units, COALESCE(gmv, 0) AS gmv,
       COALESCE(cost, 0) AS cost, COALESCE(gmv_costed, 0) AS gmv_costed,
       COALESCE(list_value, 0) AS list_value, COALESCE(visitors, 0) AS visitors
FROM lines FULL OUTER JOIN visits USING (date, channel, source, category, sku)
"""


def sales(con: Any, day: dt.date, days: int) -> tuple[pd.DataFrame, bool]:
    """Orders, units, GMV, cost and visitors per date x channel x source x category x SKU.

    Returns the frame and whether visitors are known per SKU (``traffic.sku`` filled); when they
    are not, visitors sit on ``sku = ''`` and conversion is only judged above the SKU level.
    """
    frame = _read(con, SALES_SQL, _window(day, days), categorical=True)
    per_sku = bool(((frame["sku"] != "") & (frame["visitors"] > 0)).any())
    if per_sku:
        frame = frame[~((frame["sku"] == "") & (frame["orders"] == 0))]
    return frame, per_sku


ADS_SQL = """
SELECT date, channel, campaign, ad_group, COALESCE(keyword, '') AS keyword,
       SUM(impressions) AS impressions, SUM(clicks) AS clicks, SUM(cost) AS cost,
       SUM(COALESCE(orders, 0)) AS orders, SUM(COALESCE(sales, 0)) AS sales
FROM ads
WHERE date >= CAST($start AS DATE) AND date < CAST($end AS DATE)
GROUP BY ALL
"""


def ads(con: Any, day: dt.date, days: int) -> pd.DataFrame:
    """Impressions, clicks, cost, attributed orders and sales per date x campaign x ad group x keyword."""
    return _read(con, ADS_SQL, _window(day, days), categorical=True)


LOGISTICS_SQL = """
SELECT CAST(delivered_time AS DATE) AS date,
       COALESCE(NULLIF(carrier, ''), '?') AS carrier, COALESCE(NULLIF(warehouse, ''), '?') AS warehouse,
       COUNT(*) AS delivered,
       SUM(date_diff('second', shipped_time, delivered_time)) / 86400.0 AS delivery_days_sum,
       COUNT(promised_delivery_time) AS promised,
       SUM(CASE WHEN delivered_time > promised_delivery_time THEN 1 ELSE 0 END) AS late,
       SUM(payment_amount) AS value
FROM orders
WHERE delivered_time >= $start AND delivered_time < $end AND shipped_time IS NOT NULL
GROUP BY ALL
"""

SHIPPING_SQL = """
SELECT CAST(shipped_time AS DATE) AS date,
       COALESCE(NULLIF(carrier, ''), '?') AS carrier, COALESCE(NULLIF(warehouse, ''), '?') AS warehouse,
       COUNT(*) AS shipped,
       SUM(date_diff('second', paid_time, shipped_time)) / 3600.0 AS ship_hours_sum,
       SUM(payment_amount) AS value
FROM orders
WHERE shipped_time >= $start AND shipped_time < $end AND paid_time IS NOT NULL
GROUP BY ALL
"""


def logistics(con: Any, day: dt.date, days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deliveries (by delivery date) and shipments (by ship date) per carrier x warehouse."""
    w = _window(day, days)
    return _read(con, LOGISTICS_SQL, w, categorical=True), _read(con, SHIPPING_SQL, w, categorical=True)


TRANSIT_SQL = """
WITH parcels AS (
    SELECT COALESCE(NULLIF(carrier, ''), '?') AS carrier, COALESCE(NULLIF(warehouse, ''), '?') AS warehouse,
           CAST(shipped_time AS DATE) AS first_day,
           LEAST(COALESCE(CAST(delivered_time AS DATE) - 1, CAST($day AS DATE)),
                 CAST(shipped_time AS DATE) + $max_days) AS last_day,
           promised_delivery_time AS promised, payment_amount AS value
    FROM orders
    WHERE shipped_time < $end AND shipped_time >= $start - INTERVAL ($max_days) DAY
      AND (delivered_time IS NULL OR delivered_time >= $start)
), days AS (
    SELECT carrier, warehouse, promised, value,
           UNNEST(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS date
    FROM parcels WHERE last_day >= first_day
)
SELECT CAST(date AS DATE) AS date, carrier, warehouse, COUNT(*) AS in_transit,
       COUNT(*) FILTER (WHERE promised < date + INTERVAL 1 DAY) AS overdue, SUM(value) AS value
FROM days WHERE date >= CAST($start AS DATE) AND date <= CAST($day AS DATE)
GROUP BY ALL
"""
MAX_TRANSIT_DAYS = 20
"""A parcel still undelivered this many days after shipping is lost, not in transit."""


def transit(con: Any, day: dt.date, days: int) -> pd.DataFrame:
    """Parcels in transit at the end of each day (shipped, not yet delivered) and those of them
    already past their promised delivery time, per date x carrier x warehouse.

    As of the reviewed day: a parcel delivered later is still in transit on it. This sees a
    carrier's delays days before the late parcels are delivered and counted as late.
    """
    params = {**_window(day, days), "day": day, "max_days": MAX_TRANSIT_DAYS}
    return _read(con, TRANSIT_SQL, params, categorical=True)


RETURNS_SQL = """
SELECT CAST(r.requested_at AS DATE) AS date, COALESCE(r.sku, '') AS sku,
       COALESCE(p.category, '') AS category,
       COUNT(*) AS cases, SUM(COALESCE(r.quantity, 1)) AS returned_units,
       SUM(COALESCE(r.refund_amount, 0)) AS refund_amount
FROM returns r LEFT JOIN products p ON p.sku = r.sku
WHERE r.requested_at >= $start AND r.requested_at < $end
GROUP BY ALL
"""

REASONS_SQL = """
SELECT COALESCE(NULLIF(reason, ''), '?') AS reason, COUNT(*) AS cases,
       SUM(CASE WHEN requested_at >= $recent THEN 1 ELSE 0 END) AS recent
FROM returns
WHERE sku = $sku AND requested_at >= $start AND requested_at < $end
GROUP BY ALL ORDER BY recent DESC, cases DESC
"""


def returns(con: Any, day: dt.date, days: int) -> pd.DataFrame:
    """Return cases, returned units and refunds per request date x SKU."""
    return _read(con, RETURNS_SQL, _window(day, days), categorical=True)


def return_reasons(con: Any, sku: str, day: dt.date, days: int, recent_days: int) -> pd.DataFrame:
    """Reasons of the SKU's returns: all cases of the window and those of the last ``recent_days``."""
    params = {**_window(day, days), "sku": sku, "recent": day - dt.timedelta(days=recent_days - 1)}
    return _read(con, REASONS_SQL, params)


PROMOS_SQL = """
SELECT COALESCE(channel, '') AS channel, start_date, end_date, COALESCE(skus, '') AS skus,
       COALESCE(discount_type, '') AS discount_type, discount_value
FROM promotions
WHERE end_date >= CAST($start AS DATE) AND start_date < CAST($end AS DATE)
"""


def promotions(con: Any, day: dt.date, days: int) -> pd.DataFrame:
    frame = _read(con, PROMOS_SQL, _window(day, days))
    for c in ("start_date", "end_date"):
        frame[c] = pd.to_datetime(frame[c]).dt.date
    return frame


def products(con: Any) -> pd.DataFrame:
    return _read(con, "SELECT sku, category, price, cost FROM products", {})
