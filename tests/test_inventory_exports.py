"""Inventory exports (pure): formula injection, the same rows in CSV and Excel, localized headers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd

from ecomops.cli.output import to_csv
from ecomops.inventory import replenish
from ecomops.inventory.export import csv_bytes, plan_workbook

AS_OF = dt.date(2026, 11, 24)
EVIL = {"sku": "=1+2", "title": '=HYPERLINK("http://evil.example","点我")', "supplier": "@SUM(A1:A9)",
        "warehouse": "-2+3"}


def _plan() -> pd.DataFrame:
    uid = f"{EVIL['sku']}@{EVIL['warehouse']}"
    positions = pd.DataFrame({"unique_id": [uid], "sku": [EVIL["sku"]], "warehouse": [EVIL["warehouse"]],
                              "on_hand": [3], "reserved": [0], "inbound": [0], "inbound_eta": [pd.NaT]})
    products = pd.DataFrame({"sku": [EVIL["sku"]], "title": [EVIL["title"]], "category": ["\t=cmd"],
                             "price": [100.0], "cost": [40.0], "supplier": [EVIL["supplier"]],
                             "lead_time_days": [10], "moq": [1], "status": ["on_sale"]})
    days = pd.date_range(pd.Timestamp(AS_OF) + pd.Timedelta(days=1), periods=60, freq="D")
    forecast = pd.DataFrame({"unique_id": uid, "ds": days, "yhat": 2.0})
    errors = pd.DataFrame({"unique_id": [uid], "rmse": [1.0], "demand_class": ["smooth"], "method": ["x"]})
    return replenish.plan(positions, products, forecast, errors, AS_OF)


def _formula_like(text: str) -> bool:
    return text[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_plan_workbook_writes_formula_like_text_as_escaped_text() -> None:
    import openpyxl

    rows = _plan()
    assert int(rows["suggested_order_qty"].iloc[0]) > 0
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(rows, replenish.purchase_orders(rows), AS_OF)))
    seen = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not _formula_like(cell.value), (ws.title, cell.coordinate, cell.value)
                    seen.append(cell.value)
    for text in EVIL.values():
        assert "'" + text in seen
    plan = book["Plan"]  # numbers stay numbers
    head = [c.value for c in plan[1]]
    qty = plan.cell(row=2, column=head.index("suggested_order_qty") + 1).value
    assert isinstance(qty, int | float)
    assert qty == int(rows["suggested_order_qty"].iloc[0])


def test_csv_writers_escape_formula_like_text_and_keep_numbers() -> None:
    rows = [{"sku": EVIL["sku"], "title": EVIL["title"], "qty": -3, "value": -1.5, "day": AS_OF}]
    for text in (to_csv(["sku", "title", "qty", "value", "day"], rows),
                 csv_bytes(["sku", "title", "qty", "value", "day"], rows).decode("utf-8-sig")):
        got = next(csv.DictReader(io.StringIO(text)))
        assert got == {"sku": "'=1+2", "title": "'" + EVIL["title"], "qty": "-3", "value": "-1.5",
                       "day": "2026-11-24"}
