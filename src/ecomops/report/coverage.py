"""What the store can say: KPIs whose inputs the store does not hold are unavailable, not zero.

Real stores lack tables (an ads-only Amazon account has no orders; CDNOW has orders without
lines; Olist has no after-sales cases and no product costs). A sum over rows that do not exist
is 0, and "GMV 0, normal" would be invented. ``blank_unknown`` takes the brief's daily KPI frame
and the row counts of the store's tables and blanks (NaN) every metric whose inputs are missing,
with one plain sentence per gap; it also says when cost is known for only part of the day's GMV
(gross margin then counts only the lines with a cost).

Pure: frames and counts in, a frame and sentences out. Sentences go through the ``_`` given
(the store language's gettext; English message ids, see ``ecomops.i18n``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

COST_COVERED = 0.995
"""Share of the day's GMV with a known cost above which gross margin needs no caveat."""

_SALES = ("gmv", "orders", "aov", "units", "buyers", "conversion_rate", "refund_amount",
          "return_rate", "gross_margin", "gross_margin_rate", "ship_hours", "delivery_days",
          "late_delivery_rate")
_LINES = ("gmv", "aov", "units", "return_rate", "gross_margin", "gross_margin_rate")
_AFTER_SALES = ("return_rate", "refund_amount")
_MARGIN = ("gross_margin", "gross_margin_rate")
def N_(text: str) -> str:  # noqa: N802 - gettext's marker for text translated later
    return text


_GAPS: tuple[tuple[str, Sequence[str], str], ...] = (
    ("orders", _SALES, N_("No orders in the store: sales, conversion, margin and delivery KPIs are "
                          "unavailable.")),
    ("order_lines", _LINES, N_("No order lines in the store: GMV, AOV, units, return rate and margin "
                               "are unavailable (orders alone carry no line amounts).")),
    ("returns", _AFTER_SALES, N_("No after-sales cases in the store: return rate and refunds are "
                                 "unavailable.")),
)
_TIMES = (
    ("ship_hours", N_("No shipping times in the store: ship hours are unavailable.")),
    ("delivery_days", N_("No delivery times in the store: delivery days are unavailable.")),
    ("late_delivery_rate", N_("No promised delivery dates in the store: the late delivery rate is "
                              "unavailable.")),
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
    for table, metrics, sentence in _GAPS:
        if held.get(table, 0) == 0 and any(m in out.columns for m in metrics):
            _blank(out, metrics, slice(None))
            notes.append(_(sentence))
            if table == "orders":
                return out, notes  # no orders: nothing else about sales needs saying
    for metric, sentence in _TIMES:
        if metric in out.columns and out[metric].isna().all():
            notes.append(_(sentence))
    den = "gross_margin_rate__den"
    if den in out.columns and "gmv" in out.columns and out["gmv"].notna().any():
        gmv = out["gmv"].fillna(0.0)
        costed = out[den].fillna(0.0)
        no_cost = (costed <= 0) & (gmv > 0)
        _blank(out, _MARGIN, no_cost)
        if bool(no_cost[gmv > 0].all()) and bool((gmv > 0).any()):
            notes.append(_("No product costs in the store: gross margin is unavailable (add cost to "
                           "products or order lines)."))
        else:
            today = out["date"] == day
            g, c = float(gmv[today].sum()), float(costed[today].sum())
            if g > 0 and 0 < c < COST_COVERED * g:
                notes.append(_("Cost is known for {share} of {day}'s GMV: gross margin counts only the "
                               "lines with a cost.").format(share=f"{c / g:.0%}", day=day.isoformat()))
    return out, notes
