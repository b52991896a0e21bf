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

import math

import numpy as np

N_BINS = 24
MIN_PER_BIN = 20
OUTLIER_Z = 5.0
REL_FLOOR = 1e-3  # never believe a leaf is known to better than 0.1 %
ML_MAX_LEAVES = 5000  # up to this many leaves the two terms are fitted by maximum likelihood
TYPICAL_FLOOR = 1e-2  # nor to better than 1 % of a typical leaf (rounding, reporting granularity)


def _bin_means(
    r2: np.ndarray, x1: np.ndarray, x2: np.ndarray, by_x2: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """Rows (mean x1, mean x2**2, mean r², count) per quantile bin of x2 among kept leaves.

    ``by_x2`` is the order of all leaves by x2 (sorted once by the caller).
    """
    order = by_x2[keep[by_x2]]
    if len(order) == 0:
        return np.zeros((0, 4))
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
    coef = nnls2(design, target[ok] * scale[ok])
    return c1_min + float(coef[0]), float(coef[1])


def f_isf(q: float, dfn: float, dfd: float) -> float:
    """The F distribution's upper ``q`` quantile (``scipy.stats.f.isf``) from ``scipy.special``,
    which imports in a fraction of the time ``scipy.stats`` takes (about 1 s against 3-4 s)."""
    from scipy.special import fdtri

    return float(fdtri(dfn, dfd, 1.0 - q))


def nnls2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Non-negative least squares with two unknowns: ``argmin |a x - b|`` over ``x >= 0``.

    Written here rather than taken from ``scipy.optimize.nnls`` because importing
    ``scipy.optimize`` costs 1-2 s per process on our machines, a third of a demo-scale brief
    run from the command line. With two unknowns the answer is exact by trying every active set:
    both free, one at zero, both at zero; the feasible candidate with the least residual wins.
    """
    candidates = [np.zeros(2)]
    for j in (0, 1):
        col = a[:, j]
        denom = float(col @ col)
        if denom > 0:
            x = np.zeros(2)
            x[j] = max(float(col @ b) / denom, 0.0)
            candidates.append(x)
    gram = a.T @ a
    if abs(float(np.linalg.det(gram))) > 1e-12 * max(float(np.abs(gram).max()), 1e-300) ** 2:
        both = np.linalg.solve(gram, a.T @ b)
        if (both >= 0).all():
            candidates.append(both)
    return min(candidates, key=lambda x: float(np.sum((a @ x - b) ** 2)))


def _ml_fit(
    r2: np.ndarray, x1: np.ndarray, x2: np.ndarray, c1_min: float, start: tuple[float, float]
) -> tuple[float, float]:
    """Gaussian maximum-likelihood ``(c1, c2)`` over the given leaves.

    Used for small tables, where quantile bins are too few to separate the two terms (a single
    bin cannot tell Poisson-like noise from relative noise, and a wrong split makes big leaves
    look far more certain than they are).
    """
    from scipy.optimize import minimize

    b = x2**2
    floor = np.maximum((REL_FLOOR**2) * b, 1e-300)
    mean_r2 = max(float(r2.mean()), 1e-300)
    s1 = mean_r2 / max(float(x1.mean()), 1e-300)
    s2 = mean_r2 / max(float(b.mean()), 1e-300)

    def unpack(u: np.ndarray) -> tuple[float, float]:
        return c1_min + s1 * math.exp(u[0]), s2 * math.exp(u[1])

    def nll(u: np.ndarray) -> float:
        c1, c2 = unpack(u)
        var = np.maximum(c1 * x1 + c2 * b, floor)
        return float(0.5 * np.sum(np.log(var) + r2 / var))

    u0 = np.array([
        math.log(max(start[0] - c1_min, 1e-9 * s1) / s1),
        math.log(max(start[1], 1e-9 * s2) / s2),
    ])
    u0 = np.clip(u0, -25.0, 5.0)
    best = min(
        (minimize(nll, x0, method="Nelder-Mead", bounds=[(-25.0, 5.0)] * 2) for x0 in (u0, np.zeros(2))),
        key=lambda r: float(r.fun),
    )
    return unpack(best.x)


def fit_variance(
    residual: np.ndarray,
    x1: np.ndarray,
    x2: np.ndarray,
    *,
    c1_min: float = 0.0,
    active: np.ndarray | None = None,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """Per-leaf variance ``c1*x1 + c2*x2²`` (floored at ``(REL_FLOOR*x2)²``), fitted robustly.

    ``c1_min`` is a known lower bound of the Poisson-like term (1 for binomial counts).
    ``active`` leaves get a variance (the others 0: they take no part); ``exclude`` leaves get
    one but are not learnt from (the leaves of root causes already found).
    """
    out = (x2 > 0) if active is None else active & (x2 > 0)
    act = out if exclude is None else out & ~exclude  # the leaves the noise is learnt from
    r2 = residual**2
    # Start from medians, robust to a large anomaly. Exact zeros of leaves whose expected value
    # is a whole number are left out of them: with count data a leaf often matches its forecast
    # exactly, which would make the median say "no noise" (this start errs high; the refinement
    # with means over inliers, right for discrete small counts where medians are not, then comes
    # down to a consistent fit). A fractional forecast met exactly is real evidence of low noise.
    informative = (r2 > 0) | ~np.isclose(x2, np.round(x2))
    by_x2 = np.argsort(x2, kind="stable")
    rows = _bin_means(r2, x1, x2, by_x2, act)
    if len(rows):
        order = by_x2[act[by_x2]]
        med = []
        for chunk in np.array_split(order, len(rows)):
            nonzero = r2[chunk][informative[chunk]]
            med.append(np.median(nonzero) / 0.455 if len(nonzero) else 0.0)
        rows[:, 2] = med
    c1, c2 = _fit(rows, c1_min)
    n_fit = int(act.sum())
    limit = OUTLIER_Z**2
    if n_fit <= ML_MAX_LEAVES:
        # A small table's noise level is itself uncertain: call a leaf an outlier only when a
        # Bonferroni t test over the leaves says so (z of 8 for 9 leaves; 5 from ~50 on), or
        # trimming the largest residual makes the rest look quieter than they are.
        limit = max(limit, f_isf(1e-3 / max(n_fit, 1), 1, max(n_fit - 2, 1)))
    for _ in range(4):
        var = np.maximum(c1 * x1 + c2 * x2**2, (REL_FLOOR * x2) ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            z2 = np.where(var > 0, r2 / var, 0.0)
        keep = act & (z2 <= limit)
        kept = int(keep.sum())
        if kept < 3:
            break
        if kept <= ML_MAX_LEAVES:
            c1, c2 = _ml_fit(r2[keep], x1[keep], x2[keep], c1_min, (c1, c2))
        else:
            c1, c2 = _fit(_bin_means(r2, x1, x2, by_x2, keep), c1_min)
    typical = float(np.median(x2[out])) if out.any() else 0.0
    var = np.maximum(c1 * x1 + c2 * x2**2, (REL_FLOOR * x2) ** 2) + (TYPICAL_FLOOR * typical) ** 2
    return np.where(out, var, 0.0)
