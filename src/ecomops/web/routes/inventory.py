"""Inventory: the replenishment plan with filters, slow movers, channel stock, one SKU in detail,
the purchase plan to download (CSV, Excel) and the plan as JSON (``/api/inventory/plan``).

Everything comes from ``ecomops.inventory.service`` — the fast plan, each series' recent demand
rate, as ``ecomops replenish --fast`` — and ``ecomops.inventory.detail``, cached per date until
the next import (``Briefs.derived``). Filters compare values in memory; nothing typed becomes SQL,
and downloads are generated from the plan, never read from a path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ecomops.errors import InputError, NoDataError
from ecomops.i18n import translations
from ecomops.inventory.export import records
from ecomops.web import charts
from ecomops.web.deps import ApiViewer, Viewer, console

if TYPE_CHECKING:
    import pandas as pd

    from ecomops.inventory.service import PlanResult
    from ecomops.web.deps import Console

T = TypeVar("T")
router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
RISKS = ("high", "medium", "low")
TABS = ("plan", "slow", "channels")
MAX_ROWS = 300
"""Rows shown at most (risk first, so the ones that matter); the filters narrow the rest."""
MAX_TEXT = 100
RECENT_DAYS = 90
"""Days of history drawn before the forecast on the SKU page."""


def _derived(c: Console, key: tuple[Any, ...], build: Callable[[Any], T]) -> T:
    """``build(cursor)`` once per key and import (``Briefs.derived``), read on a store cursor."""

    def make() -> T:
        with c.gate.reader() as cur:
            return build(cur)

    return c.briefs.derived(key, make)  # type: ignore[no-any-return]


def plan_of(c: Console, day: dt.date) -> PlanResult:
    """The fast replenishment plan of ``day``."""
    from ecomops.inventory import service

    return _derived(c, ("inventory-plan", day),
                    lambda cur: service.replenishment_plan(cur, day, c.ws.settings, fast=True))


def slow_of(c: Console, day: dt.date, lang: str | None = None) -> pd.DataFrame:
    """Slow movers of ``day``, their reasons in the reader's ``lang``."""
    from ecomops.inventory import service

    plan = plan_of(c, day)
    return _derived(c, ("inventory-slow", day, lang),
                    lambda cur: service.slow_mover_report(cur, day, c.ws.settings, plan=plan,
                                                          language=lang))


def channels_of(c: Console, day: dt.date) -> pd.DataFrame:
    from ecomops.inventory import service

    return _derived(c, ("inventory-channels", day),
                    lambda cur: service.channel_report(cur, day, c.ws.settings))


def linked(frame: pd.DataFrame, day: dt.date) -> list[dict[str, Any]]:
    """``records`` of ``frame`` with each row's link to its SKU page (``href``)."""
    rows = records(frame)
    for row in rows:
        row["href"] = sku_href(row["sku"], day)
    return rows


def sku_href(sku: Any, day: dt.date) -> str:
    return f"/inventory/sku/{quote(str(sku), safe='')}?date={day.isoformat()}"


def filtered(rows: pd.DataFrame, risk: str, warehouse: str, supplier: str, text: str) -> pd.DataFrame:
    """The plan rows matching the filters, by risk (high first), then fewest days of cover."""
    out = rows
    if risk:
        out = out[out["risk"] == risk]
    if warehouse:
        out = out[out["warehouse"].astype(str) == warehouse]
    if supplier:
        out = out[out["supplier"].astype(str) == supplier]
    if text:
        needle = text.casefold()
        out = out[out["sku"].astype(str).str.casefold().str.contains(needle, regex=False)]
    rank = out["risk"].map({r: i for i, r in enumerate(RISKS)})
    return out.assign(_r=rank).sort_values(["_r", "days_of_cover", "sku"], na_position="last").drop(
        columns="_r")


DIRS = ("asc", "desc")


def _check(tab: str, risk: str, warehouse: str, supplier: str, q: str, sort: str, dir: str) -> None:
    from ecomops.inventory.tables import TABLES

    if tab not in TABS:
        raise InputError(f"the page has the tabs {', '.join(TABS)}, not {tab!r}")
    if risk and risk not in RISKS:
        raise InputError(f"risk is one of {', '.join(RISKS)}, not {risk!r}")
    if max(len(warehouse), len(supplier), len(q)) > MAX_TEXT:
        raise InputError(f"filters are at most {MAX_TEXT} characters")
    if sort and sort not in TABLES[tab].keys:
        raise InputError(f"the {tab} table sorts by {', '.join(TABLES[tab].keys)}, not {sort!r}")
    if dir not in DIRS:
        raise InputError(f"dir is asc or desc, not {dir!r}")


