"""Daily demand forecasts per series, the model chosen per series by rolling-origin cross-validation.

Frames in, frames out: ``forecast_demand(history, as_of, ...)`` takes sales as ``unique_id, ds,
y`` up to ``as_of`` and returns the forecast of the ``horizon`` days after it.

How a series is forecast:

1. Zero-stock days are imputed (``demand.impute_censored``), the series is classified by ADI / CV².
2. Event days (promotions, festivals) are divided by their learnt uplift (``uplift``).
3. The candidates of the series' class run in statsforecast's ``cross_validation`` (two windows
   of 28 days by default): seasonal naive, seasonal and plain window averages and exponential
   smoothing for smooth / erratic demand, plus ETS and Theta for the high-volume ones (they cost
   ~40 ms a series against ~1 ms, so only the ``expensive_max_series`` busiest get them);
   Croston, SBA, TSB, ADIDA and IMAPA for intermittent / lumpy demand.
4. The forecast is the mean of the ``top_k`` candidates with the lowest squared error in
   cross-validation: per-SKU windows are short and noisy, and combining the best few beats
   picking one (measured on M5 in ``benchmarks/forecast_bench.py``). The error of that mean in
   cross-validation (``rmse``) feeds the safety stock.
5. Future event days are multiplied by their uplift.

Series too short for cross-validation get the mean of their last four weeks (error at least the
Poisson √mean); series without demand in the last year get zero. A series starts at its first sale
or at the first day it was in stock (``starts``), whichever is earlier, so the days a new SKU sat
in stock unsold count as zero demand.

Bigger catalogues: ``inventory.distributed.forecast_on_spark`` runs this function on Spark, one
part of the catalogue per task (through fugue, statsforecast's distributed backend).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.inventory import accuracy, demand, uplift
from ecomops.inventory.models import CANDIDATES, EXPENSIVE, FAST_DEFAULT, LARGE_CANDIDATES, registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForecastConfig:
    horizon: int = 56
    cv_horizon: int = 28
    cv_windows: int = 2
    min_train_days: int = 56
    top_k: int = 3
    classify_window: int = 365
    expensive_min_mean: float = 1.0
    expensive_max_series: int = 100
    select: bool = True
    """False: no cross-validation, one default model per class (for quick interactive views)."""
    criterion: str = "mse"
    """How candidates are ranked in cross-validation: ``mse``, ``mae``, ``mixed`` or ``pooled``
    (see ``_score``). Measured on the demo store at scale 0.05 (``forecast_bench --criterion``,
    hold-out MASE / RMSSE ratios to seasonal naive): mse 0.93 / 0.75, mae 0.98 / 0.80, pooled
    0.95 / 0.77 (one model per family: 0.91 / 0.75); its series sell 0.01-0.1 units a day, where
    always-zero scores MASE 0.66 and no ranking beats noise. The mean-seeking ``mse`` is the
    default: replenishment needs the mean."""
    pool: float = 0.5
    """``pooled`` criterion: the share of a candidate's score taken from its demand family."""
    n_jobs: int = 1
    large: int = 5000
    """Above this many series: ``LARGE_CANDIDATES``, one cross-validation window, ETS and Theta on
    at most ``large_expensive`` series and their last ``expensive_input_days`` days."""
    large_expensive: int = 50
    expensive_input_days: int = 364


@dataclass(frozen=True)
class ForecastResult:
    forecast: pd.DataFrame
    """``unique_id, ds, yhat`` for the horizon, uplift applied, never negative."""
    series: pd.DataFrame
    """One row per series: ``unique_id, demand_class, method, rmse, mae, mean, adi, cv2``."""
    uplift: uplift.Uplift


def _family(demand_class: str) -> str:
    return "continuous" if demand_class in ("smooth", "erratic") else "intermittent"


