"""Orders by hour of day and weekday (the brief's hour x weekday heatmap), as a metric fact query."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from ecomops.metrics import compiled
from ecomops.metrics.scope import make_params

if TYPE_CHECKING:
    import ibis

SHAPE = compiled.Shape("order_hours", ("weekday", "hour"), ("orders",))


def orders_by_hour(con: ibis.BaseBackend, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Orders placed from ``start`` to ``end`` (inclusive, cancelled excluded) per weekday and hour.

    Columns ``weekday`` (0 = Monday), ``hour`` (0-23), ``orders``; combinations without orders
    are absent. Only orders placed by the end of ``end`` count, so the frame is as of ``end``.
    """
    values = make_params([(start, end + dt.timedelta(days=1))], None, end, {})
    df = compiled.run(con, SHAPE, values)
    return df[["weekday", "hour", "orders"]].astype({"weekday": int, "hour": int, "orders": float})
