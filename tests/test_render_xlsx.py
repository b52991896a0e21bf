"""The brief as an xlsx workbook: read back, its values equal the Brief's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ecomops.detect.findings import Action, Finding
from ecomops.report.model import Brief
from ecomops.report.render import xlsx
from ecomops.report.render.charts import category_label
from render_demo import DEMO_DAY, built_brief_cached, demo_brief_cached


@pytest.fixture(scope="module")
def brief(demo_workspace: Path) -> Brief:
    return demo_brief_cached(demo_workspace, DEMO_DAY)


@pytest.fixture(scope="module")
def book_en(brief: Brief, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "brief-en.xlsx"
    xlsx(brief, path, "en")
    return openpyxl.load_workbook(path)


def _rows(ws: object) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(min_row=2, values_only=True))  # type: ignore[attr-defined]


def _day(v: object) -> dt.date:
    assert isinstance(v, dt.datetime)
    return v.date()


def test_xlsx_has_one_sheet_per_section_and_chart_data(book_en: openpyxl.Workbook, brief: Brief) -> None:
    names = book_en.sheetnames
    assert names[:6] == ["KPIs", "Findings", "Actions", "Trends", "Breakdown", "Heatmap 1 GMV"]
    assert names[-1] == "Evidence"
    assert len(names) == 6 + len(brief.charts.heatmaps)
    for ws in book_en.worksheets:
        assert ws.freeze_panes in ("A2", "B2"), ws.title


def test_xlsx_kpis_equal_the_brief(book_en: openpyxl.Workbook, brief: Brief) -> None:
    ws = book_en["KPIs"]
    rows = _rows(ws)
    assert len(rows) == len(brief.kpis)
    for row, k in zip(rows, brief.kpis, strict=True):
        assert row[1] == k.metric
        assert row[2:8] == pytest.approx((k.value, k.expected, k.dod, k.wow, k.mom, k.yoy))
    formats = {row[1].value: row[2].number_format for row in ws.iter_rows(min_row=2)}
    assert formats["conversion_rate"] == "0.0%"
    assert formats["gmv"].startswith('"CN¥"#,##0.00')
    assert formats["orders"] == "#,##0"
    assert ws["E2"].number_format == "+0.0%;-0.0%;0.0%"


def test_xlsx_findings_equal_the_brief(book_en: openpyxl.Workbook, brief: Brief) -> None:
    rows = _rows(book_en["Findings"])
    assert len(rows) == len(brief.findings) >= 1
    for row, f in zip(rows, brief.findings, strict=True):
        assert row[0] == f.id
        assert row[5] == f.metric
        assert row[8:11] == pytest.approx((f.observed, f.expected, f.impact))
        assert _day(row[11]) == f.since
        assert row[12] == f.summary
        assert json.loads(str(row[13])) == f.evidence
        assert json.loads(str(row[14])) == f.segment


def test_xlsx_actions_equal_the_brief(book_en: openpyxl.Workbook, brief: Brief) -> None:
    rows = _rows(book_en["Actions"])
    assert [(r[0], r[1], _day(r[3]), r[4], r[5]) for r in rows] == [
        (a.priority, a.title, a.due, a.acceptance, ", ".join(a.finding_ids)) for a in brief.actions]


def test_xlsx_chart_data_equals_the_brief(book_en: openpyxl.Workbook, brief: Brief) -> None:
    trend_rows = _rows(book_en["Trends"])
    gmv = brief.charts.trends["gmv"]
    mine = [r for r in trend_rows if r[0] == "gmv"]
    assert [_day(r[2]) for r in mine] == gmv.dates
    assert [r[3] for r in mine] == pytest.approx(gmv.values)
    assert [r[4] for r in mine] == pytest.approx(gmv.expected)
    bars = _rows(book_en["Breakdown"])
    assert sum(len(b.labels) for b in brief.charts.bars) == len(bars)
    first = brief.charts.bars[0]
    assert [r[7] for r in bars[: len(first.labels)]] == first.labels  # the codes, for programs
    # ... and the reader's names of them (channel codes by their names, "(other)" translated)
    assert [r[4] for r in bars[: len(first.labels)]] == [category_label(first.dimension, v, "en")
                                                         for v in first.labels]
    assert [r[5] for r in bars[: len(first.labels)]] == pytest.approx(first.values)
    heat = brief.charts.heatmaps[1]
    ws = book_en.worksheets[5 + 1]
    assert [c.value for c in ws[1]][1:] == heat.columns
    assert [list(r[1:]) for r in _rows(ws)] == [list(v) for v in heat.values]
    evidence = _rows(book_en["Evidence"])
    assert {r[0] for r in evidence} == set(brief.charts.evidence)


def test_xlsx_in_chinese_reads_back_with_calamine(brief: Brief, tmp_path: Path) -> None:
    path = tmp_path / "brief-zh.xlsx"
    xlsx(brief, path, "zh")
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names[:5] == ["核心指标", "异常发现", "行动清单", "趋势", "结构拆解"]
    kpis = wb.get_sheet_by_name("核心指标").to_python()
    assert kpis[0][0] == "指标"
    assert kpis[1][0] == "成交额"
    assert kpis[1][2] == pytest.approx(brief.kpis[0].value)


def test_xlsx_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    day = dt.date(2026, 11, 24)
    f = Finding(id="f1", module="sales", metric="gmv", segment={"sku": "=HYPERLINK(\"http://x\")"},
                process_step="pricing", direction="down", observed=1.0, expected=2.0, impact=-1.0,
                severity="high", since=day, summary="=1+1")
    a = Action(priority=1, title="=cmd|' /C calc'!A0", owner_role="operations", due=day, acceptance="+1",
               finding_ids=("f1",))
    path = tmp_path / "b.xlsx"
    xlsx(Brief(date=day, store="S", currency="USD", kpis=[], findings=[f], actions=[a]), path, "en")
    wb = openpyxl.load_workbook(path)
    assert wb["Findings"]["M2"].data_type == "s"
    assert wb["Findings"]["M2"].value == "=1+1"
    assert wb["Actions"]["B2"].data_type == "s"
    assert wb["Actions"]["E2"].value == "+1"


@pytest.mark.slow
def test_xlsx_of_the_built_brief_has_its_findings(demo_workspace: Path, tmp_path: Path) -> None:
    built = built_brief_cached(demo_workspace, DEMO_DAY)
    path = tmp_path / "built.xlsx"
    xlsx(built, path, "en")
    wb = openpyxl.load_workbook(path)
    assert [r[0] for r in _rows(wb["Findings"])] == [f.id for f in built.findings]
    assert [r[1] for r in _rows(wb["KPIs"])] == [k.metric for k in built.kpis]
