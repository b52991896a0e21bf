"""Task checks, check results and closures as sentences in the reader's language (zh_CN or en).

Pure: a ``check`` dict, a stored ``check_result`` dict and the language come in, one sentence
comes out; thresholds and values carry their unit (percent, the store's currency, hours, days,
orders...). Messages are English msgids of the ``web`` catalog.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

from ecomops.errors import InputError
from ecomops.i18n import N_, label, normalize, segment_label, translations
from ecomops.tasks.checks import Check

_SERIES_UNITS = {"page_views": "count", "add_to_cart": "count", "returned_units": "count"}
"""Units of the metrics only ``tasks.series`` knows (the rest are declared in ``ecomops.metrics``)."""
_SERIES_NAMES = {"page_views": N_("Page views"), "add_to_cart": N_("Add-to-carts"),
                 "returned_units": N_("Returned units")}
_COUNT_NOUNS: dict[str, tuple[str, str]] = {
    # Plural messages (msgid, msgid_plural) of the web catalog, picked with ngettext.
    "orders": ("{n} order", "{n} orders"),
    "ad_orders": ("{n} order", "{n} orders"),
    "units": ("{n} unit", "{n} units"),
    "returned_units": ("{n} unit", "{n} units"),
    "visitors": ("{n} visitor", "{n} visitors"),
    "buyers": ("{n} buyer", "{n} buyers"),
    "ad_clicks": ("{n} click", "{n} clicks"),
    "ad_impressions": ("{n} impression", "{n} impressions"),
    "page_views": ("{n} page view", "{n} page views"),
    "add_to_cart": ("{n} add-to-cart", "{n} add-to-carts"),
}
_UNIT_NOUNS: dict[str, tuple[str, str]] = {
    "hours": ("{n} hour", "{n} hours"), "days": ("{n} day", "{n} days"),
}
_CONDITIONS = {">": N_("above {threshold}"), ">=": N_("at least {threshold}"),
               "<": N_("below {threshold}"), "<=": N_("at most {threshold}")}
_CLOSURES = {"verified": N_("Verified by the data"), "override": N_("Closed without a passed check"),
             "unchecked": N_("No data check")}
_OUTCOMES = {"passed": N_("passed"), "failed": N_("failed"), "unknown": N_("unknown")}
PLURALS: tuple[tuple[str, str], ...] = tuple(dict.fromkeys([*_COUNT_NOUNS.values(), *_UNIT_NOUNS.values()]))
"""The plural messages held in the tables above (a test checks both catalogs have them)."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("zh_CN" if lang == "zh_CN" else "en")


def unit_of(metric: str) -> str:
    """``rate``, ``currency``, ``count``, ``hours``, ``days`` or ``times`` (ROAS: sales per spend)."""
    from ecomops.metrics.defs import METRICS

    if metric == "ad_roas":
        return "times"
    known = METRICS.get(metric)
    return known.unit if known is not None else _SERIES_UNITS.get(metric, "count")


