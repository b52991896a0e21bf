"""Machine-checkable acceptance: an action's ``check`` dict evaluated on a daily series.

A check reads ``{"metric": "conversion_rate", "segment": {"channel": "tmall", "sku": "SKU-0042"},
"comparison": ">=", "threshold": 0.025, "days": 2}``: the metric of the segment must satisfy the
comparison on each of the last ``days`` days up to the day the task is closed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ecomops.errors import InputError

Outcome = Literal["passed", "failed", "unknown"]

_COMPARISONS: dict[str, str] = {
    ">": ">", "gt": ">", "above": ">",
    ">=": ">=", "ge": ">=", "gte": ">=", "at_least": ">=",
    "<": "<", "lt": "<", "below": "<",
    "<=": "<=", "le": "<=", "lte": "<=", "at_most": "<=",
}


@dataclass(frozen=True)
class Check:
    metric: str
    segment: dict[str, str]
    comparison: str
    threshold: float
    days: int = 1

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Check:
        """Validate a ``check`` dict; ``InputError`` names what is wrong."""
        try:
            comparison = _COMPARISONS[str(raw.get("comparison", ">=")).strip().lower()]
        except KeyError as exc:
            raise InputError(f"unknown comparison {raw.get('comparison')!r} in the acceptance check") from exc
        try:
            threshold = float(raw["threshold"])
            days = int(raw.get("days") or 1)
            metric = str(raw["metric"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError("the acceptance check needs a metric and a numeric threshold") from exc
        segment = raw.get("segment") or {}
        if not isinstance(segment, Mapping):
            raise InputError("the acceptance check's segment must be a mapping of dimension to value")
        return cls(metric, {str(k): str(v) for k, v in segment.items()}, comparison, threshold,
                   max(1, min(days, 90)))

    def holds(self, value: float) -> bool:
        return {
            ">": value > self.threshold, ">=": value >= self.threshold,
            "<": value < self.threshold, "<=": value <= self.threshold,
        }[self.comparison]


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    as_of: dt.date
    values: list[tuple[dt.date, float | None]] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome, "as_of": self.as_of.isoformat(), "reason": self.reason,
            "values": [[d.isoformat(), v] for d, v in self.values],
        }


def window(check: Check, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day the check looks at (inclusive)."""
    return as_of - dt.timedelta(days=check.days - 1), as_of


def evaluate(check: Check, series: Mapping[dt.date, float | None], as_of: dt.date) -> CheckResult:
    """Passed when every day of the window has a value satisfying the comparison; unknown when a
    day has no value (no data yet); failed otherwise."""
    start, end = window(check, as_of)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    values: list[tuple[dt.date, float | None]] = []
    for d in days:
        v = series.get(d)
        values.append((d, None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)))
    missing = [d for d, v in values if v is None]
    if missing:
        return CheckResult("unknown", as_of, values, f"no data for {missing[0].isoformat()}")
    bad = [(d, v) for d, v in values if v is not None and not check.holds(v)]
    if bad:
        d, v = bad[0]
        return CheckResult("failed", as_of, values,
                           f"{check.metric} was {v:.4g} on {d.isoformat()} "
                           f"(needs {check.comparison} {check.threshold:g})")
    return CheckResult("passed", as_of, values,
                       f"{check.metric} {check.comparison} {check.threshold:g} on all {len(values)} day(s)")


def describe(values: Sequence[tuple[dt.date, float | None]]) -> str:
    return ", ".join(f"{d.isoformat()}: {'-' if v is None else f'{v:.4g}'}" for d, v in values)