def view(c: Console, day: dt.date, tab: str, filters: dict[str, str], sort: str = "",
         dir: str = "asc", lang: str | None = None) -> pd.DataFrame:
    """Every row of the ``tab`` table for ``filters``, in the order shown (the page shows the first
    ``MAX_ROWS``; the downloads write them all, same columns and order)."""
    from ecomops.inventory.tables import TABLES
    from ecomops.inventory.tables import sort as sort_rows

    table = TABLES[tab]
    if tab == "plan":
        frame = filtered(plan_of(c, day).rows, filters["risk"], filters["warehouse"], filters["supplier"],
                         filters["q"])
    elif tab == "slow":
        frame = slow_of(c, day, lang)
    else:
        listings = channels_of(c, day)
        frame = listings[listings["issue"].notna()].sort_values(["at_risk_gmv", "sku"],
                                                                ascending=[False, True])
    return sort_rows(frame.reset_index(drop=True), table, sort or None, dir == "desc")


def _query(tab: str, day: dt.date, filters: dict[str, str], **extra: str) -> str:
    from urllib.parse import urlencode

    params = {"tab": tab, "date": day.isoformat(), **{k: v for k, v in filters.items() if v},
              **{k: v for k, v in extra.items() if v}}
    return urlencode(params)


@router.get("/inventory")
def inventory_page(
    request: Request, pu: Viewer, date: str | None = None, tab: str = "plan", risk: str = "",
    warehouse: str = "", supplier: str = "", q: str = "", sort: str = "", dir: str = "asc",
) -> Response:
    from ecomops.inventory.tables import TABLES, cells, headers
    from ecomops.web.pages import render

    _check(tab, risk, warehouse, supplier, q, sort, dir)
    c = console(request)
    day = c.briefs.day(date)
    filters = {"risk": risk, "warehouse": warehouse.strip(), "supplier": supplier.strip(), "q": q.strip()}
    if tab != "plan":
        filters = dict.fromkeys(filters, "")
    context: dict[str, Any] = {"day": day, "tab": tab, "filters": filters, "rows": [], "problem": None,
                               "sort": sort, "dir": dir}
    try:
        plan = plan_of(c, day)
    except NoDataError as exc:
        context["problem"] = str(exc)
        return render(request, "inventory.html", pu, **context)
    all_rows = plan.rows
    context["counts"] = {r: int((all_rows["risk"] == r).sum()) for r in RISKS}
    context["total"] = len(all_rows)
    table = TABLES[tab]
    frame = view(c, day, tab, filters, sort, dir, pu.lang)
    shown = frame.head(MAX_ROWS)
    values = cells(table, shown, pu.lang)
    context.update(
        table=table, columns=list(zip(table.columns, headers(table, pu.lang, c.ws.settings.store.currency),
                                      strict=True)),
        rows=[{"sku": str(r["sku"]), "risk": r.get("risk"), "href": sku_href(r["sku"], day), "cells": v}
              for r, v in zip(records(shown), values, strict=True)],
        matched=len(frame), query=_query(tab, day, filters),
        sort_query={col.key: _query(tab, day, filters, sort=col.key,
                                    dir="desc" if sort == col.key and dir == "asc" else "asc")
                    for col in table.columns},
        export_query=_query(tab, day, filters, sort=sort, dir=dir if sort else ""))
    if tab == "plan":
        context.update(orders=records(plan.purchase_orders),
                       warehouses=sorted({str(w) for w in all_rows["warehouse"]}),
                       suppliers=sorted({str(s) for s in all_rows["supplier"]}))
    elif tab == "channels":
        context["listings"] = len(channels_of(c, day))
    return render(request, "inventory.html", pu, **context)


