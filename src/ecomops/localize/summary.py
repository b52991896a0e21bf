"""Adtributor-style per-dimension summary (Bhagwan et al., NSDI 2014), written from the paper.

For every dimension: each value's explanatory power (its share of the total KPI change when only
that value moves, the paper's formula for derived measures in ratio mode) and its surprise (the
Jensen-Shannon divergence between its expected and observed share of the total). Values are taken
in order of surprise while each explains at least ``min_value_share``, until together they
explain ``min_dimension_share`` of the change; dimensions are ranked by the surprise of their
chosen values, those that explain enough first.
"""

from __future__ import annotations

import numpy as np

from ecomops.localize.leaves import Leaves
from ecomops.localize.model import DimensionSummary, DimensionValue

MAX_VALUES = 5


def _js(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Per-value Jensen-Shannon surprise between expected shares p and observed shares q."""
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / np.where(m > 0, m, 1)), 0.0)
        b = np.where(q > 0, q * np.log(np.where(q > 0, q, 1) / np.where(m > 0, m, 1)), 0.0)
    return 0.5 * (a + b)


def _shares(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    total = x.sum()
    return x / total if total > 0 else np.zeros_like(x)


def summarize(
    leaves: Leaves, *, min_value_share: float = 0.1, min_dimension_share: float = 0.67
) -> list[DimensionSummary]:
    """The per-dimension summary of the change, most surprising dimension first."""
    out: list[tuple[tuple[int, float, float, str], DimensionSummary]] = []
    for _d, (name, codes, labels) in enumerate(zip(leaves.dims, leaves.codes, leaves.labels, strict=True)):
        k = len(labels)
        obs = np.bincount(codes, weights=leaves.value, minlength=k)
        exp = np.bincount(codes, weights=leaves.expected, minlength=k)
        if leaves.is_ratio:
            assert leaves.denominator is not None
            assert leaves.expected_denominator is not None
            obs2 = np.bincount(codes, weights=leaves.denominator, minlength=k)
            exp2 = np.bincount(codes, weights=leaves.expected_denominator, minlength=k)
            f1, f2, a1, a2 = exp.sum(), exp2.sum(), obs.sum(), obs2.sum()
            total = (a1 / a2 if a2 else 0.0) - (f1 / f2 if f2 else 0.0)
            d1, d2 = obs - exp, obs2 - exp2
            with np.errstate(divide="ignore", invalid="ignore"):
                moved = (d1 * f2 - d2 * f1) / (f2 * (f2 + d2))
                kpi_obs = np.where(obs2 != 0, obs / obs2, 0.0)
                kpi_exp = np.where(exp2 != 0, exp / exp2, 0.0)
            moved = np.where(np.isfinite(moved), moved, 0.0)
            surprise = _js(_shares(exp), _shares(obs)) + _js(_shares(exp2), _shares(obs2))
        else:
            total = obs.sum() - exp.sum()
            moved = obs - exp
            kpi_obs, kpi_exp = obs, exp
            surprise = _js(_shares(exp), _shares(obs))
        ep = moved / total if total != 0 else np.zeros(k)
        order = sorted(range(k), key=lambda i: (-surprise[i], -abs(ep[i]), str(labels[i])))
        chosen: list[int] = []
        cum = 0.0
        for i in order:
            if ep[i] > min_value_share:
                chosen.append(i)
                cum += float(ep[i])
                if cum > min_dimension_share or len(chosen) >= MAX_VALUES:
                    break
        values = [
            DimensionValue(
                value=str(labels[i]),
                observed=float(kpi_obs[i]),
                expected=float(kpi_exp[i]),
                share=float(ep[i]),
                surprise=float(surprise[i]),
            )
            for i in chosen
        ]
        dim_surprise = float(sum(surprise[i] for i in chosen))
        summary = DimensionSummary(name, explanatory_power=cum, surprise=dim_surprise, values=values)
        rank = (0 if cum > min_dimension_share else 1, -dim_surprise, -cum, name)
        out.append((rank, summary))
    out.sort(key=lambda t: t[0])
    return [s for _, s in out]
