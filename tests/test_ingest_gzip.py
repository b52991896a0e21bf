"""Import: gzip-compressed text files (``orders.csv.gz``) read like their uncompressed selves."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

from ecomops.ingest.encoding import detect_encoding
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace


def _head(src: Path, lines: int) -> bytes:
    with src.open("rb") as f:
        return b"".join(itertools.islice(f, lines + 1))


def test_gzipped_demo_files_import_the_same_rows_as_plain_ones(
    demo_dir: Path, workspace: Workspace, tmp_path: Path,
) -> None:
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    plain.mkdir()
    packed.mkdir()
    for name in ("products", "orders", "order_lines"):
        data = _head(demo_dir / f"{name}.csv", 3000)
        (plain / f"{name}.csv").write_bytes(data)
        (packed / f"{name}.csv.gz").write_bytes(gzip.compress(data))
    report = import_folder(workspace, packed)
    assert report.ok, report.to_dict()
    assert sorted(f.file for f in report.files) == ["order_lines.csv.gz", "orders.csv.gz", "products.csv.gz"]
    assert report.total_rejected == 0
    con = workspace.analytics
    packed_rows = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                   for t in ("products", "orders", "order_lines")}
    other = Workspace.init(tmp_path / "ws2")
    try:
        assert import_folder(other, plain).ok
        for table, rows in packed_rows.items():
            assert len(rows) >= 200, table
            assert other.analytics.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == rows, table
    finally:
        other.close()


def test_gzipped_gbk_file_is_detected_and_imported(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = "sku,商品标题,类目,售价\r\nSKU-1,纯棉T恤 白色,女装,\"1,299.00\"\r\nSKU-2,牛仔裤,男装,89.5\r\n"
    path = folder / "商品.csv.gz"
    path.write_bytes(gzip.compress(text.encode("gbk")))
    assert detect_encoding(path) == "gb18030"
    report = import_folder(workspace, folder)
    assert report.ok, report.to_dict()
    rows = workspace.analytics.execute(
        "SELECT sku, title, category, price FROM products ORDER BY sku").fetchall()
    assert rows == [("SKU-1", "纯棉T恤 白色", "女装", 1299.0), ("SKU-2", "牛仔裤", "男装", 89.5)]


def test_damaged_gzip_file_is_reported_and_the_others_still_import(
    workspace: Workspace, tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "orders.csv.gz").write_bytes(gzip.compress(b"order_id,channel\n")[:12] + b"not gzip at all")
    (folder / "products.csv").write_text("sku,title,category,price\nSKU-1,T恤,女装,59\n", encoding="utf-8")
    report = import_folder(workspace, folder)
    by_file = {f.file: f for f in report.files}
    assert by_file["products.csv"].inserted == 1
    damaged = by_file["orders.csv.gz"]
    assert damaged.status != "imported"
    assert any("orders.csv.gz" in m for m in damaged.messages), damaged.messages
    assert workspace.analytics.execute("SELECT count(*) FROM products").fetchone() == (1,)


def test_compressed_workbooks_and_other_archives_are_skipped(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "products.xlsx.gz").write_bytes(gzip.compress(b"x"))
    (folder / "products.zip").write_bytes(b"PK")
    report = import_folder(workspace, folder)
    statuses = {f.file: f.status for f in report.files}
    assert statuses == {"products.xlsx.gz": "skipped", "products.zip": "skipped"}
