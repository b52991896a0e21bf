"""KPI cards: the status says what the band shows, colours say good or bad news per metric."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecomops.detect.findings import Kpi
from ecomops.report import kpis
from ecomops.report.model import Brief
from ecomops.report.render.page import context

DAY = dt.date(2026, 12, 1)


def _frame(last: float, days: int = 140, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = [DAY - dt.timedelta(days=i) for i in range(days - 1, -1, -1)]
    gmv = rng.normal(10_000, 400, days)
    gmv[-1] = last
    return pd.DataFrame({"date": dates, "gmv": gmv})


def test_a_card_34_percent_below_its_expected_value_is_low() -> None:
    cards, trends = kpis.build(_frame(6_600.0), DAY, ["gmv"])
    card, band = cards[0], trends["gmv"]
    assert card.value is not None
    assert card.expected is not None
    assert card.value < 0.7 * card.expected
    assert band.low is not None
    assert card.value < (band.low[-1] or 0)
    assert card.status == "low"
    assert card.favourable["status"] is False


def test_a_card_without_a_band_is_not_called_normal() -> None:
    frame = pd.DataFrame({"date": [DAY], "gmv": [5_000.0]})
    cards, trends = kpis.build(frame, DAY, ["gmv"])
    assert trends["gmv"].low == [None] * len(trends["gmv"].low or [])
    assert cards[0].status == "unavailable"


@pytest.mark.parametrize(
    ("metric", "rel", "good"),
    [
        ("gmv", 0.1, True), ("gmv", -0.1, False), ("conversion_rate", -0.2, False),
        ("return_rate", 0.267, False), ("return_rate", -0.1, True), ("late_delivery_rate", 0.3, False),
        ("refund_amount", 0.2, False), ("ad_cpc", 0.1, False), ("ad_cost", 0.1, False),
        ("ship_hours", -0.2, True), ("days_of_cover", 0.5, None), ("gmv", 0.001, None), ("gmv", None, None),
    ],
)
def test_a_change_is_good_or_bad_news_by_metric(metric: str, rel: float | None, good: bool | None) -> None:
    assert kpis.favourable(metric, rel) is good


def test_every_card_carries_the_reading_of_its_status_and_changes() -> None:
    cards, _ = kpis.build(_frame(10_050.0), DAY, ["gmv"])
    assert set(cards[0].favourable) == {"status", "dod", "wow", "mom", "yoy"}
    assert cards[0].favourable["status"] is None  # normal


def _brief(card: Kpi) -> Brief:
    return Brief(date=DAY, store="S", currency="CNY", kpis=[card], findings=[], actions=[])


def test_the_report_colours_a_rising_return_rate_red() -> None:
    card = Kpi(metric="return_rate", value=0.057, dod=0.267, expected=0.045, status="high",
               favourable={"status": False, "dod": False, "wow": None, "mom": None, "yoy": None})
    shown = context(_brief(card), "zh_CN")["kpis"][0]
    assert shown["tone"] == "bad"
    assert shown["changes"][0]["tone"] == "bad"


def test_the_console_colours_a_rising_return_rate_red() -> None:
    from ecomops.web.pages import fragment

    card = Kpi(metric="return_rate", value=0.057, dod=0.267, wow=-0.1, expected=0.045, status="high",
               favourable={"status": False, "dod": False, "wow": True, "mom": None, "yoy": None})
    html = str(fragment("today_body.html", "zh_CN", brief=_brief(card)))
    assert 'class="kpi status-high tone-bad"' in html
    assert 'class="chg bad"' in html
    assert 'class="chg good"' in html
