"""The ``replenish`` command end to end, in a subprocess (one: starting the CLI costs seconds).

In its own module so that no test of this process holds the demo store open meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from ecomops.inventory.replenish import PLAN_COLUMNS

DAY = dt.date(2026, 11, 24)  # conftest.DEMO_END


def test_replenish_json_rows_carry_the_contract_fields(demo_workspace: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "ecomops.cli.main", "--workspace", str(demo_workspace),
                          "replenish", "--date", DAY.isoformat(), "--format", "json", "--fast"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert rows
    assert set(PLAN_COLUMNS) <= set(rows[0])
    assert {r["risk"] for r in rows} <= {"high", "medium", "low"}
    dated = [r for r in rows if r["stockout_date"] is not None]
    assert dated
    assert all(dt.date.fromisoformat(r["stockout_date"]) >= DAY for r in dated)
