"""``ecomops sql`` streams rows, stops at ``--max-rows`` (said on standard error, exit 0) and
stops a query running longer than ``--timeout`` (one line, exit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecomops.cli.output import to_json
from ecomops.store.query import stream_read_only
from ecomops.workspace import Workspace

ENDLESS = "SELECT range AS n FROM range(1000000000000)"
"""10^12 rows: only a streamed result shows its first rows."""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sql") / "ws"
    Workspace.init(root).close()
    return root


def sql(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecomops.cli.main", "--workspace", str(ws), "sql", *args],
                          capture_output=True, text=True, check=False, timeout=300)


def test_sql_stops_at_max_rows_and_says_so_on_stderr(ws: Path) -> None:
    res = sql(ws, "SELECT range AS n FROM range(25) ORDER BY n", "--max-rows", "10", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert [r["n"] for r in json.loads(res.stdout)] == list(range(10))
    assert "cut after the first 10 rows" in res.stderr
    assert res.stderr.strip().count("\n") == 0


def test_sql_caps_at_ten_thousand_rows_by_default(ws: Path) -> None:
    res = sql(ws, "SELECT range AS n FROM range(20000)", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) == 1 + 10_000
    assert "cut after the first 10,000 rows" in res.stderr


def test_sql_says_nothing_when_every_row_fits(ws: Path) -> None:
    exact = sql(ws, "SELECT range AS n FROM range(10)", "--max-rows", "10", "--format", "csv")
    assert exact.returncode == 0, exact.stderr
    assert len(exact.stdout.splitlines()) == 11
    assert exact.stderr == ""
    limited = sql(ws, "SELECT range AS n FROM range(50)", "--limit", "5", "--format", "csv")
    assert len(limited.stdout.splitlines()) == 6
    assert limited.stderr == ""  # --limit asked for fewer rows: nothing was cut against the user's will


def test_sql_json_streamed_in_batches_is_the_same_array(ws: Path) -> None:
    res = sql(ws, "SELECT range AS n, 'x' || range AS s FROM range(2500) ORDER BY n", "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = [{"n": i, "s": f"x{i}"} for i in range(2500)]
    assert res.stdout == to_json(rows) + "\n"
    empty = sql(ws, "SELECT 1 AS n WHERE false", "--format", "json")
    assert empty.stdout == "[]\n"


def test_sql_shows_the_first_rows_of_an_endless_query(ws: Path) -> None:
    res = sql(ws, ENDLESS, "--max-rows", "5", "--format", "csv", "--timeout", "60")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["n", "0", "1", "2", "3", "4"]
    with stream_read_only(ws / "analytics.duckdb", ENDLESS, max_rows=None, timeout=60) as stream:
        first = next(stream.batches(100))
    assert [r["n"] for r in first] == list(range(100))


def test_sql_stops_a_query_past_its_timeout_with_one_line(ws: Path) -> None:
    res = sql(ws, "SELECT count(*) FROM range(1000000000000)", "--timeout", "0.5")
    assert res.returncode == 1
    assert res.stdout == ""
    line = res.stderr.strip()
    assert "\n" not in line
    assert line.startswith("Error: the query ran longer than 0.5 s and was stopped")
