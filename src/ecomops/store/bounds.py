"""The days a store has data for: a brief, a plan or a page asks for a day in that range.

A day before the first order or after the last one has nothing to review: the caller says so in
one sentence naming both days (``DateOutOfRange``) instead of building an empty brief or failing
deep inside a query.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ecomops.errors import DateOutOfRange

if TYPE_CHECKING:
    import duckdb

DataDays = tuple[dt.date, dt.date]


def data_days(con: duckdb.DuckDBPyConnection) -> DataDays | None:
    """The first and last day with orders (``None`` for a store without orders)."""
    # fetchall, not fetchone: DuckDB 2 leaves a partially fetched result open on the cursor.
    rows = con.execute(
        "SELECT min(CAST(order_time AS DATE)), max(CAST(order_time AS DATE)) FROM orders"
    ).fetchall()
    if not rows or rows[0][0] is None:
        return None
    return rows[0][0], rows[0][1]


def check_day(day: dt.date, days: DataDays | None) -> dt.date:
    """``day`` if the store has data on it (or has no data at all: nothing to compare), else
    ``DateOutOfRange`` naming the first and last day."""
    if days is not None and not days[0] <= day <= days[1]:
        raise DateOutOfRange(day, days[0], days[1])
    return day
