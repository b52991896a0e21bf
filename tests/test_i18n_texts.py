"""Findings and actions carrying both languages (``texts``, BRIEF.md's extension) are read in the
reader's language on every console page and in the HTML and Excel brief; without ``texts`` (an
old brief) the plain field, in the store's language, is shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from ecomops.detect.findings import Action, Finding, Kpi
from ecomops.i18n import evidence_label, text_of
from ecomops.report.model import Brief, Charts, TrendSeries
from web_support import DEMO_DAY, demo_app, login

DAY = dt.date(2026, 11, 20)
ZH_SUMMARY = "渠道 京东 × 商品 SKU-0042 的转化率下降：预期 3.4%，实际 1.1%。"
EN_SUMMARY = "Conversion of channel JD, SKU SKU-0042 fell from 3.4% expected to 1.1%."
ZH_TITLE, EN_TITLE = "检查 SKU-0042 在京东的详情页和价格", "Check the listing and price of SKU-0042 on JD"
ZH_DONE, EN_DONE = "转化率连续 2 天回到 3.0% 以上", "Conversion back above 3.0% for 2 days"


@dataclasses.dataclass(frozen=True)
class BilingualFinding(Finding):
    """A Finding with BRIEF.md's ``texts`` (the field the detect helper adds to Finding itself)."""

    texts: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class BilingualAction(Action):
    texts: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


def _finding(fid: str, texts: bool = True) -> Finding:
    fields: dict[str, Any] = {
        "id": fid, "module": "traffic", "metric": "conversion_rate",
        "segment": {"channel": "jd", "sku": "SKU-0042"}, "process_step": "conversion", "direction": "down",
        "observed": 0.011, "expected": 0.034, "impact": -5230.0,
        "severity": "high", "since": DAY, "summary": ZH_SUMMARY,
        "evidence": {"sellable": 12, "daily_demand": 3.5, "gmv_expected": 1200.0}}
    if not texts:
        return Finding(**fields)
    return BilingualFinding(**fields, texts={"zh_CN": {"summary": ZH_SUMMARY}, "en": {"summary": EN_SUMMARY}})


def _action(fid: str, priority: int = 1, texts: bool = True) -> Action:
    fields: dict[str, Any] = {"priority": priority, "title": ZH_TITLE, "owner_role": "operations",
                              "due": DAY + dt.timedelta(days=2), "acceptance": ZH_DONE, "finding_ids": (fid,)}
    if not texts:
        return Action(**fields)
    return BilingualAction(**fields, texts={"zh_CN": {"title": ZH_TITLE, "acceptance": ZH_DONE},
                                            "en": {"title": EN_TITLE, "acceptance": EN_DONE}})


def _brief(texts: bool = True) -> Brief:
    fid = "f-2026-11-20-0001"
    days = [DAY - dt.timedelta(days=i) for i in range(13, -1, -1)]
    series = TrendSeries("conversion_rate", {"channel": "jd", "sku": "SKU-0042"}, days, [0.03] * 14)
    return Brief(date=DAY, store="My Store", currency="CNY",
                 kpis=[Kpi("gmv", 100000.0, dod=-0.1, expected=110000.0, status="low")],
                 findings=[_finding(fid, texts)], actions=[_action(fid, texts=texts)],
                 charts=Charts(trends={"gmv": TrendSeries("gmv", {}, days, [1000.0] * 14)},
                               evidence={fid: series}))


def test_text_of_picks_the_readers_language_and_falls_back_to_the_plain_field() -> None:
    f, a = _finding("f1"), _action("f1")
    assert text_of(f, "summary", "en") == EN_SUMMARY
    assert text_of(f, "summary", "zh") == ZH_SUMMARY
    assert text_of(a, "title", "en-US") == EN_TITLE
    assert text_of(a, "acceptance", "en") == EN_DONE
    assert text_of(_finding("f1", texts=False), "summary", "en") == ZH_SUMMARY  # an old brief
    assert text_of(BilingualFinding(**{**dataclasses.asdict(f), "texts": {"zh_CN": {"summary": "x"}}}),
                   "summary", "en") == ZH_SUMMARY  # no English text: the store's
    assert text_of({"summary": ZH_SUMMARY, "texts": {"en": {"summary": EN_SUMMARY}}}, "summary", "en") \
        == EN_SUMMARY  # the brief as JSON (BRIEF.md) reads the same


