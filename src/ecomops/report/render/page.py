"""The brief as one self-contained HTML file: plotly.js inlined, no network, readable on a phone.

Pure: Brief in, text out. Jinja2 autoescapes every value (titles, summaries and segment values come
from shop data); the figures travel as JSON through ``tojson``, which escapes ``<``, ``>`` and ``&``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
from babel.numbers import format_decimal

from ecomops.i18n import evidence_label, label, normalize, segment_label, text_of, translations
from ecomops.report.model import Brief
from ecomops.report.render import charts
from ecomops.report.render import formats as fmt

MONEY_KEYS = frozenset({"impact", "impact_over_days", "price", "expected_lost_gmv", "at_risk_gmv",
                        "stock_value", "cost"})
"""Evidence keys that hold money (shown with the currency)."""


@cache
def plotly_js() -> str:
    """plotly.min.js from the installed ``plotly`` package (the same file its offline mode uses)."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


@cache
def _environment(lang: str) -> jinja2.Environment:
    """One environment per language, its catalog installed once (so rendering is thread-safe)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecomops.report.render", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang, "report"), newstyle=True)  # type: ignore[attr-defined]
    return env


def _evidence_text(v: Any, lang: str, currency: str, key: str = "") -> str:
    """An evidence value as short text: money and metrics formatted, lists of records one per ``;``."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if isinstance(v, int | float):
        if key in MONEY_KEYS:
            return fmt.value("impact", v, lang, currency)
        if fmt.kind(key) != "number" or key == "days_of_cover":
            return fmt.value(key, v, lang, currency)
        return format_decimal(v, "#,##0.##", locale=fmt.babel_locale(lang))
    if isinstance(v, dict):
        if v and all(isinstance(x, str) for x in v.values()):
            return segment_label(v, lang)
        return ", ".join(f"{evidence_label(str(k), lang)} {_evidence_text(x, lang, currency, str(k))}"
                         for k, x in v.items() if k != "segment")
    if isinstance(v, list | tuple):
        return "; ".join(_evidence_text(x, lang, currency, key) for x in v)
    if key == "metric":
        return label("metric", str(v), lang)
    return str(v)


def evidence_items(evidence: dict[str, Any], lang: str, currency: str) -> list[tuple[str, str]]:
    """The evidence of a finding as (label, text) in the reader's language."""
    return [(evidence_label(key, lang), _evidence_text(v, lang, currency, key))
            for key, v in evidence.items()]


def _tone(metric: str, rel: float | None) -> str:
    """``good`` / ``bad`` / ``flat`` for a change of a metric, seen from the shop's side."""
    if rel is None or abs(rel) < 0.005 or metric in fmt.NEUTRAL:
        return "flat"
    up_is_good = metric not in fmt.LOWER_IS_BETTER
    return "good" if (rel > 0) == up_is_good else "bad"


def _status_tone(metric: str, status: str) -> str:
    if status in ("normal", "unavailable"):
        return status
    return _tone(metric, 1.0 if status == "high" else -1.0)


def _good_bad(fav: dict[str, bool | None], key: str, fallback: str) -> str:
    """``good`` / ``bad`` from the KPI's own ``favourable`` reading (``Kpi.favourable``), else
    ``fallback`` (a brief from before the field: the metric tables here)."""
    if key not in fav:
        return fallback
    v = fav[key]
    return "flat" if v is None else "good" if v else "bad"


def context(brief: Brief, lang: str) -> dict[str, Any]:
    """Everything the template shows, already labelled and formatted for ``lang``."""
    cur = brief.currency
    figures: dict[str, charts.Figure] = {}
    kpis = []
    for k in brief.kpis:
        kpis.append({
            "metric": k.metric, "label": label("metric", k.metric, lang),
            "value": fmt.value(k.metric, k.value, lang, cur),
            "expected": fmt.value(k.metric, k.expected, lang, cur) if k.expected is not None else None,
            "status": k.status, "status_label": label("status", k.status, lang),
            "tone": _status_tone(k.metric, k.status) if k.status in ("normal", "unavailable")
            else _good_bad(k.favourable, "status", _status_tone(k.metric, k.status)),
            "changes": [{"name": c, "label": label("change", c, lang), "text": fmt.change(rel, lang),
                         "tone": _good_bad(k.favourable, c, _tone(k.metric, rel))}
                        for c, rel in (("dod", k.dod), ("wow", k.wow), ("mom", k.mom), ("yoy", k.yoy))],
        })
    trends = []
    for metric, series in brief.charts.trends.items():
        key = f"trend-{metric}"
        figures[key] = charts.trend(series, lang, cur)
        trends.append(key)
    bars = []
    for i, b in enumerate(brief.charts.bars):
        key = f"bars-{i}"
        figures[key] = charts.bars(b, lang, cur)
        bars.append(key)
    heatmaps = []
    for i, h in enumerate(brief.charts.heatmaps):
        key = f"heatmap-{i}"
        figures[key] = charts.heatmap(h, lang, cur)
        heatmaps.append(key)
    findings = []
    for f in brief.findings:
        chart = None
        if f.id in brief.charts.evidence:
            chart = f"evidence-{f.id}"
            figures[chart] = charts.trend(brief.charts.evidence[f.id], lang, cur, since=f.since)
        findings.append({
            "id": f.id, "severity": f.severity, "severity_label": label("severity", f.severity, lang),
            "module": label("module", f.module, lang),
            "step": label("process_step", f.process_step, lang),
            "metric": label("metric", f.metric, lang),
            "segment": segment_label(f.segment, lang),
            "direction": f.direction, "direction_label": label("direction", f.direction, lang),
            "observed": fmt.value(f.metric, f.observed, lang, cur),
            "expected": fmt.value(f.metric, f.expected, lang, cur),
            "impact": fmt.value("impact", f.impact, lang, cur),
            "impact_tone": "bad" if f.impact < 0 else "good",
            "since": f.since.isoformat(), "summary": text_of(f, "summary", lang),
            "evidence": evidence_items(f.evidence, lang, cur),
            "chart": chart,
        })
    actions = [{
        "priority": a.priority, "title": text_of(a, "title", lang),
        "owner": label("owner_role", a.owner_role, lang), "due": a.due.isoformat(),
        "acceptance": text_of(a, "acceptance", lang), "finding_ids": list(a.finding_ids),
    } for a in brief.actions]
    return {
        "lang": lang, "html_lang": "zh-CN" if lang == "zh_CN" else "en",
        "store": brief.store, "date": brief.date.isoformat(), "day": fmt.day(brief.date, lang),
        "currency": cur, "kpis": kpis, "trends": trends, "bars": bars, "heatmaps": heatmaps,
        "findings": findings, "actions": actions, "notes": list(brief.notes), "figures": figures,
    }


def render(brief: Brief, lang: str | None = None, *, inline_plotly: bool = True) -> str:
    """The report's HTML. ``inline_plotly=False`` leaves plotly.js out (for pages that load it once)."""
    code = normalize(lang)
    ctx = context(brief, code)
    ctx["plotly_js"] = plotly_js() if inline_plotly else ""
    return _environment(code).get_template("brief.html").render(ctx)
