"""Inventory services: read the store, run the pure modules, return frames (CLI, web, brief).

Every function takes an open DuckDB connection (or an Ibis DuckDB backend) and the day under
review, ``as_of``; none reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ecomops.errors import NoDataError
from ecomops.i18n import gettext_for
from ecomops.inventory import (
    channels,
    cover,
    elasticity,
    queries,
    rate,
    replenish,
    risk,
    slow_movers,
    uplift,
)
from ecomops.inventory.forecast import ForecastConfig, ForecastResult, forecast_demand
from ecomops.settings import Settings

log = logging.getLogger(__name__)

HISTORY_DAYS = 730
CHANNEL_DAYS = 28
FAST_POSITION_DAYS = 35
"""The brief reads snapshots of the last five weeks only (older ones are stale)."""
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

    promos = _read(con, queries.PROMOTIONS_SQL, start=start, end=end)
    return uplift.event_table(promos, calendar(start, end), series, start, end)


def positions(con: Any, as_of: dt.date, days: int = HISTORY_DAYS) -> pd.DataFrame:
    """The latest snapshot of every SKU x warehouse within ``days`` up to ``as_of``."""
    start = as_of - dt.timedelta(days=days - 1)
    return _read(con, queries.POSITIONS, as_of=as_of, start=start)


def products(con: Any) -> pd.DataFrame:
    return _read(con, queries.PRODUCTS_SQL)


def fast_rates(con: Any, as_of: dt.date, *, by: str = "sku") -> pd.DataFrame:
    """``rate.recent_rates`` of every SKU (``by="sku"``) or SKU x warehouse (``"series"``).

    Cheap: two aggregate queries over the last ``rate.LOOKBACK`` days and the event calendar.
    """
    start = as_of - dt.timedelta(days=rate.LOOKBACK - 1)
    if by == "sku":
        sales = _read(con, queries.SALES_BY_SKU, start=start, as_of=as_of)
        stock = _read(con, queries.STOCK_BY_SKU, start=start, as_of=as_of)
        keys = pd.DataFrame({"unique_id": stock["unique_id"].unique()})
        keys["sku"] = keys["unique_id"]
    else:
        sales = _read(con, queries.SALES, start=start, as_of=as_of)
        sales = sales.rename(columns={"y": "units"})
        sales["unique_id"] = series_id(sales["sku"], sales["warehouse"])
        stock = _read(con, queries.STOCK_BY_SERIES, start=start, as_of=as_of)
        stock["unique_id"] = series_id(stock["sku"], stock["warehouse"])
        keys = stock[["unique_id", "sku"]].drop_duplicates("unique_id")
    ids = pd.Index(sorted(set(keys["unique_id"]) | set(sales["unique_id"])))
    ev = events(con, start, as_of, keys)
    return rate.recent_rates(sales, as_of, ids=ids, stock=stock, events=ev)


def _fast_forecast(con: Any, as_of: dt.date, horizon: int) -> ForecastResult:
    rates = fast_rates(con, as_of, by="series")
    series = pd.DataFrame({"unique_id": rates["unique_id"], "method": "recent_rate",
                           "rmse": rates["sd"], "mae": rates["sd"], "demand_class": None,
                           "mean": rates["daily_demand"]})
    return ForecastResult(forecast=rate.flat_forecast(rates, as_of, horizon), series=series,
                          uplift=uplift.Uplift())


def sellable_history(con: Any, as_of: dt.date, days: int) -> pd.DataFrame:
    """``date, sku, warehouse, sellable`` over the ``days`` days up to ``as_of`` (dates as dates)."""
    frame = _read(con, queries.SELLABLE_HISTORY, as_of=as_of, start=as_of - dt.timedelta(days=days))
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def sales_history(con: Any, as_of: dt.date) -> pd.DataFrame:
    """Units sold per day x SKU x warehouse (``ds, sku, warehouse, y``) over ``HISTORY_DAYS``."""
    return _read(con, queries.SALES, start=as_of - dt.timedelta(days=HISTORY_DAYS - 1), as_of=as_of)


def forecast_store(con: Any, as_of: dt.date, config: ForecastConfig | None = None,
                   sales: pd.DataFrame | None = None) -> tuple[ForecastResult, pd.DataFrame]:
    """Forecast every SKU × warehouse with sales in the last two years (those of ``sales``, a
    part of ``sales_history``, when given); returns the result and the ``unique_id, sku,
    warehouse`` map."""
    cfg = config or ForecastConfig()
    start = as_of - dt.timedelta(days=HISTORY_DAYS - 1)
    sales = (sales_history(con, as_of) if sales is None else sales).reset_index(drop=True)
    prods = products(con)
    sales["unique_id"] = series_id(sales["sku"], sales["warehouse"])
    keys = sales[["unique_id", "sku", "warehouse"]].drop_duplicates("unique_id")
    cens = _read(con, queries.CENSORED, start=start, as_of=as_of)
    cens["unique_id"] = series_id(cens["sku"], cens["warehouse"])
    groups = keys.set_index("unique_id")["sku"].map(prods.set_index("sku")["category"].to_dict())
    ev = events(con, start, as_of + dt.timedelta(days=cfg.horizon), keys)
    first = _read(con, queries.FIRST_IN_STOCK, start=start, as_of=as_of)
    starts = pd.Series(pd.to_datetime(first["first_day"]).to_numpy(),
                       index=series_id(first["sku"], first["warehouse"]))
    result = forecast_demand(sales[["unique_id", "ds", "y"]], as_of, cfg, events=ev, groups=groups,
                             censored=cens[["unique_id", "ds"]], starts=starts)
    return result, keys


@dataclass(frozen=True)
class PlanResult:
    as_of: dt.date
    rows: pd.DataFrame
    purchase_orders: pd.DataFrame
    forecast: ForecastResult
    keys: pd.DataFrame


def replenishment_plan(con: Any, as_of: dt.date, settings: Settings,
                       config: ForecastConfig | None = None, *, fast: bool = False) -> PlanResult:
    """The plan of every stock position on ``as_of`` and the purchase orders by supplier.

    ``fast``: each series' recent rate (``rate``) instead of the cross-validated forecast.
    """
    pos = positions(con, as_of)
    if pos.empty:
        raise NoDataError(f"no inventory snapshot on or before {as_of}",
                          hint="import an inventory file (DATA.md, table inventory)")
    prods = products(con)
    pol = policy(settings)
    lead = int(prods["lead_time_days"].fillna(pol.default_lead_time).max()) if len(prods) else 14
    cfg = config or ForecastConfig()
    horizon = max(cfg.horizon, lead + pol.target_cover_days + 1)
    pos["unique_id"] = series_id(pos["sku"], pos["warehouse"])
    if fast:
        result = _fast_forecast(con, as_of, horizon)
        keys = pos[["unique_id", "sku", "warehouse"]]
    else:
        cfg = ForecastConfig(**{**cfg.__dict__, "horizon": horizon})
        result, keys = forecast_store(con, as_of, cfg)
    rows = replenish.plan(pos, prods, result.forecast,
                          result.series[["unique_id", "rmse", "demand_class", "method"]], as_of, pol)
    rows["snapshot_date"] = rows[["sku", "warehouse"]].merge(
        pos[["sku", "warehouse", "snapshot_date"]], on=["sku", "warehouse"], how="left"
    )["snapshot_date"].dt.date.to_numpy()
    return PlanResult(as_of, rows, replenish.purchase_orders(rows), result, keys)


@dataclass(frozen=True)
class StockRisk:
    skus: pd.DataFrame
    """``risk.sku_risk``'s rows."""
    store_daily_gmv: float
    """The store's expected GMV of an ordinary day: Σ SKUs recent rate × price."""
    positions: pd.DataFrame
    products: pd.DataFrame


