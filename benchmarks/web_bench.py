"""p95 latency of the Today page and GET /api/brief under 20 concurrent clients on 127.0.0.1.

Generates the demo shop (or reuses ``--workspace``), starts ``ecomops serve`` on it in its own
process (as an operator would: one process holds the store), waits for the day's brief (its
build time is reported separately: it is cached per import), then fires a bounded number of
requests from 20 client threads at each endpoint. Baseline, measured in the same run under the
same load: ``/health`` (the stack's floor: routing, middleware, no work). Target: p95 <= 200 ms.

    .venv/bin/python benchmarks/web_bench.py --scale 1 --requests 400 --workspace /tmp/web-bench-ws

``--workspace DIR`` reuses DIR when it holds a workspace, else generates the demo into it (kept).
The figures depend on the machine's load: the script prints the load average next to them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ecomops.web.accounts import Accounts, UserNotFound
from ecomops.workspace import Workspace

END = dt.date(2026, 11, 24)


def make_workspace(scale: float, root: Path, target: Path | None = None) -> Path:
    from ecomops.demo import generate
    from ecomops.ingest.service import import_folder

    started = time.perf_counter()
    generate(root / "data", scale=scale, seed=7, end=END)
    target = target or root / "ws"
    ws = Workspace.init(target)
    try:
        import_folder(ws, root / "data")
    finally:
        ws.close()
    print(f"demo scale {scale}: generated and imported in {time.perf_counter() - started:.1f} s")
    return target


def fire(url: str, n: int, clients: int, headers: dict[str, str], cookies: dict[str, str]) -> list[float]:
    """``n`` GETs of ``url`` from ``clients`` threads (keep-alive connections); seconds each."""

    def worker(count: int) -> list[float]:
        out = []
        with httpx.Client(headers=headers, cookies=cookies, timeout=120) as c:
            for _ in range(count):
                t = time.perf_counter()
                r = c.get(url)
                out.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {r.status_code}")
        return out

    share = [n // clients + (1 if i < n % clients else 0) for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        return [s for part in pool.map(worker, share) for s in part]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("ecomops serve exited")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("ecomops serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="demo scale (1.0 = the demo's size)")
    ap.add_argument("--workspace", type=Path, help="reuse (or keep) the workspace in this folder")
    ap.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.workspace is not None and (args.workspace / "ecomops.toml").exists():
            root = args.workspace
        else:
            root = make_workspace(args.scale, Path(tmp), args.workspace)
        ws = Workspace.open(root)
        accounts = Accounts(ws.app_sessions)
        try:
            user = accounts.get("bench")
        except UserNotFound:
            user = accounts.add_user("bench", "viewer", "bench-password")
        session, _ = accounts.start_session(user)
        token = accounts.new_token("bench")
        ws.close()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        ecomops = Path(sys.executable).parent / "ecomops"
        server = subprocess.Popen([str(ecomops), "--workspace", str(root), "serve", "--port", str(port)],
                                  stderr=subprocess.DEVNULL)
        try:
            wait_until_up(url, server)
            bearer = {"Authorization": f"Bearer {token}"}
            t = time.perf_counter()
            day = httpx.get(f"{url}/api/brief", headers=bearer, timeout=600).json()["date"]
            print(f"brief of {day} ready {time.perf_counter() - t:.1f} s after start-up "
                  "(built once, then cached per import)")
            cookie = {"ecomops_session": session}
            fire(f"{url}/health", 40, 4, {}, {})  # warm connections and code paths
            fire(f"{url}/today?date={day}", 20, 4, {}, cookie)
            load = os.getloadavg()[0]
            alone = {  # one client: the time one request takes (the machine may be shared)
                "/health (baseline)": fire(f"{url}/health", 50, 1, {}, {}),
                "Today page": fire(f"{url}/today?date={day}", 50, 1, {}, cookie),
                "/api/brief": fire(f"{url}/api/brief?date={day}", 50, 1, bearer, {}),
            }
            results = {
                "/health (baseline)": fire(f"{url}/health", args.requests, args.clients, {}, {}),
                "Today page": fire(f"{url}/today?date={day}", args.requests, args.clients, {}, cookie),
                "/api/brief": fire(f"{url}/api/brief?date={day}", args.requests, args.clients,
                                   bearer, {}),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    base = p95(results["/health (baseline)"])
    print(f"{args.clients} concurrent clients, {args.requests} requests per endpoint, 127.0.0.1, "
          f"{os.cpu_count()} cores, load average {load:.1f} before the run")
    for label, samples in results.items():
        print(f"  {label:20s} p50 {statistics.median(samples) * 1000:7.1f} ms   p95 {p95(samples):7.1f} ms"
              f"   ({p95(samples) / base:5.1f}x baseline p95)   target p95 <= 200 ms"
              f"   one client alone: p50 {statistics.median(alone[label]) * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
