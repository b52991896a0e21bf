"""Which days are not "normal" for a segment: festival days and the shop's own promotions.

A festival counts for a segment when it runs on the segment's channel (or, for a segment without
a channel, on channels carrying at least a quarter of the shop's GMV). A promotion counts for a
segment when its channels and SKUs cover it; a SKU-list promotion also marks its channel total.

``event_kinds`` says which *kind* of event day each one is (a festival's phase, or a promotion):
a warm-up day, when shoppers fill carts and wait, converts like past warm-up days, not like the
peak days of the festival before it, so baselines learn an event day from its own kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

MAIN_SHARE = 0.25
KIND_CODES = {"warmup": 1, "peak": 2, "after": 3, "logistics_stop": 4}
PROMO_KIND = 9
_PHASE_RANK = {"peak": 0, "logistics_stop": 1, "after": 2, "warmup": 3}  # the phase a day shows


def festival_days(start: dt.date, end: dt.date) -> tuple[dict[dt.date, set[str]], dict[dt.date, str]]:
    """Per festival day, the channels it moves (``"all"`` for every channel) and its phase (the
    strongest when two festivals overlap), from one read of the calendar."""
    from ecomops.promo.calendar import events

    frame = events(start, end)
    channels: dict[dt.date, set[str]] = {}
    phases: dict[dt.date, str] = {}
    for day, chans, phase in zip(frame["date"], frame["channels"], frame["phase"], strict=True):
        channels.setdefault(day, set()).update(str(chans).split("|"))
        old = phases.get(day)
        if old is None or _PHASE_RANK.get(str(phase), 9) < _PHASE_RANK.get(old, 9):
            phases[day] = str(phase)
    return channels, phases


def festival_table(start: dt.date, end: dt.date) -> dict[dt.date, set[str]]:
    """Per day, the channels a festival moves (``"all"`` for every channel)."""
    return festival_days(start, end)[0]


def _main_channels(channel_share: dict[str, float]) -> set[str]:
    return {c for c, v in channel_share.items() if v >= MAIN_SHARE}


def festival_mask(
    keys: pd.DataFrame,
    dates: Sequence[dt.date],
    festivals: dict[dt.date, set[str]],
    channel_share: dict[str, float],
) -> np.ndarray:
    """S x T mask: True where a festival counts for segment ``s`` (row of ``keys``) on day ``t``."""
    s, t = len(keys), len(dates)
    mask = np.zeros((s, t), dtype=bool)
    channels = keys["channel"].astype(str).to_numpy() if "channel" in keys.columns else None
    main = _main_channels(channel_share)
    if channels is not None:
        names, code = np.unique(channels, return_inverse=True)
        per_channel = np.zeros((len(names), t), dtype=bool)  # festival days of each channel
    for j, day in enumerate(dates):
        chans = festivals.get(day)
        if not chans:
            continue
        if "all" in chans:
            mask[:, j] = True
        elif channels is not None:
            per_channel[:, j] = np.isin(names, list(chans))
        else:
            mask[:, j] = bool(main & chans) or not main
    if channels is not None:
        mask |= per_channel[code]
    return mask


def promo_mask(
    keys: pd.DataFrame, dates: Sequence[dt.date], promos: pd.DataFrame, channel_share: dict[str, float],
) -> np.ndarray:
    """S x T mask: True where one of the shop's promotions covers segment ``s`` on day ``t``."""
    s = len(keys)
    mask = np.zeros((s, len(dates)), dtype=bool)
    channels = keys["channel"].astype(str).to_numpy() if "channel" in keys.columns else None
    skus = keys["sku"].astype(str).to_numpy() if "sku" in keys.columns else None
    main = _main_channels(channel_share)
    for p in promos.itertuples():
        p_chans = [c for c in str(p.channel).split("|") if c]
        p_skus = [k for k in str(p.skus).split("|") if k]
        cols = [j for j, day in enumerate(dates) if p.start_date <= day <= p.end_date]
        if not cols:
            continue
        rows = np.ones(s, dtype=bool)
        if p_chans and channels is not None:
            rows &= np.isin(channels, p_chans)
        elif p_chans and not _covers_main(p_chans, main):
            rows &= False
        if p_skus:
            if skus is not None:
                rows &= np.isin(skus, p_skus)
            elif not (p_chans and channels is not None):
                rows &= False
        mask[np.ix_(rows, cols)] = True
    return mask


def event_mask(
    keys: pd.DataFrame,
    dates: Sequence[dt.date],
    festivals: dict[dt.date, set[str]],
    promos: pd.DataFrame,
    channel_share: dict[str, float],
) -> np.ndarray:
    """S x T mask: True where day ``t`` is an event day for segment ``s`` (row of ``keys``)."""
    return festival_mask(keys, dates, festivals, channel_share) | promo_mask(keys, dates, promos,
                                                                              channel_share)


def event_kinds(
    keys: pd.DataFrame,
    dates: Sequence[dt.date],
    festivals: dict[dt.date, set[str]],
    phases: dict[dt.date, str],
    promos: pd.DataFrame,
    channel_share: dict[str, float],
) -> tuple[np.ndarray, np.ndarray]:
    """The S x T event mask of ``event_mask`` and, per cell, its kind: the festival's phase code
    (``KIND_CODES``) where a festival counts for the segment, ``PROMO_KIND`` where only a
    promotion does, 0 on normal days."""
    fest = festival_mask(keys, dates, festivals, channel_share)
    promo = promo_mask(keys, dates, promos, channel_share)
    code = np.array([KIND_CODES.get(phases.get(d, ""), 1) for d in dates], dtype=np.int8)
    kinds = np.where(fest, code[None, :], np.where(promo, PROMO_KIND, 0)).astype(np.int8)
    return fest | promo, kinds


def _covers_main(p_chans: list[str], main: set[str]) -> bool:
    return bool(main & set(p_chans)) or not main


def promo_discount(
    keys: pd.DataFrame, day: dt.date, promos: pd.DataFrame, channel_share: dict[str, float]
) -> np.ndarray:
    """Per segment (row of ``keys``), the fraction taken off its prices by the day's promotions.

    Only ``percent`` promotions say how much; the deepest one covering a segment counts. A
    segment wider than the promotion (the whole store for a tmall-only sale) gets the discount
    in proportion to the GMV share of the channels it covers; a SKU-list promotion seen from
    above its SKUs is left out (its share is unknown; the event band still widens).
    """
    off = np.zeros(len(keys))
    if promos.empty or "discount_type" not in promos.columns:
        return off
    channels = keys["channel"].astype(str).to_numpy() if "channel" in keys.columns else None
    skus = keys["sku"].astype(str).to_numpy() if "sku" in keys.columns else None
    for p in promos.itertuples():
        if str(p.discount_type) != "percent" or not (p.start_date <= day <= p.end_date):
            continue
        d = float(p.discount_value) / 100 if pd.notna(p.discount_value) else 0.0
        if not 0 < d < 1:
            continue
        p_chans = [c for c in str(p.channel).split("|") if c]
        p_skus = [k for k in str(p.skus).split("|") if k]
        share = np.ones(len(keys))
        if p_chans and channels is not None:
            share = np.isin(channels, p_chans).astype(float)
        elif p_chans:
            share *= sum(channel_share.get(c, 0.0) for c in p_chans) if channel_share else 1.0
        if p_skus:
            share = share * np.isin(skus, p_skus) if skus is not None else share * 0.0
        off = np.maximum(off, d * share)
    return off
