"""ABC × XYZ classes and slow movers with a recommended action and its reason (pure).

- ABC by revenue over the window: A = the SKUs making the first 80% of revenue, B the next 15%,
  C the rest.
- XYZ by the coefficient of variation of weekly units: X < 0.5, Y < 1.0, Z otherwise.
- A slow mover holds stock and either has not sold for ``slow_mover_days`` or covers more than
  ``overstock_factor`` × the target cover. Actions, first rule that applies:
  ``delist`` (no sale for 3 × slow_mover_days and a thin margin), ``clear`` (no sale for that
  long), ``reprice`` (demand is price-elastic, ε < −1, and the margin allows a cut), ``promote``
  (a margin of 40% or more pays for ads or a promotion), ``bundle`` (the category has an A-class
  best seller to pair it with that has stock to lend: at least the target cover; a best seller
  that is out of stock or short of cover is never a partner), else ``clear``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from ecomops.i18n import N_

A_SHARE, B_SHARE = 0.80, 0.95
X_CV, Y_CV = 0.5, 1.0
ACTIONS = ("promote", "reprice", "bundle", "clear", "delist")


def abc_xyz(sales: pd.DataFrame, as_of: dt.date, window: int = 91) -> pd.DataFrame:
    """``sku, revenue, units, abc, weekly_cv, xyz`` from daily ``sku, ds, units, revenue``."""
    start = pd.Timestamp(as_of) - pd.Timedelta(days=window - 1)
    s = sales[(pd.to_datetime(sales["ds"]) >= start) & (pd.to_datetime(sales["ds"]) <= pd.Timestamp(as_of))]
    tot = s.groupby("sku", as_index=False)[["revenue", "units"]].sum()
    tot = tot.sort_values(["revenue", "sku"], ascending=[False, True], ignore_index=True)
    share = tot["revenue"].cumsum() / max(float(tot["revenue"].sum()), 1e-9)
    prev = share.shift(1, fill_value=0.0)
    tot["abc"] = np.select([prev < A_SHARE, prev < B_SHARE], ["A", "B"], default="C")
    week = ((pd.Timestamp(as_of) - pd.to_datetime(s["ds"])).dt.days // 7).rename("week")
    weekly = s.groupby([s["sku"], week])["units"].sum().unstack(fill_value=0.0)
    weekly = weekly.reindex(columns=range(math.ceil(window / 7)), fill_value=0.0)
    mean = weekly.mean(axis=1)
    cv = (weekly.std(axis=1, ddof=0) / mean.where(mean > 0)).rename("weekly_cv")
    tot = tot.merge(cv, left_on="sku", right_index=True, how="left")
    tot["xyz"] = np.select([tot["weekly_cv"] < X_CV, tot["weekly_cv"] < Y_CV], ["X", "Y"], default="Z")
    return tot


NO_ESTIMATE = N_("no elasticity estimate")


def _action(r: pd.Series, n_days: int, target: int, best: dict[str, str],
            _: Callable[[str], str]) -> tuple[str, str]:
    idle = r["days_since_last_sale"]
    margin = r["margin_rate"]
    cover = r["days_of_cover"]
    units = int(r["stock"])
    days = f"{idle:.0f}"
    if pd.isna(cover):
        cover_txt = _("no recent demand")
    else:
        cover_txt = _("{days} days of cover").format(days=f"{cover:.0f}")
    if idle >= 3 * n_days and (pd.isna(margin) or margin < 0.2):
        return "delist", _("No sale in {days} days and a thin margin: take it off sale and clear the "
                           "remaining {units} units.").format(days=days, units=units)
    if idle >= 3 * n_days:
        return "clear", _("No sale in {days} days: clear the {units} units at a discount before they "
                          "age.").format(days=days, units=units)
    e = r.get("elasticity")
    if e is not None and not pd.isna(e) and e < -1 and not pd.isna(margin) and margin >= 0.25:
        ratio = max(float(cover) / target, 1.0) if not pd.isna(cover) else 2.0
        cut = min(1 - math.exp(math.log(ratio) / e), 0.3, margin - 0.05)
        return "reprice", _("Demand is price-elastic (elasticity {elasticity}): a {cut} price cut should "
                            "sell about {times}× the units against {cover}.").format(
            elasticity=f"{e:.1f}", cut=f"{cut:.0%}", times=f"{(1 - cut) ** e:.1f}", cover=cover_txt)
    note = r.get("elasticity_note") or NO_ESTIMATE
    if note == "ok":  # estimated, but not elastic enough for a price cut to pay
        note = _("{elasticity}, a price cut would not pay").format(elasticity=f"{e:.1f}")
    else:
        note = _(note)
    if not pd.isna(margin) and margin >= 0.4:
        return "promote", _("A {margin} margin pays for ads or a promotion to work off {cover} (target "
                            "{target}); price elasticity: {note}.").format(
            margin=f"{margin:.0%}", cover=cover_txt, target=target, note=note)
    partner = best.get(str(r.get("category")))
    if partner and partner != r["sku"] and not pd.isna(margin) and margin >= 0.15:
        return "bundle", _("Bundle it with {partner}, a best seller of its category, to move {units} "
                           "units without a visible price cut ({cover}).").format(
            partner=partner, units=units, cover=cover_txt)
    return "clear", _("{cover} against a target of {target} and a thin margin: clear the "
                      "excess.").format(cover=cover_txt[:1].upper() + cover_txt[1:], target=target)


def slow_movers(
    stock: pd.DataFrame,
    last_sale: pd.Series,
    products: pd.DataFrame,
    classes: pd.DataFrame,
    elasticity: pd.DataFrame,
    as_of: dt.date,
    *,
    target_cover_days: int = 30,
    slow_mover_days: int = 30,
    overstock_factor: float = 3.0,
    gettext: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Slow movers among ``stock`` (``sku, stock, days_of_cover``), one row each with an action.

    ``last_sale`` maps sku to its last sale date; ``classes`` is ``abc_xyz``'s output;
    ``elasticity`` is ``elasticity.estimate``'s. ``gettext`` translates the reasons (the store's
    language, ``i18n.gettext_for``); English without it.
    """
    df = stock.merge(products.drop_duplicates("sku"), on="sku", how="left")
    last = pd.to_datetime(df["sku"].map(last_sale))
    first_known = pd.to_datetime(df.get("launch_date"))
    idle = (pd.Timestamp(as_of) - last).dt.days
    never = (pd.Timestamp(as_of) - first_known).dt.days
    df["last_sale"] = last.dt.date
    df["days_since_last_sale"] = idle.fillna(never).fillna(10 * slow_mover_days)
    df["margin_rate"] = ((df["price"] - df["cost"]) / df["price"].where(df["price"] > 0))
    df["stock_value"] = (df["stock"] * df["cost"].fillna(df["price"])).round(2)
    slow = (df["stock"] > 0) & (
        (df["days_since_last_sale"] >= slow_mover_days)
        | (df["days_of_cover"] > overstock_factor * target_cover_days)
    )
    df = df[slow].merge(classes[["sku", "abc", "xyz", "revenue"]], on="sku", how="left")
    el = elasticity.rename(columns={"note": "elasticity_note"})
    df = df.merge(el[["sku", "elasticity", "elasticity_note"]], on="sku", how="left")
    df["abc"] = df["abc"].fillna("C")
    df["xyz"] = df["xyz"].fillna("Z")
    top = classes[classes["abc"] == "A"].merge(products[["sku", "category"]], on="sku")
    top = top.merge(stock[["sku", "days_of_cover"]], on="sku", how="inner")
    top = top[top["days_of_cover"].fillna(-1.0) >= target_cover_days]  # stock to lend to bundles
    best = top.sort_values(["revenue", "sku"], ascending=[False, True]).drop_duplicates("category")
    best_of = dict(zip(best["category"].astype(str), best["sku"], strict=True))
    _ = gettext or str
    picks = [_action(r, slow_mover_days, target_cover_days, best_of, _) for _i, r in df.iterrows()]
    df["action"] = [a for a, _ in picks]
    df["reason"] = [t for _, t in picks]
    cols = ["sku", "title", "category", "stock", "stock_value", "days_of_cover", "last_sale",
            "days_since_last_sale", "margin_rate", "abc", "xyz", "elasticity", "elasticity_note",
            "action", "reason"]
    df["margin_rate"] = df["margin_rate"].round(3)
    df["days_of_cover"] = df["days_of_cover"].round(1)
    return df.reindex(columns=cols).sort_values("stock_value", ascending=False, ignore_index=True)
