"""Shopify order and product exports (real files in ../shared/datasets), checked against the raw CSVs."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.profiles.shopify import ShopifyOrdersProfile, ShopifyProductsProfile
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace

STORES = ["alpha_paw_pet_2023", "enavant_activewear_2019_2022"]


def orders_file(datasets: Path, store: str) -> Path:
    path = datasets / "shopify_orders_exports" / store / "orders_export_1.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@functools.cache
def converted(profile_cls: type, path: Path) -> dict[str, pd.DataFrame]:
    """A file through a profile (once per test session); tests must not change the frames."""
    return {name: t.to_pandas() for name, t in profile_cls().convert([path], Settings())}


def raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("store", STORES)
def test_orders_total_matches_raw_totals_per_order(datasets: Path, store: str) -> None:
    path = orders_file(datasets, store)
    df = raw(path)
    first = df.drop_duplicates("Name")
    tables = converted(ShopifyOrdersProfile, path)
    orders = tables["orders"].set_index("order_id")
    assert len(orders) == df["Name"].nunique()
    want = pd.to_numeric(first.set_index("Name")["Total"])
    got = pd.to_numeric(orders["payment_amount"])
    assert (got.reindex(want.index) - want).abs().max() < 1e-9
    assert round(got.sum(), 2) == round(want.sum(), 2)


@pytest.mark.parametrize("store", STORES)
def test_order_lines_add_up_to_subtotal_when_discounts_are_order_level(datasets: Path, store: str) -> None:
    path = orders_file(datasets, store)
    df = raw(path)
    tips = (df["Lineitem name"].str.lower() == "tip") & (df["Lineitem sku"] == "")
    lines = converted(ShopifyOrdersProfile, path)["order_lines"]
    assert len(lines) == (~tips).sum()
    assert (pd.to_numeric(lines["quantity"]) > 0).all()
    per_order = lines.groupby("order_id")["amount"].sum().round(2)
    subtotal = pd.to_numeric(df.drop_duplicates("Name").set_index("Name")["Subtotal"])
    assert (per_order - subtotal.reindex(per_order.index)).abs().max() < 0.005
    units = pd.to_numeric(df.loc[~tips, "Lineitem quantity"]).sum()
    assert pd.to_numeric(lines["quantity"]).sum() == units


@pytest.mark.parametrize("store", STORES)
def test_refunded_orders_become_refund_cases(datasets: Path, store: str) -> None:
    path = orders_file(datasets, store)
    first = raw(path).drop_duplicates("Name")
    refunded = pd.to_numeric(first["Refunded Amount"]).fillna(0)
    returns = converted(ShopifyOrdersProfile, path)["returns"]
    assert len(returns) == (refunded > 0).sum()
    assert round(returns["refund_amount"].sum(), 2) == round(refunded.sum(), 2)
    assert set(returns["type"]) == {"refund_only"}


@pytest.mark.parametrize("store", STORES)
def test_order_status_follows_payment_and_fulfilment(datasets: Path, store: str) -> None:
    path = orders_file(datasets, store)
    first = raw(path).drop_duplicates("Name").set_index("Name")
    orders = converted(ShopifyOrdersProfile, path)["orders"].set_index("order_id")
    joined = orders.join(first[["Financial Status", "Fulfillment Status", "Cancelled at"]])
    assert set(joined.loc[joined["Cancelled at"] != "", "status"]) == {"cancelled"}
    live = joined[joined["Cancelled at"] == ""]
    assert set(live.loc[live["Fulfillment Status"] == "fulfilled", "status"]) == {"shipped"}
    assert set(live.loc[live["Financial Status"] == "pending", "status"]) <= {"created"}
    unshipped_refunds = live[
        (live["Financial Status"] == "refunded") & (live["Fulfillment Status"] == "unfulfilled")
    ]
    assert set(unshipped_refunds["status"]) <= {"closed"}
    # Shopify records hand-over to the carrier, never delivery
    assert "delivered" not in set(orders["status"])


def test_products_export_gives_one_row_per_variant(datasets: Path) -> None:
    path = datasets / "shopify_orders_exports" / "alpha_paw_pet_2023" / "products_export_1.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    df = raw(path)
    variants = df[df["Variant Price"] != ""]
    products = converted(ShopifyProductsProfile, path)["products"]
    assert len(products) == len(variants)
    assert round(pd.to_numeric(products["price"]).sum(), 2) == round(
        pd.to_numeric(variants["Variant Price"]).sum(), 2
    )
    assert set(products["status"]) <= {"on_sale", "off_shelf"}
    assert products["title"].notna().all()
    assert products["category"].notna().all()


@pytest.fixture(scope="module")
def imported(datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, object]]:
    folder = datasets / "shopify_orders_exports" / "enavant_activewear_2019_2022"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    # The export is in USD: a store in USD (a CNY store rejects its rows, test_ingest_currency).
    ws = Workspace.init(tmp_path_factory.mktemp("shopify") / "ws",
                        Settings(store=StoreSettings(currency="USD")))
    report = import_folder(ws, folder)
    yield ws, report
    ws.close()


def test_import_folder_stores_the_enavant_export_without_rejects(
    imported: tuple[Workspace, object], datasets: Path
) -> None:
    ws, report = imported
    files = {f.file: f for f in report.files}  # type: ignore[attr-defined]
    assert files["orders_export_1.csv"].profile == "shopify_orders"
    assert report.total_rejected == 0  # type: ignore[attr-defined]
    first = raw(orders_file(datasets, "enavant_activewear_2019_2022")).drop_duplicates("Name")
    n, total = ws.analytics.execute("SELECT count(*), sum(payment_amount) FROM orders").fetchone()
    assert n == 409 == len(first)
    assert round(total, 2) == round(pd.to_numeric(first["Total"]).sum(), 2) == 74498.44
    channels = ws.analytics.execute("SELECT DISTINCT channel FROM orders").fetchall()
    assert channels == [("shopify",)]


def test_reimporting_the_same_export_changes_nothing(
    imported: tuple[Workspace, object], datasets: Path
) -> None:
    ws, _ = imported
    again = import_folder(ws, datasets / "shopify_orders_exports" / "enavant_activewear_2019_2022")
    for f in again.files:
        for t in f.tables:
            assert (t.inserted, t.replaced) == (0, 0), (f.file, t.table)
