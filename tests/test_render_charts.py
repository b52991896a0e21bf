"""Plotly figure dicts from the brief's chart values: valid for plotly, labelled, escaped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import plotly.graph_objects as go
import pytest

from ecomops.report.model import Bars, Brief, Heatmap, TrendSeries
from ecomops.report.render import charts
from render_demo import DEMO_DAY, demo_brief_cached


@pytest.fixture(scope="module")
def brief(demo_workspace: Path) -> Brief:
    return demo_brief_cached(demo_workspace, DEMO_DAY)


def _all_figures(brief: Brief, lang: str) -> list[charts.Figure]:
    figs = [charts.trend(s, lang, brief.currency) for s in brief.charts.trends.values()]
    figs += [charts.bars(b, lang, brief.currency) for b in brief.charts.bars]
    figs += [charts.heatmap(h, lang, brief.currency) for h in brief.charts.heatmaps]
    figs += [charts.trend(s, lang, brief.currency, since=DEMO_DAY) for s in brief.charts.evidence.values()]
    return figs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_of_the_demo_brief_is_a_valid_plotly_figure(brief: Brief, lang: str) -> None:
    figs = _all_figures(brief, lang)
    assert len(figs) >= 4 + 2 + 2 + 1
    for fig in figs:
        go.Figure(data=fig["data"], layout=fig["layout"])  # raises on any unknown property or bad value
        assert fig["data"], fig["layout"]["title"]


def test_trend_keeps_values_and_band_of_the_series(brief: Brief) -> None:
    series = brief.charts.trends["gmv"]
    fig = charts.trend(series, "zh", "CNY")
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name["实际"]["y"] == series.values
    assert by_name["预期"]["y"] == series.expected
    band = [t for t in fig["data"] if t["name"] == "预期区间"]
    assert [t["y"] for t in band] == [series.high, series.low]
    assert fig["layout"]["title"]["text"] == "成交额"
    assert fig["layout"]["yaxis"]["tickprefix"] == "¥"


def test_trend_without_band_draws_only_the_values() -> None:
    s = TrendSeries(metric="conversion_rate", segment={}, dates=[dt.date(2026, 1, 1), dt.date(2026, 1, 2)],
                    values=[0.03, None])
    fig = charts.trend(s, "en")
    assert [t["name"] for t in fig["data"]] == ["Actual"]
    assert fig["layout"]["yaxis"]["tickformat"] == ".1%"


def test_bars_translate_channel_names_and_escape_data_labels() -> None:
    b = Bars(metric="gmv", dimension="channel", labels=["tmall", "<img src=x onerror=alert(1)>"],
             values=[10.0, 5.0], previous=[8.0, None])
    fig = charts.bars(b, "zh")
    assert fig["data"][1]["x"] == ["天猫", "&lt;img src=x onerror=alert(1)&gt;"]
    assert fig["layout"]["title"]["text"] == "各渠道成交额"
    assert fig["data"][0]["y"] == [8.0, None]


def test_hour_weekday_heatmap_shows_weekday_names_in_the_reader_language() -> None:
    h = Heatmap(metric="orders", rows=["0", "1"], columns=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                values=[[1.0] * 7, [2.0] * 7])
    assert charts.heatmap(h, "zh")["data"][0]["x"][:2] == ["周一", "周二"]
    assert charts.heatmap(h, "en")["data"][0]["x"][:2] == ["Mon", "Tue"]
    assert charts.heatmap(h, "en")["layout"]["title"]["text"] == "Orders by Hour and Weekday"


def test_category_day_heatmap_uses_a_date_axis(brief: Brief) -> None:
    h = brief.charts.heatmaps[0]
    fig = charts.heatmap(h, "en")
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["data"][0]["z"] == h.values
