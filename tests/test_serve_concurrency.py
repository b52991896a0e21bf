"""The command line works while ``ecomops serve`` runs on the same workspace (a real server process).

Reads (brief, sql, replenish, inventory exports) and user administration run next to the console;
an import waits for the console's requests in flight, and the console shows its rows afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

D = "2026-11-24"  # conftest.DEMO_END


def cli(ws: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecomops.cli.main", "--workspace", str(ws), *args],
        capture_output=True, text=True, input=stdin, check=False, timeout=600,
    )


@pytest.fixture(scope="module")
def served(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A copy of the demo workspace and the URL of ``ecomops serve`` running on it."""
    ws = tmp_path_factory.mktemp("served") / "ws"
    shutil.copytree(demo_workspace, ws)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (ws.parent / "serve.log").open("w", encoding="utf-8")
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from ecomops.cli.main import run; run()")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--workspace", str(ws), "serve", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (ws.parent / "serve.log").read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the console did not start"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            time.sleep(0.2)
        yield ws, url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
            log.close()
    said = (ws.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in said, said


@pytest.fixture(scope="module")
def token(served: tuple[Path, str]) -> str:
    """``user add`` and ``user token`` while the console runs (the app database is shared)."""
    ws, _url = served
    added = cli(ws, "user", "add", "ops", "--role", "operator", "--password-stdin",
                stdin="concurrent-pass-1\n")
    assert added.returncode == 0, added.stderr
    made = cli(ws, "user", "token", "ops")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def _api(url: str, token: str, path: str, **params: str) -> Any:
    r = httpx.get(f"{url}{path}", params=params, headers={"Authorization": f"Bearer {token}"},
                  timeout=300)
    assert r.status_code == 200, r.text[:500]
    return r.json()


def test_users_added_on_the_command_line_sign_in_to_the_running_console(
    served: tuple[Path, str], token: str,
) -> None:
    _ws, url = served
    assert _api(url, token, "/api/me")["name"] == "ops"


def test_brief_and_sql_run_while_the_console_serves(served: tuple[Path, str], token: str) -> None:
    ws, url = served
    _api(url, token, "/api/brief", date=D)  # the console has the store open right now
    brief = cli(ws, "brief", "--date", D, "--format", "json")
    assert brief.returncode == 0, brief.stderr
    assert json.loads(brief.stdout)["date"] == D
    sql = cli(ws, "sql", "SELECT count(*) AS n FROM orders", "--format", "json")
    assert sql.returncode == 0, sql.stderr
    assert json.loads(sql.stdout)[0]["n"] > 0


def test_replenish_and_inventory_exports_run_while_the_console_serves(
    served: tuple[Path, str], tmp_path: Path,
) -> None:
    ws, _url = served
    plan = cli(ws, "replenish", "--date", D, "--fast", "--format", "json")
    assert plan.returncode == 0, plan.stderr
    assert isinstance(json.loads(plan.stdout), list)
    out = tmp_path / "plan.xlsx"
    xlsx = cli(ws, "replenish", "--date", D, "--fast", "--format", "xlsx", "--out", str(out))
    assert xlsx.returncode == 0, xlsx.stderr
    assert out.stat().st_size > 0
    slow = cli(ws, "inventory", "slow-movers", "--date", D, "--format", "csv")
    assert slow.returncode == 0, slow.stderr
    assert slow.stdout.startswith("sku,")


def test_an_import_on_the_command_line_is_shown_by_the_running_console(
    served: tuple[Path, str], token: str, tmp_path: Path,
) -> None:
    ws, url = served

    def orders_on_the_day() -> float:
        rows = _api(url, token, "/api/series", metric="orders", start=D, end=D)["rows"]
        return float(rows[0][-1])

    def brief_orders() -> float:
        kpis = _api(url, token, "/api/brief", date=D)["kpis"]
        return float(next(k["value"] for k in kpis if k["metric"] == "orders"))

    before, brief_before = orders_on_the_day(), brief_orders()
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,channel,order_time,status,payment_amount\n"
        f"CONC-1,tmall,{D} 12:00:00,paid,99.00\nCONC-2,jd,{D} 13:00:00,paid,59.00\n",
        encoding="utf-8")
    (folder / "order_lines.csv").write_text(
        "order_id,sku,quantity,unit_price\nCONC-1,SKU-0001,1,99.00\nCONC-2,SKU-0001,1,59.00\n",
        encoding="utf-8")
    imported = cli(ws, "import", str(folder), "--quiet")
    assert imported.returncode == 0, imported.stderr
    assert orders_on_the_day() == before + 2
    assert brief_orders() == brief_before + 2
