"""Import faults found by testing: out-of-range money, broken CSV rows, server paths in messages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ecomops.ingest.report import ImportReport
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace
from ingest_samples import write_csv

ORDER_HEADERS = ["order_id", "channel", "order_time", "status", "payment_amount"]


def _rejects(report: ImportReport) -> list[dict[str, str]]:
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("text", ["1e308", "-1e308", "1e12", "2000000000000", "inf", "-Infinity", "nan"])
def test_money_out_of_the_plausible_range_is_rejected_per_row(
    workspace: Workspace, tmp_path: Path, text: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "orders.csv", ORDER_HEADERS, [
        ["O1", "tmall", "2026-11-01 10:00", "paid", "99.5"],
        ["O2", "tmall", "2026-11-01 11:00", "paid", text],
        ["O3", "tmall", "2026-11-01 12:00", "paid", "999999999999"],
    ])
    report = import_folder(workspace, folder)
    (f,) = report.files
    assert (f.inserted, f.rejected) == (2, 1)
    (reject,) = _rejects(report)
    assert (reject["file"], reject["row"], reject["column"], reject["value"]) == (
        "orders.csv", "2", "payment_amount", text)
    assert reject["reason"] in ("not an amount of money", "amount out of range (at most 1e+12 either way)")
    got = workspace.analytics.execute("SELECT order_id, payment_amount FROM orders ORDER BY 1").fetchall()
    assert got == [("O1", 99.5), ("O3", 999999999999.0)]


def test_huge_money_from_a_typed_source_is_rejected(workspace: Workspace, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    pq.write_table(pa.table({
        "order_id": ["P1", "P2"], "channel": ["jd", "jd"],
        "order_time": ["2026-11-01 10:00", "2026-11-01 11:00"], "status": ["paid", "paid"],
        "payment_amount": pa.array([1e308, 12.0], pa.float64()),
    }), folder / "orders.parquet")
    report = import_folder(workspace, folder)
    (reject,) = _rejects(report)
    assert (reject["row"], reject["column"]) == ("1", "payment_amount")
    assert reject["reason"] == "amount out of range (at most 1e+12 either way)"
    assert workspace.analytics.execute("SELECT order_id FROM orders").fetchall() == [("P2",)]
