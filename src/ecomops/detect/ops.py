"""Ads, logistics and after-sales scans (the operational families besides sales and stock).

- ads: CTR (clicks / impressions, binomial), clicks, CPC (cost / clicks) and ROAS (sales / cost)
  per channel, campaign, ad group and keyword; impact = attributed GMV lost or spend wasted.
- logistics: late-delivery rate (binomial) and delivery days per carrier and warehouse, by
  delivery date, and the share of parcels in transit already past their promised time (as of
  the day's end: a carrier's delay shows before its late parcels arrive); ship hours
  (paid -> shipped) per warehouse, by ship date; impact = GMV of the parcels late beyond the
  expected share.
- after-sales: returned units per SKU and category over the day and the last three days
  (returns arrive spread out), against the SKU's own return history; impact = extra refunds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ecomops.detect.baseline import masked_median
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
    informative,
    plain,
    rate_stat,
    rest_of,
    rolled,
    scope_of,
    sum_stat,
    weakly_flagged,
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


CLICK_METRICS = frozenset({"ad_ctr", "ad_clicks"})
"""Ads metrics whose impact is the sales their extra (or missing) clicks are worth."""


def ads_candidates(
    leaves: pd.DataFrame, ctx: Context, extra_grains: tuple[tuple[str, ...], ...] = ()
) -> list[Candidate]:
    out: list[Candidate] = []
    measures = ("impressions", "clicks", "cost", "orders", "sales")
    for dims in informative(AD_GRAINS + extra_grains, leaves):
        p = build_panel(leaves, dims, measures, ctx)
        v = p.values
        checks = _ad_checks(p, ctx)
        runs = _ad_checks(rolled(p, SUSTAIN_DAYS), ctx)
        ctr = checks[0][0].stat
        cpc_h = _per(v["cost"][:, :-1].sum(axis=1), v["clicks"][:, :-1].sum(axis=1))
        for (day, (num, den)), (run, _) in zip(checks, runs, strict=True):
            on_day, sustained = flag(day, run, ctx)
            weak = weakly_flagged(day, ctx, on_day | sustained) if len(dims) > 2 else on_day & False
            for i in np.flatnonzero(on_day | sustained | weak):
                ev = {
                    "impressions": plain(v["impressions"][i, -1]),
                    "clicks": plain(v["clicks"][i, -1]),
                    "cost": plain(v["cost"][i, -1]),
                    "sales": plain(v["sales"][i, -1]),
                    "ctr": plain(ctr.observed[i]),
                    "ctr_expected": plain(ctr.expected[i]),
                    "cpc_expected": plain(cpc_h[i]),
                }
                if day.metric in CLICK_METRICS:
                    # what the clicks were valued at: sales per click of the history
                    ev["sales_expected"] = plain(v["sales"][i, -1] - day.impact[i])
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
                c.weak = bool(weak[i])
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


def _transit_checks(p: Panel, ctx: Context) -> list[tuple[Check, tuple[str, str]]]:
    """Share of the parcels in transit already past their promised time (binomial)."""
    v = p.values
    value_per = _per(np.nan_to_num(v["value"][:, -1]), np.nan_to_num(v["in_transit"][:, -1]))
    late = rate_stat(p, "overdue", "in_transit", ctx)
    vol = np.nan_to_num(v["in_transit"][:, -1])
    impact = np.nan_to_num(-(late.a - late.e) * value_per)
    return [(Check("late_delivery_rate", late, impact, vol), ("overdue", "in_transit"))]


def spread(events: np.ndarray, days: int) -> np.ndarray:
    """The event mask with each event also marking the ``days`` days after it."""
    out = events.copy()
    for k in range(1, days + 1):
        out[:, k:] |= events[:, :-k]
    return out


PROMO_VOLUME = 1.5
"""A promotion is an event for logistics only while it lifts the shop's shipments this much."""


def _volume_lift(shipped: pd.DataFrame, ctx: Context) -> np.ndarray:
    """Per day (T): the shop's shipments of that day and the ``LOGISTICS_LAG_DAYS`` before it
    (the parcels on the road) against a normal day (median of the days without events).

    Judged on the whole shop: a carrier's own daily count is too noisy to tell a promotion's
    lift from chance."""
    sp = build_panel(shipped, (), ("shipped",), ctx)
    x = sp.values["shipped"][0]
    normal = float(masked_median(x[None, :-1], ~sp.events[:, :-1])[0])
    w = LOGISTICS_LAG_DAYS + 1
    c = np.cumsum(np.pad(x, (w, 0)))
    avg = (c[w:] - c[:-w]) / w
    return avg / normal if normal > 0 else np.ones_like(avg)


