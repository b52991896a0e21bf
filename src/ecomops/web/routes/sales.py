"""Sales & traffic: a metric's trend and breakdown by channel, category, source or SKU, with filters.

Queries come from ``ecomops.tasks.series`` (fixed dimension and metric maps, every filter value a
bound parameter), so nothing typed into the filters becomes SQL text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ecomops.errors import InputError
from ecomops.i18n import N_, label, translations
from ecomops.tasks.series import BASE, METRICS, RATIOS, metric_sql
from ecomops.web import charts
from ecomops.web.briefs import parse_date
from ecomops.web.deps import Viewer, console

router = APIRouter(include_in_schema=False)
BREAKDOWNS = ("channel", "category", "source", "sku")
FILTERS = ("channel", "category", "source", "sku")
TOP = 8
MAX_DAYS = 400


def breakdown(
    cur: Any, metric: str, by: str, start: dt.date, end: dt.date, filters: dict[str, str],
) -> dict[str, Any]:
    """Totals by ``by`` over the period (biggest first) and the daily values of the top ones."""
    rank_by = RATIOS[metric][1] if metric in RATIOS else metric
    sql, params, _ = metric_sql(rank_by, start, end, by_day=False, by=[by], filters=filters)
    weights = {r[0]: float(r[1]) for r in cur.execute(sql, params).fetchall() if r[1] is not None}
    ranked = sorted(weights, key=lambda k: -weights[k])
    sql, params, _ = metric_sql(metric, start, end, by_day=False, by=[by], filters=filters)
    totals = {r[0]: r[1] for r in cur.execute(sql, params).fetchall()}
    sql, params, _ = metric_sql(metric, start, end, by=[by], filters=filters)
    daily: dict[Any, dict[dt.date, float | None]] = defaultdict(dict)
    for day, key, value in cur.execute(sql, params).fetchall():
        daily[key][day] = None if value is None else float(value)
    return {"ranked": ranked, "totals": totals, "daily": daily}


def product_titles(c: Any, skus: list[Any]) -> dict[Any, str]:
    if not skus:
        return {}
    with c.gate.reader() as cur:
        rows = cur.execute("SELECT sku, title FROM products WHERE list_contains(?, sku)",
                           [[str(s) for s in skus]]).fetchall()
    return {sku: (title or "")[:40] for sku, title in rows}


def options(cur: Any) -> dict[str, list[str]]:
    def distinct(sql: str) -> list[str]:
        return [str(r[0]) for r in cur.execute(sql).fetchall() if r[0] not in (None, "")]

    return {
        "channel": distinct("SELECT DISTINCT channel FROM orders ORDER BY 1"),
        "category": distinct("SELECT DISTINCT category FROM products ORDER BY 1"),
        "source": distinct("SELECT DISTINCT traffic_source FROM orders ORDER BY 1"),
    }


@router.get("/sales")
def sales(
    request: Request, pu: Viewer, metric: str = "gmv", by: str = "channel",
    start: str | None = None, end: str | None = None, channel: str = "", category: str = "",
    source: str = "", sku: str = "",
) -> Response:
    from ecomops.web.pages import render

    if metric not in METRICS:
        raise InputError.localized(N_("unknown metric '%(metric)s'"), metric=metric)
    if by not in BREAKDOWNS:
        raise InputError.localized(N_("the page breaks down by %(choices)s, not '%(by)s'"),
                                   choices=", ".join(BREAKDOWNS), by=by)
    c = console(request)
    last = c.briefs.day(end)
    first = parse_date(start) or last - dt.timedelta(days=27)
    if first > last or (last - first).days > MAX_DAYS:
        raise InputError.localized(N_("choose a period of 1 to %(days)s days, start before end"),
                                   days=MAX_DAYS)
    filters = {k: v.strip() for k, v in {"channel": channel, "category": category, "source": source,
                                         "sku": sku}.items() if v.strip()}
    _ = translations(pu.lang).gettext
    dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    x = [d.isoformat() for d in dates]
    with c.gate.reader() as cur:
        sql, params, _cols = metric_sql(metric, first, last, filters=filters)
        total_daily = {r[0]: r[1] for r in cur.execute(sql, params).fetchall()}
        data = breakdown(cur, metric, by, first, last, filters)
        choices = options(cur)
    name = label("metric", metric, pu.lang)
    top = data["ranked"][:TOP]
    dim = label("dimension", by, pu.lang)
    titles = product_titles(c, top) if by == "sku" else {}
    shown = {(label(by, k, pu.lang) if by in ("channel", "source") else
              f"{k} · {titles[k]}" if titles.get(k) else str(k)): k for k in top}
    figures = [
        ("total", charts.lines(x, {name: [total_daily.get(d) for d in dates]}, f"{name} · {_('Total')}",
                               pu.lang)),
        ("lines", charts.lines(x, {s: [data["daily"][k].get(d) for d in dates] for s, k in shown.items()},
                               f"{name} · {dim}", pu.lang)),
        ("bars", charts.bar_totals(list(shown), [data["totals"].get(k) for k in top],
                                   f"{name} · {dim} · {first.isoformat()} – {last.isoformat()}")),
        ("heat", charts.matrix(list(shown), x, [[data["daily"][k].get(d) for d in dates] for k in top],
                               f"{name} · {dim} × {_('Day')}", pu.lang)),
    ]
    rows = [{"key": k, "label": s, "total": data["totals"].get(k)} for s, k in shown.items()]
    return render(request, "sales.html", pu, figures=figures, rows=rows, metric=metric, by=by,
                  start=first, end=last, filters=filters, metrics=[*BASE, *RATIOS],
                  breakdowns=BREAKDOWNS, choices=choices)
