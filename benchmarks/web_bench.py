"""p95 latency of the Today page and GET /api/brief under 20 concurrent clients on 127.0.0.1.

Generates the demo shop (or reuses ``--workspace``), serves it with uvicorn on a thread, builds the
day's brief once (reported separately: it is cached per import), then fires a bounded number of
requests from 20 client threads at each endpoint. Baseline, measured in the same run under the
same load: ``/health`` (the stack's floor: routing, middleware, no work). Target: p95 <= 200 ms.

    .venv/bin/python benchmarks/web_bench.py --scale 0.2 --requests 400
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from ecomops.web.accounts import Accounts
from ecomops.web.app import create_app
from ecomops.web.service import BackgroundServer
from ecomops.workspace import Workspace

END = dt.date(2026, 11, 24)


def make_workspace(scale: float, root: Path) -> Path:
    from ecomops.demo import generate
    from ecomops.ingest.service import import_folder

    started = time.perf_counter()
    generate(root / "data", scale=scale, seed=7, end=END)
    ws = Workspace.init(root / "ws")
    try:
        import_folder(ws, root / "data")
    finally:
        ws.close()
    print(f"demo scale {scale}: generated and imported in {time.perf_counter() - started:.1f} s")
    return root / "ws"


def fire(url: str, n: int, clients: int, headers: dict[str, str], cookies: dict[str, str]) -> list[float]:
    """``n`` GETs of ``url`` from ``clients`` threads (keep-alive connections); seconds each."""

    def worker(count: int) -> list[float]:
        out = []
        with httpx.Client(headers=headers, cookies=cookies, timeout=60) as c:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="demo scale (1.0 = the demo's size)")
    ap.add_argument("--workspace", type=Path, help="reuse a workspace instead of generating one")
    ap.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    ap.add_argument("--clients", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.workspace or make_workspace(args.scale, Path(tmp))
        ws = Workspace.open(root)
        accounts = Accounts(ws.app_sessions)
        name = f"bench-{int(time.time())}"
        user = accounts.add_user(name, "viewer", "bench-password")
        session, _ = accounts.start_session(user)
        token = accounts.new_token(name)
        app = create_app(ws)
        day = END if args.workspace is None else app.state.console.briefs.default_date()
        t = time.perf_counter()
        app.state.console.briefs.get(day)
        print(f"brief of {day} built once in {time.perf_counter() - t:.1f} s (then cached per import)")
        with BackgroundServer(app) as srv:
            cookie = {"ecomops_session": session}
            bearer = {"Authorization": f"Bearer {token}"}
            fire(f"{srv.url}/health", 40, 4, {}, {})  # warm connections and code paths
            results = {
                "/health (baseline)": fire(f"{srv.url}/health", args.requests, args.clients, {}, {}),
                "Today page": fire(f"{srv.url}/today?date={day}", args.requests, args.clients, {}, cookie),
                "/api/brief": fire(f"{srv.url}/api/brief?date={day}", args.requests, args.clients,
                                   bearer, {}),
            }
        ws.close()
    base = p95(results["/health (baseline)"])
    print(f"{args.clients} concurrent clients, {args.requests} requests per endpoint, 127.0.0.1")
    for label, samples in results.items():
        print(f"  {label:20s} p50 {statistics.median(samples) * 1000:7.1f} ms   p95 {p95(samples):7.1f} ms"
              f"   ({p95(samples) / base:5.1f}x baseline p95)   target p95 <= 200 ms")


if __name__ == "__main__":
    main()
