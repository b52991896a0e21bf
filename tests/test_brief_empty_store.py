"""A workspace with nothing imported yet: the brief says what is missing instead of failing."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ecomops.cli.main import app
from ecomops.workspace import Workspace
from web_support import add_users, login


def test_brief_of_an_empty_store_leaves_every_kpi_unavailable_with_notes(tmp_path: Path) -> None:
    # Before: "unexpected ValueError: You are trying to merge on object and float64 columns".
    Workspace.init(tmp_path / "ws").close()
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), "brief", "--format", "json"])
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    assert brief["kpis"]
    assert {k["status"] for k in brief["kpis"]} == {"unavailable"}
    assert all(k["value"] is None for k in brief["kpis"])
    assert brief["findings"] == []
    assert brief["notes"]


def test_console_pages_of_an_empty_store_answer_without_a_server_error(tmp_path: Path) -> None:
    from ecomops.web.app import create_app

    ws = Workspace.init(tmp_path / "ws")
    try:
        add_users(ws, ("admin",))
        with TestClient(create_app(ws)) as client:
            login(client, "admin")
            for path in ("/", "/findings", "/sales", "/inventory", "/tasks", "/data", "/api/brief"):
                r = client.get(path)
                assert r.status_code < 500, (path, r.status_code, r.text[:300])
    finally:
        ws.close()
