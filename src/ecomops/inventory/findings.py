"""Inventory findings for the morning brief (BRIEF.md vocabulary), rated by money and urgency.

The brief must take seconds, so this path forecasts nothing: demand is each SKU's recent rate on
ordinary in-stock days (``rate``), and the risk is the SKU's, across its warehouses (``risk``).
``impact`` is the GMV lost per day (negative); ``high_impact`` is the store's bar for a high
finding: three times ``thresholds.min_impact`` or 1% of the store's ordinary daily GMV, whichever
is larger (the detection engine uses the same bar).

- stock-out per SKU (segment ``sku``, plus ``warehouse`` when only one holds it): metric
  ``days_of_cover``, ``down``, observed the cover, expected the lead time. Only a SKU that runs
  out before stock can arrive is a finding (inbound arriving first means no finding). ``high``:
  out within ``URGENT_DAYS``, each day out costs at least ``high_impact`` and the loss before
  stock can arrive is at least a day of it; ``medium``: that loss reaches ``min_impact``;
  ``low``: a tenth of it.
- overstock: ``days_of_cover`` ``up`` against the target cover, impact 0 (the evidence carries
  the stock value tied up), ``low``, the ``MAX_OVERSTOCK`` largest.
- oversell per channel × SKU: ``days_of_cover`` ``down`` (cover the channel shows against what
  can ship), impact − the channel's daily GMV of the SKU; ``high`` when the orders it will take
  beyond stock within a week (``at_risk_gmv``) reach ``high_impact``, or when an order is
  expected to be oversold within ``OVERSELL_URGENT_DAYS`` (a platform penalty per order);
  ``medium`` at ``min_impact``, ``low`` below.
- lost sales per channel × SKU (stock on hand, channel offline or at zero): metric ``gmv``
  ``down``, impact − the channel's daily GMV; ``high`` at ``high_impact``, ``medium`` at
  ``min_impact``, else none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ecomops.detect.findings import Finding, Severity, sort_findings
from ecomops.detect.text import LANGUAGES, channel_name, money
from ecomops.settings import Settings

URGENT_DAYS = 3
HIGH_SHARE = 0.01
MAX_OVERSTOCK = 5
ZERO_RUN_DAYS = 120
"""How far back the first day of a SKU's current stock-out is looked for."""


def _plain(v: Any) -> Any:
    """JSON-ready evidence values: ISO dates, plain Python numbers."""
    if isinstance(v, dt.date):
        return v.isoformat()
    return v.item() if hasattr(v, "item") else v


def _money(x: float, language: str = "en") -> str:
    return money(x, language)


def _zh(language: str) -> bool:
    return language.lower().startswith("zh")


def _texts(make: Any) -> dict[str, dict[str, str]]:
    """``{"zh_CN": {"summary": make("zh_CN")}, "en": {...}}``."""
    return {lang: {"summary": make(lang)} for lang in LANGUAGES}


def _stock_text(r: Any, cover: float, where: list[str], lang: str) -> str:
    daily, lost = _money(r.daily_gmv, lang), _money(r.expected_lost_gmv, lang)
    if _zh(lang):
        when = "已断货" if cover <= 0 else f"预计 {r.stockout_date} 前后断货"
        place = f"在{where[0]}" if len(where) == 1 else "在所有仓库"
        return (f"{r.sku} {place}{when}，{r.relief_date} 之前没有到货（采购周期 {r.lead_time_days} 天）；"
                f"每天约损失 GMV {daily}，不加急补货共约 {lost}。")
    when = "is out of stock" if cover <= 0 else f"runs out around {r.stockout_date}"
    place = f"in {where[0]}" if len(where) == 1 else "in every warehouse"
    return (f"{r.sku} {when} {place} and no stock arrives before {r.relief_date} "
            f"({r.lead_time_days}-day lead time); about {daily} GMV lost a day, "
            f"{lost} in all unless an order is expedited.")


def zero_run_start(history: pd.DataFrame, sku: str, warehouses: list[str], as_of: dt.date) -> dt.date:
    """First day of the run of snapshot days, ending on ``as_of``, on which ``sku`` had nothing
    sellable in ``warehouses`` (every warehouse when empty); ``as_of`` when it has stock today
    or no snapshots say otherwise. ``history``: ``date, sku, warehouse, sellable`` rows."""
    rows = history[history["sku"] == sku]
    if warehouses:
        rows = rows[rows["warehouse"].isin(warehouses)]
    daily = rows.groupby("date")["sellable"].sum().sort_index(ascending=False)
    first = as_of
    for day, sellable in daily.items():
        if day > as_of:
            continue
        if sellable > 0:
            break
        first = day
    return first


