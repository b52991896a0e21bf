"""Multiplicative uplift of events (planned promotions, festivals, holidays) on daily demand.

An event is a label on days: ``d1111:peak``, ``d618:warmup``, ``public_holiday`` from the festival
calendar, ``promo`` for the days of a shop promotion that includes the SKU, ``d1111:peak+promo``
for a promotion on a festival day (``label_days``). For every series and event label the uplift
factor is

    (units sold on the event's past days + K · group factor) / (baseline units of those days + K)

where the baseline of a day is the mean of the same weekday one to four weeks before and after,
event days excluded, and the group factor (the SKU's category) is shrunk towards 1 the same way.
``K`` is a pseudo-count in units: a SKU with little history around an event borrows its
category's uplift, a category with little history gets no uplift. Forecasting then runs on the
de-evented history (event days divided by their factor) and multiplies the forecast of future
event days by the factor. Written here because statsforecast's models take no event regressors
other than through ARIMA-type exogenous terms, which are far too slow per SKU.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PSEUDO_UNITS = 10.0
FACTOR_RANGE = (0.1, 10.0)
LAGS = (-28, -21, -14, -7, 7, 14, 21, 28)
SERIES_COLS = ["unique_id", "event", "factor", "event_days"]
GROUP_COLS = ["group", "event", "factor"]
PROMO = "promo"


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("factor", "event_days") else object)
                         for c in cols})


@dataclass(frozen=True)
class Uplift:
    """Learnt factors: per series and event, and per group (category) and event."""

    series: pd.DataFrame = field(default_factory=lambda: _empty(SERIES_COLS))
    groups: pd.DataFrame = field(default_factory=lambda: _empty(GROUP_COLS))
    group_of: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))


def label_days(frame: pd.DataFrame, events: pd.DataFrame | None) -> pd.Series:
    """The event label of each ``unique_id, ds`` row of ``frame`` (``None`` on ordinary days).

    ``events`` has ``ds, event`` and optionally ``unique_id`` (empty for an event of every
    series). A day's label is its calendar event (the first listed; a series' own non-promotion
    event otherwise), and ``PROMO`` when a promotion covers it; a promotion on a festival day is
    ``<festival>+promo``: shops run their big promotions on the festivals, and one ``promo`` factor
    for an 11.11 peak and an ordinary weekday sale would be wrong on both.
    """
    labels = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if events is None or events.empty or frame.empty:
        return labels
    ev = events.copy()
    ev["ds"] = pd.to_datetime(ev["ds"]).astype("datetime64[ns]")
    if "unique_id" not in ev:
        ev["unique_id"] = None
    promo = ev["event"].eq(PROMO)
    mine = ev["unique_id"].notna()
    keys = frame[["unique_id", "ds"]]

    def common(rows: pd.DataFrame) -> np.ndarray:
        rows = rows.drop_duplicates("ds")
        return keys[["ds"]].merge(rows[["ds", "event"]], on="ds", how="left")["event"].to_numpy()

    def own(rows: pd.DataFrame) -> np.ndarray:
        rows = rows.assign(unique_id=rows["unique_id"].astype(str)).drop_duplicates(["unique_id", "ds"])
        return keys.merge(rows[["unique_id", "ds", "event"]], on=["unique_id", "ds"],
                          how="left")["event"].to_numpy()

    base = common(ev[~mine & ~promo])
    if (mine & ~promo).any():
        base = np.where(pd.isna(base), own(ev[mine & ~promo]), base)
    on_promo = np.zeros(len(frame), dtype=bool)
    if (~mine & promo).any():
        on_promo |= pd.notna(common(ev[~mine & promo]))
    if (mine & promo).any():
        on_promo |= pd.notna(own(ev[mine & promo]))
    base_s = pd.Series(base, index=frame.index, dtype=object)
    both = base_s.notna() & on_promo
    out = base_s.where(~both, base_s.astype(str) + "+" + PROMO)
    out = out.where(out.notna() | ~on_promo, PROMO)
    return out.where(out.notna(), None)


def _baseline(history: pd.DataFrame, is_event: np.ndarray) -> np.ndarray:
    """Same-weekday mean of the ordinary days up to four weeks either side (NaN when none)."""
    uid = history["unique_id"].to_numpy()
    y = history["y"].to_numpy(dtype=float)
    n = len(y)
    total = np.zeros(n)
    count = np.zeros(n)
    idx = np.arange(n)
    for lag in LAGS:
        j = idx + lag
        ok = (j >= 0) & (j < n)
        jj = np.where(ok, j, 0)
        ok &= (uid[jj] == uid) & ~is_event[jj]
        total += np.where(ok, y[jj], 0.0)
        count += ok
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def estimate(
    history: pd.DataFrame, labels: pd.Series, groups: pd.Series | None = None
) -> Uplift:
    """Uplift factors of every (series, event) seen in ``history`` (sorted by series and day).

    ``groups`` maps ``unique_id`` to a group (category) whose pooled uplift a series borrows,
    also for events the series itself has never met.
    """
    is_event = labels.notna().to_numpy()
    grp = groups if groups is not None else pd.Series(dtype=object)
    if not is_event.any():
        return Uplift(group_of=grp)
    base = _baseline(history, is_event)
    rows = history.loc[is_event, ["unique_id"]].assign(
        event=labels[is_event].to_numpy(), y=history.loc[is_event, "y"].to_numpy(), base=base[is_event]
    )
    rows = rows[np.isfinite(rows["base"])]
    if rows.empty:
        return Uplift(group_of=grp)
    rows["group"] = rows["unique_id"].map(grp).fillna("_all")
    g = rows.groupby(["group", "event"], as_index=False)[["y", "base"]].sum()
    g["gfactor"] = (g["y"] + PSEUDO_UNITS) / (g["base"] + PSEUDO_UNITS)
    s = rows.groupby(["unique_id", "group", "event"], as_index=False).agg(
        y=("y", "sum"), base=("base", "sum"), event_days=("y", "size")
    )
    s = s.merge(g[["group", "event", "gfactor"]], on=["group", "event"])
    s["factor"] = ((s["y"] + PSEUDO_UNITS * s["gfactor"]) / (s["base"] + PSEUDO_UNITS)).clip(*FACTOR_RANGE)
    g["factor"] = g["gfactor"].clip(*FACTOR_RANGE)
    return Uplift(series=s[SERIES_COLS], groups=g[GROUP_COLS], group_of=grp)


def factors_for(frame: pd.DataFrame, labels: pd.Series, uplift: Uplift) -> np.ndarray:
    """The factor of every row of ``frame``: the series' own, else its group's, else 1.

    A ``<festival>+promo`` day never seen before takes the festival's factor.
    """
    out = np.ones(len(frame))
    has = labels.notna().to_numpy()
    if not has.any() or uplift.groups.empty:
        return out
    keyed = frame.loc[has, ["unique_id"]].assign(event=labels[has].to_numpy())
    keyed["group"] = keyed["unique_id"].map(uplift.group_of).fillna("_all")

    def lookup(k: pd.DataFrame) -> pd.Series:
        own = k.merge(uplift.series[["unique_id", "event", "factor"]], on=["unique_id", "event"], how="left")
        grp = k.merge(uplift.groups, on=["group", "event"], how="left")
        return own["factor"].fillna(grp["factor"])

    factor = lookup(keyed)
    combined = keyed["event"].str.endswith("+" + PROMO).to_numpy()
    if combined.any():
        base = keyed.assign(event=keyed["event"].str.removesuffix("+" + PROMO))
        factor = factor.fillna(lookup(base))
    out[has] = factor.fillna(1.0).to_numpy()
    return out


def event_table(
    promotions: pd.DataFrame,
    calendar: pd.DataFrame,
    series: pd.DataFrame,
    start: dt.date,
    end: dt.date,
) -> pd.DataFrame:
    """Event days (``ds, event, unique_id``) for ``label_days``, shop promotions listed first.

    ``promotions`` has ``start_date, end_date, skus`` (``|``-separated, empty = whole shop);
    ``calendar`` is ``ecomops.promo.calendar.events``'s frame (``date, event, phase``), labelled
    ``event:phase`` (``public_holiday`` alone); ``series`` maps ``unique_id`` to ``sku``.
    """
    frames = []
    for p in promotions.itertuples():
        days = pd.date_range(max(pd.Timestamp(p.start_date), pd.Timestamp(start)),
                             min(pd.Timestamp(p.end_date), pd.Timestamp(end)), freq="D")
        skus = [s.strip() for s in str(p.skus if pd.notna(p.skus) else "").split("|") if s.strip()]
        if not skus:
            frames.append(pd.DataFrame({"ds": days, "event": PROMO, "unique_id": None}))
            continue
        ids = series.loc[series["sku"].isin(skus), "unique_id"]
        frames.append(pd.DataFrame({"unique_id": np.repeat(ids.to_numpy(), len(days)),
                                    "ds": np.tile(days.to_numpy(), len(ids)), "event": PROMO}))
    if not calendar.empty:
        label = np.where(calendar["phase"].eq("holiday"), calendar["event"],
                         calendar["event"] + ":" + calendar["phase"])
        frames.append(pd.DataFrame({"ds": pd.to_datetime(calendar["date"]), "event": label,
                                    "unique_id": None}))
    if not frames:
        return pd.DataFrame({"ds": pd.Series(dtype="datetime64[ns]"), "event": pd.Series(dtype=object),
                             "unique_id": pd.Series(dtype=object)})
    return pd.concat(frames, ignore_index=True)
