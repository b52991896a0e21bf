"""``ecomops explain`` per the CLI contract: CSV and Parquet in, JSON root causes out, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ecomops.localize.cases import make_ratio_case


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "ecomops.cli.main", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def test_explain_prints_contract_json_for_a_squeeze_csv(datasets: Path) -> None:
    case = datasets / "rca_squeeze" / "squeeze_B0_sample" / "B_cuboid_layer_2_n_ele_2" / "1450653900.csv"
    run = _cli("explain", str(case), "--dims", "a,b,c,d", "--value", "real", "--expected", "predict",
               "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    segments = [rc["segment"] for rc in data["root_causes"]]
    assert sorted(segments, key=str) == sorted([{"a": "a6", "b": "b9"}, {"c": "c2", "d": "d8"}], key=str)
    scores = [rc["score"] for rc in data["root_causes"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < rc["explains"] <= 1 for rc in data["root_causes"])
    assert data["dimensions"]
    assert {"dimension", "explanatory_power", "surprise", "values"} <= set(data["dimensions"][0])


def test_explain_reads_a_ratio_kpi_from_parquet(tmp_path: Path) -> None:
    case = make_ratio_case(seed=7, layer=2, n_elements=1)
    path = tmp_path / "funnel.parquet"
    pq.write_table(pa.Table.from_pandas(case.leaves, preserve_index=False), path)
    run = _cli("explain", str(path), "--dims", ",".join(case.dims), "--value", "orders",
               "--expected", "expected_orders", "--denominator", "visitors",
               "--expected-denominator", "expected_visitors", "--max", "3", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [rc["segment"] for rc in data["root_causes"]] == case.root_causes
    assert data["root_causes"][0]["observed_denominator"] > 0


def test_explain_names_the_file_and_the_missing_column_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "leaves.csv"
    path.write_text("a,b,real,predict\nx,y,1,2\nx,z,3,3\n", encoding="utf-8")
    run = _cli("explain", str(path), "--dims", "a,c", "--value", "real", "--expected", "predict",
               "--format", "json")
    assert run.returncode != 0
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "leaves.csv" in lines[0]
    assert "'c'" in lines[0]
