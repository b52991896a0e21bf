"""A second, independent generator of ratio-KPI incidents, shaped like labelled production ones.

Written from the description of real monitored ratio incidents (issue #14), not from the engine:

- 3-7 dimensions with 3-70 values each, but only 100-2,000 leaves exist (a sparse sample of the
  cross product, drawn from Zipf-like popularity of each value);
- denominators per leaf are heavily skewed: log-normal volumes with a median of about 13 and a
  top 1 % in the thousands (log-sd 2.2), Poisson-sampled, so about a tenth of the leaves have 0 in the
  anomalous interval;
- the expected value of each leaf is the mean of a few points (3-8) just before, each sampled
  like the interval itself (beta-binomial: binomial plus overdispersion), so it is noisy too;
- usually one root-cause element, sometimes two; depth 1 for most, two deep for about a third,
  three deep for a few; all leaves of an element move alike (one shift of the rate's log-odds);
- the whole KPI moves by 0.5 %-20 % (median about 5 %; the success side's rate, so stated as
  the failure rate the relative change can be larger), so most leaves' changes are noise;
- the same incident can be stated as a success rate or as its complement, the failure rate
  (``RealisticCase.columns``: both orientations are in every table);
- label noise as options: ``overspecified`` (the label adds a redundant condition, one that all
  or at least 80 % of the cause's traffic shares) and ``polluted`` (the last point before the
  incident is already partly abnormal, so the expected value carries some of the change).

Deterministic by seed: everything not given by the caller is drawn from it. Used by
``benchmarks/rca_bench.py`` (seeds below ``HELDOUT_SEED_START`` tune, the others are held out)
and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

Orientation = Literal["success", "failure"]

HELDOUT_SEED_START = 100_000  # seeds from here on are never used for tuning the engine
DEPTH_WEIGHTS = (0.6, 0.33, 0.07)  # share of causes one, two and three dimensions deep
TWO_CAUSES_SHARE = 0.2
MAX_TRIES = 300
REDUNDANT_SHARE = 0.8


@dataclass(frozen=True)
class RealisticCase:
    """A leaf table with both orientations and the labelled root causes.

    Columns: the dimensions, ``success``, ``failure``, ``total`` (the anomalous interval) and
    ``expected_success``, ``expected_failure``, ``expected_total`` (mean of the points before).
    """

    leaves: pd.DataFrame
    dims: list[str]
    root_causes: list[dict[str, str]]  # the labels (possibly noisy, see ``true_causes``)
    true_causes: list[dict[str, str]]  # the elements actually changed
    orientation: Orientation  # how the incident is stated
    kpi_change: float  # relative change of the stated KPI, observed total against expected
    meta: dict[str, float] = field(default_factory=dict)

    def columns(self, orientation: Orientation | None = None) -> tuple[str, str, str, str]:
        """(value, expected, denominator, expected_denominator) column names for ``explain``."""
        side = orientation or self.orientation
        return side, f"expected_{side}", "total", "expected_total"


def _popularity(rng: np.random.Generator, k: int) -> np.ndarray:
    weights = rng.permutation(np.arange(1, k + 1, dtype=float)) ** -rng.uniform(0.6, 1.4)
    return weights / weights.sum()


def _leaf_codes(rng: np.random.Generator, cards: list[int], n_leaves: int) -> np.ndarray:
    """Distinct value combinations (rows) sampled from independent popularities."""
    pops = [_popularity(rng, k) for k in cards]
    total = int(np.prod([float(k) for k in cards]))
    n_leaves = min(n_leaves, total)
    seen: dict[tuple[int, ...], None] = {}
    for _ in range(50):
        draw = np.column_stack(
            [rng.choice(k, size=4 * n_leaves, p=p) for k, p in zip(cards, pops, strict=True)]
        )
        for row in map(tuple, draw.tolist()):
            seen.setdefault(row, None)
            if len(seen) >= n_leaves:
                break
        if len(seen) >= n_leaves:
            break
    return np.asarray(list(seen), dtype=np.int64)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _betabinomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray, phi: float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return rng.binomial(n, rng.beta(p * phi, (1 - p) * phi))


def _mask(codes: np.ndarray, element: dict[int, int]) -> np.ndarray:
    inside = np.ones(len(codes), dtype=bool)
    for d, v in element.items():
        inside &= codes[:, d] == v
    return inside


def _shift_for(target: float, lam: np.ndarray, p: np.ndarray, inside: np.ndarray) -> float | None:
    """Log-odds shift of the stated rate inside the element that moves the total by ``target``."""
    base = float((lam * p).sum() / lam.sum())
    logit = _logit(np.clip(p[inside], 1e-6, 1 - 1e-6))
    rest = float((lam[~inside] * p[~inside]).sum())

    def change(shift: float) -> float:
        return (rest + float((lam[inside] * _expit(logit + shift)).sum())) / float(lam.sum()) / base - 1

    lo, hi = (-15.0, 0.0) if target < 0 else (0.0, 15.0)
    if (change(lo) - target) * (change(hi) - target) > 0:
        return None  # the element is too small to move the total that much
    for _ in range(60):
        mid = (lo + hi) / 2
        if (change(mid) - target) * (change(lo) - target) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _redundant_condition(codes: np.ndarray, element: dict[int, int], volume: np.ndarray) -> dict[int, int]:
    """A condition on another dimension that (almost) all of the element's traffic shares, or {}.

    Exactly redundant when every leaf of the element with traffic has that value; otherwise the
    value holding the most traffic, if it holds at least ``REDUNDANT_SHARE`` of it (with sparse
    leaf sets strict redundancy is rare for a one-dimension cause).
    """
    inside = _mask(codes, element) & (volume > 0)
    best: tuple[float, int, int] = (0.0, -1, -1)
    for d in range(codes.shape[1]):
        if d in element:
            continue
        held = np.bincount(codes[inside, d], weights=volume[inside])
        top = int(np.argmax(held))
        share = float(held[top] / held.sum()) if held.sum() > 0 else 0.0
        if share > best[0]:
            best = (share, d, top)
    return {best[1]: best[2]} if best[0] >= REDUNDANT_SHARE else {}


def make_realistic_case(
    seed: int,
    *,
    n_dims: int | None = None,
    n_leaves: int | None = None,
    depth: int | None = None,
    n_causes: int | None = None,
    orientation: Orientation | None = None,
    overspecified: float = 0.0,
    polluted: float = 0.0,
    min_sigma: float = 3.0,
) -> RealisticCase:
    """One incident. ``depth`` / ``n_causes`` fix the causes' shape (default: drawn from the seed
    in the proportions above); ``overspecified`` / ``polluted`` are the probabilities of each kind
    of label noise; ``min_sigma`` is how far above its own noise a cause's change must be (a
    labelled incident was seen by someone)."""
    rng = np.random.default_rng(seed)
    n_dims = int(rng.integers(3, 8)) if n_dims is None else n_dims
    cards = [int(np.clip(round(float(np.exp(rng.uniform(np.log(3), np.log(70))))), 3, 70))
             for _ in range(n_dims)]
    drawn = int(np.exp(rng.uniform(np.log(100), np.log(2000))))
    n_leaves = drawn if n_leaves is None else n_leaves
    codes = _leaf_codes(rng, cards, n_leaves)
    n = len(codes)
    dims = [f"dim{i + 1}" for i in range(n_dims)]
    labels = [np.array([f"v{j + 1:02d}" for j in range(k)], dtype=object) for k in cards]

    # Volume per leaf: value effects plus leaf noise, rescaled to median ~13, log-sd ~2.
    log_vol = sum(rng.normal(0, 0.6, k)[codes[:, d]] for d, k in enumerate(cards))
    log_vol = log_vol + rng.normal(0, 1.0, n)
    log_vol = (log_vol - np.median(log_vol)) / max(float(log_vol.std()), 1e-9)
    lam = np.exp(np.log(13.0) + 2.2 * log_vol)

    # The stated KPI: a success-like rate (high) or a conversion-like one (low), with value and
    # leaf effects on its log-odds.
    base = rng.uniform(0.6, 0.995) if rng.random() < 0.5 else rng.uniform(0.02, 0.4)
    logit = np.full(n, float(_logit(np.array([base]))[0]))
    for d, k in enumerate(cards):
        if rng.random() < 0.6:
            logit = logit + rng.normal(0, 0.4, k)[codes[:, d]]
    logit = logit + rng.normal(0, 0.3, n)
    p = _expit(logit)
    phi = float(np.exp(rng.uniform(np.log(30), np.log(3000))))  # beta-binomial concentration
    window = int(rng.integers(3, 9))

    if n_causes is None:
        n_causes = 2 if rng.random() < TWO_CAUSES_SHARE else 1
    magnitude = float(np.clip(np.exp(rng.normal(np.log(0.05), 0.8)), 0.005, 0.2))
    sign = -1.0 if rng.random() < 0.75 else 1.0
    chosen: list[dict[int, int]] = []
    shifts: list[float] = []
    covered = np.zeros(n, dtype=bool)
    weights = np.sqrt(lam) / np.sqrt(lam).sum()
    for attempt in range(MAX_TRIES):
        if len(chosen) == n_causes:
            break
        if attempt and attempt % 60 == 0:  # nothing findable this small: a larger incident
            magnitude = min(0.2, magnitude * 1.5)
        d_cause = depth or 1 + int(rng.choice(3, p=DEPTH_WEIGHTS))
        d_cause = min(d_cause, n_dims)
        leaf = int(rng.choice(n, p=weights))
        on = sorted(int(x) for x in rng.choice(n_dims, size=d_cause, replace=False))
        element = {d: int(codes[leaf, d]) for d in on}
        inside = _mask(codes, element)
        if (inside & covered).any() or lam[inside].sum() > 0.5 * lam.sum():
            continue
        # Not the same leaves as one of its parents: then the parent would be the right answer.
        if any((_mask(codes, {k: v for k, v in element.items() if k != drop}) == inside).all()
               for drop in element if len(element) > 1):
            continue
        share = 1.0 / n_causes
        shift = _shift_for(sign * magnitude * share, lam, p, inside)
        if shift is None:
            continue
        moved = _expit(logit[inside] + shift)
        events = lam[inside] * p[inside]
        gap = float(np.abs(lam[inside] * moved - events).sum())
        sd = float(np.sqrt((events * (1 - p[inside])).sum() * (1 + 1 / window) + (events**2 / phi).sum()))
        if gap < min_sigma * sd:
            continue
        chosen.append(element)
        shifts.append(shift)
        covered |= inside
    if not chosen:  # nothing findable at this magnitude: the caller's seed gives a quiet table
        magnitude = 0.0

    p_after = p.copy()
    for element, shift in zip(chosen, shifts, strict=True):
        inside = _mask(codes, element)
        p_after[inside] = _expit(logit[inside] + shift)
    history_p = np.tile(p, (window, 1))
    was_polluted = bool(chosen) and rng.random() < polluted
    if was_polluted:  # the last point before already moved part of the way
        part = rng.uniform(0.3, 1.0)
        before, after = _logit(np.clip(p, 1e-6, 1 - 1e-6)), _logit(np.clip(p_after, 1e-6, 1 - 1e-6))
        history_p[-1] = _expit(before + part * (after - before))
    hist_total = rng.poisson(np.tile(lam, (window, 1)))
    hist_success = _betabinomial(rng, hist_total, history_p, phi)
    total = rng.poisson(lam)
    success = _betabinomial(rng, total, p_after, phi)

    exists = (total > 0) | (hist_total.sum(axis=0) > 0)
    volume = np.where(exists, total + hist_total.sum(axis=0), 0).astype(float)
    frame = pd.DataFrame({d: labels[i][codes[exists, i]] for i, d in enumerate(dims)})
    frame["success"] = success[exists].astype(float)
    frame["failure"] = (total - success)[exists].astype(float)
    frame["total"] = total[exists].astype(float)
    frame["expected_success"] = hist_success.mean(axis=0)[exists]
    frame["expected_total"] = hist_total.mean(axis=0)[exists]
    frame["expected_failure"] = frame["expected_total"] - frame["expected_success"]

    def named(element: dict[int, int]) -> dict[str, str]:
        return {dims[d]: str(labels[d][v]) for d, v in sorted(element.items())}

    truth = [named(e) for e in chosen]
    labelled = []
    for element in chosen:
        extra = _redundant_condition(codes, element, volume) if rng.random() < overspecified else {}
        labelled.append(named({**element, **extra}))
    stated: Orientation = orientation or ("success" if rng.random() < 0.5 else "failure")
    obs = frame[stated].sum() / max(frame["total"].sum(), 1.0)
    exp = frame[f"expected_{stated}"].sum() / max(frame["expected_total"].sum(), 1e-9)
    meta = {"base_rate": float(base), "phi": phi, "window": float(window), "magnitude": sign * magnitude,
            "polluted": float(was_polluted), "zero_share": float((frame["total"] == 0).mean())}
    return RealisticCase(frame, dims, labelled, truth, stated, float(obs / exp - 1) if exp else 0.0, meta)


# Benchmark families: the mixed one follows the proportions above; the others isolate a shape.
REALISTIC_SETTINGS: dict[str, dict[str, object]] = {
    "real_mixed": {},
    "real_depth_1": {"depth": 1, "n_causes": 1},
    "real_depth_2": {"depth": 2, "n_causes": 1},
    "real_depth_3": {"depth": 3, "n_causes": 1},
    "real_two_causes": {"n_causes": 2},
    "real_label_noise": {"overspecified": 0.3, "polluted": 0.3},
}
