"""Sales and traffic: GMV split into traffic x conversion x AOV per segment, and margin.

For each segment the day's GMV change is decomposed multiplicatively,
``gmv / gmv_e = (visitors / visitors_e) x (conversion / conversion_e) x (aov / aov_e)``, and each
factor that left its band by a material GMV amount becomes a candidate with its process step:
``traffic`` (visitors), ``conversion`` (orders per visitor, judged at the day's visitors) and
``pricing`` (average order value). Margin: ``gross_margin_rate`` judged at the day's GMV, with
``pricing`` as the step when the average selling price against list price moved too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomops.detect.events import promo_discount
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
    rolled,
    scope_of,
    sum_stat,
)

MEASURES = ("visitors", "orders", "units", "gmv", "cost", "gmv_costed", "list_value")
GRAINS: tuple[tuple[str, ...], ...] = (
    (),
    ("channel",),
    ("source",),
    ("channel", "source"),
    ("category",),
    ("channel", "category"),
    ("category", "source"),
    ("sku",),
    ("channel", "sku"),
)
MARGIN_GRAINS: tuple[tuple[str, ...], ...] = ((), ("channel",), ("category",), ("sku",), ("channel", "sku"))


def _aov_hist(p: Panel) -> np.ndarray:
    g, o = p.values["gmv"][:, :-1].sum(axis=1), p.values["orders"][:, :-1].sum(axis=1)
    with np.errstate(all="ignore"):
        return np.where(o > 0, g / np.where(o > 0, o, 1), 0.0)


def _series(p: Panel, i: int, num: str, den: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"num": p.values[num][i].copy(), "events": p.events[i].copy()}
    if den:
        out["den"] = p.values[den][i].copy()
    return out


def sales_candidates(
    leaves: pd.DataFrame,
    ctx: Context,
    *,
    per_sku_visitors: bool,
    extra_grains: tuple[tuple[str, ...], ...] = (),
) -> list[Candidate]:
    out: list[Candidate] = []
    for dims in informative(GRAINS + extra_grains, leaves):
        p = build_panel(leaves, dims, MEASURES, ctx)
        has_vis = per_sku_visitors or "sku" not in dims
        out += _grain(p, ctx, has_vis)
    return out


def _checks(
    p: Panel, ctx: Context, has_vis: bool
) -> tuple[list[tuple[str, str, Check, tuple[str, str | None]]], dict[str, Stat]]:
    """Per metric of the GMV decomposition: (module, step, check, series measures); and the stats."""
    aov_h = _aov_hist(p)
    gmv = sum_stat(p, "gmv", ctx, unit=np.maximum(aov_h, 1.0))
    orders = sum_stat(p, "orders", ctx)
    aov = rate_stat(p, "gmv", "orders", ctx, binomial=False)
    stats = {"gmv": gmv, "orders": orders, "aov": aov}
    out: list[tuple[str, str, Check, tuple[str, str | None]]] = []
    if has_vis:
        vis = sum_stat(p, "visitors", ctx)
        conv = rate_stat(p, "orders", "visitors", ctx)
        stats.update(visitors=vis, conversion_rate=conv)
        # GMV each factor moved, the others at their expected values.
        with np.errstate(all="ignore"):
            gmv_per_vis = np.where(vis.e > 0, gmv.e / np.where(vis.e > 0, vis.e, 1), 0.0)
        imp_traffic = (vis.a - vis.e) * gmv_per_vis
        imp_conv = np.nan_to_num((conv.a - conv.e) * aov.expected)
        out.append(("traffic", "traffic", Check("visitors", vis, imp_traffic, vis.e), ("visitors", None)))
        out.append(
            (
                "sales",
                "conversion",
                Check("conversion_rate", conv, imp_conv, np.nan_to_num(vis.a)),
                ("orders", "visitors"),
            )
        )
    else:
        check = Check("orders", orders, (orders.a - orders.e) * aov_h, orders.e * 10)
        out.append(("sales", "conversion", check, ("orders", None)))
    imp_aov = np.nan_to_num((aov.observed - aov.expected) * orders.a)
    aov_check = Check("aov", aov, imp_aov, np.nan_to_num(orders.a) * 3)
    out.append(("sales", "pricing", aov_check, ("gmv", "orders")))
    return out, stats


def _grain(p: Panel, ctx: Context, has_vis: bool) -> list[Candidate]:
    checks, stats = _checks(p, ctx, has_vis)
    runs, _ = _checks(rolled(p, SUSTAIN_DAYS), ctx, has_vis)
    gmv, orders, aov = stats["gmv"], stats["orders"], stats["aov"]
    out: list[Candidate] = []
    for (module, step, day, (num, den)), (_, _, run, _) in zip(checks, runs, strict=True):
        on_day, sustained = flag(day, run, ctx)
        st = day.stat
        for i in np.flatnonzero(on_day | sustained):
            seg = p.segment(int(i))
            ev = {
                "gmv": plain(gmv.a[i]),
                "gmv_expected": plain(gmv.e[i]),
                "orders": plain(orders.a[i]),
                "orders_expected": plain(orders.e[i]),
                "aov": plain(aov.observed[i]),
                "aov_expected": plain(aov.expected[i]),
            }
            if has_vis:
                vis, conv = stats["visitors"], stats["conversion_rate"]
                ev.update(
                    {
                        "visitors": plain(p.values["visitors"][i, -1]),
                        "visitors_expected": plain(vis.e[i]),
                        "conversion_rate": plain(conv.observed[i]),
                        "conversion_rate_expected": plain(conv.expected[i]),
                    }
                )
            long = bool(sustained[i])
            if long:
                ev.update(days=SUSTAIN_DAYS, impact_over_days=plain(run.impact[i]))
            out.append(
                Candidate(
                    family="sales",
                    module=module,
                    process_step=step,
                    metric=day.metric,
                    segment=seg,
                    scope=scope_of(seg, ctx),
                    direction="up" if st.a[i] > st.e[i] else "down",
                    observed=float(st.observed[i]),
                    expected=float(st.expected[i]),
                    z=float(run.stat.z[i] if long else st.z[i]),
                    impact=float(day.impact[i]),
                    a=float(st.a[i]),
                    e=float(st.e[i]),
                    v=float(st.v[i]),
                    volume=float(day.volume[i]),
                    evidence=ev,
                    series=_series(p, int(i), num, den),
                    run_impact=float(run.impact[i] if long else day.impact[i]),
                    days=SUSTAIN_DAYS if long else 1,
                )
            )
    return out


def _expect_discount(rate: Stat, price: Stat, off: np.ndarray, p: Panel) -> None:
    """Expected margin rate and price index on a promotion day, from the promotion's discount.

    Prices ``off`` lower with unchanged costs turn a margin rate m into 1 - (1 - m) / (1 - off):
    the shop's own planned discount is expected, not an anomaly (a mistyped price is far deeper).
    """
    if not off.any():
        return
    keep = 1 - off
    rate.expected = np.where(off > 0, 1 - (1 - rate.expected) / keep, rate.expected)
    rate.e = rate.expected * p.values["gmv_costed"][:, -1]
    price.expected = price.expected * keep
    price.e = price.expected * p.values["list_value"][:, -1]


def margin_candidates(leaves: pd.DataFrame, ctx: Context) -> list[Candidate]:
    """Gross margin rate per segment, judged at the day's (costed) GMV."""
    lv = leaves.assign(margin=leaves["gmv_costed"] - leaves["cost"])
    out: list[Candidate] = []
    for dims in informative(MARGIN_GRAINS, lv):
        p = build_panel(lv, dims, ("margin", "gmv_costed", "gmv", "list_value", "units"), ctx)
        rate = rate_stat(p, "margin", "gmv_costed", ctx, binomial=False)
        price = rate_stat(p, "gmv", "list_value", ctx, binomial=False)
        _expect_discount(rate, price, promo_discount(p.keys, ctx.day, ctx.promos, ctx.channel_share), p)
        impact = rate.a - rate.e  # margin lost (or won) at the day's GMV
        units = p.values["units"][:, -1]
        for i in np.flatnonzero(flagged(rate, ctx, impact, units * 10)):
            seg = p.segment(int(i))
            step = "pricing" if abs(price.z[i]) >= ctx.band_z else "margin"
            out.append(
                Candidate(
                    family="margin",
                    module="sales",
                    process_step=step,
                    metric="gross_margin_rate",
                    segment=seg,
                    scope=scope_of(seg, ctx),
                    direction="up" if impact[i] > 0 else "down",
                    observed=float(rate.observed[i]),
                    expected=float(rate.expected[i]),
                    z=float(rate.z[i]),
                    impact=float(impact[i]),
                    a=float(rate.a[i]),
                    e=float(rate.e[i]),
                    v=float(rate.v[i]),
                    volume=float(units[i]),
                    evidence={
                        "gross_margin": plain(rate.a[i]),
                        "gross_margin_expected": plain(rate.e[i]),
                        "gmv": plain(p.values["gmv"][i, -1]),
                        "units": plain(units[i]),
                        "price_index": plain(price.observed[i]),
                        "price_index_expected": plain(price.expected[i]),
                    },
                    series=_series(p, int(i), "margin", "gmv_costed"),
                    price=(float(price.a[i]), float(price.e[i]), float(price.v[i])),
                )
            )
    return out
