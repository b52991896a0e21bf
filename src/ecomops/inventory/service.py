"""Inventory services: read the store, run the pure modules, return frames (CLI, web, brief).

Every function takes an open DuckDB connection (or an Ibis DuckDB backend) and the day under
review, ``as_of``; none reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecomops.errors import NoDataError
from ecomops.inventory import channels, elasticity, queries, replenish, slow_movers
from ecomops.inventory.forecast import ForecastConfig, ForecastResult, forecast_demand
from ecomops.settings import Settings

log = logging.getLogger(__name__)

HISTORY_DAYS = 730
CHANNEL_DAYS = 28
SEP = "@"


def _duck(con: Any) -> Any:
    """The DuckDB connection behind an Ibis backend, or ``con`` itself."""
    return getattr(con, "con", con)


def _read(con: Any, sql: str, **params: Any) -> pd.DataFrame:
    return _duck(con).execute(sql, params).df()


def series_id(sku: pd.Series, warehouse: pd.Series) -> pd.Series:
    return sku.astype(str) + SEP + warehouse.astype(str)


def policy(settings: Settings) -> replenish.PlanPolicy:
    t = settings.thresholds
    return replenish.PlanPolicy(service_level=t.service_level, target_cover_days=t.target_cover_days)


def events(con: Any, start: dt.date, end: dt.date, series: pd.DataFrame) -> pd.DataFrame:
    """Event labels for forecasting: shop promotions (``promo``) first, then the festival calendar."""
    from ecomops.promo.calendar import events as calendar

    frames = []
    promos = _read(con, queries.PROMOTIONS, start=start, end=end)
    for p in promos.itertuples():
        days = pd.date_range(max(pd.Timestamp(p.start_date), pd.Timestamp(start)),
                             min(pd.Timestamp(p.end_date), pd.Timestamp(end)), freq="D")
        skus = [s.strip() for s in str(p.skus).split("|") if s.strip()]
        if not skus:
            frames.append(pd.DataFrame({"ds": days, "event": "promo", "unique_id": None}))
            continue
        ids = series.loc[series["sku"].isin(skus), "unique_id"]
        frames.append(pd.DataFrame({"unique_id": np.repeat(ids.to_numpy(), len(days)),
                                    "ds": np.tile(days.to_numpy(), len(ids)), "event": "promo"}))
    cal = calendar(start, end)
    label = np.where(cal["phase"].eq("holiday"), cal["event"], cal["event"] + ":" + cal["phase"])
    frames.append(pd.DataFrame({"ds": pd.to_datetime(cal["date"]), "event": label, "unique_id": None}))
    return pd.concat(frames, ignore_index=True)


def forecast_store(con: Any, as_of: dt.date, config: ForecastConfig | None = None,
                   ) -> tuple[ForecastResult, pd.DataFrame]:
    """Forecast every SKU × warehouse with sales in the last two years; returns the result and
    the ``unique_id, sku, warehouse`` map."""
    cfg = config or ForecastConfig()
    start = as_of - dt.timedelta(days=HISTORY_DAYS - 1)
    sales = _read(con, queries.SALES, start=start, as_of=as_of)
    products = _read(con, queries.PRODUCTS)
    sales["unique_id"] = series_id(sales["sku"], sales["warehouse"])
    keys = sales[["unique_id", "sku", "warehouse"]].drop_duplicates("unique_id")
    cens = _read(con, queries.CENSORED, start=start, as_of=as_of)
    cens["unique_id"] = series_id(cens["sku"], cens["warehouse"])
    groups = keys.set_index("unique_id")["sku"].map(products.set_index("sku")["category"].to_dict())
    ev = events(con, start, as_of + dt.timedelta(days=cfg.horizon), keys)
    result = forecast_demand(sales[["unique_id", "ds", "y"]], as_of, cfg, events=ev, groups=groups,
                             censored=cens[["unique_id", "ds"]])
    return result, keys


@dataclass(frozen=True)
class PlanResult:
    as_of: dt.date
    rows: pd.DataFrame
    purchase_orders: pd.DataFrame
    forecast: ForecastResult
    keys: pd.DataFrame


def replenishment_plan(con: Any, as_of: dt.date, settings: Settings,
                       config: ForecastConfig | None = None) -> PlanResult:
    """The plan of every stock position on ``as_of`` and the purchase orders by supplier."""
    positions = _read(con, queries.POSITIONS, as_of=as_of)
    if positions.empty:
        raise NoDataError(f"no inventory snapshot on or before {as_of}",
                          hint="import an inventory file (DATA.md, table inventory)")
    products = _read(con, queries.PRODUCTS)
    pol = policy(settings)
    lead = int(products["lead_time_days"].fillna(pol.default_lead_time).max()) if len(products) else 14
    cfg = config or ForecastConfig()
    horizon = max(cfg.horizon, lead + pol.target_cover_days + 1)
    cfg = ForecastConfig(**{**cfg.__dict__, "horizon": horizon})
    result, keys = forecast_store(con, as_of, cfg)
    positions["unique_id"] = series_id(positions["sku"], positions["warehouse"])
    rows = replenish.plan(positions, products, result.forecast,
                          result.series[["unique_id", "rmse", "demand_class", "method"]], as_of, pol)
    rows["snapshot_date"] = rows[["sku", "warehouse"]].merge(
        positions[["sku", "warehouse", "snapshot_date"]], on=["sku", "warehouse"], how="left"
    )["snapshot_date"].dt.date.to_numpy()
    return PlanResult(as_of, rows, replenish.purchase_orders(rows), result, keys)


def slow_mover_report(con: Any, as_of: dt.date, settings: Settings,
                      plan: PlanResult | None = None) -> pd.DataFrame:
    """Slow movers with their ABC × XYZ class, margin, action and reason."""
    plan = plan or replenishment_plan(con, as_of, settings)
    rows = plan.rows
    stock = rows.groupby("sku", as_index=False).agg(
        stock=("on_hand", "sum"), daily=("daily_demand", "sum"), available=("available", "sum"))
    stock["days_of_cover"] = np.where(stock["daily"] > 0, stock["available"] / stock["daily"].where(
        stock["daily"] > 0, 1), np.nan)
    start = as_of - dt.timedelta(days=364)
    daily = _read(con, queries.DAILY_SKU, start=start, as_of=as_of)
    classes = slow_movers.abc_xyz(daily, as_of)
    last = _read(con, queries.LAST_SALE, as_of=as_of).set_index("sku")["last_sale"]
    t = settings.thresholds
    pre = slow_movers.slow_movers(stock, last, _read(con, queries.PRODUCTS), classes,
                                  pd.DataFrame(columns=elasticity.COLUMNS), as_of,
                                  target_cover_days=t.target_cover_days, slow_mover_days=t.slow_mover_days)
    sub = daily[daily["sku"].isin(pre["sku"])].assign(price=lambda d: d["revenue"] / d["units"])
    el = elasticity.estimate(sub)
    return slow_movers.slow_movers(stock, last, _read(con, queries.PRODUCTS), classes, el, as_of,
                                   target_cover_days=t.target_cover_days, slow_mover_days=t.slow_mover_days)


def channel_report(con: Any, as_of: dt.date, settings: Settings) -> pd.DataFrame:
    """Every channel listing against sellable stock, with its issue and suggested listed stock."""
    listings = _read(con, queries.LISTINGS, as_of=as_of)
    positions = _read(con, queries.POSITIONS, as_of=as_of)
    sellable = (positions.assign(sellable=positions["on_hand"] - positions["reserved"])
                .groupby("sku", as_index=False)["sellable"].sum())
    start = as_of - dt.timedelta(days=CHANNEL_DAYS - 1)
    demand = _read(con, queries.CHANNEL_DEMAND, start=start, as_of=as_of, days=CHANNEL_DAYS)
    prices = _read(con, queries.PRODUCTS)[["sku", "price", "status"]]
    return channels.check(listings, sellable, demand, prices)


def sku_detail(con: Any, as_of: dt.date, settings: Settings, sku: str,
               plan: PlanResult | None = None) -> dict[str, pd.DataFrame]:
    """For one SKU: daily history, forecast with an 80% band and projected stock per warehouse."""
    plan = plan or replenishment_plan(con, as_of, settings)
    ids = plan.keys.loc[plan.keys["sku"] == sku, "unique_id"]
    fc = plan.forecast.forecast[plan.forecast.forecast["unique_id"].isin(ids)]
    err = plan.forecast.series.set_index("unique_id")["rmse"]
    band = 1.2816 * fc["unique_id"].map(err).fillna(0.0)
    fc = fc.assign(lo80=(fc["yhat"] - band).clip(lower=0), hi80=fc["yhat"] + band)
    rows = plan.rows[plan.rows["sku"] == sku]
    proj = []
    for r in rows.itertuples():
        f = fc[fc["unique_id"] == f"{r.sku}{SEP}{r.warehouse}"]
        stock = (r.on_hand - r.reserved) - f["yhat"].cumsum()
        if r.inbound and pd.notna(r.inbound_eta):
            stock = stock + np.where(f["ds"] >= pd.Timestamp(r.inbound_eta), r.inbound, 0)
        proj.append(pd.DataFrame({"warehouse": r.warehouse, "ds": f["ds"], "projected_stock": stock}))
    start = as_of - dt.timedelta(days=HISTORY_DAYS - 1)
    hist = _read(con, queries.SALES, start=start, as_of=as_of)
    return {
        "history": hist[hist["sku"] == sku].sort_values("ds", ignore_index=True),
        "forecast": fc.reset_index(drop=True),
        "projection": pd.concat(proj, ignore_index=True) if proj else pd.DataFrame(),
        "plan": rows.reset_index(drop=True),
    }


def write_plan_xlsx(plan: PlanResult, path: Any) -> None:
    """Write the plan and the purchase orders by supplier to an Excel workbook at ``path``."""
    from pathlib import Path

    from ecomops.inventory.export import plan_workbook

    Path(path).write_bytes(plan_workbook(plan.rows, plan.purchase_orders, plan.as_of))
