"""Import: value rules (types, money and date quirks, enums, ranges, defaults), rejects and extras."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from ecomops.ingest.report import ImportReport
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace
from ingest_samples import write_csv

ORDER_HEADERS = ["order_id", "channel", "order_time", "status", "payment_amount", "paid_time",
                 "traffic_source"]


def _import(ws: Workspace, folder: Path, files: dict[str, tuple[list[str], list[list[str]]]]) -> ImportReport:
    folder.mkdir(exist_ok=True)
    for name, (headers, rows) in files.items():
        write_csv(folder / name, headers, rows)
    return import_folder(ws, folder)


def _rejects(report: ImportReport) -> list[dict[str, str]]:
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


MONEY_CASES = [
    ("¥1,299.00", 1299.0), ("￥88", 88.0), ("$ 20.5", 20.5), ("€12", 12.0), ("£7", 7.0),
    ("₹ 1,00,000", 100000.0), ("Rs. 500", 500.0), ("RMB 30", 30.0), ("30元", 30.0),
    ("１２０．５", 120.5), ("  15 ", 15.0),
]


def test_money_accepts_symbols_separators_and_full_width_digits(workspace: Workspace, tmp_path: Path) -> None:
    rows = [[f"O{i}", "tmall", "2026-11-01 10:00", "paid", text, "", ""]
            for i, (text, _) in enumerate(MONEY_CASES)]
    report = _import(workspace, tmp_path / "in", {"orders.csv": (ORDER_HEADERS, rows)})
    assert report.total_rejected == 0, _rejects(report)
    got = dict(workspace.analytics.execute("SELECT order_id, payment_amount FROM orders").fetchall())
    assert got == {f"O{i}": value for i, (_, value) in enumerate(MONEY_CASES)}


@pytest.mark.parametrize("text", ["abc", "3,50", "1,2,3", "NaN", "12.3.4", "(5.00)"])
def test_money_that_is_not_an_amount_is_rejected(workspace: Workspace, tmp_path: Path, text: str) -> None:
    rows = [["O1", "tmall", "2026-11-01", "paid", text, "", ""]]
    report = _import(workspace, tmp_path / "in", {"orders.csv": (ORDER_HEADERS, rows)})
    (reject,) = _rejects(report)
    assert reject["column"] == "payment_amount"
    assert reject["value"] == text
    assert reject["reason"] == "not an amount of money"


DATETIME_CASES = [
    ("2026-11-01 10:05:09", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026-11-01 10:05", dt.datetime(2026, 11, 1, 10, 5)),
    ("2026-11-01T10:05", dt.datetime(2026, 11, 1, 10, 5)),
    ("2026-11-01T10:05:09", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026/11/01 10:05", dt.datetime(2026, 11, 1, 10, 5)),
    ("2026.11.01 10:05:09", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("20261101 10:05:09", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026-11-01", dt.datetime(2026, 11, 1)),
    # With an offset: converted to the store's zone (Asia/Shanghai, UTC+8).
    ("2026-11-01T02:05:09Z", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026-11-01 02:05:09+00:00", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026-10-31T21:05:09-05:00", dt.datetime(2026, 11, 1, 10, 5, 9)),
    ("2026-11-01T10:05:09+0800", dt.datetime(2026, 11, 1, 10, 5, 9)),
]


def test_datetimes_in_shop_formats_and_offsets_land_in_store_time(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [[f"O{i}", "jd", text, "paid", "1", text, ""] for i, (text, _) in enumerate(DATETIME_CASES)]
    report = _import(workspace, tmp_path / "in", {"orders.csv": (ORDER_HEADERS, rows)})
    assert report.total_rejected == 0, _rejects(report)
    got = {k: (a, b) for k, a, b in workspace.analytics.execute(
        "SELECT order_id, order_time, paid_time FROM orders").fetchall()}
    assert got == {f"O{i}": (v, v) for i, (_, v) in enumerate(DATETIME_CASES)}


def test_dates_accept_slashes_dots_and_compact_form(workspace: Workspace, tmp_path: Path) -> None:
    texts = ["2026-11-24", "2026/11/24", "2026.11.24", "20261124", "2026/1/5"]
    rows = [[t, "tmall", "search", f"SKU{i}", "10"] for i, t in enumerate(texts)]
    report = _import(workspace, tmp_path / "in",
                     {"traffic.csv": (["date", "channel", "source", "sku", "visitors"], rows)})
    assert report.total_rejected == 0, _rejects(report)
    got = dict(workspace.analytics.execute("SELECT sku, date FROM traffic").fetchall())
    assert got == {"SKU0": dt.date(2026, 11, 24), "SKU1": dt.date(2026, 11, 24),
                   "SKU2": dt.date(2026, 11, 24), "SKU3": dt.date(2026, 11, 24),
                   "SKU4": dt.date(2026, 1, 5)}


def test_ambiguous_or_impossible_dates_are_rejected(workspace: Workspace, tmp_path: Path) -> None:
    rows = [[t, "tmall", "search", f"SKU{i}", "10"]
            for i, t in enumerate(["24/11/2026", "2026-13-01", "2026-02-30", "yesterday"])]
    report = _import(workspace, tmp_path / "in",
                     {"traffic.csv": (["date", "channel", "source", "sku", "visitors"], rows)})
    assert [(r["row"], r["column"], r["reason"]) for r in _rejects(report)] == [
        (str(i), "date", "not a date (expected YYYY-MM-DD)") for i in range(1, 5)
    ]


def test_enums_accept_case_and_chinese_shop_terms(workspace: Workspace, tmp_path: Path) -> None:
    statuses = [("已付款", "paid"), ("已发货", "shipped"), ("交易成功", "delivered"),
                ("已签收", "delivered"), ("交易关闭", "closed"), ("已取消", "cancelled"),
                ("PAID", "paid"), ("Cancelled", "cancelled"), ("canceled", "cancelled")]
    sources = ["搜索", "推荐", "Ads", "social", "直接访问", "其他", "SEARCH", "recommendation", ""]
    rows = [[f"O{i}", "tmall", "2026-11-01", s, "1", "", src]
            for i, ((s, _), src) in enumerate(zip(statuses, sources, strict=True))]
    returns = [["C1", "O1", "仅退款", "退款成功", "2026-11-02"],
               ["C2", "O1", "退货退款", "待买家退货", "2026-11-02"],
               ["C3", "O1", "换货", "Exchanged", "2026-11-02"]]
    listings = [["tmall", "S1", "3", "在线"], ["jd", "S1", "0", "上架"], ["douyin", "S1", "0", "下架"]]
    report = _import(workspace, tmp_path / "in", {
        "orders.csv": (ORDER_HEADERS, rows),
        "returns.csv": (["case_id", "order_id", "type", "status", "requested_at"], returns),
        "channel_listings.csv": (["channel", "sku", "listed_stock", "status"], listings),
    })
    assert report.total_rejected == 0
    con = workspace.analytics
    got = con.execute("SELECT order_id, status, traffic_source FROM orders").fetchall()
    expected_sources = ["search", "recommendation", "ads", "social", "direct", "other", "search",
                        "recommendation", None]
    assert sorted(got) == sorted(
        (f"O{i}", s, src) for i, ((_, s), src) in enumerate(zip(statuses, expected_sources, strict=True))
    )
    assert con.execute("SELECT type, status FROM returns ORDER BY case_id").fetchall() == [
        ("refund_only", "refunded"), ("return_refund", "awaiting_return"), ("exchange", "exchanged")]
    assert con.execute("SELECT status FROM channel_listings ORDER BY channel").fetchall() == [
        ("offline",), ("online",), ("online",)]


def test_rejects_name_file_row_column_value_and_reason(workspace: Workspace, tmp_path: Path) -> None:
    reviews = [
        ["R1", "S1", "5", "2026-11-01 10:00"],
        ["R2", "S1", "6", "2026-11-01 10:00"],        # row 2: rating out of range
        ["R3", "", "4", "2026-11-01 10:00"],          # row 3: required sku empty
        ["R4", "S2", "4.5", "2026-11-01 10:00"],      # row 4: not whole
        ["R5", "S2", "0", "soon"],                    # row 5: two bad values
        ["R6", "S3", "3.0", "2026-11-02"],
    ]
    report = _import(workspace, tmp_path / "in",
                     {"reviews.csv": (["review_id", "sku", "rating", "created_at"], reviews)})
    (f,) = report.files
    assert (f.read, f.inserted, f.rejected) == (6, 2, 4)
    assert report.total_rejected == 4
    assert report.rejects_path == workspace.rejects_dir / f"{report.import_id}.csv"
    assert _rejects(report) == [
        {"file": "reviews.csv", "row": "2", "column": "rating", "value": "6", "reason": "must be at most 5"},
        {"file": "reviews.csv", "row": "3", "column": "sku", "value": "",
         "reason": "required value is empty"},
        {"file": "reviews.csv", "row": "4", "column": "rating", "value": "4.5",
         "reason": "not a whole number"},
        {"file": "reviews.csv", "row": "5", "column": "rating", "value": "0", "reason": "must be at least 1"},
        {"file": "reviews.csv", "row": "5", "column": "created_at", "value": "soon",
         "reason": "not a date and time (expected YYYY-MM-DD HH:MM[:SS])"},
    ]
    assert any("row 1 = the first row under the header" in m for m in f.messages)
    stored = workspace.analytics.execute("SELECT review_id, rating FROM reviews ORDER BY 1").fetchall()
    assert stored == [("R1", 5), ("R6", 3)]


def test_reject_rows_count_records_not_lines(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "messages.csv").write_text(
        "message_id,customer_id,created_at,text\n"
        'M1,C1,2026-11-01 10:00,"第一行\n第二行"\n'
        "M2,C1,2026-11-01 10:01,too,many,fields\n"
        "M3,C1,never,hello\n"
        "M4,C1,2026-11-01 10:03,ok\n",
        encoding="utf-8",
    )
    report = import_folder(workspace, folder)
    (f,) = report.files
    assert (f.read, f.inserted, f.rejected) == (4, 2, 2)
    rejects = _rejects(report)
    assert [(r["row"], r["column"]) for r in rejects if r["column"] == "created_at"] == [("3", "created_at")]
    assert any(r["value"].startswith("M2,") and "could not be read" in r["reason"] for r in rejects)
    stored = workspace.analytics.execute("SELECT message_id, text, direction FROM messages ORDER BY 1")
    assert stored.fetchall() == [("M1", "第一行\n第二行", "in"), ("M4", "ok", "in")]


def test_order_line_defaults_number_lines_in_file_order_and_compute_amount(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines = [["B", "S1", "1", "10"], ["A", "S2", "2", "2.5"], ["B", "S3", "3", "1.1"], ["A", "S1", "1", "9"]]
    headers = ["order_id", "sku", "quantity", "unit_price"]
    _import(workspace, tmp_path / "in", {"order_lines.csv": (headers, lines)})
    got = workspace.analytics.execute(
        "SELECT order_id, line_no, sku, amount FROM order_lines ORDER BY order_id, line_no").fetchall()
    assert got == [("A", 1, "S2", 5.0), ("A", 2, "S1", 9.0), ("B", 1, "S1", 10.0), ("B", 2, "S3", 3.3)]


def test_key_defaults_are_stored_not_null(workspace: Workspace, tmp_path: Path) -> None:
    report = _import(workspace, tmp_path / "in", {
        "traffic.csv": (["date", "channel", "source", "visitors"], [["2026-11-01", "jd", "ads", "5"]]),
        "inventory.csv": (["date", "sku", "on_hand"], [["2026-11-01", "S1", "7"]]),
        "ads.csv": (["date", "channel", "ad_type", "campaign", "ad_group", "impressions", "clicks", "cost"],
                    [["2026-11-01", "jd", "搜索", "C", "G", "100", "3", "¥4.50"]]),
        "products.csv": (["sku", "title", "category", "price"], [["S1", "T", "C", "1"]]),
    })
    assert report.total_rejected == 0
    con = workspace.analytics
    assert con.execute("SELECT sku FROM traffic").fetchall() == [("",)]
    assert con.execute("SELECT warehouse FROM inventory").fetchall() == [("main",)]
    assert con.execute("SELECT ad_type, keyword, match_type, search_term, cost FROM ads").fetchall() == [
        ("search", "", "", "", 4.5)]
    assert con.execute("SELECT status FROM products").fetchall() == [("on_sale",)]


def test_unknown_columns_are_kept_in_extras(workspace: Workspace, tmp_path: Path) -> None:
    headers = ["sku", "title", "category", "price", "颜色", "Weight (kg)"]
    rows = [["S1", "T", "C", "1", "红", "0.5"], ["S2", "T2", "C", "2", "", "1"]]
    report = _import(workspace, tmp_path / "in", {"products.csv": (headers, rows)})
    assert any("颜色" in m and "Weight (kg)" in m for m in report.files[0].messages)
    got = workspace.analytics.execute("SELECT sku, extras FROM products ORDER BY sku").fetchall()
    assert [(sku, json.loads(x)) for sku, x in got] == [
        ("S1", {"颜色": "红", "Weight (kg)": "0.5"}),
        ("S2", {"颜色": None, "Weight (kg)": "1"}),
    ]


def test_text_values_round_trip_through_csv(workspace: Workspace, tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from ecomops.ingest.rules import TRIM_CHARS

    cell = st.text(
        st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(',";|\t\n 　')),
        max_size=12,
    )
    folder = tmp_path / "rt"
    folder.mkdir()

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(cell, min_size=1, max_size=6))
    def check(texts: list[str]) -> None:
        rows = [[f"M{i}", "C1", "2026-11-01 10:00", text] for i, text in enumerate(texts)]
        write_csv(folder / "messages.csv", ["message_id", "customer_id", "created_at", "text"], rows)
        workspace.analytics.execute("DELETE FROM messages")
        report = import_folder(workspace, folder)
        got = dict(workspace.analytics.execute("SELECT message_id, text FROM messages").fetchall())
        for i, text in enumerate(texts):
            expected = text.strip(TRIM_CHARS)
            if expected:
                assert got.get(f"M{i}") == expected, report.to_dict()
            else:
                assert f"M{i}" not in got  # text is required: an empty one is rejected

    check()
