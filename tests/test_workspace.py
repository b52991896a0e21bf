"""Workspace creation, settings and the read-only SQL command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecomops.errors import ConfigError, QueryRefused, WorkspaceError
from ecomops.settings import Settings, load_settings, render_template
from ecomops.store.query import run_read_only
from ecomops.store.schema import TABLES
from ecomops.workspace import Workspace


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecomops.cli.main", *args],
        capture_output=True, text=True, env=env, check=False,
    )


def test_init_creates_config_stores_and_every_contract_table(tmp_path: Path) -> None:
    res = cli("--workspace", str(tmp_path / "w"), "init")
    assert res.returncode == 0, res.stderr
    for name in ("ecomops.toml", "analytics.duckdb", "app.db", "rejects"):
        assert (tmp_path / "w" / name).exists()
    out = cli("--workspace", str(tmp_path / "w"), "sql",
              "SELECT table_name FROM information_schema.tables", "--format", "json")
    assert out.returncode == 0, out.stderr
    names = {r["table_name"] for r in json.loads(out.stdout)}
    assert set(TABLES) <= names


def test_workspace_defaults_to_environment_variable(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "ECOMOPS_WORKSPACE": str(tmp_path / "envws")}
    assert cli("init", env=env).returncode == 0
    assert (tmp_path / "envws" / "ecomops.toml").is_file()


def test_template_documents_every_setting() -> None:
    text = render_template()
    for section, model in Settings.model_fields.items():
        assert f"[{section}]" in text
        for name in model.annotation.model_fields:  # type: ignore[union-attr]
            assert re.search(rf"^{name} = ", text, re.M), f"{section}.{name} undocumented"


def test_template_round_trips_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "ecomops.toml"
    path.write_text(render_template(), encoding="utf-8")
    assert load_settings(path, environ={}) == Settings()


def test_environment_overrides_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "ecomops.toml"
    path.write_text(render_template(), encoding="utf-8")
    s = load_settings(path, environ={"ECOMOPS_STORE__CURRENCY": "USD"})
    assert s.store.currency == "USD"


def test_bad_setting_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "ecomops.toml"
    path.write_text('[store]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"store\.timezone"):
        load_settings(path, environ={})


def test_open_refuses_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not an ecomops workspace"):
        Workspace.open(tmp_path)


def test_reopening_migrates_a_store_missing_a_column(workspace: Workspace) -> None:
    workspace.analytics.execute("ALTER TABLE orders DROP COLUMN carrier")
    workspace.close()
    ws = Workspace.open(workspace.root)
    cols = {r[0] for r in ws.analytics.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name='orders'"
    ).fetchall()}
    ws.close()
    assert "carrier" in cols


def test_app_database_is_at_newest_migration(workspace: Workspace) -> None:
    from sqlalchemy import text

    with workspace.app_sessions() as s:
        version = s.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM orders",
        "INSERT INTO orders (order_id) VALUES ('x')",
        "DROP TABLE orders",
        "COPY orders TO 'out.csv'",
        "ATTACH 'other.duckdb'",
        "SELECT 1; DELETE FROM orders",
    ],
)
def test_sql_refuses_statements_that_change_data(workspace: Workspace, statement: str) -> None:
    path = workspace.analytics_path
    workspace.close()
    with pytest.raises(QueryRefused):
        run_read_only(path, statement)


def test_sql_cannot_read_files_outside_the_store(workspace: Workspace) -> None:
    path = workspace.analytics_path
    workspace.close()
    with pytest.raises(QueryRefused, match="disabled"):
        run_read_only(path, "SELECT * FROM read_csv('/etc/hostname')")


def test_cli_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    res = cli("--workspace", str(tmp_path / "missing"), "sql", "SELECT 1")
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().count("\n") == 0
    assert "not an ecomops workspace" in res.stderr


def test_sql_csv_output(tmp_path: Path) -> None:
    assert cli("--workspace", str(tmp_path / "w"), "init").returncode == 0
    res = cli("--workspace", str(tmp_path / "w"), "sql", "SELECT 1 AS a, 'x' AS b", "--format", "csv")
    assert res.stdout.splitlines() == ["a,b", "1,x"]


def test_head_revision_constant_names_alembic_head() -> None:
    from alembic.script import ScriptDirectory

    from ecomops.store.appdb import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() == HEAD_REVISION
