"""From findings to the day's to-do list: one concrete action per cause, ranked.

Findings on the same process step, with the same kind of news, whose segments nest (a SKU and
that SKU on one channel) or share the entity acted on (the same SKU, ad group, carrier) answer to
one action. The action fits its finding: a fall that hurts is repaired, good news is understood
and repeated, and a stock finding says what its kind needs (a stock-out: buy or transfer; an
overstock: clear, stop buying or move out; an oversold listing: list what can ship; a listing
offline: put it back). Each action names who owns it, when it is due (high severity: the next
day), and a machine-checkable acceptance ``check = {metric, segment, comparison, threshold,
days}`` that points the right way: for bad news the metric back most of the way to its expected
value (a threshold between the observed and the expected value, not met today); for good news
the gain held (at least half of it). Ranked by urgency (severity) then by total absolute impact.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ecomops.detect.findings import (
    LOWER_IS_BETTER,
    SEVERITY_ORDER,
    Action,
    Finding,
    OwnerRole,
    harmful,
)
from ecomops.detect.text import LANGUAGES, _zh, metric_name, value, where

OWNER: dict[str, OwnerRole] = {
    "traffic": "operations",
    "conversion": "content",
    "pricing": "operations",
    "margin": "operations",
    "ads": "ads",
    "stock": "supply",
    "fulfilment": "supply",
    "logistics": "supply",
    "after_sales": "service",
    "content": "content",
    "competition": "operations",
}
WHAT: dict[str, tuple[str, str]] = {
    "traffic": (
        "核查{at}的流量入口、搜索排名与推荐位",
        "Check traffic entries, search rank and placements of {at}",
    ),
    "conversion": (
        "检查{at}的详情页、规格、价格与库存显示",
        "Check the page, variants, price and stock shown for {at}",
    ),
    "pricing": ("核对{at}的售价与优惠设置", "Check the price and discounts set for {at}"),
    "margin": ("核对{at}的售价、优惠与成本", "Check price, discounts and cost of {at}"),
    "ads": ("检查{at}的创意、出价与定向", "Check creative, bids and targeting of {at}"),
    "fulfilment": ("排查{at}的发货积压", "Clear the shipping backlog of {at}"),
    "logistics": (
        "联系{at}核实延误并考虑切换快递",
        "Contact {at} about the delays; consider switching carrier",
    ),
    "after_sales": ("抽检{at}的退货原因与批次质量", "Inspect return reasons and batch quality of {at}"),
}
"""What to do about bad news, per process step."""
GOOD_NEWS: dict[str, tuple[str, str]] = {
    "traffic": (
        "找出{at}流量增长的来源，能复制的加大投入",
        "Find what brought the extra visitors to {at} and do more of it",
    ),
    "conversion": (
        "复盘{at}转化提升的原因，推广到其他商品",
        "Find why {at} converts better and apply it to other products",
    ),
    "pricing": (
        "确认{at}的客单价变化符合预期（价格、组合）",
        "Check that the change in order value of {at} is intended (price, bundles)",
    ),
    "margin": (
        "核实{at}毛利率上升的原因（成本与售价是否录入正确）",
        "Check why the margin of {at} rose (are cost and price entered right?)",
    ),
    "ads": ("评估为{at}增加预算", "Consider more budget for {at}"),
    "fulfilment": ("记录{at}发货提速的做法并保持", "Note what sped up shipping at {at} and keep it"),
    "logistics": (
        "记录{at}的时效改善，考虑分配更多包裹",
        "Note the faster deliveries of {at}; consider giving it more parcels",
    ),
    "after_sales": ("记录{at}退货减少的原因并保持", "Note why returns of {at} fell and keep it"),
}
"""What to do about good news, per process step: understand it and repeat it."""
StockKind = Literal["stockout", "overstock", "oversell", "lost_sales"]
STOCK: dict[str, tuple[str, str]] = {
    "stockout": (
        "为{at}加急补货或从其他仓调拨，并同步渠道库存",
        "Expedite a purchase order or transfer stock for {at}, and sync channel stock",
    ),
    "overstock": (
        "为{at}清仓促销、暂停采购或调出多余库存",
        "Clear {at} with a promotion, stop buying it or transfer the surplus out",
    ),
    "oversell": ("把{at}的渠道展示库存降到可发数量", "Lower the stock shown for {at} to what can ship"),
    "lost_sales": ("恢复{at}上架并同步渠道库存", "Put {at} back on sale and sync its channel stock"),
}
KEEP_IT = ("复盘{at}的变化并保持", "Find what improved {at} and keep it")
DUE_DAYS = {"high": 1, "medium": 2, "low": 7}
CHECK_DAYS = 2
BACK_SHARE = 0.75
"""Bad news: the metric back this share of the way from the observed to the expected value."""
HOLD_SHARE = 0.5
"""Good news: at least this share of the gain over the expected value held."""
ENTITIES = ("sku", "ad_group", "keyword", "carrier", "warehouse", "category", "campaign", "source", "channel")


def stock_kind(f: Finding) -> StockKind | None:
    """Which stock problem an inventory finding is (``None`` for other findings)."""
    if f.process_step != "stock":
        return None
    if f.metric != "days_of_cover":
        return "lost_sales"
    if f.direction == "up":
        return "overstock"
    return "oversell" if "channel" in f.segment and "listed_stock" in f.evidence else "stockout"


def _news(f: Finding) -> str:
    kind = stock_kind(f)
    if kind is not None:
        return kind
    return "bad" if harmful(f.metric, f.direction) else "good"


def _group_key(f: Finding) -> tuple[str, str, str, str]:
    for dim in ENTITIES:
        if dim in f.segment:
            return (f.process_step, _news(f), dim, f.segment[dim])
    return (f.process_step, _news(f), "", "")


def comparison(f: Finding) -> str:
    """``>=`` when the metric should be at least the threshold, ``<=`` when at most."""
    if f.metric == "days_of_cover":
        return ">=" if f.direction == "down" else "<="
    return "<=" if f.metric in LOWER_IS_BETTER else ">="


def threshold(f: Finding) -> float:
    """A threshold between the observed and the expected value (see the module docstring)."""
    if stock_kind(f) == "overstock" and isinstance(f.evidence.get("overstock_days"), int | float):
        limit = float(f.evidence["overstock_days"])
        if f.expected < limit < f.observed:
            return limit
    if harmful(f.metric, f.direction):
        return f.observed + BACK_SHARE * (f.expected - f.observed)
    return f.expected + HOLD_SHARE * (f.observed - f.expected)


def _acceptance_text(f: Finding, cmp: str, thr: float, language: str) -> str:
    name, at = metric_name(f.metric, language), where(f.segment, language)
    shown = value(f.metric, thr, language)
    keep = not harmful(f.metric, f.direction)
    if _zh(language):
        side = "以上" if cmp == ">=" else "以下"
        if keep:
            return f"{at}的{name}连续{CHECK_DAYS}天保持在{shown}{side}"
        word = "回到" if cmp == ">=" else "降到"
        return f"{at}的{name}连续{CHECK_DAYS}天{word}{shown}{side}"
    side = "above" if cmp == ">=" else "below"
    if keep:
        return f"{name} of {at} holds {side} {shown} for {CHECK_DAYS} days"
    return f"{name} of {at} back {side} {shown} for {CHECK_DAYS} days"


def _oversell_acceptance(f: Finding) -> tuple[dict[str, str], dict[str, object]]:
    n = int(f.evidence.get("suggested_listed_stock", 0))
    check: dict[str, object] = {
        "metric": "listed_stock", "segment": dict(f.segment), "comparison": "<=", "threshold": n,
        "days": CHECK_DAYS,
    }
    texts = {}
    for lang in LANGUAGES:
        at = where(f.segment, lang)
        zh, en = f"{at}显示的库存不超过 {n} 件", f"Stock shown for {at}: at most {n} units"
        texts[lang] = zh if _zh(lang) else en
    return texts, check


def acceptance(f: Finding) -> tuple[dict[str, str], dict[str, object]]:
    """The acceptance sentence per language and its machine-checkable form."""
    if stock_kind(f) == "oversell":
        return _oversell_acceptance(f)
    cmp, thr = comparison(f), threshold(f)
    check: dict[str, object] = {
        "metric": f.metric,
        "segment": dict(f.segment),
        "comparison": cmp,
        "threshold": round(float(thr), 6),
        "days": CHECK_DAYS,
    }
    return {lang: _acceptance_text(f, cmp, thr, lang) for lang in LANGUAGES}, check


def title(f: Finding) -> dict[str, str]:
    """What to do about ``f``, per language."""
    kind = stock_kind(f)
    if kind is not None:
        zh, en = STOCK[kind]
    elif harmful(f.metric, f.direction):
        zh, en = WHAT.get(f.process_step, ("处理{at}的异常", "Look into {at}"))
    else:
        zh, en = GOOD_NEWS.get(f.process_step, KEEP_IT)
    return {lang: (zh if _zh(lang) else en).format(at=where(f.segment, lang)) for lang in LANGUAGES}


def build_actions(findings: list[Finding], day: dt.date, language: str) -> list[Action]:
    """The actions answering ``findings`` (already sorted), priority 1 first."""
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_group_key(f), []).append(f)
    ranked = sorted(
        groups.values(),
        key=lambda fs: (min(SEVERITY_ORDER[f.severity] for f in fs), -sum(abs(f.impact) for f in fs)),
    )
    own = "zh_CN" if _zh(language) else "en"
    out: list[Action] = []
    for n, fs in enumerate(ranked, start=1):
        lead = fs[0]
        titles = title(lead)
        accepts, check = acceptance(lead)
        sev = min((f.severity for f in fs), key=SEVERITY_ORDER.__getitem__)
        out.append(
            Action(
                priority=n,
                title=titles[own],
                owner_role=OWNER.get(lead.process_step, "operations"),
                due=day + dt.timedelta(days=DUE_DAYS[sev]),
                acceptance=accepts[own],
                finding_ids=tuple(f.id for f in fs),
                check=check,
                texts={lang: {"title": titles[lang], "acceptance": accepts[lang]} for lang in LANGUAGES},
            )
        )
    return out
