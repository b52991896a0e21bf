"""Own-price elasticity of demand from the shop's own price history (pure, statsmodels OLS).

For each SKU: log(units per day) = a + ε · log(average unit price that day) + weekday effects,
over the days with sales. The estimate is given only where the price really moved (several
price levels and a spread of log prices of at least ``min_log_price_std``) and enough days sold;
otherwise the note says why, so nobody reprices on a number the data cannot support.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ecomops.i18n import N_

log = logging.getLogger(__name__)

# English notes, marked for the catalog: the slow movers' reasons quote them translated
NOT_ENOUGH_VARIATION = N_("not enough price variation")
NOT_ENOUGH_DAYS = N_("not enough days with sales")
COLUMNS = ["sku", "elasticity", "p_value", "observations", "note"]


def _one(group: pd.DataFrame, min_days: int, min_log_price_std: float, min_levels: int,
         ) -> tuple[float | None, float | None, int, str]:
    import statsmodels.api as sm

    g = group[(group["units"] > 0) & (group["price"] > 0)]
    n = len(g)
    if n < min_days:
        return None, None, n, NOT_ENOUGH_DAYS
    logp = np.log(g["price"].to_numpy(dtype=float))
    if np.std(logp) < min_log_price_std or len(np.unique(np.round(g["price"], 1))) < min_levels:
        return None, None, n, NOT_ENOUGH_VARIATION
    weekday = pd.get_dummies(pd.to_datetime(g["ds"]).dt.weekday, prefix="wd", drop_first=True, dtype=float)
    x = pd.concat([pd.Series(logp, index=g.index, name="log_price"), weekday], axis=1)
    x = sm.add_constant(x, has_constant="add")
    fit = sm.OLS(np.log(g["units"].to_numpy(dtype=float)), x).fit()
    return float(fit.params["log_price"]), float(fit.pvalues["log_price"]), n, "ok"


def estimate(
    daily: pd.DataFrame,
    *,
    min_days: int = 20,
    min_log_price_std: float = 0.03,
    min_levels: int = 3,
) -> pd.DataFrame:
    """Elasticity per SKU from ``sku, ds, units, price`` (one row per SKU and day with sales).

    Returns ``sku, elasticity, p_value, observations, note`` (``note`` is ``ok`` or the reason
    there is no estimate).
    """
    rows = []
    for sku, group in daily.groupby("sku", sort=True):
        e, p, n, note = _one(group, min_days, min_log_price_std, min_levels)
        rows.append((sku, e, p, n, note))
    return pd.DataFrame(rows, columns=COLUMNS)
