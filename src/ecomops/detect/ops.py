"""Ads, logistics and after-sales scans (the operational families besides sales and stock).

- ads: CTR (clicks / impressions, binomial), clicks, CPC (cost / clicks) and ROAS (sales / cost)
  per channel, campaign, ad group and keyword; impact = attributed GMV lost or spend wasted.
- logistics: late-delivery rate (binomial) and delivery days per carrier and warehouse, by
  delivery date; ship hours (paid -> shipped) per warehouse, by ship date; impact = GMV of the
  orders that arrived late beyond the expected share.
- after-sales: returned units per SKU and category over the day and the last three days
  (returns arrive spread out), against the SKU's own return history; impact = extra refunds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomops.detect.scan import (
    SUSTAIN_DAYS,
    Candidate,
    Check,
    Context,
    Panel,
    Stat,
    build_panel,
    flag,
    flagged,
    plain,
    rate_stat,
    rolled,
    scope_of,
    sum_stat,
)

AD_GRAINS: tuple[tuple[str, ...], ...] = (
    ("channel",),
    ("channel", "campaign"),
    ("channel", "campaign", "ad_group"),
    ("channel", "campaign", "ad_group", "keyword"),
)
LOGISTICS_GRAINS: tuple[tuple[str, ...], ...] = ((), ("carrier",), ("warehouse",), ("carrier", "warehouse"))
RETURN_GRAINS: tuple[tuple[str, ...], ...] = (("sku",), ("category",))
RETURN_WINDOW = 3
LOGISTICS_LAG_DAYS = 3
"""Parcels delivered (or shipped) on a day were ordered up to this many days before: the days
after a festival or a promotion carry its volume and are judged as event days too."""


def _cand(
    family: str,
    module: str,
    step: str,
    metric: str,
    p: Panel,
    i: int,
    st: Stat,
    impact: float,
    volume: float,
    ctx: Context,
    evidence: dict[str, object],
    series: dict[str, object],
) -> Candidate:
    seg = {k: v for k, v in p.segment(i).items() if v != ""}
    return Candidate(
        family=family,
        module=module,
        process_step=step,
        metric=metric,
        segment=seg,
        scope=scope_of(seg, ctx),
        direction="up" if st.a[i] > st.e[i] else "down",
        observed=float(st.observed[i]),
        expected=float(st.expected[i]),
        z=float(st.z[i]),
        impact=float(impact),
        run_impact=float(impact),
        a=float(st.a[i]),
        e=float(st.e[i]),
        v=float(st.v[i]),
        volume=float(volume),
        evidence=evidence,
        series=series,
    )


def _per(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def _ad_checks(p: Panel, ctx: Context) -> list[tuple[Check, tuple[str, str | None]]]:
    v = p.values
    h = slice(None, -1)
    spc = _per(np.nansum(v["sales"][:, h], axis=1), np.nansum(v["clicks"][:, h], axis=1))  # sales / click
    ctr = rate_stat(p, "clicks", "impressions", ctx)
    clicks = sum_stat(p, "clicks", ctx)
    cpc = rate_stat(p, "cost", "clicks", ctx, binomial=False)
    roas = rate_stat(p, "sales", "cost", ctx, binomial=False)
    today_clicks = np.nan_to_num(v["clicks"][:, -1])
    return [
        (Check("ad_ctr", ctr, np.nan_to_num((ctr.a - ctr.e) * spc), ctr.e), ("clicks", "impressions")),
        (Check("ad_clicks", clicks, np.nan_to_num((clicks.a - clicks.e) * spc), clicks.e), ("clicks", None)),
        (Check("ad_cpc", cpc, np.nan_to_num(-(cpc.a - cpc.e)), today_clicks), ("cost", "clicks")),
        (Check("ad_roas", roas, np.nan_to_num(roas.a - roas.e), today_clicks), ("sales", "cost")),
    ]


def ads_candidates(leaves: pd.DataFrame, ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    measures = ("impressions", "clicks", "cost", "orders", "sales")
    for dims in AD_GRAINS:
        p = build_panel(leaves, dims, measures, ctx)
        v = p.values
        checks = _ad_checks(p, ctx)
        runs = _ad_checks(rolled(p, SUSTAIN_DAYS), ctx)
        ctr = checks[0][0].stat
        cpc_h = _per(v["cost"][:, :-1].sum(axis=1), v["clicks"][:, :-1].sum(axis=1))
        for (day, (num, den)), (run, _) in zip(checks, runs, strict=True):
            on_day, sustained = flag(day, run, ctx)
            for i in np.flatnonzero(on_day | sustained):
                ev = {
                    "impressions": plain(v["impressions"][i, -1]),
                    "clicks": plain(v["clicks"][i, -1]),
                    "cost": plain(v["cost"][i, -1]),
                    "sales": plain(v["sales"][i, -1]),
                    "ctr": plain(ctr.observed[i]),
                    "ctr_expected": plain(ctr.expected[i]),
                    "cpc_expected": plain(cpc_h[i]),
                }
                series = {"num": v[num][i].copy(), "events": p.events[i].copy()}
                if den:
                    series["den"] = v[den][i].copy()
                c = _cand(
                    "ads",
                    "ads",
                    "ads",
                    day.metric,
                    p,
                    int(i),
                    day.stat,
                    day.impact[i],
                    day.volume[i],
                    ctx,
                    ev,
                    series,
                )
                out.append(_sustain(c, run, int(i)) if sustained[i] else c)
    return out


def _sustain(c: Candidate, run: Check, i: int) -> Candidate:
    """Mark a candidate found over the sustained run (its z and impact over the run)."""
    c.z, c.run_impact, c.days = float(run.stat.z[i]), float(run.impact[i]), SUSTAIN_DAYS
    c.evidence.update(days=SUSTAIN_DAYS, impact_over_days=plain(run.impact[i]))
    return c


def _rel(st: Stat) -> np.ndarray:
    """Relative change of a ratio against its expected value, within -100%..+100%."""
    with np.errstate(all="ignore"):
        r = st.observed / np.where(st.expected > 0, st.expected, np.nan) - 1
    return np.clip(np.nan_to_num(r), -1, 1)


def _delivery_checks(p: Panel, ctx: Context) -> list[tuple[Check, tuple[str, str]]]:
    v = p.values
    value_per = _per(np.nan_to_num(v["value"][:, -1]), np.nan_to_num(v["delivered"][:, -1]))
    late = rate_stat(p, "late", "delivered", ctx)
    days = rate_stat(p, "delivery_days_sum", "delivered", ctx, binomial=False)
    rel = _rel(days)
    vol = np.nan_to_num(v["delivered"][:, -1])
    return [
        (
            Check("late_delivery_rate", late, np.nan_to_num(-(late.a - late.e) * value_per), vol),
            ("late", "delivered"),
        ),
        (
            Check("delivery_days", days, np.nan_to_num(-v["value"][:, -1] * rel), vol),
            ("delivery_days_sum", "delivered"),
        ),
    ]


def _shipping_checks(p: Panel, ctx: Context) -> list[tuple[Check, tuple[str, str]]]:
    v = p.values
    hours = rate_stat(p, "ship_hours_sum", "shipped", ctx, binomial=False)
    rel = _rel(hours)
    impact = np.nan_to_num(-v["value"][:, -1] * rel * 0.5)
    return [
        (
            Check("ship_hours", hours, impact, np.nan_to_num(v["shipped"][:, -1])),
            ("ship_hours_sum", "shipped"),
        )
    ]


def spread(events: np.ndarray, days: int) -> np.ndarray:
    """The event mask with each event also marking the ``days`` days after it."""
    out = events.copy()
    for k in range(1, days + 1):
        out[:, k:] |= events[:, :-k]
    return out


def logistics_candidates(delivered: pd.DataFrame, shipped: pd.DataFrame, ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    panels = [
        (build_panel(delivered, dims, ("delivered", "late", "delivery_days_sum", "value"), ctx), "logistics")
        for dims in LOGISTICS_GRAINS
    ] + [
        (build_panel(shipped, dims, ("shipped", "ship_hours_sum", "value"), ctx), "fulfilment")
        for dims in (("warehouse",), ())
    ]
    for p, step in panels:
        p.events = spread(p.events, LOGISTICS_LAG_DAYS)
        v = p.values
        fn = _delivery_checks if step == "logistics" else _shipping_checks
        checks, runs = fn(p, ctx), fn(rolled(p, SUSTAIN_DAYS), ctx)
        for (day, (num, den)), (run, _) in zip(checks, runs, strict=True):
            on_day, sustained = flag(day, run, ctx)
            for i in np.flatnonzero(on_day | sustained):
                st = day.stat
                if step == "logistics":
                    ev = {
                        "delivered": plain(v["delivered"][i, -1]),
                        "late": plain(v["late"][i, -1]),
                        day.metric: plain(st.observed[i]),
                        f"{day.metric}_expected": plain(st.expected[i]),
                    }
                else:
                    ev = {
                        "shipped": plain(v["shipped"][i, -1]),
                        "ship_hours": plain(st.observed[i]),
                        "ship_hours_expected": plain(st.expected[i]),
                    }
                series = {"num": v[num][i].copy(), "den": v[den][i].copy(), "events": p.events[i].copy()}
                c = _cand(
                    "logistics",
                    "logistics",
                    step,
                    day.metric,
                    p,
                    int(i),
                    st,
                    day.impact[i],
                    day.volume[i],
                    ctx,
                    ev,
                    series,
                )
                out.append(_sustain(c, run, int(i)) if sustained[i] else c)
    return out


def returns_candidates(returns: pd.DataFrame, sold: pd.DataFrame, ctx: Context) -> list[Candidate]:
    """Returned units per SKU / category over 1 and ``RETURN_WINDOW`` days against their history."""
    out: list[Candidate] = []
    for dims in RETURN_GRAINS:
        p = build_panel(returns, dims, ("returned_units", "refund_amount", "cases"), ctx)
        s = build_panel(sold, dims, ("units",), ctx)
        units = s.keys.assign(_u=s.values["units"][:, -10:-3].sum(axis=1) * RETURN_WINDOW / 7).set_index(
            list(dims)
        )["_u"]
        ref = p.keys.join(units, on=list(dims))["_u"].fillna(0).to_numpy() if dims else np.zeros(1)
        best: dict[int, Candidate] = {}
        for window in (1, RETURN_WINDOW):
            wp = rolled(p, window)
            st = sum_stat(wp, "returned_units", ctx)
            refund_per = _per(
                p.values["refund_amount"][:, :-1].sum(axis=1), p.values["returned_units"][:, :-1].sum(axis=1)
            )
            impact = -(st.a - st.e) * refund_per
            ref_w = np.maximum(ref * window / RETURN_WINDOW, 1.0)
            st.observed, st.expected = st.a / ref_w, st.e / ref_w
            vol = np.maximum(st.a, st.e) * 6  # needs about five returned units to judge
            for i in np.flatnonzero(flagged(st, ctx, impact, vol)):
                if i in best and abs(best[i].z) >= abs(st.z[i]):
                    continue
                ev = {
                    "returned_units": plain(st.a[i]),
                    "returned_units_expected": plain(st.e[i]),
                    "refund_amount": plain(wp.values["refund_amount"][i, -1]),
                    "days": window,
                }
                best[int(i)] = _cand(
                    "after_sales",
                    "after_sales",
                    "after_sales",
                    "return_rate",
                    wp,
                    int(i),
                    st,
                    impact[i],
                    vol[i],
                    ctx,
                    ev,
                    {"num": p.values["returned_units"][i].copy(), "events": p.events[i].copy()},
                )
        out += best.values()
    return out
