"""Import: the interface platform profiles implement (registry, match, convert, load_table)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from ecomops.ingest import profile as profile_mod
from ecomops.ingest.loader import load_table
from ecomops.ingest.profile import SourceProfile, profiles, register_profile
from ecomops.ingest.reader import read_raw
from ecomops.ingest.rejects import RejectSink
from ecomops.ingest.service import import_folder
from ecomops.settings import Settings
from ecomops.store import analytics
from ecomops.store.schema import ORDERS
from ecomops.workspace import Workspace
from ingest_samples import write_csv


class PairProfile:
    """A made-up platform export: ``pair_head.csv`` (orders) and ``pair_money.csv`` (amounts)."""

    name = "test_pair"
    required_headers = ("Ref", "When", "Paid")

    def match(self, path: Path, headers: list[str]) -> float:
        return 0.95 if path.name.startswith("pair_") else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        by_name = {p.name: read_raw(p)[1] for p in paths}
        head, money = by_name["pair_head.csv"], by_name["pair_money.csv"]
        paid = dict(zip(money.column("Ref").to_pylist(), money.column("Paid").to_pylist(), strict=True))
        refs = head.column("Ref").to_pylist()
        data = pa.table({
            "order_id": refs,
            "channel": ["amazon"] * len(refs),
            "order_time": head.column("When"),
            "status": ["paid"] * len(refs),
            "payment_amount": [paid.get(r) for r in refs],
            "extras": [json.dumps({"ref_kind": "pair"}) for _ in refs],
            "_row": list(range(1, len(refs) + 1)),
        })
        yield "orders", data.replace_schema_metadata({b"source_file": b"pair_head.csv"})


@pytest.fixture
def pair_profile(monkeypatch: pytest.MonkeyPatch) -> SourceProfile:
    profile = PairProfile()
    monkeypatch.setitem(profile_mod._REGISTRY, profile.name, profile)
    return profile


def test_registered_profile_claims_its_files_and_is_named_in_the_report(
    workspace: Workspace, tmp_path: Path, pair_profile: SourceProfile
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "pair_head.csv", ["Ref", "When"],
              [["A1", "2026-11-01 10:00"], ["A2", "someday"], ["A3", "2026-11-02 09:00"]])
    write_csv(folder / "pair_money.csv", ["Ref", "Paid"], [["A1", "$10"], ["A2", "$3"], ["A3", "$4.5"]])
    write_csv(folder / "products.csv", ["sku", "title", "category", "price"], [["S1", "T", "C", "1"]])
    assert pair_profile in profiles()
    report = import_folder(workspace, folder)
    by_file = {f.file: f for f in report.files}
    assert by_file["pair_head.csv"].profile == "test_pair"
    assert by_file["pair_head.csv"].table == "orders"
    assert (by_file["pair_head.csv"].inserted, by_file["pair_head.csv"].rejected) == (2, 1)
    assert by_file["products.csv"].profile == "template"
    rows = workspace.analytics.execute(
        "SELECT order_id, order_time, payment_amount, extras->>'ref_kind' FROM orders ORDER BY 1").fetchall()
    assert rows == [("A1", dt.datetime(2026, 11, 1, 10), 10.0, "pair"),
                    ("A3", dt.datetime(2026, 11, 2, 9), 4.5, "pair")]
    assert report.rejects_path is not None
    with report.rejects_path.open(encoding="utf-8-sig") as fh:
        (reject,) = list(csv.DictReader(fh))
    assert (reject["file"], reject["row"], reject["column"]) == ("pair_head.csv", "2", "order_time")


def test_unrecognised_file_names_the_closest_platform_profile(
    workspace: Workspace, tmp_path: Path, pair_profile: SourceProfile
) -> None:
    path = write_csv(tmp_path / "export.csv", ["Ref", "When", "Something"], [["A1", "2026-11-01", "x"]])
    report = import_folder(workspace, path)
    (f,) = report.files
    assert f.status == "refused"
    assert "the closest platform format is test_pair, which needs Paid" in f.messages[0]


def test_load_table_validates_and_upserts_arrow_data(tmp_path: Path) -> None:
    con = analytics.connect(":memory:")
    data = pa.table({
        "order_id": ["X1", "X2", "X1"],
        "channel": ["jd", "jd", "jd"],
        "order_time": pa.array([dt.datetime(2026, 11, 1, 8), dt.datetime(2026, 11, 1, 9),
                                dt.datetime(2026, 11, 1, 10)], pa.timestamp("s")),
        "status": ["paid", "lost", "shipped"],
        "payment_amount": pa.array([1.5, 2.0, 3.0], pa.float64()),
    })
    with RejectSink(tmp_path / "rejects.csv") as sink:
        result = load_table(con, ORDERS, data, source_file="api", settings=Settings(), rejects=sink)
    assert (result.read, result.inserted, result.rejected, result.duplicates) == (3, 1, 1, 1)
    assert con.execute("SELECT order_id, status, order_time FROM orders").fetchall() == [
        ("X1", "shipped", dt.datetime(2026, 11, 1, 10))]
    assert sink.lines == 1


def test_load_table_refuses_data_without_a_required_column(tmp_path: Path) -> None:
    from ecomops.errors import IngestError

    con = duckdb.connect()
    analytics.ensure_schema(con)
    data = pa.table({"order_id": ["X1"], "channel": ["jd"]})
    with RejectSink(tmp_path / "r.csv") as sink, pytest.raises(IngestError, match="order_time"):
        load_table(con, ORDERS, data, source_file="api.csv", settings=Settings(), rejects=sink)


def test_register_profile_replaces_a_profile_of_the_same_name(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = PairProfile(), PairProfile()
    monkeypatch.setitem(profile_mod._REGISTRY, first.name, first)
    assert register_profile(second) is second
    assert [p for p in profiles() if p.name == "test_pair"] == [second]
