"""The values ``explain`` returns: root causes, per-dimension summaries, the explanation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

KpiKind = Literal["additive", "ratio"]


def _num(x: float | None, digits: int = 6) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


@dataclass(frozen=True)
class RootCause:
    """One element (dimension=value combination) that explains part of the deviation.

    ``observed`` / ``expected`` are the KPI of the segment: a sum for additive KPIs, the ratio
    Σvalue / Σdenominator for ratio KPIs (then the ``*_denominator`` fields carry the volumes).
    ``explains`` is the share of the total KPI deviation that the element accounts for (0..1);
    ``score`` (0..1) is the engine's confidence that the element is a root cause.
    """

    segment: dict[str, str]
    score: float
    explains: float
    observed: float
    expected: float
    change: float  # relative change of the segment: observed / expected - 1 (for ratios: of the rate)
    observed_denominator: float | None = None
    expected_denominator: float | None = None
    leaves: int = 0
    significance: float = 0.0  # log-likelihood ratio of "this segment shifted" vs "nothing moved"

    @property
    def depth(self) -> int:
        return len(self.segment)

    @property
    def direction(self) -> Literal["up", "down"]:
        return "up" if self.observed >= self.expected else "down"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "segment": dict(self.segment),
            "score": _num(self.score, 4),
            "explains": _num(self.explains, 4),
            "observed": _num(self.observed),
            "expected": _num(self.expected),
            "change": _num(self.change, 4),
            "direction": self.direction,
            "leaves": self.leaves,
        }
        if self.observed_denominator is not None:
            out["observed_denominator"] = _num(self.observed_denominator)
            out["expected_denominator"] = _num(self.expected_denominator)
        return out


@dataclass(frozen=True)
class DimensionValue:
    """A value of a dimension that moved: its KPI observed vs expected and its share of the change."""

    value: str
    observed: float
    expected: float
    share: float  # explanatory power: share of the total KPI change due to this value
    surprise: float  # Jensen-Shannon divergence of its share of the total (expected vs observed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "observed": _num(self.observed),
            "expected": _num(self.expected),
            "share": _num(self.share, 4),
            "surprise": _num(self.surprise, 6),
        }


@dataclass(frozen=True)
class DimensionSummary:
    """Adtributor-style summary of one dimension: how much of the change its moving values explain."""

    dimension: str
    explanatory_power: float
    surprise: float
    values: list[DimensionValue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "explanatory_power": _num(self.explanatory_power, 4),
            "surprise": _num(self.surprise, 6),
            "values": [v.to_dict() for v in self.values],
        }


@dataclass(frozen=True)
class Explanation:
    """What ``explain`` found: ranked root causes (best first) and the per-dimension summary."""

    root_causes: list[RootCause]
    dimensions: list[DimensionSummary]
    kind: KpiKind
    observed_total: float
    expected_total: float
    leaves: int

    @property
    def change(self) -> float:
        return self.observed_total - self.expected_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "root_causes": [rc.to_dict() for rc in self.root_causes],
            "dimensions": [d.to_dict() for d in self.dimensions],
            "kpi": {
                "kind": self.kind,
                "observed": _num(self.observed_total),
                "expected": _num(self.expected_total),
                "leaves": self.leaves,
            },
        }
