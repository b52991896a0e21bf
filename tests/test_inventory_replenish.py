"""The replenishment plan (pure): stock-out dates, safety stock, order quantities, purchase orders."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomops.inventory import replenish

AS_OF = dt.date(2026, 11, 24)


def _case(on_hand: float, rate: float, *, lead: int = 10, moq: int = 1, inbound: float = 0.0,
          eta: dt.date | None = None, rmse: float = 1.0, status: str = "on_sale", sku: str = "A",
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    uid = f"{sku}@main"
    positions = pd.DataFrame({"unique_id": [uid], "sku": [sku], "warehouse": ["main"], "on_hand": [on_hand],
                              "reserved": [0], "inbound": [inbound], "inbound_eta": [pd.Timestamp(eta) if eta
                                                                                     else pd.NaT]})
    products = pd.DataFrame({"sku": [sku], "title": ["t"], "category": ["c"], "price": [100.0],
                             "cost": [40.0], "supplier": ["S1"], "lead_time_days": [lead], "moq": [moq],
                             "status": [status]})
    days = pd.date_range(pd.Timestamp(AS_OF) + pd.Timedelta(days=1), periods=120, freq="D")
    forecast = pd.DataFrame({"unique_id": uid, "ds": days, "yhat": rate})
    errors = pd.DataFrame({"unique_id": [uid], "rmse": [rmse], "demand_class": ["smooth"], "method": ["x"]})
    return positions, products, forecast, errors


def _row(*args: object, **kw: object) -> pd.Series:
    return replenish.plan(*_case(*args, **kw), AS_OF).iloc[0]  # type: ignore[arg-type]


def test_plan_projects_the_stockout_date_from_cover() -> None:
    r = _row(50, 5.0)
    assert r["days_of_cover"] == 10.0
    assert r["stockout_date"] == AS_OF + dt.timedelta(days=11)
    assert r["available"] == 50
    assert r["daily_demand"] == 5.0


def test_plan_marks_an_empty_position_with_nothing_inbound_high_risk_today() -> None:
    r = _row(0, 2.0)
    assert r["risk"] == "high"
    assert r["status"] == "stockout"
    assert r["stockout_date"] == AS_OF
    assert r["days_of_cover"] == 0.0
    assert r["expected_lost_gmv"] == 2.0 * 10 * 100.0  # lead time x rate x price


def test_plan_counts_inbound_on_its_eta_and_lowers_the_risk() -> None:
    late = _row(10, 2.0, lead=10, inbound=100, eta=AS_OF + dt.timedelta(days=20))
    soon = _row(10, 2.0, lead=10, inbound=100, eta=AS_OF + dt.timedelta(days=3))
    assert late["stock_position"] == soon["stock_position"] == 110  # what an order is decided on
    assert late["risk"] == "high"
    assert soon["risk"] != "high"
    assert soon["stockout_date"] > late["stockout_date"]


def test_available_is_stock_on_hand_and_never_counts_stock_in_transit() -> None:
    r = _row(10, 2.0, lead=10, inbound=100, eta=AS_OF + dt.timedelta(days=3))
    assert r["available"] == 10
    assert r["inbound"] == 100  # in transit, shown apart
    assert r["days_of_cover"] == 5.0  # available / daily demand: 10 / 2
    reserved = replenish.plan(*_reserved(10, 4), AS_OF).iloc[0]
    assert reserved["available"] == 6
    assert replenish.plan(*_reserved(3, 5), AS_OF).iloc[0]["available"] == 0  # never below zero


def _reserved(on_hand: int, reserved: int) -> tuple[pd.DataFrame, ...]:
    positions, products, forecast, errors = _case(on_hand, 2.0)
    return positions.assign(reserved=[reserved]), products, forecast, errors


def test_days_of_cover_is_available_over_the_daily_demand_shown() -> None:
    # 254 units at 1/7 a day: about 1,778 days, not 1,814 (254 / 0.14, the demand rounded to 2 decimals)
    r = _row(254, 1 / 7)
    assert r["daily_demand"] == 0.1429
    assert r["days_of_cover"] == round(254 / 0.1429, 1) == 1777.5


def test_plan_safety_stock_follows_the_service_level_and_forecast_error() -> None:
    args = _case(100, 3.0, lead=16, rmse=2.0)
    low = replenish.plan(*args, AS_OF, replenish.PlanPolicy(service_level=0.80)).iloc[0]
    high = replenish.plan(*args, AS_OF, replenish.PlanPolicy(service_level=0.99)).iloc[0]
    assert low["safety_stock"] == np.ceil(0.8416 * 2.0 * 4)
    assert high["safety_stock"] == np.ceil(2.3263 * 2.0 * 4)
    assert high["reorder_point"] == 16 * 3 + high["safety_stock"]


def test_plan_orders_up_to_target_cover_and_at_least_the_moq() -> None:
    r = _row(20, 2.0, lead=10, rmse=0.0)
    assert r["suggested_order_qty"] == (10 + 30) * 2 - 20
    assert _row(20, 2.0, lead=10, rmse=0.0, moq=500)["suggested_order_qty"] == 500
    assert _row(20, 2.0, status="off_shelf")["suggested_order_qty"] == 0


@pytest.mark.parametrize("rate", [2.2e-308, 5e-324, 1e-12])
def test_plan_treats_a_vanishing_forecast_as_no_demand(rate: float) -> None:
    # Found by the property below on a fresh machine: stock / 2.2e-308 overflowed to infinite cover
    # (a RuntimeWarning, an error under the suite's warning filter).
    r = _row(10, rate, lead=5, moq=3, rmse=0.0)
    assert r["daily_demand"] == 0.0
    assert np.isnan(r["days_of_cover"])
    assert r["suggested_order_qty"] == 0
    assert r["stockout_date"] is None
    assert r["status"] == "no_demand"


@settings(max_examples=30, deadline=None)
@given(on_hand=st.integers(-5, 500), rate=st.floats(0, 40), lead=st.integers(0, 60), moq=st.integers(1, 300),
       inbound=st.integers(0, 300), eta=st.integers(0, 90), rmse=st.floats(0, 20))
def test_plan_order_is_never_negative_and_respects_the_moq(on_hand: int, rate: float, lead: int, moq: int,
                                                           inbound: int, eta: int, rmse: float) -> None:
    r = _row(on_hand, rate, lead=lead, moq=moq, inbound=inbound, eta=AS_OF + dt.timedelta(days=eta),
             rmse=rmse)
    assert r["suggested_order_qty"] >= 0
    assert r["suggested_order_qty"] == 0 or r["suggested_order_qty"] >= moq
    assert r["safety_stock"] >= 0
    assert r["reorder_point"] >= r["safety_stock"]
    assert r["risk"] in ("high", "medium", "low")
    assert r["stockout_date"] is None or r["stockout_date"] >= AS_OF


def test_purchase_orders_group_order_lines_by_supplier() -> None:
    parts = [_case(0, 2.0, sku=s) for s in ("A", "B")]
    frames = [pd.concat([p[i] for p in parts], ignore_index=True) for i in range(4)]
    frames[1].loc[1, "supplier"] = "S2"
    rows = replenish.plan(*frames, AS_OF)
    po = replenish.purchase_orders(rows).set_index("supplier")
    assert set(po.index) == {"S1", "S2"}
    assert po.loc["S1", "units"] == rows.loc[rows["sku"] == "A", "suggested_order_qty"].iloc[0]
    assert po["high_risk_lines"].tolist() == [1, 1]
