"""Several processes on one analytics store: readers never need the write lock, a writer waits
for readers (and readers for a writer) with a message naming who holds the store, and the
console's connection lets go when idle and notices another process's import."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from ecomops.errors import StoreBusy
from ecomops.store import analytics
from ecomops.web import gate as gate_module
from ecomops.web.gate import StoreGate, file_stamp
from ecomops.workspace import Workspace

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def hold(path: Path, mode: str, seconds: float, script: Path, *args: str) -> Iterator[int]:
    """Another process holding ``path`` (``read`` or ``write``) for ``seconds``: its PID, once it
    holds the store; stopped at the end of the block."""
    script.write_text(HOLD, encoding="utf-8")
    with subprocess.Popen([sys.executable, str(script), str(path), mode, str(seconds), *args],
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding"
        try:
            yield proc.pid
        finally:
            proc.kill()
            proc.wait()


def writes_in_another_process(path: Path, sql: str = "SELECT 1") -> subprocess.CompletedProcess[str]:
    code = f"import duckdb; c = duckdb.connect({str(path)!r}); c.execute({sql!r}); c.close()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    return ws.analytics_path


def test_opening_a_current_store_for_writing_does_not_change_the_file(store: Path) -> None:
    before = file_stamp(store)
    time.sleep(0.01)
    analytics.connect(store).close()
    assert file_stamp(store) == before


def test_a_read_only_open_migrates_an_older_store_first(store: Path) -> None:
    con = duckdb.connect(str(store))
    con.execute("ALTER TABLE order_lines DROP COLUMN _order_date")
    con.close()
    ro = analytics.connect(store, read_only=True)
    try:
        cols = {r[0] for r in ro.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'order_lines'"
        ).fetchall()}
        assert "_order_date" in cols
        with pytest.raises(duckdb.Error, match="read-only"):
            ro.execute("DELETE FROM orders")
    finally:
        ro.close()


def test_a_workspace_opened_read_only_reads_while_another_process_reads(
    store: Path, tmp_path: Path,
) -> None:
    with hold(store, "read", 30, tmp_path / "reader.py"):
        ws = Workspace.open(store.parent, read_only=True)
        assert ws.analytics.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]
        assert ws.data_days() is None
        ws.close()


def test_a_writer_waits_for_a_reader_and_names_it_when_it_gives_up(store: Path, tmp_path: Path) -> None:
    told: list[str] = []
    with hold(store, "read", 3, tmp_path / "ecomops", "serve") as pid:  # argv like `ecomops serve`
        busy = rf"in use by another process \(`ecomops serve`, PID {pid}\).*after 0 s"
        with pytest.raises(StoreBusy, match=busy):
            analytics.connect(store, wait=0.3)
        started = time.monotonic()
        con = analytics.connect(store, wait=60, on_wait=told.append)
        con.close()
        assert time.monotonic() - started > 0.5  # it waited for the reader to let go
    assert len(told) == 1
    assert f"PID {pid}" in told[0]


def test_a_reader_waits_for_an_import_of_another_process(store: Path, tmp_path: Path) -> None:
    with hold(store, "write", 2, tmp_path / "import.py"):
        with pytest.raises(StoreBusy, match=r"being written by another process \(python[\d.]*, PID \d+\)"):
            analytics.connect(store, read_only=True, wait=0.2)
        con = analytics.connect(store, read_only=True, wait=60)
        con.close()


def test_the_console_lets_go_of_the_store_when_idle_and_sees_the_next_import(
    store: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate_module, "IDLE_SECONDS", 0.2)
    ws = Workspace.open(store.parent, read_only=True, connect=False)
    gate = StoreGate(ws)
    with gate.reader() as cur:
        assert cur.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]
        busy = writes_in_another_process(store)
        assert busy.returncode != 0
        assert "lock" in busy.stderr
    version = gate.version
    deadline = time.monotonic() + 30
    while True:  # the connection closes IDLE_SECONDS after the last request
        done = writes_in_another_process(
            store, "INSERT INTO orders (order_id, channel, order_time, status, payment_amount) "
                   "VALUES ('X-1', 'tmall', TIMESTAMP '2026-11-24 10:00:00', 'paid', 10)")
        if done.returncode == 0:
            break
        assert time.monotonic() < deadline, done.stderr
        time.sleep(0.1)
    assert gate.version > version
    with gate.reader() as cur:
        assert cur.execute("SELECT count(*) FROM orders").fetchall() == [(1,)]
    gate.close()


def test_a_user_is_added_while_another_process_writes_the_app_database(
    store: Path, tmp_path: Path,
) -> None:
    """SQLite answers "database is locked" after Python's 5 s default: the app database waits longer
    for another process's write (the console recording a login, an import's history)."""
    from ecomops.store.appdb import open_app_db
    from ecomops.web.accounts import Accounts
    from web_support import use_cheap_parameters

    use_cheap_parameters()
    app_db = store.parent / "app.db"
    script = tmp_path / "writer.py"
    script.write_text(
        "import sqlite3, sys, time\n"
        "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "con.execute('BEGIN IMMEDIATE')\n"
        "con.execute(\"INSERT INTO audit_log (at, action, detail) VALUES ('2026-12-01', 'x', '{}')\")\n"
        "print('holding', flush=True)\n"
        "time.sleep(7)\n"
        "con.execute('COMMIT')\n", encoding="utf-8")
    with subprocess.Popen([sys.executable, str(script), str(app_db)], stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding"
        try:
            accounts = Accounts(open_app_db(f"sqlite:///{app_db}"))
            assert accounts.add_user("late", "viewer", "late-password-1", by="test").name == "late"
        finally:
            proc.wait(timeout=30)
    assert proc.returncode == 0


def test_an_upload_through_the_console_writes_then_lets_go_of_the_store(
    store: Path, tmp_path: Path,
) -> None:
    ws = Workspace.open(store.parent, read_only=True, connect=False)
    gate = StoreGate(ws)
    with gate.reader() as cur:
        assert cur.execute("SELECT count(*) FROM orders").fetchall() == [(0,)]
    version = gate.version
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,channel,order_time,status,payment_amount\n"
                      "U-1,jd,2026-11-24 09:00:00,paid,20.00\n", encoding="utf-8")
    report = gate.import_files([orders], user="admin", source="upload")
    assert report.ok
    assert gate.version > version
    assert "analytics" not in ws.__dict__  # the write connection is closed
    with gate.reader() as cur:
        assert cur.execute("SELECT order_id FROM orders").fetchall() == [("U-1",)]
        assert ws.data_days() == (dt.date(2026, 11, 24), dt.date(2026, 11, 24))
    gate.close()
    done = writes_in_another_process(store, "DELETE FROM orders")
    assert done.returncode == 0, done.stderr


def test_a_page_waiting_too_long_for_an_import_says_so_in_the_readers_language() -> None:
    from ecomops.web.app import _STATUS, page_text

    exc = StoreBusy("the analytics store is being written", who="`ecomops import`, PID 7")
    assert _STATUS[exc.code] == 503
    assert page_text(exc, "zh_CN") == "数据正在被另一个进程（`ecomops import`, PID 7）导入，请一分钟后再试。"
    assert page_text(exc, "en") == (
        "The data is being imported by another process (`ecomops import`, PID 7); try again in a minute.")
