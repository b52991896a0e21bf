"""Import: the demo shop's files (DATA.md templates written by the generator) import cleanly."""

from __future__ import annotations

import csv
from pathlib import Path

from ecomops.settings import CONFIG_NAME, load_settings
from ecomops.store.appdb import ImportRun
from ecomops.store.schema import TABLES
from ecomops.workspace import Workspace


def _data_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_demo_files_import_every_table_without_rejects(demo_dir: Path, demo_workspace: Path) -> None:
    ws = Workspace(demo_workspace, load_settings(demo_workspace / CONFIG_NAME))
    try:
        with ws.app_sessions() as session:
            (run,) = session.query(ImportRun).all()
        summary = run.summary
        assert run.finished_at is not None
        assert summary["total_rejected"] == 0
        assert run.rejects_path is None
        files = {f["file"]: f for f in summary["files"]}
        assert files["ground_truth.json"]["status"] == "skipped"
        con = ws.read_only_analytics()
        try:
            for name in TABLES:
                f = files[f"{name}.csv"]
                assert (f["status"], f["profile"], f["table"]) == ("imported", "template", name)
                assert f["read"] == _data_rows(demo_dir / f"{name}.csv") > 0
                stored = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
                assert stored == f["inserted"] == f["read"] - f["tables"][0]["duplicates"]
        finally:
            con.close()
    finally:
        ws.close()
