"""How much a leaf deviates by chance: a variance model fitted to the leaves themselves.

Per leaf, ``var = c1 * x1 + c2 * x2**2``: a Poisson-like term (counts, sums of counts) plus a
relative term (forecast error proportional to size). The two coefficients are fitted by
non-negative least squares on binned mean squared residuals, after dropping leaves that are
clearly anomalous (|z| > 5 under the previous fit), so that the anomaly does not inflate the noise
it is judged against. Fitting the model from the data (instead of assuming Gaussian relative
noise as Squeeze / RiskLoc do) is what lets one engine serve sums of large leaves and ratios of
tiny ones.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

N_BINS = 24
MIN_PER_BIN = 20
OUTLIER_Z = 5.0
REL_FLOOR = 1e-3  # never believe a leaf is known to better than 0.1 %
TYPICAL_FLOOR = 1e-2  # nor to better than 1 % of a typical leaf (rounding, reporting granularity)


def _bin_means(r2: np.ndarray, x1: np.ndarray, x2: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows (mean x1, mean x2**2, mean r², count) per quantile bin of x2 among kept leaves."""
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return np.zeros((0, 4))
    order = idx[np.argsort(x2[idx], kind="stable")]
    n_bins = max(1, min(N_BINS, len(order) // MIN_PER_BIN))
    rows = []
    for chunk in np.array_split(order, n_bins):
        rows.append((x1[chunk].mean(), (x2[chunk] ** 2).mean(), r2[chunk].mean(), len(chunk)))
    return np.asarray(rows)


def _fit(rows: np.ndarray, c1_min: float) -> tuple[float, float]:
    if len(rows) == 0:
        return c1_min, 0.0
    x1, x2sq, m, n = rows.T
    target = m - c1_min * x1
    # Relative least squares: each bin's error is measured against its own mean square.
    scale = np.sqrt(n) / np.maximum(m, 1e-300)
    ok = m > 0
    if not ok.any():
        return c1_min, 0.0
    design = np.column_stack([x1, x2sq])[ok] * scale[ok, None]
    coef, _ = nnls(design, target[ok] * scale[ok])
    return c1_min + float(coef[0]), float(coef[1])


def fit_variance(
    residual: np.ndarray,
    x1: np.ndarray,
    x2: np.ndarray,
    *,
    c1_min: float = 0.0,
    active: np.ndarray | None = None,
) -> np.ndarray:
    """Per-leaf variance ``c1*x1 + c2*x2²`` (floored at ``(REL_FLOOR*x2)²``), fitted robustly.

    ``c1_min`` is a known lower bound of the Poisson-like term (1 for binomial counts).
    """
    act = (x2 > 0) if active is None else active & (x2 > 0)
    r2 = residual**2
    # Start from medians, robust to a large anomaly. Exact zeros are left out of them: with
    # integer data a leaf often matches its forecast exactly, which would make the median say
    # "no noise". This start errs high; the refinement with means over inliers (right for
    # discrete small counts, where medians are not) then comes down to a consistent fit.
    rows = _bin_means(r2, x1, x2, act)
    if len(rows):
        idx = np.flatnonzero(act)
        order = idx[np.argsort(x2[idx], kind="stable")]
        med = []
        for chunk in np.array_split(order, len(rows)):
            nonzero = r2[chunk][r2[chunk] > 0]
            med.append(np.median(nonzero) / 0.455 if len(nonzero) else 0.0)
        rows[:, 2] = med
    c1, c2 = _fit(rows, c1_min)
    for _ in range(4):
        var = np.maximum(c1 * x1 + c2 * x2**2, (REL_FLOOR * x2) ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z2 = np.where(var > 0, r2 / var, 0.0)
        keep = act & (z2 <= OUTLIER_Z**2)
        if keep.sum() < MIN_PER_BIN:
            break
        c1, c2 = _fit(_bin_means(r2, x1, x2, keep), c1_min)
    typical = float(np.median(x2[act])) if act.any() else 0.0
    var = np.maximum(c1 * x1 + c2 * x2**2, (REL_FLOOR * x2) ** 2) + (TYPICAL_FLOOR * typical) ** 2
    return np.where(act, var, 0.0)
