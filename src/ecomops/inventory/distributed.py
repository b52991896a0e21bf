"""The demand forecast of a big catalogue on Spark, through fugue (statsforecast's distributed backend).

statsforecast runs its models on Spark by handing a Spark DataFrame to fugue, which splits the
series over the executors and runs the pandas code on each part. This module does the same one
level up: ``forecast_on_spark`` partitions the history by a hash of each series' uplift group
(its category, else its id) and runs the whole ``forecast_demand`` on every part, so censored
days, demand classes, event uplift (pooled within a category: a category never straddles two
parts) and the cross-validated model choice stay exactly what they are on one machine. Each
part is an ordinary pandas frame; statsforecast inside it runs single-process (``n_jobs=1``),
the parallelism is Spark's.

What it needs: the ``spark`` extra (``uv sync --extra spark``: pyspark through
``ibis-framework[pyspark]``; fugue itself is a dependency of statsforecast) and a Java runtime.
A session for one machine, as in STACK.md (``PYSPARK_PYTHON`` must name a Python with these
packages, e.g. ``.venv/bin/python``)::

    spark = (SparkSession.builder.master("local[2]")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    sdf = spark.createDataFrame(history)          # unique_id, ds, y[, group]
    out = forecast_on_spark(sdf, as_of, events=events, censored=censored)   # a Spark DataFrame
    out.write.parquet("forecast.parquet")         # or .toPandas() when it fits

On a cluster, point ``master`` at it instead; nothing else changes. Sizing: one part should hold
a few thousand series (``series_per_part``), so that each task amortises statsforecast's start-up
and Spark can balance the parts over its cores. The per-call caps of ``ForecastConfig``
(``expensive_max_series``: ETS and Theta on the busiest series; ``large``: the big-catalogue
settings) apply per part. ``tests/test_inventory_spark.py`` (marked
``spark``) checks on a local session that the result equals the single-machine forecast.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from ecomops.inventory.forecast import ForecastConfig, forecast_demand

SCHEMA = "unique_id:str,ds:datetime,yhat:double,method:str,rmse:double,demand_class:str"
PART = "_part"


def _part_forecast(part: pd.DataFrame, as_of: dt.date, cfg: ForecastConfig,
                   events: pd.DataFrame | None, censored: pd.DataFrame | None) -> pd.DataFrame:
    """``forecast_demand`` on one part: pandas in, the ``SCHEMA`` columns out."""
    groups = None
    if "group" in part and part["group"].notna().any():
        groups = part.drop_duplicates("unique_id").set_index("unique_id")["group"]
    ids = part["unique_id"].unique()
    cens = None if censored is None else censored[censored["unique_id"].isin(ids)]
    ev = events
    if ev is not None and "unique_id" in ev:
        ev = ev[ev["unique_id"].isna() | ev["unique_id"].isin(ids)]
    history = part[["unique_id", "ds", "y"]].assign(ds=lambda d: pd.to_datetime(d["ds"]))
    res = forecast_demand(history, as_of, cfg, events=ev, groups=groups, censored=cens)
    info = res.series[["unique_id", "method", "rmse", "demand_class"]]
    out = res.forecast.merge(info, on="unique_id", how="left")
    out["demand_class"] = out["demand_class"].astype(str)
    return out[["unique_id", "ds", "yhat", "method", "rmse", "demand_class"]]


def forecast_on_spark(
    history: Any,
    as_of: dt.date,
    config: ForecastConfig | None = None,
    *,
    events: pd.DataFrame | None = None,
    censored: pd.DataFrame | None = None,
    series_per_part: int = 2000,
) -> Any:
    """The forecast of every series of the Spark DataFrame ``history``, as a Spark DataFrame.

    ``history`` has ``unique_id, ds, y`` and optionally ``group`` (the uplift group, e.g. the
    category). ``events`` and ``censored`` are pandas frames as for ``forecast_demand``; they go
    to every part (keep them to event days and zero-stock days). Returns ``unique_id, ds, yhat,
    method, rmse, demand_class`` rows (``rmse``: the daily forecast error for safety stock).
    """
    import fugue.api as fa
    from pyspark.sql import functions as sf

    cfg = config or ForecastConfig()
    cfg = ForecastConfig(**{**cfg.__dict__, "n_jobs": 1})
    n_series = history.select("unique_id").distinct().count()
    parts = max(1, math.ceil(n_series / series_per_part))
    key = sf.col("group") if "group" in history.columns else sf.col("unique_id")
    keyed = history.withColumn(PART, sf.pmod(sf.hash(sf.coalesce(key.cast("string"), sf.col("unique_id"))),
                                            sf.lit(parts)))

    def run(part: pd.DataFrame) -> pd.DataFrame:
        return _part_forecast(part, as_of, cfg, events, censored)

    return fa.transform(keyed, run, schema=SCHEMA, partition={"by": [PART]}, engine=history.sparkSession)
