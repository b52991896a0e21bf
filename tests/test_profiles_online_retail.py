"""UCI Online Retail and CDNOW (real files in ../shared/datasets), checked against the raw files."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.report import ImportReport
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace


def retail_csv(datasets: Path, tmp_path: Path, rows: int | None) -> Path:
    """The gzipped data set unpacked into the test's temporary folder (the importer reads .csv,
    not .csv.gz), whole or its first ``rows`` rows."""
    src = datasets / "uci_online_retail" / "online_retail.csv.gz"
    if not src.is_file():
        pytest.skip(f"{src} is absent")
    out = tmp_path / "retail" / "online_retail.csv"
    out.parent.mkdir()
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fin, out.open("w", encoding="utf-8") as fout:
        if rows is None:
            shutil.copyfileobj(fin, fout)
        else:
            for i, line in enumerate(fin):
                if i > rows:
                    break
                fout.write(line)
    return out


def check_retail(ws: Workspace, report: ImportReport, path: Path) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    qty, price = pd.to_numeric(df["Quantity"]), pd.to_numeric(df["UnitPrice"])
    credit = df["InvoiceNo"].str.startswith("C")
    sale = ~credit & (qty > 0)
    (result,) = report.files
    assert result.profile == "online_retail"
    con = ws.analytics
    n, total = con.execute("SELECT count(*), sum(payment_amount) FROM orders").fetchone()
    assert n == df.loc[sale, "InvoiceNo"].nunique()
    assert round(total, 2) == round((qty * price)[sale].sum(), 2)
    lines, amount, units = con.execute(
        "SELECT count(*), sum(amount), sum(quantity) FROM order_lines"
    ).fetchone()
    assert (lines, units) == (sale.sum(), qty[sale].sum())
    assert round(amount, 2) == round((qty * price)[sale].sum(), 2)
    cases, refunds = con.execute("SELECT count(*), sum(refund_amount) FROM returns").fetchone()
    assert cases == credit.sum()
    assert round(refunds, 2) == round(-(qty * price)[credit].sum(), 2)
    # sales less credit notes = the published sum of Quantity × UnitPrice
    assert round(amount - refunds, 2) == round((qty * price).sum(), 2)
    totals = report.table_totals()
    # stock adjustments (zero or negative quantity on an ordinary invoice) are the rejected lines
    assert totals["order_lines"]["rejected"] == (~credit & (qty <= 0)).sum()
    (products,) = con.execute("SELECT count(*) FROM products").fetchone()
    assert products + totals["products"]["rejected"] == df["StockCode"].nunique()


def test_first_rows_of_online_retail_import_with_returns(
    datasets: Path, tmp_path: Path, workspace: Workspace
) -> None:
    path = retail_csv(datasets, tmp_path, rows=30_000)
    report = import_folder(workspace, path.parent)
    check_retail(workspace, report, path)


@pytest.mark.slow
def test_whole_online_retail_matches_published_totals(
    datasets: Path, tmp_path: Path, workspace: Workspace
) -> None:
    path = retail_csv(datasets, tmp_path, rows=None)
    report = import_folder(workspace, path.parent)
    check_retail(workspace, report, path)
    (n,) = workspace.analytics.execute("SELECT count(*) FROM returns").fetchone()
    assert n == 9288


def test_cdnow_purchases_become_orders(datasets: Path, workspace: Workspace) -> None:
    path = datasets / "cdnow_transactions" / "CDNOW_master.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    df = pd.read_csv(path, sep=r"\s+", dtype=str)
    report = import_folder(workspace, path)
    assert [f.profile for f in report.files] == ["cdnow"]
    n, total, customers = workspace.analytics.execute(
        "SELECT count(*), sum(payment_amount), count(DISTINCT customer_id) FROM orders"
    ).fetchone()
    assert n == len(df) == 69659
    assert round(total, 2) == round(pd.to_numeric(df["dollar_value"]).sum(), 2) == 2500315.63
    assert customers == df["customer_id"].nunique()
