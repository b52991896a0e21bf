"""The candidate forecasting models (statsforecast), by name, and which demand family tries which.

``continuous`` is the family of smooth and erratic demand, ``intermittent`` of intermittent and
lumpy demand. ``EXPENSIVE`` models (ETS, Theta: ~40 ms a series against ~1 ms) run only on the
busiest continuous series. ``FAST_DEFAULT`` is the one model per family used without
cross-validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def registry() -> dict[str, Callable[[], Any]]:
    from statsforecast import models as m

    return {
        "seasonal_naive": lambda: m.SeasonalNaive(7, alias="seasonal_naive"),
        "seasonal_avg4": lambda: m.SeasonalWindowAverage(7, 4, alias="seasonal_avg4"),
        "seasonal_avg8": lambda: m.SeasonalWindowAverage(7, 8, alias="seasonal_avg8"),
        "avg28": lambda: m.WindowAverage(28, alias="avg28"),
        "seasonal_ses": lambda: m.SeasonalExponentialSmoothingOptimized(7, alias="seasonal_ses"),
        "ses": lambda: m.SimpleExponentialSmoothingOptimized(alias="ses"),
        "ets": lambda: m.AutoETS(season_length=7, model="ANA", alias="ets"),
        "theta": lambda: m.Theta(season_length=7, decomposition_type="additive", alias="theta"),
        "croston": lambda: m.CrostonOptimized(alias="croston"),
        "sba": lambda: m.CrostonSBA(alias="sba"),
        "tsb": lambda: m.TSB(alpha_d=0.1, alpha_p=0.1, alias="tsb"),
        "adida": lambda: m.ADIDA(alias="adida"),
        "imapa": lambda: m.IMAPA(alias="imapa"),
    }


CANDIDATES: dict[str, tuple[str, ...]] = {
    "continuous": ("seasonal_naive", "seasonal_avg4", "seasonal_avg8", "avg28", "seasonal_ses", "ses"),
    "intermittent": ("seasonal_naive", "seasonal_avg8", "avg28", "seasonal_ses", "croston", "sba",
                     "tsb", "adida", "imapa"),
}
LARGE_CANDIDATES: dict[str, tuple[str, ...]] = {
    "continuous": ("seasonal_avg4", "avg28", "seasonal_ses", "ses"),
    "intermittent": ("avg28", "sba", "tsb", "adida", "imapa"),
}
"""Fewer candidates for big catalogues (``ForecastConfig.large``): the window averages and
smoothers that cover the others' ground (Croston ≈ SBA, seasonal naive ⊂ seasonal average)."""
EXPENSIVE: tuple[str, ...] = ("ets", "theta")
FAST_DEFAULT = {"continuous": "seasonal_ses", "intermittent": "tsb"}
