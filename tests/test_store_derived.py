"""The store's derived order day on order lines (``store.derived``): true after every import, and
never a number the metrics would not give without it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from conftest import DEMO_END
from ecomops.ingest.service import import_folder
from ecomops.metrics import daily
from ecomops.store.analytics import ibis_backend
from ecomops.workspace import Workspace
from ingest_samples import write_csv

ORDERS = ["order_id", "channel", "order_time", "status", "payment_amount"]
LINES = ["order_id", "line_no", "sku", "quantity", "unit_price"]
STALE = """SELECT count(*) FROM order_lines l JOIN orders o USING (order_id)
           WHERE l._order_date IS DISTINCT FROM CAST(o.order_time AS DATE)"""


def _csv(root: Path, sub: str, name: str, headers: list[str], rows: list[list[str]]) -> Path:
    (root / sub).mkdir()
    return write_csv(root / sub / name, headers, rows)


def _days(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.analytics.execute(
        "SELECT order_id, line_no, _order_date FROM order_lines ORDER BY ALL").fetchall()


def test_every_imported_line_carries_its_orders_day(demo_workspace: Path) -> None:
    ws = Workspace.open(demo_workspace)
    try:
        con = ws.analytics
        assert con.execute(STALE).fetchall() == [(0,)]
        (n, filled), = con.execute("SELECT count(*), count(_order_date) FROM order_lines").fetchall()
        assert n > 10_000
        assert filled == n
    finally:
        ws.close()


def test_a_reimported_order_moves_its_lines_to_the_new_day(workspace: Workspace, tmp_path: Path) -> None:
    import_folder(workspace, _csv(tmp_path, "a", "orders.csv", ORDERS, [
        ["O1", "tmall", "2026-11-01 10:00", "paid", "20"], ["O2", "jd", "2026-11-02 09:00", "paid", "5"]]))
    import_folder(workspace, _csv(tmp_path, "b", "order_lines.csv", LINES, [
        ["O1", "1", "S1", "2", "10"], ["O2", "1", "S2", "1", "5"]]))
    assert [r[2] for r in _days(workspace)] == [dt.date(2026, 11, 1), dt.date(2026, 11, 2)]
    import_folder(workspace, _csv(tmp_path, "c", "orders.csv", ORDERS, [
        ["O1", "tmall", "2026-11-03 23:30", "paid", "20"]]))
    assert [r[2] for r in _days(workspace)] == [dt.date(2026, 11, 3), dt.date(2026, 11, 2)]
    gmv = daily(ibis_backend(workspace.analytics), ["gmv"], [], dt.date(2026, 11, 1), dt.date(2026, 11, 3))
    by_day = gmv.set_index("date")["gmv"].fillna(0)
    assert by_day[by_day > 0].to_dict() == {dt.date(2026, 11, 2): 5.0, dt.date(2026, 11, 3): 20.0}


def test_lines_imported_before_their_orders_get_the_day_when_the_orders_come(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_folder(workspace, _csv(tmp_path, "a", "order_lines.csv", LINES, [
        ["O1", "1", "S1", "2", "10"], ["O1", "2", "S2", "1", "3"]]))
    assert [r[2] for r in _days(workspace)] == [None, None]
    import_folder(workspace, _csv(tmp_path, "b", "orders.csv", ORDERS, [
        ["O1", "tmall", "2026-11-05 08:00", "paid", "23"]]))
    assert [r[2] for r in _days(workspace)] == [dt.date(2026, 11, 5)] * 2


def _frames(con: object, start: dt.date, end: dt.date) -> list[pd.DataFrame]:
    return [daily(con, ["gmv", "orders", "units", "gross_margin", "days_of_cover"], [], start, end),
            daily(con, ["gmv", "orders", "units"], ["category"], end - dt.timedelta(days=6), end),
            daily(con, ["gmv", "units"], ["sku", "channel"], end, end)]


def test_metrics_are_the_same_with_and_without_the_derived_day(
    demo_workspace: Path, tmp_path: Path
) -> None:
    """The order day only drops lines the orders join would drop: without the column (the
    metric SQL then compiles without the pre-filter) every number is the same."""
    start, end = DEMO_END - dt.timedelta(days=40), DEMO_END
    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy)
    ws = Workspace.open(copy)
    try:
        with_day = _frames(ibis_backend(ws.analytics), start, end)
        ws.analytics.execute("ALTER TABLE order_lines DROP COLUMN _order_date")
    finally:
        ws.close()
    # read-only: opening for writing would add the column back (``store.analytics.ensure_schema``)
    raw = duckdb.connect(str(copy / "analytics.duckdb"), read_only=True)
    try:
        without = _frames(ibis_backend(raw), start, end)
    finally:
        raw.close()
    for a, b in zip(with_day, without, strict=True):
        assert len(a) > 0
        keys = [c for c in a.columns if a[c].dtype == object or c == "date"]
        pd.testing.assert_frame_equal(a.sort_values(keys, ignore_index=True),
                                      b.sort_values(keys, ignore_index=True), rtol=1e-9)
