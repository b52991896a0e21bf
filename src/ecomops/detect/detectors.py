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
from ecomops.detect.localized import Measure, engine_grains
from ecomops.detect.scan import Candidate, Context, build_panel
from ecomops.settings import Settings

log = logging.getLogger(__name__)


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
    """GMV = traffic x conversion x AOV per segment, margin; ``explain`` on the leaf table for
    GMV, visitors and conversion adds the grains of the elements it finds."""

    name: str = "sales"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        leaves, per_sku = sales_leaves(con, ctx)
        measures = [Measure("gmv"), Measure("visitors")]
        if per_sku:  # conversion per leaf needs visitors per SKU
            measures.append(Measure("orders", "visitors"))
        extra = engine_grains(leaves, cubes.SALES_DIMS, measures, ctx, sales.GRAINS)
        out = sales.sales_candidates(leaves, ctx, per_sku_visitors=per_sku, extra_grains=extra)
        return out + sales.margin_candidates(leaves, ctx)


@dataclass
class AdsDetector:
    name: str = "ads"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        leaves = cubes.ads(con, ctx.day, _history_days(ctx))
        measures = [Measure("clicks"), Measure("clicks", "impressions")]
        extra = engine_grains(leaves, cubes.ADS_DIMS, measures, ctx, ops.AD_GRAINS)
        return ops.ads_candidates(leaves, ctx, extra)


@dataclass
class LogisticsDetector:
    name: str = "logistics"

    def candidates(self, con: Any, ctx: Context) -> list[Candidate]:
        delivered, shipped = cubes.logistics(con, ctx.day, _history_days(ctx))
        transit = cubes.transit(con, ctx.day, _history_days(ctx))
        return ops.logistics_candidates(delivered, shipped, ctx, transit)


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
