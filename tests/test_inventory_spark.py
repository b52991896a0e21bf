"""The demand forecast on a local Spark session (fugue) equals the single-machine forecast.

Needs the ``spark`` extra (``uv sync --extra spark``) and a Java runtime; skips with the reason
when either is missing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.inventory_store import AS_OF, m5_shop

from ecomops.inventory.forecast import ForecastConfig, forecast_demand

pytestmark = [
    pytest.mark.spark,
    # py4j leaves its gateway sockets to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Any:
    return spark_session


def test_forecast_on_spark_equals_the_single_machine_forecast(spark: Any, datasets: Path) -> None:
    from ecomops.inventory.distributed import forecast_on_spark

    df = m5_shop(datasets)
    df = df[df["date"] > pd.Timestamp(AS_OF) - pd.Timedelta(days=240)]
    history = df.rename(columns={"item_id": "unique_id", "date": "ds", "value": "y", "dept_id": "group"})
    history = history[["unique_id", "ds", "y", "group"]].assign(y=lambda d: d["y"].astype(float))
    cfg = ForecastConfig(horizon=14, expensive_max_series=0)
    groups = history.drop_duplicates("unique_id").set_index("unique_id")["group"]
    local = forecast_demand(history[["unique_id", "ds", "y"]], AS_OF, cfg, groups=groups)

    out = forecast_on_spark(spark.createDataFrame(history), AS_OF, cfg, series_per_part=10).toPandas()
    assert out["unique_id"].nunique() == history["unique_id"].nunique() == 28
    got = out.assign(ds=pd.to_datetime(out["ds"])).sort_values(["unique_id", "ds"], ignore_index=True)
    assert got["ds"].min().date() == AS_OF + dt.timedelta(days=1)
    pd.testing.assert_series_equal(got["yhat"], local.forecast["yhat"], check_names=False, rtol=1e-6)
    methods = local.series.set_index("unique_id")["method"]
    assert (got.drop_duplicates("unique_id").set_index("unique_id")["method"] == methods.reindex(
        got["unique_id"].unique())).all()
