"""Metric queries: daily series, period series, and a period's changes against earlier ones.

A request names metrics and dimensions; it becomes one fact query per fact (``compiled.run``),
whose small aggregated results are merged here. Event sums (orders, returns, shipments) are 0 for
a segment without rows; sums of daily reports (traffic, ads, inventory) are 0 for a segment
without rows on a date the report covers, and missing (NaN) on a date with no report rows at all
(no traffic file for the day means conversion is unavailable, not zero). Ratios come with their numerator and
denominator (``<metric>__num``, ``<metric>__den``) and are NaN where the denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ecomops.metrics import compiled
from ecomops.metrics.compiled import Shape
from ecomops.metrics.defs import METRICS, MetricDef, metric
from ecomops.metrics.errors import MetricError, UnsupportedCut
from ecomops.metrics.scope import filter_values, make_params

if TYPE_CHECKING:
    import ibis

Grain = compiled.Grain
Filters = Mapping[str, str | Sequence[str]]
"""Dimension -> the value rows must have, or several values (any of them)."""

COMPARISONS: dict[str, int] = {"dod": 1, "wow": 7, "mom": 28, "yoy": 364}
"""Comparison name -> days back (whole weeks but dod, so the weekday is the same)."""
WINDOW_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 28}
"""Length of the trailing window of ``changes`` per grain."""

REPORTED = frozenset({"traffic", "ads", "stock"})
"""Facts read from daily reports: a date without rows is unknown, not zero. The other facts are
events of the orders and after-sales tables, where no row means none happened."""

_CONVERSION = "conversion_rate"
_TRAFFIC_MEASURES = ("visitors", "traffic_buyers", "traffic_rows_without_buyers")


def _check(metrics: Sequence[str], dims: Sequence[str], filters: Filters) -> list[MetricDef]:
    defs = [metric(m) for m in metrics]
    if not defs:
        raise MetricError("name at least one metric")
    if len(set(dims)) != len(dims):
        raise MetricError(f"a dimension is named twice in {list(dims)}")
    for d in defs:
        missing = [x for x in (*dims, *filters) if x not in d.dims]
        if missing:
            raise UnsupportedCut(
                f"{d.name} cannot be cut by {', '.join(missing)}",
                hint=f"{d.name} can be cut by {', '.join(sorted(d.dims)) or 'nothing'}",
            )
    return defs


def _plan(defs: Sequence[MetricDef], dims: tuple[str, ...]) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """(fact, query dims) -> measures. Conversion is computed per channel (see ``_conversion``)."""
    plan: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    conv = any(d.name == _CONVERSION for d in defs)
    cdims = dims if "channel" in dims else (*dims, "channel")
    for d in defs:
        if d.name == _CONVERSION:
            plan.setdefault(("traffic", cdims), set()).update(_TRAFFIC_MEASURES)
            plan.setdefault(("sales", cdims), set()).add("orders")
            continue
        for m in d.measures:
            fact = _fact(m)
            qdims = cdims if (conv and fact == "traffic") else dims
            plan.setdefault((fact, qdims), set()).add(m)
    return plan


def _fact(measure: str) -> str:
    from ecomops.metrics.defs import MEASURES

    return MEASURES[measure].fact


def _normalise(df: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    df = df.copy()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    for d in dims:
        df[d] = df[d].astype(object).where(df[d].notna(), None)
    for c in df.columns:
        if c != "date" and c not in dims:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def _rollup(df: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    keys = ["date", *dims]
    values = [c for c in df.columns if c not in keys and c not in {"channel"}]
    return df.groupby(keys, dropna=False, sort=False)[values].sum(min_count=1).reset_index()


def _conversion(traffic: pd.DataFrame, sales: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    """Numerator and denominator of conversion per date x dims, over channels with traffic.

    Per channel, the numerator is the traffic table's buyers when every traffic row gives
    them, else the orders placed; orders of a channel without traffic rows that day are left out,
    so a shop whose marketplace exports no traffic keeps an honest rate.
    """
    cdims = list(dict.fromkeys([*dims, "channel"]))
    m = traffic.merge(sales[["date", *cdims, "orders"]], on=["date", *cdims], how="left")
    m = m[m["visitors"].notna()]
    use_buyers = (m["traffic_rows_without_buyers"] == 0) & m["traffic_buyers"].notna()
    m = m.assign(
        __num=np.where(use_buyers, m["traffic_buyers"], m["orders"].fillna(0.0)),
        __den=m["visitors"],
    )
    out = m.groupby(["date", *dims], dropna=False, sort=False)[["__num", "__den"]].sum(min_count=1)
    return out.reset_index().rename(
        columns={"__num": f"{_CONVERSION}__num", "__den": f"{_CONVERSION}__den"}
    )


def evaluate(
    con: ibis.BaseBackend,
    metrics: Sequence[str],
    dims: Sequence[str],
    periods: Sequence[tuple[dt.date, dt.date]],
    *,
    as_of: dt.date,
    labels: Sequence[dt.date] | None = None,
    grain: Grain = "day",
    filters: Filters | None = None,
    lag: int | None = None,
) -> pd.DataFrame:
    """The metrics over half-open day ``periods``: one row per date (or period label) x dims."""
    filters = dict(filters or {})
    dims = tuple(dims)
    defs = _check(metrics, dims, filters)
    values = make_params(periods, labels, as_of, filters)
    frames: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}
    for (fact, qdims), measures in _plan(defs, dims).items():
        shape = Shape(
            fact=fact, dims=qdims, measures=tuple(sorted(measures)), n_periods=len(periods),
            labelled=labels is not None, grain=grain, lag=lag if fact == "returns" else None,
            filter_dims=tuple(sorted(filters)),
            filter_sizes=tuple(len(filter_values(filters[f])) for f in sorted(filters)),
        )
        frames[(fact, qdims)] = _normalise(compiled.run(con, shape, values), qdims)

    keys = ["date", *dims]
    parts: list[tuple[str, pd.DataFrame]] = []
    conv_parts: dict[str, pd.DataFrame] = {}
    for (fact, qdims), df in frames.items():
        if qdims != dims:
            conv_parts[fact] = df
            if fact == "traffic":
                parts.append((fact, _rollup(df.drop(columns=["traffic_rows_without_buyers"]), dims)))
        else:
            parts.append((fact, df))
    if any(d.name == _CONVERSION for d in defs):
        t = conv_parts.get("traffic", frames.get(("traffic", dims)))
        s = conv_parts.get("sales", frames.get(("sales", dims)))
        assert t is not None
        assert s is not None
        parts.append(("traffic", _conversion(t, s, dims)))

    out: pd.DataFrame | None = None
    fact_dates: dict[str, set[dt.date]] = {}
    fact_cols: dict[str, list[str]] = {}
    for fact, df in parts:
        fact_dates.setdefault(fact, set()).update(df["date"])
        cols = [c for c in df.columns if c not in keys and (out is None or c not in out.columns)]
        fact_cols.setdefault(fact, []).extend(cols)
        df = df[[*keys, *cols]]
        out = df if out is None else out.merge(df, on=keys, how="outer")
    assert out is not None
    for fact, cols in fact_cols.items():
        known = out["date"].isin(fact_dates[fact]) if fact in REPORTED else out["date"].notna()
        for c in dict.fromkeys(cols):
            if c in out.columns:
                out.loc[known, c] = out.loc[known, c].fillna(0.0)
    return _metrics(out, defs, dims)


def _metrics(df: pd.DataFrame, defs: Sequence[MetricDef], dims: Sequence[str]) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {"date": df["date"]}
    for d in dims:
        cols[d] = df[d]
    ratio_cols: dict[str, pd.Series] = {}
    for d in defs:
        if d.kind == "sum":
            cols[d.name] = df[d.measure].astype(float)
            continue
        if d.name == _CONVERSION:
            num, den = df[f"{d.name}__num"], df[f"{d.name}__den"]
        else:
            num, den = df[d.numerator], df[d.denominator]
        num, den = num.astype(float), den.astype(float)
        cols[d.name] = (num / den.where(den > 0)).astype(float)
        ratio_cols[f"{d.name}__num"] = num
        ratio_cols[f"{d.name}__den"] = den
    out = pd.DataFrame({**cols, **ratio_cols})
    return out.sort_values(["date", *dims], kind="stable", na_position="last").reset_index(drop=True)


def daily(
    con: ibis.BaseBackend,
    metrics: Sequence[str],
    dims: Sequence[str],
    start: dt.date,
    end: dt.date,
    *,
    as_of: dt.date | None = None,
    filters: Filters | None = None,
    lag: int | None = None,
) -> pd.DataFrame:
    """The metrics per day from ``start`` to ``end`` (inclusive) by ``dims``.

    One row per date x combination of dimension values with data; columns ``date``
    (``datetime.date``), each dimension, each metric, and for every ratio metric
    ``<metric>__num`` and ``<metric>__den``. Only what was known by the end of ``as_of``
    (default ``end``) counts. With ``lag``, each day's after-sales cases count only when known
    within ``lag`` days of the sale (like-for-like maturity of return_rate across days).
    ``filters`` keeps rows whose dimension equals the value (``{"channel": "tmall"}``) or one of
    several values (``{"sku": ["A", "B"]}``).
    """
    return series(con, metrics, dims, start, end, grain="day", as_of=as_of, filters=filters, lag=lag)


def series(
    con: ibis.BaseBackend,
    metrics: Sequence[str],
    dims: Sequence[str],
    start: dt.date,
    end: dt.date,
    *,
    grain: Grain = "day",
    as_of: dt.date | None = None,
    filters: Filters | None = None,
    lag: int | None = None,
) -> pd.DataFrame:
    """Like ``daily``, bucketed by calendar ``grain`` (``date`` = the Monday / the 1st)."""
    if end < start:
        raise MetricError(f"the period ends ({end}) before it starts ({start})")
    as_of = as_of or end
    return evaluate(con, metrics, dims, [(start, end + dt.timedelta(days=1))], as_of=as_of,
                    grain=grain, filters=filters, lag=lag)


def changes(
    con: ibis.BaseBackend,
    metrics: Sequence[str],
    dims: Sequence[str],
    day: dt.date,
    *,
    grain: Grain = "day",
    filters: Filters | None = None,
    lag: int | None = 0,
) -> pd.DataFrame:
    """The trailing ``grain`` window ending ``day`` (1, 7 or 28 days) against earlier windows.

    One row per combination of ``dims``; for each metric ``m``: ``m`` (and ``m__num``,
    ``m__den`` for ratios), the relative change ``m__dod`` / ``m__wow`` / ``m__mom`` /
    ``m__yoy`` against the window 1 / 7 / 28 / 364 days earlier, and that window's value
    ``m__dod_value`` ... Comparisons shorter than the window are left out (no ``dod`` for a
    week). Every window is seen as of ``day``; ``lag`` (default 0) makes after-sales cases count
    only when known by the end of their sale's day, so return rates compare like with like.
    """
    width = WINDOW_DAYS[grain]
    comps = {k: v for k, v in COMPARISONS.items() if v >= width}
    labels = [day, *(day - dt.timedelta(days=s) for s in comps.values())]
    periods = [(lab - dt.timedelta(days=width - 1), lab + dt.timedelta(days=1)) for lab in labels]
    frame = evaluate(con, metrics, dims, periods, as_of=day, labels=labels, filters=filters, lag=lag)
    keys = list(dims)
    cur = frame[frame["date"] == day].drop(columns="date")
    value_cols = [c for c in cur.columns if c not in keys]
    names = [m for m in metrics if m in METRICS]
    for comp, shift in comps.items():
        base = frame[frame["date"] == day - dt.timedelta(days=shift)]
        base = base[[*keys, *names]].rename(columns={m: f"{m}__{comp}_value" for m in names})
        cur = cur.merge(base, on=keys, how="outer") if keys else _cross(cur, base)
        for m in names:
            now, then = cur[m].astype(float), cur[f"{m}__{comp}_value"].astype(float)
            cur[f"{m}__{comp}"] = ((now - then) / then.abs().where(then != 0)).astype(float)
    if cur.empty and not keys:
        cur = pd.DataFrame([dict.fromkeys(value_cols, np.nan)])
    ordered = [*keys]
    for m in names:
        ordered.append(m)
        if METRICS[m].kind == "ratio":
            ordered += [f"{m}__num", f"{m}__den"]
        for comp in comps:
            ordered += [f"{m}__{comp}", f"{m}__{comp}_value"]
    return cur.reindex(columns=ordered).reset_index(drop=True)


def _cross(cur: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Side by side for the store level (one row each; a missing one is a row of NaN)."""

    def row(df: pd.DataFrame) -> pd.DataFrame:
        if df.empty:
            return pd.DataFrame([dict.fromkeys(df.columns)]).astype(float)
        return df.reset_index(drop=True)

    return pd.concat([row(cur), row(base)], axis=1)
