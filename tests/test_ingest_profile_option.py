"""`ecomops import --profile NAME`: the user names the export's platform instead of detection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecomops.errors import InputError
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings, StoreSettings
from ecomops.workspace import Workspace


def test_unknown_profile_is_refused_with_the_available_names(tmp_path: Path, demo_dir: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    with pytest.raises(InputError) as caught:
        import_folder(ws, demo_dir / "products.csv", profile="shopee")
    assert "shopee" in caught.value.message
    assert "shopify_orders" in (caught.value.hint or "")
    assert ws.analytics.execute("SELECT count(*) FROM products").fetchone() == (0,)
    ws.close()


def test_named_profile_reads_a_file_that_detection_would_not_claim(
    tmp_path: Path, datasets: Path
) -> None:
    # A Shopify export renamed by the user: detection still claims it, and so does --profile.
    src = datasets / "shopify_orders_exports" / "enavant_activewear_2019_2022" / "orders_export_1.csv"
    renamed = tmp_path / "export-march.csv"
    shutil.copy(src, renamed)
    ws = Workspace.init(tmp_path / "ws", Settings(store=StoreSettings(currency="USD")))  # a USD export
    report = import_folder(ws, renamed, profile="shopify_orders")
    assert report.ok
    assert {f.profile for f in report.files} == {"shopify_orders"}
    # The generic template forced on the same file is refused, naming what it lacks.
    refused = import_folder(ws, renamed, profile="template")
    assert not refused.ok
    assert any("order_id" in m or "required" in m for f in refused.files for m in f.messages)
    ws.close()


def test_a_folder_of_subfolders_is_refused_naming_the_subfolders_to_import(
    tmp_path: Path, demo_dir: Path,
) -> None:
    from typer.testing import CliRunner

    from ecomops.cli.main import app

    top = tmp_path / "exports"
    (top / "store_a").mkdir(parents=True)
    (top / "store_b").mkdir()
    shutil.copy(demo_dir / "products.csv", top / "store_a" / "products.csv")
    (top / "README.md").write_text("two stores", encoding="utf-8")
    Workspace.init(tmp_path / "ws").close()
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), "import", str(top), "-q"])
    assert result.exit_code != 0
    assert "subfolders are not read" in str(result.exception or result.output)
    assert "store_a, store_b" in str(result.exception or result.output)
