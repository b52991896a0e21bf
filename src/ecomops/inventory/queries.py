"""The SQL that reads the store for inventory work (DuckDB dialect, tables of DATA.md).

Every query takes its dates as parameters and sees only what was known by the end of ``as_of``:
orders placed before the next midnight, inventory snapshots dated on or before it.
"""

from __future__ import annotations

# The warehouse an order without one ships from: the SKU's fullest warehouse on its latest snapshot.
HOME = """
home AS (
  SELECT sku, arg_max(coalesce(warehouse, 'main'), on_hand) AS warehouse
  FROM (SELECT * FROM inventory WHERE date <= $as_of QUALIFY date = max(date) OVER (PARTITION BY sku))
  GROUP BY sku
)"""

SALES = f"""
WITH {HOME}
SELECT l.sku, coalesce(nullif(o.warehouse, ''), h.warehouse, 'main') AS warehouse,
       CAST(o.order_time AS DATE) AS ds, sum(l.quantity)::DOUBLE AS y
FROM order_lines l JOIN orders o USING (order_id) LEFT JOIN home h USING (sku)
WHERE o.status <> 'cancelled' AND o.order_time >= $start AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

POSITIONS = """
SELECT sku, coalesce(warehouse, 'main') AS warehouse, date AS snapshot_date, on_hand,
       coalesce(reserved, 0) AS reserved, coalesce(inbound, 0) AS inbound, inbound_eta
FROM inventory WHERE date <= $as_of
QUALIFY row_number() OVER (PARTITION BY sku, coalesce(warehouse, 'main') ORDER BY date DESC) = 1
"""

CENSORED = """
SELECT sku, coalesce(warehouse, 'main') AS warehouse, date AS ds
FROM inventory WHERE on_hand <= 0 AND date >= $start AND date <= $as_of
"""

PRODUCTS = """
SELECT sku, title, category, price, cost, supplier, lead_time_days, moq,
       coalesce(status, 'on_sale') AS status, launch_date
FROM products
"""

PROMOTIONS = """
SELECT promo_id, start_date, end_date, coalesce(skus, '') AS skus
FROM promotions WHERE end_date >= $start AND start_date <= $end
"""

DAILY_SKU = """
SELECT l.sku, CAST(o.order_time AS DATE) AS ds, sum(l.quantity)::DOUBLE AS units,
       sum(coalesce(l.amount, l.quantity * l.unit_price)) AS revenue
FROM order_lines l JOIN orders o USING (order_id)
WHERE o.status <> 'cancelled' AND o.order_time >= $start AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

LAST_SALE = """
SELECT l.sku, max(CAST(o.order_time AS DATE)) AS last_sale
FROM order_lines l JOIN orders o USING (order_id)
WHERE o.status <> 'cancelled' AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

CHANNEL_DEMAND = """
SELECT o.channel, l.sku, sum(l.quantity)::DOUBLE / $days AS daily_demand
FROM order_lines l JOIN orders o USING (order_id)
WHERE o.status <> 'cancelled' AND o.order_time >= $start AND o.order_time < $as_of + INTERVAL 1 DAY
GROUP BY ALL
"""

LISTINGS = """
SELECT channel, sku, listed_stock, listed_price, status, updated_at
FROM channel_listings WHERE updated_at IS NULL OR updated_at < $as_of + INTERVAL 1 DAY
"""
