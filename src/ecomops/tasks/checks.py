"""Machine-checkable acceptance: an action's ``check`` dict evaluated on a daily series.

A check reads ``{"metric": "conversion_rate", "segment": {"channel": "tmall", "sku": "SKU-0042"},
"comparison": ">=", "threshold": 0.025, "days": 2}``: the metric of the segment must satisfy the
comparison on each of the latest ``days`` days of data up to the day the task is closed, and all
of those days must come after the day the task was created (an action cannot be judged on data
from before it was taken).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ecomops.errors import InputError

Outcome = Literal["passed", "failed", "unknown"]
Cause = Literal["held", "missed", "no_data", "too_early", "error"]
"""Why a result is what it is: every day held / a day missed / a day without data / the window
reaches back to the task's creation day or before / the data cannot answer the check."""

_COMPARISONS: dict[str, str] = {
    ">": ">", "gt": ">", "above": ">",
    ">=": ">=", "ge": ">=", "gte": ">=", "at_least": ">=",
    "<": "<", "lt": "<", "below": "<",
    "<=": "<=", "le": "<=", "lte": "<=", "at_most": "<=",
}
MAX_DAYS = 90


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
        if not math.isfinite(threshold):
            raise InputError("the acceptance check's threshold must be a finite number")
        segment = raw.get("segment") or {}
        if not isinstance(segment, Mapping):
            raise InputError("the acceptance check's segment must be a mapping of dimension to value")
        return cls(metric, {str(k): str(v) for k, v in segment.items()}, comparison, threshold,
                   max(1, min(days, MAX_DAYS)))

    def holds(self, value: float) -> bool:
        return {
            ">": value > self.threshold, ">=": value >= self.threshold,
            "<": value < self.threshold, "<=": value <= self.threshold,
        }[self.comparison]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one evaluation. ``day``/``value`` name the day that decided it (the first
    day that missed, the first day without data, or for ``too_early`` the first day whose data
    can judge the check); ``since`` is the first day the check may count. ``reason`` is the
    English sentence kept for logs and API readers; front ends word the result themselves."""

    outcome: Outcome
    as_of: dt.date
    values: list[tuple[dt.date, float | None]] = field(default_factory=list)
    reason: str = ""
    cause: Cause = "error"
    day: dt.date | None = None
    value: float | None = None
    since: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "outcome": self.outcome, "as_of": self.as_of.isoformat(), "reason": self.reason,
            "cause": self.cause, "day": iso(self.day), "value": self.value, "since": iso(self.since),
            "values": [[d.isoformat(), v] for d, v in self.values],
        }


def window(check: Check, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day the check looks at (inclusive)."""
    return as_of - dt.timedelta(days=check.days - 1), as_of


def first_counted_day(created_on: dt.date) -> dt.date:
    """The first day a task's check may count: the day after the task was created."""
    return created_on + dt.timedelta(days=1)


def evaluate(
    check: Check, series: Mapping[dt.date, float | None], as_of: dt.date, *,
    since: dt.date | None = None,
) -> CheckResult:
    """Passed when every day of the window has a value satisfying the comparison; unknown when
    the window starts before ``since`` (too early to judge) or a day has no value (no data yet);
    failed otherwise."""
    start, end = window(check, as_of)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    values: list[tuple[dt.date, float | None]] = []
    for d in days:
        v = series.get(d)
        values.append((d, None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)))
    if since is not None and start < since:
        ready = since + dt.timedelta(days=check.days - 1)
        return CheckResult("unknown", as_of, values,
                           f"too early: the check counts {check.days} day(s) from {since.isoformat()}, "
                           f"judged with the data of {ready.isoformat()}", "too_early", ready, None, since)
    missing = [d for d, v in values if v is None]
    if missing:
        return CheckResult("unknown", as_of, values, f"no data for {missing[0].isoformat()}",
                           "no_data", missing[0], None, since)
    bad = [(d, v) for d, v in values if v is not None and not check.holds(v)]
    if bad:
        d, v = bad[0]
        return CheckResult("failed", as_of, values,
                           f"{check.metric} was {v:.4g} on {d.isoformat()} "
                           f"(needs {check.comparison} {check.threshold:g})", "missed", d, v, since)
    return CheckResult("passed", as_of, values,
                       f"{check.metric} {check.comparison} {check.threshold:g} on all {len(values)} day(s)",
                       "held", None, None, since)


def describe(values: Sequence[tuple[dt.date, float | None]]) -> str:
    return ", ".join(f"{d.isoformat()}: {'-' if v is None else f'{v:.4g}'}" for d, v in values)
