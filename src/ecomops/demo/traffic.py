"""Expected visitors and conversion per day x channel x source x SKU.

The shop's visitors per day and channel are split over traffic sources and over the SKUs listed
on the channel by popularity (search and direct favour best sellers, recommendation spreads
wider); conversion is a base rate per channel x source, times the SKU's own pull (price, page)
and the day's festival and promotion effects. The ``ads`` source is not drawn here: its visitors
are the clicks of the ad model (``ads``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo.calendar import CHANNELS
from ecomops.store.schema import TRAFFIC_SOURCES

SOURCES = TRAFFIC_SOURCES  # search, ads, recommendation, social, direct, other
ADS = SOURCES.index("ads")
# Share of each channel's visitors per source (rows: channels, columns: SOURCES).
SOURCE_SHARE = np.array([
    [0.36, 0.20, 0.24, 0.04, 0.12, 0.04],  # tmall
    [0.42, 0.20, 0.18, 0.02, 0.14, 0.04],  # jd
    [0.12, 0.22, 0.45, 0.15, 0.03, 0.03],  # douyin
    [0.30, 0.28, 0.00, 0.20, 0.15, 0.07],  # shopify (no platform recommendation feed)
])
# Visitor -> buyer conversion per channel x source.
BASE_CONV = np.array([
    [0.032, 0.026, 0.018, 0.015, 0.040, 0.012],
    [0.030, 0.024, 0.016, 0.012, 0.038, 0.010],
    [0.025, 0.019, 0.013, 0.010, 0.031, 0.008],
    [0.020, 0.016, 0.010, 0.009, 0.024, 0.007],
])
# How strongly a source concentrates on best sellers (exponent on popularity).
SOURCE_GAMMA = np.array([1.12, 1.0, 0.85, 0.9, 1.2, 0.8])
# Add-to-cart and page views per visitor.
ATC_RATE = np.array([0.085, 0.09, 0.06, 0.07])
PV_PER_VISITOR = np.array([2.6, 2.4, 1.7, 2.9])


@dataclass
class TrafficModel:
    """Expected visitors (``lam``) and conversion probability (``conv``), both [day, ch, src, sku]."""

    lam: np.ndarray
    conv: np.ndarray
    listed: np.ndarray  # [ch, sku] the SKU is listed on the channel


def assortment(catalog: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Which SKUs each channel lists: all on Tmall and JD, most on Douyin, a selection on Shopify."""
    n = len(catalog)
    rank = catalog["popularity"].rank(ascending=False).to_numpy()
    cats = catalog["category"].to_numpy()
    listed = np.ones((len(CHANNELS), n), dtype=bool)
    listed[2] = (rng.random(n) < 0.72) | (rank <= 20)
    cross_border = ~np.isin(cats, ["食品", "母婴"])
    listed[3] = cross_border & ((rng.random(n) < 0.32) | (rank <= 12))
    return listed


def build(
    catalog: pd.DataFrame, listed: np.ndarray, promoted: np.ndarray, vis_ch: np.ndarray,
    conv_ch: np.ndarray, sku_f: np.ndarray, promo_visits: np.ndarray, promo_conv: np.ndarray,
) -> TrafficModel:
    """Unscaled expected visitors and conversion (the service scales visitors to the target).

    Ads visitors go only to the SKUs that an ad group promotes on the channel (``promoted``).
    """
    pop = catalog["popularity"].to_numpy()
    share = np.zeros((len(CHANNELS), len(SOURCES), len(pop)))
    for s, g in enumerate(SOURCE_GAMMA):
        w = (pop ** g)[None, :] * (promoted if s == ADS else listed)
        share[:, s, :] = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
    lam = (vis_ch[:, :, None, None] * SOURCE_SHARE[None, :, :, None] * share[None]
           * sku_f[:, None, None, :] * promo_visits[:, :, None, :])
    conv = (BASE_CONV[None, :, :, None] * catalog["conv_mult"].to_numpy()[None, None, None, :]
            * conv_ch[:, :, None, None] * promo_conv[:, :, None, :])
    return TrafficModel(lam=lam, conv=np.minimum(conv, 0.35), listed=listed)