OVERSELL_URGENT_DAYS = 3.0
"""An oversold order expected within this many days makes an oversell high, whatever its GMV:
the platforms (Tmall, JD, Douyin) fine a shop for an order it cannot ship, on top of the sale."""


def high_bar(min_impact: float, store_daily_gmv: float) -> float:
    return max(3 * min_impact, HIGH_SHARE * store_daily_gmv)


def stock_severity(r: Any, min_impact: float, high_impact: float) -> Severity | None:
    """The severity of a SKU's stock-out risk (``risk.sku_risk`` row), ``None``: no finding."""
    lost = float(r.expected_lost_gmv)
    if not r.on_sale or lost <= 0 or lost < min_impact / 10:
        return None
    urgent = float(r.days_of_cover) <= URGENT_DAYS
    if urgent and float(r.daily_gmv) >= high_impact and lost >= float(r.daily_gmv):
        return "high"
    return "medium" if lost >= min_impact else "low"


def _stock(skus: pd.DataFrame, wh: dict[str, list[str]], min_impact: float, high_impact: float,
           ) -> list[dict[str, Any]]:
    out = []
    for r in skus.itertuples():
        sev = stock_severity(r, min_impact, high_impact)
        if sev is None:
            continue
        cover = float(r.days_of_cover)
        where = wh.get(r.sku, [])
        segment = {"sku": r.sku, "warehouse": where[0]} if len(where) == 1 else {"sku": r.sku}
        texts = _texts(lambda lang, r=r, cover=cover, where=where: _stock_text(r, cover, where, lang))
        out.append({"metric": "days_of_cover", "segment": segment, "direction": "down",
                    "observed": round(cover, 1), "expected": float(r.lead_time_days),
                    "impact": -round(float(r.daily_gmv), 2), "severity": sev, "texts": texts,
                    "out_of_stock": cover <= 0, "warehouse_list": where if len(where) == 1 else [],
                    "evidence": {"sellable": int(r.sellable), "inbound": int(r.inbound),
                                 "daily_demand": round(float(r.daily_demand), 2),
                                 "price": round(float(r.price), 2),
                                 "stockout_date": r.stockout_date, "relief_date": r.relief_date,
                                 "expected_lost_gmv": float(r.expected_lost_gmv), "supplier": r.supplier,
                                 "warehouses": where}})
    return out


def _overstock_text(sku: str, cover: float, limit: int, value: float, lang: str) -> str:
    if _zh(lang):
        return f"{sku} 可售 {cover:,.0f} 天，超过 {limit} 天的积压线；占用库存资金 {_money(value, lang)}。"
    return (f"{sku} holds {cover:,.0f} days of cover, over the {limit}-day overstock line; "
            f"{_money(value, lang)} tied up in stock.")


def _overstock(skus: pd.DataFrame, products: pd.DataFrame, target: int, min_impact: float,
               limit: int) -> list[dict[str, Any]]:
    cost = skus["sku"].map(products.drop_duplicates("sku").set_index("sku")["cost"]).fillna(skus["price"])
    over = skus.assign(value=skus["on_hand"].clip(lower=0) * cost)
    cover = np.where(over["daily_demand"] > 0, over["sellable"] / over["daily_demand"].where(
        over["daily_demand"] > 0, 1.0), np.inf)
    over = over.assign(cover=cover)
    over = over[over["on_sale"] & (over["daily_demand"] > 0) & (over["cover"] > limit)
                & (over["value"] >= 10 * min_impact)].nlargest(MAX_OVERSTOCK, "value")
    return [{"metric": "days_of_cover", "segment": {"sku": r.sku}, "direction": "up",
             "observed": round(float(r.cover), 1), "expected": float(target), "impact": 0.0,
             "severity": "low",
             "texts": _texts(lambda lang, r=r: _overstock_text(r.sku, float(r.cover), limit,
                                                               float(r.value), lang)),
             "evidence": {"on_hand": int(r.on_hand), "stock_value": round(float(r.value), 2),
                          "daily_demand": round(float(r.daily_demand), 2), "overstock_days": limit}}
            for r in over.itertuples()]


