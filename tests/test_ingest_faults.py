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


def _products(folder: Path, body: str | bytes) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "products.csv"
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return folder


def test_a_stray_quote_rejects_its_row_only(workspace: Workspace, tmp_path: Path) -> None:
    body = ('sku,title,category,price\n'
            'A1,good one,c,1\n'
            'A2,"quoted, with comma",c,2\n'
            'A3,"never closed,c,3\n'
            'A4,"two\nlines",c,4\n'
            'A5,fine,c,5\n')
    report = import_folder(workspace, _products(tmp_path / "in", body))
    (f,) = report.files
    assert (f.status, f.inserted, f.rejected) == ("imported", 4, 1), f.messages
    (reject,) = _rejects(report)
    assert (reject["file"], reject["row"]) == ("products.csv", "3")
    assert reject["reason"] == 'a quote (") opened in this row is never closed'
    assert reject["value"] == 'A3,"never closed,c,3'
    rows = workspace.analytics.execute("SELECT sku, title FROM products ORDER BY sku").fetchall()
    assert rows == [("A1", "good one"), ("A2", "quoted, with comma"), ("A4", "two\nlines"),
                    ("A5", "fine")]


def test_a_huge_field_rejects_its_row_only(workspace: Workspace, tmp_path: Path) -> None:
    huge = "x" * 3_000_000  # over DuckDB's 2 MB line limit (the tester's was 200 MB)
    body = f"sku,title,category,price\nA1,good,c,1\nA2,{huge},c,2\nA3,fine,c,3\n"
    report = import_folder(workspace, _products(tmp_path / "in", body))
    (f,) = report.files
    assert (f.status, f.inserted, f.rejected) == ("imported", 2, 1), f.messages
    (reject,) = _rejects(report)
    assert reject["row"] == "2"
    assert reject["reason"] == "the row is 3.0 MB long, more than the 2.0 MB a row may have"
    assert len(reject["value"]) <= 121  # a preview, not the 3 MB
    rows = workspace.analytics.execute("SELECT sku FROM products ORDER BY sku").fetchall()
    assert rows == [("A1",), ("A3",)]


def test_a_broken_gbk_file_is_repaired_after_transcoding(workspace: Workspace, tmp_path: Path) -> None:
    body = 'sku,title,category,price\nA1,连衣裙,女装,1\nA2,"没有结束,女装,2\nA3,衬衫,女装,3\n'
    report = import_folder(workspace, _products(tmp_path / "in", body.encode("gb18030")))
    (f,) = report.files
    assert (f.inserted, f.rejected) == (2, 1), f.messages
    assert workspace.analytics.execute("SELECT title FROM products ORDER BY sku").fetchall() == [
        ("连衣裙",), ("衬衫",)]


def test_reader_errors_never_show_server_paths(tmp_path: Path) -> None:
    import duckdb

    from ecomops.ingest.reader import user_error

    folder = tmp_path / "uploads" / "9f2c"
    folder.mkdir(parents=True)
    path = folder / "orders.csv"
    path.write_text("a\n1\n")
    exc = duckdb.InvalidInputException(
        f'Error when sniffing file "{path}".\nIt was not possible to detect the CSV dialect')
    text = user_error(exc, path)
    assert str(tmp_path) not in text
    assert text == 'Error when sniffing file "orders.csv". It was not possible to detect the CSV dialect'
    other = duckdb.IOException(f"Could not read {tmp_path / 'cache' / 'x.clean.csv'}")
    (tmp_path / "cache").mkdir()
    assert str(tmp_path) not in user_error(other, path)
