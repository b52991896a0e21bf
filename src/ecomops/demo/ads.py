"""Ads: campaigns -> ad groups (one promoted SKU each) -> keywords / targeting -> search terms.

The clicks of the ad model are the ``ads`` traffic source: ads visitors of a SKU on a channel are
the clicks of the rows promoting it, so ad sales match the ads source's orders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo.calendar import CHANNELS

# (campaign, ad_type, number of ad groups) per channel.
CAMPAIGNS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "tmall": (("直通车-爆款推广", "search", 6), ("直通车-新品测款", "search", 4),
              ("引力魔方-人群拉新", "feed", 4), ("万相台-货品加速", "display", 3)),
    "jd": (("京东快车-核心词", "search", 5), ("京东快车-类目词", "search", 3),
           ("购物触点-推荐位", "feed", 3)),
    "douyin": (("巨量千川-商品卡", "feed", 6), ("巨量千川-直播引流", "feed", 3),
               ("千川搜索-品牌词", "search", 3)),
    "shopify": (("Google Shopping - Bestsellers", "search", 4), ("Google Search - Brand", "search", 2),
                ("Meta - Prospecting", "feed", 3), ("Meta - Retargeting", "display", 2)),
}
CTR = {"search": (0.045, 0.3), "feed": (0.014, 0.3), "display": (0.006, 0.3)}
CPC = {"tmall": 1.6, "jd": 1.3, "douyin": 0.9, "shopify": 4.2}
TARGETS_ZH = ("智能定向", "店铺老客", "相似商品人群", "行业高潜人群", "达人粉丝相似", "加购未购人群")
TARGETS_EN = ("Advantage+ audience", "Lookalike 1% purchasers", "Interest: home & living",
              "Interest: fashion", "Website visitors 30d", "Cart abandoners 14d")
MODS_ZH = ("", "2026新款", "推荐", "平价", "高级感", "旗舰店", "正品", "学生")
MODS_EN = ("", "best", "cheap", "review", "2026", "sale", "online")


@dataclass
class AdRows:
    """One row per ad x target x search term, with its promoted SKU and its click share."""

    frame: pd.DataFrame  # channel, ad_type, campaign, ad_group, keyword, match_type, search_term
    sku_idx: np.ndarray
    ch_idx: np.ndarray
    weight: np.ndarray  # share of the SKU's ads clicks on the channel
    ctr: np.ndarray
    cpc: np.ndarray
    promoted: np.ndarray  # [ch, sku]


def structure(catalog: pd.DataFrame, listed: np.ndarray, rng: np.random.Generator) -> AdRows:
    rows: list[dict[str, object]] = []
    pop_rank = catalog["popularity"].rank(ascending=False, method="first").to_numpy()
    nouns_zh = catalog["noun_zh"].to_numpy()
    for ci, ch in enumerate(CHANNELS):
        candidates = np.flatnonzero(listed[ci])
        candidates = candidates[np.argsort(pop_rank[candidates])]
        top = list(candidates[:30])
        for campaign, ad_type, n_groups in CAMPAIGNS[ch]:
            picks = top[:n_groups] if "新品" not in campaign else list(
                rng.choice(candidates[30:90], size=n_groups, replace=False))
            if "爆款" not in campaign and "Bestsellers" not in campaign and "新品" not in campaign:
                picks = list(rng.choice(top[:24], size=n_groups, replace=False))
            for k in picks:
                sku = catalog["sku"].iat[k]
                group = f"{nouns_zh[k]}-{sku}" if ch != "shopify" else f"{_en(catalog, k)} - {sku}"
                rows.extend(_targets(ch, ad_type, campaign, group, k, catalog, rng))
    frame = pd.DataFrame(rows)
    sku_idx = frame.pop("k").to_numpy()
    ch_idx = np.array([CHANNELS.index(c) for c in frame["channel"]])
    raw = frame.pop("w").to_numpy(float)
    key = ch_idx * len(catalog) + sku_idx
    totals = np.bincount(key, weights=raw, minlength=len(CHANNELS) * len(catalog))
    weight = raw / totals[key]
    ctr = np.array([rng.lognormal(np.log(CTR[t][0]), CTR[t][1]) for t in frame["ad_type"]])
    cpc = np.array([CPC[c] for c in frame["channel"]]) * rng.lognormal(0, 0.25, len(frame))
    promoted = np.zeros((len(CHANNELS), len(catalog)), dtype=bool)
    promoted[ch_idx, sku_idx] = True
    return AdRows(frame, sku_idx, ch_idx, weight, ctr, cpc, promoted)


def _en(catalog: pd.DataFrame, k: int) -> str:
    return str(catalog["title_en"].iat[k]).split(" - ")[0]


def _targets(ch: str, ad_type: str, campaign: str, group: str, k: int, catalog: pd.DataFrame,
             rng: np.random.Generator) -> list[dict[str, object]]:
    base = {"channel": ch, "ad_type": ad_type, "campaign": campaign, "ad_group": group, "k": k}
    out: list[dict[str, object]] = []
    if ad_type != "search":
        pool = TARGETS_EN if ch == "shopify" else TARGETS_ZH
        for t in rng.choice(pool, size=int(rng.integers(2, 4)), replace=False):
            out.append({**base, "keyword": str(t), "match_type": "", "search_term": "",
                        "w": float(rng.lognormal(0, 0.6))})
        return out
    brand = str(catalog["brand"].iat[k])
    if ch == "shopify":
        noun = str(catalog["noun_en"].iat[k]).lower()
        head = noun.split(" (")[0].split()[-1]
        who = {"女装": "women", "男装": "men"}.get(str(catalog["category"].iat[k]))
        keywords = [noun, f"{brand.lower()} {head}" if brand.isascii() else f"{head} online",
                    f"{head} for {who}" if who else f"best {head}"]
        mods: tuple[str, ...] = MODS_EN
    else:
        noun = str(catalog["noun_zh"].iat[k])
        keywords = [noun, f"{brand}{noun[-3:]}", f"{noun[-3:]}推荐"]
        mods = MODS_ZH
    for kw in keywords:
        match = str(rng.choice(["exact", "phrase", "broad"], p=[0.35, 0.25, 0.40]))
        terms = [kw] if match == "exact" else sorted({
            (f"{kw} {m}" if ch == "shopify" else f"{m}{kw}" if i % 2 else f"{kw}{m}").strip()
            for i, m in enumerate(rng.choice(mods, size=int(rng.integers(2, 4)), replace=False))
        })
        w_kw = float(rng.lognormal(0, 0.6))
        for term in terms:
            out.append({**base, "keyword": kw, "match_type": match, "search_term": term,
                        "w": w_kw * float(rng.lognormal(0, 0.5))})
    return out


def simulate(rows: AdRows, lam_ads: np.ndarray, rng: np.random.Generator,
             ctr_mult: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Daily impressions, clicks and cost per row from the expected ads visitors [day, ch, sku].

    ``ctr_mult`` [day, row] carries incidents (a collapsed creative) and is 1 elsewhere.
    """
    n_days = lam_ads.shape[0]
    exp_clicks = lam_ads[:, rows.ch_idx, rows.sku_idx] * rows.weight[None, :] / 0.93
    day_ctr = rows.ctr[None, :] * np.exp(rng.normal(0, 0.08, (n_days, len(rows.ctr))))
    impressions = rng.poisson(exp_clicks / day_ctr)
    clicks = rng.binomial(impressions, np.minimum(day_ctr * ctr_mult, 0.5))
    cpc = rows.cpc[None, :] * np.exp(rng.normal(0, 0.1, clicks.shape))
    cost = np.round(clicks * cpc, 2)
    return impressions, clicks, cost
