"""What the store can say: KPIs whose inputs the store does not hold are unavailable, not zero.

Real stores lack tables (an ads-only Amazon account has no orders; CDNOW has orders without
lines; Olist has no after-sales cases and no product costs). A sum over rows that do not exist
is 0, and "GMV 0, normal" would be invented. ``blank_unknown`` takes the brief's daily KPI frame
and the row counts of the store's tables and blanks (NaN) every metric whose inputs are missing,
with one plain sentence per gap; it also says when cost is known for only part of the day's GMV
(gross margin then counts only the lines with a cost), and names the daily reports (traffic,
ads, inventory, ship / delivery times) that are missing from the store or from the day.

Pure: frames and counts in, a frame and sentences out. Sentences go through the ``_`` given
(the store language's gettext; English message ids, see ``ecomops.i18n``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ecomops.i18n import N_

COST_COVERED = 0.995
"""Share of the day's GMV with a known cost above which gross margin needs no caveat."""

_SALES = ("gmv", "orders", "aov", "units", "buyers", "conversion_rate", "refund_amount",
          "return_rate", "gross_margin", "gross_margin_rate", "ship_hours", "delivery_days",
          "late_delivery_rate")
_LINES = ("gmv", "aov", "units", "return_rate", "gross_margin", "gross_margin_rate")
_AFTER_SALES = ("return_rate", "refund_amount")
_MARGIN = ("gross_margin", "gross_margin_rate")
_GAPS: tuple[tuple[str, Sequence[str], str], ...] = (  # table -> the metrics it feeds, why not
    ("orders", _SALES, N_("No orders in the store: sales, conversion, margin and delivery KPIs are "
                          "unavailable.")),
    ("order_lines", _LINES, N_("No order lines in the store: GMV, AOV, units, return rate and margin "
                               "are unavailable (orders alone carry no line amounts).")),
    ("returns", _AFTER_SALES, N_("No after-sales cases in the store: return rate and refunds are "
                                 "unavailable.")),
)
_ABSENT: tuple[tuple[str, str, str | None, bool], ...] = (
    # column without a value -> (none in the store, none on the day, needs orders to be said)
    ("ship_hours", N_("No shipping times in the store: ship hours are unavailable."), None, True),
    ("delivery_days", N_("No delivery times in the store: delivery days are unavailable."), None, True),
    ("late_delivery_rate", N_("No promised delivery dates in the store: the late delivery rate is "
                              "unavailable."), None, True),
    ("visitors", N_("No traffic data in the store: visitors and conversion are unavailable."),
     N_("No traffic rows for {day}: visitors and conversion are unavailable."), False),
    ("ad_cost", N_("No ads data in the store: ad metrics are unavailable."),
     N_("No ads rows for {day}: ad metrics are unavailable."), False),
    ("days_of_cover__num", N_("No inventory data in the store: days of cover is unavailable."),
     N_("No inventory rows for {day}: days of cover is unavailable."), False),
)


def _blank(frame: pd.DataFrame, metrics: Sequence[str], rows: pd.Series | slice) -> None:
    for m in metrics:
        for col in (m, f"{m}__num", f"{m}__den"):
            if col in frame.columns:
                frame.loc[rows, col] = np.nan


def _same(text: str) -> str:
    return text


def blank_unknown(
    frame: pd.DataFrame, held: Mapping[str, int], day: dt.date, _: Callable[[str], str] = _same,
) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` (one row per date: metrics and their ``__num`` / ``__den``) with the metrics the
    store cannot know set to NaN, and the sentences that say why. ``held``: rows per table."""
    out = frame.copy()
    notes: list[str] = []
    sales = True
    for table, metrics, sentence in _GAPS:
        if held.get(table, 0) == 0 and any(m in out.columns for m in metrics):
            _blank(out, metrics, slice(None))
            notes.append(_(sentence))
            if table == "orders":
                sales = False  # no orders: nothing else about sales needs saying
                break
    if sales:
        notes += _margin_notes(out, day, _) + _no_orders_on(out, day, _)
    row = out[out["date"] == day]
    for col, in_store, on_day, needs_orders in _ABSENT:
        if needs_orders and not sales:
            continue
        if col not in out.columns or out[col].isna().all():
            notes.append(_(in_store))
        elif on_day is not None and (row.empty or row[col].isna().all()):
            notes.append(_(on_day).format(day=day.isoformat()))
    return out, notes


def _margin_notes(out: pd.DataFrame, day: dt.date, _: Callable[[str], str]) -> list[str]:
    """Margin blanked where no line had a cost; the share of the day's GMV with a cost."""
    den = "gross_margin_rate__den"
    if den not in out.columns or "gmv" not in out.columns or not out["gmv"].notna().any():
        return []
    gmv = out["gmv"].fillna(0.0)
    costed = out[den].fillna(0.0)
    no_cost = (costed <= 0) & (gmv > 0)
    _blank(out, _MARGIN, no_cost)
    if bool(no_cost[gmv > 0].all()) and bool((gmv > 0).any()):
        return [_("No product costs in the store: gross margin is unavailable (add cost to products "
                  "or order lines).")]
    today = out["date"] == day
    g, c = float(gmv[today].sum()), float(costed[today].sum())
    if g > 0 and 0 < c < COST_COVERED * g:
        return [_("Cost is known for {share} of {day}'s GMV: gross margin counts only the lines with "
                  "a cost.").format(share=f"{c / g:.0%}", day=day.isoformat())]
    return []


def _no_orders_on(out: pd.DataFrame, day: dt.date, _: Callable[[str], str]) -> list[str]:
    """A day without orders in a store that has them: perhaps the day was not imported."""
    orders = out.loc[out["date"] == day, "orders"].fillna(0)
    if (orders > 0).any():
        return []
    last = out.loc[out["orders"].fillna(0) > 0, "date"]
    if len(last):
        return [_("No orders on {day} (last orders on {last}): has the day's data been imported?").format(
            day=day.isoformat(), last=max(last).isoformat())]
    return [_("No orders on {day}: has the day's data been imported?").format(day=day.isoformat())]
