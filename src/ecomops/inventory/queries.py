"""The SQL that reads the store for inventory work (DuckDB dialect, tables of DATA.md).

Every query takes its dates as parameters and sees only what was known by the end of ``as_of``:
orders placed before the next midnight, inventory snapshots dated on or before it. Table names
come from ``ecomops.store.schema``, and every contract column a query reads is checked against
the schema when this module loads (``_uses``), so a renamed column fails at import, not in a
user's brief.
"""

from __future__ import annotations

from ecomops.store.schema import CHANNEL_LISTINGS, INVENTORY, ORDER_LINES, ORDERS, PRODUCTS, PROMOTIONS, Table


def _uses(table: Table, names: str) -> str:
    """``table``'s name, after checking it has every column of ``names`` (space-separated)."""
    for name in names.split():
        table.column(name)  # KeyError for a column the contract does not have
    return table.name


INV = _uses(INVENTORY, "date sku warehouse on_hand reserved inbound inbound_eta")
ORD = _uses(ORDERS, "order_id status order_time warehouse channel")
LIN = _uses(ORDER_LINES, "order_id sku quantity amount unit_price")
PRD = _uses(PRODUCTS, "sku title category price cost supplier lead_time_days moq status launch_date")
PRM = _uses(PROMOTIONS, "promo_id start_date end_date skus")
LST = _uses(CHANNEL_LISTINGS, "channel sku listed_stock listed_price status updated_at")

LIVE = f"""{LIN} l JOIN {ORD} o USING (order_id)
WHERE (o.status IS NULL OR o.status <> 'cancelled')
  AND o.order_time >= $start AND o.order_time < $as_of + INTERVAL 1 DAY"""

# The warehouse an order without one ships from: the SKU's fullest warehouse on its latest snapshot.
HOME = f"""
home AS (
  SELECT sku, arg_max(coalesce(warehouse, 'main'), on_hand) AS warehouse
  FROM (SELECT * FROM {INV} WHERE date <= $as_of AND date >= $start
        QUALIFY date = max(date) OVER (PARTITION BY sku))
  GROUP BY sku
)"""

SALES = f"""
WITH {HOME}
SELECT l.sku, coalesce(nullif(o.warehouse, ''), h.warehouse, 'main') AS warehouse,
       CAST(o.order_time AS DATE) AS ds, sum(l.quantity)::DOUBLE AS y,
       sum(coalesce(l.amount, l.quantity * l.unit_price)) AS revenue
FROM {LIN} l JOIN {ORD} o USING (order_id) LEFT JOIN home h USING (sku)
WHERE (o.status IS NULL OR o.status <> 'cancelled')
  AND o.order_time >= $start AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

POSITIONS = f"""
SELECT sku, coalesce(warehouse, 'main') AS warehouse, date AS snapshot_date, on_hand,
       coalesce(reserved, 0) AS reserved, coalesce(inbound, 0) AS inbound, inbound_eta
FROM {INV} WHERE date <= $as_of AND date >= $start
QUALIFY row_number() OVER (PARTITION BY sku, coalesce(warehouse, 'main') ORDER BY date DESC) = 1
"""

STOCK_BY_SERIES = f"""
SELECT sku, coalesce(warehouse, 'main') AS warehouse, date AS ds, on_hand::DOUBLE AS on_hand
FROM {INV} WHERE date >= $start AND date <= $as_of
"""

STOCK_BY_SKU = f"""
SELECT sku AS unique_id, date AS ds, sum(on_hand)::DOUBLE AS on_hand
FROM {INV} WHERE date >= $start AND date <= $as_of GROUP BY ALL
"""

SALES_BY_SKU = f"""
SELECT l.sku AS unique_id, CAST(o.order_time AS DATE) AS ds, sum(l.quantity)::DOUBLE AS units,
       sum(coalesce(l.amount, l.quantity * l.unit_price)) AS revenue
FROM {LIVE}
GROUP BY ALL
"""

CENSORED = f"""
SELECT sku, coalesce(warehouse, 'main') AS warehouse, date AS ds
FROM {INV} WHERE on_hand <= 0 AND date >= $start AND date <= $as_of
"""

FIRST_IN_STOCK = f"""
SELECT sku, coalesce(warehouse, 'main') AS warehouse, min(date) AS first_day
FROM {INV} WHERE on_hand > 0 AND date >= $start AND date <= $as_of
GROUP BY ALL
"""

PRODUCTS_SQL = f"""
SELECT sku, title, category, price, cost, supplier, lead_time_days, moq,
       coalesce(status, 'on_sale') AS status, launch_date
FROM {PRD}
"""

PROMOTIONS_SQL = f"""
SELECT promo_id, start_date, end_date, coalesce(skus, '') AS skus
FROM {PRM} WHERE end_date >= $start AND start_date <= $end
"""

DAILY_SKU = f"""
SELECT l.sku, CAST(o.order_time AS DATE) AS ds, sum(l.quantity)::DOUBLE AS units,
       sum(coalesce(l.amount, l.quantity * l.unit_price)) AS revenue
FROM {LIVE}
GROUP BY ALL
"""

LAST_SALE = f"""
SELECT l.sku, max(CAST(o.order_time AS DATE)) AS last_sale
FROM {LIN} l JOIN {ORD} o USING (order_id)
WHERE (o.status IS NULL OR o.status <> 'cancelled') AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

CHANNEL_DEMAND = f"""
SELECT o.channel, l.sku, sum(l.quantity)::DOUBLE / $days AS daily_demand
FROM {LIVE}
GROUP BY ALL
"""

LISTINGS = f"""
SELECT channel, sku, listed_stock, listed_price, status, updated_at
FROM {LST} WHERE updated_at IS NULL OR updated_at < $as_of + INTERVAL 1 DAY
"""


SELLABLE_HISTORY = f"""
SELECT date, sku, coalesce(warehouse, 'main') AS warehouse,
       greatest(on_hand - coalesce(reserved, 0), 0) AS sellable
FROM {INV} WHERE date <= $as_of AND date >= $start
"""
"""Sellable units (on hand less reserved, never below zero) per snapshot day, SKU and warehouse."""
