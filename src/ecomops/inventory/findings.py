"""Inventory findings for the morning brief (BRIEF.md vocabulary).

- stock-out risk per SKU × warehouse: metric ``days_of_cover``, direction ``down``, observed the
  cover, expected the lead time; impact = − expected GMV lost before an order placed today can
  arrive (for a SKU that must be ordered today but will not run out before, one day of its GMV:
  what each day of delay puts at risk);
- overstock: ``days_of_cover`` ``up`` against the target cover, impact 0 (no GMV lost; the
  evidence carries the stock value tied up), severity ``low``;
- oversell risk per channel × SKU: ``days_of_cover`` ``down`` (the cover the channel shows
  against what stock can ship); lost sales per channel × SKU (stock on hand, channel offline or
  at zero): metric ``gmv`` ``down``, impact = − the channel's daily GMV of the SKU.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ecomops.detect.findings import Finding, Severity, sort_findings
from ecomops.settings import Settings

MAX_OVERSTOCK = 10


def _plain(v: Any) -> Any:
    """JSON-ready evidence values: ISO dates, plain Python numbers."""
    if isinstance(v, dt.date):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


def _money(x: float) -> str:
    return f"{x:,.0f}"


def _stock(rows: pd.DataFrame, day: dt.date, min_impact: float) -> list[dict[str, Any]]:
    out = []
    for r in rows[rows["risk"].isin(["high", "medium"]) & (rows["daily_demand"] > 0)].itertuples():
        lost = float(r.expected_lost_gmv)
        impact = -lost if lost > 0 else -float(r.daily_demand * r.price)
        if r.risk != "high" and abs(impact) < min_impact:
            continue
        big, some = abs(impact) >= min_impact, abs(impact) >= min_impact / 10
        sev: Severity = ("high" if big and r.risk == "high"
                         else "medium" if big or (some and r.risk == "high") else "low")
        cover = float(r.days_of_cover) if pd.notna(r.days_of_cover) else 0.0
        when = "is out of stock" if r.status == "stockout" else f"runs out around {r.stockout_date}"
        text = (f"{r.sku} in {r.warehouse} {when}: {cover:.1f} days of cover against a "
                f"{r.lead_time_days}-day lead time")
        text += (f"; about {_money(lost)} GMV lost before a new order can arrive." if lost > 0
                 else f"; order {r.suggested_order_qty} units from {r.supplier} today.")
        out.append({"metric": "days_of_cover", "segment": {"sku": r.sku, "warehouse": r.warehouse},
                        "direction": "down", "observed": round(cover, 1), "expected": float(r.lead_time_days),
                        "impact": round(impact, 2), "severity": sev, "summary": text, "evidence": {
                            "available": int(r.available), "daily_demand": float(r.daily_demand),
                            "stockout_date": r.stockout_date, "reorder_point": int(r.reorder_point),
                            "suggested_order_qty": int(r.suggested_order_qty), "supplier": r.supplier,
                            "order_by": r.order_by}})
    return out


def _overstock(rows: pd.DataFrame, target: int, min_impact: float) -> list[dict[str, Any]]:
    over = rows[rows["status"].eq("overstock")].assign(value=lambda d: d["on_hand"] * d["cost"])
    over = over[over["value"] >= min_impact].nlargest(MAX_OVERSTOCK, "value")
    return [{"metric": "days_of_cover", "segment": {"sku": r.sku, "warehouse": r.warehouse},
                 "direction": "up", "observed": float(r.days_of_cover), "expected": float(target),
                 "impact": 0.0, "severity": "low",
                 "summary": (f"{r.sku} in {r.warehouse} holds {r.days_of_cover:.0f} days of cover against a "
                          f"{target}-day target; {_money(r.value)} tied up in stock."),
                 "evidence": {"on_hand": int(r.on_hand), "stock_value": round(float(r.value), 2),
                           "daily_demand": float(r.daily_demand)}}
            for r in over.itertuples()]


def _channels(ch: pd.DataFrame, min_impact: float) -> list[dict[str, Any]]:
    out = []
    for r in ch[ch["issue"].notna()].itertuples():
        impact = float(r.impact)
        seg = {"channel": r.channel, "sku": r.sku}
        ev = {"listed_stock": int(r.listed_stock), "sellable": int(r.sellable),
              "daily_demand": float(r.daily_demand), "suggested_listed_stock": int(r.suggested_listed_stock)}
        if r.issue in ("online_no_stock", "oversell_risk"):
            if r.issue == "oversell_risk" and abs(impact) < min_impact:
                continue
            rate = max(float(r.daily_demand), 1e-9)
            sev: Severity = "high" if abs(impact) >= min_impact else "medium"
            text = (f"{r.sku} shows {int(r.listed_stock)} units on {r.channel} but only {int(r.sellable)} "
                    f"can ship; list {int(r.suggested_listed_stock)} to avoid cancelled orders.")
            out.append({"metric": "days_of_cover", "segment": seg, "direction": "down",
                            "observed": round(float(r.sellable) / rate, 1) if r.daily_demand > 0 else 0.0,
                            "expected": round(float(r.listed_stock) / rate, 1) if r.daily_demand > 0 else 0.0,
                            "impact": impact, "severity": sev, "summary": text, "evidence": ev})
        elif abs(impact) >= min_impact:
            sev = "high" if abs(impact) >= 3 * min_impact else "medium"
            why = "is offline" if r.issue == "lost_sales_offline" else "shows zero stock"
            text = (f"{r.sku} {why} on {r.channel} while {int(r.sellable)} units can ship; "
                    f"about {_money(abs(impact))} GMV lost a day.")
            out.append({"metric": "gmv", "segment": seg, "direction": "down", "observed": 0.0,
                        "expected": abs(impact), "impact": impact, "severity": sev, "summary": text,
                        "evidence": ev})
    return out


def inventory_findings(con_or_backend: Any, date: dt.date, settings: Settings) -> list[Finding]:
    """Stock-out risk, overstock, oversell and lost-sales findings of ``date``, sorted."""
    from ecomops.inventory import service

    t = settings.thresholds
    try:
        plan = service.replenishment_plan(con_or_backend, date, settings)
        raw = _stock(plan.rows, date, t.min_impact) + _overstock(plan.rows, t.target_cover_days, t.min_impact)
    except service.NoDataError:
        raw = []
    raw += _channels(service.channel_report(con_or_backend, date, settings), t.min_impact)
    findings = [
        Finding(id=f"f-{date.isoformat()}-inventory-{i:04d}", module="inventory", process_step="stock",
                since=date, **{k: v for k, v in r.items() if k != "evidence"},
                evidence={k: _plain(v) for k, v in r["evidence"].items()})
        for i, r in enumerate(raw, start=1)
    ]
    return sort_findings(findings)
