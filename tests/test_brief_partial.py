"""The brief of a store imported from a real export, with no traffic, ads or inventory data.

A real Shopify order export (shared/datasets, imported with ``--profile shopify_orders``) has orders,
order lines and refunds only: the brief must still run, say which figures are unavailable, and
leave them null rather than 0; GMV and orders of a day must equal what the raw file says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.service import import_folder
from ecomops.report.model import Brief
from ecomops.report.service import brief_json, build_brief
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace

DAY = dt.date(2023, 5, 16)  # a Tuesday inside the export (2023-04-28 .. 2023-05-31)
TZ = "America/Los_Angeles"  # the export's own -0700: days are the store's days
STORE = Path("shopify_orders_exports") / "alpha_paw_pet_2023" / "orders_export_1.csv"


@pytest.fixture(scope="module")
def export(datasets: Path) -> Path:
    path = datasets / STORE
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="module")
def shop(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("shopify_brief") / "ws"
    ws = Workspace.init(root, Settings(store=StoreSettings(name="Alpha Paw", currency="USD", timezone=TZ,
                                                           language="en")))
    try:
        report = import_folder(ws, export, profile="shopify_orders")
        assert report.ok
        yield ws
    finally:
        ws.close()


@pytest.fixture(scope="module")
def brief(shop: Workspace) -> Brief:
    return build_brief(shop, DAY)


def _raw_day(path: Path, day: dt.date) -> tuple[float, int]:
    """GMV and orders of ``day`` from the export: each order's first row holds its Subtotal
    (goods after discounts), Cancelled at and Financial Status."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = raw.drop_duplicates("Name")
    live = first[(first["Cancelled at"] == "") & (first["Financial Status"].str.lower() != "voided")]
    created = pd.to_datetime(live["Created at"], utc=True, format="%Y-%m-%d %H:%M:%S %z")
    on_day = live[(created.dt.tz_convert(TZ).dt.date == day).to_numpy()]
    return float(pd.to_numeric(on_day["Subtotal"]).sum()), len(on_day)


def test_gmv_and_orders_of_a_day_match_the_raw_export(brief: Brief, export: Path) -> None:
    gmv, orders = _raw_day(export, DAY)
    assert orders > 50
    cards = {k.metric: k for k in brief.kpis}
    assert cards["gmv"].value == pytest.approx(gmv, abs=0.01)
    assert cards["orders"].value == orders
    assert brief.currency == "USD"


def test_missing_tables_make_their_kpis_null_not_zero(brief: Brief) -> None:
    data = brief_json(brief)
    cards = {k["metric"]: k for k in data["kpis"]}
    for metric in ("visitors", "conversion_rate", "ad_cost", "ad_ctr", "ad_roas", "days_of_cover",
                   "delivery_days", "late_delivery_rate"):
        assert cards[metric]["value"] is None, metric
        assert cards[metric]["status"] == "unavailable", metric
    assert cards["aov"]["value"] == pytest.approx(cards["gmv"]["value"] / cards["orders"]["value"], rel=1e-4)
    assert cards["ship_hours"]["value"] is not None  # Paid at -> Fulfilled at is in the export
    notes = " ".join(data["notes"]).lower()
    assert "no traffic data" in notes
    assert "conversion" in notes
    assert "no ads data" in notes
    assert "no inventory data" in notes


def test_a_store_without_history_still_gets_findings_or_none_without_failing(brief: Brief) -> None:
    assert not any("failed" in n for n in brief.notes), brief.notes
    ids = {f.id for f in brief.findings}
    assert set(brief.charts.evidence) == ids
    assert brief.charts.trends["gmv"].dates[-1] == DAY


def test_gross_margin_is_unavailable_not_zero_without_product_costs(brief: Brief) -> None:
    # the order export alone has no costs (products are a separate export)
    cards = {k["metric"]: k for k in brief_json(brief)["kpis"]}
    for metric in ("gross_margin", "gross_margin_rate"):
        assert cards[metric]["value"] is None, metric
        assert cards[metric]["status"] == "unavailable", metric
    assert any("no product costs" in n.lower() for n in brief.notes)


def _brief_of(datasets: Path, tmp_path: Path, relative: str, profile: str, day: dt.date,
              language: str = "en", currency: str = "CNY") -> Brief:
    """The brief of ``day`` after importing ``datasets / relative`` into a new workspace (in
    ``currency``: rows of an export in another currency are rejected)."""
    source = datasets / relative
    if not source.exists():
        pytest.skip(f"{source} is absent")
    ws = Workspace.init(tmp_path / "ws", Settings(store=StoreSettings(  # type: ignore[arg-type]
        language=language, currency=currency)))
    try:
        assert import_folder(ws, source, profile=profile).ok
        return build_brief(ws, day)
    finally:
        ws.close()


