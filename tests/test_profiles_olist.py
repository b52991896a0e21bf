"""Olist's nine CSVs in both layouts (real files in ../shared/datasets), checked against the raw CSVs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.report import ImportReport
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace

LAYOUTS = ["olist_brazilian_ecommerce_sample", "olist_first5000_orders_reformatted"]


def raw(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module", params=LAYOUTS)
def olist(
    request: pytest.FixtureRequest, datasets: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Workspace, ImportReport]]:
    folder = datasets / request.param
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    ws = Workspace.init(tmp_path_factory.mktemp("olist") / "ws")
    report = import_folder(ws, folder)
    yield folder, ws, report
    ws.close()


def one(ws: Workspace, sql: str) -> tuple:  # type: ignore[type-arg]
    row = ws.analytics.execute(sql).fetchone()
    assert row is not None
    return row


def test_every_olist_file_is_claimed_by_the_profile(olist: tuple[Path, Workspace, ImportReport]) -> None:
    folder, _, report = olist
    csvs = {p.name for p in folder.glob("*.csv")}
    named = " | ".join(f.file for f in report.files if f.profile == "olist")
    assert all(name in named for name in csvs)


def test_orders_and_payments_match_raw_files(olist: tuple[Path, Workspace, ImportReport]) -> None:
    folder, ws, report = olist
    orders, pay = raw(folder, "olist_orders_dataset"), raw(folder, "olist_order_payments_dataset")
    paid = pd.to_numeric(pay["payment_value"]).groupby(pay["order_id"]).sum()
    unpaid = ~orders["order_id"].isin(pay["order_id"])
    n, total = one(ws, "SELECT count(*), sum(payment_amount) FROM orders")
    assert n == len(orders) - unpaid.sum()
    assert round(total, 2) == round(paid.sum(), 2)
    # the orders without payment rows are the rejects of the orders table, for that reason
    tables = report.table_totals()
    assert tables["orders"]["rejected"] == unpaid.sum()
    if unpaid.any():
        rejects = pd.read_csv(report.rejects_path, dtype=str)
        assert set(rejects.loc[rejects["column"] == "payment_amount", "reason"]) == {
            "required value is empty"
        }


def test_order_lines_carry_prices_and_seller(olist: tuple[Path, Workspace, ImportReport]) -> None:
    folder, ws, _ = olist
    items = raw(folder, "olist_order_items_dataset")
    n, total, freight = one(
        ws, "SELECT count(*), sum(amount), sum(CAST(extras->>'freight_value' AS DOUBLE)) FROM order_lines"
    )
    assert n == len(items)
    assert round(total, 2) == round(pd.to_numeric(items["price"]).sum(), 2)
    assert round(freight, 2) == round(pd.to_numeric(items["freight_value"]).sum(), 2)
    (with_seller,) = one(ws, "SELECT count(*) FROM order_lines WHERE extras->>'seller_state' <> ''")
    assert with_seller == len(items)


def test_delivery_estimate_and_actual_delivery_are_kept(olist: tuple[Path, Workspace, ImportReport]) -> None:
    folder, ws, _ = olist
    orders = raw(folder, "olist_orders_dataset")
    delivered = orders[orders["order_delivered_customer_date"] != ""]
    (n,) = one(ws, "SELECT count(*) FROM orders WHERE delivered_time IS NOT NULL")
    assert n == len(delivered)
    (late,) = one(ws, "SELECT count(*) FROM orders WHERE delivered_time > promised_delivery_time")
    got = pd.to_datetime(delivered["order_delivered_customer_date"], format="mixed")
    promised = pd.to_datetime(delivered["order_estimated_delivery_date"], format="mixed")
    assert late == (got > promised).sum()


def test_reviews_without_a_product_are_the_only_rejects(olist: tuple[Path, Workspace, ImportReport]) -> None:
    folder, ws, report = olist
    reviews, items = raw(folder, "olist_order_reviews_dataset"), raw(folder, "olist_order_items_dataset")
    has_items = reviews["order_id"].isin(items["order_id"])
    key = "review_id" if "review_id" in reviews else "review_pk"
    (n,) = one(ws, "SELECT count(*) FROM reviews")
    assert n == reviews.loc[has_items, key].nunique()
    assert report.table_totals()["reviews"]["rejected"] == (~has_items).sum()
    (avg,) = one(ws, "SELECT avg(rating) FROM reviews")
    kept = reviews[has_items].drop_duplicates(key, keep="last")
    assert abs(avg - pd.to_numeric(kept["review_score"]).mean()) < 1e-9


def test_products_have_english_categories_and_catalogue_facts(
    olist: tuple[Path, Workspace, ImportReport],
) -> None:
    folder, ws, _ = olist
    products = raw(folder, "olist_products_dataset")
    (n, english, photos) = one(
        ws,
        "SELECT count(*), count(*) FILTER (WHERE category = 'health_beauty'), "
        "sum(CAST(attributes->>'photos' AS INTEGER)) FROM products",
    )
    assert n == len(products)
    assert english == (products["product_category_name"] == "beleza_saude").sum() > 0
    assert photos == pd.to_numeric(products["product_photos_qty"]).sum()
