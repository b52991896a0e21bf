"""Forecast accuracy on a hold-out: MASE and RMSSE against a seasonal naive scale (pure).

Both errors are scaled by the in-sample error of the seasonal naive forecast (season 7) on the
series' training days, so they compare across series of any volume (Hyndman & Koehler 2006; the
M5 competition's RMSSE). A series whose training days have no seasonal change (all zero, or
constant) has no scale and is left out. Censored hold-out days (no stock) are dropped from the
errors, since what sold on them is not what was demanded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEASON = 7


def scales(train: pd.DataFrame, season: int = SEASON) -> pd.DataFrame:
    """Per ``unique_id`` the mean absolute and mean squared seasonal difference of ``y``.

    ``train`` is a complete daily grid (``unique_id, ds, y``) sorted by series and day.
    """
    y = train["y"].to_numpy(dtype=float)
    uid = train["unique_id"].to_numpy()
    same = np.zeros(len(y), dtype=bool)
    same[season:] = uid[season:] == uid[:-season]
    diff = np.full(len(y), np.nan)
    diff[season:] = y[season:] - y[:-season]
    diff[~same] = np.nan
    frame = pd.DataFrame({"unique_id": uid, "abs": np.abs(diff), "sq": diff**2})
    out = frame.groupby("unique_id", sort=True)[["abs", "sq"]].mean()
    return out.rename(columns={"abs": "mae_scale", "sq": "mse_scale"}).reset_index()


def score(
    train: pd.DataFrame,
    test: pd.DataFrame,
    forecasts: pd.DataFrame,
    methods: list[str],
    season: int = SEASON,
) -> pd.DataFrame:
    """MASE and RMSSE of each method per series: one row per ``unique_id`` and method.

    ``test`` has ``unique_id, ds, y`` and optionally a boolean ``censored``; ``forecasts`` has
    ``unique_id, ds`` and one column per method.
    """
    held = test.merge(forecasts[["unique_id", "ds", *methods]], on=["unique_id", "ds"], how="inner")
    if "censored" in held:
        held = held[~held["censored"].astype(bool)]
    sc = scales(train, season)
    sc = sc[(sc["mae_scale"] > 0) & np.isfinite(sc["mae_scale"])]
    rows = []
    for m in methods:
        e = held[m].to_numpy(dtype=float) - held["y"].to_numpy(dtype=float)
        err = pd.DataFrame({"unique_id": held["unique_id"].to_numpy(), "abs": np.abs(e), "sq": e**2})
        g = err.groupby("unique_id")[["abs", "sq"]].mean().reset_index().merge(sc, on="unique_id")
        rows.append(pd.DataFrame({
            "unique_id": g["unique_id"], "method": m,
            "mase": g["abs"] / g["mae_scale"], "rmsse": np.sqrt(g["sq"] / g["mse_scale"]),
        }))
    return pd.concat(rows, ignore_index=True)


def summary(scores: pd.DataFrame, classes: pd.DataFrame | None = None,
            baseline: str = "seasonal_naive") -> pd.DataFrame:
    """Mean MASE / RMSSE per method (and demand class), with the ratio to ``baseline``.

    ``classes`` (``unique_id, demand_class``) adds one block per class after the ``all`` block.
    """
    s = scores.copy()
    s["demand_class"] = "all"
    parts = [s]
    if classes is not None:
        parts.append(scores.merge(classes[["unique_id", "demand_class"]], on="unique_id"))
    both = pd.concat(parts, ignore_index=True)
    g = both.groupby(["demand_class", "method"], as_index=False).agg(
        series=("unique_id", "nunique"), mase=("mase", "mean"), rmsse=("rmsse", "mean"))
    base = g[g["method"] == baseline].set_index("demand_class")
    g["mase_vs_baseline"] = g["mase"] / g["demand_class"].map(base["mase"])
    g["rmsse_vs_baseline"] = g["rmsse"] / g["demand_class"].map(base["rmsse"])
    return g.round(4)
