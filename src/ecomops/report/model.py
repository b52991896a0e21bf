"""The brief as values: what ``build_brief`` returns and what the renderers and the console draw.

``Brief.to_dict()`` is exactly the JSON of shared/contract/BRIEF.md (the chart data stays out of it
unless asked for, so the contract's consumers get a small, stable object).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ecomops.detect.findings import Action, Finding, Kpi


@dataclass(frozen=True)
class TrendSeries:
    """A daily series with its expected value and band (None where there is no model)."""

    metric: str
    segment: dict[str, str]
    dates: list[dt.date]
    values: list[float | None]
    expected: list[float | None] | None = None
    low: list[float | None] | None = None
    high: list[float | None] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["dates"] = [day.isoformat() for day in self.dates]
        return d


@dataclass(frozen=True)
class Bars:
    """One metric by the values of one dimension, for the day and a comparison period."""

    metric: str
    dimension: str
    labels: list[str]
    values: list[float]
    previous: list[float | None]
    """Same weekday a week earlier."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Heatmap:
    metric: str
    rows: list[str]
    """Row labels (e.g. categories, or hours 0..23)."""
    columns: list[str]
    """Column labels (e.g. ISO dates, or weekdays Mon..Sun)."""
    values: list[list[float | None]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Charts:
    trends: dict[str, TrendSeries] = field(default_factory=dict)
    """One per KPI metric, the last ``history_days`` days, with the expected band."""
    bars: list[Bars] = field(default_factory=list)
    """gmv (and orders) by channel and by category."""
    heatmaps: list[Heatmap] = field(default_factory=list)
    """gmv category x day (last 28 days) and orders hour x weekday (last 28 days)."""
    evidence: dict[str, TrendSeries] = field(default_factory=dict)
    """Per finding id: the finding's metric on its segment, with the band."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "trends": {k: v.to_dict() for k, v in self.trends.items()},
            "bars": [b.to_dict() for b in self.bars],
            "heatmaps": [h.to_dict() for h in self.heatmaps],
            "evidence": {k: v.to_dict() for k, v in self.evidence.items()},
        }


@dataclass(frozen=True)
class Brief:
    date: dt.date
    store: str
    currency: str
    kpis: list[Kpi]
    findings: list[Finding]
    actions: list[Action]
    charts: Charts = field(default_factory=Charts)
    notes: list[str] = field(default_factory=list)
    """Data caveats for the reader (a table with no rows for the date, a stale snapshot...)."""

    def to_dict(self, *, charts: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "date": self.date.isoformat(),
            "store": self.store,
            "currency": self.currency,
            "kpis": [k.to_dict() for k in self.kpis],
            "findings": [f.to_dict() for f in self.findings],
            "actions": [a.to_dict() for a in self.actions],
        }
        if self.notes:
            d["notes"] = list(self.notes)
        if charts:
            d["charts"] = self.charts.to_dict()
        return d
