"""Import: file formats, encodings, delimiters, file names and headers (DATA.md general rules)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecomops.ingest.encoding import detect_encoding
from ecomops.ingest.reader import read_raw
from ecomops.ingest.service import import_folder
from ecomops.store.schema import PRODUCTS, TABLES
from ecomops.workspace import Workspace
from ingest_samples import write_csv, write_table_csv

PRODUCT_HEADERS = ["sku", "title", "category", "price"]
PRODUCT_ROWS = [
    ["SKU-1", "纯棉T恤 白色", "服装 > 上衣", "￥1,299.00"],
    ["SKU-2", "牛仔裤", "服装 > 裤装", "89.5"],
]


def _rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.analytics.execute(sql).fetchall()


def _products(ws: Workspace) -> list[tuple[object, ...]]:
    return _rows(ws, "SELECT sku, title, category, price FROM products ORDER BY sku")


EXPECTED_PRODUCTS = [
    ("SKU-1", "纯棉T恤 白色", "服装 > 上衣", 1299.0),
    ("SKU-2", "牛仔裤", "服装 > 裤装", 89.5),
]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "suffix", "detected"),
    [
        ("utf-8", ",", ".csv", "utf-8"),
        ("utf-8-sig", ",", ".csv", "utf-8-sig"),
        ("gb18030", ",", ".csv", "gb18030"),
        ("gbk", ";", ".csv", "gb18030"),
        ("utf-16", "\t", ".txt", "utf-16"),
        ("utf-8", "\t", ".tsv", "utf-8"),
    ],
)
def test_csv_imports_in_every_supported_encoding(
    workspace: Workspace, tmp_path: Path, encoding: str, delimiter: str, suffix: str, detected: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_csv(folder / f"products{suffix}", PRODUCT_HEADERS, PRODUCT_ROWS,
                     encoding=encoding, delimiter=delimiter)
    assert detect_encoding(path) == detected
    report = import_folder(workspace, folder)
    assert report.ok, report.to_dict()
    assert report.files[0].inserted == 2
    assert _products(workspace) == EXPECTED_PRODUCTS


def test_short_gbk_file_is_not_taken_for_korean(tmp_path: Path) -> None:
    # STACK.md: charset-normalizer alone calls a two-line GBK file cp949.
    path = write_csv(tmp_path / "p.csv", ["商家编码", "商品标题"], [["A1", "连衣裙"]], encoding="gbk")
    assert detect_encoding(path) == "gb18030"
    headers, data = read_raw(path)
    assert headers == ["商家编码", "商品标题"]
    assert data.column("商品标题").to_pylist() == ["连衣裙"]


def test_gbk_text_after_a_long_ascii_start_is_still_detected(workspace: Workspace, tmp_path: Path) -> None:
    rows = [[f"SKU-{i:06d}", "plain title", "misc", "1"] for i in range(40_000)]
    rows.append(["SKU-LAST", "最后一件商品", "服装", "9"])
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_csv(folder / "products.csv", PRODUCT_HEADERS, rows, encoding="gbk")
    assert path.stat().st_size > 1 << 20
    report = import_folder(workspace, folder)
    assert report.files[0].inserted == 40_001
    assert _rows(workspace, "SELECT title FROM products WHERE sku = 'SKU-LAST'") == [("最后一件商品",)]


def test_xlsx_imports_with_typed_cells(workspace: Workspace, tmp_path: Path) -> None:
    import xlsxwriter

    folder = tmp_path / "in"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "订单.xlsx"))
    sheet = book.add_worksheet("导出")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    headers = ["订单号", "渠道", "下单时间", "订单状态", "实付金额"]
    for c, h in enumerate(headers):
        sheet.write(0, c, h)
    sheet.write_number(1, 0, 1001)
    sheet.write(1, 1, "tmall")
    sheet.write_datetime(1, 2, dt.datetime(2026, 11, 11, 0, 5, 7), date_fmt)
    sheet.write(1, 3, "已付款")
    sheet.write_number(1, 4, 1299.5)
    sheet.write(2, 0, "1002")
    sheet.write(2, 1, "jd")
    sheet.write(2, 2, "2026/11/12 08:30")
    sheet.write(2, 3, "交易成功")
    sheet.write(2, 4, "¥88")
    book.close()
    report = import_folder(workspace, folder)
    assert report.files[0].table == "orders"
    assert report.files[0].inserted == 2
    assert _rows(workspace, "SELECT order_id, order_time, status, payment_amount FROM orders "
                            "ORDER BY order_id") == [
        ("1001", dt.datetime(2026, 11, 11, 0, 5, 7), "paid", 1299.5),
        ("1002", dt.datetime(2026, 11, 12, 8, 30), "delivered", 88.0),
    ]


def test_parquet_imports_typed_and_text_columns(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    utc = dt.UTC
    pq.write_table(pa.table({
        "Order ID": ["P1", "P2"],
        "channel": ["shopify", "shopify"],
        "order_time": pa.array([dt.datetime(2026, 11, 1, 2, 0, tzinfo=utc),
                                dt.datetime(2026, 11, 1, 20, 0, tzinfo=utc)], pa.timestamp("us", "UTC")),
        "status": ["Paid", "SHIPPED"],
        "payment_amount": pa.array([12.5, 30.0], pa.float64()),
        "discount_amount": ["$1.00", None],
        "utm_campaign": ["bf", "cm"],
    }), folder / "orders.parquet")
    report = import_folder(workspace, folder)
    assert report.files[0].inserted == 2, report.to_dict()
    # Timestamps with a zone land in the store's zone (Asia/Shanghai, UTC+8).
    assert _rows(workspace, "SELECT order_id, order_time, status, payment_amount, discount_amount, "
                            "extras->>'utm_campaign' FROM orders ORDER BY order_id") == [
        ("P1", dt.datetime(2026, 11, 1, 10, 0), "paid", 12.5, 1.0, "bf"),
        ("P2", dt.datetime(2026, 11, 2, 4, 0), "shipped", 30.0, None, "cm"),
    ]


def test_chinese_file_names_and_headers_map_to_tables(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "订单明细.csv", ["订单号", "商家编码", "数量", "单价"], [["O1", "S1", "2", "10"]])
    write_csv(folder / "商品_2026-11.csv", ["商家编码", "商品标题", "类目", "售价（元）"],
              [["S1", "杯子", "家居", "25"]])
    write_csv(folder / "评价.csv", ["评价ID", "商家编码", "评分", "评价时间", "评价内容"],
              [["R1", "S1", "5", "2026-11-01 12:00", "很好"]])
    report = import_folder(workspace, folder)
    assert {f.file: f.table for f in report.files} == {
        "订单明细.csv": "order_lines", "商品_2026-11.csv": "products", "评价.csv": "reviews",
    }
    assert all(f.inserted == 1 for f in report.files), report.to_dict()
    assert _rows(workspace, "SELECT price FROM products") == [(25.0,)]


def test_messy_headers_match_contract_columns(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    headers = ["\ufeffSKU ", "Product-ID", " Title", "CATEGORY", "Price (¥)", "Lead_Time Days", "MOQ"]
    write_csv(folder / "Products.CSV", headers, [["A", "P-1", "Mug", "Home", "12", "7", "100"]])
    report = import_folder(workspace, folder)
    assert report.files[0].inserted == 1, report.to_dict()
    assert _rows(workspace, "SELECT sku, product_id, title, category, price, lead_time_days, moq, extras "
                            "FROM products") == [("A", "P-1", "Mug", "Home", 12.0, 7, 100, None)]


def test_file_named_otherwise_is_recognised_by_its_headers(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "export_20261124.csv", ["日期", "渠道", "流量来源", "访客数", "浏览量"],
              [["2026-11-24", "tmall", "搜索", "120", "300"]])
    report = import_folder(workspace, folder)
    assert report.files[0].table == "traffic"
    assert report.files[0].profile == "template"
    assert _rows(workspace, "SELECT date, source, sku, visitors FROM traffic") == [
        (dt.date(2026, 11, 24), "search", "", 120)
    ]


def test_unrecognised_file_names_the_closest_table_and_what_it_lacks(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "stuff.csv", ["sku", "warehouse", "qty"], [["A", "main", "3"]])
    report = import_folder(workspace, folder)
    assert not report.ok
    (f,) = report.files
    assert f.status == "refused"
    assert "stuff.csv was not recognised" in f.messages[0]
    assert "inventory" in f.messages[0]
    assert "on_hand" in f.messages[0]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_contract_table_imports_from_its_template(
    workspace: Workspace, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    table = TABLES[name]
    write_table_csv(folder / f"{name}.csv", table, 5)
    report = import_folder(workspace, folder)
    assert report.files[0].inserted == 5, report.to_dict()
    assert report.total_rejected == 0
    assert _rows(workspace, f'SELECT count(*) FROM "{name}"') == [(5,)]


def test_products_template_keeps_every_column_value(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (row,) = write_table_csv(folder / "products.csv", PRODUCTS, 1)
    import_folder(workspace, folder)
    stored = _rows(workspace, "SELECT sku, title, selling_points, status, launch_date, moq FROM products")
    assert stored == [(row["sku"], row["title"], row["selling_points"], row["status"],
                       dt.date.fromisoformat(row["launch_date"]), int(row["moq"]))]
