"""``ecomops brief`` on the command line: JSON alone on standard output, other formats to files."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecomops.cli.brief_cmds import yesterday
from ecomops.cli.main import app

D = "2026-11-24"  # conftest.DEMO_END


@pytest.fixture(scope="module")
def ws_copy(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, copied (the CLI opens it read-write)."""
    target = tmp_path_factory.mktemp("brief_cli") / "ws"
    shutil.copytree(demo_workspace, target)
    return target


def test_brief_json_prints_only_the_contract_object(ws_copy: Path) -> None:
    result = CliRunner().invoke(app, ["--workspace", str(ws_copy), "brief", "--date", D, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == D
    assert {"date", "store", "currency", "kpis", "findings", "actions"} <= set(data)
    assert data["kpis"][0]["metric"] == "gmv"
    assert data["kpis"][0]["value"] > 0
    for f in data["findings"]:
        assert {"id", "module", "metric", "segment", "process_step", "direction", "observed",
                "expected", "impact", "severity", "since", "summary", "evidence"} <= set(f)
    for a in data["actions"]:
        assert {"priority", "title", "owner_role", "due", "acceptance", "finding_ids"} <= set(a)


def test_brief_xlsx_without_out_is_refused(ws_copy: Path) -> None:
    result = CliRunner().invoke(app, ["--workspace", str(ws_copy), "brief", "--date", D, "--format", "xlsx"])
    assert result.exit_code != 0
    assert "--out" in str(result.exception)


def test_brief_on_a_missing_workspace_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "nope"), "brief", "--format", "json"])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "not an ecomops workspace" in str(result.exception)


@pytest.mark.slow
def test_brief_html_is_written_to_out(ws_copy: Path, tmp_path: Path) -> None:
    pytest.importorskip("ecomops.report.render")
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(
        app, ["--workspace", str(ws_copy), "brief", "--date", D, "--format", "html", "--out", str(out),
              "--lang", "en"],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", text), "the report must work offline"


def test_default_date_is_yesterday_in_the_store_time_zone() -> None:
    # 2026-11-25 01:30 in Shanghai is still 2026-11-24 in UTC.
    now = dt.datetime(2026, 11, 24, 17, 30, tzinfo=dt.UTC)
    assert yesterday("Asia/Shanghai", now) == dt.date(2026, 11, 24)
    assert yesterday("UTC", now) == dt.date(2026, 11, 23)


def test_eval_refuses_seeds_that_are_not_numbers() -> None:
    result = CliRunner().invoke(app, ["eval", "--seeds", "11,twelve"])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "whole numbers" in str(result.exception)


def test_eval_defaults_to_a_store_where_incidents_are_material() -> None:
    result = CliRunner().invoke(app, ["eval", "--help"])
    assert result.exit_code == 0
    assert "Example: ecomops eval" in result.stdout
    assert "0.25" in result.stdout
