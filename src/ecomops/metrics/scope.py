"""What a metric query is about: its periods, its as-of horizon, its filters, as Ibis literals.

Every value a query depends on goes through ``Params``. Built with ``sentinel=True``, the values
are unique placeholder strings, so one compiled SQL text serves every date of a query shape
(``compiled.py`` substitutes the real values); built with ``sentinel=False`` they are the real
values, for engines whose SQL is not cached (Spark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

from ecomops.metrics.defs import Grain

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Ibis is imported where an expression is built, not here: a brief whose SQL is cached runs
# without importing Ibis at all (``metrics.compiled``, ``store.analytics.ibis_backend``).

TOKEN = "__ecomops_param_{}__"
_TRUNC = {"week": "W", "month": "M"}


@dataclass
class Params:
    """Named query values; ``sentinel`` builds placeholders instead of the values themselves."""

    values: dict[str, str] = field(default_factory=dict)
    sentinel: bool = False

    def _lit(self, name: str) -> ir.StringScalar:
        import ibis

        value = TOKEN.format(name) if self.sentinel else self.values[name]
        return ibis.literal(value, type="string")

    def date(self, name: str) -> ir.DateScalar:
        return self._lit(name).cast("date")

    def ts(self, name: str) -> ir.TimestampScalar:
        return self._lit(name).cast("timestamp")

    def text(self, name: str) -> ir.StringScalar:
        return self._lit(name)


@dataclass(frozen=True)
class Scope:
    """The query's frame: periods (half-open days), bucketing, as-of horizon, lag and filters.

    ``periods`` are ``[start, end)`` pairs of days. With ``labels`` (one date per period) every
    row is labelled with its period's label (comparison windows); otherwise with its day,
    truncated to ``grain``.
    """

    table: Callable[[str], ir.Table]
    params: Params
    n_periods: int
    labelled: bool
    grain: Grain
    lag: int | None
    filter_dims: tuple[str, ...]
    filter_sizes: tuple[int, ...] = ()
    """Number of values of each filter dimension (1 when not given): ``isin`` beyond one."""

    # -- values ------------------------------------------------------------------------
    def period(self, i: int) -> tuple[ir.DateScalar, ir.DateScalar]:
        return self.params.date(f"start{i}"), self.params.date(f"end{i}")

    @property
    def asof_day(self) -> ir.DateScalar:
        """The last day whose data is known."""
        return self.params.date("asof")

    @property
    def asof_end(self) -> ir.TimestampScalar:
        """The first instant not known (midnight after ``as_of``)."""
        return self.params.ts("asof_end")

    def filter_value(self, dim: str, i: int | None = None) -> ir.StringScalar:
        return self.params.text(f"filter_{dim}" if i is None else f"filter_{dim}_{i}")

    def matches(self, col: ir.Value, dim: str) -> ir.BooleanValue:
        """``col`` equals the filter value of ``dim`` (or one of its values)."""
        sizes = dict(zip(self.filter_dims, self.filter_sizes, strict=True)) if self.filter_sizes else {}
        n = sizes.get(dim, 1)
        if n == 1:
            return col == self.filter_value(dim)
        return col.isin([self.filter_value(dim, i) for i in range(n)])

    # -- predicates ----------------------------------------------------------------------
    def in_days(self, day: ir.DateValue, *, widen: int = 0) -> ir.BooleanValue:
        """``day`` falls in one of the periods (each widened ``widen`` days to the past)."""
        import ibis

        conds = []
        for i in range(self.n_periods):
            start, end = self.period(i)
            if widen:
                start = start - ibis.interval(days=widen)
            conds.append((day >= start) & (day < end))
        return reduce(lambda a, b: a | b, conds)

    def in_times(self, ts: ir.TimestampValue, *, widen: int = 0) -> ir.BooleanValue:
        """Like ``in_days`` for a timestamp (compared as timestamps, so scans can skip blocks)."""
        import ibis

        conds = []
        for i in range(self.n_periods):
            start, end = self.period(i)
            if widen:
                start = start - ibis.interval(days=widen)
            conds.append((ts >= start.cast("timestamp")) & (ts < end.cast("timestamp")))
        return reduce(lambda a, b: a | b, conds)

    def horizon(self, day: ir.DateValue) -> ir.TimestampValue:
        """First instant not known for a row of ``day``: end of as_of, or ``lag`` days after."""
        import ibis

        if self.lag is None:
            return self.asof_end
        own = (day + ibis.interval(days=self.lag + 1)).cast("timestamp")
        return ibis.least(own, self.asof_end)

    def bucket(self, day: ir.DateValue) -> ir.DateValue:
        """The row's date in the result: its period's label, or its day truncated to the grain."""
        import ibis

        if self.labelled:
            cases = []
            for i in range(self.n_periods):
                start, end = self.period(i)
                cases.append(((day >= start) & (day < end), self.params.date(f"label{i}")))
            return ibis.cases(*cases)
        if self.grain == "day":
            return day
        return day.truncate(_TRUNC[self.grain])


def make_params(
    periods: Sequence[tuple[dt.date, dt.date]],
    labels: Sequence[dt.date] | None,
    as_of: dt.date,
    filters: Mapping[str, str | Sequence[str]],
) -> dict[str, str]:
    """The values of a query (strings, as the placeholders are)."""
    values: dict[str, str] = {}
    for i, (start, end) in enumerate(periods):
        values[f"start{i}"] = start.isoformat()
        values[f"end{i}"] = end.isoformat()
    for i, label in enumerate(labels or ()):
        values[f"label{i}"] = label.isoformat()
    values["asof"] = as_of.isoformat()
    values["asof_end"] = (as_of + dt.timedelta(days=1)).isoformat()
    for dim, value in filters.items():
        many = filter_values(value)
        if len(many) == 1:
            values[f"filter_{dim}"] = many[0]
        else:
            values.update({f"filter_{dim}_{i}": v for i, v in enumerate(many)})
    return values


def filter_values(value: str | Sequence[str]) -> list[str]:
    """A filter's values: one string, or several (sorted, without repeats)."""
    if isinstance(value, str):
        return [value]
    return sorted({str(v) for v in value})


def finish(
    rows: ir.Table,
    scope: Scope,
    dims: Sequence[str],
    aggs: Mapping[str, Callable[[ir.Table], Any]],
    measures: Sequence[str],
) -> ir.Table:
    """Filter ``rows`` (columns ``day``, dims, filter dims, inputs), bucket and aggregate."""
    for dim in scope.filter_dims:
        rows = rows.filter(scope.matches(rows[dim], dim))
    rows = rows.mutate(date=scope.bucket(rows["day"]))
    return rows.group_by(["date", *dims]).aggregate(**{m: aggs[m](rows) for m in measures})
