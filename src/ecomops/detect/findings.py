"""The brief's vocabulary (shared/contract/BRIEF.md) as typed, immutable values."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Module = Literal[
    "sales", "traffic", "ads", "inventory", "listing", "after_sales",
    "logistics", "competitors", "crm",
]
ProcessStep = Literal[
    "traffic", "conversion", "pricing", "margin", "ads", "stock", "fulfilment",
    "logistics", "after_sales", "content", "competition",
]
Severity = Literal["high", "medium", "low"]
Direction = Literal["up", "down"]
OwnerRole = Literal["operations", "ads", "content", "supply", "service"]
KpiStatus = Literal["normal", "high", "low", "unavailable"]

DIMENSIONS = (
    "sku", "category", "channel", "source", "campaign", "ad_group", "keyword",
    "search_term", "warehouse", "carrier", "region", "competitor",
)
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
LOWER_IS_BETTER: frozenset[str] = frozenset({
    "return_rate", "refund_amount", "late_delivery_rate", "delivery_days", "ship_hours",
    "ad_cpc", "ad_cost", "ad_acos", "overdue_share",
})
"""Metrics whose rise is bad news (returns, refunds, late or slow deliveries, costs)."""
BOTH_WAYS_BAD: frozenset[str] = frozenset({"days_of_cover"})
"""Metrics whose every departure hurts (too little cover runs out, too much ties money up)."""


def harmful(metric: str, direction: str) -> bool:
    """Whether a move of ``metric`` in ``direction`` is bad news for the shop."""
    if metric in BOTH_WAYS_BAD:
        return True
    return (direction == "up") == (metric in LOWER_IS_BETTER)


@dataclass(frozen=True)
class Kpi:
    metric: str
    value: float | None
    dod: float | None = None
    wow: float | None = None
    mom: float | None = None
    yoy: float | None = None
    expected: float | None = None
    status: KpiStatus = "normal"
    favourable: dict[str, bool | None] = field(default_factory=dict)
    """Per ``status``, ``dod``, ``wow``, ``mom`` and ``yoy``: whether that reading is good news
    for the shop (a fall of the return rate is), ``None`` when flat, normal, unknown or neither
    (ad spend). Extends BRIEF.md's KPI object (its fields are unchanged)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """One abnormal movement, localized to the most specific segment that explains it."""

    id: str
    module: Module
    metric: str
    segment: dict[str, str]
    process_step: ProcessStep
    direction: Direction
    observed: float
    expected: float
    impact: float
    severity: Severity
    since: dt.date
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """The sentences in every language: ``{"zh_CN": {"summary": ...}, "en": {...}}`` (``summary``
    is the store language's; consumers fall back to it when ``texts`` is empty)."""

    def sort_key(self) -> tuple[int, float]:
        """Severity first, then absolute impact (BRIEF.md)."""
        return (SEVERITY_ORDER[self.severity], -abs(self.impact))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["since"] = self.since.isoformat()
        return d


@dataclass(frozen=True)
class Action:
    priority: int
    title: str
    owner_role: OwnerRole
    due: dt.date
    acceptance: str
    finding_ids: tuple[str, ...]
    check: dict[str, Any] | None = None
    """Machine-checkable acceptance: metric, segment, comparison, threshold, days."""
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """``{"zh_CN": {"title": ..., "acceptance": ...}, "en": {...}}``; ``title`` and
    ``acceptance`` are the store language's."""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["due"] = self.due.isoformat()
        d["finding_ids"] = list(self.finding_ids)
        if self.check is None:
            d.pop("check")
        return d


def text_in(item: Finding | Action, name: str, language: str) -> str:
    """``item``'s sentence ``name`` in ``language``, else the plain field (an older brief)."""
    own = item.texts.get(language, {}).get(name)
    return own if own is not None else str(getattr(item, name))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
