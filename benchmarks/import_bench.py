"""Import speed: ``import_folder`` against a bare DuckDB ``read_csv`` load of the same files.

Generates N order lines with their orders (vectorised numpy, written as CSV by pyarrow) in a
temporary folder, then, each in its own process so peak memory is measured per run:

- bare: ``CREATE TABLE ... AS SELECT * FROM read_csv(...)`` of both files into a new DuckDB file;
- ecomops: ``import_folder`` into a new workspace (detection, validation, rejects, upserts).

Prints both times, their ratio and each run's peak RSS. Target: ratio <= 2, peak <= 4 GB.

    .venv/bin/python benchmarks/import_bench.py --lines 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(folder: Path, lines: int, seed: int = 7) -> None:
    """``orders.csv`` and ``order_lines.csv`` with ``lines`` order lines (about 2.5 per order)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    # 1-4 lines per order (mean 2.5): lines / 2 orders surely hold ``lines`` lines; cut there.
    per_order = rng.integers(1, 5, size=lines // 2 + 16)
    ends = np.cumsum(per_order)
    assert ends[-1] >= lines
    n_orders = int(np.searchsorted(ends, lines) + 1)
    per_order = per_order[:n_orders]
    per_order[-1] -= int(ends[n_orders - 1] - lines)
    order_idx = np.repeat(np.arange(n_orders), per_order)
    starts = np.cumsum(per_order) - per_order
    line_no = np.arange(lines) - np.repeat(starts, per_order) + 1
    order_ids = pc.binary_join_element_wise(
        "O", pa.array(np.char.zfill(np.arange(n_orders).astype(str), 9)), "")
    sku = rng.integers(0, 20_000, size=lines)
    qty = rng.integers(1, 6, size=lines)
    price = np.round(rng.gamma(2.0, 60.0, size=lines) + 1, 2)
    lines_tbl = pa.table({
        "order_id": pc.take(order_ids, pa.array(order_idx)),
        "line_no": line_no,
        "sku": pc.binary_join_element_wise("SKU", pa.array(np.char.zfill(sku.astype(str), 5)), ""),
        "quantity": qty,
        "unit_price": price,
    })
    pacsv.write_csv(lines_tbl, folder / "order_lines.csv")
    amount = np.bincount(order_idx, weights=qty * price, minlength=n_orders)
    base = np.datetime64("2024-01-01T00:00:00")
    secs = rng.integers(0, 730 * 86400, size=n_orders).astype("timedelta64[s]")
    order_time = base + secs
    paid = order_time + rng.integers(0, 3600, size=n_orders).astype("timedelta64[s]")
    channels = np.array(["tmall", "jd", "douyin", "shopify"])
    statuses = np.array(["paid", "shipped", "delivered", "delivered", "delivered", "cancelled"])
    sources = np.array(["search", "ads", "recommendation", "social", "direct", "other"])
    regions = np.array(["浙江", "广东", "江苏", "上海", "北京", "四川", "湖北", "山东"])
    orders_tbl = pa.table({
        "order_id": order_ids,
        "channel": channels[rng.integers(0, 4, size=n_orders)],
        "order_time": np.datetime_as_string(order_time, unit="s"),
        "customer_id": pc.binary_join_element_wise(
            "C", pa.array(rng.integers(0, lines // 4 + 1, size=n_orders).astype(str)), ""),
        "status": statuses[rng.integers(0, len(statuses), size=n_orders)],
        "paid_time": np.datetime_as_string(paid, unit="s"),
        "region": regions[rng.integers(0, len(regions), size=n_orders)],
        "traffic_source": sources[rng.integers(0, len(sources), size=n_orders)],
        "payment_amount": np.round(amount + 8, 2),
        "shipping_fee": np.full(n_orders, 8.0),
    })
    pacsv.write_csv(orders_tbl, folder / "orders.csv")


def run_bare(data: Path, work: Path) -> float:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(str(work / "bare.duckdb"))
    for name in ("orders", "order_lines"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{data / (name + '.csv')}')")
    con.close()
    return time.perf_counter() - started


def run_ecomops(data: Path, work: Path) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ecomops.ingest.profile import profiles
    from ecomops.ingest.service import import_folder
    from ecomops.workspace import Workspace

    profiles()  # imports the platform profiles' code (pandas...): loading code is not import work
    ws = Workspace.init(work / "ws")
    started = time.perf_counter()
    report = import_folder(ws, data)
    seconds = time.perf_counter() - started
    ws.close()
    if not report.ok or report.total_rejected:
        raise SystemExit(f"the import went wrong: {report.to_dict()}")
    return seconds


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    ``VmHWM`` where Linux has it: ``ru_maxrss`` survives ``exec`` on Linux, so a child would
    report its parent's peak (the data generator's) whenever that was higher than its own.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, data: Path, work: Path) -> None:
    seconds = run_bare(data, work) if kind == "bare" else run_ecomops(data, work)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb()}))


def measure(kind: str, data: Path, work: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data", str(data), "--work", str(work)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--child", choices=["bare", "ecomops"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.work)
        return
    with tempfile.TemporaryDirectory(prefix="import_bench_") as tmp:
        root = Path(tmp)
        data = root / "data"
        data.mkdir()
        t0 = time.perf_counter()
        generate(data, args.lines)
        size_mb = sum(p.stat().st_size for p in data.iterdir()) / 2**20
        print(f"generated {args.lines:,} order lines ({size_mb:,.0f} MB CSV) in "
              f"{time.perf_counter() - t0:.1f}s")
        bare_dir, ours_dir = root / "bare", root / "ours"
        bare_dir.mkdir()
        ours_dir.mkdir()
        bare = measure("bare", data, bare_dir)
        ours = measure("ecomops", data, ours_dir)
        print(f"bare DuckDB read_csv load : {bare['seconds']:7.2f} s  peak RSS {bare['peak_mb']:7.0f} MB")
        print(f"ecomops import_folder     : {ours['seconds']:7.2f} s  peak RSS {ours['peak_mb']:7.0f} MB")
        print(f"ratio ecomops / bare      : {ours['seconds'] / bare['seconds']:7.2f}x (target <= 2)")


if __name__ == "__main__":
    main()