def test_orders_without_lines_leave_gmv_unavailable_and_say_why(datasets: Path, tmp_path: Path) -> None:
    brief = _brief_of(datasets, tmp_path, "cdnow_transactions/CDNOW_master.txt", "cdnow",
                      dt.date(1997, 2, 24))
    cards = {k["metric"]: k for k in brief_json(brief)["kpis"]}
    notes = " ".join(brief.notes).lower()
    assert cards["orders"]["value"] == 504  # CDNOW_master.txt: 504 purchase rows on 1997-02-24
    for metric in ("gmv", "aov", "units", "gross_margin"):
        assert cards[metric]["status"] == "unavailable", metric
    assert "no order lines" in notes


def test_an_ads_only_store_has_no_sales_figures_and_one_note_saying_so(
    datasets: Path, tmp_path: Path,
) -> None:
    brief = _brief_of(datasets, tmp_path, "amazon_sponsored_products_reports/uk_2023", "amazon_ads",
                      dt.date(2023, 7, 10), currency="GBP")
    cards = {k["metric"]: k for k in brief_json(brief)["kpis"]}
    for metric in ("gmv", "orders", "aov", "return_rate", "gross_margin"):
        assert cards[metric]["status"] == "unavailable", metric
    assert cards["ad_cost"]["value"] == pytest.approx(131.34, abs=0.01)  # the report's spend that day
    sales_notes = [n for n in brief.notes if "order" in n.lower()]
    assert sales_notes == ["No orders in the store: sales, conversion, margin and delivery KPIs are "
                           "unavailable."]


def test_olist_day_gmv_and_orders_match_the_raw_files(datasets: Path, tmp_path: Path) -> None:
    day = dt.date(2017, 11, 24)  # Black Friday 2017, the sample's busiest day
    brief = _brief_of(datasets, tmp_path, "olist_brazilian_ecommerce_sample", "olist", day)
    folder = datasets / "olist_brazilian_ecommerce_sample"
    orders = pd.read_csv(folder / "olist_orders_dataset.csv", dtype=str)
    items = pd.read_csv(folder / "olist_order_items_dataset.csv", dtype={"order_id": str})
    placed = orders[(pd.to_datetime(orders["order_purchase_timestamp"]).dt.date == day)
                    & ~orders["order_status"].isin(["canceled", "unavailable"])]
    goods = items[items["order_id"].isin(placed["order_id"])]
    cards = {k.metric: k for k in brief.kpis}
    assert cards["orders"].value == len(placed) == 75
    assert cards["gmv"].value == pytest.approx(goods["price"].sum(), abs=0.01)  # items, not freight
    assert cards["return_rate"].status == "unavailable"  # Olist has no after-sales cases


@pytest.mark.slow
def test_online_retail_day_gmv_and_orders_match_the_raw_file(datasets: Path, tmp_path: Path) -> None:
    day = dt.date(2011, 11, 22)
    brief = _brief_of(datasets, tmp_path, "uci_online_retail", "online_retail", day)
    raw = pd.read_csv(datasets / "uci_online_retail" / "online_retail.csv.gz", dtype={"InvoiceNo": str})
    sold = raw[(pd.to_datetime(raw["InvoiceDate"]).dt.date == day) & ~raw["InvoiceNo"].str.startswith("C")
               & (raw["Quantity"] >= 1)]  # cancellations are returns; non-positive lines are rejects
    cards = {k.metric: k for k in brief.kpis}
    assert cards["gmv"].value == pytest.approx((sold["Quantity"] * sold["UnitPrice"]).sum(), abs=0.01)
    assert cards["orders"].value == sold["InvoiceNo"].nunique() == 151


def test_a_chinese_store_reads_its_data_notes_in_chinese(datasets: Path, tmp_path: Path) -> None:
    brief = _brief_of(datasets, tmp_path, "amazon_sponsored_products_reports/uk_2023", "amazon_ads",
                      dt.date(2023, 7, 10), language="zh_CN", currency="GBP")
    assert "店铺中没有订单：销售、转化、毛利和配送指标不可用。" in brief.notes
    assert "店铺中没有流量数据：访客数和转化率不可用。" in brief.notes
    assert not [n for n in brief.notes if n.isascii()]
