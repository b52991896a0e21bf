"""Inventory commands: ``replenish`` and the ``inventory`` group (slow movers, channels, forecast)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli.context import err_console, out_console, state
from ecomops.cli.output import to_csv, to_json, to_table
from ecomops.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from ecomops.workspace import Workspace

inventory_app = typer.Typer(help="Inventory: slow movers, channel stock, demand forecasts.",
                            no_args_is_help=True)


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DateOpt = Annotated[
    dt.datetime | None,
    typer.Option("--date", "-d", formats=["%Y-%m-%d"], help="Day under review. Default: yesterday.",
                 show_default=False),
]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (needed for xlsx).")]
FastOpt = Annotated[bool, typer.Option(help="One default model per demand class, no cross-validation.")]
RecentOpt = Annotated[bool, typer.Option(
    "--fast", help="Each series' recent demand rate instead of the cross-validated forecast (seconds).")]


def _day(ws: Workspace, value: dt.datetime | None) -> dt.date:
    """The ``--date`` given (refused outside the store's data: ``DateOutOfRange``), else yesterday."""
    from ecomops.cli.brief_cmds import yesterday
    from ecomops.store.bounds import check_day

    if value is None:
        return yesterday(ws.settings.store.timezone)
    return check_day(value.date(), ws.data_days())


def _emit(frame: pd.DataFrame, fmt: str, columns: list[str] | None = None, title: str | None = None,
          out: Path | None = None) -> None:
    cols = columns or list(frame.columns)
    from ecomops.inventory.export import records

    rows = records(frame)
    if fmt == "json":
        text = to_json(rows)
    elif fmt == "csv":
        text = to_csv(list(frame.columns), rows)
    else:
        out_console.print(to_table(cols, rows, title=title))
        return
    if out is not None:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        err_console.print(f"Wrote {len(rows)} rows to {out}")
    else:
        typer.echo(text, nl=not text.endswith("\n"))


def replenish(
    ctx: typer.Context,
    date: DateOpt = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", "-f", help="Output format.")] = PlanFormat.table,
    out: OutOpt = None,
    fast: RecentOpt = False,
) -> None:
    """The replenishment plan per SKU × warehouse: cover, stock-out date, safety stock, order.

    Example: ecomops --workspace ./shop replenish --date 2026-11-24 --format xlsx --out plan.xlsx
    """
    from ecomops.inventory import service
    from ecomops.inventory.replenish import PLAN_COLUMNS

    if fmt is PlanFormat.xlsx and out is None:
        raise InputError("--format xlsx needs --out FILE", hint="e.g. --out plan.xlsx")
    ws = state(ctx).workspace()
    day = _day(ws, date)
    con = ws.read_only_analytics()
    try:
        with err_console.status("Forecasting demand and planning…"):
            plan = service.replenishment_plan(con, day, ws.settings, fast=fast)
    finally:
        con.close()
    if fmt is PlanFormat.xlsx:
        assert out is not None
        service.write_plan_xlsx(plan, out)
        n_sup = len(plan.purchase_orders)
        err_console.print(f"Wrote the plan ({len(plan.rows)} rows, {n_sup} suppliers) to {out}")
        return
    _emit(plan.rows, fmt.value, list(PLAN_COLUMNS), title=f"Replenishment plan {day}", out=out)


@inventory_app.command("slow-movers")
def slow_movers(
    ctx: typer.Context,
    date: DateOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    fast: RecentOpt = False,
) -> None:
    """Slow movers with ABC × XYZ class, margin, recommended action and the reason.

    Days of cover is available stock on hand / daily demand (in transit not counted); with --fast
    the numbers are the console's (each series' recent demand rate).

    Example: ecomops --workspace ./shop inventory slow-movers --date 2026-11-24 --fast --format json
    """
    from ecomops.inventory import service

    ws = state(ctx).workspace()
    day = _day(ws, date)
    con = ws.read_only_analytics()
    try:
        plan = service.replenishment_plan(con, day, ws.settings, fast=True) if fast else None
        frame = service.slow_mover_report(con, day, ws.settings, plan=plan)
    finally:
        con.close()
    _emit(frame, fmt.value, ["sku", "stock", "days_of_cover", "days_since_last_sale", "margin_rate",
                             "abc", "xyz", "action", "reason"], title=f"Slow movers {day}")


@inventory_app.command("channels")
def channel_stock(
    ctx: typer.Context,
    date: DateOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    issues_only: Annotated[bool, typer.Option("--issues-only", help="Only listings with an issue.")] = False,
) -> None:
    """Channel listings against sellable stock: oversell risk, lost sales, suggested listed stock.

    Example: ecomops --workspace ./shop inventory channels --issues-only --format json
    """
    from ecomops.inventory import service

    ws = state(ctx).workspace()
    day = _day(ws, date)
    con = ws.read_only_analytics()
    try:
        frame = service.channel_report(con, day, ws.settings)
    finally:
        con.close()
    if issues_only:
        frame = frame[frame["issue"].notna()]
    _emit(frame, fmt.value, title=f"Channel stock {day}")


@inventory_app.command("forecast")
def forecast(
    ctx: typer.Context,
    date: DateOpt = None,
    sku: Annotated[str | None, typer.Option(help="Daily forecast of this SKU (all warehouses).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    fast: FastOpt = False,
) -> None:
    """Demand forecast: per series its demand class, chosen models and error; or one SKU's days.

    Example: ecomops --workspace ./shop inventory forecast --sku SKU-0042 --format csv
    """
    from ecomops.inventory import service
    from ecomops.inventory.forecast import ForecastConfig

    ws = state(ctx).workspace()
    day = _day(ws, date)
    con = ws.read_only_analytics()
    try:
        result, keys = service.forecast_store(con, day, ForecastConfig(select=not fast))
    finally:
        con.close()
    if sku is None:
        frame = keys.merge(result.series, on="unique_id").drop(columns="unique_id")
        _emit(frame.round(3), fmt.value, title=f"Demand models {day}")
        return
    ids = keys[keys["sku"] == sku]
    if ids.empty:
        raise InputError(f"no sales of SKU {sku} in the two years before {day}")
    frame = ids.merge(result.forecast, on="unique_id").drop(columns="unique_id")
    frame["ds"] = frame["ds"].dt.date
    _emit(frame.round(2), fmt.value, title=f"Forecast of {sku} after {day}")


def register(app: typer.Typer) -> None:
    app.command()(replenish)
    app.add_typer(inventory_app, name="inventory")