def _logistics_events(p: Panel, lift: np.ndarray, ctx: Context) -> np.ndarray:
    """Event days of a logistics panel: festivals (carriers slow down around them, whatever
    the shop ships) and the days after; promotions and their days after only where they
    lifted the shop's shipments materially (``lift``, from ``_volume_lift``: a 12% store sale
    leaves carriers as they are)."""
    from ecomops.detect.events import festival_mask

    fest = festival_mask(p.keys, ctx.dates, ctx.festivals, ctx.channel_share)
    promo = p.events & ~fest & (lift >= PROMO_VOLUME)[None, :]
    return spread(fest | promo, LOGISTICS_LAG_DAYS)


def logistics_candidates(
    delivered: pd.DataFrame, shipped: pd.DataFrame, ctx: Context, transit: pd.DataFrame | None = None
) -> list[Candidate]:
    """Late deliveries and delivery days (by delivery date), parcels overdue in transit (as of
    the day's end) per carrier and warehouse; ship hours per warehouse (by ship date)."""
    out: list[Candidate] = []
    panels = [
        (build_panel(delivered, dims, ("delivered", "late", "delivery_days_sum", "value"), ctx), "delivered")
        for dims in informative(LOGISTICS_GRAINS, delivered)
    ] + [
        (build_panel(shipped, dims, ("shipped", "ship_hours_sum", "value"), ctx), "shipped")
        for dims in informative((("warehouse",), ()), shipped)
    ]
    if transit is not None and not transit.empty:
        panels += [
            (build_panel(transit, dims, ("in_transit", "overdue", "value"), ctx), "transit")
            for dims in informative(LOGISTICS_GRAINS, transit)
        ]
    fns = {"delivered": _delivery_checks, "shipped": _shipping_checks, "transit": _transit_checks}
    lift = _volume_lift(shipped, ctx)  # the shop's shipments per day: one figure for every panel
    for p, kind in panels:
        step = "fulfilment" if kind == "shipped" else "logistics"
        p.events = _logistics_events(p, lift, ctx)
        v = p.values
        fn = fns[kind]
        # Parcels in transit are a level, not a flow: two days of it are mostly the same parcels,
        # so the transit share is judged on the day alone.
        checks = fn(p, ctx)
        runs = fn(rolled(p, SUSTAIN_DAYS), ctx) if kind != "transit" else [None] * len(checks)
        for (day, (num, den)), run_pair in zip(checks, runs, strict=True):
            run = run_pair[0] if run_pair is not None else None
            on_day, sustained = flag(day, run, ctx)
            for i in np.flatnonzero(on_day | sustained):
                st = day.stat
                ev: dict[str, object]
                if kind == "delivered":
                    ev = {
                        "delivered": plain(v["delivered"][i, -1]),
                        "late": plain(v["late"][i, -1]),
                        day.metric: plain(st.observed[i]),
                        f"{day.metric}_expected": plain(st.expected[i]),
                    }
                elif kind == "transit":
                    ev = {
                        "basis": "in_transit",
                        "in_transit": plain(v["in_transit"][i, -1]),
                        "overdue_in_transit": plain(v["overdue"][i, -1]),
                        "overdue_share": plain(st.observed[i]),
                        "overdue_share_expected": plain(st.expected[i]),
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
                if kind != "shipped":
                    c.basis = "in_transit" if kind == "transit" else ""
                    c.rest_z = rest_of(
                        transit if kind == "transit" else delivered,
                        c.segment,
                        _rest_stat(kind, day.metric, ctx),
                        ctx,
                        lambda q: _logistics_events(q, lift, ctx),
                    )
                out.append(_sustain(c, run, int(i)) if run is not None and sustained[i] else c)
    return out


def _rest_stat(kind: str, metric: str, ctx: Context) -> Callable[[Panel], Stat]:
    if kind == "transit":
        return lambda q: rate_stat(q, "overdue", "in_transit", ctx)
    if metric == "late_delivery_rate":
        return lambda q: rate_stat(q, "late", "delivered", ctx)
    return lambda q: rate_stat(q, "delivery_days_sum", "delivered", ctx, binomial=False)


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
