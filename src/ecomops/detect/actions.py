"""From findings to the day's to-do list: one concrete action per cause, ranked.

Findings on the same process step whose segments nest (a SKU and that SKU on one channel) or
share the entity acted on (the same SKU, ad group, carrier) answer to one action. Each action
names what to check or change, who owns it, when it is due (high severity: the next day), and a
machine-checkable acceptance: ``check = {metric, segment, comparison, threshold, days}``, the
metric back within reach of its expected value for ``days`` days. Ranked by urgency (severity)
then by the total absolute impact of its findings.
"""

from __future__ import annotations

import datetime as dt

from ecomops.detect.findings import SEVERITY_ORDER, Action, Finding, OwnerRole
from ecomops.detect.text import _zh, metric_name, value, where

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
    "stock": (
        "为{at}补货或调拨，并同步渠道库存",
        "Replenish or transfer stock for {at} and sync channel stock",
    ),
    "fulfilment": ("排查{at}的发货积压", "Clear the shipping backlog of {at}"),
    "logistics": (
        "联系{at}核实延误并考虑切换快递",
        "Contact {at} about the delays; consider switching carrier",
    ),
    "after_sales": ("抽检{at}的退货原因与批次质量", "Inspect return reasons and batch quality of {at}"),
}
DUE_DAYS = {"high": 1, "medium": 2, "low": 7}
CHECK_DAYS = 2
ENTITIES = ("sku", "ad_group", "keyword", "carrier", "warehouse", "category", "campaign", "source", "channel")


def _group_key(f: Finding) -> tuple[str, str, str]:
    for dim in ENTITIES:
        if dim in f.segment:
            return (f.process_step, dim, f.segment[dim])
    return (f.process_step, "", "")


def _acceptance(f: Finding, language: str) -> tuple[str, dict[str, object]]:
    harmful_down = f.direction == "down"
    # Back to within a quarter of the gap from the expected value.
    threshold = f.expected - 0.25 * (f.expected - f.observed)
    comparison = ">=" if harmful_down else "<="
    check = {
        "metric": f.metric,
        "segment": dict(f.segment),
        "comparison": comparison,
        "threshold": round(float(threshold), 6),
        "days": CHECK_DAYS,
    }
    name, at, thr = (
        metric_name(f.metric, language),
        where(f.segment, language),
        value(f.metric, threshold, language),
    )
    if _zh(language):
        word = "回到" if harmful_down else "降到"
        side = "以上" if harmful_down else "以下"
        return f"{at}的{name}连续{CHECK_DAYS}天{word}{thr}{side}", check
    word = "above" if harmful_down else "below"
    return f"{name} of {at} back {word} {thr} for {CHECK_DAYS} days", check


def build_actions(findings: list[Finding], day: dt.date, language: str) -> list[Action]:
    """The actions answering ``findings`` (already sorted), priority 1 first."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_group_key(f), []).append(f)
    ranked = sorted(
        groups.values(),
        key=lambda fs: (min(SEVERITY_ORDER[f.severity] for f in fs), -sum(abs(f.impact) for f in fs)),
    )
    out: list[Action] = []
    for n, fs in enumerate(ranked, start=1):
        lead = fs[0]
        zh, en = WHAT.get(lead.process_step, ("处理{at}的异常", "Look into {at}"))
        title = (zh if _zh(language) else en).format(at=where(lead.segment, language))
        acceptance, check = _acceptance(lead, language)
        sev = min((f.severity for f in fs), key=SEVERITY_ORDER.__getitem__)
        out.append(
            Action(
                priority=n,
                title=title,
                owner_role=OWNER.get(lead.process_step, "operations"),
                due=day + dt.timedelta(days=DUE_DAYS[sev]),
                acceptance=acceptance,
                finding_ids=tuple(f.id for f in fs),
                check=check,
            )
        )
    return out
