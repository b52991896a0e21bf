"""Rendering of rows for ``--format table|json|csv`` (shared by every command)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from rich.table import Table

from ecomops.cells import safe_cell


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def json_default(value: Any) -> Any:
    """JSON for the values DuckDB and pandas hand back (dates, decimals, numpy scalars)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def to_json(rows: Sequence[dict[str, Any]] | dict[str, Any], *, indent: int | None = 2) -> str:
    if isinstance(rows, dict):
        return json.dumps(rows, ensure_ascii=False, indent=indent, default=json_default)
    data = [{k: _clean(v) for k, v in r.items()} for r in rows]
    return json.dumps(data, ensure_ascii=False, indent=indent, default=json_default)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writerow({c: safe_cell(str(c)) for c in columns})
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    """A CSV cell: plain numbers and text as they are, other values as their JSON text; text that a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``…) escaped by ``safe_cell``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return safe_cell(value if isinstance(value, str) else str(json_default(value)))


def to_table(columns: Sequence[str], rows: Sequence[dict[str, Any]], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    return table