def stock_risk(con: Any, as_of: dt.date, settings: Settings) -> StockRisk:
    """SKU-level stock-out risk in money on ``as_of``, from recent demand rates (the brief's path)."""
    pos = positions(con, as_of, FAST_POSITION_DAYS)
    prods = products(con)
    rates = fast_rates(con, as_of, by="sku")
    gmv = float((rates["daily_demand"] * rates["price"]).fillna(0.0).sum())
    if pos.empty:
        return StockRisk(pd.DataFrame(columns=["sku"]), gmv, pos, prods)
    lead = policy(settings).default_lead_time
    return StockRisk(risk.sku_risk(pos, rates, prods, as_of, default_lead_time=lead), gmv, pos, prods)


def slow_mover_report(con: Any, as_of: dt.date, settings: Settings,
                      plan: PlanResult | None = None, language: str | None = None) -> pd.DataFrame:
    """Slow movers with their ABC × XYZ class, margin, action and reason (the reason in
    ``language``, by default the store's)."""
    plan = plan or replenishment_plan(con, as_of, settings)
    rows = plan.rows
    stock = rows.groupby("sku", as_index=False).agg(stock=("on_hand", "sum")).merge(
        cover.by_sku(rows), on="sku")
    start = as_of - dt.timedelta(days=364)
    daily = _read(con, queries.DAILY_SKU, start=start, as_of=as_of)
    classes = slow_movers.abc_xyz(daily, as_of)
    last = _read(con, queries.LAST_SALE, as_of=as_of).set_index("sku")["last_sale"]
    t = settings.thresholds
    pre = slow_movers.slow_movers(stock, last, products(con), classes,
                                  pd.DataFrame(columns=elasticity.COLUMNS), as_of,
                                  target_cover_days=t.target_cover_days, slow_mover_days=t.slow_mover_days)
    sub = daily[daily["sku"].isin(pre["sku"])].assign(price=lambda d: d["revenue"] / d["units"])
    el = elasticity.estimate(sub)
    return slow_movers.slow_movers(stock, last, products(con), classes, el, as_of,
                                   target_cover_days=t.target_cover_days, slow_mover_days=t.slow_mover_days,
                                   gettext=gettext_for(language or settings.store.language, "report"))