def test_evidence_keys_are_labelled_in_both_languages() -> None:
    assert evidence_label("sellable", "zh") == "可售库存"
    assert evidence_label("sellable", "en") == "Sellable stock"
    assert evidence_label("daily_demand", "zh") == "日均需求"
    assert evidence_label("gmv_expected", "zh") == "成交额（预期）"
    assert evidence_label("page_views", "zh") == "浏览量"


@pytest.mark.parametrize(("lang", "mine", "other"), [
    ("en", (EN_SUMMARY, EN_TITLE, EN_DONE), (ZH_SUMMARY, ZH_TITLE, ZH_DONE)),
    ("zh", (ZH_SUMMARY, ZH_TITLE, ZH_DONE), (EN_SUMMARY, EN_TITLE, EN_DONE)),
])
def test_brief_html_and_workbook_use_the_texts_of_the_readers_language(
        lang: str, mine: tuple[str, ...], other: tuple[str, ...], tmp_path: Path) -> None:
    from ecomops.report.render import html, xlsx

    page = unescape(html(_brief(), lang))
    path = tmp_path / "b.xlsx"
    xlsx(_brief(), path, lang)
    book = CalamineWorkbook.from_path(str(path))
    cells = {str(c) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
             for c in row}
    for text in mine:
        assert text in page
        assert text in cells
    for text in other:
        assert text not in page
        assert text not in cells
    assert ("可售库存" if lang == "zh" else "Sellable stock") in page


def test_brief_without_texts_shows_the_plain_fields(tmp_path: Path) -> None:
    from ecomops.report.render import html

    page = unescape(html(_brief(texts=False), "en"))
    assert ZH_SUMMARY in page
    assert ZH_TITLE in page


@pytest.fixture(scope="module")
def console(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    app, ws = demo_app(demo_workspace, tmp_path_factory.mktemp("texts") / "ws", brief=False)
    app.state.console.briefs.prime(_brief())  # type: ignore[attr-defined]
    yield app, ws
    ws.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "mine", "other"), [
    ("en", (EN_SUMMARY, EN_TITLE, EN_DONE), (ZH_SUMMARY, ZH_TITLE, ZH_DONE)),
    ("zh_CN", (ZH_SUMMARY, ZH_TITLE, ZH_DONE), (EN_SUMMARY, EN_TITLE, EN_DONE)),
])
def test_console_pages_use_the_texts_of_the_readers_language(
        console: tuple[Any, Any], lang: str, mine: tuple[str, ...], other: tuple[str, ...]) -> None:
    from ecomops.web.accounts import Accounts

    app, ws = console
    accounts = Accounts(ws.app_sessions)
    accounts.set_language(accounts.get("operator").id, lang)
    client = TestClient(app)
    login(client, "operator")
    fid = "f-2026-11-20-0001"
    today = unescape(client.get(f"/today?date={DAY}").text)
    listing = unescape(client.get(f"/findings?date={DAY}").text)
    detail = unescape(client.get(f"/findings/{fid}?date={DAY}").text)
    for page, shown in ((today, mine), (listing, mine[:1]), (detail, mine)):
        for text in shown:
            assert text in page
        for text in other:
            assert text not in page
    assert re.search("可售库存" if lang == "zh_CN" else "Sellable stock", detail)
    assert DEMO_DAY != DAY  # the hand-made brief's day is not one the demo's brief is cached for


def test_times_are_shown_in_the_store_zone_with_the_zone_named() -> None:
    from ecomops.web.pages import fmt_time

    utc = dt.datetime(2026, 12, 3, 2, 5)  # the app DB keeps UTC without a zone
    assert fmt_time(utc, "zh_CN", "Asia/Shanghai") == "2026-12-03 10:05 中国（上海）时间"
    assert fmt_time(utc, "en", "Asia/Shanghai") == "2026-12-03 10:05 China (Shanghai) Time"
    assert fmt_time(utc.replace(tzinfo=dt.UTC), "en", "Europe/Berlin").startswith("2026-12-03 03:05 ")


def test_an_error_message_is_shown_in_the_readers_language() -> None:
    from ecomops.errors import InputError
    from ecomops.i18n import N_
    from ecomops.web.app import reader_message

    err = InputError.localized(N_("'%(value)s' is not a date (YYYY-MM-DD)"), value="tomorrow")
    assert err.message == "'tomorrow' is not a date (YYYY-MM-DD)"  # the CLI and the API keep English
    assert reader_message(err, "en") == err.message
    assert reader_message(err, "zh_CN").startswith("“tomorrow”不是日期")
    assert reader_message(InputError("no catalog has this"), "zh_CN") == "no catalog has this"