class Words:
    """Sentences for one reader: ``Words("en", "CNY").check({...})``."""

    def __init__(self, lang: str | None, currency: str = "CNY") -> None:
        try:
            self.lang = normalize(lang)
        except InputError:
            self.lang = "en"
        self.currency = currency
        self._t = translations(self.lang)
        self._ = self._t.gettext

    # --- pieces ----------------------------------------------------------------------------

    def metric(self, metric: str) -> str:
        if metric in _SERIES_NAMES:
            return self._(_SERIES_NAMES[metric])
        return label("metric", metric, self.lang)

    def segment(self, segment: Mapping[str, str]) -> str:
        if not segment:
            return self._("the whole store")
        return segment_label(dict(segment), self.lang)

    def amount(self, metric: str, value: float) -> str:
        """``value`` of ``metric`` with its unit: ``2.5%``, ``¥1,234.00``, ``12 orders``, ``3.5 hours``."""
        if not math.isfinite(value):
            return "–"
        loc = _locale(self.lang)
        unit = unit_of(metric)
        if unit == "rate":
            return format_percent(value, "#,##0.##%", locale=loc)
        if unit == "currency":
            return format_currency(value, self.currency, locale=loc)
        number = format_decimal(value, "#,##0.##", locale=loc)
        if unit == "times":
            return f"{number}×"
        nouns = _UNIT_NOUNS.get(unit) or _COUNT_NOUNS.get(metric)
        if nouns is None:
            return number  # a count the metric's name already says what of
        one, many = nouns
        # gettext wants an integer to pick the plural form; 1.0 is "one", 1.5 is "many".
        return self._t.ngettext(one, many, 1 if value == 1 else 2).format(n=number)

    def condition(self, check: Check) -> str:
        return self._(_CONDITIONS[check.comparison]).format(
            threshold=self.amount(check.metric, check.threshold))

    def count(self, n: int) -> str:
        """``3 tasks`` / ``3 项任务``."""
        return self._t.ngettext("{n} task", "{n} tasks", n).format(n=n)

    def closure(self, closure: str | None) -> str:
        return self._(_CLOSURES[closure]) if closure in _CLOSURES else ""

    def reason(self, reason: str | None) -> str:
        """``reason: …`` / ``原因：…`` (the reason a task was closed without a passed check)."""
        return self._("reason: {reason}").format(reason=reason or "–")

    def outcome(self, outcome: str | None) -> str:
        return self._(_OUTCOMES[outcome]) if outcome in _OUTCOMES else ""

    # --- sentences -------------------------------------------------------------------------

    def check(self, raw: Mapping[str, Any] | None) -> str:
        """The acceptance check as a sentence: metric, segment, comparison, threshold with unit,
        days. A check that does not parse is shown as stored (it cannot be judged either)."""
        if not raw:
            return ""
        try:
            c = Check.parse(raw)
        except InputError as exc:
            return self._("The data check cannot be read: {detail}").format(detail=exc.message)
        parts = {"metric": self.metric(c.metric), "segment": self.segment(c.segment),
                 "condition": self.condition(c), "days": c.days}
        if c.days == 1:
            return self._("{metric} of {segment} {condition} on the latest day of data after the "
                          "task was created").format(**parts)
        return self._("{metric} of {segment} {condition} on each of the latest {days} consecutive "
                      "days of data after the task was created").format(**parts)

    def result(self, result: Mapping[str, Any] | None, raw: Mapping[str, Any] | None) -> str:
        """What the latest evaluation found, as a sentence starting with the verdict (results
        stored before causes were recorded: the verdict and their stored reason)."""
        if not result:
            return ""
        cause = result.get("cause")
        try:
            c = Check.parse(raw or {})
        except InputError:
            c = None
        day = str(result.get("day") or "")
        if cause == "held" and c is not None:
            values = result.get("values") or []
            start, end = (values[0][0], values[-1][0]) if values else ("", "")
            return self._("Passed: {metric} was {condition} on every day from {start} to {end}.").format(
                metric=self.metric(c.metric), condition=self.condition(c), start=start, end=end)
        if cause == "missed" and c is not None and isinstance(result.get("value"), int | float):
            return self._("Failed: {metric} was {value} on {day}; it needs to be {condition}.").format(
                metric=self.metric(c.metric), value=self.amount(c.metric, float(result["value"])),
                day=day, condition=self.condition(c))
        if cause == "no_data":
            return self._("Not known yet: the store has no data for {day}.").format(day=day)
        if cause == "too_early":
            return self._("Not known yet: only days after the task was created count, so the check "
                          "can be judged with the data of {day}.").format(day=day)
        if cause == "error":
            return self._("Not known yet: the store's data cannot answer this check (the metric "
                          "or the segment is not available).")
        outcome = self.outcome(result.get("outcome"))
        return " — ".join(x for x in (outcome, str(result.get("reason") or "")) if x)

    def refusal(self, task_id: int, result: Mapping[str, Any], raw: Mapping[str, Any] | None) -> str:
        """Why closing was refused, and what to do."""
        return self._("Task #{id} was not closed: its data check has not passed. {result} To close "
                      "it anyway, give a reason.").format(id=task_id, result=self.result(result, raw))

