"""``generate`` is deterministic per seed; ``ecomops demo`` builds a workspace a user can open."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from typer.testing import CliRunner

from ecomops.cli.demo_cmds import _prepare
from ecomops.cli.main import app
from ecomops.demo import generate, ground_truth
from ecomops.errors import InputError, WorkspaceError

END = dt.date(2026, 11, 24)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_generate_repeats_itself_exactly_for_the_same_seed(demo_dir: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale=0.05, seed=11, end=END)  # the demo_dir fixture's arguments
    assert digest(tmp_path / "again") == digest(demo_dir)
    assert ground_truth(tmp_path / "again") == again.incidents


def test_generate_gives_another_shop_for_another_seed_and_keeps_the_catalogue_at_tiny_scale(
    tmp_path: Path,
) -> None:
    a = generate(tmp_path / "a", scale=0.01, seed=1, end=END, fmt="parquet")
    b = generate(tmp_path / "b", scale=0.01, seed=2, end=END, fmt="parquet")
    assert digest(tmp_path / "a")["orders.parquet"] != digest(tmp_path / "b")["orders.parquet"]
    assert a.incidents != b.incidents
    assert a.rows["products"] >= 200
    assert b.rows["products"] >= 200
    assert 5_000 < a.rows["order_lines"] < 20_000  # about 1M lines per unit of scale


def test_generate_refuses_a_scale_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="scale"):
        generate(tmp_path, scale=0, end=END)


def test_demo_command_imports_every_file_without_rejects_and_prints_the_workspace(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--scale", "0.02", "--seed", "5", "--end", END.isoformat(),
                                      "--dir", str(root), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(root.resolve())
    assert (root / "ecomops.toml").read_text(encoding="utf-8").count('name = "Demo Store"') == 1
    assert not any((root / "rejects").iterdir()), "the demo files are clean import examples"
    con = duckdb.connect(str(root / "analytics.duckdb"), read_only=True)
    try:
        for table in ("orders", "order_lines", "traffic", "ads", "inventory", "returns", "reviews"):
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            with (root / "data" / f"{table}.csv").open(encoding="utf-8") as f:
                csv_rows = sum(1 for _ in f) - 1
            assert rows == (csv_rows,), table
            assert csv_rows > 0, table
        last = con.execute("SELECT max(order_time)::DATE FROM orders").fetchone()
        assert last == (END,)
    finally:
        con.close()


def test_demo_command_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="not an ecomops demo"):
        _prepare(tmp_path, force=True)
    assert (tmp_path / "notes.txt").exists()


def test_demo_command_replaces_an_earlier_demo_only_with_force(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    (root / "data").mkdir(parents=True)
    (root / "ecomops.toml").write_text("[store]\n", encoding="utf-8")
    (root / "data" / "ground_truth.json").write_text("{}", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="already holds a demo"):
        _prepare(root, force=False)
    assert _prepare(root, force=True) == root
    assert not root.exists()


def test_demo_command_serves_the_console_with_a_demo_login_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = tmp_path / "demo"
    # Python's own SIGINT handler, as in a terminal (a background job may inherit SIGINT ignored).
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from ecomops.cli.main import run; run()")
    args = ["demo", "--scale", "0.01", "--seed", "3", "--end", END.isoformat(), "--dir", str(root),
            "--port", str(port)]
    said: list[str] = []
    with subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        assert proc.stderr is not None
        assert proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)  # type: ignore[union-attr]
        reader.start()
        try:
            deadline = time.monotonic() + 240
            while not any("Ctrl+C" in line for line in said):
                assert proc.poll() is None, "".join(said)
                assert time.monotonic() < deadline, "".join(said)
                with contextlib.suppress(queue.Empty):
                    said.append(lines.get(timeout=1))
            login = next(line for line in said if line.startswith("Console: "))
            assert f"http://127.0.0.1:{port}/" in login
            _sign_in(f"http://127.0.0.1:{port}", "demo", login.split("password: ")[1].strip())
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        out = proc.stdout.read()
        reader.join(timeout=10)
    said.extend(lines.queue)
    assert any(line.startswith("Console stopped.") for line in said), "".join(said)
    # Ctrl+C often lands while the start-up brief is still building: stopped, not an error
    assert not any("Traceback" in line or line.startswith("Error") for line in said), "".join(said)
    assert out.strip() == str(root.resolve())
    duckdb.connect(str(root / "analytics.duckdb")).close()  # the store's lock is released


def _sign_in(url: str, name: str, password: str) -> None:
    for _ in range(100):  # uvicorn binds just after the announcement
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        time.sleep(0.1)
    with httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None, form.text[:500]
        signed_in = client.post("/login", data={"login_token": token[1], "name": name, "password": password})
        assert signed_in.status_code == 303, signed_in.text[:500]
        assert signed_in.cookies, "a session cookie"
