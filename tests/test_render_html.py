"""The brief as one self-contained HTML file: offline, escaped, in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ecomops.detect.findings import Action, Finding, Kpi
from ecomops.errors import InputError
from ecomops.report.model import Bars, Brief, Charts
from ecomops.report.render import html
from ecomops.report.render.page import plotly_js
from render_demo import DEMO_DAY, demo_brief_cached

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def brief(demo_workspace: Path) -> Brief:
    return demo_brief_cached(demo_workspace, DEMO_DAY)


def _figures(page: str) -> dict[str, dict[str, object]]:
    m = re.search(r'<script type="application/json" id="ecomops-figures">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def hostile_brief() -> Brief:
    day = dt.date(2026, 11, 24)
    f = Finding(id="f-2026-11-24-0001", module="sales", metric="gmv", segment={"sku": EVIL},
                process_step="pricing", direction="down", observed=1.0, expected=2.0, impact=-1.0,
                severity="high", since=day, summary=f"summary {EVIL}", evidence={"orders": EVIL})
    a = Action(priority=1, title=f"title {EVIL}", owner_role="content", due=day, acceptance=EVIL,
               finding_ids=(f.id,))
    bars = Bars(metric="gmv", dimension="category", labels=[EVIL], values=[1.0], previous=[None])
    return Brief(date=day, store=f"Shop {EVIL}", currency="CNY", kpis=[Kpi(metric="gmv", value=None,
                 status="unavailable")], findings=[f], actions=[a], charts=Charts(bars=[bars]), notes=[EVIL])


def test_html_is_self_contained_with_plotly_inlined(brief: Brief) -> None:
    page = html(brief, "zh")
    assert plotly_js() in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=["\']?(https?:)?//', page)
    assert page.startswith("<!doctype html>")
    assert '<meta name="viewport"' in page
    assert "@media print" in page


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["运营晨报", "核心指标", "异常发现", "行动清单", "成交额", "转化率", "周同比", "天猫"]),
    ("en", ["Morning brief", "Key figures", "Findings", "Actions", "GMV", "Conversion rate", "Week on week"]),
])
def test_html_speaks_the_reader_language(brief: Brief, lang: str, words: list[str]) -> None:
    page = html(brief, lang)
    missing = [w for w in words if w not in page]
    assert not missing


def test_html_has_one_chart_per_trend_bar_heatmap_and_evidence(brief: Brief) -> None:
    page = html(brief, "en")
    figures = _figures(page)
    charts = brief.charts
    expected = len(charts.trends) + len(charts.bars) + len(charts.heatmaps) + len(charts.evidence)
    assert len(figures) == expected
    divs = re.findall(r'data-figure="([^"]+)"', page)
    assert sorted(divs) == sorted(figures)
    for f in brief.findings:
        assert f'id="{f.id}"' in page
        assert f"evidence-{f.id}" in figures


def test_html_shows_every_finding_and_action(brief: Brief) -> None:
    page = html(brief, "en")
    for f in brief.findings:
        assert f.summary.replace("'", "&#39;") in page
    for a in brief.actions:
        assert a.title in page
        assert a.due.isoformat() in page


def test_html_escapes_text_from_shop_data() -> None:
    page = html(hostile_brief(), "en", )
    body = page.replace(plotly_js(), "")
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    figures = _figures(page)  # tojson escapes <, > and & inside the JSON block
    assert figures["bars-0"]["data"][0]["x"] == ["&lt;script&gt;alert('x')&lt;/script&gt;"]  # type: ignore[index]


def test_html_renders_a_brief_with_nothing_in_it() -> None:
    empty = Brief(date=dt.date(2026, 1, 1), store="Empty", currency="USD", kpis=[], findings=[], actions=[])
    page = html(empty, "zh")
    assert "未发现异常" in page
    assert "今天没有待办行动" in page
    assert _figures(page) == {}


def test_html_formats_kpis_by_metric_kind(brief: Brief) -> None:
    kpis = [Kpi(metric="gmv", value=182345.5, wow=0.031, status="high"),
            Kpi(metric="conversion_rate", value=0.034, dod=-0.042, status="low"),
            Kpi(metric="return_rate", value=0.05, dod=0.2, status="high")]
    page = html(dataclasses.replace(brief, kpis=kpis), "en")
    assert "CN¥182,346" in page
    assert "3.4%" in page
    assert '<span class="good">+3.1%</span>' in page
    assert '<span class="bad">-4.2%</span>' in page
    # A rising return rate is bad news.
    assert '<span class="bad">+20.0%</span>' in page
    assert 'class="kpi tone-bad" data-metric="return_rate"' in page


def test_html_refuses_an_unknown_language(brief: Brief) -> None:
    with pytest.raises(InputError):
        html(brief, "fr")
