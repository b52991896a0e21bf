"""The brief as an Excel workbook (xlsxwriter): one sheet per section, then the chart data.

Sheets: KPIs, Findings, Actions, Trends (long: metric, date, values), Breakdown (bars, long),
one sheet per heatmap (a matrix with a colour scale) and Evidence (long, per finding). Every sheet
has a frozen, filterable header row; numbers keep their type with a number format (currency,
percent, count), dates are Excel dates. Every header and label is in the reader's language; the
columns that hold the contract's codes (metric code, finding id, segment as JSON) are there so the
sheets can be read back by programs too, under a header the reader can read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ecomops.i18n import gettext_for, label, normalize, segment_label, text_of
from ecomops.report.model import Brief, TrendSeries
from ecomops.report.render import formats as fmt
from ecomops.report.render.charts import category_label, heatmap_columns

_MAX_WIDTH = 60


class _Book:
    """The workbook with its shared cell formats, cached by number format."""

    def __init__(self, wb: Workbook, brief: Brief, lang: str) -> None:
        self.wb, self.brief, self.lang = wb, brief, lang
        self._ = gettext_for(lang, "report")
        self.header = wb.add_format({"bold": True, "bg_color": "#EEF2F6", "bottom": 1, "text_wrap": True,
                                     "valign": "top"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self._formats: dict[str, Any] = {}

    def number(self, metric: str) -> Any:
        return self.fmt(fmt.excel_format(metric, self.brief.currency, self.lang))

    def fmt(self, num_format: str) -> Any:
        if num_format not in self._formats:
            self._formats[num_format] = self.wb.add_format({"num_format": num_format})
        return self._formats[num_format]

    def sheet(self, title: str, headers: list[str]) -> Worksheet:
        # Excel sheet names: at most 31 characters, none of []:*?/\
        name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
        ws = self.wb.add_worksheet(name)
        ws.write_row(0, 0, headers, self.header)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        return ws

    def finish(self, ws: Worksheet, rows: int, cols: int, wrap_cols: tuple[int, ...] = ()) -> None:
        if rows and cols:
            ws.autofilter(0, 0, rows, cols - 1)
        ws.autofit()
        for c in wrap_cols:
            ws.set_column(c, c, _MAX_WIDTH, self.wrap)


def _put(ws: Worksheet, r: int, c: int, v: Any, cell_format: Any = None) -> None:
    """One cell; None stays blank, dates become Excel dates."""
    if v is None:
        return
    if isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), cell_format)
    elif cell_format is not None:
        ws.write(r, c, v, cell_format)
    else:
        ws.write(r, c, v)


def evidence_text(evidence: dict[str, Any], lang: str, currency: str) -> str:
    """A finding's evidence as one line per key, labelled in the reader's language."""
    from ecomops.report.render.page import evidence_items

    return "\n".join(f"{name}: {text}" for name, text in evidence_items(evidence, lang, currency))


def _kpis(b: _Book) -> None:
    _ = b._
    heads = [_("Metric"), _("Metric code"), _("Value"), _("Expected"), label("change", "dod", b.lang),
             label("change", "wow", b.lang), label("change", "mom", b.lang), label("change", "yoy", b.lang),
             _("Status")]
    ws = b.sheet(_("KPIs"), heads)
    change = b.fmt(fmt.CHANGE_EXCEL_FORMAT)
    for r, k in enumerate(b.brief.kpis, start=1):
        num = b.number(k.metric)
        row = [label("metric", k.metric, b.lang), k.metric]
        ws.write_row(r, 0, row)
        _put(ws, r, 2, k.value, num)
        _put(ws, r, 3, k.expected, num)
        for c, rel in enumerate((k.dod, k.wow, k.mom, k.yoy), start=4):
            _put(ws, r, c, rel, change)
        ws.write(r, 8, label("status", k.status, b.lang))
    b.finish(ws, len(b.brief.kpis), len(heads))


def _findings(b: _Book) -> None:
    _ = b._
    heads = [_("Finding ID"), _("Severity"), _("Module"), _("Process step"), _("Metric"),
             _("Metric code"), _("Segment"), _("Direction"), _("Observed"), _("Expected"), _("Impact"),
             _("Since"), _("Summary"), _("Evidence (JSON)"), _("Segment (JSON)"), _("Evidence")]
    ws = b.sheet(_("Findings"), heads)
    money = b.number("impact")
    for r, f in enumerate(b.brief.findings, start=1):
        num = b.number(f.metric)
        ws.write_row(r, 0, [f.id, label("severity", f.severity, b.lang), label("module", f.module, b.lang),
                            label("process_step", f.process_step, b.lang), label("metric", f.metric, b.lang),
                            f.metric, segment_label(f.segment, b.lang),
                            label("direction", f.direction, b.lang)])
        _put(ws, r, 8, f.observed, num)
        _put(ws, r, 9, f.expected, num)
        _put(ws, r, 10, f.impact, money)
        _put(ws, r, 11, f.since, b.date)
        ws.write_string(r, 12, text_of(f, "summary", b.lang))
        ws.write_string(r, 13, json.dumps(f.evidence, ensure_ascii=False, default=str))
        ws.write_string(r, 14, json.dumps(f.segment, ensure_ascii=False))
        ws.write_string(r, 15, evidence_text(f.evidence, b.lang, b.brief.currency))
    b.finish(ws, len(b.brief.findings), len(heads), wrap_cols=(12, 15))


def _actions(b: _Book) -> None:
    _ = b._
    heads = [_("Priority"), _("Action"), _("Owner"), _("Due"), _("Done when"), _("Findings")]
    ws = b.sheet(_("Actions"), heads)
    for r, a in enumerate(b.brief.actions, start=1):
        ws.write_number(r, 0, a.priority)
        ws.write_string(r, 1, text_of(a, "title", b.lang))
        ws.write_string(r, 2, label("owner_role", a.owner_role, b.lang))
        _put(ws, r, 3, a.due, b.date)
        ws.write_string(r, 4, text_of(a, "acceptance", b.lang))
        ws.write_string(r, 5, ", ".join(a.finding_ids))
    b.finish(ws, len(b.brief.actions), len(heads), wrap_cols=(1, 4))


def _series_rows(b: _Book, ws: Worksheet, r: int, key: str, s: TrendSeries) -> int:
    num = b.number(s.metric)
    n = len(s.dates)
    cols = (s.values, s.expected or [None] * n, s.low or [None] * n, s.high or [None] * n)
    for i, day in enumerate(s.dates):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, label("metric", s.metric, b.lang))
        _put(ws, r, 2, day, b.date)
        for c, column in enumerate(cols, start=3):
            _put(ws, r, c, column[i], num)
        r += 1
    return r


def _series_sheet(b: _Book, title: str, first: str, series: dict[str, TrendSeries]) -> None:
    _ = b._
    heads = [first, _("Metric"), _("Date"), _("Actual"), _("Expected"), _("Low"), _("High")]
    ws = b.sheet(title, heads)
    r = 1
    for key, s in series.items():
        r = _series_rows(b, ws, r, key, s)
    b.finish(ws, r - 1, len(heads))


def _bars(b: _Book) -> None:
    _ = b._
    heads = [_("Metric code"), _("Dimension code"), _("Metric"), _("Dimension"), _("Value"), _("This day"),
             _("Same day last week"), _("Value code")]
    ws = b.sheet(_("Breakdown"), heads)
    r = 1
    for bar in b.brief.charts.bars:
        num = b.number(bar.metric)
        for i, value in enumerate(bar.labels):
            ws.write_row(r, 0, [bar.metric, bar.dimension, label("metric", bar.metric, b.lang),
                                label("dimension", bar.dimension, b.lang),
                                category_label(bar.dimension, value, b.lang)])
            _put(ws, r, 5, bar.values[i], num)
            _put(ws, r, 6, bar.previous[i], num)
            ws.write_string(r, 7, value)
            r += 1
    b.finish(ws, r - 1, len(heads))


def _heatmaps(b: _Book) -> None:
    heading = b._("Heatmap")
    for i, h in enumerate(b.brief.charts.heatmaps, start=1):
        title = f"{heading} {i} {label('metric', h.metric, b.lang)}"
        ws = b.sheet(title, [label("metric", h.metric, b.lang), *heatmap_columns(h.columns, b.lang)])
        num = b.number(h.metric)
        for r, (row_label, values) in enumerate(zip(h.rows, h.values, strict=True), start=1):
            ws.write_string(r, 0, category_label("category", row_label, b.lang))
            for c, v in enumerate(values, start=1):
                _put(ws, r, c, v, num)
        if h.rows and h.columns:
            ws.conditional_format(1, 1, len(h.rows), len(h.columns),
                                  {"type": "2_color_scale", "min_color": "#F7FBFF", "max_color": "#2171B5"})
        ws.freeze_panes(1, 1)
        ws.autofit()


def render(brief: Brief, path: Path | str, lang: str | None = None) -> None:
    """Write the workbook to ``path`` (replacing it)."""
    code = normalize(lang)
    wb = xlsxwriter.Workbook(str(path), {"remove_timezone": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    b = _Book(wb, brief, code)
    _ = b._
    # A fixed creation time (the brief's day), so the same brief gives the same file.
    wb.set_properties({"title": f"{brief.store} {brief.date.isoformat()}", "comments": "ecomops",
                       "created": dt.datetime.combine(brief.date, dt.time())})
    _kpis(b)
    _findings(b)
    _actions(b)
    _series_sheet(b, _("Trends"), _("Metric code"), brief.charts.trends)
    _bars(b)
    _heatmaps(b)
    _series_sheet(b, _("Evidence"), _("Finding ID"), brief.charts.evidence)
    wb.close()
