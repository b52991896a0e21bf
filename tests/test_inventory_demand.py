"""Demand series: the day grid, censored (zero-stock) days, demand classes, event uplift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ecomops.inventory import demand, uplift
from ecomops.promo.calendar import events as calendar

END = dt.date(2026, 3, 31)


def _frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).assign(ds=lambda d: pd.to_datetime(d["ds"]))


def test_complete_grid_fills_days_without_sales_with_zero_from_first_sale() -> None:
    rows = [("a", "2026-03-28", 2), ("a", "2026-03-30", 1), ("a", "2026-03-30", 4),
            ("b", "2026-03-31", 5), ("b", "2026-04-02", 9)]
    grid = demand.complete_grid(_frame(rows), END)
    a = grid[grid["unique_id"] == "a"]
    assert a["ds"].dt.strftime("%m-%d").tolist() == ["03-28", "03-29", "03-30", "03-31"]
    assert a["y"].tolist() == [2.0, 0.0, 5.0, 0.0]
    assert grid.loc[grid["unique_id"] == "b", "y"].tolist() == [5.0]  # the day after END is ignored


def test_impute_censored_never_reads_a_stockout_day_as_zero_demand() -> None:
    days = pd.date_range("2026-03-01", END, freq="D")
    y = np.full(len(days), 4.0)
    y[-5:] = 0.0  # no stock for the last five days: nothing sold
    series = pd.DataFrame({"unique_id": "a", "ds": days, "y": y})
    censored = pd.DataFrame({"unique_id": "a", "ds": days[-5:]})
    out = demand.impute_censored(series, censored)
    assert out["censored"].sum() == 5
    assert out["y"].iloc[-5:].tolist() == [4.0] * 5
    assert out["y"].iloc[:-5].tolist() == y[:-5].tolist()


def test_classify_agrees_with_the_m5_authors_demand_classes_on_most_items(datasets: Path) -> None:
    df = pd.read_csv(datasets / "m5_walmart_tiny" / "tiny_m5.csv.gz",
                     usecols=["item_id", "store_id", "value", "date"])
    df = df[df["store_id"] == "CA_1"]
    series = df.rename(columns={"item_id": "unique_id", "date": "ds", "value": "y"})
    series["ds"] = pd.to_datetime(series["ds"])
    grid = demand.complete_grid(series, dt.date(2016, 4, 24))
    got = demand.classify(grid, window=None).set_index("unique_id")["demand_class"]
    truth = pd.read_csv(datasets / "m5_walmart_tiny" / "item_demand_class.csv").set_index("item_id")
    # the author labelled items over all ten stores; one store's series mostly keeps the class
    intermittent = truth["demand_class"].isin(["intermittent", "lumpy"])
    ours = got.reindex(truth.index).isin(["intermittent", "lumpy"])
    assert (ours == intermittent).mean() >= 0.75


def test_uplift_learns_a_festival_factor_and_applies_it_to_the_coming_festival() -> None:
    days = pd.date_range("2024-09-01", "2025-12-31", freq="D")
    cal = calendar(days[0].date(), days[-1].date())
    ev = uplift.event_table(pd.DataFrame(columns=["start_date", "end_date", "skus"]), cal,
                            pd.DataFrame({"unique_id": ["a"], "sku": ["a"]}), days[0].date(), days[-1].date())
    labels_all = uplift.label_days(pd.DataFrame({"unique_id": "a", "ds": days}), ev)
    peak = labels_all.eq("d1111:peak").to_numpy()
    y = np.where(peak, 30.0, 10.0)
    hist = pd.DataFrame({"unique_id": "a", "ds": days, "y": y})
    past = hist[hist["ds"] <= "2025-06-30"].reset_index(drop=True)
    lift = uplift.estimate(past, uplift.label_days(past, ev))
    future = hist[hist["ds"] > "2025-06-30"].reset_index(drop=True)
    factors = uplift.factors_for(future, uplift.label_days(future, ev), lift)
    on_peak = factors[future["ds"].isin(pd.to_datetime(["2025-11-10", "2025-11-11"]))]
    assert np.all((on_peak > 2.0) & (on_peak <= 3.0))
    assert factors[future["ds"] == pd.Timestamp("2025-08-05")][0] == 1.0


def test_label_days_keeps_the_festival_of_a_promotion_day_and_falls_back_to_it() -> None:
    days = pd.date_range("2025-11-01", "2025-11-30", freq="D")
    cal = calendar(days[0].date(), days[-1].date())
    promos = pd.DataFrame({"start_date": ["2025-11-10", "2025-11-20"],
                           "end_date": ["2025-11-11", "2025-11-20"], "skus": ["", "a"]})
    keys = pd.DataFrame({"unique_id": ["a", "b"], "sku": ["a", "b"]})
    ev = uplift.event_table(promos, cal, keys, days[0].date(), days[-1].date())
    frame = pd.DataFrame({"unique_id": ["a", "b", "a", "b", "a"],
                          "ds": pd.to_datetime(["2025-11-11", "2025-11-11", "2025-11-20", "2025-11-20",
                                                "2025-11-18"])})
    labels = uplift.label_days(frame, ev).tolist()
    assert labels[:4] == ["d1111:peak+promo", "d1111:peak+promo", "promo", None]
    # a festival promotion never seen before takes the festival's own factor
    lift = uplift.Uplift(groups=pd.DataFrame({"group": ["_all"], "event": ["d1111:peak"], "factor": [3.0]}))
    assert uplift.factors_for(frame, pd.Series(labels), lift).tolist() == [3.0, 3.0, 1.0, 1.0, 1.0]