def _export(request: Request, pu: Any, fmt: str, date: str | None, tab: str, risk: str, warehouse: str,
            supplier: str, q: str, sort: str, dir: str) -> Response:
    from ecomops.inventory.export import table_csv, table_workbook
    from ecomops.inventory.tables import TABLES, cells, headers

    _check(tab, risk, warehouse, supplier, q, sort, dir)
    c = console(request)
    day = c.briefs.day(date)
    filters = {"risk": risk, "warehouse": warehouse.strip(), "supplier": supplier.strip(), "q": q.strip()}
    if tab != "plan":
        filters = dict.fromkeys(filters, "")
    table = TABLES[tab]
    frame = view(c, day, tab, filters, sort, dir, pu.lang)
    heads, rows = headers(table, pu.lang, c.ws.settings.store.currency), cells(table, frame, pu.lang)
    name = {"plan": "replenishment-plan", "slow": "slow-movers", "channels": "channel-stock"}[tab]
    if fmt == "csv":
        return _download(table_csv(heads, rows), "text/csv; charset=utf-8", f"{name}-{day.isoformat()}.csv")
    sheet = translations(pu.lang).gettext({"plan": "Replenishment plan", "slow": "Slow movers",
                                           "channels": "Channel stock"}[tab])
    return _download(table_workbook(sheet, heads, rows),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{name}-{day.isoformat()}.xlsx")


@router.get("/inventory/export.csv")
def export_csv(request: Request, pu: Viewer, date: str | None = None, tab: str = "plan", risk: str = "",
               warehouse: str = "", supplier: str = "", q: str = "", sort: str = "",
               dir: str = "asc") -> Response:
    """The table on screen (same rows, filters, columns and order) as CSV, headers in the reader's
    language."""
    return _export(request, pu, "csv", date, tab, risk, warehouse, supplier, q, sort, dir)


@router.get("/inventory/export.xlsx")
def export_xlsx(request: Request, pu: Viewer, date: str | None = None, tab: str = "plan", risk: str = "",
                warehouse: str = "", supplier: str = "", q: str = "", sort: str = "",
                dir: str = "asc") -> Response:
    """The table on screen as an Excel sheet: the rows and columns of ``export.csv``."""
    return _export(request, pu, "xlsx", date, tab, risk, warehouse, supplier, q, sort, dir)


def _grid(frame: pd.DataFrame, start: dt.date, end: dt.date,
          column: str) -> tuple[list[str], dict[str, list[float]]]:
    """Daily values of ``column`` per warehouse over ``start``..``end`` (0 on days without a row)."""
    import pandas as pd

    days = pd.date_range(start, end, freq="D")
    if frame.empty:
        return [d.date().isoformat() for d in days], {}
    wide = frame.assign(ds=pd.to_datetime(frame["ds"])).pivot_table(
        index="ds", columns="warehouse", values=column, aggfunc="sum").reindex(days, fill_value=0.0)
    wide = wide.fillna(0.0)
    return ([d.date().isoformat() for d in days],
            {str(w): [round(float(v), 2) for v in wide[w]] for w in wide.columns})


def _fmt(x: float, lang: str, decimals: int = 0) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(round(float(x), decimals), pattern, locale="zh_CN" if lang == "zh_CN" else "en_US")


def sku_figures(detail: dict[str, pd.DataFrame], day: dt.date, sku: str,
                lang: str) -> list[tuple[str, Any, str]]:
    """The SKU page's charts: daily units sold, forecast with its 80% band per warehouse, and the
    projected stock; each with a one-sentence text alternative in ``lang``."""
    _ = translations(lang).gettext
    hist, fc, proj = detail["history"], detail["forecast"], detail["projection"]
    first = min(hist["ds"]).date() if len(hist) else day - dt.timedelta(days=RECENT_DAYS - 1)
    x, series = _grid(hist, first, day, "y")
    total = sum(sum(v) for v in series.values())
    figures: list[tuple[str, Any, str]] = [
        ("history", charts.lines(x, series, f"{sku} · {_('Daily units sold')}"),
         _("Units sold per day from %(start)s to %(end)s: %(total)s units in all.") % {
             "start": x[0], "end": x[-1], "total": _fmt(total, lang)})]
    recent = x[-RECENT_DAYS:]
    names = {"actual": _("Units sold"), "forecast": _("Forecast"), "band": _("80% band")}
    for i, warehouse in enumerate(sorted({str(w) for w in fc["warehouse"]})):
        f = fc[fc["warehouse"].astype(str) == warehouse].sort_values("ds")
        text = _("%(warehouse)s: %(total)s units forecast over the next %(days)s days, about %(daily)s "
                 "units a day (80%% band on the first day: %(lo)s to %(hi)s units).") % {
            "warehouse": warehouse, "total": _fmt(f["yhat"].sum(), lang), "days": len(f),
            "daily": _fmt(f["yhat"].mean() if len(f) else 0.0, lang, 2),
            "lo": _fmt(f["lo80"].iloc[0] if len(f) else 0.0, lang, 1),
            "hi": _fmt(f["hi80"].iloc[0] if len(f) else 0.0, lang, 1)}
        figures.append((f"forecast-{i}", charts.forecast_band(
            recent, series.get(warehouse, [0.0] * len(x))[-RECENT_DAYS:],
            [d.date().isoformat() for d in f["ds"]], [round(float(v), 2) for v in f["yhat"]],
            [round(float(v), 2) for v in f["lo80"]], [round(float(v), 2) for v in f["hi80"]],
            f"{warehouse} · {_('Forecast and 80% band')}", names), text))
    if len(proj):
        end = max(proj["ds"]).date()
        px, stock = _grid(proj, min(proj["ds"]).date(), end, "projected_stock")
        last = ", ".join(_("%(warehouse)s %(units)s units") % {"warehouse": w, "units": _fmt(v[-1], lang)}
                         for w, v in stock.items())
        figures.append(("projection", charts.stock_projection(px, stock, f"{sku} · {_('Projected stock')}"),
                        _("Projected stock on %(end)s, with inbound on its arrival date: %(stock)s.") % {
                            "end": end.isoformat(), "stock": last}))
    return figures


@router.get("/inventory/sku/{sku:path}")
def sku_page(request: Request, pu: Viewer, sku: str, date: str | None = None) -> Response:
    from ecomops.inventory.detail import sku_detail
    from ecomops.web.pages import render

    if not sku or len(sku) > MAX_TEXT:
        raise InputError(f"a SKU code has 1 to {MAX_TEXT} characters")
    c = console(request)
    day = c.briefs.day(date)
    plan = plan_of(c, day)
    detail = _derived(c, ("inventory-sku", day, sku),
                      lambda cur: sku_detail(cur, day, c.ws.settings, sku, plan=plan))
    from ecomops.inventory.cover import by_sku

    rows = records(detail["plan"])
    title = next((r["title"] for r in rows if r.get("title")), None)
    total = records(by_sku(detail["plan"]))
    return render(request, "inventory_sku.html", pu, day=day, sku=sku, title=title, rows=rows,
                  total=total[0] if total else None, figures=sku_figures(detail, day, sku, pu.lang))


def _download(body: bytes, media_type: str, name: str) -> Response:
    # ``name`` is made of fixed words and an ISO date: nothing from the request reaches a path.
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/inventory/purchase-plan.csv")
def purchase_plan_csv(request: Request, _pu: Viewer, date: str | None = None) -> Response:
    """One row per planned order, grouped by supplier (UTF-8 with BOM, so Excel reads Chinese)."""
    from ecomops.inventory import service

    c = console(request)
    day = c.briefs.day(date)
    from ecomops.inventory.export import csv_bytes

    lines = service.purchase_lines(plan_of(c, day))
    body = csv_bytes([str(col) for col in lines.columns], records(lines))
    return _download(body, "text/csv; charset=utf-8", f"purchase-plan-{day.isoformat()}.csv")


@router.get("/inventory/purchase-plan.xlsx")
def purchase_plan_xlsx(request: Request, _pu: Viewer, date: str | None = None) -> Response:
    """The plan, the order lines per supplier and the supplier totals as one workbook."""
    from ecomops.inventory.export import plan_workbook

    c = console(request)
    day = c.briefs.day(date)
    plan = plan_of(c, day)
    from ecomops.inventory import service

    body = c.briefs.derived(("inventory-xlsx", day), lambda: plan_workbook(
        plan.rows, plan.purchase_orders, plan.as_of, service.purchase_lines(plan)))
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"purchase-plan-{day.isoformat()}.xlsx")


@api_router.get("/inventory/plan", summary="The replenishment plan of a date (recent demand rates)",
                description="The rows of `ecomops replenish --fast --format json`: one per SKU × "
                "warehouse, risk first.",
                response_class=Response, responses={200: {"content": {"application/json": {}}}})
def api_plan(request: Request, _user: ApiViewer,
             date: str | None = Query(None, description="YYYY-MM-DD; default: yesterday")) -> Response:
    c = console(request)
    day = c.briefs.day(date)
    plan = plan_of(c, day)
    body = c.briefs.derived(("inventory-plan-json", day), lambda: json.dumps(
        records(plan.rows), ensure_ascii=False, allow_nan=False, default=str).encode("utf-8"))
    return Response(body, media_type="application/json")
