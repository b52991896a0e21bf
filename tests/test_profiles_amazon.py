"""Amazon Sponsored Products reports (real files in ../shared/datasets), checked against the raw files."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ecomops.ingest.profiles.amazon import AmazonAdsProfile, report_kind
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace

INDIA = "amazon_sponsored_products_reports/india_2020"
UK = "amazon_sponsored_products_reports/uk_2023"
SPEND_INDIA = 47108.12  # SOURCE.md; every one of the six reports slices this same spend


def report_files(datasets: Path) -> list[Path]:
    root = datasets / "amazon_sponsored_products_reports"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    return sorted(p for p in root.rglob("*") if p.suffix in (".xlsx", ".csv"))


def raw(path: Path) -> pd.DataFrame:
    """The report as pandas reads it, headers stripped (independent of the import's reader)."""
    if path.suffix == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    else:
        df = pd.read_excel(path, engine="calamine", dtype=str, keep_default_na=False)
    df.columns = [str(c).strip() for c in df.columns]
    return df


def money(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace("Rs.", "", regex=False).str.replace(",", ""), errors="coerce")


@functools.cache
def converted(path: Path) -> pd.DataFrame:
    tables = list(AmazonAdsProfile().convert([path], Settings()))
    assert {name for name, _ in tables} == {"ads"}
    return pd.concat([t.to_pandas() for _, t in tables], ignore_index=True)


def test_every_report_is_recognised_with_its_kind(datasets: Path) -> None:
    kinds = {}
    for path in report_files(datasets):
        headers = list(raw(path).columns)
        assert AmazonAdsProfile().match(path, headers) > 0.5, path.name
        kinds[path.name] = report_kind(headers)
    assert set(kinds.values()) == {
        "search_term",
        "targeting",
        "advertised_product",
        "campaign",
        "placement",
        "performance",
    }


def test_each_report_alone_keeps_its_rows_and_spend(datasets: Path) -> None:
    for path in report_files(datasets):
        if report_kind(list(raw(path).columns)) == "performance":
            continue  # no impressions: see the test below
        df = raw(path)
        ads = converted(path)
        spend = round(money(df["Spend"]).sum(), 2)
        assert round(ads["cost"].sum(), 2) == spend, path.name
        if report_kind(list(df.columns)) in ("search_term", "targeting", "campaign"):
            assert len(ads) == len(df), path.name
            assert ads["impressions"].sum() == money(df["Impressions"]).sum(), path.name


def test_search_term_report_keeps_terms_match_types_and_attributed_sales(datasets: Path) -> None:
    path = datasets / UK / "Sponsored Products Search term report.xlsx"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    df, ads = raw(path), converted(path)
    assert round(ads["cost"].sum(), 2) == round(money(df["Spend"]).sum(), 2) == 4206.45
    assert round(ads["sales"].sum(), 2) == round(money(df["7 Day Total Sales"]).sum(), 2) == 13373.85
    assert ads["search_term"].nunique() == df["Customer Search Term"].nunique()
    assert set(ads["match_type"].dropna()) <= {"exact", "phrase", "broad", "auto"}
    assert ads["date"].min() == "2023-05-18"
    assert ads["date"].max() == "2023-07-12"


def test_campaign_csv_with_rupees_and_text_dates_is_read(datasets: Path) -> None:
    path = datasets / INDIA / "Sponsored Products Campaign report.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    ads = converted(path)
    assert ads["date"].str.fullmatch(r"2020-02-\d\d").all()
    assert round(ads["cost"].sum(), 2) == SPEND_INDIA
    assert set(ads["ad_group"]) == {"(all)"}


@pytest.fixture(scope="module")
def india(datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, object]]:
    folder = datasets / INDIA
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    # The reports are in rupees: a store in INR (a CNY store rejects them, test_ingest_currency).
    ws = Workspace.init(tmp_path_factory.mktemp("amazon") / "ws",
                        Settings(store=StoreSettings(currency="INR")))
    report = import_folder(ws, folder)
    yield ws, report
    ws.close()


def test_six_overlapping_reports_imported_together_count_spend_once(
    india: tuple[Workspace, object], datasets: Path
) -> None:
    ws, report = india
    assert report.total_rejected == 0  # type: ignore[attr-defined]
    cost, clicks, impressions = ws.analytics.execute(
        "SELECT sum(cost), sum(clicks), sum(impressions) FROM ads"
    ).fetchone()
    targeting = raw(datasets / INDIA / "Sponsored Products Targeting report (1).xlsx")
    for path in report_files(datasets):
        if path.parent.name == "india_2020":
            assert round(money(raw(path)["Spend"]).sum(), 2) == round(cost, 2) == SPEND_INDIA
    assert clicks == money(targeting["Clicks"]).sum()
    # the search-term report lists only terms with clicks; the targeting report's rest is kept
    assert impressions == money(targeting["Impressions"]).sum()


def test_reports_covered_by_finer_ones_say_so(india: tuple[Workspace, object]) -> None:
    _, report = india
    by_file = {f.file: f for f in report.files}  # type: ignore[attr-defined]
    placement = by_file["Sponsored Products Placement report (1).xlsx"]
    assert placement.profile == "amazon_ads"
    assert placement.read == 0
    assert any("counted twice" in m for m in placement.messages)
    assert by_file["Sponsored Products Search term report.xlsx"].inserted == 923


def test_performance_report_alone_is_rejected_for_lack_of_impressions(
    datasets: Path, tmp_path: Path
) -> None:
    path = datasets / INDIA / "Sponsored Products Performance Over Time report (2).xlsx"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    workspace = Workspace.init(tmp_path / "ws", Settings(store=StoreSettings(currency="INR")))
    report = import_folder(workspace, path)
    workspace.close()
    (result,) = report.files
    assert result.profile == "amazon_ads"
    assert result.rejected == len(raw(path)) == 29
    rejects = pd.read_csv(report.rejects_path)
    assert set(rejects["column"]) == {"impressions"}
