"""Inventory on a small store built from real M5 (Walmart) sales: forecast accuracy, risk classes,
slow movers with elasticity, channel consistency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.inventory_store import AS_OF, load, m5_shop

from ecomops.inventory import accuracy, demand, elasticity, service
from ecomops.inventory.forecast import ForecastConfig, forecast_demand
from ecomops.settings import Settings
from ecomops.workspace import Workspace


@pytest.fixture(scope="module")
def m5_store(datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, dict]]:
    ws = Workspace.init(tmp_path_factory.mktemp("m5") / "ws")
    facts = load(ws.analytics, datasets)
    plan = service.replenishment_plan(ws.analytics, AS_OF, Settings(), fast=True)
    yield ws.analytics, {**facts, "plan": plan}
    ws.close()


def test_forecast_beats_seasonal_naive_on_m5_hold_out(datasets: Path) -> None:
    from statsforecast import StatsForecast
    from statsforecast.models import SeasonalNaive

    df = m5_shop(datasets)
    sales = df.rename(columns={"item_id": "unique_id", "date": "ds", "value": "y"})[["unique_id", "ds", "y"]]
    grid = demand.complete_grid(sales, AS_OF)
    as_of = AS_OF - dt.timedelta(days=28)
    train, test = grid[grid["ds"] <= pd.Timestamp(as_of)], grid[grid["ds"] > pd.Timestamp(as_of)]
    result = forecast_demand(train, as_of, ForecastConfig(horizon=28))
    base = StatsForecast([SeasonalNaive(7, alias="seasonal_naive")], freq="D").forecast(h=28, df=train)
    fc = base.merge(result.forecast.rename(columns={"yhat": "chosen"}), on=["unique_id", "ds"])
    table = accuracy.summary(accuracy.score(train, test, fc, ["chosen", "seasonal_naive"]))
    chosen = table[(table["method"] == "chosen") & (table["demand_class"] == "all")].iloc[0]
    assert chosen["series"] == 28
    assert chosen["rmsse_vs_baseline"] < 0.9
    assert chosen["mase_vs_baseline"] < 1.0


def test_plan_risk_follows_the_cover_given_to_each_item(m5_store: tuple) -> None:
    _, facts = m5_store
    rows = facts["plan"].rows.set_index("sku")
    recent = facts["recent"]
    for item, cover in facts["cover"].items():
        if recent.get(item, 0) < 0.5:
            continue
        risk = rows.loc[item, "risk"]
        lead = rows.loc[item, "lead_time_days"]
        if cover == 0.0:
            assert risk == "high", item
            assert rows.loc[item, "status"] == "stockout", item
        elif cover >= 400:
            assert risk == "low", item
            assert rows.loc[item, "suggested_order_qty"] == 0, item
        elif cover < 0.5 * lead:
            assert risk == "high", (item, cover, lead)


def test_slow_movers_get_an_action_and_a_one_sentence_reason(m5_store: tuple) -> None:
    con, facts = m5_store
    slow = service.slow_mover_report(con, AS_OF, Settings(), facts["plan"])
    assert not slow.empty
    assert set(slow["action"]) <= {"promote", "reprice", "bundle", "clear", "delist"}
    # one sentence in the store's language (Settings(): zh_CN, so it ends with a Chinese full stop)
    assert slow["reason"].str.endswith("。").all()
    assert (slow["reason"].str.count("。") == 1).all()
    assert (slow["reason"].str.count(r"\. ") == 0).all()
    assert slow["abc"].isin(["A", "B", "C"]).all()
    assert slow["xyz"].isin(["X", "Y", "Z"]).all()
    idle = slow["days_since_last_sale"] >= 30
    assert (slow["days_of_cover"].isna() | (slow["days_of_cover"] > 30) | idle).all()


def test_elasticity_is_refused_where_m5_prices_hardly_moved(datasets: Path) -> None:
    df = m5_shop(datasets).dropna(subset=["sell_price"])
    daily = df.rename(columns={"item_id": "sku", "date": "ds", "value": "units", "sell_price": "price"})
    est = elasticity.estimate(daily[["sku", "ds", "units", "price"]]).set_index("sku")
    sold = daily[daily["units"] > 0]
    spread = sold.groupby("sku")["price"].agg(lambda p: float(np.std(np.log(p))))
    flat = spread.index[spread < 0.03]
    assert len(flat) >= 20  # Walmart's CA_1 prices barely moved after 2014
    assert (est.loc[flat, "note"] == elasticity.NOT_ENOUGH_VARIATION).all()
    assert est.loc[flat, "elasticity"].isna().all()


def test_channel_report_flags_oversell_and_lost_sales(m5_store: tuple) -> None:
    con, facts = m5_store
    ch = service.channel_report(con, AS_OF, Settings()).set_index(["channel", "sku"])
    first, busiest = facts["items"][0], facts["busiest"]
    assert ch.loc[("tmall", first), "issue"] == "online_no_stock"  # 40 listed, nothing in stock
    assert ch.loc[("tmall", first), "impact"] < 0
    assert ch.loc[("jd", busiest), "issue"] == "lost_sales_offline"
    assert ch.loc[("jd", busiest), "suggested_listed_stock"] > 0
