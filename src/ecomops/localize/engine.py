"""``explain``: from a leaf table to ranked root causes and the per-dimension summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.localize.lattice import Lattice
from ecomops.localize.leaves import Leaves, prepare
from ecomops.localize.model import Explanation, RootCause
from ecomops.localize.noise import fit_variance
from ecomops.localize.search import Pick, scan
from ecomops.localize.summary import summarize

DEFAULT_MAX_DEPTH = 3
MAX_REFITS = 2
MIN_FIT_LEAVES = 10
RATE_C1_MIN = 0.5


def _prior_rate(leaves: Leaves, total_rate: float) -> np.ndarray:
    """Per leaf: the total expected rate times each dimension value's expected rate relative to it."""
    assert leaves.expected_denominator is not None
    if total_rate <= 0:
        return np.full(leaves.n, 1.0)
    exp_num, exp_den = leaves.expected, np.maximum(leaves.expected_denominator, 0)
    log_prior = np.full(leaves.n, math.log(total_rate))
    for codes, labels in zip(leaves.codes, leaves.labels, strict=True):
        num = np.bincount(codes, weights=exp_num, minlength=len(labels))
        vol = np.bincount(codes, weights=exp_den, minlength=len(labels))
        # each value's rate itself shrunk by one event towards the total
        value_rate = (num + 1.0) / (vol + 1.0 / total_rate)
        log_prior += np.log(np.maximum(value_rate, 1e-12) / total_rate)[codes]
    return np.clip(np.exp(log_prior), total_rate / 100, total_rate * 100)


def _is_binomial(leaves: Leaves) -> bool:
    """A rate of events among trials: numerators never above their denominators."""
    assert leaves.denominator is not None
    assert leaves.expected_denominator is not None
    return bool(
        np.all(leaves.value >= -1e-9)
        and np.all(leaves.value <= leaves.denominator + 1e-9)
        and np.all(leaves.expected >= -1e-9)
        and np.all(leaves.expected <= leaves.expected_denominator + 1e-9)
    )


def _canonical(leaves: Leaves) -> Leaves:
    """A binomial rate stated by its minority side (failure rate rather than a 98 % success rate).

    A success rate and its complement describe the same incident; searching one fixed side of
    the two makes the answer the same, to the last digit, whichever way the KPI is stated.
    """
    if not leaves.is_ratio or not _is_binomial(leaves):
        return leaves
    assert leaves.denominator is not None
    assert leaves.expected_denominator is not None
    other_v = np.clip(leaves.denominator - leaves.value, 0, None)
    other_e = np.clip(leaves.expected_denominator - leaves.expected, 0, None)
    side = (float(leaves.expected.sum()), float(leaves.value.sum()))
    if side <= (float(other_e.sum()), float(other_v.sum())):
        return leaves
    return replace(leaves, value=other_v, expected=other_e)


Baseline = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]


def _baseline(leaves: Leaves, exclude: np.ndarray | None = None) -> Baseline:
    """Observed value, baseline, noise variance and change shape (None: scaling) per leaf."""
    v = leaves.value
    if not leaves.is_ratio:
        f = leaves.expected
        # The noise scale comes from the expected value only: scaling it with the observed one
        # would weigh drops more than rises and bias every sum over many leaves.
        scale = np.abs(f)
        var = fit_variance(v - f, scale, scale, exclude=exclude)
        return v, f, var, None
    assert leaves.denominator is not None
    assert leaves.expected_denominator is not None
    den, exp_num, exp_den = leaves.denominator, leaves.expected, leaves.expected_denominator
    total_rate = exp_num.sum() / exp_den.sum() if exp_den.sum() > 0 else 0.0
    binomial = _is_binomial(leaves)
    # Expected rate per leaf, shrunk by a pseudo-volume worth about one event towards a prior
    # rate, so a tiny leaf with no expected events still has a usable rate. The prior is the
    # independence model of the dimensions' own rates: shrinking towards the overall rate
    # instead would bias every low- or high-converting value's many small leaves together,
    # and that bias would then look like a change of the value.
    prior_rate = _prior_rate(leaves, total_rate)
    if binomial:
        prior_rate = np.minimum(prior_rate, 0.99)
    pseudo = np.minimum(1.0 / np.maximum(prior_rate, 1e-12), 1e6)
    rate = (exp_num + prior_rate * pseudo) / (np.maximum(exp_den, 0) + pseudo)
    f = np.maximum(den, 0) * rate  # expected events at the observed volume
    if not binomial:
        var = fit_variance(v - f, f, f, c1_min=1.0, active=den > 0, exclude=exclude)
        return v, f, var, None
    # Binomial: the interval's own sampling, plus that of the expected rate, estimated from
    # about exp_den trials (a short window: its mean counts as one interval's worth, a lower
    # bound; c1 >= 1/2 keeps at least the interval's binomial term where den ~ exp_den).
    g = f * (1 - np.clip(rate, 0, 1))
    x1 = g * (1 + np.maximum(den, 0) / (np.maximum(exp_den, 0) + pseudo))
    v = f + _deviance_residual(v, f, np.maximum(den, 0), g)
    var = fit_variance(v - f, x1, f, c1_min=RATE_C1_MIN, active=den > 0, exclude=exclude)
    return v, f, var, g