def channel_report(con: Any, as_of: dt.date, settings: Settings) -> pd.DataFrame:
    """Every channel listing against sellable stock, with its issue and suggested listed stock."""
    listings = _read(con, queries.LISTINGS, as_of=as_of)
    pos = positions(con, as_of, FAST_POSITION_DAYS)
    sellable = (pos.assign(sellable=(pos["on_hand"] - pos["reserved"]).clip(lower=0))
                .groupby("sku", as_index=False)["sellable"].sum())
    start = as_of - dt.timedelta(days=CHANNEL_DAYS - 1)
    demand = _read(con, queries.CHANNEL_DEMAND, start=start, as_of=as_of, days=CHANNEL_DAYS)
    prices = products(con)[["sku", "price", "status"]]
    return channels.check(listings, sellable, demand, prices)


PURCHASE_EXTRA = ("title", "inbound", "stock_position", "moq", "cost", "order_value", "order_by",
                  "lead_time_days")


def purchase_lines(plan: PlanResult) -> pd.DataFrame:
    """The purchase plan to send: one row per planned order (``suggested_order_qty`` > 0),
    ``supplier`` first, grouped by supplier in ``purchase_orders`` order (most urgent first), then
    by risk and order-by date within a supplier."""
    cols = ["supplier", *(c for c in replenish.PLAN_COLUMNS if c != "supplier"),
            *(c for c in PURCHASE_EXTRA if c in plan.rows.columns)]
    lines = plan.rows[plan.rows["suggested_order_qty"] > 0]
    rank = {s: i for i, s in enumerate(plan.purchase_orders["supplier"])}
    lines = lines.assign(_s=lines["supplier"].map(rank),
                         _r=lines["risk"].map({"high": 0, "medium": 1, "low": 2}),
                         _d=pd.to_datetime(lines["order_by"]))
    lines = lines.sort_values(["_s", "_r", "_d", "sku", "warehouse"], na_position="last")
    return lines[cols].reset_index(drop=True)


def write_plan_xlsx(plan: PlanResult, path: Any) -> None:
    """Write the plan and the purchase orders by supplier to an Excel workbook at ``path``."""
    from pathlib import Path

    from ecomops.inventory.export import plan_workbook

    Path(path).write_bytes(plan_workbook(plan.rows, plan.purchase_orders, plan.as_of, purchase_lines(plan)))
