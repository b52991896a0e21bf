"""One readable sentence per finding and action, in the store's language, numbers formatted."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal, format_percent

RATES = {
    "conversion_rate", "ad_ctr", "gross_margin_rate", "return_rate", "late_delivery_rate", "overdue_share",
}
NAMES: dict[str, tuple[str, str]] = {
    "gmv": ("GMV", "GMV"),
    "orders": ("订单数", "Orders"),
    "units": ("销量", "Units"),
    "visitors": ("访客数", "Visitors"),
    "conversion_rate": ("转化率", "Conversion"),
    "aov": ("客单价", "Average order value"),
    "gross_margin_rate": ("毛利率", "Gross margin rate"),
    "gross_margin": ("毛利", "Gross margin"),
    "ad_ctr": ("广告点击率", "Ad CTR"),
    "ad_clicks": ("广告点击量", "Ad clicks"),
    "ad_cpc": ("平均点击花费", "Ad CPC"),
    "ad_roas": ("广告投产比", "Ad ROAS"),
    "ad_cost": ("广告花费", "Ad spend"),
    "late_delivery_rate": ("延迟送达率", "Late-delivery rate"),
    # late_delivery_rate as known on the day: parcels in transit already past their promise
    "overdue_share": ("在途超时包裹占比", "Share of parcels in transit past their promised time"),
    "delivery_days": ("配送天数", "Delivery days"),
    "ship_hours": ("发货时长(小时)", "Hours to ship"),
    "return_rate": ("退货率", "Return rate"),
    "days_of_cover": ("可售天数", "Days of cover"),
    "refund_amount": ("退款金额", "Refunds"),
}
DIM_NAMES: dict[str, tuple[str, str]] = {
    "sku": ("商品", "SKU"),
    "category": ("类目", "category"),
    "channel": ("渠道", "channel"),
    "source": ("流量来源", "source"),
    "campaign": ("计划", "campaign"),
    "ad_group": ("单元", "ad group"),
    "keyword": ("关键词", "keyword"),
    "carrier": ("快递", "carrier"),
    "warehouse": ("仓库", "warehouse"),
    "region": ("地区", "region"),
    "search_term": ("搜索词", "search term"),
    "competitor": ("竞品", "competitor"),
}


LANGUAGES = ("zh_CN", "en")
"""The languages every finding and action carries its sentences in (``texts``)."""


def channel_name(code: str, language: str) -> str:
    """The display name of a channel code in sentences ("渠道 jd" read like code): the shared
    vocabulary's (``ecomops.i18n``, the console uses the same); other codes as they are."""
    from ecomops.i18n import label

    key = code.strip().lower()
    shown = label("channel", key, "zh_CN" if _zh(language) else "en")
    return code if shown == key else shown


def _zh(language: str) -> bool:
    return language.lower().startswith("zh")


@lru_cache(maxsize=4)
def _locale(language: str) -> Locale:
    """The babel locale, parsed once (parsing it per number was a visible cost of a brief)."""
    return Locale.parse("zh_CN" if _zh(language) else "en_US")


def metric_name(metric: str, language: str) -> str:
    zh, en = NAMES.get(metric, (metric, metric))
    return zh if _zh(language) else en


def value(metric: str, x: float, language: str) -> str:
    """``x`` formatted for ``metric``: percent for rates, one decimal for days/hours, else grouped."""
    loc = _locale(language)
    if metric in RATES:
        return format_percent(x, "#,##0.0%", locale=loc)
    if metric in {"delivery_days", "ship_hours", "days_of_cover", "ad_cpc", "ad_roas"}:
        return format_decimal(x, "#,##0.0#", locale=loc)
    return format_decimal(x, "#,##0", locale=loc)


def money(x: float, language: str) -> str:
    return format_decimal(x, "#,##0", locale=_locale(language))


def where(segment: dict[str, str], language: str) -> str:
    if not segment:
        return "全店" if _zh(language) else "the whole store"
    parts = []
    for k, v in segment.items():
        zh, en = DIM_NAMES.get(k, (k, k))
        if k == "channel":
            v = channel_name(v, language)
        parts.append(f"{zh} {v}" if _zh(language) else f"{en} {v}")
    return " × ".join(parts) if _zh(language) else ", ".join(parts)


def summary(
    metric: str,
    segment: dict[str, str],
    direction: str,
    observed: float,
    expected: float,
    impact: float,
    impact_label: str,
    language: str,
) -> str:
    """E.g. "Conversion of channel tmall, SKU SKU-0042 fell from 3.4% to 1.1%; GMV impact -5,230."."""
    name, at = metric_name(metric, language), where(segment, language)
    obs, exp = value(metric, observed, language), value(metric, expected, language)
    sign = "-" if impact < 0 else "+"
    if _zh(language):
        verb = "下降" if direction == "down" else "上升"
        label = {"gmv": "GMV影响", "margin": "毛利影响", "refunds": "退款影响", "at_risk": "涉及GMV"}[
            impact_label
        ]
        return f"{at}的{name}{verb}：预期 {exp}，实际 {obs}；{label} {sign}{money(abs(impact), language)}。"
    verb = "fell" if direction == "down" else "rose"
    label = {
        "gmv": "GMV impact",
        "margin": "margin impact",
        "refunds": "refund impact",
        "at_risk": "GMV at risk",
    }[impact_label]
    return (
        f"{name} of {at} {verb} from {exp} expected to {obs}; {label} {sign}{money(abs(impact), language)}."
    )
