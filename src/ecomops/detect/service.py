"""``detect``: the day's findings, actions and evidence series (the I/O of detection).

Steps: read the calendar, promotions and products; run every registered detector (each
isolated: one that fails is logged and skipped); keep the most specific segments
(``hierarchy.prune``); merge what one cause shows through several metrics on one segment;
add the findings of the other capabilities' sources (stock), folding sales symptoms of a SKU
that is out of stock into its stock finding; rate severity from impact and confidence; sort
(BRIEF.md) and number; derive actions; build one evidence series per finding.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from ecomops.detect import cubes, detectors, evidence
from ecomops.detect.events import festival_days
from ecomops.detect.findings import Action, Finding, Severity, sort_findings
from ecomops.detect.hierarchy import prune
from ecomops.detect.scan import Candidate, Context
from ecomops.detect.text import LANGUAGES, summary
from ecomops.report.model import TrendSeries
from ecomops.settings import Settings
from ecomops.store.analytics import QueryInterrupted

log = logging.getLogger(__name__)

HIGH_SHARE = 0.01  # a high-severity finding moves at least 1% of the store's expected GMV
HIGH_Z_EXTRA = 1.5  # ... and leaves the band by this many more sigmas than band_z
IMPACT_LABEL = {"margin": "margin", "after_sales": "refunds", "logistics": "at_risk"}


@dataclass(frozen=True)
class Detection:
    findings: list[Finding]
    actions: list[Action]
    evidence: dict[str, TrendSeries] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    """Detectors or sources that failed (their findings are missing)."""


def context(con: Any, day: dt.date, settings: Settings) -> Context:
    t = settings.thresholds
    dates = [day - dt.timedelta(days=i) for i in range(t.history_days, -1, -1)]
    festivals, phases = festival_days(dates[0], day)
    ctx = Context(
        day=day,
        dates=dates,
        festivals=festivals,
        promos=cubes.promotions(con, day, t.history_days),
        channel_share={},
        band_z=t.band_z,
        min_impact=t.min_impact,
        min_volume=t.min_volume,
        high_impact=3 * t.min_impact,
        category_of=detectors.category_map(cubes.products(con)),
        phases=phases,
    )
    leaves, _ = detectors.sales_leaves(con, ctx)
    ctx.channel_share = detectors.channel_share(leaves)
    ctx.high_impact = max(3 * t.min_impact, HIGH_SHARE * detectors.expected_store_gmv(leaves, ctx))
    return ctx


def _merge_same_segment(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per segment and direction: the largest impact leads, the others are evidence."""
    best: dict[tuple[object, ...], Candidate] = {}
    for c in sorted(cands, key=lambda c: -abs(c.impact)):
        k = (tuple(sorted(c.segment.items())), c.direction if c.family != "margin" else "m")
        lead = best.get(k)
        if lead is None:
            best[k] = c
        else:
            lead.related.append(c)
    return list(best.values())


MONEY_EVIDENCE = {"sales": ("gmv", "gmv_expected"), "ads": ("sales", "sales_expected")}
"""Per family, the evidence of the money a candidate's impact is valued in (observed, expected)."""


def consistent(c: Candidate) -> bool:
    """Whether the candidate's impact has the sign of its own money evidence: "visitors up, GMV
    impact +385" while the segment's GMV is below its expected value is not a finding (the
    visitors came, the sales did not); neither are "clicks up" that sold less than expected."""
    keys = MONEY_EVIDENCE.get(c.family)
    if keys is None or (c.family == "ads" and "sales_expected" not in c.evidence):
        return True
    got, want = c.evidence.get(keys[0]), c.evidence.get(keys[1])
    if got is None or want is None:
        return True
    return c.impact * (float(got) - float(want)) >= 0


def _keep_consistent(cands: list[Candidate]) -> list[Candidate]:
    """The consistent candidates; an inconsistent one becomes evidence of a consistent candidate
    on the same segment (``related``) when there is one, else it is left out."""
    good = [c for c in cands if consistent(c)]
    by_segment = {tuple(sorted(c.segment.items())): c for c in sorted(good, key=lambda c: abs(c.impact))}
    for c in cands:
        if not consistent(c):
            host = by_segment.get(tuple(sorted(c.segment.items())))
            if host is not None:
                host.related.append(c)
    return good


def _severity(c: Candidate, ctx: Context) -> Severity:
    """High: harmful, large on the day and far out; medium: material (on the day or over its
    sustained run); low: the rest. Good news (positive impact) is at most medium: the brief is
    a to-do list, and a sale that beat its forecast rarely needs someone today."""
    if c.impact >= 0:
        return "medium" if c.impact >= ctx.high_impact else "low"
    if abs(c.impact) >= ctx.high_impact and abs(c.z) >= ctx.band_z + HIGH_Z_EXTRA:
        return "high"
    if max(abs(c.impact), abs(c.run_impact)) >= ctx.min_impact:
        return "medium"
    return "low"


