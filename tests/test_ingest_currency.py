"""Imports never mix currencies and say when times come from another time zone (real exports)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ecomops.ingest.report import ImportReport
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings, StoreSettings
from ecomops.store.appdb import ImportRun
from ecomops.workspace import Workspace
from ingest_samples import write_csv

SHOPIFY = "shopify_orders_exports/enavant_activewear_2019_2022"
AMAZON_IN = "amazon_sponsored_products_reports/india_2020"
AMAZON_UK = "amazon_sponsored_products_reports/uk_2023"


def _ws(tmp_path: Path, **store: str) -> Workspace:
    return Workspace.init(tmp_path / "ws", Settings(store=StoreSettings(**store)))


def _codes(report: ImportReport) -> list[str]:
    return [w.code for w in report.warnings]


def _rejects(report: ImportReport) -> list[dict[str, str]]:
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_shopify_usd_export_into_a_cny_store_adds_no_usd_and_warns(
    datasets: Path, tmp_path: Path
) -> None:
    ws = _ws(tmp_path)
    try:
        report = import_folder(ws, datasets / SHOPIFY)
        assert not report.ok
        assert _codes(report) == ["currency", "timezone"]
        cur, tz = report.warnings
        assert cur.params == {"rows": 409 + 811 + 69, "tables": "orders, order_lines, returns",
                              "currency": "USD", "store": "CNY"}
        assert cur.text("en").startswith("orders_export_1.csv: 1289 row(s) (orders, order_lines, "
                                          "returns) are in USD, not in the store currency CNY")
        assert "不是店铺币种 CNY" in cur.text("zh_CN")
        assert tz.params["offsets"] == "-04:00, -05:00"
        assert tz.params["store_offset"] == "+08:00"
        assert "Asia/Shanghai" in tz.text("zh_CN")
        con = ws.analytics
        assert con.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]
        assert con.execute("SELECT count(*), sum(amount) FROM order_lines").fetchall() == [(0, None)]
        reasons = {r["reason"] for r in _rejects(report) if r["column"] == "currency"}
        assert reasons == {"amounts in USD, not in the store currency CNY"}
        with ws.app_sessions() as session:
            run = session.get(ImportRun, report.import_id)
            assert run.status == "finished"
            assert [w["code"] for w in run.warnings] == ["currency", "timezone"]
            assert set(run.warnings[0]["texts"]) == {"zh_CN", "en"}
            assert run.summary["warnings"][0]["texts"]["en"] == cur.text("en")
    finally:
        ws.close()


def test_shopify_export_into_a_usd_store_in_its_zone_imports_without_warnings(
    datasets: Path, tmp_path: Path
) -> None:
    ws = _ws(tmp_path, currency="USD", timezone="America/New_York")
    try:
        report = import_folder(ws, datasets / SHOPIFY)
        assert report.ok
        assert report.warnings == ()
        assert ws.analytics.execute("SELECT count(*) FROM orders").fetchall() == [(409,)]
    finally:
        ws.close()


def test_shopify_export_into_a_usd_store_in_shanghai_warns_about_the_time_zone_only(
    datasets: Path, tmp_path: Path
) -> None:
    ws = _ws(tmp_path, currency="usd")
    try:
        report = import_folder(ws, datasets / SHOPIFY)
        assert _codes(report) == ["timezone"]
        assert report.warnings[0].params["column"] == "order_time"
        assert ws.analytics.execute("SELECT count(*) FROM orders").fetchall() == [(409,)]
    finally:
        ws.close()


@pytest.mark.parametrize(("folder", "currency", "rows"), [(AMAZON_IN, "INR", 923 + 182),
                                                          (AMAZON_UK, "GBP", 2399)])
def test_amazon_reports_in_another_currency_are_not_added_to_the_store(
    datasets: Path, tmp_path: Path, folder: str, currency: str, rows: int
) -> None:
    ws = _ws(tmp_path)
    try:
        report = import_folder(ws, datasets / folder)
        assert ws.analytics.execute("SELECT count(*) FROM ads").fetchall() == [(0,)]
        assert sum(w.params["rows"] for w in report.warnings if w.code == "currency") == rows
        assert {w.params["currency"] for w in report.warnings} == {currency}
    finally:
        ws.close()
    ws = _ws(tmp_path / "own", currency=currency)
    try:
        report = import_folder(ws, datasets / folder)
        assert report.warnings == ()
        assert ws.analytics.execute("SELECT count(*) FROM ads").fetchall()[0][0] > 0
    finally:
        ws.close()


def test_template_currency_column_rejects_only_the_rows_in_another_currency(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    headers = ["order_id", "channel", "order_time", "status", "payment_amount", "币种"]
    write_csv(folder / "orders.csv", headers, [
        ["O1", "tmall", "2026-11-01 10:00", "paid", "100", "CNY"],
        ["O2", "shopify", "2026-11-01 11:00", "paid", "20", "USD"],
        ["O3", "jd", "2026-11-01 12:00", "paid", "50", ""],
    ])
    report = import_folder(workspace, folder)
    (f,) = report.files
    assert (f.inserted, f.rejected) == (2, 1)
    (reject,) = _rejects(report)
    assert (reject["row"], reject["column"], reject["value"]) == ("2", "currency", "USD")
    assert _codes(report) == ["currency"]
    got = workspace.analytics.execute(
        "SELECT order_id, extras->>'币种' FROM orders ORDER BY 1").fetchall()
    assert got == [("O1", "CNY"), ("O3", None)]


@pytest.mark.parametrize(("header", "imported"), [("Price (USD)", 0), ("Price (£)", 0),
                                                   ("Price (¥)", 1), ("售价（元）", 1), ("Price (CNY)", 1)])
def test_template_money_header_unit_names_the_currency(
    workspace: Workspace, tmp_path: Path, header: str, imported: int
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "products.csv", ["sku", "title", "category", header], [["S1", "t", "c", "12"]])
    report = import_folder(workspace, folder)
    assert report.files[0].inserted == imported
    assert _codes(report) == ([] if imported else ["currency"])


@pytest.mark.parametrize(("language", "expected"), [
    ("zh_CN", "orders_export_1.csv：1289 行（orders, order_lines, returns）的金额是 USD，不是店铺币种 CNY"),
    ("en", "orders_export_1.csv: 1289 row(s) (orders, order_lines, returns) are in USD, not in the "
           "store currency CNY"),
])
def test_cli_summary_warns_in_the_store_language(
    datasets: Path, tmp_path: Path, language: str, expected: str
) -> None:
    import os
    import subprocess
    import sys

    _ws(tmp_path, language=language).close()
    proc = subprocess.run(
        [sys.executable, "-m", "ecomops.cli.main", "--workspace", str(tmp_path / "ws"), "import",
         "--quiet", str(datasets / SHOPIFY)],
        capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert proc.returncode != 0  # nothing was imported
    text = " ".join(proc.stderr.split())
    assert expected in text
    assert "Traceback" not in proc.stderr