def _run(frame: pd.DataFrame, names: tuple[str, ...], cfg: ForecastConfig, input_days: int | None = None,
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    from statsforecast import StatsForecast

    models = registry()
    sf = StatsForecast([models[n]() for n in names], freq="D", n_jobs=cfg.n_jobs,
                       fallback_model=models["avg28"]())
    if input_days is not None:
        fit = frame[frame["ds"] > frame["ds"].max() - pd.Timedelta(days=input_days)]
    fc = sf.forecast(h=cfg.horizon, df=frame if input_days is None else fit)
    if not cfg.select:
        return pd.DataFrame(), fc
    cv = sf.cross_validation(h=cfg.cv_horizon, df=frame, n_windows=cfg.cv_windows,
                             step_size=cfg.cv_horizon, input_size=input_days)
    return cv, fc


def _score(cv: pd.DataFrame, names: list[str], uids: pd.Index, criterion: str,
           scale: pd.DataFrame | None = None, pool: float = 0.5) -> np.ndarray:
    """Per series and candidate, the cross-validation error the choice minimises.

    ``mse`` favours the mean (RMSSE), ``mae`` the median (MASE: on intermittent series it prefers
    forecasts near zero); ``mixed`` adds both, each relative to the series' best candidate, so a
    model must do well on both to be chosen. ``pooled`` adds the scaled errors (MAE and RMSE over
    the series' seasonal naive scale, ``scale``: MASE + RMSSE in cross-validation) and shrinks
    them towards the mean of the series of the same call (one demand family): ``pool`` of the
    score is the family's, the rest the series' own. A few weeks of an intermittent series hold
    a handful of sales, too few to rank models on their own; the family's thousands of days
    are not.
    """
    err = cv[names].sub(cv["y"], axis=0)
    mse = err.pow(2).groupby(cv["unique_id"]).mean().reindex(uids).to_numpy()
    mae = err.abs().groupby(cv["unique_id"]).mean().reindex(uids).to_numpy()
    if criterion == "mse":
        return mse
    if criterion == "mae":
        return mae
    rmse = np.where(np.isfinite(mse), np.sqrt(np.abs(mse)), np.inf)
    if criterion == "pooled" and scale is not None:
        sc = scale.set_index("unique_id").reindex(uids)
        a = sc["mae_scale"].to_numpy()[:, None]
        q = np.sqrt(sc["mse_scale"].to_numpy())[:, None]
        ok = np.isfinite(a) & (a > 0) & np.isfinite(q) & (q > 0)
        a, q = np.where(ok, a, 1.0), np.where(ok, q, 1.0)
        own = mae / a + rmse / q
        with np.errstate(invalid="ignore"):
            both = np.isfinite(own)
            fam = np.nanmean(np.where(both & ok, own, np.nan), axis=0, keepdims=True)
        fam = np.where(np.isfinite(fam), fam, np.inf)
        return np.where(both, (1 - pool) * own + pool * fam, np.inf)
    mae = np.where(np.isfinite(mae), mae, np.inf)
    with np.errstate(invalid="ignore"):
        rel_r = rmse / np.maximum(rmse.min(axis=1, keepdims=True), 1e-9)
        rel_a = mae / np.maximum(mae.min(axis=1, keepdims=True), 1e-9)
    return rel_r + rel_a


def _combine(cv: pd.DataFrame, fc: pd.DataFrame, names: list[str], cfg: ForecastConfig,
             scale: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pick each series' ``top_k`` models by CV error (``_score``); their mean is the forecast."""
    uids = pd.Index(sorted(fc["unique_id"].unique()))
    if cfg.select and not cv.empty:
        score = _score(cv, names, uids, cfg.criterion, scale, cfg.pool)
    else:
        score = np.full((len(uids), len(names)), np.nan)
        score[:, 0] = 0.0
    score = np.where(np.isfinite(score), score, np.inf)
    k = min(cfg.top_k if cfg.select else 1, len(names))
    order = np.argsort(score, axis=1, kind="stable")[:, :k]
    pick = np.zeros_like(score, dtype=bool)
    np.put_along_axis(pick, order, True, axis=1)
    pick &= np.isfinite(score)
    pick[~pick.any(axis=1), 0] = True
    weights = pick / pick.sum(axis=1, keepdims=True)
    codes = uids.get_indexer(fc["unique_id"])
    values = np.nan_to_num(fc[names].to_numpy(dtype=float))
    out = fc[["unique_id", "ds"]].copy()
    out["yhat"] = np.clip((values * weights[codes]).sum(axis=1), 0.0, None)
    methods = ["+".join(n for n, p in zip(names, row, strict=True) if p) for row in pick]
    info = pd.DataFrame({"unique_id": uids, "method": methods, "rmse": np.nan, "mae": np.nan})
    if cfg.select and not cv.empty:
        cvcodes = uids.get_indexer(cv["unique_id"])
        ens = (np.nan_to_num(cv[names].to_numpy(dtype=float)) * weights[cvcodes]).sum(axis=1)
        e = ens - cv["y"].to_numpy()
        err = pd.DataFrame({"unique_id": cv["unique_id"].to_numpy(), "sq": e**2, "abs": np.abs(e)})
        g = err.groupby("unique_id")[["sq", "abs"]].mean().reindex(uids)
        info["rmse"] = np.sqrt(g["sq"].to_numpy())
        info["mae"] = g["abs"].to_numpy()
    return out, info


def _short(frame: pd.DataFrame, cfg: ForecastConfig, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean of the last four weeks for series too short for cross-validation."""
    last = frame.groupby("unique_id").tail(28).groupby("unique_id")["y"]
    level = last.mean()
    # a few days say little about the spread: never assume less than Poisson noise (σ = √level)
    spread = np.maximum(last.std(ddof=0).fillna(0.0), np.sqrt(level))
    days = pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=cfg.horizon, freq="D")
    fc = pd.DataFrame({
        "unique_id": np.repeat(level.index.to_numpy(), cfg.horizon),
        "ds": np.tile(days.to_numpy(), len(level)),
        "yhat": np.repeat(level.to_numpy(), cfg.horizon),
    })
    info = pd.DataFrame({"unique_id": level.index, "method": "recent_mean",
                         "rmse": spread.to_numpy(), "mae": spread.to_numpy()})
    return fc, info


def forecast_demand(
    history: pd.DataFrame,
    as_of: dt.date,
    config: ForecastConfig | None = None,
    *,
    events: pd.DataFrame | None = None,
    groups: pd.Series | None = None,
    censored: pd.DataFrame | None = None,
    starts: pd.Series | None = None,
) -> ForecastResult:
    """Forecast the ``config.horizon`` days after ``as_of`` for every series of ``history``.

    ``events`` (``ds, event[, unique_id]``) label past and future event days; ``groups`` maps a
    series to its category for pooled uplift; ``censored`` lists zero-stock ``unique_id, ds``;
    ``starts`` maps a series to the first day it could sell (its first day in stock).
    """
    cfg = config or ForecastConfig()
    if starts is not None and len(starts):
        known = starts[starts.index.isin(history["unique_id"])]
        pads = pd.DataFrame({"unique_id": known.index.astype(str), "ds": pd.to_datetime(known.to_numpy()),
                             "y": 0.0})
        history = pd.concat([history[["unique_id", "ds", "y"]], pads], ignore_index=True)
    grid = demand.complete_grid(history, as_of)
    grid = demand.impute_censored(grid, censored)
    classes = demand.classify(grid, cfg.classify_window)
    labels = uplift.label_days(grid, events)
    lift = uplift.estimate(grid, labels, groups)
    grid["y"] = grid["y"] / uplift.factors_for(grid, labels, lift)
    frame = grid[["unique_id", "ds", "y"]]
    scale = accuracy.scales(frame) if cfg.criterion == "pooled" else None

    cls = classes.set_index("unique_id")
    length = frame.groupby("unique_id").size()
    need = cfg.min_train_days + (cfg.cv_horizon * cfg.cv_windows if cfg.select else 0)
    inactive = cls.index[cls["demand_class"] == "inactive"]
    short = length.index[(length < need) & ~length.index.isin(inactive)]
    parts: list[pd.DataFrame] = []
    infos: list[pd.DataFrame] = []
    if len(short):
        fc, info = _short(frame[frame["unique_id"].isin(short)], cfg, as_of)
        parts.append(fc)
        infos.append(info)
    ready = cls.index[~cls.index.isin(inactive) & ~cls.index.isin(short)]
    family = cls.loc[ready, "demand_class"].map(_family)
    candidates, expensive_cap, input_days = CANDIDATES, cfg.expensive_max_series, None
    if len(ready) > cfg.large:
        log.info("%d series: large-catalogue settings (fewer candidates, one CV window)", len(ready))
        candidates, expensive_cap = LARGE_CANDIDATES, min(expensive_cap, cfg.large_expensive)
        input_days = cfg.expensive_input_days
        cfg = ForecastConfig(**{**cfg.__dict__, "cv_windows": 1})
    for fam, names in candidates.items():
        ids = family.index[family == fam]
        if not len(ids):
            continue
        sub = frame[frame["unique_id"].isin(ids)]
        if not cfg.select:
            names = (FAST_DEFAULT[fam],)
        cv, fc = _run(sub, names, cfg)
        cols = list(names)
        if fam == "continuous" and cfg.select:
            busy = cls.loc[ids, "mean"]
            busy = busy[busy >= cfg.expensive_min_mean].nlargest(expensive_cap).index
            if len(busy):
                log.info("running ETS and Theta on %d busy series", len(busy))
                cv2, fc2 = _run(sub[sub["unique_id"].isin(busy)], EXPENSIVE, cfg, input_days)
                cv = cv.merge(cv2[["unique_id", "ds", "cutoff", *EXPENSIVE]],
                              on=["unique_id", "ds", "cutoff"], how="left")
                fc = fc.merge(fc2, on=["unique_id", "ds"], how="left")
                cols += list(EXPENSIVE)
        out, info = _combine(cv, fc, cols, cfg, scale)
        parts.append(out)
        infos.append(info)
    if len(inactive):
        days = pd.date_range(pd.Timestamp(as_of) + pd.Timedelta(days=1), periods=cfg.horizon, freq="D")
        parts.append(pd.DataFrame({"unique_id": np.repeat(inactive.to_numpy(), cfg.horizon),
                                   "ds": np.tile(days.to_numpy(), len(inactive)), "yhat": 0.0}))
        infos.append(pd.DataFrame({"unique_id": inactive, "method": "zero", "rmse": 0.0, "mae": 0.0}))

    forecast = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["unique_id", "ds", "yhat"])
    forecast["ds"] = pd.to_datetime(forecast["ds"]).astype("datetime64[ns]")
    future = uplift.label_days(forecast, events)
    forecast["yhat"] = forecast["yhat"].to_numpy(dtype=float) * uplift.factors_for(forecast, future, lift)
    series = pd.concat(infos, ignore_index=True) if infos else pd.DataFrame(
        columns=["unique_id", "method", "rmse", "mae"])
    series = series.merge(classes[["unique_id", "demand_class", "mean", "adi", "cv2"]], on="unique_id",
                          how="left")
    # without cross-validation (fast mode) the spread of the last eight weeks stands in for the error
    recent = frame.groupby("unique_id").tail(56).groupby("unique_id")["y"]
    spread = series["unique_id"].map(recent.std(ddof=0)).fillna(0.0)
    series["rmse"] = series["rmse"].astype(float).fillna(spread)
    series["mae"] = series["mae"].astype(float).fillna(spread)
    return ForecastResult(forecast=forecast.sort_values(["unique_id", "ds"], ignore_index=True),
                          series=series, uplift=lift)
