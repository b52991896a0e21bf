"""Scale: forecast + replenishment plan for a big catalogue (target: 20k SKUs x 2 years <= 5 min on 2 cores).

Synthetic daily demand with mixed demand classes (a quarter each): smooth (Poisson, weekly
pattern), erratic (negative binomial, high dispersion), intermittent (sparse small quantities) and
lumpy (sparse large quantities), plus stock positions, suppliers, lead times and MOQs. Runs, in
one process:

- baseline: ``forecast_demand`` without cross-validation (one default model per demand class)
  + ``replenish.plan``;
- chosen: ``forecast_demand`` with rolling-origin cross-validation over the candidates (ETS and
  Theta on the busiest continuous series) + ``replenish.plan``. Above ``ForecastConfig.large``
  series (5,000) it runs the large-catalogue settings: fewer candidates, one CV window, ETS and
  Theta on the 50 busiest series' last year.

Prints both times (wall and CPU, the CPU of the statsforecast worker processes included), their
ratio, the load average (the machine may be shared) and the chosen run against the 300 s budget.

    .venv/bin/python benchmarks/replenish_bench.py --skus 20000 --days 730 --n-jobs 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np
import pandas as pd

from ecomops.inventory import replenish
from ecomops.inventory.forecast import ForecastConfig, forecast_demand

AS_OF = dt.date(2026, 11, 24)
BUDGET_S = 300.0


def synthetic(skus: int, days: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``sales`` (unique_id, ds, y; sale days only), ``positions`` and ``products``."""
    rng = np.random.default_rng(seed)
    kind = np.arange(skus) % 4
    level = np.exp(rng.normal(0.5, 1.0, skus))
    week = 1 + 0.3 * np.sin(2 * np.pi * (np.arange(days) % 7) / 7)
    lam = level[:, None] * week[None, :]
    y = np.zeros((skus, days))
    smooth, erratic, inter, lumpy = (kind == k for k in range(4))
    y[smooth] = rng.poisson(lam[smooth] + 1.0)
    y[erratic] = rng.negative_binomial(0.6, 0.6 / (0.6 + lam[erratic] + 1.0))
    p = rng.uniform(0.05, 0.5, skus)[:, None]
    hit = rng.random((skus, days)) < p
    y[inter] = (hit[inter] * (1 + rng.poisson(0.5, (int(inter.sum()), days))))
    y[lumpy] = (hit[lumpy] * rng.geometric(0.15, (int(lumpy.sum()), days)))
    ids = np.array([f"SKU-{i:06d}@main" for i in range(skus)])
    ds = pd.date_range(end=pd.Timestamp(AS_OF), periods=days, freq="D").to_numpy()
    row, col = np.nonzero(y)
    sales = pd.DataFrame({"unique_id": ids[row], "ds": ds[col], "y": y[row, col]})
    recent = y[:, -28:].mean(axis=1)
    cover = rng.choice([0.0, 5.0, 20.0, 45.0, 120.0], size=skus)
    sku = np.array([f"SKU-{i:06d}" for i in range(skus)])
    positions = pd.DataFrame({
        "unique_id": ids, "sku": sku, "warehouse": "main", "on_hand": np.round(cover * recent),
        "reserved": 0, "inbound": np.where(rng.random(skus) < 0.2, np.round(30 * recent), 0),
        "inbound_eta": pd.Timestamp(AS_OF) + pd.to_timedelta(rng.integers(1, 30, skus), unit="D"),
    })
    products = pd.DataFrame({
        "sku": sku, "title": sku, "category": [f"cat-{k % 40}" for k in range(skus)],
        "price": np.round(rng.uniform(10, 500, skus), 2), "cost": np.round(rng.uniform(5, 250, skus), 2),
        "supplier": [f"supplier-{k % 60}" for k in range(skus)],
        "lead_time_days": rng.choice([7, 14, 21, 35], size=skus),
        "moq": rng.choice([1, 10, 50, 100], size=skus),
        "status": "on_sale",
    })
    return sales, positions, products


def once(sales: pd.DataFrame, positions: pd.DataFrame, products: pd.DataFrame, cfg: ForecastConfig,
         ) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    t0, c0 = time.perf_counter(), _cpu()
    result = forecast_demand(sales, AS_OF, cfg)
    rows = replenish.plan(positions, products, result.forecast,
                          result.series[["unique_id", "rmse", "demand_class", "method"]], AS_OF)
    replenish.purchase_orders(rows)
    print(f"  cpu {_cpu() - c0:.1f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    return time.perf_counter() - t0, rows, result.series


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skus", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--n-jobs", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    sales, positions, products = synthetic(args.skus, args.days)
    print(f"{args.skus} SKUs x {args.days} days: {len(sales):,} sale rows, generated in "
          f"{time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    horizon = 35 + 30 + 1  # longest lead time + target cover
    base_s, _, _ = once(sales, positions, products,
                        ForecastConfig(horizon=horizon, select=False, n_jobs=args.n_jobs))
    print(f"baseline (no cross-validation): {base_s:.1f} s", flush=True)
    full_s, rows, series = once(sales, positions, products,
                                ForecastConfig(horizon=horizon, n_jobs=args.n_jobs))
    print(f"chosen (cross-validated model choice): {full_s:.1f} s")
    print(f"ratio chosen / baseline: {full_s / base_s:.2f}")
    print("demand classes:", series["demand_class"].value_counts().to_dict())
    print("risk:", rows["risk"].value_counts().to_dict())
    verdict = "ok" if full_s <= BUDGET_S else "MISSED"
    print(f"forecast + plan {full_s:.1f} s against a {BUDGET_S:.0f} s budget: {verdict}")
    return 0 if full_s <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
