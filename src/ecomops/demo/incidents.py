"""The incidents the demo injects, where they go in time, and ``ground_truth.json``.

Each incident is placed in the last ~120 days before ``end``, on its own dates, away from
festival days where possible; three of them are still active on ``end`` (the day a morning brief
for "yesterday" reviews). Days with no incident nearby are listed as quiet dates, on which a
detector should stay silent.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ecomops.errors import InputError

GROUND_TRUTH = "ground_truth.json"


@dataclass(frozen=True)
class Incident:
    """One injected incident: what, where (segment), when (dates included) and how it shows."""

    id: str
    kind: str
    start: dt.date
    end: dt.date
    module: str
    process_step: str
    metric_family: str
    metrics: tuple[str, ...]
    segment: dict[str, str]
    direction: str
    description: str
    alt_segments: tuple[dict[str, str], ...] = ()
    magnitude: float = 1.0
    detail: dict[str, Any] = field(default_factory=dict)

    def active(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        d["metrics"], d["alt_segments"] = list(self.metrics), list(self.alt_segments)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Incident:
        return cls(
            id=d["id"], kind=d["kind"],
            start=dt.date.fromisoformat(d["start"]), end=dt.date.fromisoformat(d["end"]),
            module=d["module"], process_step=d["process_step"], metric_family=d["metric_family"],
            metrics=tuple(d["metrics"]), segment=dict(d["segment"]), direction=d["direction"],
            description=d["description"], alt_segments=tuple(d.get("alt_segments", ())),
            magnitude=float(d.get("magnitude", 1.0)), detail=dict(d.get("detail", {})),
        )


@dataclass(frozen=True)
class Kind:
    module: str
    process_step: str
    metric_family: str
    metrics: tuple[str, ...]
    direction: str
    offset: int  # preferred start, days before end
    days: int  # duration
    magnitude: float


KINDS: dict[str, Kind] = {
    "carrier_delay": Kind("logistics", "logistics", "logistics",
                          ("delivery_days", "late_delivery_rate"), "up", 112, 6, 3.0),
    "traffic_source_drop": Kind("traffic", "traffic", "traffic",
                                ("visitors", "orders", "gmv"), "down", 100, 6, 0.4),
    "return_spike": Kind("after_sales", "after_sales", "after_sales",
                         ("return_rate", "refund_amount"), "up", 88, 10, 4.0),
    "ad_ctr_collapse": Kind("ads", "ads", "ads", ("ad_ctr", "ad_clicks"), "down", 76, 6, 0.3),
    "category_slowdown": Kind("traffic", "traffic", "traffic",
                              ("visitors", "orders", "gmv"), "down", 64, 7, 0.6),
    "pricing_error": Kind("sales", "pricing", "margin",
                          ("gross_margin", "gross_margin_rate"), "down", 50, 2, 0.1),
    "stockout": Kind("inventory", "stock", "stock", ("days_of_cover", "units", "gmv"), "down", 9, 10, 0.0),
    "conversion_collapse": Kind("sales", "conversion", "conversion",
                                ("conversion_rate", "orders", "gmv"), "down", 3, 4, 0.2),
    "oversold_listing": Kind("listing", "stock", "stock", ("days_of_cover",), "up", 2, 3, 1.0),
}
ENDS_ON_END = {"stockout", "conversion_collapse", "oversold_listing"}
# The DATA.md metric names that count as each incident's metric family (for ``ecomops eval``).
METRIC_FAMILIES: dict[str, tuple[str, ...]] = {
    "traffic": ("visitors", "orders", "gmv", "units", "buyers"),
    "conversion": ("conversion_rate", "orders", "gmv", "buyers", "units"),
    "ads": ("ad_ctr", "ad_clicks", "ad_impressions", "ad_cpc", "ad_cost", "ad_orders", "ad_sales",
            "ad_roas", "ad_acos"),
    "margin": ("gross_margin", "gross_margin_rate"),
    "after_sales": ("return_rate", "refund_amount"),
    "logistics": ("delivery_days", "late_delivery_rate", "ship_hours"),
    "stock": ("days_of_cover", "units", "orders", "gmv"),
}


def plan_dates(end: dt.date, event_days: set[dt.date],
               rng: np.random.Generator | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """Start and end date per incident kind: apart from each other and off festival days.

    With ``rng`` the kinds that do not run to ``end`` swap their preferred offsets and move a few
    days, so that two seeds do not share a calendar a detector could learn.
    """
    taken: list[tuple[dt.date, dt.date]] = []
    out: dict[str, tuple[dt.date, dt.date]] = {}
    movable = [k for k in KINDS if k not in ENDS_ON_END]
    offsets = {k: KINDS[k].offset for k in movable}
    if rng is not None:
        shuffled = rng.permutation([offsets[k] for k in movable]) + rng.integers(-4, 5, len(movable))
        offsets = {k: int(o) for k, o in zip(movable, shuffled, strict=True)}
    for kind, spec in KINDS.items():
        if kind in ENDS_ON_END:
            first = end - dt.timedelta(days=spec.days - 1)
            out[kind] = (first, end)
            continue
        spec = replace(spec, offset=offsets[kind])
        best = _place(end, spec, taken, event_days)
        taken.append(best)
        out[kind] = best
    return out


HORIZON = 120  # incidents start within this many days before ``end``
GAP = 4  # days between two incidents (a carrier's slowed parcels show four days later)


def _place(end: dt.date, spec: Kind, taken: list[tuple[dt.date, dt.date]],
           event_days: set[dt.date]) -> tuple[dt.date, dt.date]:
    """The window nearest to ``spec.offset`` days before ``end`` that keeps clear of the others
    (and of festivals when it can), inside the horizon and ending 12 days before ``end``."""
    gap = dt.timedelta(days=GAP)
    for avoid_events, shifts in ((True, 40), (False, 60), (False, 200)):
        for shift in sorted(range(-shifts, shifts + 1), key=abs):
            first = end - dt.timedelta(days=spec.offset + shift)
            last = first + dt.timedelta(days=spec.days - 1)
            if first < end - dt.timedelta(days=HORIZON) or last >= end - dt.timedelta(days=12):
                continue
            if any(not (last + gap < a or b + gap < first) for a, b in taken):
                continue
            span = {first + dt.timedelta(days=i) for i in range(-1, spec.days + 1)}
            if avoid_events and span & event_days:
                continue
            return first, last
    raise AssertionError(f"no room for a {spec.days}-day incident")  # the horizon holds them all


def make(kind: str, n: int, dates: tuple[dt.date, dt.date], segment: dict[str, str],
         description: str, **kw: Any) -> Incident:
    spec = KINDS[kind]
    return Incident(
        id=f"inc-{n:02d}-{kind.replace('_', '-')}", kind=kind, start=dates[0], end=dates[1],
        module=spec.module, process_step=spec.process_step, metric_family=spec.metric_family,
        metrics=spec.metrics, segment=segment, direction=spec.direction, description=description,
        magnitude=kw.pop("magnitude", spec.magnitude), **kw,
    )


def with_dates(inc: Incident, start: dt.date, end: dt.date, **detail: Any) -> Incident:
    return replace(inc, start=start, end=end, detail={**inc.detail, **detail})


def quiet_dates(end: dt.date, incidents: list[Incident], event_days: set[dt.date],
                *, horizon: int = 120, count: int = 15) -> list[dt.date]:
    """Days of the last ``horizon`` days with no incident (from its onset) within two days and no
    festival."""
    pad = dt.timedelta(days=2)

    def first(x: Incident) -> dt.date:
        onset = x.detail.get("onset")
        return min(x.start, dt.date.fromisoformat(onset)) if onset else x.start

    candidates = [
        end - dt.timedelta(days=i) for i in range(1, horizon)
        if not any(first(x) - pad <= end - dt.timedelta(days=i) <= x.end + pad for x in incidents)
        and end - dt.timedelta(days=i) not in event_days
    ]
    candidates.sort()
    if len(candidates) <= count:
        return candidates
    step = len(candidates) / count
    return [candidates[int(i * step)] for i in range(count)]


def write(path: Path, incidents: list[Incident], quiet: list[dt.date], meta: dict[str, Any]) -> None:
    doc = {**meta, "incidents": [i.to_dict() for i in incidents],
           "quiet_dates": [d.isoformat() for d in quiet],
           "metric_families": {k: list(v) for k, v in METRIC_FAMILIES.items()}}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def load(out_dir: Path | str) -> dict[str, Any]:
    """The whole ground-truth document (incidents as ``Incident``, quiet dates as dates)."""
    path = Path(out_dir) / GROUND_TRUTH
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the demo ground truth {path}: {exc}") from exc
    doc["incidents"] = [Incident.from_dict(d) for d in doc["incidents"]]
    doc["quiet_dates"] = [dt.date.fromisoformat(d) for d in doc["quiet_dates"]]
    return doc


def ground_truth(out_dir: Path | str) -> list[Incident]:
    """The incidents injected into the demo files in ``out_dir``."""
    incidents: list[Incident] = load(out_dir)["incidents"]
    return incidents
