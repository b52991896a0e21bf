"""Slow movers (pure): a bundle partner is a best seller that has the stock to lend."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ecomops.inventory import elasticity, slow_movers

AS_OF = dt.date(2026, 12, 3)


def _case(best_cover: float, second_cover: float) -> pd.DataFrame:
    # SLOW sells nothing (a slow mover with a 20% margin: the bundle rule applies); BEST and SECOND
    # are the category's A-class best sellers, BEST the bigger one
    stock = pd.DataFrame({"sku": ["SLOW", "BEST", "SECOND"], "stock": [500, 0, 300],
                          "days_of_cover": [None, best_cover, second_cover]})
    stock["days_of_cover"] = stock["days_of_cover"].astype(float)
    products = pd.DataFrame({"sku": ["SLOW", "BEST", "SECOND"], "title": ["s", "b", "c"],
                             "category": ["家居"] * 3, "price": [100.0] * 3, "cost": [80.0] * 3,
                             "launch_date": [pd.Timestamp("2025-01-01")] * 3})
    classes = pd.DataFrame({"sku": ["BEST", "SECOND", "SLOW"], "revenue": [9000.0, 5000.0, 0.0],
                            "units": [90.0, 50.0, 0.0], "abc": ["A", "A", "C"], "weekly_cv": [0.1] * 3,
                            "xyz": ["X"] * 3})
    last = pd.Series({"SLOW": AS_OF - dt.timedelta(days=40), "BEST": AS_OF, "SECOND": AS_OF})
    return slow_movers.slow_movers(stock, last, products, classes, pd.DataFrame(columns=elasticity.COLUMNS),
                                   AS_OF, target_cover_days=30, slow_mover_days=30)


def test_bundle_partner_is_never_out_of_stock_or_short_of_cover() -> None:
    out = _case(best_cover=0.0, second_cover=120.0).set_index("sku")
    assert out.loc["SLOW", "action"] == "bundle"
    assert "SECOND" in out.loc["SLOW", "reason"]
    assert "BEST" not in out.loc["SLOW", "reason"]
    short = _case(best_cover=5.0, second_cover=12.0).set_index("sku")  # both below the 30-day target
    assert short.loc["SLOW", "action"] != "bundle"
    assert "BEST" not in short.loc["SLOW", "reason"]
    assert "SECOND" not in short.loc["SLOW", "reason"]


def test_bundle_partner_is_the_best_seller_when_it_has_the_stock() -> None:
    out = _case(best_cover=60.0, second_cover=120.0).set_index("sku")
    assert out.loc["SLOW", "action"] == "bundle"
    assert "BEST" in out.loc["SLOW", "reason"]