def _finding(c: Candidate, ctx: Context, language: str) -> Finding:
    ev = dict(c.evidence)
    ev["z"] = round(c.z, 2)
    if c.related:
        ev["related"] = [
            {
                "metric": r.metric,
                "segment": r.segment,
                "observed": round(r.observed, 4),
                "expected": round(r.expected, 4),
                "impact": round(r.impact, 2),
            }
            for r in c.related[:5]
        ]
    texts = {
        lang: {
            "summary": summary(
                "overdue_share" if ev.get("basis") == "in_transit" else c.metric,
                c.segment,
                c.direction,
                c.observed,
                c.expected,
                c.impact,
                IMPACT_LABEL.get(c.family, "gmv"),
                lang,
            )
        }
        for lang in LANGUAGES
    }
    text = texts["zh_CN" if language.lower().startswith("zh") else "en"]["summary"]
    return Finding(
        id="",
        module=c.module,
        metric=c.metric,
        segment=c.segment,
        process_step=c.process_step,  # type: ignore[arg-type]
        direction=c.direction,
        observed=round(float(c.observed), 6),
        expected=round(float(c.expected), 6),  # type: ignore[arg-type]
        impact=round(float(c.impact), 2),
        severity=_severity(c, ctx),
        since=c.since or ctx.day,
        summary=text,
        evidence=ev,
        texts=texts,
    )


STOCK_SYMPTOM_STEPS = frozenset({"traffic", "conversion", "stock"})
"""What running out of stock shows as: fewer visitors shown the SKU, fewer orders per visitor.
A price or margin collapse on the same SKU is a cause of its own (a mistyped price sells the
stock out), never a symptom, and stays a finding."""


def _fold_stock(findings: list[Finding], stock: list[Finding]) -> list[Finding]:
    """Merge per-warehouse stock findings of a SKU, and fold its sales symptoms into them."""
    by_sku: dict[str, list[Finding]] = {}
    rest: list[Finding] = []
    for f in stock:
        sku = f.segment.get("sku")
        if (
            f.metric == "days_of_cover"
            and f.direction == "down"
            and sku
            and set(f.segment) <= {"sku", "warehouse"}
        ):
            by_sku.setdefault(sku, []).append(f)
        else:
            rest.append(f)
    merged: list[Finding] = []
    kept = list(findings)
    for sku, fs in by_sku.items():
        fs = sort_findings(fs)
        lead = fs[0]
        symptoms = [
            f
            for f in kept
            if f.segment.get("sku") == sku
            and f.direction == "down"
            and f.process_step in STOCK_SYMPTOM_STEPS
            and lead.observed <= 3
        ]
        kept = [f for f in kept if f not in symptoms]
        ev = dict(lead.evidence)
        if len(fs) > 1:
            ev["warehouses"] = [
                {"warehouse": f.segment.get("warehouse"), "days_of_cover": f.observed, "impact": f.impact}
                for f in fs
            ]
        if symptoms:
            ev["sales_symptoms"] = [
                {
                    "metric": f.metric,
                    "segment": f.segment,
                    "observed": f.observed,
                    "expected": f.expected,
                    "impact": f.impact,
                }
                for f in symptoms
            ]
        impact = min(sum(f.impact for f in fs), min((f.impact for f in symptoms), default=0.0))
        sev = min([f.severity for f in fs + symptoms], key=lambda s: {"high": 0, "medium": 1, "low": 2}[s])
        segment = lead.segment if len(fs) == 1 else {"sku": sku}
        merged.append(replace(lead, segment=segment, impact=round(impact, 2), severity=sev, evidence=ev))
    return kept + merged + rest


def detect(con: Any, day: dt.date, settings: Settings) -> Detection:
    """Findings, actions and evidence series of ``day`` (see the module docstring)."""
    ctx = context(con, day, settings)
    language = settings.store.language
    failed: list[str] = []
    cands: list[Candidate] = []
    for name, det in detectors.DETECTORS.items():
        try:
            found = det.candidates(con, ctx)
        except QueryInterrupted:
            raise  # stopped on purpose, not a failed check
        except Exception:
            log.exception("detector %s failed on %s", name, day)
            failed.append(name)
            continue
        cands += found
    families: dict[str, list[Candidate]] = {}
    for c in cands:
        families.setdefault(c.family, []).append(c)
    kept: list[Candidate] = []
    for fam in families.values():
        kept += prune(fam)
    kept = _merge_same_segment(_keep_consistent(kept))
    for c in kept:
        c.since = evidence.since(c, ctx)
    findings = [_finding(c, ctx, language) for c in kept]
    stock: list[Finding] = []
    for name, source in detectors.SOURCES.items():
        try:
            stock += source(con, day, settings)
        except QueryInterrupted:
            raise
        except Exception:
            log.exception("finding source %s failed on %s", name, day)
            failed.append(name)
    findings = sort_findings(_fold_stock(findings, stock))
    findings = [replace(f, id=f"f-{day.isoformat()}-{i:04d}") for i, f in enumerate(findings, start=1)]
    from ecomops.detect.actions import build_actions

    actions = build_actions(findings, day, language)
    by_summary = {id(c): c for c in kept}
    series = evidence.trends(findings, list(by_summary.values()), ctx)
    return Detection(findings, actions, series, failed)
