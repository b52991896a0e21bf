"""``ecomops demo`` speed: generate the demo shop, import it, and a bare DuckDB load of the same files.

Each run in its own process (peak memory per run):

- generate: ``ecomops.demo.generate`` at ``--scale`` (1 = about 1M order lines), CSV files;
- import: ``import_folder`` of those files into a new workspace;
- bare: ``CREATE TABLE ... AS SELECT * FROM read_csv(...)`` of every file into a new DuckDB file.

Prints the three times, generate + import against the 120 s target, and import / bare.

    .venv/bin/python benchmarks/demo_bench.py --scale 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

STEP = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
kind, folder, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
scale, seed = float(sys.argv[4]), int(sys.argv[5])
t = time.perf_counter()
if kind == "generate":
    from ecomops.demo import generate
    rows = generate(folder, scale=scale, seed=seed, end=dt.date(2026, 11, 24)).rows
elif kind == "import":
    from ecomops.ingest.service import import_folder
    from ecomops.workspace import Workspace
    ws = Workspace.init(target)
    report = import_folder(ws, folder)
    ws.close()
    rows = {"rejected": report.total_rejected}
else:
    import duckdb
    con = duckdb.connect(str(target))
    for f in sorted(folder.glob("*.csv")):
        con.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_csv('{f}', header = true)")
    con.close()
    rows = {}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": peak, "rows": rows}))
"""


def run(kind: str, folder: Path, target: Path, scale: float, seed: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", STEP, kind, str(folder), str(target), str(scale), str(seed)],
                         check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        gen = run("generate", data, Path(tmp) / "unused", args.scale, args.seed)
        imp = run("import", data, Path(tmp) / "ws", args.scale, args.seed)
        bare = run("bare", data, Path(tmp) / "bare.duckdb", args.scale, args.seed)
    lines = gen["rows"]["order_lines"]  # type: ignore[index]
    total = gen["seconds"] + imp["seconds"]
    print(f"scale {args.scale:g}: {lines:,} order lines")
    print(f"generate        {gen['seconds']:7.1f} s  peak {gen['peak_mb']:6.0f} MB")
    print(f"import          {imp['seconds']:7.1f} s  peak {imp['peak_mb']:6.0f} MB  "
          f"rejected {imp['rows']['rejected']}")  # type: ignore[index]
    print(f"bare DuckDB     {bare['seconds']:7.1f} s  peak {bare['peak_mb']:6.0f} MB")
    print(f"generate+import {total:7.1f} s  (target 120 s: {total / 120:.2f}x)")
    print(f"import / bare   {imp['seconds'] / bare['seconds']:.2f}x")


if __name__ == "__main__":
    main()
