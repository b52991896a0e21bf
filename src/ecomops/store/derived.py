"""Columns the store derives from the contract tables, kept true by every import.

``order_lines._order_date`` is the day of the line's order (``orders.order_time``). A line has
no time of its own, so every query over a window of days used to join *all* order lines with
the window's orders; at 10M lines that probe was ~0.4 s per query, five times a brief. With the
order's day on the line, the metric layer drops lines outside the window before the join
(``metrics.facts``). The column is only a pre-filter: ``NULL`` (a line whose order was not
imported yet, a store written without the importer) means "unknown" and always passes, and the
join on ``orders`` still decides, so a missing value costs speed, never a wrong number.

The importer calls ``refresh`` inside the transaction that writes ``orders`` or ``order_lines``,
so a committed store never holds a stale day; ``store.analytics.ensure_schema`` adds and fills
the column in stores made before it existed.
"""

from __future__ import annotations

import logging

import duckdb

log = logging.getLogger(__name__)

LINE_ORDER_DATE = "_order_date"
DERIVED: dict[str, tuple[tuple[str, str], ...]] = {"order_lines": ((LINE_ORDER_DATE, "DATE"),)}
"""Derived columns per table: name and DuckDB type. Not part of the contract: imports never
write them and exports leave them out."""

_FILL = (
    f'UPDATE order_lines SET "{LINE_ORDER_DATE}" = CAST(o.order_time AS DATE) FROM orders o '
    "WHERE order_lines.order_id = o.order_id AND "
)


def names(table: str) -> tuple[str, ...]:
    """The derived column names of ``table``."""
    return tuple(n for n, _ in DERIVED.get(table, ()))


def refresh(con: duckdb.DuckDBPyConnection, table: str, *, changed_orders: str | None = None) -> int:
    """Bring the derived columns up to date after ``table`` was written; rows updated.

    After ``order_lines``: lines without a day (new or replaced ones) take their order's. After
    ``orders``: lines whose order's day changed take the new one; ``changed_orders`` (a SQL
    relation with an ``order_id`` column, e.g. the import's stage) limits the search to those
    orders.
    """
    if table == "order_lines":
        cond = f'order_lines."{LINE_ORDER_DATE}" IS NULL'
    elif table == "orders":
        cond = f'order_lines."{LINE_ORDER_DATE}" IS DISTINCT FROM CAST(o.order_time AS DATE)'
        if changed_orders is not None:
            cond += f" AND o.order_id IN (SELECT order_id FROM {changed_orders})"
    else:
        return 0
    rows = con.execute(_FILL + cond).fetchall()
    n = int(rows[0][0]) if rows and rows[0][0] is not None else 0
    log.debug("order_lines.%s: %d line(s) updated after writing %s", LINE_ORDER_DATE, n, table)
    return n
