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


def slow_of(c: Console, day: dt.date) -> pd.DataFrame:
    from ecomops.inventory import service

    plan = plan_of(c, day)
    return _derived(c, ("inventory-slow", day),
                    lambda cur: service.slow_mover_report(cur, day, c.ws.settings, plan=plan))


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


@router.get("/inventory")
def inventory_page(
    request: Request, pu: Viewer, date: str | None = None, tab: str = "plan", risk: str = "",
    warehouse: str = "", supplier: str = "", q: str = "",
) -> Response:
    from ecomops.web.pages import render

    if tab not in TABS:
        raise InputError(f"the page has the tabs {', '.join(TABS)}, not {tab!r}")
    if risk and risk not in RISKS:
        raise InputError(f"risk is one of {', '.join(RISKS)}, not {risk!r}")
    if max(len(warehouse), len(supplier), len(q)) > MAX_TEXT:
        raise InputError(f"filters are at most {MAX_TEXT} characters")
    c = console(request)
    day = c.briefs.day(date)
    filters = {"risk": risk, "warehouse": warehouse.strip(), "supplier": supplier.strip(), "q": q.strip()}
    context: dict[str, Any] = {"day": day, "tab": tab, "filters": filters, "rows": [], "problem": None}
    try:
        plan = plan_of(c, day)
    except NoDataError as exc:
        context["problem"] = str(exc)
        return render(request, "inventory.html", pu, **context)
    all_rows = plan.rows
    context["counts"] = {r: int((all_rows["risk"] == r).sum()) for r in RISKS}
    context["total"] = len(all_rows)
    if tab == "plan":
        shown = filtered(all_rows, filters["risk"], filters["warehouse"], filters["supplier"], filters["q"])
        context.update(
            rows=linked(shown.head(MAX_ROWS), day), matched=len(shown), orders=records(plan.purchase_orders),
            warehouses=sorted({str(w) for w in all_rows["warehouse"]}),
            suppliers=sorted({str(s) for s in all_rows["supplier"]}))
    elif tab == "slow":
        context["rows"] = linked(slow_of(c, day), day)
    else:
        listings = channels_of(c, day)
        issues = listings[listings["issue"].notna()].sort_values(["at_risk_gmv", "sku"],
                                                                 ascending=[False, True])
        context.update(rows=linked(issues, day), listings=len(listings))
    return render(request, "inventory.html", pu, **context)


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


def sku_figures(detail: dict[str, pd.DataFrame], day: dt.date, sku: str, lang: str) -> list[tuple[str, Any]]:
    """The SKU page's charts: daily units sold, forecast with its 80% band per warehouse, and the
    projected stock."""
    _ = translations(lang).gettext
    hist, fc, proj = detail["history"], detail["forecast"], detail["projection"]
    first = min(hist["ds"]).date() if len(hist) else day - dt.timedelta(days=RECENT_DAYS - 1)
    x, series = _grid(hist, first, day, "y")
    figures: list[tuple[str, Any]] = [
        ("history", charts.lines(x, series, f"{sku} · {_('Daily units sold')}"))]
    recent = x[-RECENT_DAYS:]
    names = {"actual": _("Units sold"), "forecast": _("Forecast"), "band": _("80% band")}
    for i, warehouse in enumerate(sorted({str(w) for w in fc["warehouse"]})):
        f = fc[fc["warehouse"].astype(str) == warehouse].sort_values("ds")
        figures.append((f"forecast-{i}", charts.forecast_band(
            recent, series.get(warehouse, [0.0] * len(x))[-RECENT_DAYS:],
            [d.date().isoformat() for d in f["ds"]], [round(float(v), 2) for v in f["yhat"]],
            [round(float(v), 2) for v in f["lo80"]], [round(float(v), 2) for v in f["hi80"]],
            f"{warehouse} · {_('Forecast and 80% band')}", names)))
    if len(proj):
        end = max(proj["ds"]).date()
        px, stock = _grid(proj, min(proj["ds"]).date(), end, "projected_stock")
        figures.append(("projection", charts.stock_projection(px, stock, f"{sku} · {_('Projected stock')}")))
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
    rows = records(detail["plan"])
    title = next((r["title"] for r in rows if r.get("title")), None)
    return render(request, "inventory_sku.html", pu, day=day, sku=sku, title=title, rows=rows,
                  figures=sku_figures(detail, day, sku, pu.lang))


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
    body = c.briefs.derived(("inventory-xlsx", day), lambda: plan_workbook(
        plan.rows, plan.purchase_orders, plan.as_of))
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
