"""A finding's evidence for reading: labelled facts, and lists (related segments, reasons) as tables.

Pure: the evidence dict of a finding (DATA.md / BRIEF.md), the finding's metric and the reader's
language come in; rows of display strings go out (the template escapes them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecomops.i18n import evidence_label, label, labels, segment_label

Gettext = Callable[[str], str]
SALES_FILTERS = ("channel", "category", "source", "sku")
"""The segment dimensions the Sales & traffic page filters on."""


MONEY_KEYS = frozenset({"impact", "impact_over_days", "price", "expected_lost_gmv", "at_risk_gmv",
                        "stock_value", "cost"})
"""Evidence keys that hold money (shown with the currency)."""


@dataclass(frozen=True)
class Fact:
    name: str
    value: str


@dataclass(frozen=True)
class Listing:
    """A list of records in the evidence: a small table; ``links`` holds a Sales link per row."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    links: list[str | None] = field(default_factory=list)


def _metrics(lang: str) -> dict[str, str]:
    return labels("metric", lang)


def key_label(key: str, lang: str, _: Gettext) -> str:
    """``gmv`` -> 成交额; ``gmv_expected`` -> 成交额（预期）; ``sellable`` -> 可售库存 (the shared
    vocabulary, ``ecomops.i18n.evidence_label``); others keep their name, spaced."""
    return evidence_label(key, lang)


def value_text(value: Any, metric: str | None, lang: str, currency: str) -> str:
    from ecomops.web.pages import fmt_metric

    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int | float):
        return fmt_metric(value, metric or "", lang, currency)
    if isinstance(value, Mapping):
        return segment_label(dict(value), lang) if all(isinstance(v, str) for v in value.values()) \
            else ", ".join(f"{label('evidence', str(k), lang)}: {value_text(v, None, lang, currency)}"
                           for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def sales_link(metric: str, segment: Mapping[str, str], end: str) -> str | None:
    """The Sales & traffic page on ``segment`` (None when it filters on none of its dimensions)."""
    from urllib.parse import urlencode

    params = {k: v for k, v in segment.items() if k in SALES_FILTERS}
    if len(params) != len(segment):
        return None
    return "/sales?" + urlencode({"metric": metric, "end": end, **params})


def _metric_of(key: str, record_metric: str | None, finding_metric: str, lang: str) -> str | None:
    if key in ("observed", "expected"):
        return record_metric or finding_metric
    if key in MONEY_KEYS:
        return "gmv"
    base = key.removesuffix("_expected")
    return base if base in _metrics(lang) else None


def present(
    evidence: Mapping[str, Any], finding_metric: str, lang: str, currency: str, end: str,
    gettext: Gettext,
) -> list[Fact | Listing]:
    """The evidence of a finding as facts and tables, in the detector's order."""
    _ = gettext
    out: list[Fact | Listing] = []
    for key, value in evidence.items():
        title = key_label(key, lang, _)
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            columns: list[str] = []
            for record in value:
                columns += [k for k in record if k not in columns]
            rows, links = [], []
            for record in value:
                rec_metric = record.get("metric") if isinstance(record.get("metric"), str) else None
                row = []
                for col in columns:
                    cell = record.get(col)
                    if col == "metric" and isinstance(cell, str):
                        row.append(label("metric", cell, lang))
                    else:
                        row.append(value_text(cell, _metric_of(col, rec_metric, finding_metric, lang),
                                              lang, currency))
                rows.append(row)
                seg = record.get("segment")
                links.append(sales_link(rec_metric or finding_metric, seg, end)
                             if isinstance(seg, Mapping) else None)
            out.append(Listing(title, [key_label(c, lang, _) for c in columns], rows, links))
        else:
            metric = _metric_of(key, None, finding_metric, lang)
            out.append(Fact(title, value_text(value, metric, lang, currency)))
    return out
