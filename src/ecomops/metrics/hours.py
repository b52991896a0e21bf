"""Orders by hour of day and weekday (the brief's hour x weekday heatmap), as Ibis."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd

from ecomops.store.schema import ORDERS


def orders_by_hour(con: ibis.BaseBackend, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Orders placed from ``start`` to ``end`` (inclusive, cancelled excluded) per weekday and hour.

    Columns ``weekday`` (0 = Monday), ``hour`` (0-23), ``orders``; combinations without orders
    are absent. Only orders placed by the end of ``end`` count, so the frame is as of ``end``.
    """
    o = con.table(ORDERS.name)
    lo = ibis.literal(start.isoformat()).cast("timestamp")
    hi = ibis.literal((end + dt.timedelta(days=1)).isoformat()).cast("timestamp")
    o = o.filter(o.order_time >= lo, o.order_time < hi,
                 o.status.isnull() | (o.status != "cancelled"))
    # day_of_week.index(): 0 = Monday on every Ibis backend.
    g = o.group_by(weekday=o.order_time.day_of_week.index(), hour=o.order_time.hour()).aggregate(
        orders=o.order_id.nunique()
    )
    df: pd.DataFrame = g.execute()
    return df.astype({"weekday": int, "hour": int, "orders": float})
