"""The metric layer: every metric of DATA.md, declared once and compiled to Ibis over the store.

Public API (DETECT, the brief and the console build on it)::

    from ecomops.metrics import METRICS, MetricDef, daily, changes, series

- ``METRICS``   name -> ``MetricDef`` (kind "sum" | "ratio", numerator / denominator measures,
  unit, which direction is better, the dimensions it can be cut by, its BRIEF.md module)
- ``daily(con, metrics, dims, start, end, *, as_of=None, filters=None, lag=None)`` -> one row
  per date x dimension values: ``date``, dims, metrics, and ``<m>__num`` / ``<m>__den`` of ratios
- ``series(..., grain="week" | "month")``: the same by calendar week / month
- ``changes(con, metrics, dims, day, *, grain="day")``: a day (or trailing 7 / 28 days) with
  dod / wow / mom / yoy relative changes (same weekday; yoy is 364 days back)

``filters`` maps a dimension to a value or to several values (``{"sku": ["A", "B"]}``).

Modules: ``defs`` (measures and metrics as data), ``facts`` (Ibis expressions per fact table),
``scope`` (periods, as-of horizon, filters), ``compiled`` (SQL cache, execution), ``query``;
``service`` keeps the compiled SQL on disk between runs (``sql_cache(con, path)``), the only
I/O. The rest is pure: functions take an Ibis backend and dates, never read the clock or open
files.
"""

from ecomops.metrics.defs import DIMENSIONS, MEASURES, METRICS, Measure, MetricDef, metric
from ecomops.metrics.errors import MetricError, UnknownMetric, UnsupportedCut
from ecomops.metrics.query import COMPARISONS, WINDOW_DAYS, changes, daily, evaluate, series

__all__ = [
    "COMPARISONS", "DIMENSIONS", "MEASURES", "METRICS", "WINDOW_DAYS", "Measure", "MetricDef",
    "MetricError", "UnknownMetric", "UnsupportedCut", "changes", "daily", "evaluate", "metric",
    "series",
]