def _deviance_residual(v: np.ndarray, f: np.ndarray, n: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Each leaf's ``v - f`` replaced by its binomial deviance residual on the same scale.

    With few expected events a count's tail is far heavier than a Gaussian's (1 event where 0.1
    were expected is z = 2.8 but a deviance of only 1.4): the scan's Gaussian sums would take
    such leaves for strong evidence. ``sign(v - f) * sqrt(deviance * g)`` equals ``v - f`` for
    large counts, and is symmetric in success and failure (orientation invariance).
    """
    from scipy.special import xlogy

    rest_v = np.clip(n - v, 0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest_f = np.clip(n - f, 1e-12, None)
        dev = 2 * (xlogy(v, v / np.clip(f, 1e-12, None)) + xlogy(rest_v, rest_v / rest_f))
    return np.sign(v - f) * np.sqrt(np.maximum(dev, 0.0) * g)


def _root_cause(
    leaves: Leaves, lattice: Lattice, pick: Pick, total_change: float, total_den: float
) -> tuple[RootCause, float]:
    inside = lattice.members(pick.cuboid, pick.element)
    segment = {
        leaves.dims[d]: str(leaves.labels[d][code])
        for d, code in lattice.segment(pick.cuboid, pick.element).items()
    }
    obs = float(leaves.value[inside].sum())
    exp = float(leaves.expected[inside].sum())
    n_leaves = int(inside.sum())
    fit = pick.llr / (pick.llr + max(pick.heterogeneity, 0.0))
    confidence = 1 - math.exp(-max(pick.llr - pick.threshold, 0.0) / max(pick.threshold, 1.0))
    score = fit * confidence
    if leaves.is_ratio:
        assert leaves.denominator is not None
        assert leaves.expected_denominator is not None
        den = float(leaves.denominator[inside].sum())
        exp_den = float(leaves.expected_denominator[inside].sum())
        rate_obs = obs / den if den else 0.0
        rate_exp = exp / exp_den if exp_den else 0.0
        moved = (obs - den * rate_exp) / total_den if total_den else 0.0
        change = rate_obs / rate_exp - 1 if rate_exp else 0.0
        rc = RootCause(segment, score, 0.0, rate_obs, rate_exp, change, den, exp_den, n_leaves, pick.llr)
    else:
        moved = obs - exp
        change = obs / exp - 1 if exp else 0.0
        rc = RootCause(segment, score, 0.0, obs, exp, change, None, None, n_leaves, pick.llr)
    return rc, moved


def explain(
    leaves: pd.DataFrame | pa.Table,
    dims: Sequence[str],
    value: str,
    expected: str,
    denominator: str | None = None,
    expected_denominator: str | None = None,
    *,
    max_elements: int = 5,
    max_depth: int = DEFAULT_MAX_DEPTH,
    min_change: float = 0.05,
    alpha: float = 0.01,
) -> Explanation:
    """Which segments explain the deviation of ``value`` from ``expected``.

    Additive KPI: ``value`` / ``expected`` are the observed and expected amounts per leaf.
    Ratio KPI (KPI = Σvalue / Σdenominator): also give ``denominator`` and
    ``expected_denominator``; rate changes are judged with their volumes (binomial or Poisson
    noise, overdispersion fitted from the data), so a change on a handful of visitors is noise.
    A binomial rate is searched on its minority side with each element moving its leaves by one
    log-odds shift, so a success rate and its failure rate give the same root causes.
    ``max_depth`` bounds the number of dimensions an element fixes; ``min_change`` is the
    smallest relative change of a segment worth reporting; ``alpha`` the false-alarm rate of
    the whole search. Returns an empty ``root_causes`` list when nothing explains the change.
    """
    table = prepare(leaves, dims, value, expected, denominator, expected_denominator)
    dimensions = summarize(table)
    if table.is_ratio:
        assert table.denominator is not None
        assert table.expected_denominator is not None
        total_den = float(table.denominator.sum())
        obs_total = float(table.value.sum()) / total_den if total_den else 0.0
        exp_den = float(table.expected_denominator.sum())
        exp_total = float(table.expected.sum()) / exp_den if exp_den else 0.0
    else:
        total_den = 0.0
        obs_total, exp_total = float(table.value.sum()), float(table.expected.sum())
    root_causes: list[RootCause] = []
    if table.n:
        lattice = Lattice(table.codes, table.cards, max_depth)
        searched = _canonical(table)
        # The noise is what the explanation leaves unexplained: learn it, scan, learn it again
        # without the leaves of the elements found, until the elements no longer change. A large
        # anomaly (a third of the leaves) otherwise passes for noise and hides itself. Never
        # learn from fewer than half of the leaves: that would call the quiet half "normal".
        explained: np.ndarray | None = None
        fitted: int | None = None
        seen: list[list[tuple[tuple[int, ...], int]]] = []
        for _ in range(MAX_REFITS + 1):
            v, f, var, shape = _baseline(searched, explained)
            picks = scan(lattice, v, f, var, max_elements=max_elements, min_change=min_change,
                         alpha=alpha, fitted=fitted, shape=shape)
            key = [(p.cuboid, p.element) for p in picks]
            if not picks or key in seen:
                break
            seen.append(key)
            covered = np.logical_or.reduce([lattice.members(p.cuboid, p.element) for p in picks])
            usable = var > 0
            rest = int((usable & ~covered).sum())
            if rest < max(MIN_FIT_LEAVES, usable.sum() / 2):
                break
            explained, fitted = covered, rest
        found = [_root_cause(table, lattice, p, obs_total - exp_total, total_den) for p in picks]
        denom = max(abs(obs_total - exp_total), sum(abs(m) for _, m in found))
        root_causes = [
            RootCause(**{**rc.__dict__, "explains": abs(m) / denom if denom else 0.0}) for rc, m in found
        ]
        root_causes.sort(key=lambda rc: (-rc.score, -rc.significance))
    return Explanation(
        root_causes=root_causes,
        dimensions=dimensions,
        kind="ratio" if table.is_ratio else "additive",
        observed_total=obs_total,
        expected_total=exp_total,
        leaves=table.n,
    )
