"""Briefs for the renderer tests, filled from the demo store by plain SQL (not invented numbers).

Until ``ecomops.report.service.build_brief`` exists, ``demo_brief`` computes a realistic Brief: the
day's KPIs with their comparisons, trends with a same-weekday expected band, bars, both heatmaps,
and findings on the channel x category cells that moved most, each with its evidence series.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from ecomops.detect.findings import Action, Finding, Kpi
from ecomops.report.model import Bars, Brief, Charts, Heatmap, TrendSeries
from ecomops.workspace import Workspace

DEMO_DAY = dt.date(2026, 11, 24)
"""The demo store's last day (conftest's ``DEMO_END``): the day its brief reviews."""

_DAILY = """
with lines as (
  select cast(o.order_time as date) as day, o.order_id, o.channel, p.category, l.quantity, l.amount,
         l.quantity * coalesce(p.cost, 0) as cost
  from orders o join order_lines l using (order_id) left join products p using (sku)
  where o.status not in ('cancelled', 'closed')
)
select day, {dims} sum(amount) as gmv, count(distinct order_id) as orders, sum(quantity) as units,
       sum(amount) - sum(cost) as gross_margin
from lines where day between ? and ? {where} group by all order by all
"""


def _daily(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, dims: str = "",
           where: str = "", params: tuple[object, ...] = ()) -> pd.DataFrame:
    sql = _DAILY.format(dims=f"{dims}," if dims else "", where=where)
    return con.execute(sql, [start, end, *params]).df()


def _store_series(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> pd.DataFrame:
    days = pd.DataFrame({"day": pd.date_range(start, end).date})
    sales = _daily(con, start, end)
    sales["day"] = pd.to_datetime(sales["day"]).dt.date
    # Shop-level rows when the store has them, else the sum of its SKU rows.
    visits = con.execute("select date as day, coalesce(sum(visitors) filter (where coalesce(sku, '') = ''), "
                         "sum(visitors)) as visitors from traffic where date between ? and ? group by 1",
                         [start, end]).df()
    visits["day"] = pd.to_datetime(visits["day"]).dt.date
    ads = con.execute("select date as day, sum(cost) as ad_cost, sum(sales) as ad_sales from ads "
                      "where date between ? and ? group by 1", [start, end]).df()
    ads["day"] = pd.to_datetime(ads["day"]).dt.date
    df = days.merge(sales, on="day", how="left").merge(visits, on="day", how="left")
    df = df.merge(ads, on="day", how="left").set_index("day")
    df["aov"] = df["gmv"] / df["orders"]
    df["conversion_rate"] = df["orders"] / df["visitors"]
    df["gross_margin_rate"] = df["gross_margin"] / df["gmv"]
    df["ad_roas"] = df["ad_sales"] / df["ad_cost"]
    return df


def _band(s: pd.Series, day: dt.date) -> tuple[float, float, float]:
    """Mean and +-2 sd of the same weekday over the four weeks before ``day``."""
    hist = [s.get(day - dt.timedelta(days=7 * k)) for k in range(1, 5)]
    h = pd.Series([x for x in hist if x is not None and pd.notna(x)], dtype=float)
    if h.empty:
        return (float("nan"),) * 3  # type: ignore[return-value]
    sd = float(h.std(ddof=1)) if len(h) > 1 else 0.0
    return float(h.mean()), float(h.mean() - 2 * sd), float(h.mean() + 2 * sd)


def _opt(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def _rel(s: pd.Series, day: dt.date, back: int) -> float | None:
    now, then = s.get(day), s.get(day - dt.timedelta(days=back))
    if now is None or then is None or pd.isna(now) or pd.isna(then) or then == 0:
        return None
    return float(now / then - 1)


def _trend(metric: str, s: pd.Series, days: list[dt.date], segment: dict[str, str]) -> TrendSeries:
    bands = [_band(s, d) for d in days]
    return TrendSeries(metric=metric, segment=segment, dates=days, values=[_opt(s.get(d)) for d in days],
                       expected=[_opt(b[0]) for b in bands], low=[_opt(b[1]) for b in bands],
                       high=[_opt(b[2]) for b in bands])


KPI_METRICS = ("gmv", "orders", "units", "aov", "visitors", "conversion_rate", "gross_margin_rate",
               "ad_cost", "ad_roas")


def demo_brief(root: Path, day: dt.date, history_days: int = 42) -> Brief:
    ws = Workspace.open(root)
    try:
        con = ws.read_only_analytics()
        start = day - dt.timedelta(days=history_days + 400)
        df = _store_series(con, start, day)
        kpis = []
        for m in KPI_METRICS:
            s = df[m]
            exp, low, high = _band(s, day)
            v = _opt(s.get(day))
            status = "unavailable" if v is None else "high" if v > high else "low" if v < low else "normal"
            kpis.append(Kpi(metric=m, value=v, dod=_rel(s, day, 1), wow=_rel(s, day, 7),
                            mom=_rel(s, day, 28), yoy=_rel(s, day, 364), expected=_opt(exp),
                            status=status))  # type: ignore[arg-type]
        days = [day - dt.timedelta(days=i) for i in range(history_days - 1, -1, -1)]
        trends = {m: _trend(m, df[m], days, {}) for m in ("gmv", "orders", "visitors", "conversion_rate")}

        week_ago = day - dt.timedelta(days=7)
        bars = []
        for dim in ("channel", "category"):
            cut = _daily(con, week_ago, day, dims=dim)
            cut["day"] = pd.to_datetime(cut["day"]).dt.date
            now = cut[cut["day"] == day].set_index(dim)["gmv"].sort_values(ascending=False)
            prev = cut[cut["day"] == week_ago].set_index(dim)["gmv"]
            bars.append(Bars(metric="gmv", dimension=dim, labels=[str(x) for x in now.index],
                             values=[float(x) for x in now], previous=[_opt(prev.get(k)) for k in now.index]))

        d28 = day - dt.timedelta(days=27)
        cat = _daily(con, d28, day, dims="category")
        cat["day"] = pd.to_datetime(cat["day"]).dt.date
        grid = cat.pivot_table(index="category", columns="day", values="gmv", aggfunc="sum")
        cat_heat = Heatmap(metric="gmv", rows=[str(r) for r in grid.index],
                           columns=[d.isoformat() for d in grid.columns],
                           values=[[_opt(x) for x in row] for row in grid.to_numpy()])
        hw = con.execute("select hour(order_time) as h, isodow(order_time) as w, count(*) as n from orders "
                         "where cast(order_time as date) between ? and ? group by all", [d28, day]).df()
        hgrid = hw.pivot_table(index="h", columns="w", values="n", aggfunc="sum").reindex(
            index=range(24), columns=range(1, 8))
        hour_heat = Heatmap(metric="orders", rows=[str(h) for h in range(24)],
                            columns=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                            values=[[_opt(x) for x in row] for row in hgrid.to_numpy()])

        findings, actions, evidence = _findings(con, day, days)
        return Brief(date=day, store="Demo Store", currency="CNY", kpis=kpis, findings=findings,
                     actions=actions, charts=Charts(trends=trends, bars=bars, heatmaps=[cat_heat, hour_heat],
                                                    evidence=evidence),
                     notes=["Inventory snapshot of the day is complete; reviews lag by up to 2 days."])
    finally:
        ws.close()


def _findings(con: duckdb.DuckDBPyConnection, day: dt.date, days: list[dt.date],
              ) -> tuple[list[Finding], list[Action], dict[str, TrendSeries]]:
    """The three channel x category cells whose GMV left their same-weekday band furthest."""
    cells = _daily(con, days[0] - dt.timedelta(days=35), day, dims="channel, category")
    cells["day"] = pd.to_datetime(cells["day"]).dt.date
    rows = []
    for (channel, category), g in cells.groupby(["channel", "category"]):
        s = g.set_index("day")["gmv"].reindex(pd.date_range(days[0] - dt.timedelta(days=35), day).date,
                                               fill_value=0.0)
        exp, _low, _high = _band(s, day)
        rows.append((float(s.get(day, 0.0)) - exp, channel, category, s, exp))
    rows.sort(key=lambda r: -abs(r[0]))
    findings, actions, evidence = [], [], {}
    for i, (gap, channel, category, s, exp) in enumerate(rows[:3], start=1):
        fid = f"f-{day.isoformat()}-{i:04d}"
        seg = {"channel": str(channel), "category": str(category)}
        severity = "high" if i == 1 else "medium" if i == 2 else "low"
        direction = "down" if gap < 0 else "up"
        findings.append(Finding(
            id=fid, module="sales", metric="gmv", segment=seg, process_step="conversion",
            direction=direction, observed=float(s[day]), expected=exp, impact=gap, severity=severity,
            since=day - dt.timedelta(days=1),
            summary=f"GMV of {category} on {channel} went {direction}: {s[day]:,.0f} against {exp:,.0f}.",
            evidence={"orders": int(cells[(cells["day"] == day) & (cells["channel"] == channel)
                                          & (cells["category"] == category)]["orders"].sum())}))
        evidence[fid] = _trend("gmv", s, days[-28:], seg)
        actions.append(Action(priority=i, title=f"Check {category} listings and prices on {channel}",
                              owner_role="operations", due=day + dt.timedelta(days=1),
                              acceptance=f"GMV of {category} on {channel} back within its range for 2 days",
                              finding_ids=(fid,)))
    return findings, actions, evidence


@cache
def demo_brief_cached(root: Path, day: dt.date) -> Brief:
    """``demo_brief`` once per test session (Briefs are immutable)."""
    return demo_brief(root, day)


@cache
def built_brief_cached(root: Path, day: dt.date) -> Brief:
    """The brief as ``ecomops.report.service.build_brief`` makes it (the CLI's path), once per session."""
    from ecomops.report.service import build_brief

    ws = Workspace.open(root)
    try:
        return build_brief(ws, day)
    finally:
        ws.close()
