"""Inventory findings in both languages, with a stock-out's first day (issue 13)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ecomops.demo import ground_truth
from ecomops.detect.text import channel_name, where
from ecomops.inventory.findings import inventory_findings, zero_run_start
from ecomops.settings import Settings
from ecomops.workspace import Workspace

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_a_stock_out_starts_on_the_first_day_of_its_zero_run() -> None:
    days = [dt.date(2026, 11, 18) + dt.timedelta(days=i) for i in range(7)]
    east, south = [5, 3, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0, 0]
    rows = [(d, "S1", w, s) for d, a, b in zip(days, east, south, strict=True)
            for w, s in (("east", a), ("south", b))]
    hist = pd.DataFrame(rows, columns=["date", "sku", "warehouse", "sellable"])
    assert zero_run_start(hist, "S1", [], days[-1]) == dt.date(2026, 11, 20)
    assert zero_run_start(hist, "S1", ["south"], days[-1]) == dt.date(2026, 11, 19)
    assert zero_run_start(hist, "S2", [], days[-1]) == days[-1]


def test_channels_read_as_names_in_sentences() -> None:
    assert where({"channel": "jd", "sku": "SKU-1"}, "zh_CN") == "渠道 京东 × 商品 SKU-1"
    assert where({"channel": "tmall"}, "en") == "channel Tmall"
    assert channel_name("pinduoduo", "zh_CN") == "拼多多"
    assert channel_name("my-own-site", "en") == "my-own-site"


@pytest.fixture(scope="module")
def con(demo_workspace: Path) -> Iterator[Any]:
    ws = Workspace.open(demo_workspace)
    c = ws.read_only_analytics()
    yield c
    c.close()
    ws.close()


@pytest.mark.slow
def test_inventory_findings_speak_both_languages_and_date_the_stock_out(con: Any, demo_dir: Path) -> None:
    inc = next(i for i in ground_truth(demo_dir) if i.kind == "stockout")
    day = inc.start + dt.timedelta(days=2)
    findings = inventory_findings(con, day, Settings())
    assert findings
    for f in findings:
        assert set(f.texts) == {"zh_CN", "en"}
        assert HAN.search(f.texts["zh_CN"]["summary"]), f.texts
        assert f.summary == f.texts["zh_CN"]["summary"]  # the store speaks zh_CN by default
        assert not HAN.search(f.texts["en"]["summary"].replace(f.segment.get("warehouse", ""), ""))
    out = next(f for f in findings if f.segment.get("sku") == inc.segment["sku"] and f.observed <= 0)
    assert out.since < day
    assert out.evidence["out_of_stock_since"] == out.since.isoformat()
