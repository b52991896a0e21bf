"""The inventory tables as the console shows and exports them: columns, sort keys, cell values (pure).

One ``Table`` per view (replenishment plan, slow movers, channel stock). The page renders its
columns and the CSV / Excel downloads write the same columns over the same rows, in the same order
and the reader's language: what is on screen is what is exported. Values stay values (numbers are
numbers, dates are dates); vocabulary columns (risk, action, issue, channel) carry their label.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ecomops.i18n import N_, label, translations

Kind = Literal["text", "int", "num", "money", "rate", "date", "risk", "action", "issue", "channel"]
UNITS = {"units": N_("units"), "days": N_("days"), "units/day": N_("units/day")}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    """English message id of the header (translated with the web catalog)."""
    kind: Kind = "text"
    unit: str | None = None
    """``units``, ``days``, ``units/day`` or ``currency`` (the store's)."""
    decimals: int = 0


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    default_sort: tuple[str, ...]
    """Server order when no column is chosen (the page's own ranking)."""

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


PLAN = Table("plan", (
    Column("sku", N_("SKU")),
    Column("title", N_("Product")),
    Column("warehouse", N_("Warehouse")),
    Column("available", N_("Available on hand"), "int", "units"),
    Column("inbound", N_("In transit"), "int", "units"),
    Column("daily_demand", N_("Daily demand"), "num", "units/day", 2),
    Column("days_of_cover", N_("Days of cover"), "num", "days", 1),
    Column("stockout_date", N_("Stock-out date"), "date"),
    Column("reorder_point", N_("Reorder point"), "int", "units"),
    Column("safety_stock", N_("Safety stock"), "int", "units"),
    Column("suggested_order_qty", N_("Suggested order"), "int", "units"),
    Column("supplier", N_("Supplier")),
    Column("risk", N_("Risk"), "risk"),
), ("risk", "days_of_cover", "sku"))

SLOW = Table("slow", (
    Column("sku", N_("SKU")),
    Column("title", N_("Product")),
    Column("category", N_("Category")),
    Column("stock", N_("Stock"), "int", "units"),
    Column("stock_value", N_("Stock value"), "money", "currency"),
    Column("days_of_cover", N_("Days of cover"), "num", "days", 1),
    Column("days_since_last_sale", N_("Days since last sale"), "int", "days"),
    Column("margin_rate", N_("Margin"), "rate"),
    Column("abc", N_("ABC class")),
    Column("xyz", N_("XYZ class")),
    Column("action", N_("Action"), "action"),
    Column("reason", N_("Reason")),
), ())

CHANNELS = Table("channels", (
    Column("channel", N_("Channel"), "channel"),
    Column("sku", N_("SKU")),
    Column("issue", N_("Issue"), "issue"),
    Column("listed_stock", N_("Listed stock"), "int", "units"),
    Column("sellable", N_("Sellable"), "int", "units"),
    Column("daily_demand", N_("Daily demand"), "num", "units/day", 2),
    Column("suggested_listed_stock", N_("Suggested listed stock"), "int", "units"),
    Column("at_risk_gmv", N_("GMV at risk"), "money", "currency"),
), ())

TABLES = {t.name: t for t in (PLAN, SLOW, CHANNELS)}
RISK_RANK = {"high": 0, "medium": 1, "low": 2}
ACTIONS = {"promote": N_("Promote"), "reprice": N_("Reprice"), "bundle": N_("Bundle"), "clear": N_("Clear"),
           "delist": N_("Delist")}
ISSUES = {"online_no_stock": N_("Online without stock"), "oversell_risk": N_("Oversell risk"),
          "lost_sales_offline": N_("Lost sales: listing offline"),
          "lost_sales_zero_listed": N_("Lost sales: nothing listed")}


def headers(table: Table, lang: str, currency: str) -> list[str]:
    """The column headers in ``lang``, each with its unit: "可售天数（天）", "Days of cover (days)"."""
    _ = translations(lang).gettext
    out = []
    for c in table.columns:
        name = _(c.header)
        if c.unit is None:
            out.append(name)
            continue
        unit = currency if c.unit == "currency" else _(UNITS[c.unit])
        out.append(_("%(name)s (%(unit)s)") % {"name": name, "unit": unit})
    return out


def sort(frame: pd.DataFrame, table: Table, key: str | None, descending: bool = False) -> pd.DataFrame:
    """``frame`` ordered by column ``key`` (missing values last, then by SKU), or by the table's
    default order when ``key`` is None. Raises KeyError for a key the table does not have."""
    if key is None:
        if not table.default_sort:
            return frame.reset_index(drop=True)
        keys = list(table.default_sort)
        ranked = frame.assign(risk=frame["risk"].map(RISK_RANK)) if "risk" in keys else frame
        order = ranked.sort_values(keys, na_position="last", kind="stable").index
        return frame.loc[order].reset_index(drop=True)
    col = table.column(key)
    values = frame[key].map(RISK_RANK) if col.kind == "risk" else frame[key]
    if col.kind == "date":
        values = pd.to_datetime(values)
    tie = [k for k in ("sku", "warehouse", "channel") if k in frame.columns and k != key]
    ranked = frame.assign(_v=values)
    order = ranked.sort_values(["_v", *tie], ascending=[not descending, *([True] * len(tie))],
                               na_position="last", kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def cell_value(column: Column, value: Any, lang: str) -> Any:
    """What a cell holds in ``lang``: numbers rounded as shown, dates as dates, labels for vocabularies."""
    v = _plain(value)
    if v is None:
        return None
    _: Callable[[str], str] = translations(lang).gettext
    if column.kind == "risk":
        return label("severity", str(v), lang)
    if column.kind == "action":
        return _(ACTIONS[v]) if v in ACTIONS else str(v)
    if column.kind == "issue":
        return _(ISSUES[v]) if v in ISSUES else str(v)
    if column.kind == "channel":
        return label("channel", str(v), lang)
    if column.kind == "int":
        return round(float(v)) if isinstance(v, float) else v
    if column.kind in ("num", "money"):
        return round(float(v), column.decimals if column.kind == "num" else 2)
    if column.kind == "rate":
        return round(float(v), 3)
    if column.kind == "date":
        return v if isinstance(v, dt.date) else pd.Timestamp(v).date()
    return v


def cells(table: Table, frame: pd.DataFrame, lang: str) -> list[list[Any]]:
    """The rows of ``frame`` as the table's cell values in ``lang`` (what the page shows and the
    downloads write)."""
    cols = list(table.columns)
    data = frame.reindex(columns=[c.key for c in cols])
    return [[cell_value(c, v, lang) for c, v in zip(cols, row, strict=True)]
            for row in data.itertuples(index=False)]


def as_dicts(table: Table, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(table.keys, r, strict=True)) for r in rows]
