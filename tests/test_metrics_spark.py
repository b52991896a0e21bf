"""The same metric code on PySpark: a day's KPI cube equals DuckDB's on a small demo store.

Needs the ``spark`` extra (``uv sync --extra spark``) and a Java runtime (Debian:
``apt-get install -y openjdk-17-jre-headless``); skips with the reason when either is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from ecomops.metrics import METRICS, changes, daily
from ecomops.store.analytics import ibis_backend

pytestmark = [
    pytest.mark.spark,
    # py4j leaves its gateway sockets to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

D = dt.date(2026, 11, 24)  # conftest.DEMO_END
FIRST = D - dt.timedelta(days=40)
TABLES = {
    "orders": f"SELECT * FROM orders WHERE order_time >= '{FIRST}'",
    "order_lines": f"SELECT * FROM order_lines WHERE order_id IN "
                   f"(SELECT order_id FROM orders WHERE order_time >= '{FIRST}')",
    "products": "SELECT * FROM products",
    "traffic": f"SELECT * FROM traffic WHERE date >= '{FIRST}'",
    "ads": f"SELECT * FROM ads WHERE date >= '{FIRST}'",
    "inventory": f"SELECT * FROM inventory WHERE date >= '{FIRST}'",
    "returns": f"SELECT * FROM returns WHERE requested_at >= '{FIRST}'",
}


@pytest.fixture(scope="module")
def engines(demo_workspace: Path, spark_session: Any) -> Iterator[tuple[Any, Any]]:
    """(DuckDB, Spark) Ibis backends over the same rows: the demo store's last 40 days."""
    import ibis

    spark = spark_session
    src = duckdb.connect(str(demo_workspace / "analytics.duckdb"), read_only=True)
    mem = duckdb.connect()
    try:
        for name, sql in TABLES.items():
            frame = src.sql(sql).to_arrow_table().drop_columns(["extras"])
            mem.register(f"{name}_arrow", frame)
            mem.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
            spark.createDataFrame(frame.to_pandas()).createOrReplaceTempView(name)
        yield ibis_backend(mem), ibis.pyspark.connect(spark)
    finally:
        src.close()
        mem.close()


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)


def test_a_days_kpi_cube_is_the_same_on_spark_and_duckdb(engines: tuple[Any, Any]) -> None:
    duck, spark = engines
    everything = list(METRICS)
    _same(daily(duck, everything, [], D - dt.timedelta(days=1), D),
          daily(spark, everything, [], D - dt.timedelta(days=1), D), ["date"])
    cut = ["gmv", "orders", "aov", "conversion_rate", "return_rate", "ship_hours", "late_delivery_rate"]
    _same(daily(duck, cut, ["channel"], D, D), daily(spark, cut, ["channel"], D, D), ["date", "channel"])
    ads = ["ad_cost", "ad_ctr", "ad_roas"]
    _same(daily(duck, ads, ["campaign", "category"], D, D),
          daily(spark, ads, ["campaign", "category"], D, D), ["date", "campaign", "category"])
    stock = daily(duck, ["days_of_cover"], ["warehouse"], D, D)
    assert stock["days_of_cover"].notna().all()
    _same(stock, daily(spark, ["days_of_cover"], ["warehouse"], D, D), ["date", "warehouse"])


def test_comparisons_are_the_same_on_spark_and_duckdb(engines: tuple[Any, Any]) -> None:
    duck, spark = engines
    metrics = ["gmv", "buyers", "ad_ctr", "delivery_days"]
    a = changes(duck, metrics, [], D)
    assert a["gmv__wow_value"].notna().all()
    _same(a, changes(spark, metrics, [], D), ["gmv"])
