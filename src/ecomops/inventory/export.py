"""The replenishment plan as an Excel workbook (xlsxwriter), built in memory.

Sheets: ``Plan`` (every position, risk first, with filters and frozen header), ``Purchase
orders`` (the order lines by supplier: the rows of the purchase-plan CSV) and ``Suppliers``
(totals). Also the console's tables (``table_csv``, ``table_workbook``). Every cell goes through
``ecomops.cells.safe_cell`` and workbooks never turn text into formulas. Returns bytes, so
the CLI writes a file and the console serves a download from the same call.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ecomops.cells import safe_cell
from ecomops.inventory.replenish import PLAN_COLUMNS

EXTRA_COLUMNS = ("status", "order_by", "title", "on_hand", "reserved", "inbound", "inbound_eta",
                 "stock_position", "lead_time_days", "moq", "expected_lost_gmv", "order_value",
                 "demand_class", "method")
ORDER_COLUMNS = ("sku", "title", "warehouse", "suggested_order_qty", "moq", "cost", "order_value",
                 "order_by", "risk")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values: missing and infinite values None, timestamps dates (what the
    CLI's JSON / CSV and the console's tables and API show)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for row in rows:
        for k, v in row.items():
            if isinstance(v, pd.Timestamp):
                row[k] = v.date()
            elif isinstance(v, float) and math.isinf(v):
                row[k] = None
    return rows


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    return safe_cell(value)


def _text(value: Any) -> Any:
    """A CSV cell: dates as ISO text, missing as empty, formula-like text escaped (``safe_cell``)."""
    v = _cell(value)
    if isinstance(v, float) and math.isinf(v):
        return None
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return safe_cell(v) if isinstance(v, str | int | float | bool) or v is None else safe_cell(str(v))


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, Any]],
              headers: Sequence[str] | None = None) -> bytes:
    """``rows`` as CSV (UTF-8 with a BOM, so Excel reads Chinese), ``headers`` over ``columns``.

    Every cell goes through ``safe_cell``: text that a spreadsheet would run as a formula is escaped.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in (headers or columns)])
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8-sig")


def _write(ws: Any, r: int, j: int, value: Any, formats: dict[str, Any]) -> None:
    v = _cell(value)
    if isinstance(v, dt.datetime | dt.date):
        day = v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
        ws.write_datetime(r, j, day, formats["date"])
    elif isinstance(v, float) and math.isinf(v):
        return
    elif isinstance(v, str):
        ws.write_string(r, j, v)
    elif v is not None:
        ws.write(r, j, v)


def new_workbook(buf: io.BytesIO) -> tuple[Any, dict[str, Any]]:
    """An in-memory xlsxwriter workbook that never turns text into formulas, and its formats."""
    import xlsxwriter

    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    formats = {"head": book.add_format({"bold": True, "bg_color": "#DDEBF7"}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "title": book.add_format({"bold": True, "font_size": 12})}
    return book, formats


def _sheet(book: Any, name: str, frame: pd.DataFrame, formats: dict[str, Any],
           headers: Sequence[str] | None = None) -> None:
    ws = book.add_worksheet(name)
    for j, col in enumerate(headers or [str(c) for c in frame.columns]):
        ws.write_string(0, j, safe_cell(col), formats["head"])
        ws.set_column(j, j, max(10, min(40, len(col) + 2)))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            _write(ws, i, j, value, formats)
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


def plan_workbook(rows: pd.DataFrame, orders: pd.DataFrame, as_of: dt.date,
                  lines: pd.DataFrame | None = None) -> bytes:
    """The workbook's bytes for a plan (``replenish.plan``) and its ``purchase_orders``.

    ``Purchase orders`` holds ``lines`` (``service.purchase_lines``: one row per planned order,
    grouped by supplier), the same rows and columns as the purchase-plan CSV; without ``lines``,
    the plan's rows with an order, by supplier.
    """
    buf = io.BytesIO()
    book, formats = new_workbook(buf)
    cols = [c for c in (*PLAN_COLUMNS, *EXTRA_COLUMNS) if c in rows.columns]
    _sheet(book, "Plan", rows[cols], formats)
    if lines is None:
        ordered = rows[rows["suggested_order_qty"] > 0].sort_values(["supplier", "risk", "sku"])
        lines = ordered[[c for c in ORDER_COLUMNS if c in ordered.columns]]
    _sheet(book, "Purchase orders", lines, formats)
    _sheet(book, "Suppliers", orders, formats)
    book.close()
    return buf.getvalue()


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A shown table (``tables.headers`` over ``tables.cells``) as CSV bytes (UTF-8 with a BOM)."""
    keys = [str(i) for i in range(len(headers))]
    return csv_bytes(keys, [dict(zip(keys, r, strict=True)) for r in rows], headers)


def table_workbook(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A shown table as a one-sheet workbook: the same headers, rows and order as ``table_csv``."""
    buf = io.BytesIO()
    book, formats = new_workbook(buf)
    _sheet(book, sheet[:31], pd.DataFrame(list(rows), columns=range(len(headers))), formats, headers)
    book.close()
    return buf.getvalue()
