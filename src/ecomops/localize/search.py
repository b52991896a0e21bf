"""Greedy likelihood-ratio scan over the cuboid lattice (our method; see the package docstring).

Each leaf has an observed value ``v``, a baseline ``f`` and a noise variance ``var``. The
hypothesis "element e moved": every leaf of e is scaled by one factor rho (the ripple effect of
Squeeze / RiskLoc), the rest stays. Under Gaussian noise its log-likelihood ratio against "nothing
moved" has a closed form over two sums per element,

    A_e = Σ (v - f) f / var,   B_e = Σ f² / var,   LLR_e = A_e² / (2 B_e),   rho_e = 1 + A_e / B_e,

so a whole cuboid is scored with two ``bincount`` calls. An element is penalised by its
heterogeneity: how much better its children along the best single dimension fit with their own
factors (a parent of the true cause is heterogeneous, the cause is not). Thresholds are
Bonferroni bounds per depth, so deeper, more numerous elements need more evidence (Occam).
The best element is taken, its leaves set aside (explained), and the scan repeats. For a rate the
leaves move by one shift of their log-odds (``shape``), so ``rho - 1`` is that shift.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from ecomops.localize.lattice import Cuboid, Lattice
from ecomops.localize.noise import f_isf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pick:
    cuboid: Cuboid
    element: int
    llr: float
    heterogeneity: float
    threshold: float
    rho: float


def _llr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a * a / (2 * b), 0.0)


def thresholds(
    lattice: Lattice, present: dict[Cuboid, np.ndarray], alpha: float, fitted: int | None = None
) -> dict[int, float]:
    """LLR a depth's best element must beat under no change: Bonferroni over that depth's elements.

    ``present[c]`` counts the active leaves of each element of cuboid ``c``. The noise level was
    estimated from ``fitted`` leaves (default: all active ones), so the statistic is a squared
    t, not a squared z: F(1, m) quantiles with m = fitted - 2 coefficients (chi-square(1) for
    large tables; far stricter for a table of a dozen leaves, whose noise level is barely known).
    """
    if fitted is None:
        fitted = int(present[lattice.base[0]].sum()) if lattice.base else 0
    m = max(fitted - 2.0, 1.0)
    counts: dict[int, int] = {}
    for c in lattice.candidates:
        counts[len(c)] = counts.get(len(c), 0) + int((present[c] > 0).sum())
    depths = max(1, len(counts))
    return {
        d: 0.5 * f_isf(alpha / (depths * max(k, 1)), 1, m) for d, k in counts.items()
    }


def scan(
    lattice: Lattice,
    v: np.ndarray,
    f: np.ndarray,
    var: np.ndarray,
    *,
    max_elements: int,
    min_change: float,
    alpha: float,
    fitted: int | None = None,
    shape: np.ndarray | None = None,
) -> list[Pick]:
    """The root-cause elements, in the order they were found (strongest first).

    ``fitted`` is the number of leaves the noise variance was learnt from (default: all).
    ``shape`` is how much each leaf moves per unit of the element's change (default ``f``: every
    leaf scaled by one factor). For a rate, ``den * r * (1 - r)`` moves every leaf by one shift
    of its log-odds instead: the same answer for a success rate and its complement, and a
    parent whose children share one shift is homogeneous even when their base rates differ.
    """
    g = f if shape is None else shape
    active = var > 0
    inv = np.where(active, 1.0 / np.where(active, var, 1.0), 0.0)
    a = (v - f) * g * inv
    b = g * g * inv
    sum_a, sum_b = lattice.aggregate_all(a), lattice.aggregate_all(b)
    present = lattice.aggregate_all(active.astype(np.float64))
    sums = {c: (sum_a[c], sum_b[c]) for c in lattice.cuboids}
    limits = thresholds(lattice, present, alpha, fitted)
    tiny = 1e-12 * float(b.sum())  # what is left of a sum after subtracting all its terms
    picks: list[Pick] = []
    for _ in range(max_elements):
        llrs = {c: _llr(*sums[c]) for c in lattice.cuboids}
        best: tuple[float, float, int, Pick] | None = None
        for rank, c in enumerate(lattice.candidates):
            big_a, big_b = sums[c]
            llr = llrs[c]
            hetero = np.zeros_like(llr)
            for child, to_parent in lattice.children[c]:
                child_llr = np.bincount(to_parent, weights=llrs[child], minlength=len(llr))
                k = np.bincount(to_parent, weights=(sums[child][1] > 0), minlength=len(llr))
                excess = child_llr - llr - np.maximum(k - 1, 0) / 2
                hetero = np.maximum(hetero, excess)
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(big_b > 0, 1 + big_a / big_b, 1.0)
            limit = limits[len(c)]
            margin = llr - hetero - limit
            margin = np.where(np.abs(rho - 1) >= min_change, margin, -np.inf)
            e = int(np.argmax(margin))
            if not np.isfinite(margin[e]) or margin[e] <= 0:
                continue
            key = (float(margin[e]), -rank)
            if best is None or key > (best[0], best[1]):
                pick = Pick(c, e, float(llr[e]), float(hetero[e]), limit, float(rho[e]))
                best = (key[0], key[1], e, pick)
        if best is None:
            break
        pick = best[3]
        picks.append(pick)
        log.debug("picked %s", pick)
        # The element's leaves are explained: they take no further part (no nested or
        # overlapping re-use of the same evidence, as in Squeeze / RiskLoc).
        # Only the sums of the elements that share leaves with it change: subtract those leaves
        # (work proportional to the element's size, not to the table); elements left with no
        # active leaf are set to exactly zero despite rounding.
        gone = np.flatnonzero(lattice.members(pick.cuboid, pick.element) & active)
        active[gone] = False
        less_a, less_b = lattice.aggregate_all(a[gone], gone), lattice.aggregate_all(b[gone], gone)
        less_n = lattice.aggregate_all(np.ones(len(gone)), gone)
        for c in lattice.cuboids:
            big_a, big_b = sums[c]
            big_a -= less_a[c]
            big_b -= less_b[c]
            present[c] -= less_n[c]
            empty = (present[c] < 0.5) | (big_b <= tiny)
            big_a[empty] = 0.0
            big_b[empty] = 0.0
    return picks
