"""Where a family's total moved, by ``ecomops.localize.explain`` (issue 7: the brief localizes
through the engine), additive measures and ratios alike.

When a family's total leaves its band, its leaf table of the day (observed) and a per-leaf
expected value go to ``explain``; the dimension sets of the elements it returns are added to
the grains the family's scan judges with its own bands, so an element at a depth the fixed
grains do not cover (channel x SKU x source, campaign x keyword) is still reported, with its
process step, band and impact. The scan's grains remain: they find what a flat total hides
(one SKU's collapse that the store total does not show).

Expected per leaf: for a sum, the store-level expected total split by each leaf's share of the
last ``SHARE_DAYS`` non-event days (so the leaves add up to the total's expectation); for a
ratio, the leaf's numerator and denominator over those days per day, which the engine turns
into a rate judged at the day's denominator.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ecomops.detect.scan import Context, build_panel, rate_stat, sum_stat

log = logging.getLogger(__name__)
SHARE_DAYS = 28
MIN_SCORE = 0.2
MAX_ELEMENTS = 3


@dataclass(frozen=True)
class Measure:
    """An additive measure (``den`` None) or a ratio ``num / den`` of a leaf table."""

    num: str
    den: str | None = None
    binomial: bool = True


def _table(
    leaves: pd.DataFrame, dims: Sequence[str], m: Measure, ctx: Context, expected_total: float
) -> pd.DataFrame | None:
    dates = leaves["date"].astype(object)
    today = leaves[dates == ctx.day]
    first = ctx.day - dt.timedelta(days=SHARE_DAYS)
    recent = leaves[(dates < ctx.day) & (dates >= first) & ~dates.isin(list(ctx.festivals))]
    if today.empty or recent.empty:
        return None
    cols = [m.num] if m.den is None else [m.num, m.den]
    obs = today.groupby(list(dims), observed=True)[cols].sum()
    past = recent.groupby(list(dims), observed=True)[cols].sum()
    if m.den is None:
        total = float(past[m.num].sum())
        if total <= 0:
            return None
        exp = (past[m.num] / total * expected_total).rename("e")
        table = pd.concat([obs[m.num].rename("v"), exp], axis=1)
    else:
        n_days = max(recent["date"].nunique(), 1)
        table = pd.concat(
            [
                obs[m.num].rename("v"),
                obs[m.den].rename("d"),
                (past[m.num] / n_days).rename("e"),
                (past[m.den] / n_days).rename("ed"),
            ],
            axis=1,
        )
    return table.fillna(0.0).reset_index()


def engine_grains(
    leaves: pd.DataFrame,
    dims: Sequence[str],
    measures: Sequence[Measure],
    ctx: Context,
    known: Sequence[tuple[str, ...]] = (),
) -> tuple[tuple[str, ...], ...]:
    """Dimension sets of the elements ``explain`` finds for each measure whose total moved,
    minus the ``known`` grains (those the family scans anyway)."""
    from ecomops.localize import explain

    if leaves.empty:
        return ()
    needed = tuple(dict.fromkeys(c for m in measures for c in (m.num, m.den) if c))
    total = build_panel(leaves, (), needed, ctx)
    grains: set[tuple[str, ...]] = set()
    for m in measures:
        if m.den is None:
            st = sum_stat(total, m.num, ctx)
            moved = abs(float(st.a[0] - st.e[0])) >= ctx.min_impact / 10
        else:
            st = rate_stat(total, m.num, m.den, ctx, binomial=m.binomial)
            moved = True
        if abs(float(st.z[0])) < ctx.band_z or not moved:
            continue
        table = _table(leaves, dims, m, ctx, float(st.e[0]))
        if table is None:
            continue
        try:
            if m.den is None:
                result = explain(table, list(dims), "v", "e", max_elements=MAX_ELEMENTS)
            else:
                result = explain(table, list(dims), "v", "e", "d", "ed", max_elements=MAX_ELEMENTS)
        except Exception:  # an engine failure must not stop the brief
            log.exception("localize.explain failed on %s", m.num)
            continue
        for rc in result.root_causes:
            if rc.score >= MIN_SCORE and rc.segment:
                grains.add(_complete(table, dims, rc.segment, known))
    return tuple(sorted(grains - set(known)))


def _complete(
    table: pd.DataFrame, dims: Sequence[str], segment: dict[str, str], known: Sequence[tuple[str, ...]]
) -> tuple[str, ...]:
    """The element's grain, or the scanned grain it stands for when the dimensions it leaves
    out take one value on its rows (an ad group fixes its campaign and channel): the scan then
    reports it once, in its hierarchy, instead of a second finding beside it."""
    rows = pd.Series(True, index=table.index)
    for d, v in segment.items():
        rows &= table[d].astype(str) == v
    fixed = {d for d in dims if d in segment or table.loc[rows, d].nunique() == 1}
    own = tuple(d for d in dims if d in segment)
    for g in known:
        if set(own) <= set(g) <= fixed:
            return g
    return own
