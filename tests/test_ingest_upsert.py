"""Import: upserts by key, idempotency, refused/empty/garbage files, the run record and the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ecomops.ingest.service import import_files, import_folder
from ecomops.workspace import Workspace
from ingest_samples import write_csv

ORDER_HEADERS = ["order_id", "channel", "order_time", "status", "payment_amount"]


def _orders(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.analytics.execute(
        "SELECT order_id, status, payment_amount FROM orders ORDER BY order_id").fetchall()


def test_last_row_for_a_key_wins_within_a_file(workspace: Workspace, tmp_path: Path) -> None:
    rows = [["O1", "tmall", "2026-11-01", "paid", "10"], ["O2", "jd", "2026-11-01", "paid", "5"],
            ["O1", "tmall", "2026-11-01", "shipped", "10"], ["O1", "tmall", "2026-11-01", "delivered", "10"]]
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADERS, rows)
    report = import_folder(workspace, path)
    (f,) = report.files
    assert (f.read, f.inserted, f.replaced, f.unchanged) == (4, 2, 0, 0)
    assert f.tables[0].duplicates == 2
    assert _orders(workspace) == [("O1", "delivered", 10.0), ("O2", "paid", 5.0)]


def test_last_row_wins_also_when_the_table_has_rows(workspace: Workspace, tmp_path: Path) -> None:
    import_folder(workspace, write_csv(tmp_path / "orders.csv", ORDER_HEADERS,
                                       [["O9", "jd", "2026-11-01", "paid", "1"]]))
    rows = [["O1", "tmall", "2026-11-01", "paid", "10"], ["O1", "tmall", "2026-11-01", "closed", "10"]]
    report = import_folder(workspace, write_csv(tmp_path / "orders.csv", ORDER_HEADERS, rows))
    assert report.files[0].inserted == 1
    assert _orders(workspace) == [("O1", "closed", 10.0), ("O9", "paid", 1.0)]


def test_reimporting_the_same_rows_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    rows = [[f"O{i}", "tmall", "2026-11-01 10:00", "paid", f"{i}.5"] for i in range(50)]
    path = write_csv(tmp_path / "orders.csv", [*ORDER_HEADERS, "note"], [[*r, "x"] for r in rows])
    first = import_folder(workspace, path)
    before = workspace.analytics.execute("SELECT * FROM orders ORDER BY order_id").fetchall()
    second = import_folder(workspace, path)
    (f,) = second.files
    assert (f.read, f.inserted, f.replaced, f.unchanged) == (50, 0, 0, 50)
    assert first.files[0].inserted == 50
    assert workspace.analytics.execute("SELECT * FROM orders ORDER BY order_id").fetchall() == before


def test_newer_row_replaces_the_stored_one(workspace: Workspace, tmp_path: Path) -> None:
    old = [["O1", "tmall", "2026-11-01", "paid", "10"], ["O2", "jd", "2026-11-01", "paid", "5"]]
    import_folder(workspace, write_csv(tmp_path / "orders.csv", ORDER_HEADERS, old))
    new = [["O2", "jd", "2026-11-01", "shipped", "5"], ["O2", "jd", "2026-11-01", "delivered", "5"],
           ["O1", "tmall", "2026-11-01", "paid", "10"], ["O3", "jd", "2026-11-02", "paid", "7"]]
    report = import_folder(workspace, write_csv(tmp_path / "orders.csv", ORDER_HEADERS, new))
    (f,) = report.files
    assert (f.inserted, f.replaced, f.unchanged) == (1, 1, 1)
    assert _orders(workspace) == [("O1", "paid", 10.0), ("O2", "delivered", 5.0), ("O3", "paid", 7.0)]


def test_composite_keys_with_defaults_upsert(workspace: Workspace, tmp_path: Path) -> None:
    headers = ["date", "channel", "source", "sku", "visitors"]
    import_folder(workspace, write_csv(tmp_path / "traffic.csv", headers, [
        ["2026-11-01", "jd", "search", "", "100"], ["2026-11-01", "jd", "search", "S1", "10"]]))
    report = import_folder(workspace, write_csv(tmp_path / "traffic.csv", [*headers[:3], "visitors"], [
        ["2026-11-01", "jd", "搜索", "120"]]))
    assert report.files[0].replaced == 1
    got = workspace.analytics.execute("SELECT sku, visitors FROM traffic ORDER BY sku").fetchall()
    assert got == [("", 120), ("S1", 10)]


def test_missing_required_column_refuses_that_file_only(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "orders.csv", ["order_id", "channel", "order_time", "status", "amount_paid"],
              [["O1", "jd", "2026-11-01", "paid", "3"]])
    write_csv(folder / "products.csv", ["sku", "title", "category", "price"], [["S1", "T", "C", "1"]])
    report = import_folder(workspace, folder)
    assert report.ok
    files = {f.file: f for f in report.files}
    assert files["orders.csv"].status == "refused"
    (message,) = files["orders.csv"].messages
    assert message.startswith("orders.csv was not imported")
    assert "payment_amount" in message
    assert "'amount_paid'" in message
    assert files["products.csv"].inserted == 1
    assert workspace.analytics.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]


def test_empty_and_garbage_files_are_reported_and_the_rest_imports(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "returns.csv").write_bytes(b"")
    (folder / "traffic.csv").write_text("\n \n\n", encoding="utf-8")
    (folder / "reviews.csv").write_bytes(bytes(range(256)) * 20)
    (folder / "inventory.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (folder / "promotions.parquet").write_bytes(b"PAR1 broken")
    write_csv(folder / "messages.csv", ["message_id", "customer_id", "created_at", "text"], [])
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    write_csv(folder / "products.csv", ["sku", "title", "category", "price"], [["S1", "T", "C", "1"]])
    report = import_folder(workspace, folder)
    assert report.ok
    status = {f.file: f.status for f in report.files}
    assert status == {
        "returns.csv": "empty", "traffic.csv": "empty", "reviews.csv": "unreadable",
        "inventory.xlsx": "unreadable", "promotions.parquet": "unreadable", "messages.csv": "empty",
        "notes.pdf": "skipped", "products.csv": "imported",
    }
    for f in report.files:
        if f.status != "imported":
            assert f.messages, f
            assert f.file in f.messages[0]
            assert "\n" not in f.messages[0]
            assert "Traceback" not in f.messages[0]


def test_import_run_is_recorded_with_summary_and_rejects(workspace: Workspace, tmp_path: Path) -> None:
    from ecomops.store.appdb import ImportRun

    rows = [["O1", "jd", "2026-11-01", "paid", "x"], ["O2", "jd", "2026-11-01", "paid", "2"]]
    report = import_files(workspace, [write_csv(tmp_path / "orders.csv", ORDER_HEADERS, rows)],
                          user="alice")
    with workspace.app_sessions() as session:
        run = session.get(ImportRun, report.import_id)
        assert run is not None
        assert run.user == "alice"
        assert run.finished_at is not None
        assert run.rejects_path == str(workspace.rejects_dir / f"{report.import_id}.csv")
        assert run.summary["tables"]["orders"] == {
            "read": 2, "inserted": 1, "replaced": 0, "unchanged": 0, "rejected": 1}
    assert report.to_dict()["files"][0]["profile"] == "template"


def _cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[
    int, str, str
]:
    """Run the ``ecomops`` entry point in this process: (exit code, stdout, stderr)."""
    from ecomops.cli.main import run

    monkeypatch.setattr(sys, "argv", ["ecomops", *args])
    capsys.readouterr()
    code = 0
    try:
        run()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_prints_summary_and_json_and_sets_exit_code(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace.close()
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "orders.csv", ORDER_HEADERS, [["O1", "jd", "2026-11-01", "paid", "2"],
                                                     ["O2", "jd", "2026-11-01", "paid", "bad"]])
    ws = str(workspace.root)
    code, out, err = _cli(capsys, monkeypatch, "--workspace", ws, "import", str(folder))
    assert code == 0, err
    assert out == ""
    assert "orders" in err
    assert "1 row(s) rejected; details in" in err
    code, out, err = _cli(capsys, monkeypatch, "--workspace", ws, "import", str(folder / "orders.csv"),
                          "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True
    assert data["total_rejected"] == 1
    assert data["files"][0]["unchanged"] == 1
    (folder / "orders.csv").unlink()
    (folder / "stuff.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    code, out, err = _cli(capsys, monkeypatch, "--workspace", ws, "import", str(folder))
    assert code != 0
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error: nothing could be imported")
    assert "stuff.csv" in last
    code, out, err = _cli(capsys, monkeypatch, "--workspace", ws, "import", str(tmp_path / "nope"))
    assert code != 0
    assert err.strip().splitlines() == [f"Error: {tmp_path / 'nope'} does not exist"]
