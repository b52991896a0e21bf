"""Generated ratio-KPI incidents in the shape of real funnels, with their known root causes.

A case is a leaf table ``orders / visitors`` over 4-5 dimensions: leaf traffic is long-tailed
(1 to 1e5 visitors, from Zipf-like popularity of each dimension value times leaf noise),
conversion varies by dimension value and leaf, the expected rate comes from a noisy history
(a leaf with 3 visitors a day has an unreliable expected rate, as in real data), the day adds
overdispersion on top of binomial sampling, and 1-3 root-cause elements of 1-3 attributes change
their conversion rate (sometimes their traffic too). An element is only injected when its change is
clearly larger than its own noise (``min_sigma``), so that it is findable in principle.

Used by the benchmark (``benchmarks/rca_bench.py``) and the tests; parameters not fixed by the
caller are drawn from the seed, so one setting covers many shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RatioCase:
    leaves: pd.DataFrame  # dims + orders, visitors, expected_orders, expected_visitors
    dims: list[str]
    root_causes: list[dict[str, str]]


# Benchmark settings: (attributes per element, number of elements), as in Squeeze's B0.
RATIO_SETTINGS: dict[str, dict[str, int]] = {
    f"ratio_layer_{layer}_n_ele_{n}": {"layer": layer, "n_elements": n}
    for layer in (1, 2, 3)
    for n in (1, 2, 3)
}


def _zipf_logs(rng: np.random.Generator, k: int) -> np.ndarray:
    s = rng.uniform(0.5, 1.5)
    return -s * np.log(rng.permutation(np.arange(1, k + 1)))


def make_ratio_case(
    seed: int,
    *,
    layer: int = 1,
    n_elements: int = 1,
    n_dims: int | None = None,
    min_sigma: float = 6.0,
    max_volume: float = 1e5,
) -> RatioCase:
    """One ratio incident; everything not given is drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    n_dims = int(rng.choice([4, 5])) if n_dims is None else n_dims
    lo, hi = (4, 13) if n_dims == 4 else (3, 9)
    cards = [int(rng.integers(lo, hi)) for _ in range(n_dims)]
    dims = [f"{chr(ord('a') + i)}" for i in range(n_dims)]
    grids = np.meshgrid(*[np.arange(k) for k in cards], indexing="ij")
    codes = [g.ravel() for g in grids]
    keep = rng.random(len(codes[0])) >= rng.uniform(0.0, 0.3)  # some combinations never occur
    codes = [c[keep] for c in codes]
    n = len(codes[0])

    # Traffic: long-tailed, from 1 to max_volume expected visitors a day.
    log_vol = sum(_zipf_logs(rng, k)[c] for k, c in zip(cards, codes, strict=True))
    log_vol = log_vol + rng.normal(0, rng.uniform(0.5, 1.5), n)
    span = (log_vol - log_vol.min()) / (log_vol.max() - log_vol.min())
    volume = np.exp(span * np.log(max_volume))

    # Conversion: a base rate, dimension-value effects, leaf effects.
    log_rate = np.log(rng.uniform(0.01, 0.12)) + rng.normal(0, 0.25, n)
    for k, c in zip(cards, codes, strict=True):
        log_rate = log_rate + rng.normal(0, 0.3, k)[c]
    rate = np.clip(np.exp(log_rate), 1e-4, 0.8)

    # The expected rate comes from a history of 7-28 days (noisy for small leaves).
    hist_vis = rng.poisson(volume * rng.uniform(7, 28))
    hist_orders = rng.binomial(hist_vis, rate)
    overall = hist_orders.sum() / max(hist_vis.sum(), 1)
    expected_rate = np.where(hist_vis > 0, hist_orders / np.maximum(hist_vis, 1), overall)
    expected_visitors = volume * np.exp(rng.normal(0, rng.uniform(0.0, 0.1), n))

    labels = [
        np.array([f"{d}{i + 1}" for i in range(k)], dtype=object) for d, k in zip(dims, cards, strict=True)
    ]
    overdispersion = rng.uniform(0.0, 0.15)
    traffic_noise = rng.uniform(0.0, 0.1)
    true_rate = rate * np.exp(rng.normal(0, overdispersion, n))
    visitor_mean = volume * np.exp(rng.normal(0, traffic_noise, n))

    # Root causes: elements of `layer` attributes, none an ancestor of another, each with a
    # rate change clearly above its own noise.
    chosen: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    factor = np.ones(n)
    traffic = np.ones(n)
    cuboids = list(combinations(range(n_dims), layer))
    for _ in range(400):
        if len(chosen) == n_elements:
            break
        cub = cuboids[int(rng.integers(len(cuboids)))]
        vals = tuple(int(rng.integers(cards[d])) for d in cub)
        if any(set(zip(cub, vals, strict=True)) == set(zip(c, v, strict=True)) for c, v in chosen):
            continue
        inside = np.ones(n, dtype=bool)
        for d, v in zip(cub, vals, strict=True):
            inside &= codes[d] == v
        if not inside.any() or visitor_mean[inside].sum() > 0.5 * visitor_mean.sum():
            continue
        magnitude = rng.uniform(0.2, 0.6)
        change = -magnitude if rng.random() < 0.7 else magnitude
        events = visitor_mean[inside] * true_rate[inside]
        sd = np.sqrt(
            (events * (1 - true_rate[inside])).sum()
            + ((overdispersion * events) ** 2).sum()
            + (events**2 / np.maximum(hist_orders[inside], 1)).sum()
        )
        if abs(change) * events.sum() < min_sigma * sd:
            continue
        chosen.append((cub, vals))
        factor[inside] *= 1 + change
        if rng.random() < 0.3:
            traffic[inside] *= rng.uniform(0.6, 1.4)

    visitors = rng.poisson(visitor_mean * traffic)
    orders = rng.binomial(visitors, np.clip(true_rate * factor, 0, 1))
    frame = pd.DataFrame({d: lab[c] for d, lab, c in zip(dims, labels, codes, strict=True)})
    frame["orders"] = orders.astype(float)
    frame["visitors"] = visitors.astype(float)
    frame["expected_orders"] = expected_visitors * expected_rate
    frame["expected_visitors"] = expected_visitors
    truth = [{dims[d]: str(labels[d][v]) for d, v in zip(cub, vals, strict=True)} for cub, vals in chosen]
    return RatioCase(frame, dims, truth)
