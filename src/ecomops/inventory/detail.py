"""One SKU in detail, for the console's SKU page: history, forecast band, projected stock.

Reads the store through ``service``; the forecast is the cross-validated one, run on the SKU's
own series only (seconds), while positions and plan rows come from the (fast) plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ecomops.errors import NoDataError
from ecomops.inventory import service
from ecomops.inventory.forecast import ForecastConfig
from ecomops.settings import Settings

BAND_Z = 1.2816
"""z of an 80% two-sided band (10% and 90% quantiles)."""


def sku_detail(con: Any, as_of: dt.date, settings: Settings, sku: str,
               plan: service.PlanResult | None = None) -> dict[str, pd.DataFrame]:
    """For one SKU: daily history per warehouse, forecast with an 80% band, projected stock.

    The forecast is the cross-validated one (``forecast_store``) of the SKU's own series (a few
    seconds, not the catalogue's minutes; event uplift then rests on the SKU's own history, not
    pooled with its category's); ``plan`` (default: the fast plan) gives positions and plan rows.
    """
    plan = plan or service.replenishment_plan(con, as_of, settings, fast=True)
    rows = plan.rows[plan.rows["sku"] == sku].reset_index(drop=True)
    prods = service.products(con)
    if rows.empty and sku not in set(prods["sku"]):
        raise NoDataError(f"no product or stock position {sku!r} on {as_of}",
                          hint="check the SKU code against the products table")
    pol = service.policy(settings)
    lead = int(rows["lead_time_days"].max()) if len(rows) else pol.default_lead_time
    cfg = ForecastConfig(horizon=max(ForecastConfig().horizon, lead + pol.target_cover_days + 1))
    hist = service.sales_history(con, as_of)
    hist = hist[hist["sku"] == sku].sort_values(["ds", "warehouse"], ignore_index=True)
    if hist.empty:
        fc = pd.DataFrame(columns=["unique_id", "ds", "yhat", "lo80", "hi80", "warehouse"])
    else:
        result, keys = service.forecast_store(con, as_of, cfg, sales=hist)
        ids = keys.loc[keys["sku"] == sku, "unique_id"]
        fc = result.forecast[result.forecast["unique_id"].isin(ids)]
        err = result.series.set_index("unique_id")["rmse"]
        band = BAND_Z * fc["unique_id"].map(err).fillna(0.0)
        fc = fc.assign(lo80=(fc["yhat"] - band).clip(lower=0), hi80=fc["yhat"] + band,
                       warehouse=fc["unique_id"].str.split(service.SEP).str[-1]).reset_index(drop=True)
    proj = []
    for r in rows.itertuples():
        f = fc[fc["warehouse"] == r.warehouse]
        stock = (r.on_hand - r.reserved) - f["yhat"].cumsum()
        if r.inbound and pd.notna(r.inbound_eta):
            stock = stock + np.where(f["ds"] >= pd.Timestamp(r.inbound_eta), r.inbound, 0)
        proj.append(pd.DataFrame({"warehouse": r.warehouse, "ds": f["ds"], "projected_stock": stock}))
    return {
        "history": hist,
        "forecast": fc,
        "projection": pd.concat(proj, ignore_index=True) if proj else pd.DataFrame(
            columns=["warehouse", "ds", "projected_stock"]),
        "plan": rows,
    }