def _channels(ch: pd.DataFrame, min_impact: float, high_impact: float, *, language: str = "zh_CN",
              currency: str = "CNY") -> list[dict[str, Any]]:
    from ecomops.inventory.channels import oversell_texts

    out = []
    for r in ch[ch["issue"].notna()].itertuples():
        seg = {"channel": r.channel, "sku": r.sku}
        ev = {"listed_stock": int(r.listed_stock), "sellable": int(r.sellable),
              "daily_demand": float(r.daily_demand), "suggested_listed_stock": int(r.suggested_listed_stock),
              "at_risk_gmv": float(r.at_risk_gmv)}
        if r.issue in ("online_no_stock", "oversell_risk"):
            risk = float(r.at_risk_gmv)
            if risk <= 0:
                continue
            soon = float(r.oversold_units) >= 1 and float(r.days_to_oversell) <= OVERSELL_URGENT_DAYS
            sev: Severity = ("high" if risk >= high_impact or soon
                             else "medium" if risk >= min_impact else "low")
            rate = float(r.daily_demand)
            text = oversell_texts(r, currency)  # both languages; units and money apart
            out.append({"metric": "days_of_cover", "segment": seg, "direction": "down",
                        "observed": round(float(r.sellable) / rate, 1) if rate > 0 else 0.0,
                        "expected": round(float(r.listed_stock) / rate, 1) if rate > 0 else 0.0,
                        "impact": float(r.impact), "severity": sev, "texts": text, "evidence": ev})
        elif abs(float(r.impact)) >= min_impact:
            sev = "high" if abs(float(r.impact)) >= high_impact else "medium"
            offline = r.issue == "lost_sales_offline"

            def lost(lang: str, r: Any = r, offline: bool = offline) -> str:
                ch, x = channel_name(str(r.channel), lang), _money(abs(float(r.impact)), lang)
                if _zh(lang):
                    why = "已下架" if offline else "显示零库存"
                    return f"{r.sku} 在{ch}{why}，而仓库有 {int(r.sellable)} 件可发；每天约损失 GMV {x}。"
                why = "is offline" if offline else "shows zero stock"
                return (f"{r.sku} {why} on {ch} while {int(r.sellable)} units can ship; "
                        f"about {x} GMV lost a day.")
            text = _texts(lost)
            out.append({"metric": "gmv", "segment": seg, "direction": "down", "observed": 0.0,
                        "expected": abs(float(r.impact)), "impact": float(r.impact), "severity": sev,
                        "texts": text, "evidence": ev})
    return out


def inventory_findings(con_or_backend: Any, date: dt.date, settings: Settings) -> list[Finding]:
    """Stock-out, overstock, oversell and lost-sales findings of ``date``, sorted (see module doc)."""
    from ecomops.inventory import service

    t = settings.thresholds
    risk = service.stock_risk(con_or_backend, date, settings)
    high = high_bar(t.min_impact, risk.store_daily_gmv)
    raw: list[dict[str, Any]] = []
    if not risk.skus.empty:
        pos = risk.positions
        held = pos[pos["on_hand"] > 0].groupby("sku")["warehouse"].agg(lambda w: sorted(set(w)))
        everywhere = pos.groupby("sku")["warehouse"].agg(lambda w: sorted(set(w)))
        wh = {**everywhere.to_dict(), **held.to_dict()}
        raw += _stock(risk.skus, wh, t.min_impact, high)
        raw += _overstock(risk.skus, risk.products, t.target_cover_days, t.min_impact, t.overstock_days)
    raw += _channels(service.channel_report(con_or_backend, date, settings), t.min_impact, high,
                     language=settings.store.language, currency=settings.store.currency)
    lang = "zh_CN" if _zh(settings.store.language) else "en"
    history = _zero_history(con_or_backend, date) if any(r.get("out_of_stock") for r in raw) else None
    findings = []
    for i, r in enumerate(raw, start=1):
        since = date
        ev = {k: _plain(v) for k, v in r["evidence"].items()}
        if r.get("out_of_stock") and history is not None:
            since = zero_run_start(history, r["segment"]["sku"], r["warehouse_list"], date)
            ev["out_of_stock_since"] = since.isoformat()
        fields = {k: v for k, v in r.items() if k not in ("evidence", "out_of_stock", "warehouse_list")}
        findings.append(Finding(id=f"f-{date.isoformat()}-inventory-{i:04d}", module="inventory",
                                process_step="stock", since=since, summary=r["texts"][lang]["summary"],
                                evidence=ev, **fields))
    return sort_findings(findings)


def _zero_history(con: Any, date: dt.date) -> pd.DataFrame:
    """Sellable units per day, SKU and warehouse over the last ``ZERO_RUN_DAYS`` days."""
    from ecomops.inventory import service

    return service.sellable_history(con, date, ZERO_RUN_DAYS)
