"""Import: one transaction per file, so a process killed half-way leaves the table as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ecomops.ingest.loader import STAGE_PREFIX
from ecomops.ingest.service import import_folder
from ecomops.workspace import Workspace

BIG_ROWS = 500_000
MARKER = "transaction open, writing orders"


def _write_orders(path: Path, first: int, count: int, status: str) -> None:
    """``count`` orders O<first>... written by DuckDB (fast enough for a few million rows)."""
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT 'O' || (i + {first}) AS order_id, 'tmall' AS channel, "
            f"'2026-11-01 10:00:00' AS order_time, '{status}' AS status, "
            f"printf('¥%.2f', (i % 500) + 0.5) AS payment_amount FROM range({count}) t(i)) "
            f"TO '{path}' (HEADER, DELIMITER ',')"
        )


def _fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    row = con.execute(
        "SELECT count(*), sum(hash(order_id, status, payment_amount)) FROM orders").fetchall()
    return row[0]


@pytest.mark.slow
def test_import_killed_mid_file_leaves_the_table_unchanged(workspace: Workspace, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    _write_orders(small / "orders.csv", 0, 2_000, "paid")
    assert import_folder(workspace, small).ok
    before = _fingerprint(workspace.analytics)
    assert before[0] == 2_000
    workspace.close()

    big = tmp_path / "big"
    big.mkdir()
    # Overlaps the stored keys, so the run replaces rows inside its transaction (DELETE + INSERT).
    _write_orders(big / "orders.csv", 1_000, BIG_ROWS, "shipped")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecomops.cli.main", "--debug", "--workspace", str(workspace.root),
         "import", "--quiet", str(big)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if MARKER in line:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        code = proc.wait(timeout=300)
        proc.stderr.close()
    assert any(MARKER in line for line in seen), "".join(seen[-20:])
    assert code == -signal.SIGKILL, "the import finished before it could be killed: use a bigger file"

    reopened = Workspace.open(workspace.root)
    try:
        assert _fingerprint(reopened.analytics) == before
        # The next import clears what the killed one left behind and completes.
        report = import_folder(reopened, big)
        assert report.ok
        (f,) = report.files
        assert (f.inserted, f.replaced) == (BIG_ROWS - 1_000, 1_000)
        count, = reopened.analytics.execute("SELECT count(*) FROM orders").fetchall()[0]
        assert count == 1_000 + BIG_ROWS
        stale = reopened.analytics.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, ?)", [STAGE_PREFIX]
        ).fetchall()
        assert stale == [(0,)]
    finally:
        reopened.close()


def _kill_import_mid_file(root: Path, folder: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecomops.cli.main", "--debug", "--workspace", str(root),
         "import", "--quiet", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            if MARKER in line:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        code = proc.wait(timeout=300)
        proc.stderr.close()
    assert code == -signal.SIGKILL, "the import finished before it could be killed: use a bigger file"


@pytest.mark.slow
def test_killed_imports_are_marked_failed_and_their_space_is_reclaimed(
    workspace: Workspace, tmp_path: Path
) -> None:
    from ecomops.store.appdb import ImportRun

    small = tmp_path / "small"
    small.mkdir()
    _write_orders(small / "orders.csv", 0, 2_000, "paid")
    assert import_folder(workspace, small).ok
    workspace.close()
    store = workspace.analytics_path
    before = store.stat().st_size
    big = tmp_path / "big"
    big.mkdir()
    _write_orders(big / "orders.csv", 1_000, BIG_ROWS, "shipped")
    for _ in range(2):
        _kill_import_mid_file(workspace.root, big)
    grown = store.stat().st_size
    assert grown > before + 2_000_000, (before, grown)  # what the killed run left behind

    reopened = Workspace.open(workspace.root)
    try:
        with reopened.app_sessions() as session:
            runs = session.query(ImportRun).order_by(ImportRun.id).all()
            # the second killed run marked the first one failed when it started
            assert [r.status for r in runs] == ["finished", "failed", "running"]
        report = import_folder(reopened, small)  # the next import cleans up first
        assert report.ok
        with reopened.app_sessions() as session:
            runs = session.query(ImportRun).order_by(ImportRun.id).all()
            assert [r.status for r in runs] == ["finished", "failed", "failed", "finished"]
            for run in runs[1:3]:
                assert run.finished_at is not None
                assert [w["code"] for w in run.warnings] == ["interrupted"]
                assert set(run.warnings[0]["texts"]) == {"zh_CN", "en"}
        stale = reopened.analytics.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, ?)", [STAGE_PREFIX]
        ).fetchall()
        assert stale == [(0,)]
    finally:
        reopened.close()
    after = store.stat().st_size
    assert after <= before + 512 * 1024, (before, grown, after)
