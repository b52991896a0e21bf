"""The detector Protocol and the registries of detectors and finding sources.

A ``Detector`` reads its family's leaf table for the reviewed day and returns candidates
(``scan.Candidate``); the service prunes, localizes and turns them into findings. A *finding
source* is any function ``(con, day, settings) -> list[Finding]`` of another capability (the
inventory engineer's stock findings); it is plugged in by name and isolated: one that fails is
logged and skipped, the brief goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ecomops.detect import cubes, ops, sales
from ecomops.detect.findings import Finding
from ecomops.detect.scan import Candidate, Context, build_panel
from ecomops.settings import Settings

log = logging.getLogger(__name__)
SHARE_DAYS = 28


class Detector(Protocol):
    name: str

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]: ...


FindingSource = Callable[[Any, dt.date, Settings], list[Finding]]


def _history_days(ctx: Context) -> int:
    return len(ctx.dates) - 1


def sales_leaves(con: Any, ctx: Context) -> tuple[pd.DataFrame, bool]:
    """The sales leaf table of the day (read once per brief)."""
    if "sales" not in ctx.cache:
        ctx.cache["sales"] = cubes.sales(con, ctx.day, _history_days(ctx))
    result: tuple[pd.DataFrame, bool] = ctx.cache["sales"]
    return result


@dataclass
class SalesDetector:
    """GMV = traffic x conversion x AOV per segment, margin, and ``explain`` on the leaf table."""

    name: str = "sales"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        leaves, per_sku = sales_leaves(con, ctx)
        extra = localized_grains(leaves, ctx)
        out = sales.sales_candidates(leaves, ctx, per_sku_visitors=per_sku, extra_grains=extra)
        return out + sales.margin_candidates(leaves, ctx)


@dataclass
class AdsDetector:
    name: str = "ads"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        return ops.ads_candidates(cubes.ads(con, ctx.day, _history_days(ctx)), ctx)


@dataclass
class LogisticsDetector:
    name: str = "logistics"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        delivered, shipped = cubes.logistics(con, ctx.day, _history_days(ctx))
        return ops.logistics_candidates(delivered, shipped, ctx)


@dataclass
class ReturnsDetector:
    name: str = "after_sales"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        days = _history_days(ctx)
        returns = cubes.returns(con, ctx.day, days)
        sold, _ = sales_leaves(con, ctx)
        out = ops.returns_candidates(returns, sold, ctx)
        for c in out:
            if "sku" in c.segment:
                reasons = cubes.return_reasons(con, c.segment["sku"], ctx.day, days, ops.RETURN_WINDOW)
                c.evidence["leading_reasons"] = [
                    {"reason": r.reason, "cases": int(r.recent)}
                    for r in reasons.head(3).itertuples()
                    if r.recent > 0
                ]
        return out


DETECTORS: dict[str, Detector] = {
    d.name: d for d in (SalesDetector(), AdsDetector(), LogisticsDetector(), ReturnsDetector())
}


def _inventory(con: Any, day: dt.date, settings: Settings) -> list[Finding]:
    from ecomops.inventory.findings import inventory_findings

    return inventory_findings(con, day, settings)


SOURCES: dict[str, FindingSource] = {"inventory": _inventory}


def register_detector(detector: Detector) -> None:
    DETECTORS[detector.name] = detector


def register_source(name: str, source: FindingSource) -> None:
    SOURCES[name] = source


def localized_grains(leaves: pd.DataFrame, ctx: Context) -> tuple[tuple[str, ...], ...]:
    """Dimension sets of the elements ``localize.explain`` picks for the day's GMV and visitors.

    Leaf expected values are the store's expected total split by each leaf's share of the last
    ``SHARE_DAYS`` non-event days, so the leaves add up to the store-level expectation.
    """
    from ecomops.detect.scan import sum_stat
    from ecomops.localize import explain

    dims = list(cubes.SALES_DIMS)
    dates = leaves["date"].astype(object)
    today = leaves[dates == ctx.day]
    first = ctx.day - dt.timedelta(days=SHARE_DAYS)
    recent = leaves[(dates < ctx.day) & (dates >= first) & ~dates.isin(list(ctx.festivals))]
    if today.empty or recent.empty:
        return ()
    total = build_panel(leaves, (), ("gmv", "visitors"), ctx)
    grains: set[tuple[str, ...]] = set()
    for measure in ("gmv", "visitors"):
        st = sum_stat(total, measure, ctx)
        if abs(float(st.z[0])) < ctx.band_z or abs(float(st.a[0] - st.e[0])) < ctx.min_impact / 10:
            continue
        share = recent.groupby(dims, observed=True)[measure].sum()
        if share.sum() <= 0:
            continue
        share = share / share.sum()
        obs = today.groupby(dims, observed=True)[measure].sum()
        table = pd.concat([obs.rename("real"), (share * float(st.e[0])).rename("predict")], axis=1).fillna(
            0.0
        )
        table = table.reset_index()
        try:
            result = explain(table, dims, "real", "predict", max_elements=3)
        except Exception:  # an engine failure must not stop the brief
            log.exception("localize.explain failed on %s", measure)
            continue
        for rc in result.root_causes:
            if rc.score >= 0.2 and rc.segment:
                grains.add(tuple(d for d in dims if d in rc.segment))
    return tuple(sorted(grains - set(sales.GRAINS)))


def channel_share(leaves: pd.DataFrame) -> dict[str, float]:
    g = leaves.groupby("channel", observed=True)["gmv"].sum()
    tot = float(g.sum())
    return {str(k): float(v) / tot for k, v in g.items()} if tot > 0 else {}


def category_map(products: pd.DataFrame) -> dict[str, str]:
    return {
        str(k): str(v) for k, v in zip(products["sku"], products["category"], strict=True) if v is not None
    }


def expected_store_gmv(leaves: pd.DataFrame, ctx: Context) -> float:
    from ecomops.detect.scan import sum_stat

    st = sum_stat(build_panel(leaves, (), ("gmv",), ctx), "gmv", ctx)
    return float(np.nan_to_num(st.e[0]))
