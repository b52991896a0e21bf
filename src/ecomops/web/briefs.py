"""The brief of a date for the console: built by ``ecomops.report.service`` and cached per import.

Until the report package's ``build_brief`` is installed, a plain brief (the day's KPIs with their
changes and trends, no findings) is built from the store, so the console still works.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ecomops.errors import EcomopsError, InputError
from ecomops.i18n import N_
from ecomops.store.bounds import DataDays, check_day, data_days

if TYPE_CHECKING:
    import duckdb

    from ecomops.report.model import Brief
    from ecomops.web.gate import StoreGate

log = logging.getLogger(__name__)
CACHE_SIZE = 32
DERIVED_SIZE = 512
KPI_METRICS = ("gmv", "orders", "aov", "visitors", "conversion_rate", "refund_amount")


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError.localized(N_("'%(value)s' is not a date (YYYY-MM-DD)"), value=value) from exc


class Briefs:
    def __init__(self, gate: StoreGate, timezone: str) -> None:
        self.gate = gate
        self.tz = ZoneInfo(timezone)
        self._cache: OrderedDict[tuple[dt.date, int], Brief] = OrderedDict()
        self._lock = threading.Lock()
        self._default: tuple[int, dt.date, dt.date] | None = None
        self._days: tuple[int, DataDays | None] | None = None
        self._derived: dict[tuple[Any, ...], Any] = {}

    def day(self, value: str | None) -> dt.date:
        """The date a request names (YYYY-MM-DD), or the console's default date.

        A named day outside the store's data is refused (``DateOutOfRange``: the page says
        which days the store has)."""
        named = parse_date(value)
        if named is None:
            return self.default_date()
        return check_day(named, self.data_days())

    def data_days(self) -> DataDays | None:
        """The store's first and last day with orders (cached until the next import)."""
        version = self.gate.version
        cached = self._days
        if cached and cached[0] == version:
            return cached[1]
        with self.gate.reader() as cur:
            days = data_days(cur)
        self._days = (version, days)
        return days

    def known_data_days(self) -> DataDays | None:
        """``data_days`` if known for the current data, without querying (for the date pickers'
        ``min`` and ``max``); None otherwise."""
        cached = self._days
        return cached[1] if cached and cached[0] == self.gate.version else None

    def _yesterday(self) -> dt.date:
        return dt.datetime.now(self.tz).date() - dt.timedelta(days=1)

    def default_date(self) -> dt.date:
        """Yesterday in the store's time zone, or the store's last day with orders if earlier
        (a demo or a store not imported since)."""
        yesterday = self._yesterday()
        cached = self._default
        if cached and cached[0] == self.gate.version and cached[1] == yesterday:
            return cached[2]
        days = self.data_days()
        last = days[1] if days else None
        day = min(yesterday, last) if last else yesterday
        self._default = (self.gate.version, yesterday, day)
        return day

    def get(self, day: dt.date) -> Brief:
        key = (day, self.gate.version)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        with self.gate.lock:
            with self._lock:
                hit = self._cache.get(key)
            if hit is None:
                hit = self._build(day)
        with self._lock:
            self._cache[key] = hit
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return hit

    def peek(self, day: dt.date | None) -> Brief | None:
        """The brief of ``day`` (None: the default date) if it is built for the current data, without
        waiting or querying; None otherwise. Lets request handlers on the event loop answer at once
        and hand only real work to a thread."""
        if day is None:
            cached = self._default
            if cached is None or cached[0] != self.gate.version:
                return None
            if cached[1] != self._yesterday():
                return None
            day = cached[2]
        return self._cache.get((day, self.gate.version))

    def derived(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A value computed from the current data (a brief's rendered charts...), cached until
        the next import."""
        full = (*key, self.gate.version)
        with self._lock:
            if full in self._derived:
                return self._derived[full]
        value = make()
        with self._lock:
            self._derived = {k: v for k, v in self._derived.items() if k[-1] == self.gate.version}
            if len(self._derived) >= DERIVED_SIZE:
                self._derived.clear()
            self._derived[full] = value
        return value

    def prime(self, brief: Brief) -> None:
        """Put a brief built elsewhere for the current data (a warm-up thread, tests) in the cache."""
        with self._lock:
            self._cache[(brief.date, self.gate.version)] = brief

    def _build(self, day: dt.date) -> Brief:
        try:
            from ecomops.report.service import build_brief
        except ImportError:
            log.info("ecomops.report.service is not available: building a plain brief")
            with self.gate.reader() as cur:
                return plain_brief(cur, self.gate.ws.settings, day)
        with self.gate.session() as ws:  # its own cursor: pages keep reading meanwhile
            return build_brief(ws, day)


def _change(series: dict[dt.date, float | None], day: dt.date, days: int) -> float | None:
    now, then = series.get(day), series.get(day - dt.timedelta(days=days))
    if now is None or not then:
        return None
    return now / then - 1.0


def plain_brief(cur: duckdb.DuckDBPyConnection, settings: Any, day: dt.date) -> Brief:
    """KPIs of ``day`` with day/week/month/year changes and 56-day trends; no findings."""
    from ecomops.detect.findings import Kpi
    from ecomops.report.model import Brief, Charts, TrendSeries
    from ecomops.tasks.series import metric_sql

    history = settings.thresholds.history_days
    start = day - dt.timedelta(days=366)
    kpis: list[Kpi] = []
    trends: dict[str, TrendSeries] = {}
    for metric in KPI_METRICS:
        try:
            sql, params, _ = metric_sql(metric, start, day)
            rows = cur.execute(sql, params).fetchall()
        except EcomopsError:
            continue
        series = {r[0]: (None if r[1] is None else float(r[1])) for r in rows}
        value = series.get(day)
        kpis.append(Kpi(metric, value, dod=_change(series, day, 1), wow=_change(series, day, 7),
                        mom=_change(series, day, 28), yoy=_change(series, day, 364),
                        status="normal" if value is not None else "unavailable"))
        dates = [day - dt.timedelta(days=i) for i in range(history - 1, -1, -1)]
        trends[metric] = TrendSeries(metric, {}, dates, [series.get(d) for d in dates])
    return Brief(day, settings.store.name, settings.store.currency, kpis, [], [],
                 charts=Charts(trends=trends),
                 notes=["Findings and actions appear once the report package is installed."])
